//! End-to-end checks of a generated site: determinism, the truth file
//! against the written files, real quotes, pagination chains, feed XML, and
//! the transcript formats.

// Test helpers outside `#[test]` functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hearken_sample::{SampleConfig, SiteManifest, Truth, read_truth, write_site};

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn demo() -> (tempfile::TempDir, SiteManifest, Truth) {
    let dir = tempfile::tempdir().unwrap();
    let m = write_site(&SampleConfig::demo(), dir.path()).unwrap();
    let t = read_truth(dir.path()).unwrap();
    (dir, m, t)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The post chunks of a topic page: text after each `<div id="p<digits>`.
fn post_chunks(page: &str) -> Vec<&str> {
    let starts: Vec<usize> = page
        .match_indices("<div id=\"p")
        .map(|(i, m)| i + m.len())
        .filter(|i| page[*i..].starts_with(|ch: char| ch.is_ascii_digit()))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, i)| &page[*i..starts.get(k + 1).copied().unwrap_or(page.len())])
        .collect()
}

/// Text between `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

#[test]
fn same_seed_same_bytes_and_another_seed_differs() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let cfg = SampleConfig::demo();
    write_site(&cfg, a.path()).unwrap();
    write_site(&cfg, b.path()).unwrap();
    let fa = files(a.path());
    let fb = files(b.path());
    assert!(fa.len() > 50, "only {} files", fa.len());
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs between two runs");
    }
    // No temporary files are left behind.
    assert!(
        fa.keys().all(|k| !k.ends_with(".tmp")),
        "{:?}",
        fa.keys()
            .filter(|k| k.ends_with(".tmp"))
            .collect::<Vec<_>>()
    );

    let c = tempfile::tempdir().unwrap();
    let other = SampleConfig {
        seed: cfg.seed + 1,
        ..cfg
    };
    write_site(&other, c.path()).unwrap();
    let fc = files(c.path());
    assert_ne!(
        fa["forum/topic-17/page-1.html"],
        fc["forum/topic-17/page-1.html"]
    );
    assert_ne!(fa["truth.json"], fc["truth.json"]);
}

#[test]
fn manifest_and_truth_agree_with_the_files() {
    let (dir, m, t) = demo();
    let root = dir.path();
    assert_eq!(m.forum_start, "forum/index.html");
    assert_eq!(m.feed_start, "posts/feed.xml");
    assert_eq!(m.truth_path, "truth.json");
    assert_eq!(m.transcripts.len(), 2);
    assert!(m.transcripts[0].ends_with(".vtt") && m.transcripts[1].ends_with(".txt"));
    assert_eq!(m.documents, t.documents.len());
    assert_eq!(
        m.documents,
        m.forum_posts + m.feed_items + m.transcript_turns
    );
    assert_eq!(m.feed_items, 40);
    // 12 threads of 1 + (5..=25) posts.
    assert!(
        (12 * 6..=12 * 26).contains(&m.forum_posts),
        "{}",
        m.forum_posts
    );
    for p in [&m.forum_start, &m.feed_start, &m.truth_path] {
        assert!(root.join(p).is_file(), "{p}");
    }
    for p in &m.transcripts {
        assert!(root.join(p).is_file(), "{p}");
    }
    // Ids and urls are unique; every document's file exists.
    let urls: BTreeSet<&str> = t.documents.iter().map(|d| d.url.as_str()).collect();
    let ids: BTreeSet<&str> = t.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(urls.len(), t.documents.len());
    assert_eq!(ids.len(), t.documents.len());
    for d in &t.documents {
        assert!(root.join(d.file()).is_file(), "{}", d.url);
        assert!(
            ["post", "reply", "transcript-turn"].contains(&d.kind.as_str()),
            "{}",
            d.kind
        );
        assert!(
            d.published.ends_with('Z') && d.published.len() == 20,
            "{}",
            d.published
        );
    }
    let robots = read(root, "robots.txt");
    assert!(robots.contains("User-agent: *") && robots.contains("Disallow: /forum/ucp/"));
}

