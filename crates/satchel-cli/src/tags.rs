//! `satchel tag get|set|rm`.

use satchel_core::objects::{self, BulkTagReport};
use satchel_core::tags::{self, parse_tag, TagMode};
use satchel_core::{CancellationToken, Connection, Error, ErrorCode, Satchel};
use serde_json::json;

use crate::args::TagCommand;
use crate::emit;

pub async fn run(engine: &Satchel, conn: &Connection, cmd: TagCommand, json: bool) -> Result<(), Error> {
    match cmd {
        TagCommand::Get { target } => {
            let (s3, bucket, key) = open(engine, conn, &target, false).await?;
            let tags = tags::get_tags(&s3, &bucket, &key).await?;
            emit(json, json!(tags), || tags.iter().map(|t| format!("{}={}", t.key, t.value)).collect::<Vec<_>>().join("\n"));
            Ok(())
        }
        TagCommand::Set { target, tags, recursive, replace } => {
            let tags = tags.iter().map(|t| parse_tag(t)).collect::<Result<Vec<_>, _>>()?;
            let mode = if replace { TagMode::Replace } else { TagMode::Merge };
            change(engine, conn, &target, recursive, &tags, &[], mode, json).await
        }
        TagCommand::Rm { target, keys, recursive } => {
            // No keys: remove them all, which is replacing them with nothing.
            let mode = if keys.is_empty() { TagMode::Replace } else { TagMode::Merge };
            change(engine, conn, &target, recursive, &[], &keys, mode, json).await
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn change(
    engine: &Satchel,
    conn: &Connection,
    target: &str,
    recursive: bool,
    tags: &[satchel_core::tags::Tag],
    remove: &[String],
    mode: TagMode,
    json: bool,
) -> Result<(), Error> {
    let (s3, bucket, key) = open(engine, conn, target, recursive).await?;
    let selection = if recursive { vec![if key.is_empty() || key.ends_with('/') { key } else { format!("{key}/") }] } else { vec![key] };
    let report = if recursive {
        objects::bulk_change(&s3, &bucket, &selection, tags, remove, mode, &CancellationToken::new(), &|_, _| {}).await?
    } else {
        tags::change_tags(&s3, &bucket, &selection[0], tags, remove, mode).await?;
        BulkTagReport { tagged: 1, ..Default::default() }
    };
    emit(json, json!(report), || format!("Tagged {} object{}.", report.tagged, if report.tagged == 1 { "" } else { "s" }));
    for f in &report.failed {
        eprintln!("not tagged {}: {}", f.key, f.reason);
    }
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(Error::new(ErrorCode::Storage, format!("{} object(s) were not tagged.", report.failed.len())))
    }
}

async fn open(engine: &Satchel, conn: &Connection, target: &str, recursive: bool) -> Result<(satchel_core::connect::client::S3, String, String), Error> {
    let (bucket, key) = crate::s3_address(target)?;
    if key.is_empty() && !recursive {
        return Err(Error::invalid("Name an object (s3://bucket/key), or add --recursive for everything below a prefix."));
    }
    Ok((engine.bucket_client(conn, &bucket).await?, bucket, key))
}
