//! Satchel's desktop shell: registers the commands, opens the engine, and nothing else. Logic lives
//! in satchel-core.

mod commands;
mod dragging;
mod drops;
mod painting;

use commands::{buckets, connections, governance, objects, operations, protection, share, tags, transfers, versions};
use satchel_core::{Keychain, Paths, Satchel};
use tauri_specta::{collect_commands, collect_events, Builder};
use tauri::Manager;

/// Every command the window can call, grouped by domain as `commands/` is; the TypeScript bindings
/// are generated from this list.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new().events(collect_events![drops::DropHover, drops::FilesDropped]).commands(collect_commands![
        connections::startup,
        connections::list_connections,
        connections::save_connection,
        connections::remove_connection,
        connections::test_connection,
        connections::test_draft,
        connections::select_connection,
        connections::list_aws_profiles,
        connections::sandbox_info,
        connections::connection_identity,
        connections::customer_keys,
        connections::add_customer_key,
        connections::remove_customer_key,
        connections::export_customer_key,
        buckets::list_buckets,
        buckets::check_bucket_name,
        buckets::list_regions,
        buckets::create_bucket,
        buckets::bucket_census,
        buckets::delete_bucket,
        buckets::multipart_uploads,
        buckets::abort_multipart_uploads,
        governance::bucket_overview,
        governance::bucket_exposure,
        governance::set_public_access,
        governance::audit_entries,
        governance::bucket_policy,
        governance::preview_policy,
        governance::policy_with_template,
        governance::set_bucket_policy,
        governance::delete_bucket_policy,
        governance::bucket_website,
        governance::set_bucket_website,
        governance::bucket_cors,
        governance::set_bucket_cors,
        governance::bucket_accelerate,
        governance::set_bucket_accelerate,
        governance::set_bucket_ownership,
        governance::acl,
        governance::set_acl,
        governance::set_cors_rules,
        governance::export_audit,
        governance::set_account_public_access,
        objects::list_objects,
        objects::object_properties,
        objects::delete_objects,
        objects::count_selection,
        objects::create_folder,
        objects::rename_item,
        objects::copy_items,
        objects::copy_to_connection,
        objects::preview_object,
        objects::edit_metadata,
        objects::archive_status,
        objects::restore_from_archive,
        protection::bucket_encryption,
        protection::set_bucket_encryption,
        protection::bucket_object_lock,
        protection::set_default_retention,
        protection::object_lock,
        protection::set_object_retention,
        protection::set_legal_hold,
        protection::bucket_lifecycle,
        protection::set_bucket_lifecycle,
        protection::abort_unfinished_uploads_after,
        protection::check_lifecycle,
        versions::bucket_versioning,
        versions::set_bucket_versioning,
        versions::list_versions,
        versions::object_versions,
        versions::preview_version,
        versions::download_version,
        versions::restore_version,
        versions::delete_version,
        versions::undelete_object,
        versions::deleted_objects,
        versions::undelete_objects,
        tags::object_tags,
        tags::set_object_tags,
        tags::bulk_tag,
        tags::required_tags,
        tags::set_required_tags,
        tags::bucket_tags,
        tags::set_bucket_tags,
        transfers::plan_download,
        transfers::start_download,
        transfers::discard_download,
        transfers::drag_out,
        transfers::pick_upload_sources,
        transfers::plan_upload,
        transfers::plan_sync,
        transfers::pick_sync_folder,
        transfers::start_upload,
        transfers::unfinished_uploads,
        transfers::plan_unfinished,
        transfers::discard_unfinished,
        transfers::discard_upload,
        share::share_link,
        share::link_history,
        share::reissue_link,
        share::forget_link,
        share::qr_code,
        operations::cancel_operation,
        operations::pause_operation,
    ])
}

/// The TypeScript bindings as they should be checked in at ui/src/lib/bindings.ts.
pub fn typescript_bindings() -> String {
    let dir = tempfile_dir();
    let path = dir.join("bindings.ts");
    specta_builder()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from the Rust commands by `make bindings`. Do not edit.\n// @ts-nocheck"),
            &path,
        )
        .expect("export TypeScript bindings");
    let text = std::fs::read_to_string(&path).expect("read exported bindings");
    let _ = std::fs::remove_dir_all(&dir);
    text
}

/// A folder of its own per call: tests export the bindings from several threads at once.
fn tempfile_dir() -> std::path::PathBuf {
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("satchel-bindings-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir for bindings");
    dir
}

pub fn run() {
    painting::choose();
    let paths = Paths::from_env().expect("a folder for Satchel's settings");
    init_logging(&paths);
    tracing::info!("{}", painting::describe());
    let instance = instance_name(&paths);
    let engine = Satchel::open(paths, Keychain::new()).expect("open Satchel's settings");
    let builder = specta_builder();
    tauri::Builder::default()
        // First, so a second launch hands over before it opens a window or touches the settings.
        .plugin(tauri_plugin_single_instance::Builder::new().dbus_id(instance).callback(|app, _args, _cwd| focus_main(app)).build())
        .plugin(tauri_plugin_notification::init())
        .manage(engine)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            painting::show_anyway(app.handle());
            Ok(())
        })
        .on_page_load(painting::show_when_loaded)
        .on_window_event(drops::on_window_event)
        .run(tauri::generate_context!())
        .expect("error while running Satchel");
}

/// One app per settings folder: two engines on the same files would each hold the journal and the
/// connection list. The default folder answers to the app's identifier; a folder chosen with
/// SATCHEL_CONFIG_DIR / SATCHEL_DATA_DIR (tests, a second profile) gets a name of its own.
fn instance_name(paths: &Paths) -> String {
    use std::hash::{Hash, Hasher};
    const ID: &str = "dev.satchel.app";
    if std::env::var_os("SATCHEL_CONFIG_DIR").is_none() && std::env::var_os("SATCHEL_DATA_DIR").is_none() {
        return ID.to_string();
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (&paths.config_dir, &paths.data_dir).hash(&mut h);
    format!("{ID}.s{:016x}", h.finish())
}

/// A second launch brings the running window forward instead of opening another.
fn focus_main(app: &tauri::AppHandle) {
    tracing::info!("a second launch was handed to this window");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Logs go to a daily file in the data folder's private `logs` (and stderr), kept 14 days; they never
/// contain secrets because no type holding one prints it, and the SDK's request traces are capped.
fn init_logging(paths: &Paths) {
    use tracing_subscriber::prelude::*;
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("SATCHEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn"));
    for cap in satchel_core::LOG_CAPS {
        filter = filter.add_directive(cap.parse().expect("a valid directive"));
    }
    let dir = paths.data_dir.join("logs");
    let _ = satchel_core::config::make_private(&dir);
    // A file a day, the last 14 kept: older ones are removed as new ones start.
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("satchel")
        .filename_suffix("log")
        .max_log_files(14)
        .build(&dir)
        .unwrap_or_else(|_| tracing_appender::rolling::daily(&dir, "satchel.log"));
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(tracing_subscriber::fmt::layer().with_ansi(false).with_writer(file))
        .try_init();
}
