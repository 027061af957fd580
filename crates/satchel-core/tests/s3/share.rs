//! Presigned links against servers that check signatures (garage, the embedded sandbox), fetched
//! with a plain HTTP client; uploads read back with the harness's independent client.



use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use satchel_core::share::{share, ShareKind, ShareRequest};
use satchel_core::connect::client::ResolvedCredentials;
use satchel_core::ErrorCode;
use crate::common::satchel_client;
use satchel_harness::{garage, S3Server};

fn request(bucket: &str, key: &str, kind: ShareKind, secs: u32) -> ShareRequest {
    ShareRequest { bucket: bucket.into(), key: key.into(), kind, expires_secs: secs, filename: None, content_type: None }
}

async fn with_object(s: &S3Server, body: &'static [u8]) -> String {
    let bucket = format!("share-{:08x}", rand::random::<u32>());
    s.create_bucket(&bucket).await;
    s.client().put_object().bucket(&bucket).key("data/report.csv").body(ByteStream::from_static(body)).send().await.unwrap();
    bucket
}

/// Everything a link must do, on one server.
async fn links_work_on(s: &S3Server) {
    let body: &'static [u8] = b"id,value\n1,42\n";
    let bucket = with_object(s, body).await;
    let s3 = satchel_client(s);
    let http = reqwest::Client::new();

    // Download: the bytes come back, on the server's own (non-default) port.
    let mut req = request(&bucket, "data/report.csv", ShareKind::Download, 3600);
    req.filename = Some("q3 report.csv".into());
    let link = share(&s3, &req).await.unwrap();
    assert!(link.url.starts_with(&format!("{}/{bucket}/", s.endpoint)), "{}", link.url);
    assert!(!link.limited_by_credentials && link.warning.is_none());
    let got = http.get(&link.url).send().await.unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), body);

    // One character of the signature changed: refused.
    let pos = link.url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let mut tampered = link.url.clone().into_bytes();
    tampered[pos] = if tampered[pos] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(http.get(&tampered).send().await.unwrap().status(), 403);

    // Upload through a link, read back independently.
    let put = share(&s3, &request(&bucket, "incoming/from-partner.txt", ShareKind::Upload, 600)).await.unwrap();
    assert!(put.curl.as_deref().unwrap().starts_with("curl -T file '"));
    let sent = http.put(&put.url).body("hello from outside").send().await.unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
    let back = s.client().get_object().bucket(&bucket).key("incoming/from-partner.txt").send().await.unwrap();
    assert_eq!(back.body.collect().await.unwrap().into_bytes().as_ref(), b"hello from outside");

    // A 2-second link is refused once it has expired.
    let short = share(&s3, &request(&bucket, "data/report.csv", ShareKind::Download, 2)).await.unwrap();
    assert_eq!(http.get(&short.url).send().await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_secs(3)).await;
    // (garage answers 400, s3s 403: both refuse.)
    let late = http.get(&short.url).send().await.unwrap().status();
    assert!(late == 400 || late == 403, "an expired link answered {late}");

    // A missing object is reported instead of a link that would fail.
    let e = share(&s3, &request(&bucket, "nope.csv", ShareKind::Download, 60)).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound, "{e:?}");
    assert!(e.message.contains("nope.csv"));
}

#[tokio::test]
async fn links_on_garage() {
    links_work_on(&garage().server).await;
}

#[tokio::test]
async fn links_on_the_sandbox() {
    let (_sb, server, _dir) = crate::common::sandbox().await;
    links_work_on(&server).await;
}

#[tokio::test]
async fn temporary_credentials_cut_the_link_short_and_say_so() {
    let g = &garage().server;
    let bucket = with_object(g, b"x").await;
    let mut s3 = satchel_client(g);
    let soon = std::time::SystemTime::now() + Duration::from_secs(1800);
    let creds = aws_credential_types::Credentials::new(&g.access_key_id, &g.secret_access_key, None, Some(soon), "test");
    s3.credentials = ResolvedCredentials {
        provider: aws_credential_types::provider::SharedCredentialsProvider::new(creds),
        expires: Some(soon),
    };
    let link = share(&s3, &request(&bucket, "data/report.csv", ShareKind::Download, 86_400)).await.unwrap();
    assert!(link.limited_by_credentials);
    assert!(link.effective_secs <= 1800 && link.effective_secs > 1700, "{}", link.effective_secs);
    assert!(link.warning.unwrap().contains("earlier than asked"));
}

#[tokio::test]
async fn bad_expiries_are_refused_before_signing() {
    let g = &garage().server;
    let s3 = satchel_client(g);
    for secs in [0, 7 * 86_400 + 1] {
        let e = share(&s3, &request("b", "k", ShareKind::Download, secs)).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{secs}");
    }
}
