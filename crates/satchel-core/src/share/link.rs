//! Presigned links that are honest about when they expire. A link signed with temporary credentials
//! (SSO, an assumed role) dies when they do, whatever expiry was asked for; the link says so.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::presigning::PresigningConfig;
use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};

/// SigV4's limit for a presigned URL.
pub const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ShareKind {
    /// Download link (GET).
    Download,
    /// Upload link (PUT) for someone without credentials.
    Upload,
}

/// What to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShareRequest {
    pub bucket: String,
    pub key: String,
    pub kind: ShareKind,
    pub expires_secs: u32,
    /// Download: the file name the browser saves as. Ignored for uploads.
    pub filename: Option<String>,
    /// Download: a Content-Type override. Upload: the type the uploader must send.
    pub content_type: Option<String>,
}

/// A signed link and the truth about its lifetime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ShareLink {
    pub url: String,
    pub kind: ShareKind,
    /// When the link really stops working (RFC 3339).
    pub expires_at: String,
    /// Seconds from now until then.
    pub effective_secs: u32,
    /// True when the signing credentials expire before the requested time.
    pub limited_by_credentials: bool,
    /// Said before copying, when the link dies earlier than asked.
    pub warning: Option<String>,
    /// For upload links: a ready command line.
    pub curl: Option<String>,
    /// Said when the link's host is this computer or a private network (the local sandbox, a LAN
    /// store): someone elsewhere will not be able to open it.
    pub reach: Option<String>,
}

/// Parses `15m`, `1h`, `1d`, `7d`, `90s` or plain seconds. The message names the rule broken.
pub fn parse_expiry(text: &str) -> Result<Duration> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::invalid("Give the link an expiry, such as 15m, 1h, 1d or 7d."));
    }
    if t.starts_with('-') {
        return Err(Error::invalid("A link's expiry can't be negative."));
    }
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], t[i..].trim()),
        None => (t, "s"),
    };
    let n: u64 = digits.parse().map_err(|_| {
        Error::invalid(format!("\"{text}\" isn't an expiry: write a number with m, h or d (15m, 1h, 7d) or plain seconds."))
    })?;
    let secs = match unit {
        "s" | "sec" | "secs" | "seconds" => n,
        "m" | "min" | "mins" | "minutes" => n.saturating_mul(60),
        "h" | "hour" | "hours" => n.saturating_mul(3600),
        "d" | "day" | "days" => n.saturating_mul(86_400),
        _ => {
            return Err(Error::invalid(format!(
                "\"{text}\" isn't an expiry: the unit must be s, m, h or d (15m, 1h, 7d)."
            )))
        }
    };
    validate_expiry(secs)?;
    Ok(Duration::from_secs(secs))
}

pub fn validate_expiry(secs: u64) -> Result<()> {
    if secs == 0 {
        return Err(Error::invalid("A link must last at least one second."));
    }
    if secs > MAX_EXPIRY.as_secs() {
        return Err(Error::invalid("A link can last at most 7 days (the limit of S3's signatures)."));
    }
    Ok(())
}

/// Signs a link. Download links are checked first with a HEAD using the same credentials, so a
/// missing object or a denied read is reported instead of a link that will fail.
pub async fn share(s3: &S3, req: &ShareRequest) -> Result<ShareLink> {
    validate_expiry(u64::from(req.expires_secs))?;
    if req.key.is_empty() {
        return Err(Error::invalid("Choose an object (a key) to share."));
    }
    let requested = Duration::from_secs(u64::from(req.expires_secs));
    let now = SystemTime::now();
    let (effective, limited) = match s3.credentials.expires {
        Some(creds_end) => {
            let left = creds_end.duration_since(now).unwrap_or(Duration::ZERO);
            if left.is_zero() {
                return Err(Error::new(
                    ErrorCode::CredentialsMissing,
                    "The credentials of this connection have expired, so no link can be signed. Sign in again (for SSO: aws sso login).",
                ));
            }
            if left < requested { (left, true) } else { (requested, false) }
        }
        None => (requested, false),
    };
    let config = PresigningConfig::builder()
        .start_time(now)
        .expires_in(effective)
        .build()
        .map_err(|e| Error::invalid(format!("That expiry can't be signed: {e}.")))?;
    let where_ = format!("s3://{}/{}", req.bucket, req.key);
    let url = match req.kind {
        ShareKind::Download => {
            s3.client.head_object().bucket(&req.bucket).key(&req.key).send().await.map_err(|e| {
                if crate::connect::customer_keys::needs_customer_key(&e) {
                    // A presigned URL can't carry the key's headers: whoever opened it would be refused.
                    return Error::new(
                        ErrorCode::Unsupported,
                        format!("{where_} is encrypted with a customer key (SSE-C), which a link can't carry: download it and share it another way."),
                    );
                }
                let err = classify(&e, s3.attempt("read this object"));
                match err.code {
                    ErrorCode::NotFound => Error::not_found(format!("There's no object at {where_}, so there is nothing to share.")),
                    ErrorCode::AccessDenied => Error::new(
                        ErrorCode::AccessDenied,
                        format!("These credentials can't read {where_}, so a link signed with them would be refused."),
                    ),
                    _ => err,
                }
            })?;
            let mut get = s3.client.get_object().bucket(&req.bucket).key(&req.key);
            if let Some(name) = req.filename.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                get = get.response_content_disposition(content_disposition(name));
            }
            if let Some(ct) = req.content_type.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                get = get.response_content_type(ct);
            }
            get.presigned(config).await.map_err(|e| classify(&e, s3.attempt("sign the link")))?.uri().to_string()
        }
        ShareKind::Upload => {
            let mut put = s3.client.put_object().bucket(&req.bucket).key(&req.key);
            if let Some(ct) = req.content_type.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                put = put.content_type(ct);
            }
            put.presigned(config).await.map_err(|e| classify(&e, s3.attempt("sign the link")))?.uri().to_string()
        }
    };
    let expires_at = time::OffsetDateTime::from(now + effective)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let warning = limited.then(|| {
        format!(
            "This link stops working at {expires_at}, earlier than asked, because the credentials that sign it expire then."
        )
    });
    let curl = (req.kind == ShareKind::Upload).then(|| {
        let header = req
            .content_type
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .map(|c| format!(" -H 'Content-Type: {}'", c.trim()))
            .unwrap_or_default();
        format!("curl -T file{header} '{url}'")
    });
    Ok(ShareLink {
        reach: reach_warning(&url),
        url,
        kind: req.kind,
        expires_at,
        effective_secs: u32::try_from(effective.as_secs()).unwrap_or(u32::MAX),
        limited_by_credentials: limited,
        warning,
        curl,
    })
}

