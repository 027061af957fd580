//! Upload round trips on moto, garage and the sandbox, read back with the harness's own client and
//! compared byte for byte.



use satchel_core::upload::{self, UploadOptions, MIN_PART};
use satchel_core::CancellationToken;
use crate::common::satchel_client;
use satchel_harness::{garage, moto, S3Server};

fn pattern(n: usize, seed: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 31 + seed) % 251) as u8).collect()
}

async fn round_trip(s: &S3Server) {
    let bucket = format!("up-{:08x}", rand::random::<u32>());
    s.create_bucket(&bucket).await;
    let dir = tempfile::tempdir().unwrap();
    let part = MIN_PART as usize;
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("empty.bin", Vec::new()),
        ("one.bin", vec![1]),
        ("exact part.bin", pattern(part, 1)),
        ("part+1.bin", pattern(part + 1, 2)),
        ("nested/deeper/three parts.bin", pattern(2 * part + 77, 3)),
        ("odd/a+b%c ü 😀.txt", b"odd".to_vec()),
    ];
    for (name, body) in &files {
        let p = dir.path().join("set").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    let (items, problems) = upload::plan(&dir.path().join("set"), "in/");
    assert!(problems.is_empty(), "{problems:?}");
    let opts = UploadOptions { part_size: Some(MIN_PART), concurrency: 4, ..Default::default() };
    let report = upload::upload(&satchel_client(s), &bucket, items, &opts, &CancellationToken::new(), &|_, _| {}).await.unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.files, files.len() as u64);
    for (name, body) in &files {
        let got = s.client().get_object().bucket(&bucket).key(format!("in/{name}")).send().await.unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(&got.body.collect().await.unwrap().into_bytes().to_vec(), body, "{name}");
    }
}

#[tokio::test]
async fn upload_round_trip_on_moto() {
    round_trip(moto()).await;
}

#[tokio::test]
async fn upload_round_trip_on_garage() {
    round_trip(&garage().server).await;
}

#[tokio::test]
async fn upload_round_trip_on_the_sandbox() {
    let (_sb, server, _dir) = crate::common::sandbox().await;
    round_trip(&server).await;
}

#[tokio::test]
async fn a_cancelled_upload_leaves_no_multipart_upload_behind() {
    let g = &garage().server;
    let bucket = format!("up-cancel-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.bin"), pattern(20 * MIN_PART as usize, 9)).unwrap();
    let (items, _) = upload::plan(&dir.path().join("big.bin"), "");
    let cancel = CancellationToken::new();
    // Cancel as soon as the multipart upload exists on the server, i.e. mid-upload.
    let (watcher, c2, b2) = (g.client(), cancel.clone(), bucket.clone());
    tokio::spawn(async move {
        loop {
            let out = watcher.list_multipart_uploads().bucket(&b2).send().await.unwrap();
            if !out.uploads().is_empty() {
                c2.cancel();
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    });
    let opts = UploadOptions { part_size: Some(MIN_PART), concurrency: 1, ..Default::default() };
    let report = upload::upload(&satchel_client(g), &bucket, items, &opts, &cancel, &|_, _| {}).await.unwrap();
    assert!(report.cancelled && report.files == 0, "{report:?}");
    let uploads = g.client().list_multipart_uploads().bucket(&bucket).send().await.unwrap();
    assert!(uploads.uploads().is_empty(), "{:?}", uploads.uploads());
    let objects = g.client().list_objects_v2().bucket(&bucket).send().await.unwrap();
    assert!(objects.contents().is_empty());
}
