//! `satchel bucket create|info|rm|get|set` and `satchel audit`.

use std::io::IsTerminal;

use satchel_core::buckets::create::{CannedAcl, DefaultEncryption, Grant, Ownership};
use satchel_core::buckets::EmptyPhase;
use satchel_core::tags::parse_tag;
use satchel_core::governance::policy::{self, Template};
use satchel_core::governance::ownership::{AclOf, AclView};
use satchel_core::governance::website::{Route, Website};
use satchel_core::governance::{accelerate, cors};
use satchel_core::governance::public_access::parse_switch;
use satchel_core::governance::{Exposure, PublicAccessBlock};
use satchel_core::{Connection, Error, ErrorCode, NewBucket, Satchel, Via};
use serde_json::json;

use crate::args::{AuditArgs, BucketCreate, CorsArgs, LifecycleArgs, ObjectLockArgs, PolicyArgs, PublicAccessArgs, RetentionCommand, WebsiteArgs};
use crate::emit;

pub async fn create(engine: &Satchel, conn: &Connection, a: BucketCreate, json: bool) -> Result<(), Error> {
    let mut spec = NewBucket::new(a.name);
    spec.region = a.bucket_region;
    spec.versioning = a.versioning;
    spec.object_lock = a.object_lock;
    spec.block_public_access = !a.no_block_public_access;
    spec.public_confirmed = a.yes_public;
    spec.ownership = Ownership::parse(&a.ownership)?;
    spec.encryption = match a.encryption.as_str() {
        "sse-s3" => DefaultEncryption::SseS3,
        "none" => DefaultEncryption::StorageDefault,
        kms if kms.starts_with("sse-kms:") => DefaultEncryption::SseKms { key_id: kms["sse-kms:".len()..].to_string() },
        other => return Err(Error::invalid(format!("Unknown encryption \"{other}\": use sse-s3, sse-kms:KEY or none."))),
    };
    spec.acl = a.acl.as_deref().map(CannedAcl::parse).transpose()?;
    spec.grants = a.grants.iter().map(|g| Grant::parse(g)).collect::<Result<_, _>>()?;
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


/// `bucket get NAME [public-access]`: the switches and whether the bucket is public, and why.
pub async fn get(engine: &Satchel, conn: &Connection, name: &str, setting: Option<&str>, json: bool) -> Result<(), Error> {
    match setting {
        None | Some("public-access") => {}
        Some("policy") => return get_policy(engine, conn, name, json).await,
        Some("cors") => {
            let rules = engine.bucket_cors(conn, name).await?;
            emit(json, json!({ "bucket": name, "cors": rules }), || match rules.is_empty() {
                true => format!("{name}: no CORS rules (browsers on other sites can't call it)."),
                false => format!("{name}: CORS rules\n{}", rules.iter().map(|r| format!("  {}", cors::describe(r))).collect::<Vec<_>>().join("\n")),
            });
            return Ok(());
        }
        Some("website") => {
            let view = engine.bucket_website(conn, name).await?;
            emit(json, json!(view), || website_lines(name, &view));
            return Ok(());
        }
        Some("ownership") => {
            let o = engine.bucket_ownership(conn, name).await?;
            emit(json, json!({ "bucket": name, "ownership": o.name(), "meaning": o.meaning() }), || format!("{name}: {} — {}", o.name(), o.meaning()));
            return Ok(());
        }
        Some("acl") => {
            let view = engine.acl(conn, name, AclOf::Bucket).await?;
            emit(json, acl_json(name, &view), || acl_text(name, "ACL", &view));
            return Ok(());
        }
        Some("versioning") => {
            let v = engine.bucket_versioning(conn, name).await?;
            emit(json, json!({ "bucket": name, "versioning": v }), || versioning_text(name, &v));
            return Ok(());
        }
        Some("lifecycle") => {
            let view = engine.bucket_lifecycle(conn, name).await?;
            emit(json, lifecycle_json(name, &view), || lifecycle_text(name, &view));
            return Ok(());
        }
        Some("encryption") => {
            let e = engine.bucket_encryption(conn, name).await?;
            emit(json, json!({ "bucket": name, "encryption": e }), || format!("{name}: {}", e.describe()));
            return Ok(());
        }
        Some("object-lock") => {
            let v = engine.bucket_object_lock(conn, name).await?;
            emit(json, json!({ "bucket": name, "object_lock": v }), || format!("{name}: {}", v.says));
            return Ok(());
        }
        Some("accelerate") => {
            let on = engine.bucket_accelerate(conn, name).await?;
            emit(json, json!({ "bucket": name, "accelerate": on }), || format!("{name}: transfer acceleration {}", if on { "on" } else { "off" }));
            return Ok(());
        }
        Some(other) => {
            return Err(Error::invalid(format!("\"{other}\" isn't a setting Satchel reads yet: use public-access, policy, ownership, acl, cors, website, accelerate, versioning, encryption, object-lock or lifecycle.")));
        }
    }
    if setting.is_none() && !json {
        get_policy(engine, conn, name, false).await?;
    }
    let exposure = engine.bucket_exposure(conn, name).await?;
    // Not read (a store without Block Public Access, or not allowed): the exposure says which.
    let block = exposure.block;
    emit(json, json!({ "bucket": name, "exposure": exposure, "public_access": block }), || {
        let mut s = format!("{name}: {} — {}", exposure_word(exposure.exposure), exposure.why);
        match block {
            Some(block) => {
                s.push_str(&format!("\npublic access block: {}", block.summary()));
                for (flag, on, what) in block.switches() {
                    s.push_str(&format!("\n  {flag:<24} {:<3}  {what}", if on { "on" } else { "off" }));
                }
            }
            None => s.push_str("\npublic access block: not available on this storage"),
        }
        if let Some(a) = &exposure.account {
            s.push_str(&format!("\naccount {} public access block: {}", a.account, a.block.summary()));
            if let Some(o) = &a.overrides {
                s.push_str(&format!("\n  {o}"));
            }
        }
        s
    });
    Ok(())
}

/// The switches the flags ask for, over `current` for the ones not named.
fn switches_from(a: &PublicAccessArgs, current: PublicAccessBlock) -> Result<PublicAccessBlock, Error> {
    let switches = [&a.block_public_acls, &a.ignore_public_acls, &a.block_public_policy, &a.restrict_public_buckets];
    if !a.block_all && !a.allow_public && switches.iter().all(|s| s.is_none()) {
        return Err(Error::invalid("Say what to set: --block-all, --allow-public --yes-public, or one of the four switches (--block-public-acls on|off, ...)."));
    }
    if a.block_all {
        return Ok(PublicAccessBlock::ALL);
    }
    if a.allow_public {
        return Ok(PublicAccessBlock::NONE);
    }
    let mut next = current;
    let set = |slot: &mut bool, name: &str, value: &Option<String>| -> Result<(), Error> {
        if let Some(v) = value {
            *slot = parse_switch(name, v)?;
        }
        Ok(())
    };
    set(&mut next.block_public_acls, "block-public-acls", &a.block_public_acls)?;
    set(&mut next.ignore_public_acls, "ignore-public-acls", &a.ignore_public_acls)?;
    set(&mut next.block_public_policy, "block-public-policy", &a.block_public_policy)?;
    set(&mut next.restrict_public_buckets, "restrict-public-buckets", &a.restrict_public_buckets)?;
    Ok(next)
}

/// `account get`.
pub async fn account_get(engine: &Satchel, conn: &Connection, json: bool) -> Result<(), Error> {
    let (who, block) = engine.account_public_access(conn).await?;
    emit(json, json!({ "identity": who, "public_access": block }), || {
        let mut s = format!("{} (account {})", who.arn, who.account);
        if let Some(w) = &who.warning {
            s.push_str(&format!("\nwarning: {w}"));
        }
        s.push_str(&format!("\naccount public access block: {}", block.summary()));
        for (flag, on, what) in block.switches() {
            s.push_str(&format!("\n  {flag:<24} {:<3}  {what}", if on { "on" } else { "off" }));
        }
        s
    });
    Ok(())
}

/// `account set-public-access ...`.
pub async fn account_set_public_access(engine: &Satchel, conn: &Connection, a: PublicAccessArgs, json: bool) -> Result<(), Error> {
    let next = if a.block_all || a.allow_public { switches_from(&a, PublicAccessBlock::NONE)? } else { switches_from(&a, engine.account_public_access(conn).await?.1)? };
    let change = engine.set_account_public_access(conn, next, a.yes_public, Via::Cli).await?;
    emit(json, json!(change), || {
        if change.unchanged {
            format!("The account's Block Public Access is already {}; nothing changed.", change.after.summary())
        } else {
            format!("The account's Block Public Access {} → {} for every bucket (recorded in the audit log).", change.before.summary(), change.after.summary())
        }
    });
    Ok(())
}

fn exposure_word(e: Exposure) -> &'static str {
    match e {
        Exposure::Private => "Private",
        Exposure::Public => "Public",
        Exposure::PublicThroughAcl => "Public through ACL",
        Exposure::PublicThroughPolicy => "Public through policy",
        Exposure::Unknown => "Unknown",
    }
}

