//! Seeded randomness that stays the same across dependency upgrades.
//!
//! Every byte the generator writes must be a function of the configuration
//! and the seed alone. Two decisions make that hold:
//!
//! * **Our own sampling helpers.** `rand`'s distributions (uniform ranges,
//!   `choose`, `shuffle`) are free to change their algorithms between minor
//!   versions, and a changed algorithm silently changes every corpus. We take
//!   only raw `u64`s from ChaCha8 (whose stream is fixed by its specification)
//!   and do the ranges, picks and shuffles here.
//! * **One stream per unit of work.** Each thread, feed item and transcript
//!   gets its own generator, derived from `(seed, purpose, index)` with
//!   SplitMix64. Generating thread 17 therefore never depends on how many
//!   numbers thread 16 happened to draw, which keeps a template change local
//!   and lets a later version generate parts of a corpus in parallel.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng as _, SeedableRng};

/// SplitMix64's finaliser: a bijective, well-mixed 64-bit hash.
pub(crate) const fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a over a purpose label, so that streams are named rather than numbered.
const fn label_hash(label: &str) -> u64 {
    let bytes = label.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

/// A deterministic random source with the few sampling helpers the
/// generator needs.
pub(crate) struct Rand {
    inner: ChaCha8Rng,
}

impl Rand {
    /// The generator for `(seed, purpose, index)`.
    pub(crate) fn derive(seed: u64, purpose: &str, index: u64) -> Self {
        let mut state = mix64(seed ^ label_hash(purpose)) ^ mix64(index.wrapping_add(0x5151));
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(8) {
            state = mix64(state);
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        Self {
            inner: ChaCha8Rng::from_seed(key),
        }
    }

    /// A raw 64-bit value.
    pub(crate) fn next(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias for the small
    /// `n` used here is below 2^-40 and irrelevant to synthetic text).
    /// Returns 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`; `lo` when `hi < lo`.
    pub(crate) fn between(&mut self, lo: usize, hi: usize) -> usize {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice (an empty one would be a bug in the
    /// static tables, so we index and let the tests catch it).
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An index drawn in proportion to `weights` (all zero → uniform).
    pub(crate) fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return self.below(weights.len());
        }
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len().saturating_sub(1)
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_inputs_same_stream_and_purposes_differ() {
        let a: Vec<u64> = (0..4).map(|_| Rand::derive(7, "forum", 3).next()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut x = Rand::derive(7, "forum", 3);
        let mut y = Rand::derive(7, "feed", 3);
        let mut z = Rand::derive(7, "forum", 4);
        let (x, y, z) = (x.next(), y.next(), z.next());
        assert_ne!(x, y);
        assert_ne!(x, z);
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut r = Rand::derive(1, "t", 0);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            let b = r.between(3, 5);
            assert!((3..=5).contains(&b));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            assert_eq!(r.weighted(&[0.0, 1.0, 0.0]), 1);
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.between(9, 2), 9);
    }

    #[test]
    fn weighted_follows_weights_roughly() {
        let mut r = Rand::derive(2, "w", 0);
        let mut counts = [0usize; 2];
        for _ in 0..20_000 {
            counts[r.weighted(&[3.0, 1.0])] += 1;
        }
        let share = counts[0] as f64 / 20_000.0;
        assert!((0.72..0.78).contains(&share), "share {share}");
    }
}
