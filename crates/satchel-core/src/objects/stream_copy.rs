//! Copies between two storages (two connections), where no server-side copy can reach: the bytes
//! come down one GET and go up as a PUT or a multipart upload, part by part, so memory holds one
//! part per object in flight whatever the object's size. The object keeps its content type,
//! metadata, caching headers and tags; its storage class and encryption are the destination
//! bucket's own (another storage may have neither the class nor the key), except that an SSE-C
//! object stays encrypted with its customer key, never stored in the clear. Pinned like a
//! server-side copy: the GET asks for the version planned, so a source rewritten meanwhile is
//! reported, never sent half old and half new.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};

use tokio_util::sync::CancellationToken;

use super::copy::{changed_or, read_tags, with_headers, CopyWatch, End, Headers};
use crate::connect::classify::classify;
use crate::connect::customer_keys::{with_key_if_needed, CustomerKey, SendsCustomerKey};
use crate::error::{Error, ErrorCode, Result};
use crate::tags::tagging_header;

/// Parts of a copy through Satchel: 8 MiB, raised so an object fits in 10,000 of them.
const PART: u64 = 8 * 1024 * 1024;

/// Copies one object through Satchel, telling `watch` of the bytes as they are read; returns the
/// ETag of the source version copied. A cancel stops it between chunks (a multipart upload begun
/// is aborted), so nothing half-copied takes the destination's name.
pub async fn stream_object(from: End<'_>, to: End<'_>, pin: Option<&str>, cancel: &CancellationToken, watch: &dyn CopyWatch) -> Result<Option<String>> {
    let read = |k: Option<CustomerKey>| {
        from.s3
            .client
            .get_object()
            .bucket(from.bucket)
            .key(from.key)
            .set_version_id(from.version.map(str::to_string))
            .set_if_match(pin.map(str::to_string))
            .customer_key(k.as_ref())
            .send()
    };
    let request = with_key_if_needed(from.s3, (from.bucket, from.key, from.version), read, |e| changed_or(e, from, "read the object to copy"));
    let (got, customer_key) = tokio::select! {
        got = request => got?,
        _ = cancel.cancelled() => return Err(Error::cancelled()),
    };
    let size = got.content_length().unwrap_or(0).max(0) as u64;
    let etag = got.e_tag().map(str::to_string);
    let headers = Headers {
        metadata: got.metadata().cloned(),
        content_type: got.content_type().map(str::to_string),
        cache_control: got.cache_control().map(str::to_string),
        content_disposition: got.content_disposition().map(str::to_string),
        content_encoding: got.content_encoding().map(str::to_string),
        customer_key: customer_key.clone(),
        ..Headers::default()
    };
    let tags = read_tags(from).await?;
    let tagging = tagging_header(&tags);
    let part = PART.max(size.div_ceil(10_000).div_ceil(1024 * 1024) * 1024 * 1024);
    let mut body = Chunks { body: got.body, from, cancel, watch };
    if size <= part {
        let mut bytes = bytes::BytesMut::with_capacity(size as usize);
        while let Some(chunk) = body.next().await? {
            bytes.extend_from_slice(&chunk);
        }
        if bytes.len() as u64 != size {
            return Err(changed(from));
        }
        let bytes = bytes.freeze();
        with_headers!(to.s3.client.put_object().bucket(to.bucket).key(to.key), headers)
            .body(ByteStream::from(bytes))
            .set_tagging(tagging)
            .send()
            .await
            .map_err(|e| classify(&e, to.s3.attempt("write the copy")))?;
        return Ok(etag);
    }
    let upload = with_headers!(to.s3.client.create_multipart_upload().bucket(to.bucket).key(to.key), headers)
        .set_tagging(tagging)
        // As Satchel's uploads: each part's CRC32C is checked by the storage.
        .checksum_algorithm(ChecksumAlgorithm::Crc32C)
        .send()
        .await
        .map_err(|e| classify(&e, to.s3.attempt("start the copy")))?;
    let upload_id = upload.upload_id().unwrap_or_default().to_string();
    let sent = send_parts(from, to, &upload_id, &mut body, size, part, customer_key.as_ref()).await;
    let finished = match sent {
        Ok(parts) => to
            .s3
            .client
            .complete_multipart_upload()
            .bucket(to.bucket)
            .key(to.key)
            .upload_id(&upload_id)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .customer_key(customer_key.as_ref())
            .send()
            .await
            .map(drop)
            .map_err(|e| classify(&e, to.s3.attempt("finish the copy"))),
        Err(e) => Err(e),
    };
    if let Err(e) = finished {
        // Nothing is left behind to be billed.
        let _ = to.s3.client.abort_multipart_upload().bucket(to.bucket).key(to.key).upload_id(&upload_id).send().await;
        return Err(e);
    }
    Ok(etag)
}

