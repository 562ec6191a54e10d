//! The streaming page reader against the tree reader.
//!
//! The crawler reads pages with [`stream::parse_page`] and trusts it to give
//! what [`parse_page`] gives. These tests hold it to that on every engine
//! fixture, on every page of a generated forum, and on markup written to hit
//! the corners of text extraction (character references, `<pre>`, line
//! ends, scripts, nested quotes, tables). Where the two readers must differ
//! (markup a browser repairs and lol_html does not), they check that the
//! crawler's [`PageReader`] notices and keeps to the tree.

#![allow(clippy::unwrap_used)]

mod common;

use common::fixture;
use hearken_plugin_forum::config::{Engine, Selectors};
use hearken_plugin_forum::page::{Page, PageReader, parse_page};
use hearken_plugin_forum::profile::Profile;
use hearken_plugin_forum::stream;
use hearken_plugin_sdk::date::DateOptions;

const NOW: i64 = 1_741_084_800;

fn dates() -> DateOptions {
    DateOptions {
        now: Some(NOW),
        ..DateOptions::default()
    }
}

/// Both readers' pages.
fn both(profile: &Profile, html: &str, url: &str) -> (Page, Page) {
    let selectors = profile
        .stream
        .as_ref()
        .expect("the engine's selectors compile for lol_html");
    let tree = parse_page(html, url, profile, &dates());
    let streamed = stream::parse_page(html, url, profile, selectors, &dates()).unwrap();
    (tree, streamed)
}

#[test]
fn engine_fixtures_read_the_same() {
    let pages = [
        (Engine::Phpbb, "phpbb/viewforum.html", None),
        (Engine::Phpbb, "phpbb/viewtopic-t210.html", None),
        (Engine::Phpbb, "phpbb/viewtopic-t210-start10.html", None),
        (Engine::Xenforo, "xenforo/forum-view.html", None),
        (Engine::Xenforo, "xenforo/thread-1182.html", None),
        (Engine::Xenforo, "xenforo/thread-1182-page-2.html", None),
        (
            Engine::Vbulletin,
            "vbulletin/forumdisplay.html",
            Some("windows-1252"),
        ),
        (
            Engine::Vbulletin,
            "vbulletin/showthread-345.html",
            Some("windows-1252"),
        ),
        (
            Engine::Vbulletin,
            "vbulletin/showthread-345-page2.html",
            Some("windows-1252"),
        ),
    ];
    let mut posts = 0;
    let mut topics = 0;
    for (engine, rel, charset) in pages {
        let html = hearken_plugin_sdk::http::decode_text(&fixture(rel), charset, true);
        let profile = Profile::new(engine, None).unwrap();
        let (tree, streamed) = both(&profile, &html, &format!("http://forum.example.test/{rel}"));
        assert_eq!(streamed, tree, "{rel}");
        posts += tree.posts.len();
        topics += tree.topics.len();
    }
    // The comparison is only worth something if the pages said something.
    assert!(posts >= 15 && topics >= 5, "{posts} posts, {topics} topics");
}

#[test]
fn every_page_of_a_generated_forum_reads_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let config = hearken_sample::SampleConfig::with_docs(4_000, 11);
    hearken_sample::write_site(&config, dir.path()).unwrap();
    let profile = Profile::new(Engine::Phpbb, None).unwrap();
    let mut pending = vec![dir.path().join("forum")];
    let (mut pages, mut posts, mut quoted, mut topics) = (0, 0, 0, 0);
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let html = std::fs::read_to_string(&path).unwrap();
            let rel = path.strip_prefix(dir.path()).unwrap().to_string_lossy();
            let url = format!("http://127.0.0.1:8080/{rel}");
            let (tree, streamed) = both(&profile, &html, &url);
            assert_eq!(streamed, tree, "{rel}");
            pages += 1;
            posts += tree.posts.len();
            quoted += tree.posts.iter().filter(|p| p.quotes.is_some()).count();
            topics += tree.topics.len();
        }
    }
    assert!(
        pages > 100 && posts > 2_000 && quoted > 50 && topics > 100,
        "{pages} pages, {posts} posts ({quoted} quoting), {topics} topics"
    );
}

