//! Satchel's desktop shell: registers the commands, opens the engine, and nothing else. Logic lives
//! in satchel-core.

mod commands;
mod drops;

use satchel_core::{Keychain, Paths, Satchel};
use tauri_specta::{collect_commands, collect_events, Builder};

/// Every command the window can call; the TypeScript bindings are generated from this list.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new().events(collect_events![drops::DropHover, drops::FilesDropped]).commands(collect_commands![
        commands::startup,
        commands::list_connections,
        commands::save_connection,
        commands::remove_connection,
        commands::test_connection,
        commands::test_draft,
        commands::select_connection,
        commands::list_buckets,
        commands::list_aws_profiles,
        commands::sandbox_info,
        commands::check_bucket_name,
        commands::list_regions,
        commands::create_bucket,
        commands::bucket_census,
        commands::delete_bucket,
        commands::cancel_operation,
        commands::bucket_overview,
        commands::list_objects,
        commands::object_properties,
        commands::delete_objects,
        commands::count_selection,
        commands::create_folder,
        commands::rename_item,
        commands::copy_items,
        commands::preview_object,
        commands::share_link,
        commands::link_history,
        commands::reissue_link,
        commands::forget_link,
        commands::qr_code,
        commands::download_items,
        commands::object_tags,
        commands::set_object_tags,
        commands::bulk_tag,
        commands::edit_metadata,
        commands::pick_upload_sources,
        commands::plan_upload,
        commands::start_upload,
        commands::discard_upload,
        commands::required_tags,
        commands::set_required_tags,
        commands::bucket_tags,
        commands::set_bucket_tags,
        commands::pause_operation,
        commands::unfinished_uploads,
        commands::plan_unfinished,
        commands::discard_unfinished,
        commands::multipart_uploads,
        commands::abort_multipart_uploads,
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
    let paths = Paths::from_env().expect("a folder for Satchel's settings");
    init_logging(&paths);
    let engine = Satchel::open(paths, Keychain::new()).expect("open Satchel's settings");
    let builder = specta_builder();
    tauri::Builder::default()
        .manage(engine)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            Ok(())
        })
        .on_window_event(drops::on_window_event)
        .run(tauri::generate_context!())
        .expect("error while running Satchel");
}

/// Logs go to a daily file in the data folder (and stderr); they never contain secrets because no
/// type holding one prints it.
fn init_logging(paths: &Paths) {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_env("SATCHEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn"));
    let file = tracing_appender::rolling::daily(paths.data_dir.join("logs"), "satchel.log");
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(tracing_subscriber::fmt::layer().with_ansi(false).with_writer(file))
        .try_init();
}
