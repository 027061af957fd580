//! How WebKitGTK paints the window, chosen before it starts. Since 2.46 it paints with Skia on the
//! GPU by default. Where no GPU is reachable (no DRM render node: a virtual machine without one, a
//! container, a virtual X server as in CI), that "GPU" is Mesa's software rasteriser: every tile
//! goes through an emulated GL pipeline run on the CPU, and the first time a shader is needed the
//! window stops drawing while it is compiled (with Mesa's shader cache empty, a dialog's fade-in
//! stayed stuck near transparent for over 5 s). Skia's own CPU painting, on its worker threads, does
//! the same work with neither cost. Painting with the CPU still left compositing on GL: every frame
//! that changed anything (a progress update, ten a second) composited the whole window in that
//! emulated pipeline, half the web process's CPU during a transfer of many small files, taken from
//! the transfer on two cores. So there compositing is turned off too, and the web process paints
//! what changed straight into the window. A value the user set wins, either way, for each. The
//! window is shown once its page has loaded, which keeps its first draw from waiting (see below).

use std::path::Path;

const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";
const NO_COMPOSITING: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Sets the variables the web process reads when this machine has no GPU to paint with. Call before
/// any thread starts: it changes the environment the WebKit processes inherit.
pub fn choose() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let software = std::env::var_os("LIBGL_ALWAYS_SOFTWARE").is_some_and(|v| v != "0" && !v.is_empty());
    if !software && has_gpu(Path::new("/dev")) {
        return;
    }
    for name in [CPU_RENDERING, NO_COMPOSITING] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, "1");
        }
    }
}

/// Whether a GPU driver is there to render with: a DRM render node, or NVIDIA's own device (its
/// proprietary driver renders without one on older releases).
fn has_gpu(dev: &Path) -> bool {
    let render_node = std::fs::read_dir(dev.join("dri"))
        .map(|entries| entries.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false);
    render_node || dev.join("nvidia0").exists()
}

/// Said once the log is open, so a report of slow drawing shows which way the window paints.
pub fn describe() -> &'static str {
    match std::env::var(CPU_RENDERING).as_deref() {
        Ok(v) if v != "0" => match std::env::var(NO_COMPOSITING).as_deref() {
            Ok(v) if v != "0" => "the window paints with the CPU, without compositing (no GPU render node, or WEBKIT_SKIA_ENABLE_CPU_RENDERING and WEBKIT_DISABLE_COMPOSITING_MODE set)",
            _ => "the window paints with the CPU and composites with GL (WEBKIT_DISABLE_COMPOSITING_MODE=0)",
        },
        _ => "the window paints with the GPU",
    }
}

/// Shows the window once its page has loaded (the window starts hidden: tauri.conf.json). Mapped
/// before its page answered, the window's first draw could wait half a second on WebKitGTK without
/// compositing: start to painted was 0.55 s or 1.04 s at random, and a steady 0.55 s shown this way.
pub fn show_when_loaded<R: tauri::Runtime>(webview: &tauri::Webview<R>, payload: &tauri::webview::PageLoadPayload<'_>) {
    if payload.event() == tauri::webview::PageLoadEvent::Finished {
        let _ = webview.window().show();
    }
}

/// Should the page never say it loaded, the window shows anyway: a hidden app is worse than a slow one.
pub fn show_anyway<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    use tauri::Manager;
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(3));
        if let Some(window) = app.get_webview_window("main") {
            let _ = window.show();
        }
    });
}
