//! Changing a bucket's settings: each change read before, applied, and written to the audit log
//! with the value before and after; and whether a bucket is public.

use serde::Serialize;

use super::Satchel;
use crate::connect::connection::Connection;
use crate::error::{Error, ErrorCode, Result};
use crate::governance::cors::{self, CorsRule};
use crate::governance::policy::{self, PolicyProblem};
use crate::governance::accelerate;
use crate::governance::ownership::{self, AclOf, AclView, CannedAcl, Grant, Ownership};
use crate::governance::website::{self, Website};
use crate::governance::public_access::{self, PublicAccessBlock};
use crate::governance::{self, AuditEntry, AuditLog, ExposureReport};

/// Where a change was asked for, as the audit log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    App,
    Cli,
}

impl Via {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Via::App => "app",
            Via::Cli => "cli",
        }
    }
}

/// A setting changed: what it was and what it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicAccessChange {
    pub before: PublicAccessBlock,
    pub after: PublicAccessBlock,
    /// Nothing was sent: the switches were already so.
    pub unchanged: bool,
}

fn no_account() -> Error {
    Error::new(ErrorCode::Unsupported, "This storage can't say which account the keys belong to, so it has no account-level Block Public Access.")
}

/// How an audit log export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AuditFormat {
    Csv,
    Json,
}

