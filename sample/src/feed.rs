//! The public posts feed: RSS 2.0, paged, with an HTML page per post.
//!
//! Short social posts reach Hearken as feeds more often than through any
//! API (Mastodon, Bluesky bridges, blogs and most social tools export RSS),
//! so the feed looks like those exports: `dc:creator` for the handle,
//! `pubDate` in RFC 822 (some items with `+0000`, some with `GMT`, as
//! generators disagree), a `guid` that is sometimes a permalink and
//! sometimes an opaque `tag:` URI with `isPermaLink="false"`, a
//! `description` holding HTML that is entity-escaped in most items and
//! wrapped in CDATA in others, and hashtags as `category` elements.
//!
//! Paging follows RFC 5005 §3 (paged feeds): the newest items are in
//! `posts/feed.xml`, each page carries `<atom:link rel="next">` to the next
//! older page (`feed-2.xml`, `feed-3.xml`, …), and the last page has none.
//! Links are root-relative for the same reason as the forum's: the server's
//! port is not known when the site is written.
//!
//! Items are generated one at a time and written straight into the open
//! page and their own post page; nothing but the author pool is kept.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write as _};
use std::path::Path;

use crate::compose::{self, Ctx, Piece, Sentence};
use crate::lexicon::{self, THEME_LEX};
use crate::markup::{html, rfc822, rfc3339_z, xml};
use crate::people::{self, Channel, SEGMENTS, base36};
use crate::rng::{Rand, mix64};
use crate::truth::{DocTruth, PlantedIdentifier, TruthWriter};
use crate::{SampleConfig, SampleError, write_file};

/// The community the feed belongs to.
const FEED_TITLE: &str = "Patient Voices — public posts tagged #clinicaltrials";
/// The canonical host of permalink guids (the demo serves a mirror).
const CANONICAL: &str = "https://voices.example.org";
/// The newest item's time: 2025-10-30 18:00 UTC.
const FEED_NEWEST: i64 = 1_761_847_200;

/// The site-relative path of feed page `page` (1-based).
pub(crate) fn page_path(page: usize) -> String {
    if page <= 1 {
        "posts/feed.xml".to_string()
    } else {
        format!("posts/feed-{page}.xml")
    }
}

/// A short, unique, stable post id: a bijection of the item index onto
/// seven base-36 digits, offset by the seed.
fn post_id(seed: u64, index: usize) -> String {
    const SPACE: u64 = 78_364_164_096; // 36^7
    const MULT: u128 = 30_358_485_793; // odd, digit sum 55: coprime with 36^7
    let offset = mix64(seed) % SPACE;
    let n = (((index as u64 % SPACE) as u128 * MULT + offset as u128) % SPACE as u128) as u64;
    let s = base36(n);
    format!("{s:0>7}")
}

struct Page {
    out: BufWriter<File>,
    path: std::path::PathBuf,
}

impl Page {
    fn write(&mut self, s: &str) -> Result<(), SampleError> {
        self.out
            .write_all(s.as_bytes())
            .map_err(|source| SampleError::Io {
                path: self.path.clone(),
                source,
            })
    }
}

