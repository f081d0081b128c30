//! Architecture guard (DESIGN.md §4): each layer reaches only what it may.
//!
//! Every file is parsed with `syn`; every `use` item (grouped imports expanded, `super`
//! and `self` resolved to the module they name) and every path written out in code
//! (`std::fs::read(…)` with no `use`, paths inside macro calls too) is checked against
//! the layer's allowlist. Test modules (`#[cfg(test)]`) may wire layers together and
//! are not checked. A violation is reported with its file and line.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// The parts of `std` (and `core`, `alloc`) with no I/O, no clock and no process state.
const STD_PURE: &[&str] = &[
    "std::any",
    "std::array",
    "std::borrow",
    "std::boxed",
    "std::char",
    "std::cmp",
    "std::collections",
    "std::convert",
    "std::default",
    "std::error",
    "std::f64",
    "std::fmt",
    "std::hash",
    "std::hint",
    "std::iter",
    "std::marker",
    "std::mem",
    "std::num",
    "std::ops",
    "std::option",
    "std::ptr",
    "std::rc",
    "std::result",
    "std::slice",
    "std::str",
    "std::string",
    "std::sync",
    "std::vec",
    "core",
    "alloc",
];

/// Never in a pure layer, even under an allowed prefix: the clock.
const CLOCK: &[&str] = &[
    "chrono::Local",
    "chrono::Utc",
    "chrono::offset",
    "std::time",
];

/// Macros that print to the terminal, which only the CLI and the runtime may do.
const PRINTING: &[&str] = &["println", "print", "eprintln", "eprint", "dbg"];

