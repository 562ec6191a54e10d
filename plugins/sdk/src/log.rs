//! `format!`-style logging macros over the host's `log` import.
//!
//! They mirror `tracing`'s and `log`'s names (`info!`, `warn!` …) so they
//! read as expected, but carry no structured fields: the contract's `log`
//! takes one string. The host de-identifies every message before it is
//! written, so quoting parsed text is safe, but it is also pointless and
//! slows a run down: log what happened (URLs, counts, ids), not what people
//! wrote.

/// Logs a `format!`-style message at an explicit [`crate::host::Level`]:
/// `log!(Level::Warn, "skipped {n} posts")`.
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)+) => {
        $crate::host::log($level, &::std::format!($($arg)+))
    };
}

/// Logs a `format!`-style message at trace level.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => { $crate::log!($crate::host::Level::Trace, $($arg)+) };
}

/// Logs a `format!`-style message at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => { $crate::log!($crate::host::Level::Debug, $($arg)+) };
}

/// Logs a `format!`-style message at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => { $crate::log!($crate::host::Level::Info, $($arg)+) };
}

/// Logs a `format!`-style message at warn level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => { $crate::log!($crate::host::Level::Warn, $($arg)+) };
}

/// Logs a `format!`-style message at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => { $crate::log!($crate::host::Level::Error, $($arg)+) };
}
