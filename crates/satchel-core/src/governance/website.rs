//! Static website hosting: index and error documents with simple routing rules (a prefix moved, a
//! missing page sent elsewhere), or every request redirected to one host.

use aws_sdk_s3::types::{Condition, ErrorDocument, IndexDocument, Redirect, RedirectAllRequestsTo, RoutingRule, WebsiteConfiguration};
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
    Documents {
        index: String,
        error: Option<String>,
        #[serde(default)]
        routes: Vec<Route>,
    },
    RedirectAll { host: String },
}

/// A routing rule: requests under a prefix (or answered with an error) are redirected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Route {
    /// Applies to keys starting with this; empty: any key.
    #[serde(default)]
    pub prefix: String,
    /// Applies only when the answer would be this HTTP error (404, ...).
    #[serde(default)]
    pub on_error: Option<u16>,
    /// The prefix put in place of `prefix`; the rest of the key is kept.
    #[serde(default)]
    pub new_prefix: Option<String>,
    /// Another host to send the request to.
    #[serde(default)]
    pub host: Option<String>,
    /// 301 (moved for good, the default) or another 3xx code.
    #[serde(default)]
    pub code: Option<u16>,
}

/// S3 takes at most 50 routing rules.
const MAX_ROUTES: usize = 50;

impl Route {
    /// The CLI's `FROM=TO`: FROM a key prefix or an HTTP error code (`404`), TO a new prefix or
    /// `@HOST[/PREFIX]` for another host: `docs/=documents/`, `404=@www.example.com`.
    pub fn parse(s: &str) -> Result<Route> {
        let (from, to) = s.split_once('=').ok_or_else(|| Error::invalid(format!("Routes are written FROM=TO, like docs/=documents/ or 404=@www.example.com; \"{s}\" is not.")))?;
        let mut route = Route::default();
        match from.parse::<u16>() {
            Ok(code) => route.on_error = Some(code),
            Err(_) => route.prefix = from.to_string(),
        }
        match to.strip_prefix('@') {
            Some(rest) => {
                let (host, prefix) = rest.split_once('/').map_or((rest, None), |(h, p)| (h, Some(p.to_string())));
                route.host = Some(host.to_string());
                route.new_prefix = prefix;
            }
            None => route.new_prefix = Some(to.to_string()),
        }
        Ok(route)
    }

    /// "Requests under docs/ go to documents/ (301)"; "A 404 goes to www.example.com".
    pub fn describe(&self) -> String {
        let when = match (self.prefix.as_str(), self.on_error) {
            ("", None) => "Every request goes".to_string(),
            ("", Some(code)) => format!("A {code} goes"),
            (p, None) => format!("Requests under {p} go"),
            (p, Some(code)) => format!("A {code} under {p} goes"),
        };
        let to = match (&self.host, &self.new_prefix) {
            (Some(h), Some(np)) => format!("{h}/{np}"),
            (Some(h), None) => h.clone(),
            (None, Some(np)) if np.is_empty() => "the top of the bucket".to_string(),
            (None, Some(np)) => np.clone(),
            (None, None) => "the same place".to_string(),
        };
        format!("{when} to {to} ({})", self.code.unwrap_or(301))
    }

    fn check(&self, n: usize) -> Result<()> {
        if self.new_prefix.is_none() && self.host.is_none() {
            return Err(Error::invalid(format!("Routing rule {n} redirects nowhere: give a new prefix or a host.")));
        }
        if let Some(code) = self.on_error.filter(|c| !(400..600).contains(c)) {
            return Err(Error::invalid(format!("Routing rule {n}: {code} isn't an HTTP error code (400 to 599).")));
        }
        if let Some(code) = self.code.filter(|c| !(300..400).contains(c)) {
            return Err(Error::invalid(format!("Routing rule {n}: {code} isn't a redirect code (301, 302, ...).")));
        }
        if let Some(h) = self.host.as_deref().filter(|h| !host_ok(h)) {
            return Err(Error::invalid(format!("Routing rule {n}: \"{h}\" isn't a host name: write it as www.example.com, without https:// or a path.")));
        }
        Ok(())
    }
}

