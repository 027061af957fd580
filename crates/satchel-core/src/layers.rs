//! The engine's modules form layers (see the crate's doc): a module may use its own domain and the
//! layers before it, never a later layer or a sibling domain of its own layer. This reads every
//! `crate::` path in the sources, so an import cycle can't creep back in.

use std::path::{Path, PathBuf};

/// Each domain's layer; files at the top of `src/` are the foundation (layer 0).
const LAYERS: &[(&str, u8)] = &[
    ("connect", 1),
    ("tags", 2),
    ("objects", 3),
    // Bucket settings: what bucket creation applies too.
    ("governance", 3),
    ("buckets", 4),
    ("transfer", 5),
    ("share", 5),
    ("engine", 6),
];
const FOUNDATION: &[&str] = &["error", "format", "throttle", "config", "control"];

fn layer_of(domain: &str) -> Option<u8> {
    if FOUNDATION.contains(&domain) {
        return Some(0);
    }
    LAYERS.iter().find(|(d, _)| *d == domain).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The domains a file names through `crate::x` or `use crate::{x, y}`.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(inner.split(',').map(|p| p.trim().split("::").next().unwrap_or("").to_string()));
        } else {
            out.push(rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect());
        }
    }
    out.retain(|d| !d.is_empty() && d != "self");
    out
}

#[test]
fn no_module_uses_a_later_layer_or_a_sibling_domain() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut broken = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src");
        let first = relative.components().next().expect("a component").as_os_str().to_string_lossy().into_owned();
        let domain = first.trim_end_matches(".rs").to_string();
        if domain == "lib" || domain == "layers" {
            continue;
        }
        let own = layer_of(&domain).unwrap_or_else(|| panic!("{} is in no layer: add its domain to LAYERS", relative.display()));
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for used in crate_paths(&text) {
            let Some(theirs) = layer_of(&used) else { continue };
            let sibling = theirs == own && own > 0 && used != domain;
            if theirs > own || sibling {
                broken.push(format!("{} uses crate::{used} (layer {theirs}; it is in layer {own})", relative.display()));
            }
        }
    }
    assert!(broken.is_empty(), "imports against the layers:\n{}", broken.join("\n"));
}

#[test]
fn grouped_paths_are_read_too() {
    assert_eq!(crate_paths("use crate::{engine::Satchel, tags};\nlet x = crate::objects::list_all;"), ["engine", "tags", "objects"]);
}
