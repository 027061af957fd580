// A Tauri window and nothing else, built in the same release profile as Satchel: what any Tauri 2
// app costs before its own code, for `make bench-app` to measure beside Satchel the same way.
fn main() {
    tauri::Builder::default().run(tauri::generate_context!()).expect("a bare Tauri window");
}