/// A phpBB thread page with `body` as the one post's content.
fn phpbb_post(body: &str) -> String {
    format!(
        r##"<!DOCTYPE html><html><head><title>t</title></head><body>
<h2 class="topic-title"><a href="./viewtopic.php?t=7">Visit &amp; travel <span class="label">Q</span></a></h2>
<div id="p41" class="post bg2"><div class="inner"><div class="postbody">
<p class="author"><a href="#p41">#</a> by <strong><a class="username" href="./memberlist.php?u=3">night&nbsp;owl</a></strong> &raquo; <time datetime="2025-02-11T21:04:00+00:00">Tue Feb 11, 2025 9:04 pm</time></p>
<div class="content">{body}</div>
<div id="sig41" class="signature">— sent from my phone</div>
</div></div></div>
</body></html>"##
    )
}

#[test]
fn text_extraction_corners_read_the_same() {
    let bodies = [
        // References: named, numeric, legacy without a semicolon, unknown.
        "Fish &amp; chips, caf&eacute;, it&#8217;s &#x2014; &copy 2025 &notit; &bogus; &#0; &#x110000;",
        "a&ampb &lt;3 &gt &quot;quoted&quot; AT&T's",
        // Line ends, breaks, paragraphs.
        "line one\r\nline two\rline three<br>after<br><br>gap<p>para</p>tail",
        // <pre> drops one leading newline and keeps the rest.
        "<pre>\nkeep   this\n  indent\n\n</pre>after pre<pre>\n\nstarts blank</pre>",
        "<pre><code>\ncode first</code></pre>",
        // Dropped elements, comments, images.
        "before<script>var x = '&amp;';</script><style>p{}</style><!-- note -->after<img src=x alt=pic><noscript>ns</noscript>",
        // Nested quotes, with the quoted post named three ways.
        r#"<blockquote cite="./viewtopic.php?p=12#p12"><div><cite>Ana wrote:</cite> outer <blockquote data-post-id="9">inner</blockquote></div></blockquote>My reply"#,
        r#"<blockquote><div><cite><a href="./viewtopic.php?p=33#p33">↑</a> Bo wrote:</cite>quoted</div></blockquote>reply two"#,
        r#"<blockquote><span data-post-id="x"></span><span data-post-id=" 17 ">q</span></blockquote>reply three"#,
        // Tables, lists, definition lists, inline elements.
        "<table><tr><td>dose</td><td>10&nbsp;mg</td></tr><tr><th>when</th><td>daily</td></tr></table><ul><li>one<li>two</ul><dl><dt>term</dt><dd>def</dd></dl><b>bold</b><i>it</i>",
        // Whitespace only, empty, NUL.
        "   \n\t  ",
        "",
        "nul\u{0}here",
        // Attributes with references.
        r#"<a href="./viewtopic.php?t=7&amp;p=5">link &amp; text</a> done"#,
    ];
    let profile = Profile::new(Engine::Phpbb, None).unwrap();
    for body in bodies {
        let html = phpbb_post(body);
        let (tree, streamed) = both(
            &profile,
            &html,
            "http://forum.example.test/viewtopic.php?t=7",
        );
        assert_eq!(tree.posts.len(), 1, "{body:?}");
        assert_eq!(streamed, tree, "{body:?}");
    }
}

#[test]
fn misnested_markup_sends_the_call_to_the_tree_reader() {
    // phpBB's topic list with the rows' `</li>` missing: a browser closes
    // each row at the next `<li>`, lol_html nests them, so the child
    // combinator in `ul.topiclist.topics > li.row` misses every row but the
    // first.
    let rows: String = (1..=4)
        .map(|i| {
            format!(
                r#"<li class="row"><dl><dt><a href="./viewtopic.php?t={i}" class="topictitle">Thread {i}</a></dt><dd class="lastpost"><a href="./viewtopic.php?p={i}0#p{i}0">last</a></dd></dl>"#
            )
        })
        .collect();
    let html = format!(
        r#"<html><body><ul class="topiclist topics">{rows}</ul><div class="pagination"><ul><li class="next"><a href="./viewforum.php?f=2&amp;start=25">Next</a></li></ul></div></body></html>"#
    );
    let url = "http://forum.example.test/viewforum.php?f=2";
    let profile = Profile::new(Engine::Phpbb, None).unwrap();
    let (tree, streamed) = both(&profile, &html, url);
    assert_eq!(tree.topics.len(), 4);
    assert_ne!(streamed, tree, "the streaming reader repairs nothing");

    let reader = PageReader::new(&profile);
    assert!(!reader.tree_only());
    // The first page of a call is checked: the reader returns the tree's
    // page and keeps to the tree from then on.
    assert_eq!(reader.read(&html, url, &dates()), tree);
    assert!(reader.tree_only());
    assert_eq!(reader.read(&html, url, &dates()), tree);
}

