//! The `ties` binary: parse arguments, run, map errors to one line on stderr and an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    ties::cli::main()
}
