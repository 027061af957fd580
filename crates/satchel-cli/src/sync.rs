//! `satchel sync SRC DST`: a local folder and an S3 prefix, either way, through the engine's sync
//! plan; the uploads and downloads are the same as `cp`'s.

use satchel_core::objects;
use satchel_core::transfer::download::{run_download, Destination, IfExists};
use satchel_core::transfer::sync::{delete_local, plan_down, plan_up, Compare, SyncFilter, SyncPlan};
use satchel_core::transfer::{self, UploadOptions};
use satchel_core::{Connection, Error, ErrorCode, KeyFailure, Satchel};
use serde::Serialize;

use crate::args::SyncArgs;

/// What a sync did.
#[derive(Debug, Default, Serialize)]
struct SyncReport {
    sent: u64,
    bytes: u64,
    deleted: u64,
    unchanged: u64,
    excluded: u64,
    failed: Vec<KeyFailure>,
}

pub async fn sync(engine: &Satchel, conn: &Connection, args: SyncArgs, json: bool) -> Result<(), Error> {
    let filter = SyncFilter::new(&args.include, &args.exclude)?;
    let report = match (args.src.starts_with("s3://"), args.dst.starts_with("s3://")) {
        (false, true) => up(engine, conn, &args, &filter, json).await?,
        (true, false) => down(engine, conn, &args, &filter, json).await?,
        _ => return Err(Error::invalid("One side of sync must be s3://bucket/prefix/ and the other a local folder.")),
    };
    let Some(report) = report else { return Ok(()) };
    crate::emit(json, serde_json::json!(report), || {
        format!(
            "Sent {} file{} ({}), removed {}; {} unchanged.",
            report.sent,
            if report.sent == 1 { "" } else { "s" },
            satchel_core::format::bytes(report.bytes),
            report.deleted,
            report.unchanged
        )
    });
    for f in &report.failed {
        eprintln!("not synced {}: {}", f.key, f.reason);
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::Storage, format!("{} item(s) were not synced.", report.failed.len())))
    }
}

fn compare(args: &SyncArgs) -> Compare {
    if args.checksum {
        Compare::Checksum
    } else {
        Compare::Time
    }
}

fn prefix_of(key: String) -> String {
    if key.is_empty() || key.ends_with('/') {
        key
    } else {
        format!("{key}/")
    }
}

/// Prints the plan (`--dry-run`): one line per file to send or remove.
fn show_plan(plan: &SyncPlan, delete: bool, json: bool) {
    if json {
        println!("{}", serde_json::json!({ "send": plan.send, "delete": if delete { plan.delete.clone() } else { Vec::new() }, "unchanged": plan.unchanged, "excluded": plan.excluded, "problems": plan.problems }));
        return;
    }
    for e in &plan.send {
        println!("send   {} ({})", e.key, e.reason.as_str());
    }
    if delete {
        for d in &plan.delete {
            println!("remove {d}");
        }
    }
    for p in &plan.problems {
        eprintln!("skipped {}: {}", p.key, p.reason);
    }
    println!(
        "Would send {} file(s) ({}){}; {} unchanged.",
        plan.send.len(),
        satchel_core::format::bytes(plan.bytes()),
        if delete { format!(" and remove {}", plan.delete.len()) } else { String::new() },
        plan.unchanged
    );
}

async fn up(engine: &Satchel, conn: &Connection, args: &SyncArgs, filter: &SyncFilter, json: bool) -> Result<Option<SyncReport>, Error> {
    let dir = std::path::PathBuf::from(&args.src);
    if !dir.is_dir() {
        return Err(Error::invalid(format!("{} is not a folder; sync works on folders (cp copies one file).", dir.display())));
    }
    let (bucket, key) = crate::s3_address(&args.dst)?;
    let prefix = prefix_of(key);
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let plan = plan_up(&dir, &s3, &bucket, &prefix, filter, compare(args), &crate::cancel_on_ctrl_c()).await?;
    if args.dry_run {
        show_plan(&plan, args.delete, json);
        return Ok(None);
    }
    let opts = UploadOptions {
        part_size: args.part_size.as_deref().map(transfer::parse_size).transpose()?,
        concurrency: args.concurrency,
        ..UploadOptions::default()
    };
    let mut report = SyncReport { unchanged: plan.unchanged, excluded: plan.excluded, failed: plan.problems.clone(), ..SyncReport::default() };
    if !plan.send.is_empty() {
        // Ctrl-C pauses here and ends with "run the same command again": nothing is removed then.
        let sent = crate::list::run_upload(engine, conn, &bucket, plan.upload_items(), &opts, json).await?;
        report.sent = sent.files;
        report.bytes = sent.bytes;
        report.failed.extend(sent.failed);
    }
    if args.delete && !plan.delete.is_empty() {
        let d = objects::delete_keys(&s3, &bucket, &plan.delete).await?;
        report.deleted = d.deleted;
        report.failed.extend(d.failed);
    }
    Ok(Some(report))
}

async fn down(engine: &Satchel, conn: &Connection, args: &SyncArgs, filter: &SyncFilter, json: bool) -> Result<Option<SyncReport>, Error> {
    let (bucket, key) = crate::s3_address(&args.src)?;
    let prefix = prefix_of(key);
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let cancel = crate::cancel_on_ctrl_c();
    let dest = Destination::at(std::path::Path::new(&args.dst))?;
    let plan = plan_down(&s3, &bucket, &prefix, &dest, filter, compare(args), engine.resume_for(conn).as_ref(), &cancel).await?;
    if args.dry_run {
        show_plan(&plan, args.delete, json);
        return Ok(None);
    }
    let mut report = SyncReport { unchanged: plan.unchanged, excluded: plan.excluded, failed: plan.problems.clone(), ..SyncReport::default() };
    if !plan.send.is_empty() {
        let got = run_download(&s3, &bucket, plan.download_plan(dest).resumable(engine.resume_for(conn)), IfExists::Overwrite, &cancel, &|_| {}).await?;
        if got.cancelled {
            return Err(Error::new(ErrorCode::Cancelled, "Stopped: the files not finished were removed; run the same command again."));
        }
        report.sent = got.files;
        report.bytes = got.bytes;
        report.failed.extend(got.refused);
        report.failed.extend(got.failed);
    }
    if args.delete && !plan.delete.is_empty() {
        let (removed, failed) = delete_local(&plan.delete);
        report.deleted = removed;
        report.failed.extend(failed);
    }
    Ok(Some(report))
}
