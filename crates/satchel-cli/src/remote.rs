//! `satchel cp` and `satchel mv` between two S3 locations: server-side copies within a connection
//! (multipart above 5 GiB); with `--to-connection`, into another storage, the bytes streamed
//! through Satchel. Pinned to the versions listed; a move deletes a source only once its copy
//! exists and only if it is still the version copied.

use satchel_core::objects::{self, Buckets, CopyReport};
use satchel_core::{Connection, Error, ErrorCode, Satchel};

/// One S3-to-S3 copy or move, as typed.
pub struct RemoteCopy<'a> {
    pub src: &'a str,
    pub dst: &'a str,
    pub recursive: bool,
    pub remove_source: bool,
    /// The saved connection the destination is in, when it is another storage.
    pub to_connection: Option<&'a str>,
}

pub async fn run(engine: &Satchel, conn: &Connection, req: RemoteCopy<'_>, json: bool) -> Result<(), Error> {
    let (src_bucket, src_key) = crate::s3_address(req.src)?;
    let (dst_bucket, dst_key) = crate::s3_address(req.dst)?;
    let dst_conn = match req.to_connection {
        Some(name) => Some(engine.connection(name).await?),
        None => None,
    };
    let across = dst_conn.as_ref().is_some_and(|d| d.id != conn.id);
    let (src, dst) = (engine.bucket_client(conn, &src_bucket).await?, engine.bucket_client(dst_conn.as_ref().unwrap_or(conn), &dst_bucket).await?);
    let ends = Buckets { src: &src, src_bucket: &src_bucket, dst: &dst, dst_bucket: &dst_bucket, across };
    let cancel = crate::cancel_on_ctrl_c();
    let report = if req.recursive {
        // Like `aws s3 cp --recursive`: keys below the source prefix land below the destination's
        // by their relative path.
        let (from, to) = (as_prefix(&src_key), as_prefix(&dst_key));
        if !across && src_bucket == dst_bucket && overlaps(&from, &to) {
            return Err(Error::invalid("The destination is inside the source (or the other way round): pick a prefix outside it."));
        }
        objects::transfer_contents(ends, &from, &to, req.remove_source, &cancel).await?
    } else {
        if src_key.is_empty() || src_key.ends_with('/') {
            return Err(Error::invalid("That is a folder: add --recursive to copy everything below it."));
        }
        let target = if dst_key.is_empty() || dst_key.ends_with('/') {
            format!("{dst_key}{}", src_key.rsplit('/').next().unwrap_or(&src_key))
        } else {
            dst_key
        };
        if !across && src_bucket == dst_bucket && target == src_key {
            return Err(Error::invalid("The source and the destination are the same object."));
        }
        objects::transfer_one(ends, &src_key, &target, req.remove_source, &cancel).await?
    };
    report_outcome(&report, req.remove_source, json)
}

fn report_outcome(report: &CopyReport, moved: bool, json: bool) -> Result<(), Error> {
    let verb = if moved { "Moved" } else { "Copied" };
    let count = if moved { report.deleted } else { report.copied };
    crate::emit(json, serde_json::json!(report), || format!("{verb} {count} object{}.", if count == 1 { "" } else { "s" }));
    for f in &report.failed {
        eprintln!("not {}: {}: {}", verb.to_lowercase(), f.key, f.reason);
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::Storage, format!("{} object(s) were not {}.", report.failed.len(), verb.to_lowercase())))
    }
}

fn as_prefix(key: &str) -> String {
    if key.is_empty() || key.ends_with('/') {
        key.to_string()
    } else {
        format!("{key}/")
    }
}

/// Whether one prefix holds the other: a copy into itself would copy its own copies.
fn overlaps(a: &str, b: &str) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_inside_the_other_overlaps() {
        assert!(overlaps("data/", "data/copy/"));
        assert!(overlaps("", "x/"));
        assert!(!overlaps("data/", "data2/"));
        assert_eq!(as_prefix("data"), "data/");
        assert_eq!(as_prefix(""), "");
    }
}
