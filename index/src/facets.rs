//! Facet counts and the date histogram, in one pass over the result set.
//!
//! # Why a collector of our own
//!
//! Researchers read the facet counts as "how many of the matching posts
//! are about travel", so they must cover the *whole* result set, not the
//! page of hits on screen. tantivy offers two general tools for that — the
//! aggregation framework (a JSON request, an intermediate tree, string
//! keys per bucket) and `FacetCollector` (for hierarchical `Facet` fields)
//! — but what we count is a handful of flat keyword values per document.
//!
//! So the schema keeps every facet value of a document in one
//! dictionary-encoded fast column, `facet`, each value tagged by its facet
//! (`t:travel_burden`, `s:negative`, `o:forum`, `g:screening`,
//! `c:role:caregiver`). Per segment, this collector bumps a counter indexed
//! by each value's *term ordinal*, and turns ordinals into strings once,
//! at harvest. A hit costs one column lookup, whatever the number of
//! facets, and touches no string and no document store. Hits are
//! processed in blocks of [`BLOCK`] (tantivy hands over blocks itself when
//! nothing is scored; scored hits are buffered into blocks here), so the
//! column is read with batched, bit-unpacking calls. That is what keeps a
//! match-all query with facets inside the search budget at a million
//! documents.
//!
//! A query that matches every document (the dashboard view: everything,
//! newest first, with its facets) needs no per-hit work at all on a
//! segment without deletions: each facet value is also indexed as a term
//! of its own field, once per document, so a term's document frequency in
//! the dictionary *is* its count. Such segments are counted from their
//! dictionaries ([`MatchAll`]); a segment with deletions is counted hit by
//! hit as above, since document frequencies still include deleted
//! documents.
//!
//! The histogram counts per *day* while collecting (a dense vector over
//! the segment's date range: one add per hit), and folds days into weeks
//! or months once at the end; calendar arithmetic never runs per hit.
//!
//! Buckets run contiguously from the first to the last non-empty one, with
//! zero counts in between, so a trend line has no silent gaps; when that
//! would be more than [`MAX_CONTIGUOUS_BUCKETS`] buckets (a stray 1970
//! date, say), only the non-empty buckets are returned.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::schema::Field;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};
use time::{Date, Month, OffsetDateTime};

use crate::schema::{FacetTag, Fields, names};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// The widest date range (in days) counted with a dense vector per segment.
const MAX_DENSE_DAYS: i64 = 1 << 17;
/// Beyond this many buckets, empty ones are left out of the histogram.
pub const MAX_CONTIGUOUS_BUCKETS: usize = 5_000;

/// Hits buffered before a batched column read.
pub const BLOCK: usize = 64;

/// One value of a facet and how many matching documents have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    /// The value (a theme id, a sentiment label, a source name, a stage,
    /// or a cue as `kind:value`).
    pub value: String,
    /// Matching documents with that value.
    pub count: u64,
}

/// Facet counts over the whole result set, each list sorted by count
/// (highest first), then by value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Codebook themes. A document with several themes counts once in each.
    pub theme: Vec<FacetCount>,
    /// Document sentiment labels.
    pub sentiment: Vec<FacetCount>,
    /// Sources.
    pub source: Vec<FacetCount>,
    /// Journey stages (documents without a stage are not counted).
    pub stage: Vec<FacetCount>,
    /// Persona cues, `kind:value`.
    pub cue: Vec<FacetCount>,
}

/// The width of a histogram bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// ISO weeks, Monday to Sunday (UTC), labelled `2025-W10`.
    Week,
    /// Calendar months (UTC), labelled `2025-03`.
    Month,
}

/// One bucket of the date histogram.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    /// Start of the bucket, seconds since the epoch (UTC midnight of the
    /// Monday or of the first of the month).
    pub start: i64,
    /// `2025-03` for a month, `2025-W10` for an ISO week.
    pub label: String,
    /// Matching documents published in the bucket.
    pub count: u64,
}

/// What the collector gathers: the number of hits, facet counts, and
/// hits per day (when a histogram was asked for).
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub total: u64,
    pub facets: Facets,
    pub days: BTreeMap<i64, u64>,
}

/// Counts facets (and days, if `histogram`) over every hit.
pub(crate) struct FacetCollector {
    pub histogram: bool,
    /// Set when the query matches every document: segments without
    /// deletions are then counted from their term dictionaries.
    pub match_all: Option<MatchAll>,
}

