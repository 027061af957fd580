//! Where a key lands on the user's disk, and the checks that keep it there: a key maps to a path
//! under the chosen folder or is refused with the reason; on Windows names the system can't hold are
//! mapped by a fixed rule; folders on the way are walked without following links; two keys the file
//! system would take as one file never share it.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use super::IfExists;
use crate::error::{Error, ErrorCode, Result};
use crate::transfer::summary::free_name;

/// Which system's file-name rules apply. A parameter rather than `cfg!` so the Windows rules are
/// tested everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRules {
    Unix,
    Windows,
}

impl NameRules {
    pub const HOST: NameRules = if cfg!(windows) { NameRules::Windows } else { NameRules::Unix };
}

/// Names Windows keeps for devices, with or without an extension (`nul.txt` is the device too).
const WINDOWS_DEVICES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "COM\u{B9}", "COM\u{B2}",
    "COM\u{B3}", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT\u{B9}", "LPT\u{B2}", "LPT\u{B3}",
];

/// A key's path segment as Windows can hold it, or why it can't. The rule (documented in the
/// README): `< > : " | ? *` become their full-width forms (`：` for `:`), control characters their
/// Unicode pictures (U+2400 block), a trailing dot `．` and a trailing space `␠`; device names are
/// refused. Without it `a:b` would be written as the alternate data stream `b` of the file `a`.
fn windows_segment(part: &str) -> std::result::Result<String, String> {
    let stem = part.split('.').next().unwrap_or(part).trim_end_matches(' ');
    if WINDOWS_DEVICES.iter().any(|d| d.eq_ignore_ascii_case(stem)) {
        return Err(format!("\"{part}\" is a name Windows keeps for a device"));
    }
    let mut out: String = part
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => char::from_u32(c as u32 + 0xFEE0).expect("full-width form"),
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).expect("control picture"),
            c => c,
        })
        .collect();
    match out.pop() {
        Some('.') => out.push('\u{FF0E}'),
        Some(' ') => out.push('\u{2420}'),
        Some(c) => out.push(c),
        None => {}
    }
    Ok(out)
}

/// Where `key` goes under `root`, given that the download started at `prefix`; `Err` says why the
/// key is refused. Legal names such as `file..txt` or `..hidden` pass.
pub fn local_path(root: &Path, prefix: &str, key: &str, rules: NameRules) -> std::result::Result<PathBuf, String> {
    let relative = key.strip_prefix(prefix).unwrap_or(key);
    if relative.is_empty() {
        return Err("the key has no name below the chosen prefix".into());
    }
    if relative.contains('\0') {
        return Err("the key contains a NUL character".into());
    }
    if relative.contains('\\') {
        return Err("the key contains a backslash, which Windows reads as a folder separator".into());
    }
    if relative.starts_with('/') {
        return Err("the key is an absolute path".into());
    }
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        if part.is_empty() {
            if last {
                // `folder/`: a folder marker, nothing to write.
                return Err("it is a folder marker".into());
            }
            return Err("the key has an empty path segment (//)".into());
        }
        // Compatibility normalisation turns e.g. full-width dots (U+FF0E) into ".".
        let normal: String = part.nfkc().collect();
        if normal == ".." || normal == "." {
            return Err(format!("the segment \"{part}\" means a parent or current folder"));
        }
        if normal.contains('/') || normal.contains('\\') {
            return Err(format!("the segment \"{part}\" becomes a path separator after Unicode normalisation"));
        }
        match rules {
            NameRules::Windows => path.push(windows_segment(part)?),
            NameRules::Unix => path.push(part),
        }
    }
    // Belt and braces: whatever the rules above missed, the result must stay under root.
    if !path.starts_with(root) || path.components().skip(root.components().count()).any(|c| !matches!(c, Component::Normal(_))) {
        return Err("the key would leave the chosen folder".into());
    }
    Ok(path)
}

