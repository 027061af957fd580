//! Bucket settings after creation.

use satchel_core::governance::cors::{CorsRule, CorsTemplate};
use satchel_core::governance::policy::Template;
use satchel_core::governance::ownership::{AclOf, AclView, CannedAcl, Grant, Ownership};
use satchel_core::governance::website::Website;
use satchel_core::governance::{AuditEntry, BucketOverview, ExposureReport, PublicAccessBlock};
use satchel_core::{AuditFormat, Error, PolicyChange, PolicyPreview, PolicyView, PublicAccessChange, Via, WebsiteView};

use super::Engine;

/// A bucket's region and settings (versioning, object lock, public access, encryption).
#[tauri::command]
#[specta::specta]
pub async fn bucket_overview(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<BucketOverview, Error> {
    engine.bucket_overview(&engine.connection(&connection_id).await?, &bucket).await
}

/// Whether a bucket is public, why, and its Block Public Access switches.
#[tauri::command]
#[specta::specta]
pub async fn bucket_exposure(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<ExposureReport, Error> {
    engine.bucket_exposure(&engine.connection(&connection_id).await?, &bucket).await
}

/// Sets Block Public Access; turning any switch off needs `confirmed` (the bucket's name typed).
#[tauri::command]
#[specta::specta]
pub async fn set_public_access(engine: Engine<'_>, connection_id: String, bucket: String, block: PublicAccessBlock, confirmed: bool) -> Result<PublicAccessChange, Error> {
    engine.set_public_access(&engine.connection(&connection_id).await?, &bucket, block, confirmed, Via::App).await
}

/// The changes made through Satchel to a bucket's settings (all buckets' without one), oldest first.
#[tauri::command]
#[specta::specta]
pub fn audit_entries(engine: Engine<'_>, bucket: Option<String>) -> Result<Vec<AuditEntry>, Error> {
    engine.audit_entries(bucket.as_deref())
}

/// The bucket's policy, pretty-printed, and what it says statement by statement.
#[tauri::command]
#[specta::specta]
pub async fn bucket_policy(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<PolicyView, Error> {
    engine.policy_view(&engine.connection(&connection_id).await?, &bucket).await
}

/// Checks a policy (problems by line), says what it does, diffs it against the bucket's; sends nothing.
#[tauri::command]
#[specta::specta]
pub async fn preview_policy(engine: Engine<'_>, connection_id: String, bucket: String, text: String) -> Result<PolicyPreview, Error> {
    engine.preview_policy(&engine.connection(&connection_id).await?, &bucket, &text).await
}

/// The editor's policy with a template's statements added.
#[tauri::command]
#[specta::specta]
pub async fn policy_with_template(engine: Engine<'_>, connection_id: String, bucket: String, draft: String, template: Template) -> Result<String, Error> {
    engine.policy_with_template(&engine.connection(&connection_id).await?, &bucket, &draft, template).await
}

/// Applies a policy with no problems; recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_policy(engine: Engine<'_>, connection_id: String, bucket: String, text: String) -> Result<PolicyChange, Error> {
    engine.set_bucket_policy(&engine.connection(&connection_id).await?, &bucket, &text, Via::App).await
}

/// Removes the bucket's policy; recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn delete_bucket_policy(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<PolicyChange, Error> {
    engine.delete_bucket_policy(&engine.connection(&connection_id).await?, &bucket, Via::App).await
}

/// Website hosting: what is served, where, and what would stop it working.
#[tauri::command]
#[specta::specta]
pub async fn bucket_website(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<WebsiteView, Error> {
    engine.bucket_website(&engine.connection(&connection_id).await?, &bucket).await
}

/// Sets website hosting (`off` turns it off); recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_website(engine: Engine<'_>, connection_id: String, bucket: String, site: Website) -> Result<WebsiteView, Error> {
    engine.set_bucket_website(&engine.connection(&connection_id).await?, &bucket, site, Via::App).await
}

/// The bucket's CORS rules (none when it has none).
#[tauri::command]
#[specta::specta]
pub async fn bucket_cors(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<Vec<CorsRule>, Error> {
    engine.bucket_cors(&engine.connection(&connection_id).await?, &bucket).await
}

/// Replaces the bucket's CORS rules with a template's (`None`: removes them); recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_cors(engine: Engine<'_>, connection_id: String, bucket: String, template: Option<CorsTemplate>) -> Result<Vec<CorsRule>, Error> {
    let rules = match template {
        Some(t) => t.rules()?,
        None => Vec::new(),
    };
    engine.set_bucket_cors(&engine.connection(&connection_id).await?, &bucket, &rules, Via::App).await?;
    Ok(rules)
}

/// Replaces the bucket's CORS rules with rules edited by hand, checked first; audited.
#[tauri::command]
#[specta::specta]
pub async fn set_cors_rules(engine: Engine<'_>, connection_id: String, bucket: String, rules: Vec<CorsRule>) -> Result<Vec<CorsRule>, Error> {
    engine.set_bucket_cors(&engine.connection(&connection_id).await?, &bucket, &rules, Via::App).await?;
    Ok(rules)
}

/// Whether transfer acceleration is on.
#[tauri::command]
#[specta::specta]
pub async fn bucket_accelerate(engine: Engine<'_>, connection_id: String, bucket: String) -> Result<bool, Error> {
    engine.bucket_accelerate(&engine.connection(&connection_id).await?, &bucket).await
}

/// Turns transfer acceleration on or off; recorded in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_accelerate(engine: Engine<'_>, connection_id: String, bucket: String, on: bool) -> Result<bool, Error> {
    engine.set_bucket_accelerate(&engine.connection(&connection_id).await?, &bucket, on, Via::App).await
}

