//! The leak test: planted identifiers go in through the whole product and
//! must come out nowhere.
//!
//! `hearken -vv demo` generates the synthetic sample site (with identifiers
//! planted in the text and listed in `truth.json`), serves it on loopback,
//! runs the three built-in plugins through the capability gate, the
//! pipeline and the index, and writes the persona reports — the product's
//! whole flow, in the real binary, with debug logging on. Then every
//! planted identifier, and every raw author handle and speaker name, is
//! looked for in:
//!
//! * every file under the data directory (index segments, the state store
//!   with its run ledger and audit log, the reports, the key file) — except
//!   `<data>/sample-site/`, which is the demo's *input*: the synthetic public
//!   web site the plugins read, standing in for the internet;
//! * every stored document, decoded from Tantivy and serialised to JSON,
//!   field by field. The `.store` files are compressed blocks, so the raw
//!   byte scan alone could miss text there; every indexed term is derived
//!   from a stored document, so a clean document set means a clean term
//!   dictionary too;
//! * everything the commands printed: stdout, and stderr with `-vv` (debug)
//!   logs from every crate, ANSI colour codes removed.
//!
//! **What counts as found.** The value, compared case-sensitively and
//! lower-cased, where it is not glued to a letter or digit on either side
//! (so the ZIP `48044` is not "found" inside the log timestamp
//! `20:42:33.548044`, nor a name inside a longer word). Values shorter than
//! 4 characters are too short to search for across megabytes of binary
//! files; those are checked in the de-identified text of the document they
//! were planted in instead.
//!
//! **What policy keeps**, and is therefore not looked for: ages of 89 or
//! less (Safe Harbor removes only ages over 89), a bare year (dates keep
//! their year), and speaker labels that are the speaker's role
//! (`MODERATOR`), since the role is kept on purpose.
//!
//! The same run then checks the audit trail — per-document redaction counts
//! in `hearken show`, per-run totals in `hearken runs --json`, and that the
//! two agree — and finally `hearken forget`.

// Test helpers outside #[test] functions unwrap too; a failure is a test failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use aho_corasick::AhoCorasick;
use hearken_document::AnalysedDocument;

fn hearken(args: &[&str], cwd: &Path) -> Output {
    common::hearken_cmd(args, cwd)
        .env_remove("HEARKEN_DEBUG_PANICS")
        .stdin(Stdio::null())
        .output()
        .expect("run hearken")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr (last 4000 bytes):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        tail(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

fn tail(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let from = s.len().saturating_sub(4000);
    let from = (from..s.len())
        .find(|&i| s.is_char_boundary(i))
        .unwrap_or(0);
    s[from..].to_string()
}

/// Logs without ANSI escape sequences (CSI `ESC [ … final`), so a value
/// right after a colour code still has its boundary.
fn strip_ansi(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            i += 2;
            while i < bytes.len() && !(0x40..=0x7e).contains(&bytes[i]) {
                i += 1;
            }
            i += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// One value to look for.
#[derive(Debug, Clone)]
struct Needle {
    /// `name`, `phone`, … or `author` for a raw author handle or speaker name.
    kind: String,
    value: String,
}

/// Where a value was found, without the value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Finding {
    kind: String,
    needle: usize,
    place: String,
}

/// A multi-pattern search for all needles, ASCII case-insensitive (which
/// covers "lower-cased" for ASCII values; the lower-cased form of each value
/// is added too, for the others).
struct Searcher {
    ac: AhoCorasick,
    /// Pattern index → needle index.
    owner: Vec<usize>,
}

impl Searcher {
    fn new(needles: &[Needle]) -> Self {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, n) in needles.iter().enumerate() {
            let mut forms = vec![n.value.clone()];
            let lower = n.value.to_lowercase();
            if lower != n.value {
                forms.push(lower);
            }
            for f in forms {
                patterns.push(f);
                owner.push(i);
            }
        }
        let ac = aho_corasick::AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .expect("the needles make an automaton");
        Searcher { ac, owner }
    }

    /// Needle indexes found in `hay` on word boundaries.
    fn find(&self, hay: &[u8]) -> BTreeSet<usize> {
        let glued = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
        let mut found = BTreeSet::new();
        for m in self.ac.find_overlapping_iter(hay) {
            let pat = &hay[m.start()..m.end()];
            let first_alnum = pat.first().is_some_and(u8::is_ascii_alphanumeric);
            let last_alnum = pat.last().is_some_and(u8::is_ascii_alphanumeric);
            let before = m.start().checked_sub(1).and_then(|i| hay.get(i));
            let after = hay.get(m.end());
            if (first_alnum && glued(before)) || (last_alnum && glued(after)) {
                continue;
            }
            found.insert(self.owner[m.pattern().as_usize()]);
        }
        found
    }
}

/// `(file name, fragment)` of a truth url (`forum/topic-1/page-2.html#p7`)
/// or a document url (`http://127.0.0.1:9/forum/topic-1/page-2.html#p7`,
/// `file:board-002-2026-01-15.txt#t=00:07:03.000`).
fn url_key(url: &str) -> (String, String) {
    let (path, frag) = url.split_once('#').unwrap_or((url, ""));
    let name = path.rsplit(['/', ':']).next().unwrap_or(path);
    (name.to_string(), frag.to_string())
}

/// The indexed document a truth record became.
fn find_doc<'a>(
    by_name: &HashMap<String, Vec<&'a AnalysedDocument>>,
    truth_url: &str,
) -> Option<&'a AnalysedDocument> {
    let (name, frag) = url_key(truth_url);
    by_name.get(&name)?.iter().copied().find(|d| {
        let (_, f) = url_key(&d.url);
        f == frag
            || f.strip_prefix(frag.as_str())
                .is_some_and(|r| r.starts_with('.'))
    })
}