#[test]
fn every_planted_identifier_is_verbatim_in_its_record() {
    let (dir, _m, t) = demo();
    let root = dir.path();
    assert!(
        t.identifiers.len() > 40,
        "only {} identifiers planted",
        t.identifiers.len()
    );
    let kinds: BTreeSet<&str> = t.identifiers.iter().map(|i| i.kind.as_str()).collect();
    for k in ["name", "handle", "phone", "email", "date", "city"] {
        assert!(kinds.contains(k), "no {k} planted; kinds: {kinds:?}");
    }
    let docs: BTreeMap<&str, &hearken_sample::DocTruth> =
        t.documents.iter().map(|d| (d.url.as_str(), d)).collect();
    let mut cache: BTreeMap<String, String> = BTreeMap::new();
    for id in &t.identifiers {
        let doc = docs
            .get(id.doc.as_str())
            .unwrap_or_else(|| panic!("identifier names unknown doc {}", id.doc));
        let file = cache
            .entry(doc.file().to_string())
            .or_insert_with(|| read(root, doc.file()));
        assert!(
            file.contains(&id.value),
            "{} {:?} not in {}",
            id.kind,
            id.value,
            doc.file()
        );
        // Narrower: in the record's own part of the file.
        if doc.kind != "transcript-turn" && doc.url.contains("#p") {
            let pid = &doc.id; // p1234
            let post = between(
                file,
                &format!("<div id=\"{pid}\""),
                "<hr class=\"divider\" />",
            )
            .unwrap();
            let content = between(post, "<div class=\"content\">", "</div>\n\n").unwrap();
            let own = match (content.find("<blockquote>"), content.rfind("</blockquote>")) {
                (Some(a), Some(b)) => format!("{}{}", &content[..a], &content[b..]),
                _ => content.to_string(),
            };
            assert!(
                own.contains(&id.value),
                "{:?} not in the own words of {}",
                id.value,
                doc.url
            );
        }
        if doc.kind == "transcript-turn" {
            // The turn's speaker line(s) hold it: find a line with the
            // speaker that contains the value.
            let hit = file.lines().any(|l| {
                l.contains(&id.value)
                    && (l.contains(&format!("<v {}>", doc.author))
                        || l.contains(&format!("] {}: ", doc.author)))
            });
            assert!(
                hit,
                "{:?} not in a turn of {} in {}",
                id.value,
                doc.author,
                doc.file()
            );
        }
    }
}

/// Every post on every topic page: (topic page, post id, author, own
/// content, quote (source id, cite name, text)).
struct ForumPost {
    id: u64,
    author: String,
    own: String,
    quote: Option<(u64, String, String)>,
}

fn forum_posts(root: &Path) -> BTreeMap<u64, (String, ForumPost)> {
    let mut out = BTreeMap::new();
    for (name, bytes) in files(root) {
        if !(name.starts_with("forum/topic-") && name.ends_with(".html")) {
            continue;
        }
        let page = String::from_utf8(bytes).unwrap();
        for chunk in post_chunks(&page) {
            let id: u64 = chunk[..chunk.find('"').unwrap()].parse().unwrap();
            let author_block = between(chunk, "<p class=\"author\">", "</p>").unwrap();
            let author = between(author_block, "class=\"username", "</a>").unwrap();
            let author = author[author.find('>').unwrap() + 1..].to_string();
            let content = between(chunk, "<div class=\"content\">", "</div>\n\n").unwrap();
            let (own, quote) = match content.find("<blockquote>") {
                Some(a) => {
                    let b = content.find("</blockquote>").unwrap() + "</blockquote>".len();
                    let block = &content[a..b];
                    let src: u64 = between(block, "data-post-id=\"", "\"")
                        .unwrap()
                        .parse()
                        .unwrap();
                    let cite = between(block, "<cite>", "</cite>").unwrap();
                    let who = between(cite, "\">", "</a> wrote:").unwrap().to_string();
                    let text = between(block, "</cite>", "</div></blockquote>")
                        .unwrap()
                        .to_string();
                    (
                        format!("{}{}", &content[..a], &content[b..]),
                        Some((src, who, text)),
                    )
                }
                None => (content.to_string(), None),
            };
            out.insert(
                id,
                (
                    name.clone(),
                    ForumPost {
                        id,
                        author,
                        own,
                        quote,
                    },
                ),
            );
        }
    }
    out
}

