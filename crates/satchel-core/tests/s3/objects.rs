//! Object operations against moto, read back with the harness's independent client.

use std::collections::HashMap;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use satchel_core::objects;
use satchel_core::CancellationToken;

use crate::common::satchel_client;
use satchel_harness::{moto, S3Server};

async fn bucket_with(s: &S3Server, keys: &[&str]) -> String {
    let bucket = format!("objects-{:08x}", rand::random::<u32>());
    s.create_bucket(&bucket).await;
    for k in keys {
        s.client().put_object().bucket(&bucket).key(*k).body(ByteStream::from(k.as_bytes().to_vec())).send().await.unwrap();
    }
    bucket
}

async fn all_keys(s: &S3Server, bucket: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let mut token = None;
    loop {
        let out = s.client().list_objects_v2().bucket(bucket).set_continuation_token(token).send().await.unwrap();
        keys.extend(out.contents().iter().filter_map(|o| o.key().map(str::to_string)));
        match out.next_continuation_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    keys.sort();
    keys
}

#[tokio::test]
async fn listing_pages_across_the_page_boundary() {
    let m = moto();
    let bucket = bucket_with(m, &[]).await;
    let c = m.client();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1003 {
        let (c, b) = (c.clone(), bucket.clone());
        tasks.spawn(async move { c.put_object().bucket(b).key(format!("many/{i:05}")).body(ByteStream::from_static(b"x")).send().await.unwrap() });
        if tasks.len() >= 32 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    let s3 = satchel_client(m);
    let first = objects::list_page(&s3, &bucket, "many/", false, None).await.unwrap();
    assert_eq!(first.objects.len(), 1000, "one page of 1,000");
    let second = objects::list_page(&s3, &bucket, "many/", false, first.next.clone()).await.unwrap();
    assert_eq!(second.objects.len(), 3);
    assert!(second.next.is_none());
    let mut pages = 0;
    let n = objects::list_all(&s3, &bucket, "", true, &CancellationToken::new(), |_| pages += 1).await.unwrap();
    assert_eq!((n, pages), (1003, 2));
}

#[tokio::test]
async fn folders_with_unicode_and_odd_characters() {
    let m = moto();
    let keys = ["données/été/1.csv", "données/été/2.csv", "données/readme.md", "a b+c%d/x.txt", "top.txt"];
    let bucket = bucket_with(m, &keys).await;
    let s3 = satchel_client(m);
    let root = objects::list_page(&s3, &bucket, "", false, None).await.unwrap();
    assert_eq!(root.folders, ["a b+c%d/", "données/"]);
    assert_eq!(root.objects.iter().map(|o| o.key.as_str()).collect::<Vec<_>>(), ["top.txt"]);
    let inner = objects::list_page(&s3, &bucket, "données/", false, None).await.unwrap();
    assert_eq!(inner.folders, ["données/été/"]);
    assert_eq!(inner.objects[0].key, "données/readme.md");
    assert_eq!(inner.objects[0].size, "données/readme.md".len() as u64);
}

#[tokio::test]
async fn rename_a_folder_with_nested_keys() {
    let m = moto();
    let bucket = bucket_with(m, &["proj/", "proj/a.txt", "proj/sub/b.txt", "proj/sub/deeper/c.txt", "project-other.txt"]).await;
    let s3 = satchel_client(m);
    let report = objects::rename(&s3, &bucket, "proj/", "project 2024", &CancellationToken::new()).await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!((report.copied, report.deleted), (4, 4));
    assert_eq!(
        all_keys(m, &bucket).await,
        ["project 2024/", "project 2024/a.txt", "project 2024/sub/b.txt", "project 2024/sub/deeper/c.txt", "project-other.txt"]
    );
    let body = m.client().get_object().bucket(&bucket).key("project 2024/sub/deeper/c.txt").send().await.unwrap();
    assert_eq!(body.body.collect().await.unwrap().into_bytes().as_ref(), b"proj/sub/deeper/c.txt");
}

#[tokio::test]
async fn copy_between_buckets_keeps_metadata_tags_and_encryption() {
    let m = moto();
    let src = bucket_with(m, &[]).await;
    let dst = bucket_with(m, &[]).await;
    let c = m.client();
    c.put_object()
        .bucket(&src)
        .key("in/report.csv")
        .body(ByteStream::from_static(b"a,b\n"))
        .content_type("text/csv")
        .metadata("owner", "analytics")
        .tagging("project=alpha&cost=42")
        .server_side_encryption(ServerSideEncryption::Aes256)
        .send()
        .await
        .unwrap();
    let s3 = satchel_client(m);
    let ends = objects::Buckets { src: &s3, src_bucket: &src, dst: &s3, dst_bucket: &dst, across: false };
    let report = objects::transfer_within(ends, &["in/".into()], "archive/", false, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.copied, 1, "{report:?}");
    let head = c.head_object().bucket(&dst).key("archive/in/report.csv").send().await.unwrap();
    assert_eq!(head.content_type(), Some("text/csv"));
    assert_eq!(head.metadata().unwrap().get("owner").map(String::as_str), Some("analytics"));
    assert_eq!(head.server_side_encryption(), Some(&ServerSideEncryption::Aes256));
    let tags = c.get_object_tagging().bucket(&dst).key("archive/in/report.csv").send().await.unwrap();
    let tags: HashMap<&str, &str> = tags.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, HashMap::from([("project", "alpha"), ("cost", "42")]));
    assert_eq!(all_keys(m, &src).await, ["in/report.csv"], "a copy leaves the source");
}

#[tokio::test]
async fn delete_a_selection_of_keys_and_folders() {
    let m = moto();
    let bucket = bucket_with(m, &["keep.txt", "a.txt", "dir/1", "dir/2", "dir/sub/3"]).await;
    let s3 = satchel_client(m);
    let keys = objects::expand(&s3, &bucket, &["a.txt".into(), "dir/".into()], &CancellationToken::new()).await.unwrap();
    assert_eq!(keys.len(), 4);
    let report = objects::delete_keys(&s3, &bucket, &keys).await.unwrap();
    assert_eq!(report.deleted, 4);
    assert_eq!(all_keys(m, &bucket).await, ["keep.txt"]);
}

#[tokio::test]
async fn new_folder_properties_and_preview() {
    let m = moto();
    let bucket = bucket_with(m, &["data.json"]).await;
    let s3 = satchel_client(m);
    let key = objects::create_folder(&s3, &bucket, "", "2024").await.unwrap();
    assert_eq!(key, "2024/");
    assert!(all_keys(m, &bucket).await.contains(&"2024/".to_string()));
    assert!(objects::create_folder(&s3, &bucket, "", "a/b").await.is_err());
    let props = objects::properties(&s3, &bucket, "data.json").await.unwrap();
    assert_eq!(props.size, 9);
    assert!(props.etag.is_some());
    assert_eq!(objects::read_head(&s3, &bucket, "data.json", 4).await.unwrap(), b"data");
    let e = objects::properties(&s3, &bucket, "gone.json").await.unwrap_err();
    assert_eq!(e.code, satchel_core::ErrorCode::NotFound);
}

#[tokio::test]
async fn previews_are_bounded_and_typed() {
    let m = moto();
    let bucket = bucket_with(m, &[]).await;
    let c = m.client();
    let big_csv = "id,value\n".to_string() + &"1,2\n".repeat(100_000);
    c.put_object().bucket(&bucket).key("big.csv").body(ByteStream::from(big_csv.into_bytes())).send().await.unwrap();
    c.put_object().bucket(&bucket).key("dot.png").body(ByteStream::from(vec![0x89, b'P', b'N', b'G'])).send().await.unwrap();
    c.put_object().bucket(&bucket).key("blob.bin").body(ByteStream::from(vec![0u8, 159, 146, 150])).send().await.unwrap();
    let s3 = satchel_client(m);
    match objects::preview(&s3, &bucket, "big.csv").await.unwrap() {
        objects::Preview::Text { text, truncated, .. } => {
            assert!(truncated && text.len() as u64 <= objects::PREVIEW_BYTES && text.starts_with("id,value\n"));
        }
        other => panic!("{other:?}"),
    }
    match objects::preview(&s3, &bucket, "dot.png").await.unwrap() {
        objects::Preview::Image { data_url } => assert_eq!(data_url, "data:image/png;base64,iVBORw=="),
        other => panic!("{other:?}"),
    }
    assert!(matches!(objects::preview(&s3, &bucket, "blob.bin").await.unwrap(), objects::Preview::None { .. }));
}

#[tokio::test]
async fn tags_merge_replace_and_bulk_over_a_prefix() {
    use satchel_core::tags::Tag;
    use satchel_core::tags::{self, TagMode};
    let m = moto();
    let keys: Vec<String> = (0..500).map(|i| format!("batch/{i:03}.csv")).collect();
    let bucket = bucket_with(m, &[]).await;
    let c = m.client();
    let mut tasks = tokio::task::JoinSet::new();
    for k in keys.clone() {
        let (c, b) = (c.clone(), bucket.clone());
        tasks.spawn(async move { c.put_object().bucket(b).key(k).tagging("owner=x").body(ByteStream::from_static(b"v")).send().await.unwrap() });
        if tasks.len() >= 32 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    let s3 = satchel_client(m);
    let tag = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
    let read = |key: String| {
        let c = c.clone();
        let b = bucket.clone();
        async move {
            let out = c.get_object_tagging().bucket(b).key(key).send().await.unwrap();
            let mut v: Vec<(String, String)> = out.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect();
            v.sort();
            v
        }
    };
    let report = objects::bulk_change(&s3, &bucket, &["batch/".into()], &[tag("project", "alpha")], &[], TagMode::Merge, &CancellationToken::new(), &|_, _| {})
        .await
        .unwrap();
    assert_eq!((report.tagged, report.failed.len()), (500, 0));
    assert_eq!(read("batch/123.csv".into()).await, [("owner".to_string(), "x".to_string()), ("project".to_string(), "alpha".to_string())]);
    let report = objects::bulk_change(&s3, &bucket, &["batch/".into()], &[tag("project", "beta")], &[], TagMode::Replace, &CancellationToken::new(), &|_, _| {})
        .await
        .unwrap();
    assert_eq!(report.tagged, 500);
    assert_eq!(read("batch/499.csv".into()).await, [("project".to_string(), "beta".to_string())]);
    // Every invalid tag class is refused before any request.
    for bad in [vec![tag("aws:x", "v")], vec![tag("", "v")], (0..11).map(|i| tag(&format!("k{i}"), "v")).collect()] {
        let e = tags::change_tags(&s3, "no-such-bucket-xyz", "k", &bad, &[], TagMode::Replace).await.unwrap_err();
        assert_eq!(e.code, satchel_core::ErrorCode::InvalidInput, "{bad:?}");
    }
}

#[tokio::test]
async fn garage_says_it_does_not_support_tags() {
    let g = &satchel_harness::garage().server;
    let bucket = bucket_with(g, &["a.txt"]).await;
    let e = satchel_core::tags::get_tags(&satchel_client(g), &bucket, "a.txt").await.unwrap_err();
    assert_eq!(e.code, satchel_core::ErrorCode::Unsupported, "{e:?}");
    assert_eq!(e.message, "This storage does not support object tags.");
}

#[tokio::test]
async fn editing_metadata_keeps_tags_and_encryption() {
    let m = moto();
    let bucket = bucket_with(m, &[]).await;
    let c = m.client();
    c.put_object()
        .bucket(&bucket)
        .key("r.csv")
        .body(ByteStream::from_static(b"a"))
        .content_type("text/plain")
        .metadata("old", "1")
        .tagging("project=alpha")
        .server_side_encryption(ServerSideEncryption::Aes256)
        .send()
        .await
        .unwrap();
    let s3 = satchel_client(m);
    let edit = objects::MetadataEdit {
        content_type: Some("text/csv".into()),
        cache_control: Some("max-age=60".into()),
        metadata: Some(vec![("owner".into(), "analytics".into())]),
        ..Default::default()
    };
    objects::edit_metadata(&s3, &bucket, "r.csv", &edit).await.unwrap();
    let head = c.head_object().bucket(&bucket).key("r.csv").send().await.unwrap();
    assert_eq!((head.content_type(), head.cache_control()), (Some("text/csv"), Some("max-age=60")));
    let meta = head.metadata().unwrap();
    assert_eq!((meta.get("owner").map(String::as_str), meta.get("old")), (Some("analytics"), None));
    assert_eq!(head.server_side_encryption(), Some(&ServerSideEncryption::Aes256));
    let tags = c.get_object_tagging().bucket(&bucket).key("r.csv").send().await.unwrap();
    assert_eq!(tags.tag_set()[0].key(), "project");
    let bad = objects::MetadataEdit { metadata: Some(vec![("bad name".into(), "x".into())]), ..Default::default() };
    assert_eq!(objects::edit_metadata(&s3, &bucket, "r.csv", &bad).await.unwrap_err().code, satchel_core::ErrorCode::InvalidInput);
}

/// The path taken above 5 GiB (one CopyObject can't), exercised in place on a 12 MiB object with
/// 5 MiB parts: new headers and storage class, the same bytes, tags and encryption.
#[tokio::test]
async fn an_in_place_multipart_copy_keeps_bytes_tags_and_encryption() {
    let m = moto();
    let bucket = bucket_with(m, &[]).await;
    let c = m.client();
    let body: Vec<u8> = (0..12 * 1024 * 1024 + 7).map(|i| (i % 249) as u8).collect();
    c.put_object()
        .bucket(&bucket)
        .key("big.bin")
        .body(ByteStream::from(body.clone()))
        .tagging("project=alpha&team=data")
        .server_side_encryption(ServerSideEncryption::Aes256)
        .send()
        .await
        .unwrap();
    let s3 = satchel_client(m);
    let head = c.head_object().bucket(&bucket).key("big.bin").send().await.unwrap();
    let headers = objects::Headers {
        content_type: Some("application/x-test".into()),
        storage_class: Some(aws_sdk_s3::types::StorageClass::StandardIa),
        ..objects::Headers::of(&head)
    };
    let here = objects::End::new(&s3, &bucket, "big.bin");
    objects::copy_in_parts(here, here, body.len() as u64, &headers, 5 * 1024 * 1024, head.e_tag()).await.unwrap();
    let head = c.head_object().bucket(&bucket).key("big.bin").send().await.unwrap();
    assert_eq!(head.content_type(), Some("application/x-test"));
    assert_eq!(head.storage_class(), Some(&aws_sdk_s3::types::StorageClass::StandardIa));
    assert_eq!(head.server_side_encryption(), Some(&ServerSideEncryption::Aes256));
    assert!(head.e_tag().unwrap().contains('-'), "a multipart object now: {:?}", head.e_tag());
    let tags = c.get_object_tagging().bucket(&bucket).key("big.bin").send().await.unwrap();
    assert_eq!(tags.tag_set().len(), 2);
    let got = c.get_object().bucket(&bucket).key("big.bin").send().await.unwrap().body.collect().await.unwrap().into_bytes();
    assert_eq!(got.as_ref(), body.as_slice());
    let open = c.list_multipart_uploads().bucket(&bucket).send().await.unwrap();
    assert!(open.uploads().is_empty());
}

/// Copies are pinned to the version planned; a move deletes a source only if it is still the
/// version copied. Both rewrites happen while the proxy holds the request that comes next.
mod pinned {
    use super::*;
    use satchel_harness::garage;
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    use std::sync::Arc;

    fn unique(prefix: &str) -> String {
        format!("{prefix}-{:08x}", rand::random::<u32>())
    }

    async fn put(s: &S3Server, bucket: &str, key: &str, body: &'static [u8]) {
        s.client().put_object().bucket(bucket).key(key).body(ByteStream::from_static(body)).send().await.unwrap();
    }

    async fn body_of(s: &S3Server, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let o = s.client().get_object().bucket(bucket).key(key).send().await.ok()?;
        Some(o.body.collect().await.unwrap().into_bytes().to_vec())
    }

    /// Waits until the proxy holds a request matching `what`, rewrites `key`, then lets it go.
    fn rewrite_when_held(proxy: &Arc<FaultProxy>, s: &'static S3Server, bucket: &str, key: &'static str, what: fn(&str) -> bool) -> tokio::task::JoinHandle<()> {
        let (proxy, bucket) = (proxy.clone(), bucket.to_string());
        tokio::spawn(async move {
            // A held request is not in the log yet; what came before it is.
            while !proxy.log().iter().any(|l| what(l)) {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            put(s, &bucket, key, b"rewritten").await;
            proxy.open_gate();
        })
    }

    #[tokio::test]
    async fn a_source_rewritten_between_planning_and_copy_is_reported_not_copied() {
        let g = &garage().server;
        let bucket = unique("pin");
        g.create_bucket(&bucket).await;
        put(g, &bucket, "in/a.txt", b"planned").await;
        put(g, &bucket, "in/b.txt", b"steady").await;
        let proxy = Arc::new(FaultProxy::start(g).await);
        // The copy's HEAD of each source is held; a.txt is rewritten meanwhile.
        proxy.inject(Match::Head, Fault::HoldUntilGate, 2);
        let writer = rewrite_when_held(&proxy, g, &bucket, "in/a.txt", |l| l.starts_with("GET") && l.contains("list-type=2"));
        let s3 = satchel_client(&proxy.server());
        let ends = objects::Buckets { src: &s3, src_bucket: &bucket, dst: &s3, dst_bucket: &bucket, across: false };
        let report = objects::transfer_within(ends, &["in/".into()], "out/", true, &CancellationToken::new()).await.unwrap();
        writer.await.unwrap();
        assert_eq!(report.copied, 1, "{report:?}");
        assert_eq!(report.failed.len(), 1, "{report:?}");
        assert_eq!(report.failed[0].key, "in/a.txt");
        assert!(report.failed[0].reason.contains("changed since the copy was planned"), "{report:?}");
        assert_eq!(body_of(g, &bucket, "in/a.txt").await.as_deref(), Some(&b"rewritten"[..]), "the source is as it is now");
        assert_eq!(body_of(g, &bucket, "out/in/a.txt").await, None, "nothing half-planned was copied");
        assert_eq!(body_of(g, &bucket, "out/in/b.txt").await.as_deref(), Some(&b"steady"[..]));
        assert_eq!(body_of(g, &bucket, "in/b.txt").await, None, "moved");
    }

    #[tokio::test]
    async fn a_source_rewritten_after_its_copy_is_kept_by_a_move() {
        let g = &garage().server;
        let bucket = unique("pin");
        g.create_bucket(&bucket).await;
        put(g, &bucket, "in/a.txt", b"copied").await;
        put(g, &bucket, "in/b.txt", b"steady").await;
        let proxy = Arc::new(FaultProxy::start(g).await);
        // The first listing plans; the second (checking before the delete) is held.
        proxy.inject(Match::List, Fault::Delay(std::time::Duration::ZERO), 1);
        proxy.inject(Match::List, Fault::HoldUntilGate, 1);
        let writer = rewrite_when_held(&proxy, g, &bucket, "in/a.txt", |l| l.starts_with("PUT") && l.contains("/out/in/a.txt") && l.ends_with("200"));
        let s3 = satchel_client(&proxy.server());
        let ends = objects::Buckets { src: &s3, src_bucket: &bucket, dst: &s3, dst_bucket: &bucket, across: false };
        let report = objects::transfer_within(ends, &["in/".into()], "out/", true, &CancellationToken::new()).await.unwrap();
        writer.await.unwrap();
        assert_eq!((report.copied, report.deleted), (2, 1), "{report:?}");
        assert!(report.failed.iter().any(|f| f.key == "in/a.txt" && f.reason.contains("changed after it was copied")), "{report:?}");
        assert_eq!(body_of(g, &bucket, "in/a.txt").await.as_deref(), Some(&b"rewritten"[..]), "the newer source is kept");
        assert_eq!(body_of(g, &bucket, "out/in/a.txt").await.as_deref(), Some(&b"copied"[..]));
        assert_eq!(body_of(g, &bucket, "in/b.txt").await, None);
    }

    /// Buckets in two regions: reads are signed for the source's region, the copy for the
    /// destination's, and the bytes arrive.
    #[tokio::test]
    async fn a_copy_between_regions_signs_each_side_for_its_own_region() {
        let m = moto();
        let (src, dst) = (unique("eu"), unique("us"));
        for (b, region) in [(&src, "eu-west-1"), (&dst, "us-west-2")] {
            let cfg = aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                .build();
            m.client().create_bucket().bucket(b.as_str()).create_bucket_configuration(cfg).send().await.unwrap();
        }
        put(m, &src, "data/x.csv", b"1,2\n").await;
        let proxy = FaultProxy::start(m).await;
        let w = crate::common::world_at(&proxy.endpoint, "us-east-1", &m.access_key_id, &m.secret_access_key).await;
        let s3_src = w.engine.bucket_client(&w.conn, &src).await.unwrap();
        let s3_dst = w.engine.bucket_client(&w.conn, &dst).await.unwrap();
        let ends = objects::Buckets { src: &s3_src, src_bucket: &src, dst: &s3_dst, dst_bucket: &dst, across: false };
        let report = objects::transfer_within(ends, &["data/".into()], "", true, &CancellationToken::new()).await.unwrap();
        assert_eq!((report.copied, report.deleted), (1, 1), "{report:?}");
        assert_eq!(body_of(m, &dst, "data/x.csv").await.as_deref(), Some(&b"1,2\n"[..]));
        let log = proxy.log();
        let copy = log.iter().find(|l| l.starts_with("PUT") && l.contains(&format!("/{dst}/data/x.csv"))).expect("the copy");
        assert!(copy.contains("[us-west-2]"), "{log:#?}");
        assert!(log.iter().any(|l| l.starts_with("GET") && l.contains(&format!("/{src}")) && l.contains("[eu-west-1]")), "{log:#?}");
    }
}

/// The app's copy and move to another connection (moto to garage): the bytes and headers arrive,
/// progress ends with every object and byte counted, a move deletes the originals, and a cancel
/// mid-way leaves no half-written object on the destination.
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_to_another_connection_moves_bytes_with_progress() {
    use satchel_core::{Addressing, BucketOf, ConnectionDraft, CredentialSource, Endpoint};
    use std::sync::Mutex;

    let (m, g) = (moto(), &satchel_harness::garage().server);
    let src = bucket_with(m, &[]).await;
    let dst = format!("across-{:08x}", rand::random::<u32>());
    g.create_bucket(&dst).await;
    let big: Vec<u8> = (0..20 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let c = m.client();
    c.put_object().bucket(&src).key("data/a.csv").body(ByteStream::from_static(b"x,y\n")).content_type("text/csv").send().await.unwrap();
    c.put_object().bucket(&src).key("data/sub/big.bin").body(ByteStream::from(big.clone())).send().await.unwrap();
    c.put_object().bucket(&src).key("alone.txt").body(ByteStream::from_static(b"alone")).send().await.unwrap();

    let w = crate::common::world(m).await;
    let archive = w
        .engine
        .save(ConnectionDraft {
            accelerate: false,
            id: None,
            name: "archive".into(),
            endpoint: Endpoint::Custom { url: g.endpoint.clone() },
            region: Some(g.region.clone()),
            addressing: Addressing::PathStyle,
            credentials: CredentialSource::Keychain { access_key_id: g.access_key_id.clone() },
            secret_access_key: Some(g.secret_access_key.clone()),
        })
        .await
        .unwrap();
    let last = Mutex::new(None);
    let from = BucketOf { connection: &w.conn, bucket: &src };
    let to = BucketOf { connection: &archive, bucket: &dst };
    let selection = ["data/".to_string(), "alone.txt".to_string()];
    let report = w
        .engine
        .copy_items(from, &selection, to, "in/", false, &CancellationToken::new(), &|p| *last.lock().unwrap() = Some(p.clone()))
        .await
        .unwrap();
    assert_eq!((report.copied, report.failed.len(), report.cancelled), (3, 0, false), "{report:?}");
    let p = last.lock().unwrap().clone().unwrap();
    let total = big.len() as u64 + 4 + 5;
    assert_eq!((p.files_done, p.files_total, p.bytes_done, p.bytes_total), (3, 3, total, total), "{p:?}");
    assert_eq!(report.bytes, total);
    let got = g.client().get_object().bucket(&dst).key("in/data/sub/big.bin").send().await.unwrap();
    assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), &big[..]);
    // (garage keeps no tags: that they travel is the CLI's moto-to-moto test.)
    let head = g.client().head_object().bucket(&dst).key("in/data/a.csv").send().await.unwrap();
    assert_eq!(head.content_type(), Some("text/csv"));
    assert_eq!(all_keys(m, &src).await.len(), 3, "a copy leaves the sources");

    // A cancel before the large object is through leaves nothing of it on the destination.
    let cancel = CancellationToken::new();
    let trip = cancel.clone();
    let from = BucketOf { connection: &w.conn, bucket: &src };
    let to = BucketOf { connection: &archive, bucket: &dst };
    let report = w
        .engine
        .copy_items(from, &["data/sub/big.bin".to_string()], to, "cancelled/", false, &cancel, &move |p| {
            if p.bytes_done > 0 {
                trip.cancel();
            }
        })
        .await
        .unwrap();
    assert!(report.cancelled && report.copied == 0 && report.failed.is_empty(), "{report:?}");
    assert!(all_keys(g, &dst).await.iter().all(|k| !k.starts_with("cancelled/")));
    let uploads = g.client().list_multipart_uploads().bucket(&dst).send().await.unwrap();
    assert!(uploads.uploads().is_empty(), "a cancelled copy leaves no multipart upload behind");

    // A move deletes each original once its copy is there.
    let from = BucketOf { connection: &w.conn, bucket: &src };
    let to = BucketOf { connection: &archive, bucket: &dst };
    let report = w.engine.copy_items(from, &["data/".to_string()], to, "moved/", true, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert_eq!((report.copied, report.deleted), (2, 2), "{report:?}");
    assert_eq!(all_keys(m, &src).await, ["alone.txt"]);
    assert_eq!(all_keys(g, &dst).await.iter().filter(|k| k.starts_with("moved/")).count(), 2);
}