fn files_under(dir: &Path, skip: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("list a directory") {
        let path = entry.expect("a directory entry").path();
        if path == skip {
            continue;
        }
        if path.is_dir() {
            files_under(&path, skip, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_planted_identifier_survives_anywhere_and_the_audit_trail_adds_up() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data_arg = data.to_str().unwrap();

    // 1. The whole product, debug logs on.
    let demo = hearken(
        &[
            "-vv",
            "demo",
            "--data",
            data_arg,
            "--site-addr",
            "127.0.0.1:0",
            "--json",
        ],
        tmp.path(),
    );
    let summary = json(&demo);
    let demo_log = strip_ansi(&demo.stderr);
    assert!(
        demo_log.windows(b" DEBUG ".len()).any(|w| w == b" DEBUG "),
        "the demo's stderr has no debug lines: -vv did not reach the logger"
    );
    for s in summary["sources"].as_array().unwrap() {
        assert!(s["error"].is_null(), "{s:#}");
    }

    // 2. What was planted.
    let site = data.join("sample-site");
    let truth = hearken_sample::read_truth(&site).unwrap();
    let mut needles: Vec<Needle> = Vec::new();
    let mut kept_by_policy: BTreeMap<&str, usize> = BTreeMap::new();
    let mut short: Vec<(String, String, String)> = Vec::new(); // kind, value, doc
    for id in &truth.identifiers {
        let value = id.value.trim();
        match id.kind.as_str() {
            "age" if value.parse::<u32>().is_ok_and(|a| a <= 89) => {
                *kept_by_policy
                    .entry("age ≤ 89 (Safe Harbor removes only ages over 89)")
                    .or_default() += 1;
                continue;
            }
            "date" if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) => {
                *kept_by_policy
                    .entry("bare year (dates keep their year)")
                    .or_default() += 1;
                continue;
            }
            "state" | "country" => {
                *kept_by_policy
                    .entry("state or country (kept by policy)")
                    .or_default() += 1;
                continue;
            }
            _ => {}
        }
        if value.chars().count() < 4 {
            short.push((id.kind.clone(), value.to_string(), id.doc.clone()));
            continue;
        }
        needles.push(Needle {
            kind: id.kind.clone(),
            value: value.to_string(),
        });
    }
    // Raw author handles and speaker names: the pipeline stores pseudonyms.
    let mut authors = BTreeSet::new();
    for d in &truth.documents {
        if d.role
            .as_deref()
            .is_some_and(|r| r.eq_ignore_ascii_case(d.author.trim()))
        {
            *kept_by_policy
                .entry("speaker label that is the speaker's role (the role is kept)")
                .or_default() += 1;
            continue;
        }
        authors.insert(d.author.trim().to_string());
    }
    for a in authors {
        if a.chars().count() < 4 {
            short.push(("author".into(), a, String::new()));
        } else {
            needles.push(Needle {
                kind: "author".into(),
                value: a,
            });
        }
    }
    // One needle per (kind, value).
    let mut seen = BTreeSet::new();
    needles.retain(|n| seen.insert((n.kind.clone(), n.value.clone())));
    let searcher = Searcher::new(&needles);

    // The search can fail: every value is in the demo's input, verbatim.
    let mut site_files = Vec::new();
    files_under(&site, &data.join("no such dir"), &mut site_files);
    let mut in_input = BTreeSet::new();
    for f in &site_files {
        in_input.extend(searcher.find(&std::fs::read(f).unwrap()));
    }
    let missing: Vec<&str> = (0..needles.len())
        .filter(|i| !in_input.contains(i))
        .map(|i| needles[i].kind.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "the search does not find these kinds in the input site, so it could not find them in the output: {missing:?}"
    );

    // 3. Every file under the data directory but the input site.
    let mut files = Vec::new();
    files_under(&data, &site, &mut files);
    files.sort();
    let mut findings: BTreeSet<Finding> = BTreeSet::new();
    let mut bytes_scanned = 0u64;
    let mut record = |place: String, hay: &[u8], findings: &mut BTreeSet<Finding>| {
        bytes_scanned += hay.len() as u64;
        for i in searcher.find(hay) {
            findings.insert(Finding {
                kind: needles[i].kind.clone(),
                needle: i,
                place: place.clone(),
            });
        }
    };
    // A persona's display name is an illustrative first name from a fixed
    // list (never from the data), so it may coincide with a planted name —
    // "Grace" is both. In the reports those names are masked before the
    // scan. Nothing else is: a report's text is generated labels plus
    // verbatim quotes of stored documents, and step 4 checks every stored
    // document field by field, so a planted name inside a quote is still
    // found there.
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("reports").join("personas.json")).unwrap())
            .unwrap();
    let persona_names: Vec<String> = report["personas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!persona_names.is_empty(), "the report has personas");
    let reports_dir = data.join("reports");
    for f in &files {
        let mut bytes = std::fs::read(f).unwrap();
        if f.starts_with(&reports_dir) {
            bytes = mask_words(&bytes, &persona_names);
        }
        let rel = f.strip_prefix(&data).unwrap().display().to_string();
        record(format!("file <data>/{rel}"), &bytes, &mut findings);
    }
    assert!(
        files
            .iter()
            .any(|f| f.extension().is_some_and(|e| e == "store")),
        "no index segment among {files:?}"
    );
    assert!(files.contains(&data.join("state.sqlite")));
    assert!(files.contains(&data.join("reports").join("personas.html")));

    // 4. Every stored document, decompressed, field by field.
    let index = hearken_index::Index::open_or_create(&data.join("index")).unwrap();
    let docs = index.documents().unwrap();
    assert_eq!(docs.len() as u64, summary["documents"].as_u64().unwrap());
    assert_eq!(
        docs.len(),
        truth.documents.len(),
        "every planted record was indexed"
    );
    let mut doc_bytes = 0u64;
    for d in &docs {
        let value = serde_json::to_value(d).unwrap();
        for (field, v) in value.as_object().unwrap() {
            let text = serde_json::to_string(v).unwrap();
            doc_bytes += text.len() as u64;
            record(
                format!("stored document {} field `{field}`", d.id),
                text.as_bytes(),
                &mut findings,
            );
        }
    }

    // 5. The short values, in the document they were planted in.
    let mut by_name: HashMap<String, Vec<&AnalysedDocument>> = HashMap::new();
    for d in &docs {
        by_name.entry(url_key(&d.url).0).or_default().push(d);
    }
    let mut short_checked: BTreeMap<String, usize> = BTreeMap::new();
    let mut short_found = Vec::new();
    let mut short_skipped = 0usize;
    for (kind, value, doc) in &short {
        if doc.is_empty() {
            short_skipped += 1;
            continue;
        }
        let d = find_doc(&by_name, doc)
            .unwrap_or_else(|| panic!("the record a `{kind}` was planted in was not indexed"));
        let one = Searcher::new(&[Needle {
            kind: kind.clone(),
            value: value.clone(),
        }]);
        let text = serde_json::json!([d.title, d.body, d.extra]).to_string();
        if !one.find(text.as_bytes()).is_empty() {
            short_found.push(format!("`{kind}` in stored document {}", d.id));
        }
        *short_checked.entry(kind.clone()).or_default() += 1;
    }

    // 6. The audit trail: `show` prints a document's counts, `runs --json`
    // carries each run's totals, and they add up.
    let runs_out = hearken(&["runs", "--data", data_arg, "--json"], tmp.path());
    let runs = json(&runs_out);
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 3, "{runs:#?}");
    let mut from_docs: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for d in &docs {
        let per = from_docs.entry(d.source.clone()).or_default();
        for (k, v) in &d.redactions {
            *per.entry(k.clone()).or_default() += u64::from(*v);
        }
    }
    for run in runs {
        let source = run["source"].as_str().unwrap();
        let totals: BTreeMap<String, u64> =
            serde_json::from_value(run["redactions"].clone()).expect("runs --json has redactions");
        assert!(
            totals.values().sum::<u64>() > 0,
            "run of {source} removed nothing: {run:#}"
        );
        assert_eq!(
            totals, from_docs[source],
            "the ledger's totals for {source} are not the sum of its documents' counts"
        );
        let demo_totals = summary["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == source)
            .map(|s| {
                serde_json::from_value::<BTreeMap<String, u64>>(s["redactions"].clone()).unwrap()
            })
            .unwrap();
        assert_eq!(
            totals, demo_totals,
            "{source}: ledger and demo summary differ"
        );
    }
    let most = docs
        .iter()
        .max_by_key(|d| (d.redactions.values().sum::<u32>(), d.redactions.len()))
        .unwrap();
    assert!(most.redactions.len() >= 2, "{:?}", most.redactions);
    let show_text = hearken(&["show", &most.id, "--data", data_arg], tmp.path());
    assert!(show_text.status.success(), "{}", tail(&show_text.stderr));
    let text = String::from_utf8_lossy(&show_text.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("removed identifiers:"))
        .unwrap_or_else(|| panic!("`show` prints no redaction counts:\n{text}"));
    for (k, v) in &most.redactions {
        assert!(
            line.contains(&format!("{k} {v}")),
            "{k} {v} not in `{line}`"
        );
    }
    let show_json = json(&hearken(
        &["show", &most.id, "--data", data_arg, "--json"],
        tmp.path(),
    ));
    let shown: BTreeMap<String, u32> =
        serde_json::from_value(show_json["redactions"].clone()).unwrap();
    assert_eq!(shown, most.redactions);

    // The commands' own output is searched too.
    for (what, out) in [
        ("demo", &demo),
        ("runs --json", &runs_out),
        ("show", &show_text),
    ] {
        record(
            format!("stdout of `hearken {what}`"),
            &out.stdout,
            &mut findings,
        );
        let log = strip_ansi(&out.stderr);
        record(
            format!("stderr (-vv logs) of `hearken {what}`"),
            &log,
            &mut findings,
        );
    }

    // 7. The figures, then the verdict.
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &needles {
        *by_kind.entry(n.kind.as_str()).or_default() += 1;
    }
    eprintln!("leak test: identifiers searched everywhere, by kind: {by_kind:?}");
    eprintln!(
        "leak test: shorter than 4 characters, checked in their own document instead: {short_checked:?}; \
         short author names not checked: {short_skipped}"
    );
    eprintln!("leak test: not searched, kept by policy: {kept_by_policy:?}");
    eprintln!(
        "leak test: {} files under the data directory (sample-site/ excluded), {} stored documents \
         ({doc_bytes} bytes of JSON), the demo's -vv log ({} bytes); {bytes_scanned} bytes scanned in all",
        files.len(),
        docs.len(),
        demo_log.len()
    );
    let mut found: Vec<String> = findings
        .iter()
        .map(|f| format!("`{}` (identifier #{}) in {}", f.kind, f.needle, f.place))
        .collect();
    found.extend(short_found);
    let mut found_by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for f in &findings {
        *found_by_kind.entry(f.kind.as_str()).or_default() += 1;
    }
    eprintln!(
        "leak test: found = {} (everywhere, by kind: {found_by_kind:?}; short values in their document: {})",
        found.len(),
        found.len() - findings.len()
    );
    // 8. `forget`: refused without --yes off a terminal, then removes what
    // it names and says how much.
    let posts = docs.iter().filter(|d| d.source == "public-posts").count() as u64;
    assert!(posts > 0);
    let refused = hearken(
        &["forget", "--source", "public-posts", "--data", data_arg],
        tmp.path(),
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    assert_eq!(
        index_count(&data),
        docs.len() as u64,
        "a refused forget deleted something"
    );

    let segments_before = segment_files(&data);
    let gone = json(&hearken(
        &[
            "forget",
            "--source",
            "public-posts",
            "--yes",
            "--data",
            data_arg,
            "--json",
        ],
        tmp.path(),
    ));
    assert_eq!(gone["documents"].as_u64(), Some(posts), "{gone:#}");
    assert_eq!(gone["cursor_deleted"].as_bool(), Some(true), "{gone:#}");
    assert_eq!(gone["runs_marked"].as_u64(), Some(1), "{gone:#}");
    assert_eq!(gone["purged"].as_bool(), Some(true), "{gone:#}");
    let segments_after = segment_files(&data);
    assert!(
        segments_before.is_disjoint(&segments_after),
        "segment files that held the deleted documents survived the forget"
    );
    assert_eq!(index_count(&data), docs.len() as u64 - posts);
    let runs = json(&hearken(
        &[
            "runs",
            "--data",
            data_arg,
            "--json",
            "--source",
            "public-posts",
        ],
        tmp.path(),
    ));
    assert!(!runs[0]["forgotten"].is_null(), "{runs:#}");

    let author = docs
        .iter()
        .filter(|d| d.source == "patient-forum")
        .find_map(|d| d.author.clone())
        .unwrap();
    let by_author = docs
        .iter()
        .filter(|d| d.source != "public-posts" && d.author.as_deref() == Some(author.as_str()))
        .count() as u64;
    let gone = hearken(
        &["forget", "--author", &author, "--yes", "--data", data_arg],
        tmp.path(),
    );
    assert!(gone.status.success(), "{}", tail(&gone.stderr));
    let said = String::from_utf8_lossy(&gone.stdout);
    assert!(
        said.contains(&format!("deleted {by_author} document")),
        "{said}"
    );
    assert_eq!(index_count(&data), docs.len() as u64 - posts - by_author);

    // The verdict on the leak search (run last so the audit and forget
    // checks above report too).
    assert!(
        found.is_empty(),
        "{} planted identifier occurrence(s) survived:\n{}",
        found.len(),
        found.join("\n")
    );
}

/// The index's segment store files, by name.
fn segment_files(data: &Path) -> BTreeSet<String> {
    std::fs::read_dir(data.join("index"))
        .expect("list the index")
        .map(|e| {
            e.expect("an index entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".store"))
        .collect()
}

fn index_count(data: &Path) -> u64 {
    hearken_index::Index::open_or_create(&data.join("index"))
        .and_then(|i| i.count())
        .expect("count the index")
}

/// `hay` with every whole-word occurrence of each of `words` replaced by
/// `#`s of the same length.
fn mask_words(hay: &[u8], words: &[String]) -> Vec<u8> {
    let mut out = hay.to_vec();
    let glued = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    for w in words {
        let w = w.as_bytes();
        if w.is_empty() {
            continue;
        }
        let mut i = 0;
        while i + w.len() <= out.len() {
            if &out[i..i + w.len()] == w
                && !glued(i.checked_sub(1).and_then(|j| out.get(j)))
                && !glued(out.get(i + w.len()))
            {
                out[i..i + w.len()].fill(b'#');
                i += w.len();
            } else {
                i += 1;
            }
        }
    }
    out
}
