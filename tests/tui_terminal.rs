//! The real binary in a real terminal (tmux, through `shared/tools/tui-drive`):
//! `ties --demo` starts, every pane draws, the filter and help work, and quitting
//! leaves the terminal in its normal state. Skipped, with the reason printed, when
//! tmux or the script is missing. Waits are for text to appear, never timings.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Command;

fn script() -> Option<PathBuf> {
    [
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/tools/tui-drive"
        )),
        PathBuf::from("/work/shared/tools/tui-drive"),
    ]
    .into_iter()
    .find(|p| p.is_file())
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

impl Drop for Drive {
    fn drop(&mut self) {
        let _ = self.run(&["stop"]);
    }
}

#[test]
fn demo_runs_in_a_real_terminal_and_restores_it() {
    let Some(script) = script() else {
        println!("skipped: shared/tools/tui-drive not found beside the repository");
        return;
    };
    if Command::new("tmux").arg("-V").output().is_err() {
        println!("skipped: tmux is not installed");
        return;
    }
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
    d.wait("done records:");
    d.keys(&["BTab", "BTab", "BTab", "/"]);
    let (ok, _) = d.run(&["type", "aisha"]);
    assert!(ok);
    d.wait("/aisha");
    d.keys(&["Enter", "?"]);
    d.wait("any key closes");
    // Separate keys: an Esc followed at once by `q` reads as Alt-q.
    d.keys(&["Escape"]);
    d.wait("clear filter");
    d.keys(&["q"]);
    d.wait("[exited 0]");
    let (_, screen) = d.run(&["screen"]);
    // Back on the main screen: the TUI's frame is gone, the shell's lines remain.
    assert!(!screen.contains("Ask for an introduction"), "{screen}");
    assert!(!d.run(&["alive"]).0, "ties should have exited");
}
