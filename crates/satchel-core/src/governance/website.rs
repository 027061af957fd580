//! Static website hosting: index and error documents, or every request redirected to one host.

use aws_sdk_s3::types::{ErrorDocument, IndexDocument, RedirectAllRequestsTo, WebsiteConfiguration};
use serde::Serialize;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, Result};

/// What the bucket serves as a website.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Website {
    Off,
    Documents { index: String, error: Option<String> },
    RedirectAll { host: String },
}

impl Website {
    pub fn describe(&self) -> String {
        match self {
            Website::Off => "off".into(),
            Website::Documents { index, error: Some(e) } => format!("index {index}, error page {e}"),
            Website::Documents { index, error: None } => format!("index {index}"),
            Website::RedirectAll { host } => format!("every request redirected to {host}"),
        }
    }

    /// Checked before the request: an index document is a plain name, a redirect a bare host.
    pub fn check(&self) -> Result<()> {
        match self {
            Website::Documents { index, .. } if index.is_empty() || index.contains('/') => {
                Err(Error::invalid(format!("\"{index}\" isn't an index document: name a file, as index.html, with no slash.")))
            }
            Website::Documents { error: Some(e), .. } if e.is_empty() => Err(Error::invalid("Name the error document, as error.html.")),
            Website::RedirectAll { host } if host.is_empty() || host.contains('/') || host.contains(' ') => {
                Err(Error::invalid(format!("\"{host}\" isn't a host name: write it as www.example.com, without https:// or a path.")))
            }
            _ => Ok(()),
        }
    }
}

pub async fn read(s3: &S3, bucket: &str) -> Result<Website> {
    match s3.client.get_bucket_website().bucket(bucket).send().await {
        Ok(out) => Ok(match (out.redirect_all_requests_to(), out.index_document()) {
            (Some(r), _) => Website::RedirectAll { host: r.host_name().to_string() },
            (None, Some(i)) => Website::Documents { index: i.suffix().to_string(), error: out.error_document().map(|e| e.key().to_string()) },
            (None, None) => Website::Off,
        }),
        Err(e) if e.as_service_error().and_then(aws_sdk_s3::error::ProvideErrorMetadata::code) == Some("NoSuchWebsiteConfiguration") => Ok(Website::Off),
        // garage answers "none" with an empty 204 rather than S3's error.
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 204) => Ok(Website::Off),
        Err(e) => Err(classify(&e, s3.attempt("read website hosting"))),
    }
}

/// Sets website hosting (`check`ed first by the caller).
pub async fn apply(s3: &S3, bucket: &str, site: &Website) -> Result<()> {
    let config = match site {
        Website::Off => {
            return s3.client.delete_bucket_website().bucket(bucket).send().await.map(drop).map_err(|e| classify(&e, s3.attempt("turn website hosting off")));
        }
        Website::Documents { index, error } => {
            let mut c = WebsiteConfiguration::builder().index_document(IndexDocument::builder().suffix(index).build().map_err(|e| Error::invalid(e.to_string()))?);
            if let Some(e) = error {
                c = c.error_document(ErrorDocument::builder().key(e).build().map_err(|e| Error::invalid(e.to_string()))?);
            }
            c.build()
        }
        Website::RedirectAll { host } => WebsiteConfiguration::builder()
            .redirect_all_requests_to(RedirectAllRequestsTo::builder().host_name(host).build().map_err(|e| Error::invalid(e.to_string()))?)
            .build(),
    };
    s3.client
        .put_bucket_website()
        .bucket(bucket)
        .website_configuration(config)
        .send()
        .await
        .map(drop)
        .map_err(|e| classify(&e, s3.attempt("set up website hosting")))
}

/// Amazon S3's website endpoint for a bucket in `region` (older regions use a dash, newer a dot).
pub fn aws_endpoint(bucket: &str, region: &str) -> String {
    const DASH: &[&str] = &["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1", "us-gov-west-1"];
    let sep = if DASH.contains(&region) { '-' } else { '.' };
    format!("http://{bucket}.s3-website{sep}{region}.amazonaws.com")
}