impl Satchel {
    /// Whether a bucket is public, and why.
    pub async fn bucket_exposure(&self, conn: &Connection, bucket: &str) -> Result<ExposureReport> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let account = self.account_block(conn, &s3).await;
        Ok(governance::exposure(&s3, bucket, account.as_ref().map(|(id, b)| (id.as_str(), *b))).await)
    }

    /// The account-level Block Public Access of the connection's account, when the storage can say
    /// who the account is (STS) and answers S3 Control; `None` otherwise, which leaves the bucket's
    /// own switches as the whole story.
    async fn account_block(&self, conn: &Connection, s3: &crate::connect::client::S3) -> Option<(String, PublicAccessBlock)> {
        let who = self.identity_for(conn).await.ok().flatten()?;
        match public_access::read_account(s3, &who.account).await {
            Ok(block) => Some((who.account, block)),
            Err(e) => {
                tracing::debug!(account = %who.account, error = %e.message, "no account-level Block Public Access");
                None
            }
        }
    }

    pub async fn public_access(&self, conn: &Connection, bucket: &str) -> Result<PublicAccessBlock> {
        public_access::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Sets a bucket's Block Public Access switches. Turning any off needs `confirmed` (the user
    /// typed the bucket's name in the app, or said --yes-public): refused before any request
    /// otherwise. The change is recorded in the audit log.
    pub async fn set_public_access(&self, conn: &Connection, bucket: &str, next: PublicAccessBlock, confirmed: bool, via: Via) -> Result<PublicAccessChange> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = public_access::read(&s3, bucket).await?;
        if before == next {
            return Ok(PublicAccessChange { before, after: next, unchanged: true });
        }
        if before.loosened_by(&next) && !confirmed {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                format!("That turns protection off: \"{bucket}\" could then be made public. Confirm it to go on (--yes-public in the CLI); nothing was changed."),
            ));
        }
        public_access::apply(&s3, bucket, &next).await?;
        let (was, now) = (serde_json::to_string(&before).unwrap_or_default(), serde_json::to_string(&next).unwrap_or_default());
        self.audit_log()?.record(&conn.name, bucket, "public-access", &was, &now, via.as_str())?;
        Ok(PublicAccessChange { before, after: next, unchanged: false })
    }

    /// Who the connection's keys belong to, and their account's own Block Public Access.
    pub async fn account_public_access(&self, conn: &Connection) -> Result<(crate::connect::Identity, PublicAccessBlock)> {
        let who = self.identity_for(conn).await?.ok_or_else(no_account)?;
        let block = public_access::read_account(&self.client_for(conn).await?, &who.account).await?;
        Ok((who, block))
    }

    /// Sets the account-level Block Public Access of the connection's account (every bucket of
    /// it). Turning any switch off needs `confirmed` (the account id typed in the app,
    /// --yes-public in the CLI). Audited under the bucket name `(account 123456789012)`.
    pub async fn set_account_public_access(&self, conn: &Connection, next: PublicAccessBlock, confirmed: bool, via: Via) -> Result<PublicAccessChange> {
        let who = self.identity_for(conn).await?.ok_or_else(no_account)?;
        let s3 = self.client_for(conn).await?;
        let before = public_access::read_account(&s3, &who.account).await?;
        if before == next {
            return Ok(PublicAccessChange { before, after: next, unchanged: true });
        }
        if before.loosened_by(&next) && !confirmed {
            return Err(Error::new(
                ErrorCode::NeedsConfirmation,
                format!("That turns protection off for every bucket of account {}: any of them could then be made public. Confirm it to go on (--yes-public in the CLI); nothing was changed.", who.account),
            ));
        }
        public_access::apply_account(&s3, &who.account, &next).await?;
        let (was, now) = (serde_json::to_string(&before).unwrap_or_default(), serde_json::to_string(&next).unwrap_or_default());
        self.audit_log()?.record(&conn.name, &format!("(account {})", who.account), "account-public-access", &was, &now, via.as_str())?;
        Ok(PublicAccessChange { before, after: next, unchanged: false })
    }

    /// The changes made through Satchel, oldest first; of one bucket when given.
    pub fn audit_entries(&self, bucket: Option<&str>) -> Result<Vec<AuditEntry>> {
        self.audit_log()?.entries(bucket)
    }

    /// Writes the audit log (one bucket's, or all of it) to a file the user chose, as CSV or
    /// JSON, replacing it whole. Returns how many changes it holds.
    pub fn export_audit(&self, bucket: Option<&str>, format: AuditFormat, to: &std::path::Path) -> Result<usize> {
        let entries = self.audit_entries(bucket)?;
        let bytes = match format {
            AuditFormat::Csv => crate::governance::audit::to_csv(&entries).into_bytes(),
            AuditFormat::Json => serde_json::to_vec_pretty(&entries).map_err(|e| Error::internal(e.to_string()))?,
        };
        crate::config::write_atomic(to, &bytes, "the audit log export")?;
        Ok(entries.len())
    }

    pub(super) fn audit_log(&self) -> Result<std::sync::Arc<AuditLog>> {
        let mut slot = self.audit.lock().expect("audit lock");
        if let Some(log) = slot.as_ref() {
            return Ok(log.clone());
        }
        let log = std::sync::Arc::new(AuditLog::open(&self.paths.data_dir.join("audit.db"))?);
        *slot = Some(log.clone());
        Ok(log)
    }
}

/// What a new policy would do, before it is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyPreview {
    /// The policy as it would be sent (pretty-printed).
    pub text: String,
    /// What is wrong with it, each on its line; nothing is sent while there are any.
    pub problems: Vec<PolicyProblem>,
    /// Statement by statement, in words.
    pub summary: Vec<String>,
    /// Against the bucket's policy now (`-` old, `+` new).
    pub diff: String,
    /// It grants anyone something.
    pub public: bool,
    /// Why the storage would refuse it (Block Public Access refuses public policies).
    pub refused: Option<String>,
}

/// A policy applied or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyChange {
    pub before: Option<String>,
    pub after: Option<String>,
    pub summary: Vec<String>,
}

/// A bucket's policy and what it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyView {
    /// Pretty-printed; `None` when the bucket has no policy.
    pub text: Option<String>,
    pub summary: Vec<String>,
}

