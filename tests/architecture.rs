//! Architecture guard: the pure layers must not import I/O, terminals, SQL or clocks.
//! `src/domain` is pure (DESIGN.md §4); `src/app` and `src/ui` may not reach the store,
//! the file system, the environment or the clock either (they join this list as they land).

#![allow(clippy::unwrap_used)]

use std::path::Path;

/// Forbidden substrings per layer. A line that is a comment is ignored.
const PURE: &[&str] = &[
    "rusqlite",
    "ratatui",
    "crossterm",
    "std::fs",
    "std::env",
    "std::net",
    "std::process",
    "std::time::SystemTime",
    "std::time::Instant",
    "Local::now",
    "Utc::now",
    "chrono::Local",
    "SystemTime::now",
    "Instant::now",
    "crate::store",
    "crate::cli",
    "crate::config",
    "directories",
    "println!",
    "eprintln!",
    "std::io::stdin",
    "std::io::stdout",
];

const RULES: &[(&str, &[&str])] = &[
    ("src/demo.rs", PURE),
    ("src/domain", PURE),
    (
        "src/app",
        &[
            "rusqlite",
            "crossterm",
            "std::fs",
            "std::env",
            "std::net",
            "Local::now",
            "Utc::now",
            "SystemTime::now",
            "Instant::now",
            "crate::store",
            "crate::cli",
            "crate::runtime",
            "println!",
            "eprintln!",
        ],
    ),
    (
        "src/keymap.rs",
        &[
            "rusqlite",
            "crossterm",
            "ratatui",
            "std::fs",
            "std::env",
            "crate::store",
            "crate::cli",
            "crate::runtime",
            "println!",
        ],
    ),
    (
        "src/ui",
        &[
            "rusqlite",
            "std::fs",
            "std::env",
            "std::net",
            "Local::now",
            "Utc::now",
            "SystemTime::now",
            "crate::store",
            "crate::cli",
            "crate::runtime",
            "event::read",
            "event::poll",
            "println!",
        ],
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn violations(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for (layer, forbidden) in RULES {
        let mut files = Vec::new();
        let path = root.join(layer);
        if path.is_file() {
            files.push(path);
        } else {
            rust_files(&path, &mut files);
        }
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                for word in *forbidden {
                    if code.contains(word) {
                        found.push(format!(
                            "{}:{}: `{word}` is not allowed in {layer}",
                            f.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn pure_layers_import_nothing_they_must_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(root.join("src/domain").is_dir(), "src/domain must exist");
    let v = violations(root);
    assert!(v.is_empty(), "layering violations:\n{}", v.join("\n"));
}

#[test]
fn the_guard_catches_a_violation() {
    let dir = tempfile::tempdir().unwrap();
    let domain = dir.path().join("src/domain");
    std::fs::create_dir_all(&domain).unwrap();
    std::fs::write(domain.join("bad.rs"), "// rusqlite in a comment is fine\nuse rusqlite::Connection;\nfn f() { let _ = Utc::now(); }\n").unwrap();
    let v = violations(dir.path());
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v[0].contains("bad.rs:2") && v[0].contains("rusqlite"));
    assert!(v[1].contains("Utc::now"));
}