/// `bucket set NAME public-access ...`: the switches asked for, the others as they are.
pub async fn set_public_access(engine: &Satchel, conn: &Connection, name: &str, a: PublicAccessArgs, json: bool) -> Result<(), Error> {
    let next = if a.block_all || a.allow_public { switches_from(&a, PublicAccessBlock::NONE)? } else { switches_from(&a, engine.public_access(conn, name).await?)? };
    let change = engine.set_public_access(conn, name, next, a.yes_public, Via::Cli).await?;
    emit(json, json!(change), || {
        if change.unchanged {
            format!("{name}: Block Public Access is already {}; nothing changed.", change.after.summary())
        } else {
            format!("{name}: Block Public Access {} → {} (recorded in the audit log).", change.before.summary(), change.after.summary())
        }
    });
    Ok(())
}

/// `audit [--bucket B] [--csv]`.
pub fn audit(engine: &Satchel, a: &AuditArgs, json: bool) -> Result<(), Error> {
    let entries = engine.audit_entries(a.bucket.as_deref())?;
    if a.csv {
        print!("{}", satchel_core::governance::audit::to_csv(&entries));
        return Ok(());
    }
    emit(json, json!(entries), || {
        if entries.is_empty() {
            return "No changes recorded.".to_string();
        }
        entries
            .iter()
            .map(|e| format!("{}  {} / {}  {}  {} → {}  ({})", e.at, e.connection, e.bucket, e.setting, e.before, e.after, e.via))
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// `bucket get NAME policy`: the policy and, statement by statement, what it says.
async fn get_policy(engine: &Satchel, conn: &Connection, name: &str, json: bool) -> Result<(), Error> {
    let text = engine.bucket_policy(conn, name).await?;
    let parsed = text.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
    let summary = parsed.as_ref().map(|p| policy::summarize(p, name)).unwrap_or_default();
    emit(json, json!({ "bucket": name, "policy": parsed, "summary": summary }), || match &parsed {
        None => format!("{name}: no bucket policy."),
        Some(p) => format!("{name}: bucket policy\n{}\n{}", summary.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n"), policy::pretty(p)),
    });
    Ok(())
}

/// `bucket set NAME policy --file F | --template T ... | --delete [--dry-run]`.
pub async fn set_policy(engine: &Satchel, conn: &Connection, name: &str, a: PolicyArgs, json: bool) -> Result<(), Error> {
    if a.delete {
        if a.dry_run {
            let now = engine.bucket_policy(conn, name).await?;
            emit(json, json!({ "delete": true, "policy": now }), || match now {
                Some(_) => format!("{name}: --delete would remove the bucket policy (nothing sent)."),
                None => format!("{name}: there is no bucket policy to delete."),
            });
            return Ok(());
        }
        let change = engine.delete_bucket_policy(conn, name, Via::Cli).await?;
        emit(json, json!(change), || match change.before {
            Some(_) => format!("{name}: bucket policy deleted (recorded in the audit log)."),
            None => format!("{name}: there was no bucket policy; nothing changed."),
        });
        return Ok(());
    }
    let text = match (&a.file, &a.template) {
        (Some(file), _) => std::fs::read_to_string(file).map_err(|e| Error::invalid(format!("Couldn't read {}: {e}.", file.display())))?,
        (None, Some(t)) => {
            let template = Template::named(t, a.prefix.as_deref(), a.account.as_deref(), a.read_write, a.key.as_deref(), &a.cidr, a.tag_key.as_deref())?;
            let current = engine.bucket_policy(conn, name).await?;
            policy::merge(current.as_deref(), template.statements(name))
        }
        (None, None) => return Err(Error::invalid("Say which policy: --file FILE, --template NAME, or --delete.")),
    };
    let preview = engine.preview_policy(conn, name, &text).await?;
    if a.dry_run {
        emit(json, json!(preview), || {
            let mut s = String::new();
            for p in &preview.problems {
                s.push_str(&format!("line {}: {}\n", p.line, p.message));
            }
            for l in &preview.summary {
                s.push_str(&format!("  {l}\n"));
            }
            if let Some(r) = &preview.refused {
                s.push_str(&format!("{r}\n"));
            }
            s.push_str(&preview.diff);
            s.push_str("\n(dry run: nothing sent)");
            s
        });
        return if preview.problems.is_empty() { Ok(()) } else { Err(Error::invalid("The policy has problems (listed above); nothing was sent.")) };
    }
    let change = engine.set_bucket_policy(conn, name, &text, Via::Cli).await?;
    emit(json, json!(change), || {
        format!("{name}: bucket policy set (recorded in the audit log).\n{}", change.summary.iter().map(|l| format!("  {l}")).collect::<Vec<_>>().join("\n"))
    });
    Ok(())
}

/// `bucket set NAME cors --file F | --template T [--origin URL] | --delete`.
pub async fn set_cors(engine: &Satchel, conn: &Connection, name: &str, a: CorsArgs, json: bool) -> Result<(), Error> {
    let rules = match (&a.file, a.template.as_deref(), a.delete) {
        (_, _, true) => Vec::new(),
        (Some(file), _, _) => cors::parse_rules(&std::fs::read_to_string(file).map_err(|e| Error::invalid(format!("Couldn't read {}: {e}.", file.display())))?)?,
        (None, Some("presigned-upload"), _) => cors::presigned_upload(a.origin.as_deref().ok_or_else(|| Error::invalid("The presigned-upload template needs --origin URL (the web page's origin)."))?)?,
        (None, Some("read-anywhere"), _) => cors::read_anywhere(),
        (None, Some(other), _) => return Err(Error::invalid(format!("\"{other}\" isn't a CORS template: use presigned-upload or read-anywhere."))),
        (None, None, false) => return Err(Error::invalid("Say which rules: --file FILE, --template NAME, or --delete.")),
    };
    engine.set_bucket_cors(conn, name, &rules, Via::Cli).await?;
    emit(json, json!({ "bucket": name, "cors": rules }), || match rules.is_empty() {
        true => format!("{name}: CORS rules removed (recorded in the audit log)."),
        false => format!("{name}: {} CORS rule(s) set (recorded in the audit log).", rules.len()),
    });
    Ok(())
}

/// `bucket set NAME accelerate on|off`.
pub async fn set_accelerate(engine: &Satchel, conn: &Connection, name: &str, state: &str, json: bool) -> Result<(), Error> {
    let on = accelerate::parse(state)?;
    let changed = engine.set_bucket_accelerate(conn, name, on, Via::Cli).await?;
    emit(json, json!({ "bucket": name, "accelerate": on, "changed": changed }), || {
        let word = if on { "on" } else { "off" };
        if changed { format!("{name}: transfer acceleration {word} (recorded in the audit log).") } else { format!("{name}: transfer acceleration is already {word}.") }
    });
    Ok(())
}

fn website_lines(name: &str, view: &satchel_core::WebsiteView) -> String {
    let mut s = format!("{name}: website hosting {}", view.site.describe());
    if let Some(e) = &view.endpoint {
        s.push_str(&format!("\n  served at {e}"));
    }
    if let Some(w) = &view.served {
        s.push_str(&format!("\n  {w}"));
    }
    if let Some(w) = &view.warning {
        s.push_str(&format!("\n  warning: {w}"));
    }
    s
}

/// `bucket set NAME website --index DOC [--error DOC] | --redirect-all HOST | --delete`.
pub async fn set_website(engine: &Satchel, conn: &Connection, name: &str, a: WebsiteArgs, json: bool) -> Result<(), Error> {
    let site = match (a.index, a.redirect_all, a.delete) {
        (_, _, true) => Website::Off,
        (Some(index), _, _) => Website::Documents { index, error: a.error, routes: a.route.iter().map(|r| Route::parse(r)).collect::<Result<_, _>>()? },
        (None, Some(host), _) => Website::RedirectAll { host },
        (None, None, false) => return Err(Error::invalid("Say what to serve: --index DOC [--error DOC], --redirect-all HOST, or --delete.")),
    };
    let view = engine.set_bucket_website(conn, name, site, Via::Cli).await?;
    if let Some(w) = &view.warning {
        eprintln!("satchel: warning: {w}");
    }
    emit(json, json!(view), || website_lines(name, &view));
    Ok(())
}

/// `bucket set NAME ownership MODE`.
pub async fn set_ownership(engine: &Satchel, conn: &Connection, name: &str, mode: &str, json: bool) -> Result<(), Error> {
    let next = Ownership::parse(mode)?;
    let changed = engine.set_bucket_ownership(conn, name, next, Via::Cli).await?;
    emit(json, json!({ "bucket": name, "ownership": next.name(), "changed": changed }), || {
        let head = if changed { format!("{name}: Object Ownership is now {} (recorded in the audit log).", next.name()) } else { format!("{name}: Object Ownership is already {}.", next.name()) };
        format!("{head}\n  {}", next.meaning())
    });
    Ok(())
}

/// `bucket set NAME acl [CANNED] [--grant P=G]... [--yes-public]`.
pub async fn set_acl(engine: &Satchel, conn: &Connection, name: &str, canned: Option<&str>, grants: &[String], yes_public: bool, json: bool) -> Result<(), Error> {
    let acl = canned.map(CannedAcl::parse).transpose()?;
    let grants: Vec<Grant> = grants.iter().map(|g| Grant::parse(g)).collect::<Result<_, _>>()?;
    let now = engine.set_acl(conn, name, AclOf::Bucket, acl, &grants, yes_public, Via::Cli).await?;
    emit(json, acl_json(name, &now), || acl_text(name, "ACL set (recorded in the audit log)", &now));
    Ok(())
}

fn acl_json(bucket: &str, view: &AclView) -> serde_json::Value {
    let grants: Vec<String> = view.grants.iter().map(|g| g.grant.line()).collect();
    let says: Vec<&str> = view.grants.iter().map(|g| g.says.as_str()).collect();
    json!({ "bucket": bucket, "grants": grants, "says": says, "acls_enabled": view.enabled })
}

fn acl_text(bucket: &str, title: &str, view: &AclView) -> String {
    let mut out = format!("{bucket}: {title}");
    for g in &view.grants {
        out.push_str(&format!("\n  {}  ({})", g.grant.line(), g.says));
    }
    if let Some(note) = &view.note {
        out.push_str(&format!("\n  {note}"));
    }
    out
}

fn versioning_text(name: &str, v: &satchel_core::governance::versioning::VersioningView) -> String {
    let mut s = format!("{name}: versioning {} — {}", v.state.word(), v.meaning);
    if let Some(mfa) = v.mfa_delete {
        s.push_str(&format!("\nMFA delete: {}", if mfa { "on" } else { "off" }));
    }
    if v.locked_on {
        s.push_str("\nObject lock is on, so versioning stays enabled.");
    }
    s
}

/// `bucket set BUCKET versioning on|suspended`.
pub async fn set_versioning(engine: &Satchel, conn: &Connection, name: &str, state: &str, json: bool) -> Result<(), Error> {
    let on = satchel_core::governance::versioning::parse(state)?;
    let v = engine.set_bucket_versioning(conn, name, on, Via::Cli).await?;
    emit(json, json!({ "bucket": name, "versioning": v }), || versioning_text(name, &v));
    Ok(())
}

/// `bucket set BUCKET encryption sse-s3|sse-kms[:KEY] [--bucket-key]`.
pub async fn set_encryption(engine: &Satchel, conn: &Connection, name: &str, mode: &str, bucket_key: bool, json: bool) -> Result<(), Error> {
    let choice = satchel_core::governance::encryption::parse(mode, bucket_key)?;
    let e = engine.set_bucket_encryption(conn, name, &choice, Via::Cli).await?;
    emit(json, json!({ "bucket": name, "encryption": e }), || format!("{name}: {}", e.describe()));
    Ok(())
}

/// `bucket set BUCKET object-lock --mode M (--days N | --years N) | --none`.
pub async fn set_object_lock(engine: &Satchel, conn: &Connection, name: &str, a: ObjectLockArgs, json: bool) -> Result<(), Error> {
    use satchel_core::governance::object_lock::{DefaultRetention, RetentionMode};
    let next = match (a.none, a.mode.as_deref()) {
        (true, _) => None,
        (false, Some(mode)) => {
            if a.days.is_none() && a.years.is_none() {
                return Err(Error::invalid("Say how long: --days N or --years N."));
            }
            Some(DefaultRetention { mode: RetentionMode::parse(mode)?, days: a.days, years: a.years })
        }
        (false, None) => return Err(Error::invalid("Say --mode governance|compliance with --days or --years, or --none.")),
    };
    if next.is_some_and(|d| d.mode == RetentionMode::Compliance) {
        eprintln!("satchel: warning: {}", RetentionMode::Compliance.meaning());
    }
    let v = engine.set_default_retention(conn, name, next, true, Via::Cli).await?;
    emit(json, json!({ "bucket": name, "object_lock": v }), || format!("{name}: {}", v.says));
    Ok(())
}

/// `retention get|set s3://B/KEY ...`.
pub async fn retention(engine: &Satchel, conn: &Connection, cmd: RetentionCommand, json: bool) -> Result<(), Error> {
    use satchel_core::governance::object_lock::{parse_until, RetentionMode};
    let show = |lock: &satchel_core::governance::object_lock::ObjectLock, key: &str| emit(json, json!(lock), || format!("{key}: {}", lock.says));
    match cmd {
        RetentionCommand::Get { target, version_id } => {
            let (bucket, key) = crate::s3_address(&target)?;
            let lock = engine.object_lock(conn, &bucket, &key, version_id.as_deref()).await?;
            show(&lock, &key);
        }
        RetentionCommand::Set { target, version_id, legal_hold, mode, until, bypass_governance_retention } => {
            let (bucket, key) = crate::s3_address(&target)?;
            if legal_hold.is_none() && mode.is_none() {
                return Err(Error::invalid("Say what to set: --legal-hold on|off, and/or --mode governance|compliance --until DATE."));
            }
            // Everything is parsed before anything is sent.
            let hold = legal_hold
                .as_deref()
                .map(|v| match v {
                    "on" => Ok(true),
                    "off" => Ok(false),
                    other => Err(Error::invalid(format!("--legal-hold is on or off, not \"{other}\"."))),
                })
                .transpose()?;
            let retention = match (mode.as_deref(), until.as_deref()) {
                (Some(m), Some(u)) => Some((RetentionMode::parse(m)?, parse_until(u)?)),
                _ => None,
            };
            let version = version_id.as_deref();
            let mut lock = None;
            if let Some((mode, until)) = retention {
                if mode == RetentionMode::Compliance {
                    eprintln!("satchel: warning: {}", RetentionMode::Compliance.meaning());
                }
                lock = Some(engine.set_object_retention(conn, &bucket, &key, version, mode, until, bypass_governance_retention, true, Via::Cli).await?);
            }
            if let Some(on) = hold {
                lock = Some(engine.set_legal_hold(conn, &bucket, &key, version, on, Via::Cli).await?);
            }
            if let Some(lock) = lock {
                show(&lock, &key);
            }
        }
    }
    Ok(())
}

fn lifecycle_json(name: &str, view: &satchel_core::LifecycleView) -> serde_json::Value {
    let doc = satchel_core::governance::lifecycle::to_document(&view.rules);
    json!({ "bucket": name, "lifecycle": doc, "sentences": view.sentences, "overlaps": view.overlaps, "suggestion": view.suggestion })
}

fn lifecycle_text(name: &str, view: &satchel_core::LifecycleView) -> String {
    let mut s = match view.rules.len() {
        0 => format!("{name}: no lifecycle rules"),
        _ => format!("{name}: lifecycle rules"),
    };
    for (rule, sentence) in view.rules.iter().zip(&view.sentences) {
        s.push_str(&format!("\n  {}: {sentence}", rule.id.as_deref().unwrap_or("(no id)")));
    }
    for o in &view.overlaps {
        s.push_str(&format!("\nnote: {o}"));
    }
    if let Some(hint) = &view.suggestion {
        s.push_str(&format!("\nsuggestion: {hint} (satchel bucket set {name} lifecycle --abort-incomplete-uploads-after 7)"));
    }
    s
}

/// `bucket set BUCKET lifecycle --file FILE | --abort-incomplete-uploads-after DAYS | --delete`.
pub async fn set_lifecycle(engine: &Satchel, conn: &Connection, name: &str, a: LifecycleArgs, json: bool) -> Result<(), Error> {
    use satchel_core::governance::lifecycle;
    let view = if let Some(path) = &a.file {
        let text = std::fs::read_to_string(path).map_err(|e| Error::invalid(format!("Couldn't read {}: {e}.", path.display())))?;
        let rules = lifecycle::parse_document(&text)?;
        engine.set_bucket_lifecycle(conn, name, &rules, Via::Cli).await?
    } else if let Some(days) = a.abort_incomplete_uploads_after {
        if days == 0 {
            return Err(Error::invalid("Unfinished uploads can be aborted 1 day after they start at the earliest: --abort-incomplete-uploads-after 1 or more. Nothing was changed."));
        }
        engine.abort_unfinished_uploads_after(conn, name, days, Via::Cli).await?
    } else {
        engine.set_bucket_lifecycle(conn, name, &[], Via::Cli).await?
    };
    emit(json, lifecycle_json(name, &view), || lifecycle_text(name, &view));
    Ok(())
}
