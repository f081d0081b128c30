//! Shared helpers for integration tests: a temporary home and database, and a
//! `ties` command pointed at them with a fixed today.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub const TODAY: &str = "2026-11-24";

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("data").join("ties.db")
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// `ties` with this env's database and home, today fixed to [`TODAY`].
    pub fn ties(&self) -> Command {
        Command::from_std(self.process())
    }

    /// The same command as a plain `std::process::Command` (to spawn it, pipe to it,
    /// or move it into a thread).
    pub fn process(&self) -> std::process::Command {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("ties"));
        c.env_clear()
            .env("HOME", self.home())
            .env("TIES_DB", self.db())
            .env("TIES_TODAY", TODAY)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        c
    }

    /// Runs `ties ARGS`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.ties().args(args).output().expect("run ties");
        assert!(
            out.status.success(),
            "ties {args:?} failed ({:?}):\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs `ties ARGS --json`, asserts success, parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let s = self.ok(&a);
        serde_json::from_str(&s)
            .unwrap_or_else(|e| panic!("ties {args:?} printed invalid JSON ({e}):\n{s}"))
    }

    /// Runs `ties ARGS`, asserts exit code `code`, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.ties().args(args).output().expect("run ties");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "ties {args:?}: expected exit {code}\nstdout: {}\nstderr: {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        stderr
    }
}

/// Row counts of every table, read with rusqlite directly.
pub fn row_counts(db: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(db).expect("open db");
    [
        "contacts",
        "contact_fields",
        "tags",
        "interactions",
        "referrals",
        "referral_events",
        "snoozes",
    ]
    .iter()
    .map(|t| {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .expect("count");
        (t.to_string(), n)
    })
    .collect()
}

/// A fingerprint of a file's bytes (length and a 64-bit hash), printable in failures.
pub fn sha(path: &Path) -> String {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(path).expect("read file");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    format!("{} bytes, hash {:016x}", bytes.len(), h.finish())
}