/// Which names the destination's file system takes as one file. Found by trying, not by OS: a
/// FAT stick on Linux folds case, a case-sensitive APFS volume on macOS does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Folding {
    /// `Report.csv` and `report.csv` are one file.
    pub case: bool,
    /// `é` composed (NFC) and decomposed (NFD) are one file.
    pub unicode_form: bool,
}

impl Folding {
    /// Creates a probe file in `dir` and looks for it under a different case and Unicode form.
    /// When the folder can't be written to, the host's usual answer stands.
    pub fn probe(dir: &Path) -> Folding {
        let guess = Folding { case: cfg!(any(target_os = "macos", windows)), unicode_form: cfg!(target_os = "macos") };
        let Ok(probe) = tempfile::Builder::new().prefix(".satchel-Probe-\u{e9}-").tempfile_in(dir) else { return guess };
        let name = probe.path().file_name().unwrap_or_default().to_string_lossy().into_owned();
        let exists = |n: String| std::fs::symlink_metadata(dir.join(n)).is_ok();
        Folding { case: exists(name.replace("Probe", "pROBE")), unicode_form: exists(name.nfd().collect()) }
    }

    /// What two paths have in common when they are the same file here.
    pub(crate) fn identity(&self, path: &Path) -> String {
        let text = path.to_string_lossy();
        let text: String = if self.unicode_form { text.nfc().collect() } else { text.into_owned() };
        if self.case {
            text.to_lowercase()
        } else {
            text
        }
    }
}

/// The folder a download writes into, with the rules of its file system.
#[derive(Debug, Clone)]
pub struct Destination {
    pub root: PathBuf,
    pub rules: NameRules,
    pub folding: Folding,
}

impl Destination {
    /// The chosen folder (made if missing) with the host's name rules and the folding it shows.
    pub fn at(root: &Path) -> Result<Destination> {
        create_folder(root)?;
        Ok(Destination { root: root.to_path_buf(), rules: NameRules::HOST, folding: Folding::probe(root) })
    }
}

/// The folder the user chose (or the named file's), made if missing.
pub(super) fn create_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::new(ErrorCode::Config, format!("Couldn't create the folder {}: {e}.", dir.display())))
}

/// Whether `path` collides: another key of the batch takes it, or a file is there already.
pub(super) fn collides(path: &Path, folding: Folding, planned: &HashSet<String>) -> bool {
    planned.contains(&folding.identity(path)) || std::fs::symlink_metadata(path).is_ok()
}