impl Satchel {
    pub async fn bucket_policy(&self, conn: &Connection, bucket: &str) -> Result<Option<String>> {
        policy::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    pub async fn policy_view(&self, conn: &Connection, bucket: &str) -> Result<PolicyView> {
        let text = self.bucket_policy(conn, bucket).await?;
        let parsed = text.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
        Ok(PolicyView {
            summary: parsed.as_ref().map(|p| policy::summarize(p, bucket)).unwrap_or_default(),
            text: parsed.as_ref().map(policy::pretty).or(text),
        })
    }

    /// `draft` (the editor's text, or the bucket's policy when empty) with a template's statements
    /// added; sends nothing.
    pub async fn policy_with_template(&self, conn: &Connection, bucket: &str, draft: &str, template: policy::Template) -> Result<String> {
        let template = template.checked()?;
        let base = if draft.trim().is_empty() { self.bucket_policy(conn, bucket).await? } else { Some(draft.to_string()) };
        Ok(policy::merge(base.as_deref(), template.statements(bucket)))
    }

    /// Checks a policy for the bucket, says what it does and how it differs from the current one,
    /// and whether Block Public Access would refuse it; sends nothing.
    pub async fn preview_policy(&self, conn: &Connection, bucket: &str, text: &str) -> Result<PolicyPreview> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let current = policy::read(&s3, bucket).await?;
        Ok(preview_against(&s3, bucket, text, current.as_deref()).await)
    }

    /// Applies a policy once it has no problems and Block Public Access would not refuse it;
    /// recorded in the audit log.
    pub async fn set_bucket_policy(&self, conn: &Connection, bucket: &str, text: &str, via: Via) -> Result<PolicyChange> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = policy::read(&s3, bucket).await?;
        let preview = preview_against(&s3, bucket, text, before.as_deref()).await;
        if let Some(first) = preview.problems.first() {
            let more = match preview.problems.len() {
                1 => String::new(),
                n => format!(" ({} more problems)", n - 1),
            };
            return Err(Error::invalid(format!("Line {}: {}{more} Nothing was sent.", first.line, first.message)));
        }
        if let Some(why) = preview.refused {
            return Err(Error::new(ErrorCode::InvalidInput, format!("{why} Nothing was sent.")));
        }
        policy::apply(&s3, bucket, &preview.text).await?;
        self.audit_log()?.record(&conn.name, bucket, "policy", before.as_deref().unwrap_or("(none)"), &preview.text, via.as_str())?;
        Ok(PolicyChange { before, after: Some(preview.text), summary: preview.summary })
    }

    pub async fn delete_bucket_policy(&self, conn: &Connection, bucket: &str, via: Via) -> Result<PolicyChange> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = policy::read(&s3, bucket).await?;
        if before.is_none() {
            return Ok(PolicyChange { before, after: None, summary: Vec::new() });
        }
        policy::remove(&s3, bucket).await?;
        self.audit_log()?.record(&conn.name, bucket, "policy", before.as_deref().unwrap_or(""), "(none)", via.as_str())?;
        Ok(PolicyChange { before, after: None, summary: Vec::new() })
    }
}

/// A policy checked against the bucket's `current` one: its problems, its words, the diff, and
/// whether Block Public Access would refuse it.
async fn preview_against(s3: &crate::connect::client::S3, bucket: &str, text: &str, current: Option<&str>) -> PolicyPreview {
    let parsed = match policy::validate(text, bucket) {
        Ok(parsed) => parsed,
        Err(problems) => return PolicyPreview { text: text.to_string(), problems, summary: Vec::new(), diff: String::new(), public: false, refused: None },
    };
    let shown = policy::pretty(&parsed);
    let public = policy::is_public(&parsed);
    // Only a public policy can be refused by Block Public Access: the others need no read.
    let blocked = public && public_access::read(s3, bucket).await.is_ok_and(|b| b.block_public_policy);
    let refused = blocked.then(|| {
        format!("Block Public Access on \"{bucket}\" refuses public policies, so this one would be refused. Turn \"Block public policies\" off first, if the bucket is meant to be public.")
    });
    PolicyPreview { diff: policy::diff(current.unwrap_or(""), &shown), summary: policy::summarize(&parsed, bucket), text: shown, problems: Vec::new(), public, refused }
}

