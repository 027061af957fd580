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
    let report = download::download(&s3, &bucket, &["set/".into()], dest.path(), download::IfExists::Overwrite, None, &CancellationToken::new(), &|_| {
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
    download::download(&s3, &bucket, &["set/nested/deep/big.bin".into()], one.path(), download::IfExists::Overwrite, None, &CancellationToken::new(), &|_| {})
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
    let r = download::download(&s3, &bucket, &selection, dest.path(), download::IfExists::Overwrite, None, &CancellationToken::new(), &|_| {}).await.unwrap();
    assert_eq!(r.files, 2, "{r:?}");
    assert_eq!(read(dest.path().join("a.txt")), "X");
    assert_eq!(read(dest.path().join("a (1).txt")), "Y");

    let dest = tempfile::tempdir().unwrap();
    std::fs::write(dest.path().join("b.txt"), "MINE").unwrap();
    let one = |choice| {
        let (s3, bucket, dir) = (s3.clone(), bucket.clone(), dest.path().to_path_buf());
        async move { download::download(&s3, &bucket, &["x/b.txt".into()], &dir, choice, None, &CancellationToken::new(), &|_| {}).await.unwrap() }
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

/// An object overwritten between two of its ranges: the later ranges are held at the proxy until
/// the first has arrived and the object has been replaced; the download notices (412 on If-Match),
/// fetches the new version whole and says so. The file never mixes the two.
#[tokio::test]
async fn an_object_overwritten_between_its_ranges_is_fetched_again() {
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    let size = RANGED_THRESHOLD as usize + 3 * download::PART_SIZE as usize;
    let (old, new) = (pattern(size), pattern(size).into_iter().map(|b| b ^ 0x5a).collect::<Vec<u8>>());
    g.client().put_object().bucket(&bucket).key("big.bin").body(ByteStream::from(old.clone())).send().await.unwrap();
    let proxy = FaultProxy::start(g).await;
    let later_ranges = size.div_ceil(download::PART_SIZE as usize) as u32 - 1;
    proxy.inject(Match::LaterRange, Fault::HoldUntilGate, later_ranges);
    let proxy = std::sync::Arc::new(proxy);
    let overwrite = tokio::spawn({
        let (client, bucket, new, proxy) = (g.client(), bucket.clone(), new.clone(), proxy.clone());
        async move {
            while !proxy.log().iter().any(|l| l.starts_with("GET") && l.ends_with("206")) {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            client.put_object().bucket(&bucket).key("big.bin").body(ByteStream::from(new)).send().await.unwrap();
            proxy.open_gate();
        }
    });
    let dest = tempfile::tempdir().unwrap();
    let r = download::download(&satchel_client(&proxy.server()), &bucket, &["big.bin".into()], dest.path(), download::IfExists::Overwrite, None, &CancellationToken::new(), &|_| {})
        .await
        .unwrap();
    overwrite.await.unwrap();
    assert!(r.failed.is_empty(), "{r:?}");
    assert_eq!(r.changed, vec!["big.bin".to_string()]);
    assert!(proxy.log().iter().any(|l| l.ends_with("412")), "the later ranges were refused by If-Match: {:?}", proxy.log());
    assert!(std::fs::read(dest.path().join("big.bin")).unwrap() == new, "the file is the new version whole");
}

/// Keys that differ only by case or by Unicode form are two files where the file system keeps them
/// apart (checked here, on a case-sensitive one) and are found as a conflict, and kept apart, where
/// it folds them; names Windows can't hold are mapped by the documented rule or refused.
#[tokio::test]
async fn names_one_file_system_folds_and_names_windows_cannot_hold() {
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    let keys = ["c/Report.csv", "c/report.csv", "c/caf\u{e9}.txt", "c/cafe\u{301}.txt", "c/12:00.log", "c/nul.txt"];
    for (i, k) in keys.iter().enumerate() {
        g.client().put_object().bucket(&bucket).key(*k).body(ByteStream::from(vec![b'0' + i as u8])).send().await.unwrap();
    }
    let s3 = satchel_client(g);
    let cancel = CancellationToken::new();
    let here = tempfile::tempdir().unwrap();
    let dest = download::Destination::at(here.path()).unwrap();
    if dest.folding != download::Folding::default() {
        eprintln!("skipped the case-sensitive half: this file system folds names");
    } else {
        let plan = download::plan_download(&s3, &bucket, &["c/".into()], dest, &cancel).await.unwrap();
        assert!(plan.conflicts().is_empty(), "{:?}", plan.conflicts());
        let r = download::run_download(&s3, &bucket, plan, download::IfExists::Overwrite, &cancel, &|_| {}).await.unwrap();
        assert_eq!(r.files, 6, "{r:?}");
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(std::fs::read(here.path().join(k)).unwrap(), vec![b'0' + i as u8], "{k}");
        }
    }

    let there = tempfile::tempdir().unwrap();
    let folding = download::Folding { case: true, unicode_form: true };
    let dest = download::Destination { root: there.path().to_path_buf(), rules: download::NameRules::Windows, folding };
    let plan = download::plan_download(&s3, &bucket, &["c/".into()], dest, &cancel).await.unwrap();
    assert_eq!(plan.refused.len(), 1, "{:?}", plan.refused);
    assert!(plan.refused[0].reason.contains("device"), "{:?}", plan.refused);
    // Which of two folded names comes second (and is the conflict) is the listing's order.
    let conflicts = plan.conflicts();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert!(conflicts.contains(&"c/report.csv".to_string()) && conflicts.iter().any(|c| c.starts_with("c/caf")), "{conflicts:?}");
    let r = download::run_download(&s3, &bucket, plan, download::IfExists::Overwrite, &cancel, &|_| {}).await.unwrap();
    assert_eq!(r.files, 5, "{r:?}");
    let c = there.path().join("c");
    assert_eq!(std::fs::read(c.join("Report.csv")).unwrap(), b"0");
    assert_eq!(std::fs::read(c.join("report (1).csv")).unwrap(), b"1", "kept apart, not replaced");
    let cafes: Vec<String> =
        std::fs::read_dir(&c).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with("caf")).collect();
    assert_eq!(cafes.len(), 2, "both forms kept: {cafes:?}");
    assert!(cafes.iter().any(|n| n.ends_with(" (1).txt")), "{cafes:?}");
    assert_eq!(std::fs::read(c.join("12\u{FF1A}00.log")).unwrap(), b"4", "never an alternate data stream");
}

/// A link planted at the target name is replaced by the download, never written through: the
/// file it points to, outside the folder, is untouched.
#[cfg(unix)]
#[tokio::test]
async fn a_link_at_the_target_name_is_replaced_not_followed() {
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    g.client().put_object().bucket(&bucket).key("a.txt").body(ByteStream::from(b"download".to_vec())).send().await.unwrap();
    let (dest, outside) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    std::fs::write(outside.path().join("precious"), "mine").unwrap();
    std::os::unix::fs::symlink(outside.path().join("precious"), dest.path().join("a.txt")).unwrap();
    let r = download::download(&satchel_client(g), &bucket, &["a.txt".into()], dest.path(), download::IfExists::Overwrite, None, &CancellationToken::new(), &|_| {})
        .await
        .unwrap();
    assert_eq!(r.files, 1, "{r:?}");
    assert_eq!(std::fs::read_to_string(outside.path().join("precious")).unwrap(), "mine");
    let meta = std::fs::symlink_metadata(dest.path().join("a.txt")).unwrap();
    assert!(meta.is_file(), "the link itself was replaced by the file");
    assert_eq!(std::fs::read(dest.path().join("a.txt")).unwrap(), b"download");
}

/// Downloads are checked: against the full-object CRC a small object was stored with (by the
/// SDK as it streams), against the MD5 ETag of one stored without a checksum, and, for a ranged
/// download, against the whole object's CRC from the CRCs of its ranges. A bit flipped on the way
/// (by the proxy) is caught and the object fetched again; flipped every time, the key fails and
/// nothing is left in the folder.
async fn damaged_bytes_are_caught(s: &S3Server) {
    use aws_sdk_s3::config::RequestChecksumCalculation;
    use aws_sdk_s3::types::ChecksumAlgorithm;
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    s.create_bucket(&bucket).await;
    let plain = aws_sdk_s3::Client::from_conf(s.client().config().to_builder().request_checksum_calculation(RequestChecksumCalculation::WhenRequired).build());
    let big = RANGED_THRESHOLD as usize + 2 * download::PART_SIZE as usize + 999;
    let objects = [("crc.bin", pattern(100_000), true), ("md5.bin", pattern(70_000), false), ("big-crc.bin", pattern(big), true)];
    for (key, body, crc) in &objects {
        let req = if *crc { s.client().put_object().checksum_algorithm(ChecksumAlgorithm::Crc32C) } else { plain.put_object() };
        req.bucket(&bucket).key(*key).body(ByteStream::from(body.clone())).send().await.unwrap();
    }
    // Uploaded by Satchel in 5 MiB parts with CRC32C: its checksum is composite (the parts' CRCs'),
    // and 6 parts don't line up with the download's usual 8 MiB ranges.
    // One of 11 MiB in 3 parts is fetched whole.
    let multipart = pattern(RANGED_THRESHOLD as usize + 9_999_999);
    let small_multipart = pattern(11 * 1024 * 1024);
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("multi"), &multipart).unwrap();
    std::fs::write(src.path().join("small"), &small_multipart).unwrap();
    let items = vec![
        satchel_core::transfer::UploadItem { path: src.path().join("multi"), key: "multi.bin".into(), size: multipart.len() as u64 },
        satchel_core::transfer::UploadItem { path: src.path().join("small"), key: "small-multi.bin".into(), size: small_multipart.len() as u64 },
    ];
    let opts = satchel_core::transfer::UploadOptions { part_size: Some(5 * 1024 * 1024), ..Default::default() };
    let up = satchel_core::transfer::upload(&satchel_client(s), &bucket, items, &opts, &satchel_core::control::Control::new(), &|_| {}).await.unwrap();
    assert_eq!(up.files, 2, "{up:?}");
    let head = s.client().head_object().bucket(&bucket).key("multi.bin").checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled).send().await.unwrap();
    assert!(s.name != "garage" || head.checksum_crc32_c().is_some_and(|c| c.ends_with("-6")), "composite on {}: {:?}", s.name, head.checksum_crc32_c());
    let objects = [("small-multi.bin", small_multipart, true), objects[0].clone(), objects[1].clone(), objects[2].clone(), ("multi.bin", multipart, true)];
    let proxy = FaultProxy::start(s).await;
    let s3 = satchel_client(&proxy.server());
    let get = |key: &str| {
        let (s3, bucket, key) = (s3.clone(), bucket.clone(), key.to_string());
        async move {
            let dest = tempfile::tempdir().unwrap();
            let r = download::download(&s3, &bucket, &[key], dest.path(), download::IfExists::Overwrite, None, &CancellationToken::new(), &|_| {}).await.unwrap();
            (r, dest)
        }
    };
    for (key, body, _) in &objects {
        let (r, dest) = get(key).await;
        assert_eq!(&std::fs::read(dest.path().join(key)).unwrap(), body);
        if s.name == "moto" && key.contains("multi") {
            // moto gives a multipart object a CRC that is not its whole's, and no checksum type:
            // it is not trusted (a sound file would look damaged), so the file goes unchecked.
            assert_eq!((r.files, r.verified), (1, 0), "{key} on moto: {r:?}");
            continue;
        }
        assert_eq!((r.files, r.verified), (1, 1), "{key} on {}: {r:?}", s.name);

        proxy.inject(Match::ObjectGet, Fault::FlipByte, 1);
        let (r, dest) = get(key).await;
        assert!(r.failed.is_empty(), "{key} on {}: {r:?}", s.name);
        assert_eq!(r.verified, 1, "{key}");
        assert!(proxy.log().iter().any(|l| l.contains(key) && l.ends_with("bit flipped")), "{:?}", proxy.log());
        assert_eq!(&std::fs::read(dest.path().join(key)).unwrap(), body, "{key}: fetched again after the damage");
    }

    proxy.inject(Match::ObjectGet, Fault::FlipByte, 1000);
    let (r, dest) = get("crc.bin").await;
    proxy.clear();
    assert_eq!(r.files, 0);
    assert_eq!(r.failed.len(), 1, "{r:?}");
    assert!(r.failed[0].reason.contains("damaged"), "{}", r.failed[0].reason);
    assert_eq!(walk(dest.path()), Vec::<std::path::PathBuf>::new(), "nothing looks complete, nothing is left");
}