/// The body, `part` bytes at a time, each sent as the next part once it is whole.
/// The source's body, chunk by chunk, each told to the watch; stops on a cancel.
struct Chunks<'a> {
    body: ByteStream,
    from: End<'a>,
    cancel: &'a CancellationToken,
    watch: &'a dyn CopyWatch,
}

impl Chunks<'_> {
    async fn next(&mut self) -> Result<Option<bytes::Bytes>> {
        let chunk = tokio::select! {
            chunk = self.body.try_next() => chunk.map_err(|e| broke_off(self.from, e))?,
            _ = self.cancel.cancelled() => return Err(Error::cancelled()),
        };
        if let Some(c) = &chunk {
            self.watch.moved(self.from.key, c.len() as u64);
        }
        Ok(chunk)
    }
}


async fn send_parts(
    from: End<'_>,
    to: End<'_>,
    upload_id: &str,
    body: &mut Chunks<'_>,
    size: u64,
    part: u64,
    customer_key: Option<&CustomerKey>,
) -> Result<Vec<CompletedPart>> {
    let mut parts = Vec::new();
    // The part's buffer is taken before any byte of it is read, and reused.
    let mut buf = bytes::BytesMut::with_capacity(part as usize);
    let mut seen = 0u64;
    loop {
        let chunk = body.next().await?;
        let last = chunk.is_none();
        if let Some(chunk) = chunk {
            seen += chunk.len() as u64;
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                let take = rest.len().min(part as usize - buf.len());
                buf.extend_from_slice(&rest[..take]);
                rest = &rest[take..];
                if buf.len() as u64 == part {
                    parts.push(send_part(to, upload_id, parts.len() as i32 + 1, buf.split().freeze(), customer_key).await?);
                }
            }
        }
        if last {
            break;
        }
    }
    if seen != size {
        return Err(changed(from));
    }
    if !buf.is_empty() {
        parts.push(send_part(to, upload_id, parts.len() as i32 + 1, buf.split().freeze(), customer_key).await?);
    }
    Ok(parts)
}

async fn send_part(to: End<'_>, upload_id: &str, number: i32, bytes: bytes::Bytes, customer_key: Option<&CustomerKey>) -> Result<CompletedPart> {
    let out = to
        .s3
        .client
        .upload_part()
        .bucket(to.bucket)
        .key(to.key)
        .upload_id(upload_id)
        .part_number(number)
        .checksum_algorithm(ChecksumAlgorithm::Crc32C)
        .body(ByteStream::from(bytes))
        .customer_key(customer_key)
        .send()
        .await
        .map_err(|e| classify(&e, to.s3.attempt("send a part of the copy")))?;
    Ok(CompletedPart::builder()
        .part_number(number)
        .set_e_tag(out.e_tag().map(str::to_string))
        .set_checksum_crc32_c(out.checksum_crc32_c().map(str::to_string))
        .build())
}

fn broke_off(from: End<'_>, e: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::Storage, format!("Reading {} broke off: {e}. Nothing was copied.", from.key))
}

/// A body of another length than the object's: another version answered.
fn changed(from: End<'_>) -> Error {
    Error::new(ErrorCode::Storage, format!("{} changed while it was copied, so it was not copied; the source is as it was.", from.key))
}
