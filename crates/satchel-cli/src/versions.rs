//! `satchel version ls|restore|rm` and `satchel undelete`: older versions and delete markers;
//! `satchel archive restore|status`: objects in archive tiers.

use std::io::{IsTerminal, Write};

use satchel_core::objects::{self, VersionEntry};
use satchel_core::{Connection, Error, ErrorCode, Satchel};
use serde_json::json;

use crate::args::{ArchiveCommand, UndeleteArgs, VersionCommand};
use crate::{emit, s3_address};

pub async fn run(engine: &Satchel, conn: &Connection, cmd: VersionCommand, json: bool) -> Result<(), Error> {
    match cmd {
        VersionCommand::Ls { target, recursive } => list(engine, conn, &target, recursive, json).await,
        VersionCommand::Restore { target, version_id } => {
            let (bucket, key) = object_address(&target)?;
            let change = objects::restore_version(&engine.bucket_client(conn, &bucket).await?, &bucket, &key, &version_id).await?;
            emit(json, json!(change), || change.summary.clone());
            Ok(())
        }
        VersionCommand::Rm { target, version_id } => {
            let (bucket, key) = object_address(&target)?;
            let change = objects::delete_version(&engine.bucket_client(conn, &bucket).await?, &bucket, &key, &version_id).await?;
            emit(json, json!(change), || change.summary.clone());
            Ok(())
        }
    }
}

fn object_address(target: &str) -> Result<(String, String), Error> {
    let (bucket, key) = s3_address(target)?;
    if key.is_empty() || key.ends_with('/') {
        return Err(Error::invalid("Name one object: s3://bucket/key."));
    }
    Ok((bucket, key))
}

/// One line per version, newest first within each key; with --json one object per line, as they
/// arrive, so a prefix with many versions starts printing at once.
async fn list(engine: &Satchel, conn: &Connection, target: &str, recursive: bool, json: bool) -> Result<(), Error> {
    let (bucket, prefix) = s3_address(target)?;
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let mut out = std::io::stdout().lock();
    let cancel = crate::cancel_on_ctrl_c();
    objects::list_versions(&s3, &bucket, &prefix, recursive, &cancel, |page| {
        for f in &page.folders {
            if !json {
                let _ = writeln!(out, "{:>62}  {f}", "FOLDER");
            }
        }
        for v in &page.versions {
            let _ = if json {
                writeln!(out, "{}", version_json(v))
            } else {
                writeln!(out, "{}", version_line(v))
            };
        }
    })
    .await?;
    Ok(())
}

fn version_json(v: &VersionEntry) -> serde_json::Value {
    json!({
        "key": v.key,
        "version_id": v.version_id,
        "size": v.size,
        "last_modified": v.last_modified,
        "is_latest": v.is_latest,
        "is_delete_marker": v.is_delete_marker,
        "storage_class": v.storage_class,
    })
}

fn version_line(v: &VersionEntry) -> String {
    let when = v.last_modified.as_deref().unwrap_or("-");
    let what = match (v.is_latest, v.is_delete_marker) {
        (true, true) => "deleted",
        (false, true) => "marker",
        (true, false) => "current",
        (false, false) => "older",
    };
    let size = if v.is_delete_marker { "-".to_string() } else { v.size.to_string() };
    format!("{when:<20} {size:>12} {what:<7} {:<32} {}", v.version_id, v.key)
}