fn open_page(root: &Path, page: usize, pages: usize, newest: i64) -> Result<Page, SampleError> {
    let rel = page_path(page);
    let path = root.join(&rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|source| SampleError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let file = File::create(&path).map_err(|source| SampleError::Io {
        path: path.clone(),
        source,
    })?;
    let mut p = Page {
        out: BufWriter::new(file),
        path,
    };
    let mut head = String::new();
    let _ = write!(
        head,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n  <channel>\n    <title>{}</title>\n    <link>/posts/</link>\n    <description>Public posts from patients, carers and families about taking part in clinical trials.</description>\n    <language>en</language>\n    <lastBuildDate>{}</lastBuildDate>\n    <generator>Patient Voices 2.4</generator>\n    <atom:link rel=\"self\" type=\"application/rss+xml\" href=\"/{}\"/>\n    <atom:link rel=\"first\" href=\"/{}\"/>\n",
        xml(FEED_TITLE),
        rfc822(newest, false),
        page_path(page),
        page_path(1),
    );
    if page > 1 {
        let _ = writeln!(
            head,
            "    <atom:link rel=\"previous\" href=\"/{}\"/>",
            page_path(page - 1)
        );
    }
    if page < pages {
        let _ = writeln!(
            head,
            "    <atom:link rel=\"next\" href=\"/{}\"/>",
            page_path(page + 1)
        );
    }
    let _ = writeln!(
        head,
        "    <atom:link rel=\"last\" href=\"/{}\"/>",
        page_path(pages)
    );
    p.write(&head)?;
    Ok(p)
}

fn close_page(mut p: Page) -> Result<(), SampleError> {
    p.write("  </channel>\n</rss>\n")?;
    p.out.flush().map_err(|source| SampleError::Io {
        path: p.path.clone(),
        source,
    })
}

/// A post body as HTML: one paragraph, hashtags and mentions as text.
fn body_html(sentences: &[Sentence]) -> String {
    let text: Vec<String> = sentences.iter().map(|s| html(&s.plain(true))).collect();
    format!("<p>{}</p>", text.join(" "))
}

/// Writes the feed pages and post pages; returns the number of items.
pub(crate) fn write(
    cfg: &SampleConfig,
    root: &Path,
    truth: &mut TruthWriter,
) -> Result<usize, SampleError> {
    let seed = cfg.seed;
    let items = cfg.feed_items;
    let size = cfg.feed_page_size.max(1);
    let pages = items.div_ceil(size).max(1);
    let (schedule, n_authors) = people::quotas(seed, "feed/schedule", items, 3, 15);
    let authors = people::authors(seed, Channel::Feed, n_authors);
    let handles: Vec<String> = authors.iter().map(|a| a.handle.clone()).collect();

    let mut time = FEED_NEWEST;
    let mut page = open_page(root, 1, pages, time)?;
    for i in 0..items {
        if i > 0 && i % size == 0 {
            close_page(page)?;
            page = open_page(root, i / size + 1, pages, time)?;
        }
        let mut rng = Rand::derive(seed, "feed/item", i as u64);
        let author = &authors[schedule[i] as usize];
        // A few other handles, for mentions.
        let others: Vec<String> = (0..3)
            .map(|_| handles[rng.below(handles.len())].clone())
            .filter(|h| *h != author.handle)
            .collect();
        let ctx = Ctx {
            author,
            addressee: None,
            moderator: None,
            others: &others,
        };
        let theme = compose::pick_theme(author, &mut rng, None);
        let mut sentences: Vec<Sentence> = Vec::new();
        let mut used: Vec<&'static str> = Vec::new();
        let mut push = |mut s: Sentence, rng: &mut Rand| {
            compose::stylise(&mut s, author, rng, true);
            sentences.push(s);
        };
        if rng.chance(0.15) {
            let mut s = Sentence::default();
            s.pieces.push(Piece::Ident(
                "handle",
                format!("@{}", others.first().unwrap_or(&handles[0])),
            ));
            s.pieces.push(Piece::Text(" ".into()));
            s.pieces
                .extend(compose::sentence(rng.pick(lexicon::REACTIONS), &ctx, &mut rng).pieces);
            push(s, &mut rng);
        }
        if rng.chance(0.25) {
            push(
                compose::sentence(
                    compose::fresh(lexicon::FEED_OPENERS, &mut used, &mut rng),
                    &ctx,
                    &mut rng,
                ),
                &mut rng,
            );
        }
        push(
            compose::theme_sentence(theme, &ctx, &mut used, &mut rng),
            &mut rng,
        );
        if rng.chance(0.15) {
            push(
                compose::sentence(
                    compose::fresh(lexicon::GENERAL, &mut used, &mut rng),
                    &ctx,
                    &mut rng,
                ),
                &mut rng,
            );
        }
        if rng.chance(0.45) {
            let t2 = if rng.chance(0.6) {
                theme
            } else {
                compose::pick_theme(author, &mut rng, Some(theme))
            };
            push(
                compose::theme_sentence(t2, &ctx, &mut used, &mut rng),
                &mut rng,
            );
        }
        if rng.chance(0.2) {
            push(
                compose::sentence(rng.pick(THEME_LEX[theme].asks), &ctx, &mut rng),
                &mut rng,
            );
        }
        if rng.chance(0.12) {
            push(
                compose::sentence(rng.pick(lexicon::IDENT_ASIDES), &ctx, &mut rng),
                &mut rng,
            );
        }
        // Hashtags and emoji at the end, as people post them.
        let mut tail = Sentence::default();
        if rng.chance(0.5) {
            tail.pieces.push(Piece::Emoji(rng.pick(lexicon::EMOJI)));
        }
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..rng.between(1, 3) {
            let t = rng.pick(THEME_LEX[theme].tags).to_string();
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        if rng.chance(0.3) {
            tags.push(author.trial.replace('-', "").to_lowercase());
        }
        for t in &tags {
            tail.pieces.push(Piece::Tag(t.clone()));
        }
        sentences.push(tail);

        let id = post_id(seed, i);
        let link = format!("/posts/p/{id}.html");
        let rel = format!("posts/p/{id}.html");
        let guid_is_link = rng.chance(0.4);
        let guid = if guid_is_link {
            format!("{CANONICAL}/p/{id}")
        } else {
            format!(
                "tag:voices.example.org,{}:post/{id}",
                &rfc3339_z(time)[..10]
            )
        };
        let first = sentences[0].plain(true);
        let title = shorten(&first, 70);
        let body = body_html(&sentences);
        let gmt = rng.chance(0.5);

        let mut item = String::with_capacity(1024);
        let _ = write!(
            item,
            "    <item>\n      <title>{}</title>\n      <link>{link}</link>\n",
            xml(&title)
        );
        if guid_is_link {
            let _ = writeln!(item, "      <guid>{}</guid>", xml(&guid));
        } else {
            let _ = writeln!(
                item,
                "      <guid isPermaLink=\"false\">{}</guid>",
                xml(&guid)
            );
        }
        let _ = writeln!(
            item,
            "      <dc:creator>{}</dc:creator>",
            xml(&author.handle)
        );
        let _ = writeln!(item, "      <pubDate>{}</pubDate>", rfc822(time, gmt));
        if rng.chance(0.35) {
            let _ = writeln!(item, "      <description><![CDATA[{body}]]></description>");
        } else {
            let _ = writeln!(item, "      <description>{}</description>", xml(&body));
        }
        for t in &tags {
            let _ = writeln!(item, "      <category>{}</category>", xml(t));
        }
        item.push_str("    </item>\n");
        page.write(&item)?;
        write_post_page(
            root,
            &rel,
            &link,
            &title,
            &author.handle,
            time,
            &body,
            &tags,
        )?;

        truth.document(&DocTruth {
            url: rel.clone(),
            id: guid,
            kind: "post".to_string(),
            author: author.handle.clone(),
            role: None,
            segment: Some(SEGMENTS[author.segment].id.to_string()),
            thread: None,
            published: rfc3339_z(time),
        })?;
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for s in &sentences {
            for (kind, value) in s.identifiers() {
                if !seen.contains(&(kind, value)) {
                    seen.push((kind, value));
                    truth.identifier(&PlantedIdentifier {
                        kind: kind.to_string(),
                        value: value.to_string(),
                        doc: rel.clone(),
                    })?;
                }
            }
        }
        time -= (600 + rng.below(28_000)) as i64;
    }
    close_page(page)?;
    write_file(
        root,
        "posts/index.html",
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Patient Voices</title>\n<link rel=\"alternate\" type=\"application/rss+xml\" title=\"{}\" href=\"/posts/feed.xml\">\n</head>\n<body>\n<h1>Patient Voices</h1>\n<p>Public posts about clinical trials. Subscribe: <a href=\"/posts/feed.xml\">RSS</a>.</p>\n</body>\n</html>\n",
            html(FEED_TITLE)
        )
        .as_bytes(),
    )?;
    Ok(items)
}

/// The first `max` characters of `s`, cut at a word, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let end = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..end].trim_end_matches([',', '.', ' ']))
}

