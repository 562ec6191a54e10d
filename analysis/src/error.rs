//! The one error type of this crate.
//!
//! Errors say *what* went wrong and *where* (a file and line, a codebook and
//! theme id) and never quote the text being analysed: analysis runs on
//! de-identified text, but an error message is the kind of thing that ends up
//! in a log someone pastes into a ticket.

use std::path::PathBuf;

/// Everything that can go wrong in analysis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// A codebook could not be parsed as TOML or does not fit the schema.
    #[error("codebook `{origin}`: {source}")]
    CodebookParse {
        /// Where the codebook came from (a path or `built-in trial codebook`).
        origin: String,
        /// The TOML error, with line and column.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A codebook parsed but breaks a rule (duplicate id, empty term, …).
    /// Every problem found is listed, not just the first.
    #[error("codebook `{origin}` is invalid:\n  - {}", problems.join("\n  - "))]
    CodebookInvalid {
        /// Where the codebook came from.
        origin: String,
        /// One line per problem, each naming the section and field.
        problems: Vec<String>,
    },
    /// A language configuration names a language the detector does not know.
    #[error("language config: `{code}` is not an ISO 639-1 code the detector supports")]
    UnknownLanguage {
        /// The code as configured.
        code: String,
    },
    /// An evaluation file could not be read.
    #[error("reading `{}`: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An evaluation file has a line that does not fit its format.
    #[error("`{}` line {line}: {message}", path.display())]
    Data {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it (never the line's content).
        message: String,
    },
}