impl Satchel {
    pub async fn bucket_cors(&self, conn: &Connection, bucket: &str) -> Result<Vec<CorsRule>> {
        cors::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Replaces the bucket's CORS rules (none: removes them); recorded in the audit log.
    pub async fn set_bucket_cors(&self, conn: &Connection, bucket: &str, rules: &[CorsRule], via: Via) -> Result<()> {
        if !rules.is_empty() {
            cors::check(rules)?;
        }
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = cors::read(&s3, bucket).await?;
        if rules.is_empty() {
            if before.is_empty() {
                return Ok(());
            }
            cors::remove(&s3, bucket).await?;
        } else {
            cors::apply(&s3, bucket, rules).await?;
        }
        let show = |r: &[CorsRule]| if r.is_empty() { "(none)".to_string() } else { serde_json::to_string(r).unwrap_or_default() };
        self.audit_log()?.record(&conn.name, bucket, "cors", &show(&before), &show(rules), via.as_str())?;
        Ok(())
    }

    pub async fn bucket_accelerate(&self, conn: &Connection, bucket: &str) -> Result<bool> {
        accelerate::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Turns transfer acceleration on or off; recorded in the audit log when it changed.
    pub async fn set_bucket_accelerate(&self, conn: &Connection, bucket: &str, on: bool, via: Via) -> Result<bool> {
        accelerate::check(bucket, on)?;
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = accelerate::read(&s3, bucket).await?;
        if before == on {
            return Ok(false);
        }
        accelerate::apply(&s3, bucket, on).await?;
        self.forget_acceleration(conn, bucket);
        let word = |b: bool| if b { "enabled" } else { "suspended" };
        self.audit_log()?.record(&conn.name, bucket, "accelerate", word(before), word(on), via.as_str())?;
        Ok(true)
    }
}

/// A bucket's website hosting, where it answers, and what would stop it working.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WebsiteView {
    pub site: Website,
    /// Amazon S3's website address for the bucket; other stores serve it on their own web endpoint.
    pub endpoint: Option<String>,
    /// Where the site is served when the address can't be known from here (other storage).
    pub served: Option<String>,
    /// Said when the site would answer 403: on Amazon S3, objects that aren't publicly readable.
    pub warning: Option<String>,
    /// Each routing rule in a sentence.
    pub routes: Vec<String>,
}

impl Satchel {
    pub async fn bucket_website(&self, conn: &Connection, bucket: &str) -> Result<WebsiteView> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let site = website::read(&s3, bucket).await?;
        self.website_view(conn, &s3, bucket, site).await
    }

    /// Sets website hosting (`Website::Off` turns it off); recorded in the audit log.
    pub async fn set_bucket_website(&self, conn: &Connection, bucket: &str, site: Website, via: Via) -> Result<WebsiteView> {
        site.check()?;
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = website::read(&s3, bucket).await?;
        if before != site {
            website::apply(&s3, bucket, &site).await?;
            self.audit_log()?.record(&conn.name, bucket, "website", &before.describe(), &site.describe(), via.as_str())?;
        }
        self.website_view(conn, &s3, bucket, site).await
    }

