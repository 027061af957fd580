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

/// A command the window can call must be declared in build.rs and granted in the capability file;
/// one that is not granted fails only at run time, so check it here.
#[test]
fn every_command_is_declared_and_granted() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bindings = satchel_app_lib::typescript_bindings();
    let commands: Vec<&str> = bindings
        .split("__TAURI_INVOKE(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(!commands.is_empty());
    let build_rs = std::fs::read_to_string(dir.join("build.rs")).unwrap();
    let capability = std::fs::read_to_string(dir.join("capabilities/main.json")).unwrap();
    for c in commands {
        assert!(build_rs.contains(&format!("\"{c}\"")), "{c} is missing from COMMANDS in build.rs");
        let permission = format!("\"allow-{}\"", c.replace('_', "-"));
        assert!(capability.contains(&permission), "{permission} is missing from capabilities/main.json");
    }
}
