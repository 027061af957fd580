//! `satchel ls`, `rm` and `cp` (downloads). ls prints each page as it arrives, so the first rows show at once on huge buckets.

use std::io::{BufWriter, Write};

use satchel_core::objects::{self, ListingPage};
use satchel_core::transfer::{self, Destination, IfExists};
use satchel_core::{CancellationToken, Connection, Error, Satchel};

use crate::args::{CpArgs, LsArgs, RmArgs};

pub async fn run(engine: &Satchel, conn: &Connection, args: LsArgs, json: bool) -> Result<(), Error> {
    let (bucket, prefix) = crate::s3_address(&args.target)?;
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut first = true;
    if json {
        let _ = out.write_all(b"[");
    }
    let mut print = |page: ListingPage| {
        for f in &page.folders {
            if json {
                let _ = write!(out, "{}{}", if first { "" } else { "," }, serde_json::json!({ "folder": f }));
            } else {
                let _ = writeln!(out, "{:>19} {:>12} {f}", "", "PRE");
            }
            first = false;
        }
        for o in &page.objects {
            if json {
                let _ = write!(out, "{}{}", if first { "" } else { "," }, serde_json::json!(o));
            } else {
                let when = o.last_modified.as_deref().map(|d| d.get(..19).unwrap_or(d).replace('T', " ")).unwrap_or_default();
                let _ = writeln!(out, "{when:>19} {:>12} {}", o.size, o.key);
            }
            first = false;
        }
        // A page at a time: the first rows reach the terminal (or the pipe) without waiting.
        let _ = out.flush();
    };
    objects::list_all(&s3, &bucket, &prefix, args.recursive, &CancellationToken::new(), &mut print).await?;
    if json {
        let _ = out.write_all(b"]\n");
    }
    let _ = out.flush();
    Ok(())
}

pub async fn remove(engine: &Satchel, conn: &Connection, args: RmArgs, json: bool) -> Result<(), Error> {
    let (bucket, key) = crate::s3_address(&args.target)?;
    if key.is_empty() && !args.recursive {
        return Err(Error::invalid("Name an object (s3://bucket/key), or add --recursive to delete everything in the bucket."));
    }
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let keys = if args.recursive {
        let item = if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") };
        if item.is_empty() {
            let mut all = Vec::new();
            objects::list_all(&s3, &bucket, "", true, &CancellationToken::new(), |p| all.extend(p.objects.into_iter().map(|o| o.key))).await?;
            all
        } else {
            objects::expand(&s3, &bucket, &[item], &CancellationToken::new()).await?
        }
    } else {
        // A plain delete of a missing key succeeds silently in S3; say so instead.
        objects::properties(&s3, &bucket, &key).await?;
        vec![key]
    };
    let report = objects::delete_keys(&s3, &bucket, &keys).await?;
    crate::emit(json, serde_json::json!(report), || format!("Deleted {} object{}.", report.deleted, if report.deleted == 1 { "" } else { "s" }));
    if report.failed.is_empty() {
        Ok(())
    } else {
        for f in &report.failed {
            eprintln!("not deleted {}: {}", f.key, f.reason);
        }
        Err(Error::new(satchel_core::ErrorCode::Storage, format!("{} object(s) could not be deleted.", report.failed.len())))
    }
}

