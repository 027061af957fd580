//! `satchel bucket create|info|rm`.

use std::io::IsTerminal;

use satchel_core::buckets::create::{CannedAcl, DefaultEncryption, Grant, GrantPermission, Ownership};
use satchel_core::buckets::EmptyPhase;
use satchel_core::tags::parse_tag;
use satchel_core::{Connection, Error, ErrorCode, NewBucket, Satchel};
use serde_json::json;

use crate::args::BucketCreate;
use crate::emit;

pub async fn create(engine: &Satchel, conn: &Connection, a: BucketCreate, json: bool) -> Result<(), Error> {
    let mut spec = NewBucket::new(a.name);
    spec.region = a.bucket_region;
    spec.versioning = a.versioning;
    spec.object_lock = a.object_lock;
    spec.block_public_access = !a.no_block_public_access;
    spec.public_confirmed = a.yes_public;
    spec.ownership = match a.ownership.as_str() {
        "bucket-owner-enforced" => Ownership::BucketOwnerEnforced,
        "bucket-owner-preferred" => Ownership::BucketOwnerPreferred,
        "object-writer" => Ownership::ObjectWriter,
        other => return Err(Error::invalid(format!(
            "Unknown ownership \"{other}\": use bucket-owner-enforced, bucket-owner-preferred or object-writer."
        ))),
    };
    spec.encryption = match a.encryption.as_str() {
        "sse-s3" => DefaultEncryption::SseS3,
        "none" => DefaultEncryption::StorageDefault,
        kms if kms.starts_with("sse-kms:") => DefaultEncryption::SseKms { key_id: kms["sse-kms:".len()..].to_string() },
        other => return Err(Error::invalid(format!("Unknown encryption \"{other}\": use sse-s3, sse-kms:KEY or none."))),
    };
    spec.acl = match a.acl.as_deref() {
        None => None,
        Some("private") => Some(CannedAcl::Private),
        Some("public-read") => Some(CannedAcl::PublicRead),
        Some("public-read-write") => Some(CannedAcl::PublicReadWrite),
        Some("authenticated-read") => Some(CannedAcl::AuthenticatedRead),
        Some(other) => return Err(Error::invalid(format!(
            "Unknown ACL \"{other}\": use private, public-read, public-read-write or authenticated-read."
        ))),
    };
    for g in &a.grants {
        let (perm, grantee) = g
            .split_once('=')
            .ok_or_else(|| Error::invalid(format!("Grants are written PERMISSION=GRANTEE, like read=id=abc; \"{g}\" is not.")))?;
        let permission = match perm {
            "read" => GrantPermission::Read,
            "write" => GrantPermission::Write,
            "read-acp" => GrantPermission::ReadAcp,
            "write-acp" => GrantPermission::WriteAcp,
            "full-control" => GrantPermission::FullControl,
            other => return Err(Error::invalid(format!(
                "Unknown permission \"{other}\": use read, write, read-acp, write-acp or full-control."
            ))),
        };
        spec.grants.push(Grant { permission, grantee: grantee.to_string() });
    }
    spec.tags = a.tags.iter().map(|t| parse_tag(t)).collect::<Result<_, _>>()?;
    let report = engine.create_bucket(conn, &spec).await?;
    emit(json, json!(report), || {
        let mut s = format!("Created \"{}\" in {}", report.name, report.region);
        if !report.applied.is_empty() {
            s.push_str(&format!(" with {}", report.applied.join(", ")));
        }
        s.push('.');
        for skipped in &report.skipped {
            s.push_str(&format!("\n  skipped {}: {}", skipped.setting, skipped.reason));
        }
        s
    });
    Ok(())
}

pub async fn info(engine: &Satchel, conn: &Connection, name: &str, json: bool) -> Result<(), Error> {
    let census = engine.census(conn, name, &crate::cancel_on_ctrl_c()).await?;
    emit(json, json!(census), || format!("{name}: {}", census.describe()));
    Ok(())
}

pub async fn remove(engine: &Satchel, conn: &Connection, name: &str, force: bool, json: bool) -> Result<(), Error> {
    let cancel = crate::cancel_on_ctrl_c();
    let census = engine.census(conn, name, &cancel).await?;
    if !census.is_empty() && !force {
        return Err(Error::new(
            ErrorCode::NotEmpty,
            format!("Bucket \"{name}\" holds {}. Add --force to delete all of it with the bucket.", census.describe()),
        ));
    }
    let show = !json && std::io::stderr().is_terminal();
    let report = engine
        .delete_bucket(conn, name, &census, &cancel, &|p| {
            if show {
                let phase = match p.phase {
                    EmptyPhase::DeletingVersions => "deleting",
                    EmptyPhase::AbortingUploads => "aborting uploads",
                    EmptyPhase::DeletingBucket => "deleting the bucket",
                    EmptyPhase::Done => "done",
                };
                eprint!("\r{phase}: {} deleted, {} failed, {} uploads aborted   ", p.deleted, p.failed, p.uploads_aborted);
            }
        })
        .await?;
    if show {
        eprintln!();
    }
    if json {
        if report.bucket_deleted {
            println!("{}", json!(report));
        }
    } else {
        for r in &report.remaining {
            let version = r.version_id.as_deref().map(|v| format!(" (version {v})")).unwrap_or_default();
            println!("kept {}{version}: {}", r.key, r.reason);
        }
        for r in &report.uploads_remaining {
            println!("unfinished upload of {} not aborted: {}", r.key, r.reason);
        }
    }
    if report.bucket_deleted {
        if !json {
            println!("{}", report.summary(name));
        }
        Ok(())
    } else {
        let code = if report.cancelled { ErrorCode::Cancelled } else { ErrorCode::Storage };
        let left: Vec<String> = report
            .remaining
            .iter()
            .chain(&report.uploads_remaining)
            .map(|r| format!("{}: {}", r.key, r.reason))
            .collect();
        Err(Error::new(code, report.summary(name)).with_detail(left.join("; ")))
    }
}

