//! Bucket and object settings through the engine, read back with the harness's own client.

use aws_sdk_s3::types::{Permission, Type};
use satchel_core::governance::ownership::{AclOf, CannedAcl, Grant, Ownership};
use satchel_core::governance::PublicAccessBlock;
use satchel_core::{ErrorCode, NewBucket, Via};
use satchel_harness::moto;

use crate::common::world;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";

/// An object's ACL: explained rather than refused while ACLs are off; a public one needs the
/// confirmation and changes nothing without it; applied, it is what moto holds and what the audit
/// log records.
#[tokio::test]
async fn an_objects_acl_is_explained_confirmed_applied_and_audited() {
    let m = moto();
    let w = world(m).await;
    let bucket = format!("obj-acl-{:08x}", rand::random::<u32>());
    w.engine.create_bucket(&w.conn, &NewBucket::new(&bucket)).await.unwrap();
    m.put(&bucket, "report.csv", b"a,b\n").await;
    let of = AclOf::Object("report.csv");

    let off = w.engine.acl(&w.conn, &bucket, of).await.unwrap();
    assert!(!off.enabled);
    assert!(off.note.as_deref().unwrap().contains("ACLs are off"), "{off:?}");
    let e = w.engine.set_acl(&w.conn, &bucket, of, Some(CannedAcl::PublicRead), &[], true, Via::App).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("Nothing was changed"), "{}", e.message);

    assert!(w.engine.set_bucket_ownership(&w.conn, &bucket, Ownership::ObjectWriter, Via::App).await.unwrap());
    // The bucket's Block Public Access would make moto ignore the public grant; lift it for this test.
    m.client().delete_public_access_block().bucket(&bucket).send().await.unwrap();
    let e = w.engine.set_acl(&w.conn, &bucket, of, Some(CannedAcl::PublicRead), &[], false, Via::App).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NeedsConfirmation);
    assert!(e.message.contains("anyone on the internet can read the object"), "{}", e.message);
    let public_grants = || async {
        let acl = m.client().get_object_acl().bucket(&bucket).key("report.csv").send().await.unwrap();
        acl.grants()
            .iter()
            .filter(|g| g.grantee().and_then(|x| x.uri()) == Some(ALL_USERS) && g.permission() == Some(&Permission::Read))
            .count()
    };
    assert_eq!(public_grants().await, 0, "nothing was sent");

    let view = w.engine.set_acl(&w.conn, &bucket, of, Some(CannedAcl::PublicRead), &[], true, Via::App).await.unwrap();
    assert_eq!(public_grants().await, 1);
    assert!(view.enabled);
    let public: Vec<_> = view.grants.iter().filter(|g| g.public).collect();
    assert_eq!(public.len(), 1, "{view:?}");
    assert_eq!(public[0].says, "Everyone on the internet can read the object");
    assert!(view.grants.iter().any(|g| g.says == "The owner has full control"), "{view:?}");

    // Grants replace the ACL. (Two grantees of one permission go in one header, which moto keeps
    // but lists only the first of: that is unit-tested on the header instead.)
    let grants = [Grant::parse("read=id=aaaa1111").unwrap(), Grant::parse("read-acp=id=bbbb2222").unwrap()];
    w.engine.set_acl(&w.conn, &bucket, of, None, &grants, false, Via::App).await.unwrap();
    let acl = m.client().get_object_acl().bucket(&bucket).key("report.csv").send().await.unwrap();
    let mut held: Vec<(&str, &str)> = acl
        .grants()
        .iter()
        .filter(|g| g.grantee().map(|x| x.r#type()) == Some(&Type::CanonicalUser))
        .filter_map(|g| Some((g.grantee()?.id()?, g.permission()?.as_str())))
        .collect();
    held.sort();
    assert_eq!(held, [("aaaa1111", "READ"), ("bbbb2222", "READ_ACP")]);
    assert_eq!(public_grants().await, 0, "the public grant went with the rest");
    let e = w.engine.set_acl(&w.conn, &bucket, of, None, &[Grant::parse("write=id=aaaa1111").unwrap()], false, Via::App).await.unwrap_err();
    assert!(e.message.contains("no WRITE permission"), "{}", e.message);

    let audit = w.engine.audit_entries(Some(&bucket)).unwrap();
    let settings: Vec<&str> = audit.iter().map(|e| e.setting.as_str()).collect();
    assert_eq!(settings.iter().filter(|s| **s == "acl of report.csv").count(), 2, "{settings:?}");
    let public_change = audit.iter().find(|e| e.after.contains("AllUsers")).expect("the public change is recorded");
    assert!(!public_change.before.contains("AllUsers"));

    // Exported whole, as CSV and JSON, to where the user chose.
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("audit.csv");
    assert_eq!(w.engine.export_audit(Some(&bucket), satchel_core::AuditFormat::Csv, &csv).unwrap(), audit.len());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("at,connection,bucket,setting,before,after,via\n"), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains("acl of report.csv")).count(), 2, "{text}");
    let json = out.path().join("audit.json");
    w.engine.export_audit(Some(&bucket), satchel_core::AuditFormat::Json, &json).unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(parsed.as_array().unwrap().len(), audit.len());
}