#[test]
fn quotes_are_earlier_posts_own_words() {
    let (dir, _m, _t) = demo();
    let posts = forum_posts(dir.path());
    let mut quotes = 0;
    for (page, p) in posts.values() {
        let Some((src, who, text)) = &p.quote else {
            continue;
        };
        quotes += 1;
        let (src_page, source) = posts
            .get(src)
            .unwrap_or_else(|| panic!("post {} quotes missing post {src}", p.id));
        assert!(*src < p.id, "post {} quotes a later post {src}", p.id);
        let topic = |s: &str| s.split('/').nth(1).unwrap().to_string();
        assert_eq!(topic(page), topic(src_page), "quote across topics");
        assert_eq!(
            *who, source.author,
            "cite name is not the quoted post's author"
        );
        assert_ne!(
            source.author, p.author,
            "post {} quotes its own author",
            p.id
        );
        assert!(text.len() > 10, "empty quote in {}", p.id);
        assert!(
            source.own.contains(text.as_str()),
            "post {} quotes words that post {src} does not say: {text}",
            p.id
        );
    }
    assert!(quotes >= 10, "only {quotes} quotes in the demo forum");
}

/// The `href` of the next-page arrow, if any (prosilver: `li.arrow.next > a[rel=next]`).
fn next_link(page: &str) -> Option<String> {
    let li = between(page, "<li class=\"arrow next\">", "</li>")?;
    assert!(li.contains("rel=\"next\""));
    Some(between(li, "href=\"", "\"")?.to_string())
}