/// The indexed field behind each facet, for counting a match-all query
/// from term dictionaries.
pub(crate) struct MatchAll {
    fields: [(FacetTag, Field); 5],
}

impl MatchAll {
    pub(crate) fn new(fields: &Fields) -> MatchAll {
        MatchAll {
            fields: [
                (FacetTag::Theme, fields.theme),
                (FacetTag::Sentiment, fields.sentiment),
                (FacetTag::Source, fields.source),
                (FacetTag::Stage, fields.stage),
                (FacetTag::Cue, fields.cue),
            ],
        }
    }

    /// Every facet value of the segment with its document frequency,
    /// tagged as in the `facet` column. Only exact for a segment without
    /// deletions.
    fn dictionary_counts(&self, reader: &SegmentReader) -> tantivy::Result<Vec<(String, u64)>> {
        let mut values = Vec::new();
        for &(tag, field) in &self.fields {
            let inverted = reader.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                let count = u64::from(terms.value().doc_freq);
                // Our writer only indexes UTF-8 text in these fields.
                if let (true, Ok(value)) = (count > 0, std::str::from_utf8(terms.key())) {
                    values.push((format!("{}:{value}", tag.prefix()), count));
                }
            }
        }
        Ok(values)
    }
}

pub(crate) struct SegmentFacetCollector {
    total: u64,
    /// The segment's total and facet counts, already taken from its term
    /// dictionaries (see [`MatchAll`]): hits then only feed the histogram.
    counted: Option<(u64, Vec<(String, u64)>)>,
    /// The `facet` column and a counter per term ordinal (`None`: no
    /// document of the segment has a facet value).
    facets: Option<(StrColumn, Vec<u64>)>,
    days: Option<(Column<i64>, DayCounts)>,
    /// Scored hits waiting to be processed as a block.
    pending: Vec<DocId>,
    /// Scratch space for block processing, reused across blocks.
    doc_buf: Vec<DocId>,
    row_buf: Vec<u32>,
    ord_buf: Vec<u64>,
    date_buf: Vec<Option<i64>>,
}

/// Per-day counts for one segment.
enum DayCounts {
    Dense { first_day: i64, counts: Vec<u64> },
    Sparse(HashMap<i64, u64>),
}

impl DayCounts {
    fn for_column(column: &Column<i64>) -> DayCounts {
        let first_day = column.min_value().div_euclid(DAY);
        let last_day = column.max_value().div_euclid(DAY);
        let span = last_day.saturating_sub(first_day).saturating_add(1);
        if (1..=MAX_DENSE_DAYS).contains(&span) {
            DayCounts::Dense {
                first_day,
                counts: vec![0; span as usize],
            }
        } else {
            DayCounts::Sparse(HashMap::new())
        }
    }

    #[inline]
    fn add(&mut self, seconds: i64) {
        let day = seconds.div_euclid(DAY);
        match self {
            DayCounts::Dense { first_day, counts } => {
                // The column's min/max bound every value, so the index is
                // in range; `get_mut` keeps that an assumption, not a panic.
                if let Some(count) = usize::try_from(day - *first_day)
                    .ok()
                    .and_then(|i| counts.get_mut(i))
                {
                    *count += 1;
                }
            }
            DayCounts::Sparse(map) => *map.entry(day).or_default() += 1,
        }
    }

    fn into_pairs(self) -> Vec<(i64, u64)> {
        match self {
            DayCounts::Dense { first_day, counts } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, c)| *c > 0)
                .map(|(i, c)| (first_day + i as i64, c))
                .collect(),
            DayCounts::Sparse(map) => map.into_iter().collect(),
        }
    }
}

/// What one segment hands back: values already turned into strings.
pub(crate) struct SegmentFruit {
    total: u64,
    values: Vec<(String, u64)>,
    days: Vec<(i64, u64)>,
}

