// Declaring the app's commands makes Tauri generate one permission per command, so the capability
// file can grant exactly the commands the window uses and nothing else is callable.
const COMMANDS: &[&str] = &[
    "startup",
    "list_connections",
    "save_connection",
    "remove_connection",
    "test_connection",
    "test_draft",
    "select_connection",
    "list_buckets",
    "list_aws_profiles",
    "sandbox_info",
    "connection_identity",
    "customer_keys",
    "add_customer_key",
    "remove_customer_key",
    "export_customer_key",
    "check_bucket_name",
    "list_regions",
    "create_bucket",
    "bucket_census",
    "delete_bucket",
    "cancel_operation",
    "bucket_overview",
    "bucket_exposure",
    "set_public_access",
    "audit_entries",
    "bucket_policy",
    "preview_policy",
    "policy_with_template",
    "set_bucket_policy",
    "delete_bucket_policy",
    "bucket_website",
    "set_bucket_website",
    "bucket_cors",
    "set_bucket_cors",
    "bucket_accelerate",
    "set_bucket_accelerate",
    "bucket_encryption",
    "set_bucket_encryption",
    "bucket_object_lock",
    "set_default_retention",
    "object_lock",
    "set_object_retention",
    "set_legal_hold",
    "bucket_lifecycle",
    "set_bucket_lifecycle",
    "abort_unfinished_uploads_after",
    "check_lifecycle",
    "archive_status",
    "restore_from_archive",
    "bucket_versioning",
    "set_bucket_versioning",
    "list_versions",
    "object_versions",
    "preview_version",
    "download_version",
    "restore_version",
    "delete_version",
    "undelete_object",
    "deleted_objects",
    "undelete_objects",
    "set_bucket_ownership",
    "acl",
    "set_acl",
    "set_cors_rules",
    "export_audit",
    "set_account_public_access",
    "list_objects",
    "object_properties",
    "delete_objects",
    "count_selection",
    "create_folder",
    "rename_item",
    "copy_items",
    "copy_to_connection",
    "preview_object",
    "share_link",
    "link_history",
    "reissue_link",
    "forget_link",
    "qr_code",
    "plan_download",
    "start_download",
    "discard_download",
    "drag_out",
    "object_tags",
    "set_object_tags",
    "bulk_tag",
    "edit_metadata",
    "pick_upload_sources",
    "plan_upload",
    "plan_sync",
    "pick_sync_folder",
    "start_upload",
    "discard_upload",
    "required_tags",
    "set_required_tags",
    "bucket_tags",
    "set_bucket_tags",
    "pause_operation",
    "unfinished_uploads",
    "plan_unfinished",
    "discard_unfinished",
    "multipart_uploads",
    "abort_multipart_uploads",
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("tauri build step failed");
    order_startup_code();
}

/// The release app's code that runs from launch to an idle window (startup-order.txt, written by
/// `make startup-order`) is laid out together. Scattered through the binary's 35 MiB of code, those
/// 5 MiB made the kernel map 24 MiB of it, 64 KiB around each first call, and that stayed resident
/// for as long as the app ran. Only where the linker is LLD, Rust's own on x86_64 Linux; a name the
/// build no longer has (a dependency updated since) is skipped.
fn order_startup_code() {
    println!("cargo:rerun-if-changed=startup-order.txt");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let lld = std::env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu");
    if release && lld {
        let order = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo")).join("startup-order.txt");
        println!("cargo:rustc-link-arg-bin=satchel-app=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bin=satchel-app=-Wl,--no-warn-symbol-ordering");
    }
}