#[test]
fn pagination_chains_cover_every_page_and_end() {
    let (dir, _m, t) = demo();
    let root = dir.path();
    let all = files(root);
    let index = read(root, "forum/index.html");
    // Boards, from the index.
    // The href of each `a.forumtitle`.
    let boards: Vec<String> = index
        .match_indices(" class=\"forumtitle\"")
        .map(|(i, _)| {
            let before = &index[..i];
            let href = &before[before.rfind("href=\"").unwrap() + 6..];
            href.trim_end_matches('"').to_string()
        })
        .collect();
    assert_eq!(boards.len(), 2, "{boards:?}");
    let mut topics_seen = BTreeSet::new();
    let mut board_pages = BTreeSet::new();
    for b in &boards {
        let mut url = b.clone();
        let mut guard = 0;
        loop {
            assert!(!url.contains('?'), "query string in {url}");
            let rel = url.trim_start_matches('/').to_string();
            assert!(board_pages.insert(rel.clone()), "cycle at {rel}");
            let page = read(root, &rel);
            let list = between(
                &page,
                "<ul class=\"topiclist topics\">",
                "</ul>\n\t\t</div>",
            )
            .unwrap_or("");
            for row in list.split("<li class=\"row").skip(1) {
                let href = between(row, "<a href=\"", "\" class=\"topictitle\"").unwrap();
                topics_seen.insert(href.to_string());
            }
            match next_link(&page) {
                Some(n) => url = n,
                None => break,
            }
            guard += 1;
            assert!(guard < 100);
        }
    }
    let board_files: BTreeSet<String> = all
        .keys()
        .filter(|k| k.starts_with("forum/board-"))
        .cloned()
        .collect();
    assert_eq!(
        board_pages, board_files,
        "board pages not reachable by next links"
    );
    assert_eq!(topics_seen.len(), 12);

    // Topics: follow next from page 1; posts seen == the truth's posts.
    let mut posts_seen = BTreeSet::new();
    let mut topic_pages = BTreeSet::new();
    for start in &topics_seen {
        let mut url = start.clone();
        loop {
            let rel = url.trim_start_matches('/').to_string();
            assert!(topic_pages.insert(rel.clone()), "cycle at {rel}");
            let page = read(root, &rel);
            for chunk in post_chunks(&page) {
                posts_seen.insert(format!("{rel}#p{}", &chunk[..chunk.find('"').unwrap()]));
            }
            match next_link(&page) {
                Some(n) => url = n,
                None => break,
            }
        }
    }
    let topic_files: BTreeSet<String> = all
        .keys()
        .filter(|k| k.starts_with("forum/topic-"))
        .cloned()
        .collect();
    assert_eq!(topic_pages, topic_files);
    let forum_docs: BTreeSet<String> = t
        .documents
        .iter()
        .filter(|d| d.url.starts_with("forum/"))
        .map(|d| d.url.clone())
        .collect();
    let diff: Vec<_> = posts_seen
        .symmetric_difference(&forum_docs)
        .take(5)
        .collect();
    assert!(
        diff.is_empty(),
        "posts reached by pagination differ from the truth: {diff:?}"
    );

    // Feed: follow atom:link rel=next.
    let mut url = "/posts/feed.xml".to_string();
    let mut items = 0;
    let mut feed_pages = 0;
    loop {
        let page = read(root, url.trim_start_matches('/'));
        feed_pages += 1;
        items += page.matches("<item>").count();
        match between(&page, "<atom:link rel=\"next\" href=\"", "\"") {
            Some(n) => url = n.to_string(),
            None => break,
        }
        assert!(feed_pages < 100);
    }
    assert_eq!(feed_pages, 2);
    assert_eq!(
        items,
        t.documents
            .iter()
            .filter(|d| d.url.starts_with("posts/"))
            .count()
    );
}

