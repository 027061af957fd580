//! The checked-in TypeScript bindings must be exactly what the Rust commands generate. Run
//! `make bindings` (UPDATE_BINDINGS=1) after changing a command or an IPC type.

#[test]
fn typescript_bindings_match_the_rust_commands() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let fresh = satchel_app_lib::typescript_bindings();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("write bindings");
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "ui/src/lib/bindings.ts is out of date with the Rust commands: run `make bindings` and commit it"
    );
}