    async fn website_view(&self, conn: &Connection, s3: &crate::connect::client::S3, bucket: &str, site: Website) -> Result<WebsiteView> {
        let on_aws = conn.endpoint == crate::connect::Endpoint::Aws;
        let endpoint = (on_aws && site != Website::Off).then(|| website::aws_endpoint(bucket, &s3.region));
        let warning = if on_aws && matches!(site, Website::Documents { .. }) {
            let account = self.account_block(conn, s3).await;
            let exposure = governance::exposure(s3, bucket, account.as_ref().map(|(id, b)| (id.as_str(), *b))).await;
            (!matches!(exposure.exposure, crate::governance::Exposure::Public | crate::governance::Exposure::PublicThroughPolicy)).then(|| {
                "The objects aren't publicly readable, so the site would answer 403 Forbidden: add the \"make a prefix publicly readable\" policy (for the whole bucket) first.".to_string()
            })
        } else {
            None
        };
        let routes = match &site {
            Website::Documents { routes, .. } => routes.iter().map(website::Route::describe).collect(),
            _ => Vec::new(),
        };
        let served = (!on_aws && site != Website::Off).then(|| {
            "This storage serves websites at an address of its own, not at its S3 endpoint (on garage: the bucket's name under its web root domain); its administrator knows it.".to_string()
        });
        Ok(WebsiteView { site, endpoint, served, warning, routes })
    }
}

impl Satchel {
    pub async fn bucket_ownership(&self, conn: &Connection, bucket: &str) -> Result<Ownership> {
        ownership::read(&self.bucket_client(conn, bucket).await?, bucket).await
    }

    /// Sets Object Ownership; recorded in the audit log when it changed.
    pub async fn set_bucket_ownership(&self, conn: &Connection, bucket: &str, next: Ownership, via: Via) -> Result<bool> {
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = ownership::read(&s3, bucket).await?;
        if before == next {
            return Ok(false);
        }
        ownership::apply(&s3, bucket, next).await?;
        self.audit_log()?.record(&conn.name, bucket, "ownership", before.name(), next.name(), via.as_str())?;
        Ok(true)
    }

    /// Sets the bucket's or an object's ACL (a canned one, or grants). Refused before any request
    /// while ACLs are off, and, for an ACL or a grant that makes it public, without `confirmed`.
    /// Returns the ACL as it now reads.
    pub async fn set_acl(&self, conn: &Connection, bucket: &str, of: AclOf<'_>, acl: Option<CannedAcl>, grants: &[Grant], confirmed: bool, via: Via) -> Result<AclView> {
        if acl.is_none() && grants.is_empty() {
            return Err(Error::invalid("Say which ACL: a canned one (private, public-read, ...) or --grant PERMISSION=GRANTEE."));
        }
        let grants = grants.iter().cloned().map(Grant::checked).collect::<Result<Vec<_>>>()?;
        let grants = grants.as_slice();
        let s3 = self.bucket_client(conn, bucket).await?;
        let before = ownership::view(&s3, bucket, of).await?;
        if !before.enabled {
            return Err(Error::new(ErrorCode::InvalidInput, format!("{} Nothing was changed.", before.note.unwrap_or_default())));
        }
        if let (Some(what), false) = (ownership::publishes(of, acl, grants), confirmed) {
            let name = match of {
                AclOf::Bucket => bucket.to_string(),
                AclOf::Object(key) => key.to_string(),
            };
            return Err(Error::new(ErrorCode::NeedsConfirmation, format!("That makes \"{name}\" public: {what}. Confirm it to go on (--yes-public in the CLI); nothing was changed.")));
        }
        ownership::apply_acl(&s3, bucket, of, acl, grants).await?;
        let after = ownership::view(&s3, bucket, of).await?;
        let lines = |v: &AclView| v.grants.iter().map(|g| g.grant.line()).collect::<Vec<_>>().join(", ");
        let setting = match of {
            AclOf::Bucket => "acl".to_string(),
            AclOf::Object(key) => format!("acl of {key}"),
        };
        self.audit_log()?.record(&conn.name, bucket, &setting, &lines(&before), &lines(&after), via.as_str())?;
        Ok(after)
    }

    /// The bucket's or an object's ACL, and whether ACLs count for it.
    pub async fn acl(&self, conn: &Connection, bucket: &str, of: AclOf<'_>) -> Result<AclView> {
        ownership::view(&self.bucket_client(conn, bucket).await?, bucket, of).await
    }
}