/// `undelete s3://b/key`, or everything deleted below a prefix with --recursive.
pub async fn undelete(engine: &Satchel, conn: &Connection, args: UndeleteArgs, json: bool) -> Result<(), Error> {
    let (bucket, key) = s3_address(&args.target)?;
    let s3 = engine.bucket_client(conn, &bucket).await?;
    if !args.recursive {
        if key.is_empty() || key.ends_with('/') {
            return Err(Error::invalid("Name an object (s3://bucket/key), or add --recursive to undelete everything deleted below a folder."));
        }
        let change = objects::undelete(&s3, &bucket, &key).await?;
        emit(json, json!(change), || change.summary.clone());
        return Ok(());
    }
    let prefix = if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") };
    let cancel = crate::cancel_on_ctrl_c();
    let markers = objects::deleted_keys(&s3, &bucket, &prefix, &cancel).await?;
    let total = markers.len();
    let show = !json && std::io::stderr().is_terminal();
    let report = objects::undelete_many(&s3, &bucket, &markers, &cancel, |n| {
        if show {
            eprint!("\rundeleted {n} of {total}   ");
        }
    })
    .await;
    if show {
        eprintln!();
    }
    for f in &report.failed {
        eprintln!("not undeleted {}: {}", f.key, f.reason);
    }
    emit(json, json!(report), || match total {
        0 => format!("Nothing below s3://{bucket}/{prefix} is deleted."),
        _ => format!("Undeleted {} of {total} object{}.", report.restored, if total == 1 { "" } else { "s" }),
    });
    if report.cancelled {
        return Err(Error::new(ErrorCode::Cancelled, format!("Cancelled after undeleting {} of {total}; run it again for the rest.", report.restored)));
    }
    if !report.failed.is_empty() {
        return Err(Error::new(ErrorCode::Storage, format!("{} object(s) could not be undeleted.", report.failed.len())));
    }
    Ok(())
}

/// `archive restore s3://B/KEY [--recursive] --days N [--tier T]`, `archive status s3://B/KEY`.
pub async fn archive(engine: &Satchel, conn: &Connection, cmd: ArchiveCommand, json: bool) -> Result<(), Error> {
    use satchel_core::objects::archive::{self, RestoreAnswer, RestoreTier};
    match cmd {
        ArchiveCommand::Status { target } => {
            let (bucket, key) = object_address(&target)?;
            let st = archive::status(&engine.bucket_client(conn, &bucket).await?, &bucket, &key).await?;
            emit(json, json!(st), || format!("{key}: {}", st.says));
            Ok(())
        }
        ArchiveCommand::Restore { target, recursive, days, tier } => {
            // Checked before anything is listed or sent.
            let tier = RestoreTier::parse(&tier)?;
            archive::check_request(days, tier, None)?;
            let (bucket, key) = s3_address(&target)?;
            let s3 = engine.bucket_client(conn, &bucket).await?;
            if !recursive {
                let (_, key) = object_address(&target)?;
                let st = archive::status(&s3, &bucket, &key).await?;
                archive::check_request(days, tier, st.storage_class.as_deref())?;
                let answer = archive::request(&s3, &bucket, &key, days, tier).await?;
                let class = st.storage_class.unwrap_or_default();
                emit(json, json!({ "key": key, "answer": answer, "typical_time": tier.typical_time(&class) }), || match answer {
                    RestoreAnswer::Started => format!("Restoring {key}: readable in {}, for {days} day{}.", tier.typical_time(&class), if days == 1 { "" } else { "s" }),
                    RestoreAnswer::AlreadyRestoring => format!("{key} is already being restored."),
                });
                return Ok(());
            }
            let prefix = if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") };
            let cancel = crate::cancel_on_ctrl_c();
            let show = !json && std::io::stderr().is_terminal();
            let report = archive::request_many(&s3, &bucket, &[prefix], days, tier, &cancel, |n| {
                if show {
                    eprint!("\rasked for {n}   ");
                }
            })
            .await?;
            if show {
                eprintln!();
            }
            for f in &report.failed {
                eprintln!("not restored {}: {}", f.key, f.reason);
            }
            emit(json, json!(report), || {
                format!(
                    "Asked to restore {} object(s); {} already being restored; {} not archived.",
                    report.requested, report.already_restoring, report.not_archived
                )
            });
            if !report.failed.is_empty() {
                return Err(Error::new(ErrorCode::Storage, format!("{} restore request(s) failed.", report.failed.len())));
            }
            Ok(())
        }
    }
}