/// Removes moto's account-level Block Public Access (S3 Control) with a plain request: moto checks
/// no signatures, but routes by the service an Authorization names.
fn remove_account_block(m: &satchel_harness::S3Server, account: &str) {
    let status = std::process::Command::new("curl")
        .args(["-s", "-f", "-X", "DELETE", "-H", &format!("x-amz-account-id: {account}")])
        .args(["-H", "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"])
        .arg(format!("{}/v20180820/configuration/publicAccessBlock", m.endpoint))
        .status()
        .unwrap();
    assert!(status.success());
}

/// moto's account-level configuration, as S3 Control returns it.
fn account_block_held(m: &satchel_harness::S3Server, account: &str) -> String {
    let out = std::process::Command::new("curl")
        .args(["-s", "-H", &format!("x-amz-account-id: {account}")])
        .args(["-H", "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"])
        .arg(format!("{}/v20180820/configuration/publicAccessBlock", m.endpoint))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The account's Block Public Access (S3 Control, read for the account STS names) applies over a
/// bucket's own: a bucket made public by its ACL reads as private while the account blocks, and
/// says why.
#[tokio::test]
async fn the_accounts_block_public_access_applies_over_the_buckets() {
    let m = moto();
    let w = world(m).await;
    let bucket = format!("acct-bpa-{:08x}", rand::random::<u32>());
    w.engine.create_bucket(&w.conn, &NewBucket::new(&bucket)).await.unwrap();
    w.engine.set_bucket_ownership(&w.conn, &bucket, Ownership::ObjectWriter, Via::App).await.unwrap();
    m.client().delete_public_access_block().bucket(&bucket).send().await.unwrap();
    w.engine.set_acl(&w.conn, &bucket, AclOf::Bucket, Some(CannedAcl::PublicRead), &[], true, Via::App).await.unwrap();
    let account = w.engine.identity(&w.conn.id).await.unwrap().expect("moto has STS").account;

    let open = w.engine.bucket_exposure(&w.conn, &bucket).await.unwrap();
    assert_eq!(open.exposure, satchel_core::governance::Exposure::PublicThroughAcl, "{open:?}");
    let acct = open.account.expect("the account's switches are read");
    assert_eq!((acct.account.as_str(), acct.block.all_on(), &acct.overrides), (account.as_str(), false, &None));

    // Turned on through the engine, as the app's "Block all for the account" does; read back from
    // moto with a plain request.
    let on = w.engine.set_account_public_access(&w.conn, PublicAccessBlock::ALL, false, Via::App).await;
    let held = account_block_held(m, &account);
    let report = w.engine.bucket_exposure(&w.conn, &bucket).await;
    let loosen = w.engine.set_account_public_access(&w.conn, PublicAccessBlock::NONE, false, Via::App).await;
    let still = account_block_held(m, &account);
    remove_account_block(m, &account);
    assert!(!on.unwrap().unchanged);
    assert!(held.contains("<BlockPublicAcls>true</BlockPublicAcls>") && held.contains("<RestrictPublicBuckets>true</RestrictPublicBuckets>"), "{held}");
    let refused = loosen.unwrap_err();
    assert_eq!(refused.code, ErrorCode::NeedsConfirmation, "{refused:?}");
    assert!(refused.message.contains(&account), "{}", refused.message);
    assert_eq!(still, held, "nothing was sent");
    let audit = w.engine.audit_entries(Some(&format!("(account {account})"))).unwrap();
    assert_eq!(audit.last().map(|e| e.setting.as_str()), Some("account-public-access"));
    let report = report.unwrap();
    assert_eq!(report.exposure, satchel_core::governance::Exposure::Private, "{report:?}");
    assert!(report.why.contains("account's Block Public Access"), "{}", report.why);
    assert_eq!(report.block.map(|b| b.all_on()), Some(false), "the bucket's own switches are still shown as they are");
    let overrides = report.account.and_then(|a| a.overrides).expect("the override is said");
    assert!(overrides.contains(&account) && overrides.contains("overrides"), "{overrides}");
}