pub async fn copy(engine: &Satchel, conn: &Connection, args: CpArgs, json: bool) -> Result<(), Error> {
    if args.version_id.is_some() && !(args.src.starts_with("s3://") && !args.dst.starts_with("s3://")) {
        return Err(Error::invalid("--version-id goes with downloads (cp s3://bucket/key FILE); `satchel version restore` makes an older version current."));
    }
    if !args.src.starts_with("s3://") {
        return upload(engine, conn, args, json).await;
    }
    if args.dst.starts_with("s3://") {
        if !args.tags.is_empty() || args.if_exists.is_some() || args.follow_symlinks || args.storage_class.is_some() || args.sse.is_some() {
            return Err(Error::invalid(
                "--tag, --if-exists, --follow-symlinks, --storage-class and --sse don't apply to copies between S3 locations: a copy keeps the source's tags, metadata, class and encryption.",
            ));
        }
        let req = crate::remote::RemoteCopy { src: &args.src, dst: &args.dst, recursive: args.recursive, remove_source: false, to_connection: args.to_connection.as_deref() };
        return crate::remote::run(engine, conn, req, json).await;
    }
    if args.to_connection.is_some() {
        return Err(Error::invalid("--to-connection goes with copies between S3 locations (s3://… to s3://…)."));
    }
    if !args.tags.is_empty() || args.storage_class.is_some() || args.sse.is_some() {
        return Err(Error::invalid("--tag, --storage-class and --sse apply to uploads; a download keeps the object as it is."));
    }
    let if_exists = match (&args.if_exists, args.recursive) {
        (None, _) => IfExists::Overwrite,
        (Some(choice), true) => IfExists::parse(choice)?,
        (Some(_), false) => return Err(Error::invalid("--if-exists goes with --recursive; a single download replaces the file it names.")),
    };
    let (bucket, key) = crate::s3_address(&args.src)?;
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let dst = std::path::PathBuf::from(&args.dst);
    // Ctrl-C stops the download; files not finished are removed, none is left looking complete.
    // Large files are journalled range by range: after a kill or a crash, the same command goes
    // on from the ranges already written.
    let cancel = crate::cancel_on_ctrl_c();
    let resume = engine.resume_for(conn);
    if args.version_id.is_some() && args.recursive {
        return Err(Error::invalid("--version-id names one object's version; it doesn't go with --recursive."));
    }
    let report = if args.recursive {
        // Like `aws s3 cp --recursive`: the keys under the prefix land in DST by their relative path.
        let prefix = if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") };
        let plan = transfer::plan_download_contents(&s3, &bucket, &prefix, Destination::at(&dst)?, &cancel).await?.resumable(resume);
        transfer::run_download(&s3, &bucket, plan, if_exists, &cancel, &|_| {}).await?
    } else {
        if key.is_empty() || key.ends_with('/') {
            return Err(Error::invalid("That is a folder: add --recursive to copy everything below it."));
        }
        if let Some(version) = args.version_id.as_deref() {
            let target = if dst.is_dir() || args.dst.ends_with('/') { dst.join(key.rsplit('/').next().unwrap_or(&key)) } else { dst };
            transfer::download_version(&s3, &bucket, &key, Some(version), &target, None, &cancel, &|_| {}).await?
        } else if dst.is_dir() || args.dst.ends_with('/') {
            // Into a folder, under the key's own name.
            transfer::download(&s3, &bucket, &[key.clone()], &dst, IfExists::Overwrite, resume, &cancel, &|_| {}).await?
        } else {
            // Exactly the file named, and nothing else.
            transfer::download_file(&s3, &bucket, &key, &dst, resume, &cancel, &|_| {}).await?
        }
    };
    crate::emit(json, serde_json::json!(report), || {
        format!("Downloaded {} file{} ({}).", report.files, if report.files == 1 { "" } else { "s" }, satchel_core::format::bytes(report.bytes))
    });
    for f in report.refused.iter().chain(&report.failed) {
        eprintln!("not downloaded {}: {}", f.key, f.reason);
    }
    for key in &report.restarted {
        eprintln!("note: {key} changed since its interrupted download; it was downloaded again from the start.");
    }
    if report.cancelled {
        return Err(Error::new(satchel_core::ErrorCode::Cancelled, "Stopped: the files not finished were removed; run the same command again."));
    }
    if report.refused.is_empty() && report.failed.is_empty() {
        Ok(())
    } else {
        Err(Error::new(
            satchel_core::ErrorCode::Storage,
            format!("{} key(s) were not downloaded.", report.refused.len() + report.failed.len()),
        ))
    }
}

async fn upload(engine: &Satchel, conn: &Connection, args: CpArgs, json: bool) -> Result<(), Error> {
    use satchel_core::transfer::{Checksum, UploadOptions};
    if !args.dst.starts_with("s3://") {
        return Err(Error::invalid("One side of cp must be s3://bucket/key; local-to-local copies are for cp(1)."));
    }
    let (bucket, key) = crate::s3_address(&args.dst)?;
    let src = std::path::PathBuf::from(&args.src);
    let meta = std::fs::metadata(&src).map_err(|e| Error::invalid(format!("Can't read {}: {e}.", src.display())))?;
    let mut opts = UploadOptions {
        part_size: args.part_size.as_deref().map(transfer::parse_size).transpose()?,
        concurrency: args.concurrency,
        checksum: Checksum::parse(&args.checksum)?,
        tags: args.tags.iter().map(|t| satchel_core::tags::parse_tag(t)).collect::<Result<_, _>>()?,
        storage_class: args.storage_class.as_deref().map(transfer::parse_storage_class).transpose()?,
        ..UploadOptions::default()
    };
    if let Some(sse) = args.sse.as_deref() {
        (opts.encryption, opts.customer_key) = upload_encryption(engine, conn, sse).await?;
    }
    if let Some(class @ ("GLACIER" | "DEEP_ARCHIVE")) = opts.storage_class.as_ref().map(|c| c.as_str()) {
        eprintln!("satchel: note: objects sent to {class} are archived: they must be restored (satchel archive restore) before they can be read again.");
    }
    if meta.is_dir() {
        // The same command run again after an interruption skips what the first run finished.
        let from = src.canonicalize().unwrap_or_else(|_| src.clone());
        opts.batch = Some(format!("cp {} -> {}", from.display(), args.dst));
    }
    let (items, problems) = if meta.is_dir() {
        if !args.recursive {
            return Err(Error::invalid(format!("{} is a folder: add --recursive to upload what it holds.", src.display())));
        }
        let prefix = if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") };
        // Like `aws s3 cp --recursive DIR s3://b/p/`: the folder's contents go under p/.
        transfer::plan(&src, &prefix, args.follow_symlinks)
    } else {
        let name = src.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let target = if key.is_empty() || key.ends_with('/') { format!("{key}{name}") } else { key };
        (vec![transfer::UploadItem { path: src.clone(), key: target, size: meta.len() }], Vec::new())
    };
    let report = run_upload(engine, conn, &bucket, items, &opts, json).await?;
    crate::emit(json, serde_json::json!(report), || {
        format!("Uploaded {} file{} ({}).", report.files, if report.files == 1 { "" } else { "s" }, satchel_core::format::bytes(report.bytes))
    });
    for f in problems.iter().chain(&report.failed) {
        eprintln!("not uploaded {}: {}", f.key, f.reason);
    }
    if problems.is_empty() && report.failed.is_empty() {
        Ok(())
    } else {
        Err(Error::new(satchel_core::ErrorCode::Storage, format!("{} file(s) were not uploaded.", problems.len() + report.failed.len())))
    }
}

