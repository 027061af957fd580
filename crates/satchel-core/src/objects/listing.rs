//! Folder listings page by page (no per-object requests), recursive listing that streams, and a
//! selection of keys and folders expanded into every key it stands for.

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::connect::classify::classify;
use crate::connect::client::S3;
use crate::error::{Error, ErrorCode, Result};

/// One object as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ObjectEntry {
    pub key: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: u64,
    /// RFC 3339.
    pub last_modified: Option<String>,
    pub storage_class: Option<String>,
    pub etag: Option<String>,
}

/// One page of a folder listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListingPage {
    /// Sub-folders (common prefixes), each ending with the delimiter.
    pub folders: Vec<String>,
    pub objects: Vec<ObjectEntry>,
    /// Pass back to get the next page; `None` on the last.
    pub next: Option<String>,
}

/// One page of `prefix` as a folder (delimiter `/`), or of everything below it when `recursive`.
pub async fn list_page(s3: &S3, bucket: &str, prefix: &str, recursive: bool, token: Option<String>) -> Result<ListingPage> {
    let mut req = s3.client.list_objects_v2().bucket(bucket).prefix(prefix).set_continuation_token(token);
    if !recursive {
        req = req.delimiter("/");
    }
    let out = req.send().await.map_err(|e| classify(&e, s3.attempt("list objects")))?;
    let objects = out
        .contents()
        .iter()
        .filter_map(|o| {
            Some(ObjectEntry {
                key: o.key()?.to_string(),
                size: o.size().unwrap_or(0).max(0) as u64,
                last_modified: o.last_modified().and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
                storage_class: o.storage_class().map(|c| c.as_str().to_string()),
                etag: o.e_tag().map(str::to_string),
            })
        })
        // In a folder view the folder marker (`prefix/` as a zero-byte key) is the folder, not a row in it.
        .filter(|o| recursive || o.key != prefix || prefix.is_empty())
        .collect();
    let folders = out.common_prefixes().iter().filter_map(|p| p.prefix().map(str::to_string)).collect();
    let next = match (out.is_truncated(), out.next_continuation_token()) {
        (Some(true), Some(t)) => Some(t.to_string()),
        _ => None,
    };
    Ok(ListingPage { folders, objects, next })
}

/// Lists a folder (or with `recursive`, everything below `prefix`), handing each page over as it
/// arrives so the first rows show at once. The next page is already being fetched while the caller
/// handles this one. Returns the number of objects.
pub async fn list_all(
    s3: &S3,
    bucket: &str,
    prefix: &str,
    recursive: bool,
    cancel: &CancellationToken,
    mut on_page: impl FnMut(ListingPage),
) -> Result<u64> {
    let fetch = |token: Option<String>| {
        let (s3, bucket, prefix) = (s3.clone(), bucket.to_string(), prefix.to_string());
        tokio::spawn(async move { list_page(&s3, &bucket, &prefix, recursive, token).await })
    };
    let mut next = fetch(None);
    let mut count = 0u64;
    loop {
        if cancel.is_cancelled() {
            next.abort();
            return Err(Error::new(ErrorCode::Cancelled, "Listing was cancelled."));
        }
        let page = (&mut next).await.map_err(|e| Error::internal(format!("listing task failed: {e}")))??;
        count += page.objects.len() as u64;
        let Some(token) = page.next.clone() else {
            on_page(page);
            return Ok(count);
        };
        next = fetch(Some(token));
        on_page(page);
    }
}

/// Expands a selection of keys and folders (`prefix/`) into every key it stands for.
pub async fn expand(s3: &S3, bucket: &str, selection: &[String], cancel: &CancellationToken) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    for item in selection {
        if item.ends_with('/') {
            list_all(s3, bucket, item, true, cancel, |p| keys.extend(p.objects.into_iter().map(|o| o.key))).await?;
            // The folder marker, if any, is listed with the rest; a folder without one has no key.
        } else {
            keys.push(item.clone());
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}
