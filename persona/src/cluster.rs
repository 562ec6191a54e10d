//! Seeded k-means and the choice of k.
//!
//! Reproducibility is the point here, so every source of variation is
//! pinned down:
//!
//! * **Randomness** comes only from a ChaCha8 stream seeded from
//!   `(seed, k, restart)` through SplitMix64. We take raw `u64`s from it and
//!   turn them into `[0, 1)` floats ourselves (`u >> 11` × 2⁻⁵³), so a
//!   change in `rand`'s float sampling can never move a seed.
//! * **Seeding** is k-means++ (D² sampling), scanning points in unit order.
//! * **Lloyd iterations** assign points in order; a tie between centres
//!   goes to the lower index; an empty cluster is re-seeded with the point
//!   farthest from its centre (lowest index on a tie). At most
//!   [`MAX_ITER`] iterations, stopping when no assignment changes.
//! * **Restarts**: the run with the lowest within-cluster sum of squares
//!   wins, the earliest on a tie.
//! * **Labels** are canonical: clusters are renumbered by size (largest
//!   first), then by their first member, so the same partition always gets
//!   the same labels whichever restart found it.
//!
//! **Choosing k.** Unless the user fixes it, k is the value in
//! `2..=max_count` with the highest mean silhouette (Rousseeuw 1987) among
//! the *eligible* ks — those whose smallest cluster has at least
//! `min_authors` units, because a smaller persona could not carry a single
//! strong claim. Ties go to the smaller k. Silhouette needs all pairwise
//! distances; above [`SILHOUETTE_SAMPLE`] units they are computed on a
//! seeded sample of that many units, which keeps the cost quadratic in a
//! constant rather than in the corpus.

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

use crate::features::Features;

/// Most Lloyd iterations per restart.
pub(crate) const MAX_ITER: usize = 100;
/// Most units the silhouette is computed over.
pub(crate) const SILHOUETTE_SAMPLE: usize = 1500;

/// A partition found by k-means.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clustering {
    pub k: usize,
    /// Canonical cluster label per unit.
    pub labels: Vec<usize>,
    /// Centroids, row-major `k × cols`, in canonical label order.
    pub centroids: Vec<f64>,
    /// Within-cluster sum of squared distances.
    pub inertia: f64,
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn rng_for(seed: u64, k: usize, restart: usize) -> ChaCha8Rng {
    let s = splitmix(splitmix(splitmix(seed) ^ k as u64) ^ restart as u64);
    ChaCha8Rng::seed_from_u64(s)
}