#[tokio::test]
async fn damaged_bytes_are_caught_on_garage() {
    damaged_bytes_are_caught(&garage().server).await;
}

#[tokio::test]
async fn damaged_bytes_are_caught_on_moto() {
    damaged_bytes_are_caught(satchel_harness::moto()).await;
}

/// The app's download through the engine: planned, started, paused part-way (the proxy slows the
/// GETs), then resumed from the report's `next_plan`: every file ends up whole, none twice, and
/// nothing unfinished is left in the folder. Progress names the files that have been in flight a
/// second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_download_resumes_from_its_next_plan() {
    use satchel_core::control::Control;
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    let n = 24;
    for i in 0..n {
        g.client().put_object().bucket(&bucket).key(format!("set/f{i:02}.bin")).body(ByteStream::from(pattern(20_000 + i))).send().await.unwrap();
    }
    let proxy = FaultProxy::start(g).await;
    // Slow enough for progress to name them: it names files moving for a second or more.
    proxy.inject(Match::ObjectGet, Fault::Delay(std::time::Duration::from_millis(1_200)), 1000);
    let w = crate::common::world(&proxy.server()).await;
    let dest = tempfile::tempdir().unwrap();
    let summary = w.engine.plan_download(&w.conn, &bucket, &["set/".into()], dest.path(), &CancellationToken::new()).await.unwrap();
    assert_eq!(summary.files, n as u64);

    let control = Control::new();
    let pauser = {
        let (control, log) = (control.clone(), proxy.log_handle());
        tokio::spawn(async move {
            while log().iter().filter(|l| l.starts_with("GET") && l.ends_with("200")).count() < 6 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            control.pause();
        })
    };
    let seen_active = std::sync::Mutex::new(0usize);
    let first = w
        .engine
        .start_download(&summary.plan_id, download::IfExists::Overwrite, &control, &|p| {
            let mut most = seen_active.lock().unwrap();
            *most = (*most).max(p.active.len());
        })
        .await
        .unwrap();
    pauser.await.unwrap();
    assert!(first.paused && !first.cancelled, "{first:?}");
    // Answers still on their way to the disk when the pause lands are dropped and fetched again.
    assert!(first.files < n as u64, "{first:?}");
    assert!(*seen_active.lock().unwrap() > 0, "progress names the files in flight");
    let next = first.next_plan.clone().expect("a plan to resume");

    proxy.clear();
    let second = w.engine.start_download(&next, download::IfExists::Overwrite, &Control::new(), &|_| {}).await.unwrap();
    assert!(second.failed.is_empty() && !second.paused, "{second:?}");
    assert_eq!(first.files + second.files, n as u64, "each file once");
    assert_eq!(second.next_plan, None);
    for i in 0..n {
        assert_eq!(std::fs::read(dest.path().join(format!("set/f{i:02}.bin"))).unwrap(), pattern(20_000 + i));
    }
    let leftovers: Vec<_> = walk(dest.path()).into_iter().filter(|p| p.to_string_lossy().ends_with(".satchel-part")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // The plan is used up.
    assert!(w.engine.start_download(&next, download::IfExists::Overwrite, &Control::new(), &|_| {}).await.is_err());
}

