//! The transfer engine through the harness's fault-injecting proxy in front of garage: retried
//! faults still end in a verified object, final errors stop at once, a 200 answer carrying an error
//! is an error, a store that refuses flexible checksums gets Content-MD5, and pause/resume sends only
//! the parts the storage lacks (counted at the proxy).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use satchel_core::transfer::Journal;
use satchel_core::transfer::RetryPolicy;
use satchel_core::control::Control;
use satchel_core::transfer::{self, Resume, TransferProgress, UploadItem, UploadOptions, UploadReport, MIN_PART};
use satchel_harness::proxy::{Fault, FaultProxy, Match};
use satchel_harness::{garage, S3Server};

use crate::common::satchel_client;

const PART: u64 = MIN_PART;

fn pattern(n: usize, seed: usize) -> Vec<u8> {
    (0..n).map(|i| ((i * 131 + seed * 7 + i / 4096) % 253) as u8).collect()
}

struct Setup {
    proxy: FaultProxy,
    bucket: String,
    dir: tempfile::TempDir,
}

async fn setup(name: &str) -> Setup {
    let g = &garage().server;
    let bucket = format!("{name}-{:08x}", rand::random::<u32>());
    g.create_bucket(&bucket).await;
    Setup { proxy: FaultProxy::start(g).await, bucket, dir: tempfile::tempdir().unwrap() }
}

impl Setup {
    fn file(&self, name: &str, body: &[u8]) -> UploadItem {
        let path = self.dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        UploadItem { path, key: format!("f/{name}"), size: body.len() as u64 }
    }

    fn garage(&self) -> &'static S3Server {
        &garage().server
    }

    async fn upload(&self, items: Vec<UploadItem>, opts: &UploadOptions, control: &Arc<Control>) -> (UploadReport, TransferProgress) {
        let last = Mutex::new(TransferProgress::default());
        let report = transfer::upload(&satchel_client(&self.proxy.server()), &self.bucket, items, opts, control, &|p| {
            *last.lock().unwrap() = p.clone();
        })
        .await
        .unwrap();
        let last = last.lock().unwrap().clone();
        (report, last)
    }

    async fn open_uploads(&self) -> usize {
        self.garage().client().list_multipart_uploads().bucket(&self.bucket).send().await.unwrap().uploads().len()
    }
}

fn quick() -> UploadOptions {
    UploadOptions {
        part_size: Some(PART),
        concurrency: 4,
        retry: RetryPolicy { attempts: 5, base: Duration::from_millis(10), cap: Duration::from_millis(50) },
        ..UploadOptions::default()
    }
}

#[tokio::test]
async fn retried_faults_still_end_in_the_same_bytes() {
    let s = setup("faults").await;
    let body = pattern(4 * PART as usize + 123, 1);
    let item = s.file("big.bin", &body);
    let small = s.file("small.txt", b"small and slow");
    s.proxy.inject(Match::Part(1), Fault::Status(503, "SlowDown"), 2);
    s.proxy.inject(Match::Part(2), Fault::Status(500, "InternalError"), 1);
    s.proxy.inject(Match::Part(3), Fault::CutAfter(1024 * 1024), 1);
    s.proxy.inject(Match::Complete, Fault::ErrorIn200("InternalError"), 1);
    s.proxy.inject(Match::Any, Fault::Delay(Duration::from_millis(40)), 6);
    let (report, last) = s.upload(vec![item, small], &quick(), &Control::new()).await;
    assert!(report.failed.is_empty(), "{report:?}\n{:#?}", s.proxy.log());
    assert_eq!(report.files, 2);
    assert!(last.retries >= 5, "{last:?}");
    assert_eq!(s.garage().get(&s.bucket, "f/big.bin").await, body);
    assert_eq!(s.garage().get(&s.bucket, "f/small.txt").await, b"small and slow");
    let log = s.proxy.log();
    assert!(log.iter().any(|l| l.contains("cut after")), "{log:#?}");
    assert!(log.iter().any(|l| l.contains("200 with InternalError")), "{log:#?}");
}

/// The storage completes the upload but its answer is lost; the retried Complete finds no upload
/// (NoSuchUpload). A HEAD shows the object is the one just sent (size and multipart ETag): success.
#[tokio::test]
async fn a_complete_whose_answer_was_lost_is_checked_with_a_head() {
    let s = setup("lost").await;
    let body = pattern(3 * PART as usize + 7, 5);
    let item = s.file("big.bin", &body);
    s.proxy.inject(Match::Complete, Fault::LoseAnswer(500, "InternalError"), 1);
    let (report, _) = s.upload(vec![item], &quick(), &Control::new()).await;
    let log = s.proxy.log();
    assert!(report.failed.is_empty(), "{report:?}\n{log:#?}");
    assert_eq!(report.files, 1);
    assert!(log.iter().any(|l| l.contains("200 lost, answered 500")), "{log:#?}");
    assert!(log.iter().any(|l| l.starts_with("POST") && l.ends_with("404")), "the retry met NoSuchUpload: {log:#?}");
    assert!(log.iter().any(|l| l.starts_with("HEAD")), "{log:#?}");
    assert_eq!(s.garage().get(&s.bucket, "f/big.bin").await, body);
    assert_eq!(s.open_uploads().await, 0);
}