fn host_ok(host: &str) -> bool {
    !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

impl Website {
    pub fn describe(&self) -> String {
        match self {
            Website::Off => "off".into(),
            Website::Documents { index, error, routes } => {
                let mut s = format!("index {index}");
                if let Some(e) = error {
                    s.push_str(&format!(", error page {e}"));
                }
                for r in routes {
                    s.push_str(&format!("; {}", r.describe()));
                }
                s
            }
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
            Website::Documents { routes, .. } if routes.len() > MAX_ROUTES => {
                Err(Error::invalid(format!("A website takes at most {MAX_ROUTES} routing rules; this has {}.", routes.len())))
            }
            Website::Documents { routes, .. } => routes.iter().enumerate().try_for_each(|(i, r)| r.check(i + 1)),
            Website::RedirectAll { host } if !host_ok(host) => {
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
            (None, Some(i)) => Website::Documents {
                index: i.suffix().to_string(),
                error: out.error_document().map(|e| e.key().to_string()),
                routes: out.routing_rules().iter().map(route_of).collect(),
            },
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
        Website::Documents { index, error, routes } => {
            let mut c = WebsiteConfiguration::builder().index_document(IndexDocument::builder().suffix(index).build().map_err(|e| Error::invalid(e.to_string()))?);
            if let Some(e) = error {
                c = c.error_document(ErrorDocument::builder().key(e).build().map_err(|e| Error::invalid(e.to_string()))?);
            }
            for r in routes {
                c = c.routing_rules(rule_of(r));
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

fn route_of(r: &RoutingRule) -> Route {
    let cond = r.condition();
    let to = r.redirect();
    Route {
        prefix: cond.and_then(|c| c.key_prefix_equals()).unwrap_or_default().to_string(),
        on_error: cond.and_then(|c| c.http_error_code_returned_equals()).and_then(|c| c.parse().ok()),
        new_prefix: to.and_then(|t| t.replace_key_prefix_with()).map(str::to_string),
        host: to.and_then(|t| t.host_name()).map(str::to_string),
        code: to.and_then(|t| t.http_redirect_code()).and_then(|c| c.parse().ok()),
    }
}

fn rule_of(r: &Route) -> RoutingRule {
    let mut redirect = Redirect::builder();
    if let Some(p) = &r.new_prefix {
        redirect = redirect.replace_key_prefix_with(p);
    }
    if let Some(h) = &r.host {
        redirect = redirect.host_name(h);
    }
    if let Some(c) = r.code {
        redirect = redirect.http_redirect_code(c.to_string());
    }
    let mut rule = RoutingRule::builder().redirect(redirect.build());
    if !r.prefix.is_empty() || r.on_error.is_some() {
        let mut cond = Condition::builder();
        if !r.prefix.is_empty() {
            cond = cond.key_prefix_equals(&r.prefix);
        }
        if let Some(code) = r.on_error {
            cond = cond.http_error_code_returned_equals(code.to_string());
        }
        rule = rule.condition(cond.build());
    }
    rule.build()
}

/// Amazon S3's website endpoint for a bucket in `region` (older regions use a dash, newer a dot).
pub fn aws_endpoint(bucket: &str, region: &str) -> String {
    const DASH: &[&str] = &["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1", "us-gov-west-1"];
    let sep = if DASH.contains(&region) { '-' } else { '.' };
    format!("http://{bucket}.s3-website{sep}{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(routes: Vec<Route>) -> Website {
        Website::Documents { index: "index.html".into(), error: None, routes }
    }

    #[test]
    fn routing_rules_are_checked_and_read_as_sentences() {
        let moved = Route { prefix: "docs/".into(), new_prefix: Some("documents/".into()), ..Route::default() };
        let missing = Route { on_error: Some(404), host: Some("www.example.com".into()), code: Some(302), ..Route::default() };
        assert_eq!(moved.describe(), "Requests under docs/ go to documents/ (301)");
        assert_eq!(missing.describe(), "A 404 goes to www.example.com (302)");
        site(vec![moved.clone(), missing]).check().unwrap();

        let nowhere = Route { prefix: "a/".into(), ..Route::default() };
        assert!(site(vec![nowhere]).check().unwrap_err().message.contains("rule 1 redirects nowhere"));
        let bad_code = Route { code: Some(200), ..moved.clone() };
        assert!(site(vec![moved.clone(), bad_code]).check().unwrap_err().message.contains("Routing rule 2: 200 isn't a redirect code"));
        let bad_host = Route { host: Some("https://x.com/".into()), ..moved.clone() };
        assert!(site(vec![bad_host]).check().unwrap_err().message.contains("isn't a host name"));
        assert!(site(vec![moved.clone(); 51]).check().unwrap_err().message.contains("at most 50"));

        assert_eq!(Route::parse("docs/=documents/").unwrap(), moved);
        assert_eq!(Route::parse("404=@www.example.com").unwrap(), Route { on_error: Some(404), host: Some("www.example.com".into()), ..Route::default() });
        assert_eq!(Route::parse("old/=@new.example.com/archive/").unwrap().new_prefix.as_deref(), Some("archive/"));
        assert!(Route::parse("nothing").is_err());
    }
}
