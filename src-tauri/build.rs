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
    "check_bucket_name",
    "list_regions",
    "create_bucket",
    "bucket_census",
    "delete_bucket",
    "cancel_operation",
    "bucket_overview",
    "list_objects",
    "object_properties",
    "delete_objects",
    "count_selection",
    "create_folder",
    "rename_item",
    "copy_items",
    "preview_object",
    "share_link",
    "link_history",
    "reissue_link",
    "forget_link",
    "qr_code",
    "download_items",
    "object_tags",
    "set_object_tags",
    "bulk_tag",
    "edit_metadata",
    "upload_picked",
];

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)))
        .expect("tauri build step failed");
}
