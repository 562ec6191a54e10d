//! The only place the store reads the time.
//!
//! Every timestamp the store writes (run start and end, cursor updates,
//! audit entries, cache fetch times) comes from one [`Clock`] held by the
//! store, read once per operation. The default is the system clock; tests
//! pass a scripted one so that run ids and ordering are deterministic.
//! Times are stored as unix milliseconds (UTC, BIGINT): they compare and
//! index as plain integers on both SQLite and PostgreSQL, need no time-zone
//! handling in SQL, and are converted to RFC 3339 only at the edge
//! ([`RunRecord`](crate::RunRecord) and [`AuditRecord`](crate::AuditRecord)
//! serialize them that way).

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use time::OffsetDateTime;
use time::macros::format_description;

/// A source of "now" in unix milliseconds.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> i64 + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(|| {
            match SystemTime::now().duration_since(UNIX_EPOCH) {
                Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
                // A clock set before 1970 is broken; say 0 rather than fail.
                Err(_) => 0,
            }
        }))
    }

    /// A clock that calls `f` for every reading (tests, replays).
    pub fn from_fn(f: impl Fn() -> i64 + Send + Sync + 'static) -> Clock {
        Clock(Arc::new(f))
    }

    /// Now, in unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        (self.0)()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Clock")
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::system()
    }
}

/// Unix milliseconds as a UTC date-time; out-of-range values clamp to the
/// epoch (they can only come from a broken clock).
pub(crate) fn datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The second of `ms` as `20250304T101500Z`, the time part of a run id.
pub(crate) fn run_stamp(ms: i64) -> String {
    let fmt = format_description!("[year][month][day]T[hour][minute][second]Z");
    datetime(ms)
        .format(fmt)
        .unwrap_or_else(|_| "19700101T000000Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        // 2025-03-04T10:15:00.250Z
        assert_eq!(run_stamp(1_741_083_300_250), "20250304T101500Z");
        assert_eq!(run_stamp(0), "19700101T000000Z");
        assert_eq!(datetime(1_500).unix_timestamp_nanos(), 1_500_000_000);
    }

    #[test]
    fn system_clock_is_after_2024() {
        assert!(Clock::system().now_ms() > 1_704_067_200_000);
    }
}