#[test]
fn root_relative_links_resolve_except_unwritten_areas() {
    let (dir, _m, _t) = demo();
    let root = dir.path();
    let all = files(root);
    // Linked like on a real board but deliberately not written.
    let unwritten = [
        "/forum/ucp/",
        "/forum/member-",
        "/forum/images/",
        "/forum/styles/",
        "/forum/faq.html",
        "/posts/",
    ];
    let mut checked = 0;
    for (name, bytes) in &all {
        if !name.ends_with(".html") && !name.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for piece in text.split("href=\"/").skip(1) {
            let href = format!("/{}", &piece[..piece.find('"').unwrap()]);
            let path = href.split('#').next().unwrap();
            assert!(!path.contains('?'), "query string in {href} ({name})");
            if unwritten.iter().any(|u| {
                path == *u
                    || (u.ends_with('/') && path.starts_with(u) && *u != "/posts/")
                    || (!u.ends_with('/') && path.starts_with(u))
            }) {
                continue;
            }
            let rel = path.trim_start_matches('/');
            let rel = if rel.ends_with('/') || rel.is_empty() {
                format!("{rel}index.html")
            } else {
                rel.to_string()
            };
            assert!(all.contains_key(&rel), "{name} links to missing {href}");
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked}");
}

#[test]
fn feed_pages_are_well_formed_rss() {
    use quick_xml::Reader;
    use quick_xml::events::Event;
    let (dir, _m, t) = demo();
    let root = dir.path();
    let mut guids = BTreeSet::new();
    for rel in ["posts/feed.xml", "posts/feed-2.xml"] {
        let xml = read(root, rel);
        let mut reader = Reader::from_str(&xml);
        let mut stack: Vec<String> = Vec::new();
        let mut items = 0;
        let mut cur: BTreeMap<String, String> = BTreeMap::new();
        loop {
            match reader.read_event() {
                Ok(Event::Start(e)) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    if name == "item" {
                        cur.clear();
                    }
                    stack.push(name);
                }
                Ok(Event::End(e)) => {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
                    if name == "item" {
                        items += 1;
                        for k in [
                            "title",
                            "link",
                            "guid",
                            "dc:creator",
                            "pubDate",
                            "description",
                            "category",
                        ] {
                            assert!(cur.contains_key(k), "item without {k} in {rel}");
                        }
                        let date = &cur["pubDate"];
                        assert!(date.ends_with(" +0000") || date.ends_with(" GMT"), "{date}");
                        assert!(cur["link"].starts_with("/posts/p/"));
                        assert!(guids.insert(cur["guid"].clone()));
                        assert!(
                            cur["description"].starts_with("<p>"),
                            "description is not HTML once unescaped: {}",
                            cur["description"]
                        );
                    }
                }
                Ok(Event::Text(e)) => {
                    if let Some(top) = stack.last() {
                        let s = e.decode().unwrap().into_owned();
                        let s = quick_xml::escape::unescape(&s).unwrap().into_owned();
                        cur.entry(top.clone()).or_default().push_str(&s);
                    }
                }
                Ok(Event::GeneralRef(e)) => {
                    if let Some(top) = stack.last() {
                        let r = String::from_utf8(e.to_vec()).unwrap();
                        let s = quick_xml::escape::unescape(&format!("&{r};"))
                            .unwrap()
                            .into_owned();
                        cur.entry(top.clone()).or_default().push_str(&s);
                    }
                }
                Ok(Event::CData(e)) => {
                    if let Some(top) = stack.last() {
                        cur.entry(top.clone())
                            .or_default()
                            .push_str(std::str::from_utf8(&e).unwrap());
                    }
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!(
                    "{rel} is not well-formed XML at {}: {e}",
                    reader.buffer_position()
                ),
            }
        }
        assert!(stack.is_empty());
        assert_eq!(items, 20, "{rel}");
    }
    let truth_guids: BTreeSet<String> = t
        .documents
        .iter()
        .filter(|d| d.url.starts_with("posts/"))
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(guids, truth_guids);
}

#[test]
fn transcripts_follow_their_formats() {
    let (dir, m, t) = demo();
    let root = dir.path();
    let is_time = |s: &str, loose: bool| -> bool {
        // [hh:]mm:ss.ttt, or the loose h:m:s.ttt form.
        let (hms, ms) = match s.split_once('.') {
            Some(x) => x,
            None => return false,
        };
        let parts: Vec<&str> = hms.split(':').collect();
        ms.len() == 3
            && ms.chars().all(|c| c.is_ascii_digit())
            && (parts.len() == 2 || parts.len() == 3)
            && parts.iter().all(|p| {
                !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (loose || p.len() >= 2)
            })
    };
    let vtt = read(root, &m.transcripts[0]);
    assert!(vtt.starts_with("WEBVTT"));
    assert!(vtt.contains("\n\nNOTE\n"));
    let mut cues = 0;
    let mut speakers_in_order: Vec<String> = Vec::new();
    for block in vtt.split("\n\n").skip(1) {
        if block.starts_with("NOTE") || block.trim().is_empty() {
            continue;
        }
        let lines: Vec<&str> = block.lines().collect();
        let timing_at = lines
            .iter()
            .position(|l| l.contains(" --> "))
            .expect("cue without timing");
        assert!(timing_at <= 1, "{block}");
        let (a, b) = lines[timing_at].split_once(" --> ").unwrap();
        assert!(
            is_time(a, cues == 0) && is_time(b, cues == 0),
            "bad timing {}",
            lines[timing_at]
        );
        let payload = lines[timing_at + 1];
        assert!(payload.starts_with("<v "), "{payload}");
        let who = &payload[3..payload.find('>').unwrap()];
        if speakers_in_order.last().map(String::as_str) != Some(who) {
            speakers_in_order.push(who.to_string());
        }
        cues += 1;
    }
    // Merging consecutive cues of one voice gives the truth's turns.
    let stem = m.transcripts[0]
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".vtt");
    let turns: Vec<&hearken_sample::DocTruth> = t
        .documents
        .iter()
        .filter(|d| d.thread.as_deref() == Some(stem))
        .collect();
    assert_eq!(speakers_in_order.len(), turns.len());
    for (s, d) in speakers_in_order.iter().zip(&turns) {
        assert_eq!(s, &d.author);
    }
    assert!(cues > turns.len(), "no turn was split over cues");

    let txt = read(root, &m.transcripts[1]);
    let stem = m.transcripts[1]
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".txt");
    let turns: Vec<&hearken_sample::DocTruth> = t
        .documents
        .iter()
        .filter(|d| d.thread.as_deref() == Some(stem))
        .collect();
    let lines: Vec<&str> = txt.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(lines.len(), turns.len());
    for (l, d) in lines.iter().zip(&turns) {
        assert_eq!(&l[0..1], "[");
        assert_eq!(&l[9..11], "] ");
        assert!(l[1..9].chars().filter(|c| *c == ':').count() == 2);
        assert!(l[11..].starts_with(&format!("{}: ", d.author)), "{l}");
        assert_eq!(d.url.split("#t=").nth(1).unwrap(), &l[1..9]);
    }
    assert!(
        turns
            .iter()
            .any(|d| d.author == "MODERATOR" && d.role.as_deref() == Some("moderator"))
    );
    for role in ["moderator", "clinician", "sponsor", "patient"] {
        assert!(
            t.documents.iter().any(|d| d.role.as_deref() == Some(role)),
            "no {role}"
        );
    }
    // Speakers address each other: some names occur in other speakers' turns.
    let names: BTreeSet<&str> = t
        .identifiers
        .iter()
        .filter(|i| i.kind == "name" && i.doc.starts_with("transcripts/"))
        .map(|i| i.value.as_str())
        .collect();
    assert!(names.len() >= 5, "{names:?}");
    // Never two consecutive turns by one speaker.
    for w in t.documents.windows(2) {
        if w[0].kind == "transcript-turn" && w[0].thread == w[1].thread {
            assert_ne!(w[0].author, w[1].author);
        }
    }
}