/// Why a recipient elsewhere can't open a link to `url`, when its host is loopback, link-local or a
/// private network (by address, or by a name that only means this computer or the local network).
pub fn reach_warning(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host()?.to_owned();
    let (what, name) = match &host {
        url::Host::Domain(d) => {
            let d = d.to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                ("this computer", d)
            } else if d.ends_with(".local") || d.ends_with(".lan") || d.ends_with(".internal") || !d.contains('.') {
                ("the local network", d)
            } else {
                return None;
            }
        }
        url::Host::Ipv4(ip) if ip.is_loopback() => ("this computer", ip.to_string()),
        url::Host::Ipv4(ip) if ip.is_private() || ip.is_link_local() || (ip.octets()[0] == 100 && (ip.octets()[1] & 0xc0) == 64) => ("a private network", ip.to_string()),
        url::Host::Ipv6(ip) if ip.is_loopback() => ("this computer", ip.to_string()),
        url::Host::Ipv6(ip) if ip.is_unique_local() || ip.is_unicast_link_local() => ("a private network", ip.to_string()),
        _ => return None,
    };
    Some(format!("This link points at {name}, which is {what}: only someone who can reach it there can open the link, not a recipient elsewhere."))
}

/// `attachment; filename="..."` with an RFC 5987 form for names that are not plain ASCII.
fn content_disposition(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii() && c != '"' && c != '\\' && !c.is_control() { c } else { '_' }).collect();
    if ascii == name {
        format!("attachment; filename=\"{name}\"")
    } else {
        let encoded: String = name
            .bytes()
            .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
            .collect();
        format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
    }
}

#[cfg(test)]
mod reach_tests {
    use super::reach_warning;

    #[test]
    fn links_to_this_computer_or_a_private_network_say_so() {
        for url in ["http://127.0.0.1:9000/b/k?X-Amz-Signature=1", "http://localhost:9000/b/k", "http://[::1]:9000/b/k", "http://192.168.1.20/b/k", "http://10.0.0.5:3900/b/k", "http://nas.local/b/k", "http://minio:9000/b/k"] {
            assert!(reach_warning(url).is_some(), "{url}");
        }
        assert!(reach_warning("http://127.0.0.1:9000/b/k").unwrap().contains("this computer"));
        for url in ["https://bucket.s3.eu-west-1.amazonaws.com/k", "https://8.8.8.8/b/k", "https://acc.r2.cloudflarestorage.com/b/k"] {
            assert_eq!(reach_warning(url), None, "{url}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_forms() {
        assert_eq!(parse_expiry("15m").unwrap().as_secs(), 900);
        assert_eq!(parse_expiry("1h").unwrap().as_secs(), 3600);
        assert_eq!(parse_expiry("1d").unwrap().as_secs(), 86_400);
        assert_eq!(parse_expiry("7d").unwrap().as_secs(), 604_800);
        assert_eq!(parse_expiry("90").unwrap().as_secs(), 90);
        assert_eq!(parse_expiry(" 2 h ").unwrap().as_secs(), 7200);
    }

    #[test]
    fn bad_expiries_name_the_rule() {
        let cases = [
            ("0", "at least one second"),
            ("0m", "at least one second"),
            ("-5", "negative"),
            ("8d", "at most 7 days"),
            ("604801", "at most 7 days"),
            ("soon", "isn't an expiry"),
            ("5y", "unit must be"),
            ("", "Give the link an expiry"),
            ("99999999999999999999d", "isn't an expiry"),
        ];
        for (text, rule) in cases {
            let e = parse_expiry(text).unwrap_err();
            assert!(e.message.contains(rule), "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn download_names_are_quoted_safely() {
        assert_eq!(content_disposition("report.csv"), "attachment; filename=\"report.csv\"");
        assert_eq!(
            content_disposition("résumé \"x\".pdf"),
            "attachment; filename=\"r_sum_ _x_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf"
        );
    }
}
