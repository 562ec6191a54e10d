//! Schedules: when `hearken daemon` runs each source.
//!
//! A schedule is either a fixed interval (`every 6h`, `every 30m`,
//! `every 1d`) — the common case, and the one that needs no thought about
//! time zones — or a cron expression (`0 */6 * * *`, parsed by `croner`,
//! evaluated in UTC). After downtime the daemon runs a source once, not once
//! per missed slot: [`Schedule::next_after`] only ever looks forward from the
//! last run.

pub mod backoff;
pub mod metrics;
pub mod runner;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// When a source runs.
#[derive(Debug, Clone)]
pub enum Schedule {
    /// A fixed interval after the previous run started.
    Every(Duration),
    /// A cron expression, in UTC.
    Cron(Box<croner::Cron>),
}

/// A schedule that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "schedule `{text}` is not understood: {reason} (write `every 6h`, `every 30m`, or a cron expression like `0 */6 * * *`)"
)]
pub struct ScheduleError {
    text: String,
    reason: String,
}

impl Schedule {
    /// Parse `every N{s,m,h,d}` or a cron expression.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let err = |reason: &str| ScheduleError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let t = text.trim();
        if let Some(rest) = t.strip_prefix("every") {
            let rest = rest.trim();
            let split = rest
                .find(|c: char| !c.is_ascii_digit())
                .ok_or_else(|| err("the interval needs a unit: s, m, h or d"))?;
            let (num, unit) = rest.split_at(split);
            let n: u64 = num
                .parse()
                .map_err(|_| err("the interval must start with a whole number"))?;
            let secs = match unit.trim() {
                "s" => n,
                "m" => n * 60,
                "h" => n * 3600,
                "d" => n * 86_400,
                _ => return Err(err("the interval's unit must be s, m, h or d")),
            };
            if secs == 0 {
                return Err(err("the interval must be longer than zero"));
            }
            return Ok(Schedule::Every(Duration::from_secs(secs)));
        }
        let cron = croner::Cron::from_str(t).map_err(|e| err(&e.to_string()))?;
        Ok(Schedule::Cron(Box::new(cron)))
    }

    /// The first time strictly after `last` (or after `now` if the source has
    /// never run) when the source is due.
    pub fn next_after(&self, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Schedule::Every(d) => match last {
                Some(last) => {
                    last + chrono::Duration::from_std(*d).unwrap_or(chrono::Duration::hours(1))
                }
                None => now,
            },
            Schedule::Cron(cron) => {
                let from = last.unwrap_or(now);
                cron.find_next_occurrence(&from, false)
                    .unwrap_or(from + chrono::Duration::days(365))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert!(
            matches!(Schedule::parse("every 6h"), Ok(Schedule::Every(d)) if d == Duration::from_secs(21_600))
        );
        assert!(
            matches!(Schedule::parse("every 30m"), Ok(Schedule::Every(d)) if d == Duration::from_secs(1_800))
        );
        assert!(Schedule::parse("every 0m").is_err());
        assert!(Schedule::parse("every h").is_err());
        let e = Schedule::parse("every 5 weeks").unwrap_err().to_string();
        assert!(e.contains("unit must be"), "{e}");
    }

    #[test]
    fn cron_next_is_forward_only() {
        let s = Schedule::parse("0 */6 * * *").unwrap();
        let now: DateTime<Utc> = "2025-03-04T10:15:00Z".parse().unwrap();
        let last: DateTime<Utc> = "2025-03-01T00:00:00Z".parse().unwrap();
        // Days of downtime: one run due at the next slot after the last run,
        // and the caller runs once then looks forward from now.
        assert_eq!(
            s.next_after(Some(last), now).to_rfc3339(),
            "2025-03-01T06:00:00+00:00"
        );
        assert_eq!(
            s.next_after(None, now).to_rfc3339(),
            "2025-03-04T12:00:00+00:00"
        );
        assert!(Schedule::parse("61 * * * *").is_err());
    }
}