/// Sends planned files with progress on a terminal; Ctrl-C pauses, and the same command resumes
/// (a paused run ends in an error saying so). Shared by `cp` and `sync`.
pub(crate) async fn run_upload(
    engine: &Satchel,
    conn: &Connection,
    bucket: &str,
    items: Vec<satchel_core::transfer::UploadItem>,
    opts: &satchel_core::transfer::UploadOptions,
    json: bool,
) -> Result<satchel_core::transfer::UploadReport, Error> {
    use satchel_core::transfer::Checksum;
    let show = !json && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let control = satchel_core::control::Control::new();
    // Ctrl-C pauses: multipart uploads under way are kept, and the same command resumes them.
    let on_interrupt = control.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.pause();
        }
    });
    if let Some(notice) = engine.journal_notice() {
        eprintln!("note: {notice}");
    }
    let throttle = satchel_core::throttle::Throttle::ui();
    let report = engine
        .upload_items(conn, bucket, items, opts, &control, &|p| {
            if show && throttle.admit(p.bytes_done == p.bytes_total) {
                eprint!(
                    "\r{} of {}, {} of {} files{}   ",
                    satchel_core::format::bytes(p.bytes_done),
                    satchel_core::format::bytes(p.bytes_total),
                    p.files_done,
                    p.files_total,
                    if p.retries > 0 { format!(", {} retries", p.retries) } else { String::new() }
                );
            }
        })
        .await?;
    if show {
        eprintln!();
    }
    if report.already_sent > 0 {
        eprintln!("skipped {} file(s) the interrupted run had already sent", report.already_sent);
    }
    if report.resumed_bytes > 0 {
        eprintln!("resumed: {} were already uploaded by an earlier run", satchel_core::format::bytes(report.resumed_bytes));
    }
    for key in &report.restarted {
        eprintln!("restarted {key} from the beginning: the file changed since the earlier, unfinished upload");
    }
    for note in &report.notes {
        eprintln!("satchel: warning: {note}");
    }
    if report.checksum == "md5" && opts.checksum != Checksum::Md5 {
        eprintln!("this storage refused {} checksums; Content-MD5 was used instead", opts.checksum.name());
    }
    if report.paused {
        return Err(Error::new(
            satchel_core::ErrorCode::Cancelled,
            format!("Stopped after {} file(s); run the same command again to resume.", report.files),
        ));
    }
    Ok(report)
}

/// `--sse sse-s3|sse-kms[:KEY]|sse-c:NAME`: the encryption, or the saved customer key.
async fn upload_encryption(
    engine: &Satchel,
    conn: &Connection,
    value: &str,
) -> Result<(Option<satchel_core::governance::encryption::EncryptionChoice>, Option<satchel_core::CustomerKey>), Error> {
    match value.strip_prefix("sse-c") {
        Some(rest) => match rest.strip_prefix(':').filter(|n| !n.is_empty()) {
            Some(name) => Ok((None, Some(engine.customer_keys(conn).get(name).await?))),
            None => Err(Error::invalid("Name the customer key: --sse sse-c:NAME (satchel key ls lists them). Nothing was sent.")),
        },
        None => Ok((Some(satchel_core::governance::encryption::parse(value, false)?), None)),
    }
}