#[tokio::test]
async fn final_errors_stop_at_once_and_leave_nothing() {
    let s = setup("final").await;
    let item = s.file("big.bin", &pattern(3 * PART as usize, 2));
    s.proxy.inject(Match::Part(2), Fault::Status(403, "AccessDenied"), 100);
    let (report, _) = s.upload(vec![item], &quick(), &Control::new()).await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].reason.contains("aren't allowed"), "{report:?}");
    let tries = s.proxy.log().iter().filter(|l| l.contains("partNumber=2&")).count();
    assert_eq!(tries, 1, "a 403 is not retried: {:#?}", s.proxy.log());
    assert_eq!(s.open_uploads().await, 0, "the multipart upload was aborted");

    // A CompleteMultipartUpload answered 200 with a final error is an error too.
    s.proxy.clear();
    s.proxy.inject(Match::Complete, Fault::ErrorIn200("InvalidPart"), 100);
    let item = s.file("other.bin", &pattern(2 * PART as usize + 1, 3));
    let (report, _) = s.upload(vec![item], &quick(), &Control::new()).await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(s.garage().keys(&s.bucket).await.is_empty());
    assert_eq!(s.open_uploads().await, 0);
}

#[tokio::test]
async fn a_store_that_refuses_flexible_checksums_gets_content_md5() {
    let s = setup("md5").await;
    s.proxy.inject(Match::FlexibleChecksum, Fault::Status(400, "InvalidRequest"), 1000);
    let big = pattern(2 * PART as usize + 5, 4);
    let items = vec![s.file("big.bin", &big), s.file("a.txt", b"aaa"), s.file("b.txt", b"bbb")];
    let (report, _) = s.upload(items, &quick(), &Control::new()).await;
    assert!(report.failed.is_empty(), "{report:?}");
    assert_eq!(report.checksum, "md5");
    assert_eq!(s.garage().get(&s.bucket, "f/big.bin").await, big);
    assert_eq!(s.garage().get(&s.bucket, "f/b.txt").await, b"bbb");
    assert!(s.proxy.log().iter().any(|l| l.ends_with("-> 400")));
}

/// Pauses once the proxy has forwarded `parts` parts.
fn pause_after(proxy: &FaultProxy, control: &Arc<Control>, parts: u64) -> tokio::task::JoinHandle<()> {
    let (control, endpoint_log) = (control.clone(), proxy.log_handle());
    tokio::spawn(async move {
        loop {
            let done = endpoint_log().iter().filter(|l| l.contains("partNumber=") && l.ends_with("-> 200")).count() as u64;
            if done >= parts {
                control.pause();
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
}

#[tokio::test]
async fn pause_then_resume_sends_only_the_missing_parts() {
    let s = setup("resume").await;
    let journal_dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&journal_dir.path().join("transfers.db")).unwrap());
    let opts = UploadOptions {
        concurrency: 1,
        resume: Some(Resume { journal: journal.clone(), storage: "garage".into() }),
        ..quick()
    };
    let body = pattern(6 * PART as usize + 99, 5);
    let item = s.file("big.bin", &body);
    s.proxy.inject(Match::AnyPart, Fault::Delay(Duration::from_millis(150)), 100);
    let control = Control::new();
    let watcher = pause_after(&s.proxy, &control, 2);
    let (report, _) = s.upload(vec![item.clone()], &opts, &control).await;
    watcher.await.unwrap();
    assert!(report.paused && report.files == 0, "{report:?}");
    assert_eq!(s.open_uploads().await, 1, "paused uploads are kept");
    assert_eq!(journal.unfinished().unwrap().len(), 1);

    s.proxy.clear();
    s.proxy.reset_count();
    let (report, _) = s.upload(vec![item], &opts, &Control::new()).await;
    assert_eq!(report.files, 1, "{report:?}");
    assert!(report.resumed_bytes >= 2 * PART, "{report:?}");
    assert_eq!(s.proxy.body_bytes(), body.len() as u64 - report.resumed_bytes, "only the missing parts were sent");
    assert_eq!(s.garage().get(&s.bucket, "f/big.bin").await, body);
    assert!(journal.unfinished().unwrap().is_empty());
    assert_eq!(s.open_uploads().await, 0);
}

#[tokio::test]
async fn a_file_changed_since_the_pause_starts_again_from_zero() {
    let s = setup("changed").await;
    let journal_dir = tempfile::tempdir().unwrap();
    let journal = Arc::new(Journal::open(&journal_dir.path().join("transfers.db")).unwrap());
    let opts = UploadOptions { concurrency: 1, resume: Some(Resume { journal, storage: "garage".into() }), ..quick() };
    let item = s.file("big.bin", &pattern(4 * PART as usize, 6));
    s.proxy.inject(Match::AnyPart, Fault::Delay(Duration::from_millis(150)), 100);
    let control = Control::new();
    let watcher = pause_after(&s.proxy, &control, 1);
    let (report, _) = s.upload(vec![item.clone()], &opts, &control).await;
    watcher.await.unwrap();
    assert!(report.paused, "{report:?}");
    std::thread::sleep(Duration::from_millis(20));
    let changed = pattern(4 * PART as usize, 7);
    std::fs::write(&item.path, &changed).unwrap();
    s.proxy.clear();
    let (report, _) = s.upload(vec![item], &opts, &Control::new()).await;
    assert_eq!(report.restarted, ["f/big.bin"], "{report:?}");
    assert_eq!(report.resumed_bytes, 0);
    assert_eq!(s.garage().get(&s.bucket, "f/big.bin").await, changed);
    assert_eq!(s.open_uploads().await, 0, "the stale upload was aborted");
}

#[tokio::test]
async fn a_file_written_during_its_upload_is_not_stored() {
    let s = setup("written").await;
    let item = s.file("big.bin", &pattern(3 * PART as usize, 8));
    s.proxy.inject(Match::AnyPart, Fault::Delay(Duration::from_millis(200)), 100);
    let path = item.path.clone();
    let log = s.proxy.log_handle();
    let writer = tokio::spawn(async move {
        while !log().iter().any(|l| l.contains("partNumber=1&") && l.ends_with("-> 200")) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // In place, as an application saving over its file would: same size, new contents.
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        std::os::unix::fs::FileExt::write_all_at(&file, b"edited", 100).unwrap();
    });
    let opts = UploadOptions { concurrency: 1, ..quick() };
    let (report, _) = s.upload(vec![item], &opts, &Control::new()).await;
    writer.await.unwrap();
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].reason.contains("changed"), "{report:?}");
    assert!(s.garage().keys(&s.bucket).await.is_empty());
    assert_eq!(s.open_uploads().await, 0);
}

