//! Every query form of issue 6, each checked against the exact hits worked
//! out by hand from the corpus table in `common`.

mod common;

use common::{ids, shared, sorted, ts};
use hearken_index::{IndexError, Interval, SearchRequest, SortOrder};

fn check(query: &str, expected: &[&str]) {
    let index = shared();
    assert_eq!(ids(index, query), sorted(expected), "query {query:?}");
}

#[test]
fn free_text_is_stemmed_over_title_and_body() {
    // "travel" in forum:1 (title and body), "travelling" in forum:2,
    // "Travel" in forum:4; nowhere else ("viaje" is Spanish).
    check("travel", &["forum:1", "forum:2", "forum:4"]);
    check("Travelling", &["forum:1", "forum:2", "forum:4"]);
    // only in a title
    check("trial", &["forum:1"]);
    check("tricks", &["forum:4"]);
}

#[test]
fn and_or_not_and_minus() {
    check("travel AND daughter", &["forum:1"]);
    check("travel daughter", &["forum:1"]);
    check("nausea OR parking", &["forum:2", "posts:10"]);
    check("travel NOT nausea", &["forum:1", "forum:4"]);
    check("travel -nausea", &["forum:1", "forum:4"]);
    check(
        "NOT travel",
        &[
            "forum:3",
            "posts:10",
            "posts:11",
            "posts:12",
            "transcripts:pab-1#4",
        ],
    );
    check(
        "-travel -screening",
        &["forum:3", "posts:12", "transcripts:pab-1#4"],
    );
    // AND binds tighter than OR
    check("daughter OR nausea husband", &["forum:1", "forum:2"]);
    check("(nausea OR parking) AND source:posts", &["posts:10"]);
    check("nausea OR (parking source:forum)", &["forum:2"]);
    // lower-case "and" is a word, present in forum:1, forum:3, posts:10,
    // posts:11 and forum:4 (in "tips & tricks" there is no word "and")
    check("and clinic", &["forum:1"]);
}

#[test]
fn a_word_too_long_to_index_matches_nothing() {
    // The tokenizer drops tokens over 40 bytes, so no document can hold one:
    // such a word matches nothing instead of vanishing into "match all".
    let long = "a".repeat(41);
    check(&long, &[]);
    check(&format!("travel {long}"), &[]);
    check(
        &format!("travel OR {long}"),
        &["forum:1", "forum:2", "forum:4"],
    );
    check(
        &format!("travel -{long}"),
        &["forum:1", "forum:2", "forum:4"],
    );
    // Bare punctuation carries no word and is ignored.
    check("travel & daughter", &["forum:1"]);
}

#[test]
fn phrases_and_proximity() {
    // forum:2 says "side effects"; forum:3 says "side and all the effects"
    // (three words between).
    check("\"side effects\"", &["forum:2"]);
    check("\"side effects\"~2", &["forum:2"]);
    check("\"side effects\"~3", &["forum:2", "forum:3"]);
    // a phrase is stemmed like words are
    check("\"time off works\"", &["forum:1"]);
    // a hyphenated word is a phrase of its parts
    check("e-diary", &["posts:11", "transcripts:pab-1#4"]);
    check("\"diary e\"", &[]);
    // field-restricted text
    check("title:travel", &["forum:1", "forum:4"]);
    check("body:\"three hours\"", &["forum:1"]);
    check("title:nausea", &[]);
}

#[test]
fn field_filters() {
    check(
        "theme:travel_burden",
        &["forum:1", "forum:2", "forum:4", "posts:10"],
    );
    check("theme:travel", &[]); // exact ids, no prefix match
    check(
        "source:forum",
        &["forum:1", "forum:2", "forum:3", "forum:4"],
    );
    check("stage:screening", &["posts:10", "posts:11"]);
    check("sentiment:negative", &["forum:1", "forum:2", "posts:11"]);
    check("sentiment:Neutral", &["forum:4", "transcripts:pab-1#4"]);
    check("sentiment:unscored", &["posts:12"]);
    check("author:p-aaaa1111", &["forum:1", "forum:3"]);
    check("lang:es", &["posts:12"]);
    check("language:EN source:posts", &["posts:10", "posts:11"]);
    check("kind:reply", &["forum:2", "forum:3", "forum:4"]);
    check("cue:role:caregiver", &["forum:2", "transcripts:pab-1#4"]);
    check("cue:life_stage:adult_child", &["transcripts:pab-1#4"]);
    check("id:forum:3", &["forum:3"]);
    check("source:\"forum\" -kind:reply", &["forum:1"]);
    check("e-diary sentiment:negative", &["posts:11"]);
    check(
        "theme:caregiving OR cue:channel:app",
        &["forum:1", "posts:11", "transcripts:pab-1#4"],
    );
}