struct Rule {
    /// A file, or a folder (every `.rs` below it).
    layer: &'static str,
    /// Path prefixes the layer may name (besides its own module).
    allow: &'static [&'static [&'static str]],
    /// Prefixes refused even when an allowed prefix covers them.
    deny: &'static [&'static str],
    /// Macros the layer may not call.
    macros: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        layer: "src/domain",
        allow: &[
            STD_PURE,
            &[
                "chrono",
                "serde",
                "strsim",
                "strum",
                "thiserror",
                "crate::domain",
                // A deterministic fan-out of pure work (the book's assessment).
                "std::thread::scope",
                "std::panic::resume_unwind",
            ],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        layer: "src/demo",
        // A seeded generator only: `fastrand`'s free functions are seeded from the clock.
        allow: &[
            STD_PURE,
            &["chrono", "fastrand::Rng", "crate::domain", "crate::demo"],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        layer: "src/app",
        allow: &[
            STD_PURE,
            &[
                "chrono",
                "serde",
                "strum",
                "nucleo_matcher",
                // The hit map the renderer writes for the mouse (drawing borrows the app).
                "std::cell::RefCell",
                "crate::app",
                "crate::domain",
                "crate::config",
                "crate::keymap",
                "crate::text",
            ],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        layer: "src/keymap.rs",
        allow: &[
            STD_PURE,
            &[
                "std::path",
                "serde",
                "strum",
                "crate::keymap",
                "crate::config",
            ],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        layer: "src/ui",
        allow: &[
            STD_PURE,
            &[
                "chrono",
                "ratatui",
                "unicode_width",
                "crate::ui",
                "crate::app",
                "crate::domain",
                "crate::keymap",
                "crate::config",
                "crate::text",
            ],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        layer: "src/store",
        allow: &[
            STD_PURE,
            &[
                "std::fs",
                "std::io",
                "std::path",
                "std::os",
                "std::time::Duration",
                "std::process",
                "chrono",
                "rusqlite",
                "rusqlite_migration",
                "serde_json",
                "thiserror",
                "uuid",
                "crate::store",
                "crate::domain",
                // Pure generated data, written by the bulk path.
                "crate::demo",
                // The book's second read connection.
                "std::thread::scope",
                "std::panic::resume_unwind",
            ],
        ],
        deny: &[],
        macros: PRINTING,
    },
    Rule {
        // What goes into the sync document and what comes out: pure, and blind to
        // the engine behind it.
        layer: "src/sync/mod.rs",
        allow: &[STD_PURE, &["crate::sync", "crate::domain"]],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        // The document's keys and whole-row values: pure, no engine type.
        layer: "src/sync/layout.rs",
        allow: &[STD_PURE, &["serde_json", "crate::sync", "crate::domain"]],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        // The one file that names the CRDT engine; the engine is not trusted never
        // to panic on a hostile file.
        layer: "src/sync/engine.rs",
        allow: &[
            STD_PURE,
            &[
                "automerge",
                "serde_json",
                "std::panic::catch_unwind",
                "std::panic::AssertUnwindSafe",
                "crate::sync",
                "crate::domain",
            ],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
    Rule {
        layer: "src/interop",
        allow: &[
            STD_PURE,
            &[
                "std::io",
                "chrono",
                "calcard",
                "csv",
                "encoding_rs",
                "mail_parser",
                // mail-parser is not trusted never to panic on hostile input.
                "std::panic::catch_unwind",
                "serde",
                "serde_json",
                "thiserror",
                "crate::interop",
                "crate::domain",
            ],
        ],
        deny: CLOCK,
        macros: PRINTING,
    },
];

/// Names that start a path into another crate (or this one), read from Cargo.toml.
fn crate_roots(root: &Path) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = ["std", "core", "alloc", "crate"]
        .into_iter()
        .map(String::from)
        .collect();
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or_default();
    for section in ["dependencies", "dev-dependencies"] {
        if let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) {
            out.extend(deps.keys().map(|k| k.replace('-', "_")));
        }
    }
    out
}

/// The module path of a source file: `src/domain/ask.rs` → `crate::domain::ask`.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root.join("src")).unwrap_or(file);
    let mut parts: Vec<String> = vec!["crate".into()];
    for c in rel.components() {
        let s = c.as_os_str().to_string_lossy();
        let s = s.strip_suffix(".rs").unwrap_or(&s).to_string();
        if s != "mod" && s != "lib" && s != "main" {
            parts.push(s);
        }
    }
    parts
}

/// One path a file names, with its line.
struct Reference {
    line: usize,
    path: String,
}

struct Collector<'a> {
    roots: &'a BTreeSet<String>,
    /// The module of the file (for `super` and `self`), extended inside inline modules.
    module: Vec<String>,
    refs: Vec<Reference>,
    macros: Vec<(usize, String)>,
}

impl Collector<'_> {
    /// Resolves a path's leading segments: `super`/`self` against the module, `crate`
    /// and other crates as they are. `None` for a path that starts at a local name.
    fn absolute(&self, segments: &[String], is_use: bool) -> Option<Vec<String>> {
        let first = segments.first()?;
        let mut base = self.module.clone();
        let mut rest = segments;
        match first.as_str() {
            "super" | "self" => {
                while let Some(s) = rest.first() {
                    match s.as_str() {
                        "super" => {
                            base.pop();
                        }
                        "self" => {}
                        _ => break,
                    }
                    rest = &rest[1..];
                }
                base.extend(rest.iter().cloned());
                Some(base)
            }
            s if self.roots.contains(s) => Some(segments.to_vec()),
            // `use child::x` names a child module; anything else is local.
            _ if is_use => {
                base.extend(segments.iter().cloned());
                Some(base)
            }
            _ => None,
        }
    }

    fn record(&mut self, line: usize, segments: &[String], is_use: bool) {
        if let Some(abs) = self.absolute(segments, is_use) {
            self.refs.push(Reference {
                line,
                path: abs.join("::"),
            });
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let line = n.ident.span().start().line;
                prefix.push(n.ident.to_string());
                let p = prefix.clone();
                self.record(line, &p, true);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                let line = r.ident.span().start().line;
                prefix.push(r.ident.to_string());
                let p = prefix.clone();
                self.record(line, &p, true);
                prefix.pop();
            }
            syn::UseTree::Glob(g) => {
                let p = prefix.clone();
                self.record(g.star_token.spans[0].start().line, &p, true);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }

    /// Paths inside a macro call's tokens (`format!("{}", std::fs::read(p)?)`).
    fn tokens(&mut self, tokens: TokenStream) {
        let list: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < list.len() {
            match &list[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) => {
                    let line = id.span().start().line;
                    let mut segs = vec![id.to_string()];
                    let mut j = i + 1;
                    while j + 2 < list.len() + 1 {
                        let colons = matches!((list.get(j), list.get(j + 1)),
                            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
                                if a.as_char() == ':' && b.as_char() == ':');
                        match (colons, list.get(j + 2)) {
                            (true, Some(TokenTree::Ident(next))) => {
                                segs.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if segs.len() > 1 {
                        self.record(line, &segs, false);
                        i = j;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|m| m.path().is_ident("test"))
    })
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if is_cfg_test(&m.attrs) {
            return;
        }
        self.module.push(m.ident.to_string());
        syn::visit::visit_item_mod(self, m);
        self.module.pop();
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_cfg_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if !is_cfg_test(&u.attrs) {
            let mut prefix = Vec::new();
            if u.leading_colon.is_some() {
                // `::std::fs`: the crate name follows.
            }
            self.use_tree(&mut prefix, &u.tree);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = p.segments.first() {
            let line = first.ident.span().start().line;
            if segs.len() > 1 {
                self.record(line, &segs, false);
            }
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if let Some(last) = m.path.segments.last() {
            self.macros
                .push((last.ident.span().start().line, last.ident.to_string()));
        }
        self.tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }
}

/// Files that are modules declared `#[cfg(test)] mod x;` (or with `#[path]`): test code.
fn test_module_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in files {
        let Ok(ast) = syn::parse_file(&std::fs::read_to_string(f).unwrap_or_default()) else {
            continue;
        };
        let dir = f.parent().unwrap_or(Path::new("."));
        let stem = f.file_stem().map(|s| s.to_string_lossy().to_string());
        let own_dir = match stem.as_deref() {
            Some("mod") | Some("lib") | Some("main") | None => dir.to_path_buf(),
            Some(s) => dir.join(s),
        };
        for item in &ast.items {
            let syn::Item::Mod(m) = item else { continue };
            if m.content.is_some() || !is_cfg_test(&m.attrs) {
                continue;
            }
            let explicit = m.attrs.iter().find_map(|a| match &a.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(dir.join(s.value())),
                    _ => None,
                },
                _ => None,
            });
            let name = m.ident.to_string();
            match explicit {
                Some(p) => {
                    out.insert(p);
                }
                None => {
                    out.insert(own_dir.join(format!("{name}.rs")));
                    out.insert(own_dir.join(&name).join("mod.rs"));
                }
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
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

/// `path` is `prefix` or below it, segment-wise (`std::fs` covers `std::fs::read`, not `std::fsx`).
fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with("::"))
}

fn violations(root: &Path) -> Vec<String> {
    let roots = crate_roots(root);
    let mut all = Vec::new();
    rust_files(&root.join("src"), &mut all);
    let tests = test_module_files(&all);
    let mut found = Vec::new();
    for rule in RULES {
        let mut files = Vec::new();
        let path = root.join(rule.layer);
        if path.is_file() {
            files.push(path);
        } else {
            rust_files(&path, &mut files);
        }
        files.sort();
        for f in files.into_iter().filter(|f| !tests.contains(f)) {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
            let ast = match syn::parse_file(&text) {
                Ok(ast) => ast,
                Err(e) => {
                    found.push(format!("{shown}: does not parse: {e}"));
                    continue;
                }
            };
            let mut c = Collector {
                roots: &roots,
                module: module_of(root, &f),
                refs: Vec::new(),
                macros: Vec::new(),
            };
            c.visit_file(&ast);
            for r in &c.refs {
                let denied = rule.deny.iter().any(|d| under(&r.path, d));
                let allowed = rule
                    .allow
                    .iter()
                    .flat_map(|list| list.iter())
                    .any(|a| under(&r.path, a));
                if denied || !allowed {
                    found.push(format!(
                        "{shown}:{}: `{}` is not allowed in {}",
                        r.line, r.path, rule.layer
                    ));
                }
            }
            for (line, name) in &c.macros {
                if rule.macros.contains(&name.as_str()) {
                    found.push(format!(
                        "{shown}:{line}: `{name}!` is not allowed in {}",
                        rule.layer
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_layer_reaches_only_what_it_may() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(root.join("src/domain").is_dir(), "src/domain must exist");
    let v = violations(root);
    assert!(v.is_empty(), "layering violations:\n{}", v.join("\n"));
}

#[test]
fn the_guard_reports_grouped_imports_bare_paths_and_forbidden_crates() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"x\"\n[dependencies]\nrusqlite = \"1\"\nchrono = \"0.4\"\n",
    )
    .unwrap();
    let domain = dir.path().join("src/domain");
    std::fs::create_dir_all(&domain).unwrap();
    std::fs::write(
        domain.join("bad.rs"),
        r#"// rusqlite in a comment is fine
use crate::{domain::contact, store};
use rusqlite::Connection;
use super::ask::assess;

fn f() -> Vec<u8> {
    let _ = chrono::Local::now();
    println!("{}", std::env::var("X").is_ok());
    std::fs::read("x").unwrap()
}

#[cfg(test)]
mod tests {
    use crate::store::Store;
}
"#,
    )
    .unwrap();
    let v = violations(dir.path());
    let expect = [
        "src/domain/bad.rs:2: `crate::store`",
        "src/domain/bad.rs:3: `rusqlite::Connection`",
        "src/domain/bad.rs:7: `chrono::Local::now`",
        "src/domain/bad.rs:8: `std::env::var`",
        "src/domain/bad.rs:9: `std::fs::read`",
        "src/domain/bad.rs:8: `println!`",
    ];
    for e in expect {
        assert!(
            v.iter().any(|x| x.starts_with(e)),
            "missing {e:?} in {v:#?}"
        );
    }
    assert_eq!(v.len(), expect.len(), "{v:#?}");
}