/// In the app, a pause keeps a large file's ranges and Resume goes on from them; a cancel, or a
/// paused download given up, removes the file it was writing.
#[tokio::test(flavor = "multi_thread")]
async fn a_paused_large_download_keeps_its_ranges_and_a_cancelled_one_nothing() {
    use satchel_core::control::Control;
    use satchel_harness::proxy::{Fault, FaultProxy, Match};
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    let body = pattern(5 * download::PART_SIZE as usize + 1_000);
    g.client().put_object().bucket(&bucket).key("big.bin").body(ByteStream::from(body.clone())).send().await.unwrap();
    let parts_in = |dir: &std::path::Path| walk(dir).into_iter().filter(|p| p.to_string_lossy().ends_with(".satchel-part")).count();
    for (cancel, cancel_paused) in [(false, false), (false, true), (true, false)] {
        let proxy = FaultProxy::start(g).await;
        // Two ranges answer, the others wait: the pause finds two on the disk.
        proxy.inject(Match::ObjectGet, Fault::Delay(std::time::Duration::from_millis(1)), 2);
        proxy.inject(Match::ObjectGet, Fault::HoldUntilGate, 1000);
        let w = crate::common::world(&proxy.server()).await;
        let dest = tempfile::tempdir().unwrap();
        let summary = w.engine.plan_download(&w.conn, &bucket, &["big.bin".into()], dest.path(), &CancellationToken::new()).await.unwrap();
        let control = Control::new();
        let stopper = {
            let (control, log) = (control.clone(), proxy.log_handle());
            tokio::spawn(async move {
                while log().iter().filter(|l| l.starts_with("GET") && l.ends_with("206")).count() < 2 {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                if cancel {
                    control.cancel();
                } else {
                    control.pause();
                }
            })
        };
        let first = w.engine.start_download(&summary.plan_id, download::IfExists::Overwrite, &control, &|_| {}).await.unwrap();
        stopper.await.unwrap();
        // The bytes of the two ranges answered: "GET /b/k?x-id=GetObject [r] <bytes=0-8388607> -> 206".
        let had: u64 = proxy
            .log()
            .iter()
            .filter(|l| l.ends_with("206"))
            .filter_map(|l| l.split("<bytes=").nth(1)?.split('>').next()?.split_once('-').map(|(a, b)| b.parse::<u64>().unwrap() + 1 - a.parse::<u64>().unwrap()))
            .sum();
        proxy.clear();
        proxy.open_gate();
        if cancel {
            assert!(first.cancelled && first.next_plan.is_none(), "{first:?}");
            assert_eq!(parts_in(dest.path()), 0, "a cancel leaves nothing: {:?}", walk(dest.path()));
            continue;
        }
        assert!(first.paused, "{first:?}");
        assert_eq!(parts_in(dest.path()), 1, "the paused file waits beside its target");
        if cancel_paused {
            // A paused download given up (Cancel on the paused batch) leaves nothing either.
            w.engine.discard_download(first.next_plan.as_deref().unwrap());
            assert_eq!(parts_in(dest.path()), 0, "{:?}", walk(dest.path()));
            continue;
        }
        let second = w.engine.start_download(&first.next_plan.unwrap(), download::IfExists::Overwrite, &Control::new(), &|_| {}).await.unwrap();
        assert_eq!(second.resumed_bytes, had, "{second:?}");
        assert_eq!((second.files, second.verified), (1, 1), "{second:?}");
        assert_eq!(std::fs::read(dest.path().join("big.bin")).unwrap(), body);
        assert_eq!(parts_in(dest.path()), 0);
    }
}

/// Dragging objects out: the selection is copied into Satchel's private drag folder, whole, and the
/// drag carries what was selected (a file and a folder); the same selection again is the same copy;
/// a selection above the limits, or one that fails, leaves nothing behind.
#[tokio::test]
async fn a_drag_out_copies_the_selection_whole_or_not_at_all() {
    use satchel_core::{DragLimits, ErrorCode};
    let g = &garage().server;
    let bucket = format!("dl-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("top/report.csv", b"a,b\n1,2\n".to_vec()),
        ("top/photos/one.jpg", pattern(70_000)),
        ("top/photos/sub/two.jpg", pattern(3)),
        ("top/left-out.txt", b"not selected".to_vec()),
    ];
    for (k, body) in &files {
        g.client().put_object().bucket(&bucket).key(*k).body(ByteStream::from(body.clone())).send().await.unwrap();
    }
    let w = crate::common::world(g).await;
    let cancel = CancellationToken::new();
    let selection = vec!["top/report.csv".to_string(), "top/photos/".to_string()];
    let stage = w.engine.stage_drag(&w.conn, &bucket, &selection, DragLimits::DEFAULT, &cancel, &|_| {}).await.unwrap();
    assert_eq!((stage.files, stage.bytes), (3, 8 + 70_000 + 3));
    let names: Vec<_> = stage.paths.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["photos", "report.csv"]);
    let root = w.engine.drag_out_dir();
    assert!(stage.paths.iter().all(|p| p.starts_with(&root)), "{:?}", stage.paths);
    assert!(w.engine.is_drag_out(&stage.paths));
    assert!(!w.engine.is_drag_out(&[std::env::temp_dir().join("x")]));
    let dir = stage.paths[0].parent().unwrap();
    assert_eq!(std::fs::read(dir.join("report.csv")).unwrap(), files[0].1);
    assert_eq!(std::fs::read(dir.join("photos/one.jpg")).unwrap(), files[1].1);
    assert_eq!(std::fs::read(dir.join("photos/sub/two.jpg")).unwrap(), files[2].1);
    assert!(!dir.join("left-out.txt").exists());

    // The same drag again (another order) is the same copy, not a second download.
    let again = w.engine.stage_drag(&w.conn, &bucket, &[selection[1].clone(), selection[0].clone()], DragLimits::DEFAULT, &cancel, &|_| {}).await.unwrap();
    assert_eq!(again.paths, stage.paths);

    // Above the limits: refused before a byte is fetched, in words, and no folder is left.
    let before = std::fs::read_dir(&root).unwrap().count();
    let small = DragLimits { bytes: 1_000, files: 100 };
    let err = w.engine.stage_drag(&w.conn, &bucket, &["top/".into()], small, &cancel, &|_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::LimitReached);
    assert!(err.message.contains("Use Download…"), "{}", err.message);
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), before);
    let few = DragLimits { bytes: 1 << 30, files: 2 };
    assert_eq!(w.engine.stage_drag(&w.conn, &bucket, &["top/".into()], few, &cancel, &|_| {}).await.unwrap_err().code, ErrorCode::LimitReached);

    // A key gone since it was listed: the drag fails and nothing half-made stays to be dropped.
    let err = w.engine.stage_drag(&w.conn, &bucket, &["top/missing.bin".into()], DragLimits::DEFAULT, &cancel, &|_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), before);
    // An empty folder has nothing to drag.
    let err = w.engine.stage_drag(&w.conn, &bucket, &["nothing-here/".into()], DragLimits::DEFAULT, &cancel, &|_| {}).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.starts_with("Nothing to drag"), "{}", err.message);
    assert_eq!(std::fs::read_dir(&root).unwrap().count(), before);
}