#[test]
fn date_ranges_are_inclusive_utc_days() {
    // posts:10 is at 2025-06-30 23:59:59 (in), posts:11 at 2025-07-01
    // 00:00:00 (out), the transcript on 2024-12-31 (out), posts:12 undated.
    check(
        "published:[2025-01-01 TO 2025-06-30]",
        &["forum:1", "forum:2", "forum:3", "forum:4", "posts:10"],
    );
    check("published:[2025-07-01 TO *]", &["posts:11"]);
    check("published:[* TO 2024-12-31]", &["transcripts:pab-1#4"]);
    check("published:2025-02", &["forum:2", "forum:4"]);
    check("published:2025-02-03", &["forum:2"]);
    check("published:2024", &["transcripts:pab-1#4"]);
    check(
        "published:[2025-02 TO 2025-03] travel",
        &["forum:2", "forum:4"],
    );
}

#[test]
fn empty_query_matches_everything_newest_first() {
    let index = shared();
    let order = |sort| {
        index
            .search(&SearchRequest {
                sort,
                ..SearchRequest::default()
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect::<Vec<_>>()
    };
    let newest = vec![
        "posts:11",
        "posts:10",
        "forum:3",
        "forum:4",
        "forum:2",
        "forum:1",
        "transcripts:pab-1#4",
        "posts:12", // undated: last
    ];
    // with no free text there is no relevance: newest first
    assert_eq!(order(SortOrder::Relevance), newest);
    assert_eq!(order(SortOrder::Newest), newest);
    assert_eq!(
        order(SortOrder::Oldest),
        vec![
            "transcripts:pab-1#4",
            "forum:1",
            "forum:2",
            "forum:4",
            "forum:3",
            "posts:10",
            "posts:11",
            "posts:12",
        ]
    );
}

#[test]
fn request_filters_combine_with_the_query() {
    let index = shared();
    let run = |request: SearchRequest| {
        let mut ids: Vec<String> = index
            .search(&SearchRequest {
                limit: 100,
                ..request
            })
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    };
    // several values of one facet: any of them
    assert_eq!(
        run(SearchRequest {
            theme: vec!["placebo_worry".into(), "cost_compensation".into()],
            ..Default::default()
        }),
        sorted(&["posts:10", "transcripts:pab-1#4"])
    );
    // different facets: all of them
    assert_eq!(
        run(SearchRequest {
            source: vec!["posts".into(), "transcripts".into()],
            sentiment: Some("negative".into()),
            ..Default::default()
        }),
        sorted(&["posts:11"])
    );
    assert_eq!(
        run(SearchRequest {
            query: "travel".into(),
            stage: vec!["participation".into()],
            author: Some("p-bbbb2222".into()),
            ..Default::default()
        }),
        sorted(&["forum:2", "forum:4"])
    );
    assert_eq!(
        run(SearchRequest {
            cue: vec!["role:patient".into()],
            lang: Some("en".into()),
            ..Default::default()
        }),
        sorted(&["forum:1", "forum:3"])
    );
    // since/until are inclusive seconds
    assert_eq!(
        run(SearchRequest {
            since: Some(ts("2025-06-30T23:59:59Z")),
            until: Some(ts("2025-07-01T00:00:00Z")),
            ..Default::default()
        }),
        sorted(&["posts:10", "posts:11"])
    );
    assert_eq!(
        run(SearchRequest {
            since: Some(ts("2025-07-01T00:00:00Z")),
            ..Default::default()
        }),
        sorted(&["posts:11"])
    );
}

#[test]
fn paging_walks_the_same_order() {
    let index = shared();
    let page = |offset| {
        index
            .search(&SearchRequest {
                limit: 3,
                offset,
                sort: SortOrder::Oldest,
                ..Default::default()
            })
            .unwrap()
    };
    let ids =
        |r: hearken_index::SearchResults| r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>();
    let first = page(0);
    assert_eq!(first.total, 8);
    assert_eq!(
        ids(first),
        vec!["transcripts:pab-1#4", "forum:1", "forum:2"]
    );
    assert_eq!(ids(page(3)), vec!["forum:4", "forum:3", "posts:10"]);
    assert_eq!(ids(page(6)), vec!["posts:11", "posts:12"]);
    assert!(ids(page(9)).is_empty());
}

#[test]
fn relevance_ranks_more_matches_higher() {
    let index = shared();
    // forum:1 has "travel" in title and body, forum:4 in title and body,
    // forum:2 only in its (longer) body; "daughter" only in forum:1.
    let results = index
        .search(&SearchRequest {
            query: "travel OR daughter".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(results.hits[0].id, "forum:1");
    assert_eq!(results.hits.last().unwrap().id, "forum:2");
    assert!(results.hits[0].score > results.hits[1].score);
}

fn parse_error(query: &str) -> (usize, String) {
    let index = shared();
    match index.search(&SearchRequest {
        query: query.into(),
        ..Default::default()
    }) {
        Err(e @ IndexError::QueryParse { .. }) => {
            let IndexError::QueryParse {
                position,
                query_len,
                ref message,
            } = e
            else {
                unreachable!()
            };
            assert_eq!(query_len, query.len());
            (
                position,
                e.render_with_query(query)
                    .unwrap_or_else(|| message.clone()),
            )
        }
        other => panic!("expected a parse error for {query:?}, got {other:?}"),
    }
}

#[test]
fn parse_errors_say_where_and_what() {
    let (pos, rendered) = parse_error("theme:travel AND (placebo");
    assert_eq!(pos, 25);
    assert_eq!(
        rendered,
        "theme:travel AND (placebo\n                         ^ expected `)` to close the `(` at byte 17"
    );
    let (pos, rendered) = parse_error("caregiver tema:travel");
    assert_eq!(pos, 10);
    assert!(
        rendered.ends_with(
            "          ^ unknown field `tema`: expected one of theme, source, stage, sentiment, \
             author, lang, kind, cue, published, title, body, id, thread, plugin, run"
        ),
        "{rendered}"
    );
    let (pos, _) = parse_error("published:[2025-01-01 TO 2025-13-01]");
    assert_eq!(pos, 25);
    let (pos, _) = parse_error("\"side effects\"~");
    assert_eq!(pos, 15);
    let (pos, _) = parse_error("travel OR");
    assert_eq!(pos, 9);
}

#[test]
fn invalid_request_values_are_rejected() {
    let index = shared();
    let err = index
        .search(&SearchRequest {
            sentiment: Some("grumpy".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(matches!(err, IndexError::InvalidRequest(_)), "{err}");
}

#[test]
fn facets_count_the_whole_result_set_not_the_page() {
    let index = shared();
    let results = index
        .search(&SearchRequest {
            limit: 2,
            histogram: Some(Interval::Month),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(results.total, 8);
    assert_eq!(results.hits.len(), 2);
    let pairs = |list: &[hearken_index::FacetCount]| {
        list.iter()
            .map(|c| (c.value.clone(), c.count))
            .collect::<Vec<_>>()
    };
    let p = |v: &[(&str, u64)]| {
        v.iter()
            .map(|(s, n)| (s.to_string(), *n))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        pairs(&results.facets.theme),
        p(&[
            ("travel_burden", 4),
            ("caregiving", 2),
            ("digital_barriers", 2),
            ("side_effects", 2),
            ("cost_compensation", 1),
            ("eligibility_screening", 1),
            ("information_clarity", 1),
            ("placebo_worry", 1),
            ("site_staff", 1),
            ("time_and_work", 1),
        ])
    );
    assert_eq!(
        pairs(&results.facets.sentiment),
        p(&[
            ("negative", 3),
            ("neutral", 2),
            ("positive", 2),
            ("unscored", 1)
        ])
    );
    assert_eq!(
        pairs(&results.facets.source),
        p(&[("forum", 4), ("posts", 3), ("transcripts", 1)])
    );
    assert_eq!(
        pairs(&results.facets.stage),
        p(&[
            ("participation", 3),
            ("screening", 2),
            ("consideration", 1),
            ("enrolment", 1)
        ])
    );
    assert_eq!(
        pairs(&results.facets.cue),
        p(&[
            ("role:caregiver", 2),
            ("role:patient", 2),
            ("channel:app", 1),
            ("channel:phone", 1),
            ("channel:text_message", 1),
            ("life_stage:adult_child", 1),
        ])
    );
    // months, contiguous, the undated document not counted
    let months: Vec<(String, u64)> = results
        .histogram
        .iter()
        .map(|b| (b.label.clone(), b.count))
        .collect();
    assert_eq!(
        months,
        p(&[
            ("2024-12", 1),
            ("2025-01", 1),
            ("2025-02", 2),
            ("2025-03", 1),
            ("2025-04", 0),
            ("2025-05", 0),
            ("2025-06", 1),
            ("2025-07", 1),
        ])
    );
    assert_eq!(results.histogram[0].start, ts("2024-12-01T00:00:00Z"));

    // facets of a narrower query count only its hits
    let travel = index
        .search(&SearchRequest {
            query: "travel".into(),
            limit: 1,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(travel.total, 3);
    assert_eq!(
        pairs(&travel.facets.theme),
        p(&[
            ("travel_burden", 3),
            ("caregiving", 1),
            ("side_effects", 1),
            ("time_and_work", 1)
        ])
    );
    assert!(travel.histogram.is_empty(), "not asked for");
}

#[test]
fn week_histogram_uses_iso_weeks() {
    let index = shared();
    let results = index
        .search(&SearchRequest {
            query: "source:forum".into(),
            limit: 0,
            histogram: Some(Interval::Week),
            ..Default::default()
        })
        .unwrap();
    assert!(results.hits.is_empty());
    assert_eq!(results.total, 4);
    let weeks: Vec<(&str, u64)> = results
        .histogram
        .iter()
        .map(|b| (b.label.as_str(), b.count))
        .collect();
    // 2025-01-15 is in W03, 02-03 in W06, 02-10 in W07, 03-20 in W12
    assert_eq!(
        weeks,
        vec![
            ("2025-W03", 1),
            ("2025-W04", 0),
            ("2025-W05", 0),
            ("2025-W06", 1),
            ("2025-W07", 1),
            ("2025-W08", 0),
            ("2025-W09", 0),
            ("2025-W10", 0),
            ("2025-W11", 0),
            ("2025-W12", 1),
        ]
    );
    assert_eq!(results.histogram[0].start, ts("2025-01-13T00:00:00Z"));
}

#[test]
fn snippets_highlight_and_escape() {
    let index = shared();
    let hit = |query: &str| {
        let mut r = index
            .search(&SearchRequest {
                query: query.into(),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(r.hits.len(), 1, "{query}");
        r.hits.remove(0)
    };
    let h = hit("nausea");
    assert!(h.snippet.contains("<b>nausea</b>"), "{}", h.snippet);
    // stemmed matches are highlighted too
    let h = hit("travel husband");
    assert!(h.snippet.contains("<b>travelling</b>"), "{}", h.snippet);
    assert!(h.snippet.contains("<b>husband</b>"), "{}", h.snippet);
    // the document's own markup is escaped; only our tags are HTML
    let h = hit("snacks");
    assert_eq!(
        h.snippet,
        "Travel tips: book the 7am bus &lt;b&gt;early&lt;/b&gt; &amp; bring <b>snacks</b>."
    );
    // words under NOT are not highlighted
    let h = hit("snacks -nausea");
    assert!(!h.snippet.contains("<b>nausea"), "{}", h.snippet);
    // filters only: the start of the body, escaped
    let h = hit("id:forum:4");
    assert_eq!(
        h.snippet,
        "Travel tips: book the 7am bus &lt;b&gt;early&lt;/b&gt; &amp; bring snacks."
    );
    // matched only in the title: the start of the body
    let h = hit("trial");
    assert!(
        h.snippet.starts_with("The travel to the clinic"),
        "{}",
        h.snippet
    );
    assert!(!h.snippet.contains("<b>"), "{}", h.snippet);
}

#[test]
fn hits_serialise_with_the_designed_field_names() {
    let index = shared();
    let results = index
        .search(&SearchRequest {
            query: "nausea".into(),
            ..Default::default()
        })
        .unwrap();
    let json = serde_json::to_value(&results).unwrap();
    assert_eq!(json["total"], 1);
    let hit = &json["hits"][0];
    assert_eq!(hit["id"], "forum:2");
    assert_eq!(hit["source"], "forum");
    assert_eq!(hit["url"], "http://127.0.0.1:8080/forum/2");
    assert_eq!(hit["published"], "2025-02-03T08:30:00Z");
    assert_eq!(hit["title"], serde_json::Value::Null);
    assert!(hit["snippet"].as_str().unwrap().contains("<b>nausea</b>"));
    assert_eq!(hit["sentiment"]["compound"], -0.6);
    assert_eq!(hit["sentiment"]["label"], "negative");
    assert_eq!(
        hit["themes"],
        serde_json::json!(["side_effects", "travel_burden"])
    );
    assert_eq!(hit["stage"], "participation");
    assert_eq!(hit["author"], "p-bbbb2222");
    assert!(json["facets"]["theme"].is_array());
    assert_eq!(json["facets"]["source"][0]["value"], "forum");
    assert_eq!(json["facets"]["source"][0]["count"], 1);
}

/// Facet counts against a brute-force count, on an index large enough to
/// fill several blocks, over three segments, one with deletions (which
/// takes tantivy's per-document path). The match-all query counts the two
/// segments without deletions from their term dictionaries and the third
/// hit by hit; both must agree with the brute force.
#[test]
fn facets_match_a_brute_force_count_across_blocks_and_segments() {
    use std::collections::BTreeMap;
    let index = hearken_index::Index::create_in_ram().unwrap();
    let themes = ["a", "b", "c", "d", "e"];
    let mut docs = Vec::new();
    for i in 0..450usize {
        let mut doc = common::build(&common::CORPUS[i % common::CORPUS.len()]);
        doc.id = format!("gen:{i}");
        // vary themes so counts differ per value
        doc.themes.truncate(1);
        for t in themes.iter().take(i % 4) {
            let mut tag = doc
                .themes
                .first()
                .cloned()
                .unwrap_or(hearken_document::ThemeTag {
                    id: String::new(),
                    sentiment: None,
                    evidence: vec![],
                });
            tag.id = (*t).into();
            doc.themes.push(tag);
        }
        docs.push(doc);
    }
    let mut writer = index.writer().unwrap();
    for chunk in docs.chunks(150) {
        for doc in chunk {
            writer.upsert(doc).unwrap();
        }
        writer.commit().unwrap();
    }
    let deleted: Vec<String> = (0..150).step_by(7).map(|i| format!("gen:{i}")).collect();
    for id in &deleted {
        assert!(writer.delete(id).unwrap());
    }
    writer.commit().unwrap();

    // "travel" appears in the bodies or titles of CORPUS[0], [1] and [7].
    for (query, matches) in [
        (
            "travel",
            (|i: usize| [0, 1, 7].contains(&(i % 8))) as fn(usize) -> bool,
        ),
        ("", |_| true),
    ] {
        let mut expected: BTreeMap<String, u64> = BTreeMap::new();
        let mut total = 0;
        for (i, doc) in docs.iter().enumerate() {
            if !matches(i) || deleted.contains(&doc.id) {
                continue;
            }
            total += 1;
            let mut ids: Vec<&str> = doc.themes.iter().map(|t| t.id.as_str()).collect();
            ids.sort();
            ids.dedup();
            for id in ids {
                *expected.entry(id.to_string()).or_default() += 1;
            }
        }
        let results = index
            .search(&SearchRequest {
                query: query.into(),
                limit: 5,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(results.total, total, "{query:?}");
        let got: BTreeMap<String, u64> = results
            .facets
            .theme
            .iter()
            .map(|c| (c.value.clone(), c.count))
            .collect();
        assert_eq!(got, expected, "{query:?}");
        let sources: u64 = results.facets.source.iter().map(|c| c.count).sum();
        assert_eq!(sources, total, "every document has one source");
    }
}