#[test]
fn segments_are_consistent_and_authors_have_several_documents() {
    let (_dir, _m, t) = demo();
    assert_eq!(t.segments.len(), 5);
    let mut seg_of: BTreeMap<&str, &str> = BTreeMap::new();
    for s in &t.segments {
        assert!(!s.authors.is_empty(), "segment {} has no authors", s.id);
        assert!(!s.defining_themes.is_empty());
        for a in &s.authors {
            assert!(seg_of.insert(a, &s.id).is_none(), "{a} in two segments");
        }
    }
    let mut docs_per_author: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &t.documents {
        match &d.segment {
            Some(s) => {
                assert_eq!(
                    seg_of.get(d.author.as_str()),
                    Some(&s.as_str()),
                    "{} segment mismatch",
                    d.author
                );
                *docs_per_author.entry(&d.author).or_default() += 1;
            }
            None => assert!(
                matches!(
                    d.role.as_deref(),
                    Some("moderator" | "clinician" | "sponsor")
                ),
                "{:?}",
                d
            ),
        }
    }
    // Every planted author has documents, and at least two.
    for a in seg_of.keys() {
        let n = docs_per_author.get(a).copied().unwrap_or(0);
        assert!(n >= 2, "{a} has {n} documents");
    }
    let forum_or_feed: Vec<usize> = t
        .documents
        .iter()
        .filter(|d| d.kind != "transcript-turn")
        .map(|d| docs_per_author[d.author.as_str()])
        .collect();
    assert!(forum_or_feed.iter().all(|n| *n >= 3));
}