#[allow(clippy::too_many_arguments)]
fn write_post_page(
    root: &Path,
    rel: &str,
    link: &str,
    title: &str,
    handle: &str,
    time: i64,
    body: &str,
    tags: &[String],
) -> Result<(), SampleError> {
    let mut out = String::with_capacity(2048);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{handle}: “{title}” - Patient Voices</title>\n<link rel=\"canonical\" href=\"{link}\">\n<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/posts/feed.xml\">\n</head>\n<body>\n<main>\n<article class=\"h-entry post\">\n  <header>\n    <span class=\"p-author h-card\"><span class=\"p-nickname\">@{handle}</span></span>\n    <a class=\"u-url\" href=\"{link}\"><time class=\"dt-published\" datetime=\"{dt}\">{when}</time></a>\n  </header>\n  <div class=\"e-content post-body\">{body}</div>\n  <footer>\n    <ul class=\"tags\">\n",
        handle = html(handle),
        title = html(title),
        link = html(link),
        dt = rfc3339_z(time),
        when = crate::markup::long_date(time),
    );
    for t in tags {
        let _ = writeln!(out, "      <li class=\"p-category\">#{}</li>", html(t));
    }
    out.push_str("    </ul>\n  </footer>\n</article>\n</main>\n</body>\n</html>\n");
    write_file(root, rel, out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_ids_are_unique_and_seven_chars() {
        let ids: std::collections::BTreeSet<String> = (0..50_000).map(|i| post_id(42, i)).collect();
        assert_eq!(ids.len(), 50_000);
        assert!(ids.iter().all(|s| s.len() == 7));
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("short", 70), "short");
        assert_eq!(shorten("one two three four", 9), "one two…");
    }
}
