//! Versions against moto: a restore keeps the old version's metadata and tags, a multipart copy
//! can read an older version, and a store without versions says so.

use std::collections::HashMap;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use satchel_core::{objects, ErrorCode};
use satchel_harness::{garage, moto};

use crate::common::satchel_client;

async fn versioned_bucket() -> String {
    let m = moto();
    let bucket = format!("versions-{:08x}", rand::random::<u32>());
    m.create_bucket(&bucket).await;
    let on = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
    m.client().put_bucket_versioning().bucket(&bucket).versioning_configuration(on).send().await.unwrap();
    bucket
}

#[tokio::test]
async fn a_restored_version_keeps_its_metadata_and_tags() {
    let m = moto();
    let bucket = versioned_bucket().await;
    let c = m.client();
    let first = c
        .put_object()
        .bucket(&bucket)
        .key("report.csv")
        .body(ByteStream::from_static(b"a,b\n1,2\n"))
        .content_type("text/csv")
        .metadata("origin", "ledger")
        .tagging("project=alpha")
        .send()
        .await
        .unwrap();
    let first_id = first.version_id().unwrap().to_string();
    c.put_object().bucket(&bucket).key("report.csv").body(ByteStream::from_static(b"overwritten")).send().await.unwrap();

    let s3 = satchel_client(m);
    let change = objects::restore_version(&s3, &bucket, "report.csv", &first_id).await.unwrap();
    assert!(change.summary.contains("Restored report.csv"), "{}", change.summary);
    let head = c.head_object().bucket(&bucket).key("report.csv").send().await.unwrap();
    assert_eq!(head.content_type(), Some("text/csv"));
    assert_eq!(head.metadata(), Some(&HashMap::from([("origin".to_string(), "ledger".to_string())])));
    assert_ne!(head.version_id(), Some(first_id.as_str()), "a new version, the old one kept");
    let tags = c.get_object_tagging().bucket(&bucket).key("report.csv").send().await.unwrap();
    assert_eq!(tags.tag_set().iter().map(|t| (t.key(), t.value())).collect::<Vec<_>>(), [("project", "alpha")]);
    assert_eq!(m.get(&bucket, "report.csv").await, b"a,b\n1,2\n");
    let versions = objects::key_versions(&s3, &bucket, "report.csv").await.unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions[0].is_latest && versions[0].version_id == change.current.clone().unwrap());

    let e = objects::restore_version(&s3, &bucket, "report.csv", "not-a-version").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert!(e.message.contains("it has 3 versions"), "{}", e.message);
}

/// Above 5 GiB a restore copies in parts: the parts must come from the old version, not the
/// current one (shown here with small parts).
#[tokio::test]
async fn a_multipart_copy_reads_the_version_asked_for() {
    let m = moto();
    let bucket = versioned_bucket().await;
    let c = m.client();
    let body: Vec<u8> = (0..11 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let old = c.put_object().bucket(&bucket).key("big.bin").body(ByteStream::from(body.clone())).tagging("kept=yes").send().await.unwrap();
    c.put_object().bucket(&bucket).key("big.bin").body(ByteStream::from_static(b"small now")).send().await.unwrap();
    let s3 = satchel_client(m);
    let from = objects::End { version: old.version_id(), ..objects::End::new(&s3, &bucket, "big.bin") };
    let head = c.head_object().bucket(&bucket).key("big.bin").version_id(old.version_id().unwrap()).send().await.unwrap();
    objects::copy_in_parts(from, objects::End::new(&s3, &bucket, "big.bin"), body.len() as u64, &objects::Headers::of(&head), 5 * 1024 * 1024, None).await.unwrap();
    assert_eq!(m.get(&bucket, "big.bin").await, body);
    let tags = c.get_object_tagging().bucket(&bucket).key("big.bin").send().await.unwrap();
    assert_eq!(tags.tag_set().len(), 1);
}

#[tokio::test]
async fn storage_without_versions_says_so() {
    let g = &garage().server;
    let bucket = format!("noversions-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    g.put(&bucket, "a.txt", b"a").await;
    let s3 = satchel_client(g);
    match objects::key_versions(&s3, &bucket, "a.txt").await {
        // Garage lists the current objects as their only versions (no history kept).
        Ok(v) => assert!(v.iter().all(|x| x.is_latest), "{v:?}"),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::Unsupported);
            assert_eq!(e.message, "This storage doesn't keep versions of objects.");
        }
    }
}
