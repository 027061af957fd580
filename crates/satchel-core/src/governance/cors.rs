//! CORS rules: which web pages (origins) may call the bucket from a browser, with what methods and
//! headers. Checked before the request; the templates are the two cases people have: browser
//! uploads through upload links from one site, and reading from any web page.

use aws_sdk_s3::types::{CorsConfiguration, CorsRule as SdkRule};
use serde::{Deserialize, Serialize};

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD"];

/// One rule, as S3 has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "PascalCase")]
pub struct CorsRule {
    #[serde(rename = "AllowedOrigins")]
    pub allowed_origins: Vec<String>,
    #[serde(rename = "AllowedMethods")]
    pub allowed_methods: Vec<String>,
    #[serde(rename = "AllowedHeaders", default)]
    pub allowed_headers: Vec<String>,
    #[serde(rename = "ExposeHeaders", default)]
    pub expose_headers: Vec<String>,
    #[serde(rename = "MaxAgeSeconds", default)]
    pub max_age_seconds: Option<i32>,
}

/// The rules a file holds: a list of rules, or `{"CORSRules": [...]}` as the AWS CLI writes it.
pub fn parse_rules(text: &str) -> Result<Vec<CorsRule>> {
    #[derive(Deserialize)]
    struct Wrapped {
        #[serde(rename = "CORSRules")]
        rules: Vec<CorsRule>,
    }
    let rules = serde_json::from_str::<Vec<CorsRule>>(text)
        .or_else(|_| serde_json::from_str::<Wrapped>(text).map(|w| w.rules))
        .map_err(|e| Error::invalid(format!("The CORS rules aren't valid: {e}. Write a list of rules with AllowedOrigins and AllowedMethods.")))?;
    check(&rules)?;
    Ok(rules)
}

/// Every rule has an origin and a method S3 knows, and origins are `*` or scheme://host.
pub fn check(rules: &[CorsRule]) -> Result<()> {
    if rules.is_empty() {
        return Err(Error::invalid("Give at least one CORS rule (or --delete to remove them)."));
    }
    if rules.len() > 100 {
        return Err(Error::invalid("A bucket takes at most 100 CORS rules."));
    }
    for (i, r) in rules.iter().enumerate() {
        let n = i + 1;
        if r.allowed_origins.is_empty() {
            return Err(Error::invalid(format!("Rule {n} names no origin: add the web page's origin, as https://app.example.com (or *).")));
        }
        for o in &r.allowed_origins {
            if !origin_ok(o) {
                return Err(Error::invalid(format!("Rule {n}: \"{o}\" isn't an origin: write scheme and host, as https://app.example.com, with no path.")));
            }
        }
        if r.allowed_methods.is_empty() {
            return Err(Error::invalid(format!("Rule {n} allows no method: add GET, PUT, POST, DELETE or HEAD.")));
        }
        if let Some(m) = r.allowed_methods.iter().find(|m| !METHODS.contains(&m.as_str())) {
            return Err(Error::invalid(format!("Rule {n}: \"{m}\" isn't a method CORS rules take: GET, PUT, POST, DELETE or HEAD.")));
        }
        if r.max_age_seconds.is_some_and(|a| a < 0) {
            return Err(Error::invalid(format!("Rule {n}: MaxAgeSeconds can't be negative.")));
        }
    }
    Ok(())
}

fn origin_ok(o: &str) -> bool {
    if o == "*" {
        return true;
    }
    // A wildcard host part (https://*.example.com) is allowed; the rest must be an origin.
    let probe = o.replacen('*', "wildcard", 1);
    url::Url::parse(&probe).is_ok_and(|u| u.host().is_some() && (u.path() == "/" || u.path().is_empty()) && !probe.ends_with('/') && u.query().is_none())
}

/// The templates by intent.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CorsTemplate {
    /// Browser uploads through upload links from this origin.
    PresignedUpload { origin: String },
    /// Reading from any web page.
    ReadAnywhere,
}

impl CorsTemplate {
    pub fn rules(&self) -> Result<Vec<CorsRule>> {
        match self {
            CorsTemplate::PresignedUpload { origin } => presigned_upload(origin.trim()),
            CorsTemplate::ReadAnywhere => Ok(read_anywhere()),
        }
    }
}