impl Collector for FacetCollector {
    type Fruit = Collected;
    type Child = SegmentFacetCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCollector> {
        let fast = reader.fast_fields();
        let counted = match &self.match_all {
            Some(match_all) if !reader.has_deletes() => Some((
                u64::from(reader.max_doc()),
                match_all.dictionary_counts(reader)?,
            )),
            _ => None,
        };
        let facets = match counted {
            Some(_) => None,
            None => fast.str(names::FACET)?.map(|column| {
                let counts = vec![0u64; column.num_terms()];
                (column, counts)
            }),
        };
        let days = if self.histogram {
            fast.column_opt::<i64>(names::PUBLISHED)?.map(|column| {
                let counts = DayCounts::for_column(&column);
                (column, counts)
            })
        } else {
            None
        };
        Ok(SegmentFacetCollector {
            total: 0,
            counted,
            facets,
            days,
            pending: Vec::with_capacity(BLOCK),
            doc_buf: Vec::new(),
            row_buf: Vec::new(),
            ord_buf: Vec::new(),
            date_buf: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Collected> {
        let mut total = 0;
        let mut merged: HashMap<String, u64> = HashMap::new();
        let mut days = BTreeMap::new();
        for fruit in fruits {
            total += fruit.total;
            for (value, count) in fruit.values {
                *merged.entry(value).or_default() += count;
            }
            for (day, count) in fruit.days {
                *days.entry(day).or_default() += count;
            }
        }
        let mut split: [HashMap<String, u64>; 5] = Default::default();
        for (tagged, count) in merged {
            // Values without a known tag cannot come from our writer; skip
            // rather than fail a search.
            if let Some((tag, value)) = FacetTag::split(&tagged) {
                let slot = match tag {
                    FacetTag::Theme => 0,
                    FacetTag::Sentiment => 1,
                    FacetTag::Source => 2,
                    FacetTag::Stage => 3,
                    FacetTag::Cue => 4,
                };
                *split[slot].entry(value.to_string()).or_default() += count;
            }
        }
        let [theme, sentiment, source, stage, cue] = split.map(sorted_counts);
        Ok(Collected {
            total,
            facets: Facets {
                theme,
                sentiment,
                source,
                stage,
                cue,
            },
            days,
        })
    }
}

fn sorted_counts(map: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut list: Vec<FacetCount> = map
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    list
}

impl SegmentFacetCollector {
    /// Counts a block of hits: the column maps the block to value rows and
    /// reads their ordinals in one batched call.
    fn process(&mut self, docs: &[DocId]) {
        self.total += docs.len() as u64;
        if let Some((column, counts)) = &mut self.facets {
            let ords = column.ords();
            self.doc_buf.clear();
            self.row_buf.clear();
            ords.row_ids_for_docs(docs, &mut self.doc_buf, &mut self.row_buf);
            self.ord_buf.clear();
            self.ord_buf.resize(self.row_buf.len(), 0);
            ords.values.get_vals(&self.row_buf, &mut self.ord_buf);
            for &ord in &self.ord_buf {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
        if let Some((column, counts)) = &mut self.days {
            self.date_buf.clear();
            self.date_buf.resize(docs.len(), None);
            column.first_vals(docs, &mut self.date_buf);
            for seconds in self.date_buf.iter().flatten() {
                counts.add(*seconds);
            }
        }
    }

    fn take_days(&mut self) -> Vec<(i64, u64)> {
        self.days
            .take()
            .map(|(_, counts)| counts.into_pairs())
            .unwrap_or_default()
    }

    fn flush(&mut self) {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.process(&pending);
            self.pending = pending;
            self.pending.clear();
        }
    }
}

impl SegmentCollector for SegmentFacetCollector {
    type Fruit = SegmentFruit;

    #[inline]
    fn collect(&mut self, doc: DocId, _score: Score) {
        self.pending.push(doc);
        if self.pending.len() == BLOCK {
            self.flush();
        }
    }

    /// tantivy's own blocks, when nothing is scored.
    fn collect_block(&mut self, docs: &[DocId]) {
        self.flush();
        self.process(docs);
    }

    fn harvest(mut self) -> SegmentFruit {
        self.flush();
        if let Some((total, values)) = self.counted.take() {
            return SegmentFruit {
                total,
                values,
                days: self.take_days(),
            };
        }
        let mut values = Vec::new();
        if let Some((column, counts)) = &self.facets {
            let mut text = String::new();
            for (ord, &count) in counts.iter().enumerate() {
                if count == 0 {
                    continue;
                }
                text.clear();
                // An ordinal from the column always has a term; if the
                // dictionary cannot be read, the value is left out rather
                // than failing the whole search.
                if let Ok(true) = column.ord_to_str(ord as u64, &mut text) {
                    values.push((text.clone(), count));
                }
            }
        }
        SegmentFruit {
            total: self.total,
            values,
            days: self.take_days(),
        }
    }
}

/// Folds per-day counts into week or month buckets.
pub(crate) fn histogram(days: &BTreeMap<i64, u64>, interval: Interval) -> Vec<Bucket> {
    let mut buckets: BTreeMap<i64, u64> = BTreeMap::new();
    for (&day, &count) in days {
        if let Some(start) = bucket_start(day * DAY, interval) {
            *buckets.entry(start).or_default() += count;
        }
    }
    let (Some((&first, _)), Some((&last, _))) =
        (buckets.first_key_value(), buckets.last_key_value())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start = first;
    // Walk the contiguous range; stop and fall back to the non-empty
    // buckets if it is implausibly long.
    while start <= last {
        if out.len() >= MAX_CONTIGUOUS_BUCKETS {
            return buckets
                .iter()
                .filter_map(|(&s, &count)| make_bucket(s, count, interval))
                .collect();
        }
        let count = buckets.get(&start).copied().unwrap_or(0);
        match make_bucket(start, count, interval) {
            Some(bucket) => out.push(bucket),
            None => break,
        }
        match next_bucket_start(start, interval) {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

fn date_of(seconds: i64) -> Option<Date> {
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .map(|t| t.date())
}

fn midnight(date: Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
}

/// The start (seconds) of the week or month that contains `seconds`.
fn bucket_start(seconds: i64, interval: Interval) -> Option<i64> {
    let date = date_of(seconds)?;
    let first = match interval {
        Interval::Month => Date::from_calendar_date(date.year(), date.month(), 1).ok()?,
        Interval::Week => date.checked_sub(time::Duration::days(i64::from(
            date.weekday().number_days_from_monday(),
        )))?,
    };
    Some(midnight(first))
}

fn next_bucket_start(start: i64, interval: Interval) -> Option<i64> {
    let date = date_of(start)?;
    let next = match interval {
        Interval::Week => date.checked_add(time::Duration::days(7))?,
        Interval::Month => {
            let (year, month) = if date.month() == Month::December {
                (date.year() + 1, Month::January)
            } else {
                (date.year(), date.month().next())
            };
            Date::from_calendar_date(year, month, 1).ok()?
        }
    };
    Some(midnight(next))
}

fn make_bucket(start: i64, count: u64, interval: Interval) -> Option<Bucket> {
    let date = date_of(start)?;
    let label = match interval {
        Interval::Month => format!("{:04}-{:02}", date.year(), u8::from(date.month())),
        Interval::Week => {
            let (year, week, _) = date.to_iso_week_date();
            format!("{year:04}-W{week:02}")
        }
    };
    Some(Bucket {
        start,
        label,
        count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> i64 {
        let month = Month::try_from(m).unwrap();
        midnight(Date::from_calendar_date(y, month, d).unwrap()) / DAY
    }

    #[test]
    fn months_are_contiguous_with_zero_buckets() {
        let days = BTreeMap::from([
            (day(2025, 1, 31), 2),
            (day(2025, 1, 1), 1),
            (day(2025, 3, 15), 4),
        ]);
        let h = histogram(&days, Interval::Month);
        let labels: Vec<(&str, u64)> = h.iter().map(|b| (b.label.as_str(), b.count)).collect();
        assert_eq!(labels, vec![("2025-01", 3), ("2025-02", 0), ("2025-03", 4)]);
        assert_eq!(h[1].start, day(2025, 2, 1) * DAY);
    }

    #[test]
    fn weeks_follow_iso_8601_across_the_new_year() {
        // 2024-12-30 is the Monday of ISO week 2025-W01; 2024-12-29 (a
        // Sunday) is in 2024-W52.
        let days = BTreeMap::from([
            (day(2024, 12, 29), 1),
            (day(2024, 12, 30), 1),
            (day(2025, 1, 5), 1),
            (day(2025, 1, 6), 1),
        ]);
        let h = histogram(&days, Interval::Week);
        let labels: Vec<(&str, u64)> = h.iter().map(|b| (b.label.as_str(), b.count)).collect();
        assert_eq!(
            labels,
            vec![("2024-W52", 1), ("2025-W01", 2), ("2025-W02", 1)]
        );
        assert_eq!(h[1].start, day(2024, 12, 30) * DAY);
    }

    #[test]
    fn pre_epoch_dates_bucket_correctly() {
        let days = BTreeMap::from([(day(1969, 12, 31), 1)]);
        let h = histogram(&days, Interval::Month);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].label, "1969-12");
    }
}
