//! Several pages in one `fetch`, without letting a later page's failure
//! cost the pages before it.
//!
//! # Why
//!
//! The host creates a fresh instance for every `fetch`, and a plugin that
//! keeps its state in the cursor decodes and encodes that cursor on every
//! call. A feed pass remembers a few thousand item-id hashes; a forum crawl
//! thousands of thread marks. At one page a call that overhead is paid for
//! every page — at a million documents, the posts plugin made 7,000 calls
//! of 50 items each — so both built-in plugins read several pages a call.
//!
//! # The rule that keeps it safe
//!
//! Only the first page of a call may end the call abnormally: with an
//! error, or with the empty exhausted batch by which the host recognises a
//! site in trouble and retries with backoff. A later page that fails, or
//! stops the run short of its end, is *undone* — the state goes back to
//! before it — and the call returns the pages before it, saying there is
//! more. The next call then meets that page first, on its own, and reports
//! it exactly as a one-page call would. So no page's records are lost to a
//! later page's failure, and the host's view of a failing site is the same
//! whatever the number of pages a call reads.
//!
//! [`steps`] implements that rule over any plugin state; the plugin gives
//! it one page's step, which says how the page leaves the call
//! ([`PageEnd`]), and a way to snapshot what a failing step may change.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::{Record, SourceError};

/// A call stops starting new pages after this long, whatever its caps: a
/// slow or rate-limited site keeps each call short, well inside the host's
/// time budget for a call.
pub const TIME_PER_FETCH: Duration = Duration::from_secs(2);

/// How much one call may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// Requests (pages).
    pub pages: u32,
    /// Records, after which no further page is started.
    pub records: usize,
}

/// How a page leaves the call: what a step tells [`steps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEnd {
    /// There is more to read in this run: the call may go on.
    More,
    /// The run is over: the call ends with the batch exhausted.
    RunOver,
    /// The run stops short of its end (a page cap, a site in trouble): the
    /// call ends with the batch exhausted, and the next run carries on.
    Stopped,
}

/// Runs `step` (one page) up to `caps.pages` times, while the call holds
/// fewer than `caps.records` records and has run less than
/// [`TIME_PER_FETCH`]. Returns the records and whether the run is over
/// (`exhausted`).
///
/// `step` returns a page's records and how the page leaves the call. A
/// later page that fails, or stops the run short ([`PageEnd::Stopped`]), is
/// undone and the call returns the pages before it (see the module docs).
///
/// A record of a later page whose id the call already holds replaces the
/// earlier copy, in its place: the host refuses a batch that names an id
/// twice.
///
/// `undo` snapshots what a failing page may change and returns the closure
/// that puts it back. A plugin whose step already leaves the state as it
/// was when it fails can pass a closure that does nothing.
pub fn steps<S>(
    caps: Caps,
    state: &mut S,
    mut step: impl FnMut(&mut S) -> Result<(Vec<Record>, PageEnd), SourceError>,
    undo: impl Fn(&S) -> Box<dyn FnOnce(&mut S)>,
) -> Result<(Vec<Record>, bool), SourceError> {
    let started = Instant::now();
    let (mut records, end) = step(state)?;
    let mut exhausted = end != PageEnd::More;
    let mut ids: Option<HashMap<String, usize>> = None;
    let mut pages = 1;
    while !exhausted
        && pages < caps.pages
        && records.len() < caps.records
        && started.elapsed() < TIME_PER_FETCH
    {
        let restore = undo(state);
        match step(state) {
            Ok((more, end)) if end != PageEnd::Stopped => {
                let ids = ids.get_or_insert_with(|| {
                    records
                        .iter()
                        .enumerate()
                        .map(|(i, r)| (r.id.clone(), i))
                        .collect()
                });
                add_without_repeats(&mut records, ids, more);
                exhausted = end == PageEnd::RunOver;
                pages += 1;
            }
            _ => {
                restore(state);
                break;
            }
        }
    }
    Ok((records, exhausted))
}

