//! The `hearken` binary: parse the command line, run the command, map the
//! outcome to an exit code (0 ok, 1 the work failed, 2 bad usage or config).

use std::process::ExitCode;

fn main() -> ExitCode {
    hearken::cli::main()
}
