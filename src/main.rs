//! The `ties` binary: parse arguments, run, map errors to one line on stderr and an exit code.

use std::process::ExitCode;

/// mimalloc instead of the system allocator: scoring a large book allocates and frees
/// millions of small strings (reasons, items), where glibc's malloc spends a third of
/// the time consolidating and freeing (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    ties::cli::main()
}
