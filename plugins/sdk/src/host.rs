//! Typed access to what the host offers a plugin: `http-get`, `read-input`,
//! `log` and `now`.
//!
//! Inside the component these call the imports directly. Built natively (a
//! plugin's `cargo test`), the generated import stubs would trap on first
//! use, so each function here has a native stand-in instead: [`now`] reads
//! the system clock, [`log`] writes to stderr, and [`http_get`] and
//! [`read_input`] return an error that says they only exist inside the host.
//! Tests that need the network give the code under test a
//! [`crate::http::Transport`] (for instance [`crate::http::MemorySite`])
//! rather than calling these.
//!
//! Most plugins use [`crate::http`] rather than [`http_get`]: it adds status
//! handling and decoding on top.

pub use crate::bindings::hearken::source::host::{HttpError, HttpResponse, InputError, Level};

/// GETs `url` through the host's capability gate, with extra request
/// `headers`. The host follows redirects (checking each against the granted
/// hosts) and returns the final response whatever its status.
pub fn http_get(url: &str, headers: &[(String, String)]) -> Result<HttpResponse, HttpError> {
    #[cfg(target_family = "wasm")]
    {
        crate::bindings::hearken::source::host::http_get(url, headers)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        let _ = (url, headers);
        Err(HttpError::Denied(
            "http-get is only available inside the Hearken host; native tests use an http::Transport".into(),
        ))
    }
}

/// Reads an input file the operator named in the source's configuration.
pub fn read_input(name: &str) -> Result<Vec<u8>, InputError> {
    #[cfg(target_family = "wasm")]
    {
        crate::bindings::hearken::source::host::read_input(name)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        Err(InputError::NotGranted(format!(
            "read-input of `{name}` is only available inside the Hearken host"
        )))
    }
}

/// Writes `message` to the host's log at `level`. The host de-identifies it
/// before it reaches the log. Prefer the [`crate::info!`]-style macros.
pub fn log(level: Level, message: &str) {
    #[cfg(target_family = "wasm")]
    {
        crate::bindings::hearken::source::host::log(level, message)
    }
    #[cfg(not(target_family = "wasm"))]
    {
        eprintln!("[{}] {message}", level_name(level));
    }
}

/// The current time in seconds since the Unix epoch, UTC: the only clock a
/// plugin has.
pub fn now() -> i64 {
    #[cfg(target_family = "wasm")]
    {
        crate::bindings::hearken::source::host::now()
    }
    #[cfg(not(target_family = "wasm"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}

/// The lower-case name of a level, as logs print it.
pub fn level_name(level: Level) -> &'static str {
    match level {
        Level::Trace => "trace",
        Level::Debug => "debug",
        Level::Info => "info",
        Level::Warn => "warn",
        Level::Error => "error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_stand_ins_do_not_trap() {
        assert!(
            now() > 1_600_000_000,
            "the native clock is the system clock"
        );
        assert!(matches!(
            http_get("http://127.0.0.1/", &[]),
            Err(HttpError::Denied(_))
        ));
        assert!(
            matches!(read_input("a.vtt"), Err(InputError::NotGranted(m)) if m.contains("a.vtt"))
        );
        log(Level::Info, "logging natively goes to stderr");
        assert_eq!(level_name(Level::Warn), "warn");
    }
}