#[test]
fn well_formed_pages_stay_on_the_streaming_reader() {
    let profile = Profile::new(Engine::Phpbb, None).unwrap();
    let reader = PageReader::new(&profile);
    let html = phpbb_post("<p>fine</p>");
    let url = "http://forum.example.test/viewtopic.php?t=7";
    let tree = parse_page(&html, url, &profile, &dates());
    for _ in 0..(2 * hearken_plugin_forum::page::CHECK_EVERY + 1) {
        assert_eq!(reader.read(&html, url, &dates()), tree);
    }
    assert!(!reader.tree_only());
}

#[test]
fn selectors_lol_html_cannot_match_go_to_the_tree_reader() {
    let custom = Selectors {
        thread_link: Some("h3 + a.thread".into()),
        post: Some("div.msg".into()),
        body: Some("div.msg > .text".into()),
        ..Selectors::default()
    };
    let profile = Profile::new(Engine::Selectors, Some(&custom)).unwrap();
    assert!(profile.stream.is_none());
    let reader = PageReader::new(&profile);
    assert!(reader.tree_only());
    let html = r#"<div class="msg" id="m5"><span class="author">kit</span><div class="text">Hello &amp; welcome</div></div>"#;
    let page = reader.read(html, "http://forum.example.test/t/1", &dates());
    assert_eq!(page.posts.len(), 1);
    assert_eq!(page.posts[0].body, "Hello & welcome");

    // Scoped lists multiply: six posts by six bodies by six quotes is more
    // than lol_html is given for every page.
    let six = |tag: &str| {
        (1..=6)
            .map(|i| format!("{tag}.v{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let many = Selectors {
        thread_link: Some("a.thread".into()),
        post: Some(six("div")),
        body: Some(six("section")),
        quote: Some(six("blockquote")),
        ..Selectors::default()
    };
    assert!(
        Profile::new(Engine::Selectors, Some(&many))
            .unwrap()
            .stream
            .is_none()
    );

    // Every built-in engine streams.
    for engine in [Engine::Phpbb, Engine::Xenforo, Engine::Vbulletin] {
        assert!(
            Profile::new(engine, None).unwrap().stream.is_some(),
            "{engine:?}"
        );
    }
}

#[test]
fn markup_lol_html_will_not_stream_goes_to_the_tree_reader() {
    // Text-mode tags inside `<select>`: lol_html cannot tell, without the
    // tree, whether the browser honours them, and stops (its strict mode).
    let html = phpbb_post(r#"Pick one: <select><xmp><script>x = 1;</script></select> then more"#);
    let url = "http://forum.example.test/viewtopic.php?t=7";
    let profile = Profile::new(Engine::Phpbb, None).unwrap();
    let selectors = profile.stream.as_ref().unwrap();
    let e = stream::parse_page(&html, url, &profile, selectors, &dates()).unwrap_err();
    assert!(
        e.to_string().contains("streaming HTML reader stopped"),
        "{e}"
    );

    let tree = parse_page(&html, url, &profile, &dates());
    assert_eq!(tree.posts.len(), 1);
    let reader = PageReader::new(&profile);
    // Not a checked page: the error alone sends the call to the tree.
    reader.read(&phpbb_post("fine"), url, &dates());
    assert_eq!(reader.read(&html, url, &dates()), tree);
    assert!(reader.tree_only());
}
