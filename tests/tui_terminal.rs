//! The real binary in a real terminal (tmux, through `scripts/tui-drive`):
//! `ties --demo` starts, every pane draws, the filter and help work, and quitting
//! leaves the terminal in its normal state. Skipped, with the reason printed, when
//! tmux is missing (a failure under `CI=true`). Waits are for text to appear, never timings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Command;

/// The repository's own terminal driver, and whether tmux is there to run it. Under
/// `CI=true` a missing tmux fails the test instead of skipping it.
fn script() -> Option<PathBuf> {
    let script = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/tui-drive"));
    assert!(script.is_file(), "scripts/tui-drive is missing");
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is needed for the terminal tests (CI installs it)"
        );
        println!("skipped: tmux is not installed (apt-get install tmux)");
        return None;
    }
    Some(script)
}

struct Drive {
    script: PathBuf,
    name: String,
}

impl Drive {
    fn run(&self, args: &[&str]) -> (bool, String) {
        let out = Command::new("bash")
            .arg(&self.script)
            .arg(args[0])
            .arg(&self.name)
            .args(&args[1..])
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn wait(&self, text: &str) {
        let (ok, out) = self.run(&["wait", text, "20"]);
        assert!(ok, "waiting for {text:?}:\n{out}");
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["keys"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).0);
    }
}

impl Drive {
    /// The terminal's own state, read from tmux and the pane's tty: whether the
    /// alternate screen is on, and whether the tty is back in cooked mode with echo.
    fn terminal_state(&self) -> (bool, bool) {
        let tmux = |fmt: &str| {
            let out = Command::new("tmux")
                .args([
                    "-L",
                    &format!("tui-drive-{}", self.name),
                    "display",
                    "-p",
                    "-t",
                    "main",
                    fmt,
                ])
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        let alternate = tmux("#{alternate_on}") == "1";
        let tty = tmux("#{pane_tty}");
        let stty = Command::new("stty")
            .args(["-F", &tty, "-a"])
            .output()
            .unwrap();
        let modes = String::from_utf8_lossy(&stty.stdout).into_owned();
        let words: Vec<&str> = modes.split_whitespace().collect();
        let cooked = words.contains(&"icanon") && words.contains(&"echo");
        (alternate, cooked)
    }
}

impl Drop for Drive {
    fn drop(&mut self) {
        let _ = self.run(&["stop"]);
    }
}

#[test]
fn demo_runs_in_a_real_terminal_and_restores_it() {
    let Some(script) = script() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_ties");
    let d = Drive {
        script,
        name: format!("ties-test-{}", std::process::id()),
    };
    let (ok, out) = d.run(&[
        "start",
        "100x30",
        "--",
        "env",
        "TIES_TODAY=2026-11-24",
        bin,
        "--demo",
    ]);
    assert!(ok, "{out}");
    d.wait("Ask for an introduction");
    d.keys(&["2"]);
    d.wait("/ filters");
    d.keys(&["3"]);
    d.wait("p pipeline");
    d.keys(&["c"]);
    d.wait("first-touch");
    d.keys(&["4"]);
    d.wait("Waiting (");
    d.keys(&["Tab"]);
    d.wait("What converts");
    d.keys(&["Tab"]);
    d.wait("d records ");
    d.keys(&["BTab", "BTab", "BTab", "BTab", "/"]);
    let (ok, _) = d.run(&["type", "aisha"]);
    assert!(ok);
    d.wait("/aisha");
    d.keys(&["Enter", "?"]);
    d.wait("Esc or ? closes");
    // Separate keys: an Esc followed at once by `q` reads as Alt-q.
    d.keys(&["Escape"]);
    d.wait("clear filter");
    // A demo asks before it is thrown away.
    d.keys(&["q"]);
    d.wait("Quit the demo?");
    d.keys(&["y"]);
    d.wait("[exited 0]");
    let (_, screen) = d.run(&["screen"]);
    // Back on the main screen: the TUI's frame is gone, the shell's lines remain.
    assert!(!screen.contains("Ask for an introduction"), "{screen}");
    assert!(!d.run(&["alive"]).0, "ties should have exited");
    let (alternate, cooked) = d.terminal_state();
    assert!(!alternate, "back on the main screen");
    assert!(cooked, "back in cooked mode with echo");
}

/// A panic inside the interface (forced through the documented `TIES_TEST_PANIC` hook)
/// leaves the terminal usable: cooked mode with echo, the main screen, and the panic
/// message readable on it; the exit status says it failed.
#[test]
fn a_panic_restores_the_terminal() {
    let Some(script) = script() else {
        return;
    };
    let bin = env!("CARGO_BIN_EXE_ties");
    let d = Drive {
        script,
        name: format!("ties-panic-{}", std::process::id()),
    };
    // tui-drive's own "[exited N]" reports the status of an `echo`, so a wrapper shell
    // prints the real exit status.
    let (ok, out) = d.run(&[
        "start",
        "100x30",
        "--",
        "env",
        "TIES_TODAY=2026-11-24",
        "TIES_TEST_PANIC=1",
        "RUST_BACKTRACE=0",
        "bash",
        "-c",
        "\"$0\" --demo; echo \"[status $?]\"",
        bin,
    ]);
    assert!(ok, "{out}");
    d.wait("Ask for an introduction");
    let (alternate, cooked) = d.terminal_state();
    assert!(
        alternate && !cooked,
        "while running: alternate screen and raw mode"
    );
    d.keys(&["j"]);
    d.wait("[status 101]");
    let (_, screen) = d.run(&["screen"]);
    assert!(
        screen.contains("TIES_TEST_PANIC"),
        "the panic message is readable: {screen}"
    );
    assert!(
        !screen.contains("Ask for an introduction"),
        "the interface is gone: {screen}"
    );
    let (alternate, cooked) = d.terminal_state();
    assert!(!alternate, "back on the main screen");
    assert!(cooked, "back in cooked mode with echo");
}