#[tokio::test]
async fn cancelling_a_paused_batch_aborts_what_it_left() {
    let s = setup("discard").await;
    let p = s.proxy.server();
    let w = crate::common::world_at(&p.endpoint, &p.region, &p.access_key_id, &p.secret_access_key).await;
    let item = s.file("big.bin", &pattern(4 * PART as usize, 9));
    s.proxy.inject(Match::AnyPart, Fault::Delay(Duration::from_millis(150)), 100);
    let held = w.engine.hold_sources(vec![item.path.clone()]);
    let plan = w.engine.plan_upload(&w.conn, &s.bucket, "f/", &held.sources_id, false, &satchel_core::CancellationToken::new()).await.unwrap();
    let control = Control::new();
    let watcher = pause_after(&s.proxy, &control, 1);
    let report = w
        .engine
        .start_upload(&plan.plan_id, vec![], satchel_core::transfer::ConflictChoice::Overwrite, false, &control, &|_| {})
        .await
        .unwrap();
    watcher.await.unwrap();
    assert!(report.paused, "{report:?}");
    assert_eq!(s.open_uploads().await, 1);
    assert_eq!(w.engine.unfinished_uploads().unwrap().len(), 1);
    w.engine.discard_upload(report.next_plan.as_deref().unwrap(), true).await;
    assert_eq!(s.open_uploads().await, 0, "cancel leaves nothing to be billed");
    assert!(w.engine.unfinished_uploads().unwrap().is_empty());
}

/// Parts bigger than the whole memory budget (what files over ~80 GiB get) stream from the file,
/// each checked by its MD5 against the ETag; a cut body is sent again.
#[tokio::test]
async fn parts_bigger_than_the_budget_stream_and_verify() {
    let s = setup("streamed").await;
    let body = pattern(3 * 6 * 1024 * 1024 + 12345, 10);
    let item = s.file("huge.bin", &body);
    s.proxy.inject(Match::Part(2), Fault::CutAfter(512 * 1024), 1);
    let opts = UploadOptions { part_size: Some(6 * 1024 * 1024), budget: Some(PART), ..quick() };
    let (report, last) = s.upload(vec![item], &opts, &Control::new()).await;
    assert!(report.failed.is_empty(), "{report:?}\n{:#?}", s.proxy.log());
    assert!(last.retries >= 1, "{last:?}");
    assert_eq!(s.garage().get(&s.bucket, "f/huge.bin").await, body);
    let parts = s.proxy.log().iter().filter(|l| l.contains("partNumber=") && l.ends_with("-> 200")).count();
    assert_eq!(parts, 4);
}