/// Changes Object Ownership (whether ACLs count); recorded in the audit log. True when it changed.
#[tauri::command]
#[specta::specta]
pub async fn set_bucket_ownership(engine: Engine<'_>, connection_id: String, bucket: String, ownership: Ownership) -> Result<bool, Error> {
    engine.set_bucket_ownership(&engine.connection(&connection_id).await?, &bucket, ownership, Via::App).await
}

/// The bucket's ACL, or an object's when `key` is given, each grant in words.
#[tauri::command]
#[specta::specta]
pub async fn acl(engine: Engine<'_>, connection_id: String, bucket: String, key: Option<String>) -> Result<AclView, Error> {
    let of = key.as_deref().map_or(AclOf::Bucket, AclOf::Object);
    engine.acl(&engine.connection(&connection_id).await?, &bucket, of).await
}

/// Replaces the bucket's (or an object's) ACL; a public one needs `confirmed`. Audited.
#[tauri::command]
#[specta::specta]
pub async fn set_acl(
    engine: Engine<'_>,
    connection_id: String,
    bucket: String,
    key: Option<String>,
    canned: Option<CannedAcl>,
    grants: Vec<Grant>,
    confirmed: bool,
) -> Result<AclView, Error> {
    let of = key.as_deref().map_or(AclOf::Bucket, AclOf::Object);
    engine.set_acl(&engine.connection(&connection_id).await?, &bucket, of, canned, &grants, confirmed, Via::App).await
}

/// Saves the audit log (one bucket's, or all) as CSV or JSON where the user picks; the file's
/// name when saved, `None` when the dialog was cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_audit(window: tauri::WebviewWindow, engine: Engine<'_>, bucket: Option<String>, format: AuditFormat) -> Result<Option<String>, Error> {
    let ext = match format {
        AuditFormat::Csv => "csv",
        AuditFormat::Json => "json",
    };
    let name = format!("satchel-audit{}.{ext}", bucket.as_deref().map(|b| format!("-{b}")).unwrap_or_default());
    let Some(path) = super::in_dialog(&window, "Export the audit log", move |d| d.set_file_name(name).add_filter(ext.to_uppercase(), &[ext]).save_file()).await? else {
        return Ok(None);
    };
    engine.export_audit(bucket.as_deref(), format, &path)?;
    Ok(Some(path.display().to_string()))
}

/// Sets the account-level Block Public Access (every bucket of the account); turning any switch
/// off needs `confirmed`. Audited.
#[tauri::command]
#[specta::specta]
pub async fn set_account_public_access(engine: Engine<'_>, connection_id: String, block: PublicAccessBlock, confirmed: bool) -> Result<PublicAccessChange, Error> {
    engine.set_account_public_access(&engine.connection(&connection_id).await?, block, confirmed, Via::App).await
}
