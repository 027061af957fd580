//! `satchel ls` and `satchel rm`. ls prints each page as it arrives, so the first rows show at once on huge buckets.

use std::io::{BufWriter, Write};

use satchel_core::objects::{self, ListingPage};
use satchel_core::{CancellationToken, Connection, Error, Satchel};

use crate::args::{LsArgs, RmArgs};

pub async fn run(engine: &Satchel, conn: &Connection, args: LsArgs, json: bool) -> Result<(), Error> {
    let (bucket, prefix) = satchel_core::share::parse_s3_url(&args.target)?;
    satchel_core::rules::validate_bucket_name(&bucket)?;
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut first = true;
    if json {
        let _ = out.write_all(b"[");
    }
    let mut print = |page: ListingPage| {
        for f in &page.folders {
            if json {
                let _ = write!(out, "{}{}", if first { "" } else { "," }, serde_json::json!({ "folder": f }));
            } else {
                let _ = writeln!(out, "{:>19} {:>12} {f}", "", "PRE");
            }
            first = false;
        }
        for o in &page.objects {
            if json {
                let _ = write!(out, "{}{}", if first { "" } else { "," }, serde_json::json!(o));
            } else {
                let when = o.last_modified.as_deref().map(|d| d.get(..19).unwrap_or(d).replace('T', " ")).unwrap_or_default();
                let _ = writeln!(out, "{when:>19} {:>12} {}", o.size, o.key);
            }
            first = false;
        }
        // A page at a time: the first rows reach the terminal (or the pipe) without waiting.
        let _ = out.flush();
    };
    objects::list_all(&s3, &bucket, &prefix, args.recursive, &CancellationToken::new(), &mut print).await?;
    if json {
        let _ = out.write_all(b"]\n");
    }
    let _ = out.flush();
    Ok(())
}

pub async fn remove(engine: &Satchel, conn: &Connection, args: RmArgs, json: bool) -> Result<(), Error> {
    let (bucket, key) = satchel_core::share::parse_s3_url(&args.target)?;
    satchel_core::rules::validate_bucket_name(&bucket)?;
    if key.is_empty() && !args.recursive {
        return Err(Error::invalid("Name an object (s3://bucket/key), or add --recursive to delete everything in the bucket."));
    }
    let s3 = engine.bucket_client(conn, &bucket).await?;
    let keys = if args.recursive {
        let item = if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") };
        if item.is_empty() {
            let mut all = Vec::new();
            objects::list_all(&s3, &bucket, "", true, &CancellationToken::new(), |p| all.extend(p.objects.into_iter().map(|o| o.key))).await?;
            all
        } else {
            objects::expand(&s3, &bucket, &[item], &CancellationToken::new()).await?
        }
    } else {
        // A plain delete of a missing key succeeds silently in S3; say so instead.
        objects::properties(&s3, &bucket, &key).await?;
        vec![key]
    };
    let report = objects::delete_keys(&s3, &bucket, &keys).await?;
    crate::emit(json, serde_json::json!(report), || format!("Deleted {} object{}.", report.deleted, if report.deleted == 1 { "" } else { "s" }));
    if report.failed.is_empty() {
        Ok(())
    } else {
        for f in &report.failed {
            eprintln!("not deleted {}: {}", f.key, f.reason);
        }
        Err(Error::new(satchel_core::ErrorCode::Storage, format!("{} object(s) could not be deleted.", report.failed.len())))
    }
}