/// Appends `more` to `records`, a record whose id is already there
/// replacing the earlier copy. The host refuses a batch that holds an id
/// twice; across pages a source may well show the same item twice (a post
/// found by a search and in its author's feed), and one page a call would
/// have returned both, the later overwriting the earlier in the index.
/// `ids` maps each id in `records` to its place.
fn add_without_repeats(
    records: &mut Vec<Record>,
    ids: &mut HashMap<String, usize>,
    more: Vec<Record>,
) {
    for r in more {
        match ids.get(&r.id) {
            Some(&i) => records[i] = r,
            None => {
                ids.insert(r.id.clone(), records.len());
                records.push(r);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy crawl: the state counts pages read and whether the run is
    /// open; `script[i]` is what reading page `i` does.
    #[derive(Clone, Debug, PartialEq)]
    struct Toy {
        pages: usize,
        open: bool,
    }

    #[derive(Clone, Copy)]
    enum Page {
        /// Two records, more to come.
        More,
        /// One record, and the run is over.
        Last,
        /// The site failed: nothing, "exhausted", the run stays open.
        SiteFailing,
        /// A hard error.
        Denied,
    }

    const CAPS: Caps = Caps {
        pages: 8,
        records: 200,
    };

    fn toy_step(
        script: &[Page],
    ) -> impl FnMut(&mut Toy) -> Result<(Vec<Record>, PageEnd), SourceError> + '_ {
        move |toy: &mut Toy| {
            let page = script[toy.pages];
            toy.pages += 1;
            let rec = |n: usize| {
                Record::new(
                    format!("p{}-{n}", toy.pages),
                    "https://f.example/t",
                    crate::RecordKind::Post,
                    "x",
                )
            };
            match page {
                Page::More => Ok((vec![rec(1), rec(2)], PageEnd::More)),
                Page::Last => {
                    toy.open = false;
                    Ok((vec![rec(1)], PageEnd::RunOver))
                }
                Page::SiteFailing => Ok((Vec::new(), PageEnd::Stopped)),
                Page::Denied => Err(SourceError::Http("denied".into())),
            }
        }
    }

    fn toy_call(
        caps: Caps,
        toy: &mut Toy,
        script: &[Page],
    ) -> Result<(Vec<Record>, bool), SourceError> {
        steps(caps, toy, toy_step(script), |t| {
            let before = t.clone();
            Box::new(move |t| *t = before)
        })
    }

    fn open() -> Toy {
        Toy {
            pages: 0,
            open: true,
        }
    }

    #[test]
    fn a_call_reads_several_pages_up_to_the_page_cap() {
        let script = [Page::More; 12];
        let mut toy = open();
        let (records, exhausted) = toy_call(CAPS, &mut toy, &script).unwrap();
        assert_eq!(toy.pages, 8);
        assert_eq!(records.len(), 2 * 8);
        assert!(!exhausted);
    }

    #[test]
    fn a_call_starts_no_page_once_it_holds_enough_records() {
        let script = [Page::More; 12];
        let mut toy = open();
        let caps = Caps {
            pages: 8,
            records: 5,
        };
        // 2, 4, 6: the third page is started below the cap and kept whole.
        let (records, exhausted) = toy_call(caps, &mut toy, &script).unwrap();
        assert_eq!(toy.pages, 3);
        assert_eq!(records.len(), 6);
        assert!(!exhausted);
    }

    #[test]
    fn a_call_ends_with_the_run() {
        let script = [Page::More, Page::More, Page::Last, Page::More];
        let mut toy = open();
        let (records, exhausted) = toy_call(CAPS, &mut toy, &script).unwrap();
        assert!(exhausted);
        assert_eq!(records.len(), 5);
        assert_eq!(
            toy,
            Toy {
                pages: 3,
                open: false
            }
        );
    }

    #[test]
    fn a_later_page_that_fails_is_left_to_the_next_call() {
        for failure in [Page::SiteFailing, Page::Denied] {
            let script = [Page::More, Page::More, failure];
            let mut toy = open();
            // The pages before the failure arrive, with "more to come", and
            // the failing page is undone.
            let (records, exhausted) = toy_call(CAPS, &mut toy, &script).unwrap();
            assert_eq!(records.len(), 4);
            assert!(!exhausted);
            assert_eq!(
                toy,
                Toy {
                    pages: 2,
                    open: true
                }
            );
            // The next call meets it first and reports it as a one-page call
            // would: the host sees the empty exhausted batch, or the error.
            match (failure, toy_call(CAPS, &mut toy, &script)) {
                (Page::SiteFailing, Ok((records, true))) => assert!(records.is_empty()),
                (Page::Denied, Err(SourceError::Http(m))) => assert_eq!(m, "denied"),
                _ => panic!("the failing page was not reported on its own"),
            }
        }
    }

    #[test]
    fn an_item_met_again_on_a_later_page_is_returned_once_as_last_read() {
        // Page 1 has a and b, page 2 has b (edited) and c: a search and an
        // author's feed that both show b.
        let pages = [
            vec![("a", "first"), ("b", "as found by the search")],
            vec![("b", "as in the author's feed"), ("c", "third")],
        ];
        let mut read = 0usize;
        let (records, exhausted) = steps(
            CAPS,
            &mut read,
            |read| {
                let page = &pages[*read];
                *read += 1;
                let records = page
                    .iter()
                    .map(|(id, body)| {
                        Record::new(*id, "https://f.example/", crate::RecordKind::Post, *body)
                    })
                    .collect();
                let end = if *read == pages.len() {
                    PageEnd::RunOver
                } else {
                    PageEnd::More
                };
                Ok((records, end))
            },
            |_| Box::new(|_| {}),
        )
        .unwrap();
        assert!(exhausted);
        let got: Vec<(&str, &str)> = records
            .iter()
            .map(|r| (r.id.as_str(), r.body.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "first"),
                ("b", "as in the author's feed"),
                ("c", "third")
            ]
        );
    }
}