/// A crude, independent keyword view of the ten themes: what a codebook
/// would look for. Used to check that planted segments are in the words.
const THEME_WORDS: [(&str, &[&str]); 10] = [
    (
        "travel_burden",
        &[
            "travel",
            "drive",
            "driving",
            "miles",
            "bus",
            "train",
            "parking",
            "taxi",
            "journey",
            "distance",
            "motorway",
            "round trip",
            "home visit",
            "closer",
        ],
    ),
    (
        "side_effects",
        &[
            "side effect",
            "nausea",
            "rash",
            "headache",
            "fatigue",
            "dizz",
            "adverse",
            "reaction",
            "symptom",
            "insomnia",
        ],
    ),
    (
        "placebo_worry",
        &[
            "placebo",
            "randomis",
            "double blind",
            "sugar pill",
            "dummy",
            "unblind",
        ],
    ),
    (
        "time_work",
        &[
            "work",
            "job",
            "boss",
            "manager",
            "shift",
            "annual leave",
            "employer",
            "hourly",
            "unpaid",
            "lunch break",
        ],
    ),
    (
        "caregiving",
        &[
            "carer",
            "caring",
            "childcare",
            "kids",
            "school",
            "sitter",
            "care for",
            "toddler",
        ],
    ),
    (
        "digital_burden",
        &[
            " app",
            "e-diary",
            "diary",
            "tablet",
            "wearable",
            "log",
            "password",
            "bluetooth",
            "screen",
            "smartphone",
            "internet",
        ],
    ),
    (
        "trust",
        &[
            "trust",
            "consent",
            "my data",
            "results back",
            "samples",
            "sponsor",
        ],
    ),
    (
        "cost_compensation",
        &[
            "reimburs",
            "cost",
            "money",
            "stipend",
            "fuel",
            "petrol",
            "out of pocket",
            "receipt",
            "insurance",
            "expenses",
            "pay",
        ],
    ),
    (
        "altruism",
        &[
            "help",
            "next person",
            "give back",
            "giving back",
            "research",
            "next generation",
            "other people",
        ],
    ),
    (
        "hope_access",
        &[
            "hope",
            "new treatment",
            "new drug",
            "access",
            "lifeline",
            "best shot",
            "better",
        ],
    ),
];

