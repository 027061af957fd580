//! `satchel ls`: prints each page as it arrives, so the first rows show at once on huge buckets.

use std::io::{BufWriter, Write};

use satchel_core::objects::{self, ListingPage};
use satchel_core::{CancellationToken, Connection, Error, Satchel};

use crate::args::LsArgs;

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
