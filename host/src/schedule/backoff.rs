//! Retry delays: exponential backoff with deterministic jitter.
//!
//! A transient failure (the site answered 429 or 5xx, a request timed out)
//! is retried after `base`, `2·base`, `4·base`, … — each delay scaled by a
//! jitter factor in `[½, 1]` ("equal jitter"), so that sources that failed
//! together (one site down, several sources on it) do not all come back in
//! the same instant. The jitter is a hash of the source, the run and the
//! attempt rather than a random draw: the same run waits the same delays
//! when a test replays it, and there is no random-number generator to seed.
//!
//! A site's `Retry-After` is a floor, never a ceiling: the delay is the
//! longer of the two. A delay past [`MAX_RETRY_WAIT`] is not worth holding a
//! run open for; [`RetryPolicy::delay`] then answers `None` and the run ends
//! failed, to be tried again at the next scheduled run.

use std::time::Duration;

/// The longest a run waits before one retry. A site asking for more (an
/// hour-long `Retry-After`) is tried again at the next scheduled run.
pub const MAX_RETRY_WAIT: Duration = Duration::from_secs(300);

/// How a source retries transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0: none).
    pub retries: u32,
    /// The first retry's delay before jitter; it doubles with each retry.
    pub base: Duration,
}

impl RetryPolicy {
    /// The delay before retry number `attempt` (1-based), given what the site
    /// asked for (`retry_after`) and a `seed` that varies the jitter between
    /// runs and sources. `None` when the retry budget is spent or the wait
    /// would exceed [`MAX_RETRY_WAIT`].
    pub fn delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        seed: u64,
    ) -> Option<Duration> {
        if attempt == 0 || attempt > self.retries {
            return None;
        }
        let exponential = self
            .base
            .saturating_mul(1u32 << (attempt - 1).min(20))
            .min(MAX_RETRY_WAIT);
        // Equal jitter: half the delay fixed, half scaled by [0, 1].
        let unit = jitter_unit(seed, attempt);
        let jittered = exponential / 2 + exponential.mul_f64(unit / 2.0);
        let wait = jittered.max(retry_after.unwrap_or_default());
        (wait <= MAX_RETRY_WAIT).then_some(wait)
    }
}

/// A seed for [`RetryPolicy::delay`] from the source name and run id.
pub fn seed(source: &str, run: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in source.bytes().chain([0]).chain(run.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A number in `[0, 1]` from `seed` and `attempt` (splitmix64's finaliser).
fn jitter_unit(seed: u64, attempt: u32) -> f64 {
    let mut z = seed ^ u64::from(attempt).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 11) as f64 / ((1u64 << 53) - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        retries: 4,
        base: Duration::from_millis(1000),
    };

    #[test]
    fn delays_double_within_their_jitter_band() {
        for seed in [0, 1, 42, u64::MAX] {
            for attempt in 1..=4u32 {
                let full = Duration::from_millis(1000 * (1 << (attempt - 1)));
                let d = POLICY.delay(attempt, None, seed).unwrap();
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
            }
        }
    }

    #[test]
    fn budget_is_respected() {
        assert!(POLICY.delay(0, None, 7).is_none());
        assert!(POLICY.delay(5, None, 7).is_none());
        let none = RetryPolicy {
            retries: 0,
            base: Duration::from_millis(500),
        };
        assert!(none.delay(1, None, 7).is_none());
    }

    #[test]
    fn retry_after_is_a_floor() {
        let d = POLICY.delay(1, Some(Duration::from_secs(7)), 3).unwrap();
        assert_eq!(d, Duration::from_secs(7));
        // A short Retry-After does not shorten the backoff.
        let d = POLICY.delay(3, Some(Duration::from_millis(10)), 3).unwrap();
        assert!(d >= Duration::from_secs(2), "{d:?}");
        // A site asking for an hour is retried at the next run instead.
        assert!(
            POLICY
                .delay(1, Some(Duration::from_secs(3600)), 3)
                .is_none()
        );
    }

    #[test]
    fn jitter_is_deterministic_and_spreads() {
        let a = POLICY.delay(2, None, seed("forum", "r-1"));
        assert_eq!(a, POLICY.delay(2, None, seed("forum", "r-1")));
        let distinct: std::collections::HashSet<Duration> = (0..50)
            .filter_map(|i| POLICY.delay(2, None, seed("forum", &format!("r-{i}"))))
            .collect();
        assert!(distinct.len() > 40, "{}", distinct.len());
        // Source and run are separated: ("ab", "c") is not ("a", "bc").
        assert_ne!(seed("ab", "c"), seed("a", "bc"));
    }

    #[test]
    fn huge_bases_saturate_instead_of_overflowing() {
        let p = RetryPolicy {
            retries: 40,
            base: Duration::from_secs(u64::MAX / 4),
        };
        assert!(p.delay(40, None, 1).is_some_and(|d| d <= MAX_RETRY_WAIT));
    }
}