#[test]
fn larger_corpora_scale_and_carry_the_planted_segments() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = SampleConfig::with_docs(5_000, 99);
    let m = write_site(&cfg, dir.path()).unwrap();
    assert!((4_300..=5_700).contains(&m.documents), "{}", m.documents);
    let t = read_truth(dir.path()).unwrap();
    assert_eq!(t.documents.len(), m.documents);
    let files = files(dir.path());
    assert!(
        files.keys().any(|k| k.starts_with("forum/board-7/")),
        "six boards"
    );
    // Mostly distinct sentences: the text is not a handful of sentences.
    let mut sentences = BTreeSet::new();
    let mut total = 0;
    for (name, bytes) in &files {
        if name.starts_with("posts/p/") {
            let s = String::from_utf8_lossy(bytes);
            let body = between(&s, "<p>", "</p>").unwrap();
            for sent in body.split(". ") {
                total += 1;
                sentences.insert(sent.to_string());
            }
        }
    }
    assert!(
        sentences.len() * 10 > total * 6,
        "{} distinct of {total}",
        sentences.len()
    );

    // Each segment's defining themes are in its members' own words far
    // more often than in everyone's (forum posts and feed items).
    let text = |d: &hearken_sample::DocTruth| -> Option<String> {
        let page = std::str::from_utf8(&files[d.file()]).unwrap();
        let raw = if d.url.starts_with("forum/") {
            let post = between(
                page,
                &format!("<div id=\"{}\"", d.id),
                "<hr class=\"divider\" />",
            )
            .unwrap();
            let content = between(post, "<div class=\"content\">", "</div>\n\n").unwrap();
            match (content.find("<blockquote>"), content.find("</blockquote>")) {
                (Some(a), Some(b)) => format!("{}{}", &content[..a], &content[b..]),
                _ => content.to_string(),
            }
        } else if d.url.starts_with("posts/") {
            between(page, "<div class=\"e-content post-body\">", "</div>")
                .unwrap()
                .to_string()
        } else {
            return None;
        };
        Some(raw.to_lowercase())
    };
    let mut per_segment: BTreeMap<String, (usize, [usize; 10])> = BTreeMap::new();
    let mut all = (0usize, [0usize; 10]);
    for d in &t.documents {
        let (Some(seg), Some(x)) = (&d.segment, text(d)) else {
            continue;
        };
        let e = per_segment.entry(seg.clone()).or_insert((0, [0; 10]));
        e.0 += 1;
        all.0 += 1;
        for (i, (_, words)) in THEME_WORDS.iter().enumerate() {
            if words.iter().any(|w| x.contains(w)) {
                e.1[i] += 1;
                all.1[i] += 1;
            }
        }
    }
    for s in &t.segments {
        let (n, hits) = per_segment[&s.id];
        let lift = |i: usize| (hits[i] as f64 / n as f64) / (all.1[i] as f64 / all.0 as f64);
        for theme in &s.defining_themes {
            let i = THEME_WORDS.iter().position(|(id, _)| id == theme).unwrap();
            assert!(lift(i) >= 1.5, "{}: {theme} lift {:.2}", s.id, lift(i));
        }
        for (i, (id, _)) in THEME_WORDS.iter().enumerate() {
            if !s.defining_themes.iter().any(|t| t == id) {
                assert!(
                    lift(i) < 1.4,
                    "{}: non-defining {id} has lift {:.2}",
                    s.id,
                    lift(i)
                );
            }
        }
    }
}

#[test]
fn empty_and_tiny_configurations_write_valid_sites() {
    let empty = SampleConfig {
        forum_threads: 0,
        feed_items: 0,
        transcripts: 0,
        ..SampleConfig::demo()
    };
    let dir = tempfile::tempdir().unwrap();
    let m = write_site(&empty, dir.path()).unwrap();
    assert_eq!(m.documents, 0);
    let t = read_truth(dir.path()).unwrap();
    assert!(t.documents.is_empty() && t.identifiers.is_empty());
    assert!(
        read(dir.path(), "forum/board-2/page-1.html")
            .contains("There are no topics or posts in this forum.")
    );
    assert!(!read(dir.path(), "posts/feed.xml").contains("rel=\"next\""));

    let tiny = SampleConfig {
        forum_threads: 1,
        replies_per_thread: (0, 0),
        feed_items: 1,
        transcripts: 1,
        turns_per_transcript: (10, 12),
        ..SampleConfig::demo()
    };
    let dir = tempfile::tempdir().unwrap();
    let m = write_site(&tiny, dir.path()).unwrap();
    assert_eq!((m.forum_posts, m.feed_items), (1, 1));
    assert!(
        (10..=12).contains(&m.transcript_turns),
        "{}",
        m.transcript_turns
    );

    let bad = SampleConfig {
        replies_per_thread: (9, 2),
        ..SampleConfig::demo()
    };
    let err = write_site(&bad, tempfile::tempdir().unwrap().path()).unwrap_err();
    assert!(err.to_string().contains("replies_per_thread"), "{err}");
}

#[test]
fn demo_transcripts_have_turns_in_the_configured_range() {
    let (_dir, m, t) = demo();
    for path in &m.transcripts {
        let stem = path.rsplit('/').next().unwrap().split('.').next().unwrap();
        let n = t
            .documents
            .iter()
            .filter(|d| d.thread.as_deref() == Some(stem))
            .count();
        assert!((30..=60).contains(&n), "{path}: {n} turns");
    }
}
