//! Downloads against garage and the sandbox (both check signatures), compared byte for byte.

use aws_sdk_s3::primitives::ByteStream;
use satchel_core::transfer::download::{self, RANGED_THRESHOLD};
use satchel_core::CancellationToken;

use crate::common::satchel_client;
use satchel_harness::{garage, S3Server};

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

async fn round_trip(s: &S3Server) {
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    s.create_bucket(&bucket).await;
    let big = RANGED_THRESHOLD as usize + 12_345;
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("set/empty.bin", Vec::new()),
        ("set/one.bin", vec![7]),
        ("set/nested/deep/big.bin", pattern(big)),
        ("set/a b+c%/ü 😀.txt", b"unicode".to_vec()),
        ("set/../escape.txt", b"must not land outside".to_vec()),
        ("set/file..txt", b"legal".to_vec()),
    ];
    for (k, body) in &files {
        s.client().put_object().bucket(&bucket).key(*k).body(ByteStream::from(body.clone())).send().await.unwrap();
    }
    let dest = tempfile::tempdir().unwrap();
    let s3 = satchel_client(s);
    let seen = std::sync::Mutex::new(0u32);
    let report = download::download(&s3, &bucket, &["set/".into()], dest.path(), download::IfExists::Overwrite, &CancellationToken::new(), &|_| {
        *seen.lock().unwrap() += 1;
    })
    .await
    .unwrap();
    assert!(report.failed.is_empty(), "{report:?}");
    // Whether a store keeps `..` in a key varies; when it does, the key is refused, never written.
    for r in &report.refused {
        assert_eq!(r.key, "set/../escape.txt");
        assert!(r.reason.contains("parent"), "{}", r.reason);
    }
    assert!(!dest.path().join("escape.txt").exists() && !dest.path().parent().unwrap().join("escape.txt").exists());
    for (k, body) in files.iter().filter(|(k, _)| !k.contains("..") || k.ends_with("file..txt")) {
        let local = dest.path().join(k);
        let got = std::fs::read(&local).unwrap_or_else(|e| panic!("{k}: {e}"));
        assert_eq!(&got, body, "{k}");
    }
    assert!(*seen.lock().unwrap() > 0);
    let leftovers: Vec<_> = walk(dest.path()).into_iter().filter(|p| p.to_string_lossy().ends_with(".satchel-part")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // A single key lands under its own name.
    let one = tempfile::tempdir().unwrap();
    download::download(&s3, &bucket, &["set/nested/deep/big.bin".into()], one.path(), download::IfExists::Overwrite, &CancellationToken::new(), &|_| {})
        .await
        .unwrap();
    assert_eq!(std::fs::read(one.path().join("big.bin")).unwrap(), pattern(big));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn download_round_trip_on_garage() {
    round_trip(&garage().server).await;
}

#[tokio::test]
async fn download_round_trip_on_the_sandbox() {
    let (_sb, server, _dir) = crate::common::sandbox().await;
    round_trip(&server).await;
}

/// Keys of one batch that land on one local path (`x/a.txt` and `y/a.txt` picked from a search
/// view) never replace each other, whatever the choice for files already there; a file already
/// there is overwritten, skipped or kept beside the download as asked.
#[tokio::test]
async fn keys_landing_on_one_path_and_existing_files() {
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    for (k, v) in [("x/a.txt", "X"), ("y/a.txt", "Y"), ("x/b.txt", "B")] {
        g.client().put_object().bucket(&bucket).key(k).body(ByteStream::from(v.as_bytes().to_vec())).send().await.unwrap();
    }
    let s3 = satchel_client(g);
    let read = |p: std::path::PathBuf| std::fs::read_to_string(p).unwrap();
    let selection: Vec<String> = vec!["x/a.txt".into(), "y/a.txt".into()];
    let dest = tempfile::tempdir().unwrap();
    let r = download::download(&s3, &bucket, &selection, dest.path(), download::IfExists::Overwrite, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert_eq!(r.files, 2, "{r:?}");
    assert_eq!(read(dest.path().join("a.txt")), "X");
    assert_eq!(read(dest.path().join("a (1).txt")), "Y");

    let dest = tempfile::tempdir().unwrap();
    std::fs::write(dest.path().join("b.txt"), "MINE").unwrap();
    let one = |choice| {
        let (s3, bucket, dir) = (s3.clone(), bucket.clone(), dest.path().to_path_buf());
        async move { download::download(&s3, &bucket, &["x/b.txt".into()], &dir, choice, &CancellationToken::new(), &|_| {}).await.unwrap() }
    };
    let r = one(download::IfExists::Skip).await;
    assert_eq!((r.files, r.skipped), (0, 1));
    assert_eq!(read(dest.path().join("b.txt")), "MINE");
    one(download::IfExists::Rename).await;
    assert_eq!(read(dest.path().join("b.txt")), "MINE");
    assert_eq!(read(dest.path().join("b (1).txt")), "B");
    one(download::IfExists::Overwrite).await;
    assert_eq!(read(dest.path().join("b.txt")), "B");
}