/// A rule in words: "https://app.example.com can PUT, GET and HEAD".
pub fn describe(rule: &CorsRule) -> String {
    let who = if rule.allowed_origins.iter().any(|o| o == "*") { "Any web page".to_string() } else { rule.allowed_origins.join(", ") };
    format!("{who} can {}", rule.allowed_methods.join(", "))
}

/// Browser uploads through upload links (presigned PUTs) from one site.
pub fn presigned_upload(origin: &str) -> Result<Vec<CorsRule>> {
    let rules = vec![CorsRule {
        allowed_origins: vec![origin.trim_end_matches('/').to_string()],
        allowed_methods: vec!["PUT".into(), "GET".into(), "HEAD".into()],
        allowed_headers: vec!["*".into()],
        expose_headers: vec!["ETag".into()],
        max_age_seconds: Some(3000),
    }];
    check(&rules)?;
    Ok(rules)
}

/// Reading (GET, HEAD) from any web page.
pub fn read_anywhere() -> Vec<CorsRule> {
    vec![CorsRule { allowed_origins: vec!["*".into()], allowed_methods: vec!["GET".into(), "HEAD".into()], max_age_seconds: Some(3000), ..CorsRule::default() }]
}

/// The bucket's rules; none when it has none.
pub async fn read(s3: &S3, bucket: &str) -> Result<Vec<CorsRule>> {
    match s3.client.get_bucket_cors().bucket(bucket).send().await {
        Ok(out) => Ok(out
            .cors_rules()
            .iter()
            .map(|r| CorsRule {
                allowed_origins: r.allowed_origins().to_vec(),
                allowed_methods: r.allowed_methods().to_vec(),
                allowed_headers: r.allowed_headers().to_vec(),
                expose_headers: r.expose_headers().to_vec(),
                max_age_seconds: r.max_age_seconds(),
            })
            .collect()),
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("NoSuchCORSConfiguration") => Ok(Vec::new()),
        Err(e) => Err(classify(&e, s3.attempt("read the CORS rules"))),
    }
}

/// Sets the rules (`check`ed first by the caller).
pub async fn apply(s3: &S3, bucket: &str, rules: &[CorsRule]) -> Result<()> {
    let sdk: Vec<SdkRule> = rules
        .iter()
        .map(|r| {
            SdkRule::builder()
                .set_allowed_origins(Some(r.allowed_origins.clone()))
                .set_allowed_methods(Some(r.allowed_methods.clone()))
                .set_allowed_headers((!r.allowed_headers.is_empty()).then(|| r.allowed_headers.clone()))
                .set_expose_headers((!r.expose_headers.is_empty()).then(|| r.expose_headers.clone()))
                .set_max_age_seconds(r.max_age_seconds)
                .build()
                .map_err(|e| Error::invalid(format!("That CORS rule can't be sent: {e}.")))
        })
        .collect::<Result<_>>()?;
    let config = CorsConfiguration::builder().set_cors_rules(Some(sdk)).build().map_err(|e| Error::invalid(format!("Those CORS rules can't be sent: {e}.")))?;
    s3.client
        .put_bucket_cors()
        .bucket(bucket)
        .cors_configuration(config)
        .send()
        .await
        .map(drop)
        .map_err(|e| classify(&e, s3.attempt("set the CORS rules")))
}

pub async fn remove(s3: &S3, bucket: &str) -> Result<()> {
    s3.client.delete_bucket_cors().bucket(bucket).send().await.map(drop).map_err(|e| classify(&e, s3.attempt("delete the CORS rules")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked_before_any_request() {
        assert!(presigned_upload("https://app.example.com/").unwrap()[0].allowed_origins == ["https://app.example.com"]);
        assert!(presigned_upload("app.example.com").unwrap_err().message.contains("isn't an origin"));
        assert!(presigned_upload("https://app.example.com/upload").unwrap_err().message.contains("no path"));
        let parsed = parse_rules(r#"{"CORSRules": [{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET"]}]}"#).unwrap();
        assert_eq!(parsed[0].allowed_methods, ["GET"]);
        assert!(parse_rules(r#"[{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]"#).unwrap_err().message.contains("PATCH"));
        assert!(parse_rules("[]").unwrap_err().message.contains("at least one"));
        assert!(parse_rules("{").unwrap_err().message.contains("aren't valid"));
    }
}