/// The path a key is written to given the choice for existing files, or `None` to skip it. A path
/// another key of the batch already takes is never shared, whatever the choice.
pub(super) fn settle_target(path: PathBuf, choice: IfExists, folding: Folding, planned: &mut HashSet<String>) -> Option<PathBuf> {
    let in_batch = |p: &Path, planned: &HashSet<String>| planned.contains(&folding.identity(p));
    let on_disk = |p: &Path| std::fs::symlink_metadata(p).is_ok();
    let path = if in_batch(&path, planned) || (choice != IfExists::Overwrite && on_disk(&path)) {
        if choice == IfExists::Skip {
            return None;
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let free = free_name(&name, |n| {
            let p = path.with_file_name(n);
            in_batch(&p, planned) || on_disk(&p)
        });
        path.with_file_name(free)
    } else {
        path
    };
    planned.insert(folding.identity(&path));
    Some(path)
}

/// Walks the folders between `root` and `path`'s parent without following any symbolic link: a
/// link there (planted before the download or during it) refuses the key. With `create`, missing
/// folders are made one at a time; then, when the walk made one, the parent's canonical path is
/// checked to be inside the root's, so no link swapped in on the way can carry the file elsewhere.
/// A walk through folders that were all there already has checked each with its own lstat: the
/// canonical paths (a readlink per folder of both, for every file) would only say it again, and
/// cost a download of 2,000 small files a tenth of its CPU.
pub(super) fn walk_parent(root: &Path, path: &Path, create: bool) -> std::result::Result<(), String> {
    let parent = path.parent().ok_or("the key names no file")?;
    let below = parent.strip_prefix(root).map_err(|_| "the key would leave the chosen folder".to_string())?;
    // Only names: a "..", "." or a root inside would make the lstats above say nothing of the path.
    if !below.components().all(|c| matches!(c, std::path::Component::Normal(_))) {
        return Err("the key would leave the chosen folder".into());
    }
    let mut dir = root.to_path_buf();
    let mut made = false;
    for part in below.components() {
        dir.push(part);
        let meta = match std::fs::symlink_metadata(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !create => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match std::fs::create_dir(&dir) {
                Ok(()) => {
                    made = true;
                    continue;
                }
                // Made meanwhile by another download of the batch: check what it is.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    made = true;
                    std::fs::symlink_metadata(&dir).map_err(|e| e.to_string())?
                }
                Err(e) => return Err(format!("couldn't create the folder {}: {e}", dir.display())),
            },
            Err(e) => return Err(format!("couldn't read {}: {e}", dir.display())),
            Ok(m) => m,
        };
        if meta.file_type().is_symlink() {
            return Err(format!("{} is a symbolic link, which a download never follows", dir.display()));
        }
        if !meta.is_dir() {
            return Err(format!("{} is a file, not a folder", dir.display()));
        }
    }
    if made {
        let canonical = |p: &Path| p.canonicalize().map_err(|e| format!("couldn't read {}: {e}", p.display()));
        if !canonical(parent)?.starts_with(canonical(root)?) {
            return Err("the key would leave the chosen folder".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIX: NameRules = NameRules::Unix;

    #[test]
    fn keys_map_to_paths_under_the_folder() {
        let root = Path::new("/dl");
        assert_eq!(local_path(root, "p/", "p/a/b.txt", UNIX).unwrap(), Path::new("/dl/a/b.txt"));
        assert_eq!(local_path(root, "", "file..txt", UNIX).unwrap(), Path::new("/dl/file..txt"));
        assert_eq!(local_path(root, "", "..hidden", UNIX).unwrap(), Path::new("/dl/..hidden"));
        assert_eq!(local_path(root, "", "a b+c%/ü 😀.csv", UNIX).unwrap(), Path::new("/dl/a b+c%/ü 😀.csv"));
        assert_eq!(local_path(root, "", "logs/12:00:00.txt", UNIX).unwrap(), Path::new("/dl/logs/12:00:00.txt"));
    }

    #[test]
    fn keys_that_would_escape_are_refused_with_the_reason() {
        let root = Path::new("/dl");
        let cases = [
            ("../etc/passwd", "parent"),
            ("a/../../x", "parent"),
            ("./x", "current"),
            ("/etc/passwd", "absolute"),
            ("a\\..\\x", "backslash"),
            ("a\0b", "NUL"),
            ("\u{FF0E}\u{FF0E}/x", "parent"),
            ("a//b", "empty path segment"),
            ("dir/", "folder marker"),
        ];
        for rules in [NameRules::Unix, NameRules::Windows] {
            for (key, why) in cases {
                let e = local_path(root, "", key, rules).unwrap_err();
                assert!(e.contains(why), "{key:?}: {e}");
            }
        }
    }

    #[test]
    fn windows_names_are_mapped_by_the_rule_or_refused() {
        let root = Path::new("/dl");
        let win = |k: &str| local_path(root, "", k, NameRules::Windows);
        for device in ["CON", "nul.txt", "Com1.log", "lpt9", "aux.tar.gz", "dir/PRN", "nul .txt", "COM\u{B9}"] {
            assert!(win(device).unwrap_err().contains("Windows keeps for a device"), "{device}");
        }
        // Not devices: longer names, or the name elsewhere in the segment.
        for fine in ["console", "COM10", "nul-report.txt", "my.con"] {
            assert_eq!(win(fine).unwrap(), root.join(fine), "{fine}");
        }
        assert_eq!(win("a:b").unwrap(), root.join("a\u{FF1A}b"), "never an alternate data stream");
        assert_eq!(win("C:/x").unwrap(), root.join("C\u{FF1A}/x"));
        assert_eq!(win("q?<x>|\"*").unwrap(), root.join("q\u{FF1F}\u{FF1C}x\u{FF1E}\u{FF5C}\u{FF02}\u{FF0A}"));
        assert_eq!(win("trail./dot").unwrap(), root.join("trail\u{FF0E}/dot"));
        assert_eq!(win("space /x.txt ").unwrap(), root.join("space\u{2420}/x.txt\u{2420}"));
        assert_eq!(win("bell\u{7}").unwrap(), root.join("bell\u{2407}"));
        assert_eq!(win("ok name.txt").unwrap(), root.join("ok name.txt"));
    }

    #[test]
    fn the_folding_decides_which_paths_are_one_file() {
        let both = Folding { case: true, unicode_form: true };
        let none = Folding::default();
        let (nfc, nfd) = ("/d/caf\u{e9}.txt", "/d/cafe\u{301}.txt");
        assert_eq!(both.identity(Path::new("/d/Report.csv")), both.identity(Path::new("/d/report.csv")));
        assert_eq!(both.identity(Path::new(nfc)), both.identity(Path::new(nfd)));
        assert_ne!(none.identity(Path::new("/d/Report.csv")), none.identity(Path::new("/d/report.csv")));
        assert_ne!(none.identity(Path::new(nfc)), none.identity(Path::new(nfd)));
        let mut planned = HashSet::new();
        let d = tempfile::tempdir().unwrap();
        let first = settle_target(d.path().join("Report.csv"), IfExists::Overwrite, both, &mut planned).unwrap();
        let second = settle_target(d.path().join("report.csv"), IfExists::Overwrite, both, &mut planned).unwrap();
        assert_eq!((first.file_name().unwrap(), second.file_name().unwrap()), ("Report.csv".as_ref(), "report (1).csv".as_ref()));
        assert!(settle_target(d.path().join("REPORT.csv"), IfExists::Skip, both, &mut planned).is_none());
    }

    #[test]
    fn the_probe_finds_what_this_file_system_folds() {
        let d = tempfile::tempdir().unwrap();
        let found = Folding::probe(d.path());
        // Check the answer by hand: a file and its other-case twin.
        std::fs::write(d.path().join("Twin"), "1").unwrap();
        assert_eq!(found.case, d.path().join("tWIN").exists());
        std::fs::write(d.path().join("caf\u{e9}"), "1").unwrap();
        assert_eq!(found.unicode_form, d.path().join("cafe\u{301}").exists());
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 2, "the probe file is gone");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_on_the_way_is_refused_and_folders_are_made_without_following_one() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
        let through = root.path().join("link/a/f.txt");
        assert!(walk_parent(root.path(), &through, false).unwrap_err().contains("symbolic link"));
        assert!(walk_parent(root.path(), &through, true).unwrap_err().contains("symbolic link"));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "nothing made outside");
        walk_parent(root.path(), &root.path().join("new/deep/f.txt"), true).unwrap();
        assert!(root.path().join("new/deep").is_dir());
        std::fs::write(root.path().join("file"), "x").unwrap();
        assert!(walk_parent(root.path(), &root.path().join("file/f.txt"), true).unwrap_err().contains("not a folder"));
        // Folders that are all there already are walked without the canonical paths: a way up
        // must be refused by its name alone.
        std::fs::create_dir(outside.path().join("x")).unwrap();
        let up = root.path().join("new/../..").join(outside.path().file_name().unwrap()).join("x/f.txt");
        for create in [false, true] {
            assert!(walk_parent(root.path(), &up, create).unwrap_err().contains("leave the chosen folder"));
        }
        assert!(walk_parent(root.path(), &root.path().join("new/./deep/f.txt"), true).is_ok(), "Path drops a \".\" inside");
    }
}
