//! Bucket and object settings through the engine, read back with the harness's own client.

use aws_sdk_s3::types::{Permission, Type};
use satchel_core::governance::ownership::{AclOf, CannedAcl, Grant, Ownership};
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
