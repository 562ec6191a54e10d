//! The `hearken` binary: parse the command line, run the command, map the
//! outcome to an exit code (0 ok, 1 the work failed, 2 bad usage or config).

use std::process::ExitCode;

/// mimalloc rather than the system allocator: ingest allocates and frees
/// small strings on several threads at once (plugin batches, the analysis,
/// tantivy's documents), and glibc's malloc spent a tenth of a profiled run
/// in `_int_malloc`, `_int_free` and `malloc_consolidate`. The scale bench
/// sets the same allocator, so its figures are this binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    hearken::cli::main()
}