/// A uniform float in `[0, 1)` from 53 random bits.
fn unit_f64(rng: &mut ChaCha8Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// k-means++ seeding: indexes of the initial centres.
fn seed_centres(x: &Features, k: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let n = x.rows;
    let mut centres = Vec::with_capacity(k);
    let first = (rng.next_u64() % n as u64) as usize;
    centres.push(first);
    let mut d2: Vec<f64> = (0..n).map(|i| sq_dist(x.row(i), x.row(first))).collect();
    while centres.len() < k {
        let total: f64 = d2.iter().sum();
        let next = if total > 0.0 {
            let target = unit_f64(rng) * total;
            let mut acc = 0.0;
            let mut pick = None;
            for (i, &d) in d2.iter().enumerate() {
                acc += d;
                if d > 0.0 && acc > target {
                    pick = Some(i);
                    break;
                }
            }
            // Rounding can leave `acc` a hair below `target`: take the last
            // point with positive weight.
            pick.or_else(|| d2.iter().rposition(|&d| d > 0.0))
        } else {
            None
        };
        // All remaining points coincide with a centre: take the first
        // point not yet a centre (duplicates make empty clusters, which
        // Lloyd's step then handles).
        let next = match next {
            Some(i) => i,
            None => match (0..n).find(|i| !centres.contains(i)) {
                Some(i) => i,
                None => break,
            },
        };
        centres.push(next);
        for (i, d) in d2.iter_mut().enumerate() {
            let nd = sq_dist(x.row(i), x.row(next));
            if nd < *d {
                *d = nd;
            }
        }
    }
    centres
}

fn nearest(row: &[f64], centroids: &[f64], k: usize, cols: usize) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for c in 0..k {
        let d = sq_dist(row, &centroids[c * cols..(c + 1) * cols]);
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

fn lloyd(x: &Features, k: usize, start: &[usize]) -> Clustering {
    let (n, cols) = (x.rows, x.cols);
    let mut centroids = vec![0.0; k * cols];
    for (c, &i) in start.iter().enumerate() {
        centroids[c * cols..(c + 1) * cols].copy_from_slice(x.row(i));
    }
    let mut labels = vec![usize::MAX; n];
    for _ in 0..MAX_ITER {
        let mut changed = false;
        let mut dist = vec![0.0; n];
        for i in 0..n {
            let (c, d) = nearest(x.row(i), &centroids, k, cols);
            dist[i] = d;
            if labels[i] != c {
                labels[i] = c;
                changed = true;
            }
        }
        // Re-seed empty clusters with the farthest points.
        let mut counts = vec![0usize; k];
        for &l in &labels {
            counts[l] += 1;
        }
        for c in 0..k {
            if counts[c] > 0 {
                continue;
            }
            let mut far: Option<usize> = None;
            for i in 0..n {
                if counts[labels[i]] > 1 && far.is_none_or(|f| dist[i] > dist[f]) {
                    far = Some(i);
                }
            }
            if let Some(i) = far {
                counts[labels[i]] -= 1;
                labels[i] = c;
                counts[c] = 1;
                dist[i] = 0.0;
                changed = true;
            }
        }
        // Recompute centroids.
        let mut sums = vec![0.0; k * cols];
        for (i, &l) in labels.iter().enumerate() {
            for (s, v) in sums[l * cols..(l + 1) * cols].iter_mut().zip(x.row(i)) {
                *s += v;
            }
        }
        for c in 0..k {
            if counts[c] > 0 {
                let inv = 1.0 / counts[c] as f64;
                for (dst, s) in centroids[c * cols..(c + 1) * cols]
                    .iter_mut()
                    .zip(&sums[c * cols..(c + 1) * cols])
                {
                    *dst = s * inv;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let inertia = (0..n)
        .map(|i| {
            sq_dist(
                x.row(i),
                &centroids[labels[i] * cols..(labels[i] + 1) * cols],
            )
        })
        .sum();
    canonical(
        Clustering {
            k,
            labels,
            centroids,
            inertia,
        },
        cols,
    )
}

/// Renumber clusters: largest first, then by first member.
fn canonical(c: Clustering, cols: usize) -> Clustering {
    let k = c.k;
    let mut size = vec![0usize; k];
    let mut first = vec![usize::MAX; k];
    for (i, &l) in c.labels.iter().enumerate() {
        size[l] += 1;
        first[l] = first[l].min(i);
    }
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&a, &b| size[b].cmp(&size[a]).then(first[a].cmp(&first[b])));
    let mut new_of = vec![0; k];
    for (new, &old) in order.iter().enumerate() {
        new_of[old] = new;
    }
    let mut centroids = vec![0.0; k * cols];
    for (new, &old) in order.iter().enumerate() {
        centroids[new * cols..(new + 1) * cols]
            .copy_from_slice(&c.centroids[old * cols..(old + 1) * cols]);
    }
    Clustering {
        k,
        labels: c.labels.iter().map(|&l| new_of[l]).collect(),
        centroids,
        inertia: c.inertia,
    }
}

/// Best of `restarts` seeded k-means runs. `k` must be in `1..=rows`.
pub(crate) fn kmeans(x: &Features, k: usize, seed: u64, restarts: usize) -> Clustering {
    let k = k.clamp(1, x.rows.max(1));
    let mut best: Option<Clustering> = None;
    for r in 0..restarts.max(1) {
        let mut rng = rng_for(seed, k, r);
        let start = seed_centres(x, k, &mut rng);
        let run = lloyd(x, start.len(), &start);
        if best.as_ref().is_none_or(|b| run.inertia < b.inertia) {
            best = Some(run);
        }
    }
    // `restarts.max(1)` guarantees one run; fall back to one cluster anyway.
    best.unwrap_or_else(|| lloyd(x, 1, &[0]))
}

/// Pairwise Euclidean distances over a subset of rows, condensed.
pub(crate) struct Distances {
    pub idx: Vec<usize>,
    d: Vec<f64>,
}

impl Distances {
    pub fn new(x: &Features, seed: u64) -> Self {
        let n = x.rows;
        let idx: Vec<usize> = if n <= SILHOUETTE_SAMPLE {
            (0..n).collect()
        } else {
            // Seeded partial Fisher–Yates, then sorted back into unit order.
            let mut all: Vec<usize> = (0..n).collect();
            let mut rng = rng_for(seed, usize::MAX, usize::MAX);
            for i in 0..SILHOUETTE_SAMPLE {
                let j = i + (rng.next_u64() % (n - i) as u64) as usize;
                all.swap(i, j);
            }
            let mut s = all[..SILHOUETTE_SAMPLE].to_vec();
            s.sort_unstable();
            s
        };
        let m = idx.len();
        let mut d = vec![0.0; m * m];
        for a in 0..m {
            for b in (a + 1)..m {
                let v = sq_dist(x.row(idx[a]), x.row(idx[b])).sqrt();
                d[a * m + b] = v;
                d[b * m + a] = v;
            }
        }
        Self { idx, d }
    }

    /// Mean silhouette of `labels` (over all units) on the sampled units.
    /// A unit alone in its cluster scores 0 (Rousseeuw's convention).
    pub fn silhouette(&self, labels: &[usize], k: usize) -> Option<f64> {
        let m = self.idx.len();
        if k < 2 || m < 2 {
            return None;
        }
        let lab: Vec<usize> = self.idx.iter().map(|&i| labels[i]).collect();
        let mut count = vec![0usize; k];
        for &l in &lab {
            count[l] += 1;
        }
        let mut total = 0.0;
        let mut sums = vec![0.0; k];
        for a in 0..m {
            sums.iter_mut().for_each(|s| *s = 0.0);
            for b in 0..m {
                if a != b {
                    sums[lab[b]] += self.d[a * m + b];
                }
            }
            let own = lab[a];
            if count[own] <= 1 {
                continue;
            }
            let ai = sums[own] / (count[own] - 1) as f64;
            let bi = (0..k)
                .filter(|&c| c != own && count[c] > 0)
                .map(|c| sums[c] / count[c] as f64)
                .fold(f64::INFINITY, f64::min);
            if !bi.is_finite() {
                continue;
            }
            let denom = ai.max(bi);
            if denom > 0.0 {
                total += (bi - ai) / denom;
            }
        }
        Some(total / m as f64)
    }
}

/// The outcome of trying one k.
#[derive(Debug, Clone)]
pub(crate) struct Trial {
    pub clustering: Clustering,
    pub silhouette: Option<f64>,
    pub smallest: usize,
    pub eligible: bool,
}

/// Run k-means for one k and score it.
pub(crate) fn trial(
    x: &Features,
    dist: &Distances,
    k: usize,
    seed: u64,
    restarts: usize,
    min_units: usize,
) -> Trial {
    let clustering = kmeans(x, k, seed, restarts);
    let mut size = vec![0usize; clustering.k];
    for &l in &clustering.labels {
        size[l] += 1;
    }
    let smallest = size.iter().copied().min().unwrap_or(0);
    let silhouette = dist.silhouette(&clustering.labels, clustering.k);
    Trial {
        eligible: smallest >= min_units && clustering.k == k,
        silhouette,
        smallest,
        clustering,
    }
}

/// Index of the trial to choose: highest silhouette among eligible
/// trials, smaller k on a tie (trials come in ascending k).
pub(crate) fn choose(trials: &[Trial]) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, t) in trials.iter().enumerate() {
        let Some(s) = t.silhouette.filter(|_| t.eligible) else {
            continue;
        };
        if best.is_none_or(|(_, bs)| s > bs) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FeatureBlock;

    fn feats(points: &[[f64; 2]]) -> Features {
        Features {
            rows: points.len(),
            cols: 2,
            data: points.iter().flatten().copied().collect(),
            blocks: Vec::<FeatureBlock>::new(),
        }
    }

    fn blobs() -> Features {
        // Three tight blobs of sizes 5, 4, 3.
        let mut p = Vec::new();
        for i in 0..5 {
            p.push([0.0 + 0.01 * i as f64, 0.0]);
        }
        for i in 0..4 {
            p.push([5.0, 5.0 + 0.01 * i as f64]);
        }
        for i in 0..3 {
            p.push([10.0 + 0.01 * i as f64, 0.0]);
        }
        feats(&p)
    }

    #[test]
    fn kmeans_recovers_blobs_with_canonical_labels() {
        let x = blobs();
        let c = kmeans(&x, 3, 7, 5);
        assert_eq!(c.labels, vec![0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
        // Centroid of blob 2 is its mean.
        assert!((c.centroids[4] - 10.01).abs() < 1e-9);
        assert!((c.centroids[5]).abs() < 1e-12);
    }

    #[test]
    fn kmeans_is_identical_across_calls_and_seed_matters_only_to_search() {
        let x = blobs();
        let a = kmeans(&x, 3, 1, 3);
        let b = kmeans(&x, 3, 1, 3);
        assert_eq!(a, b);
        // On clean blobs any seed finds the same canonical partition.
        let c = kmeans(&x, 3, 99, 3);
        assert_eq!(a.labels, c.labels);
    }

    #[test]
    fn silhouette_picks_three_on_three_blobs() {
        let x = blobs();
        let d = Distances::new(&x, 1);
        let trials: Vec<Trial> = (2..=5).map(|k| trial(&x, &d, k, 1, 5, 2)).collect();
        let i = choose(&trials).unwrap();
        assert_eq!(trials[i].clustering.k, 3);
        // Tight, far blobs: silhouette close to 1.
        assert!(trials[i].silhouette.unwrap() > 0.95);
    }

    #[test]
    fn silhouette_matches_hand_computation() {
        // Points 0, 1 in cluster 0; 4 in cluster 1 (1-D).
        // s(0): a = 1, b = 4 → 0.75; s(1): a = 1, b = 3 → 2/3; s(4): singleton → 0.
        let x = feats(&[[0.0, 0.0], [1.0, 0.0], [4.0, 0.0]]);
        let d = Distances::new(&x, 0);
        let s = d.silhouette(&[0, 0, 1], 2).unwrap();
        let want = (0.75 + 2.0 / 3.0 + 0.0) / 3.0;
        assert!((s - want).abs() < 1e-12, "{s} vs {want}");
    }

    #[test]
    fn duplicates_do_not_break_seeding() {
        let x = feats(&[[1.0, 1.0]; 4]);
        let c = kmeans(&x, 3, 5, 2);
        assert_eq!(c.labels.len(), 4);
        assert!(c.labels.iter().all(|&l| l < 3));
        assert_eq!(c.inertia, 0.0);
    }

    #[test]
    fn small_clusters_are_not_eligible() {
        let x = blobs();
        let d = Distances::new(&x, 1);
        // With min 4 units a cluster, the 3-unit blob makes k=3 ineligible.
        let t = trial(&x, &d, 3, 1, 5, 4);
        assert_eq!(t.smallest, 3);
        assert!(!t.eligible);
    }
}
