//! The forum: a static phpBB 3.3 site in the prosilver style.
//!
//! phpBB is the most common self-hosted forum engine behind patient
//! communities, and prosilver its default style, so a plugin that reads this
//! site reads many real ones. The markup follows prosilver 3.3's templates
//! (`index_body.html`, `viewforum_body.html`, `viewtopic_body.html`,
//! `pagination.html`) closely enough that selectors written against a live
//! board work here: `ul.topiclist.topics > li.row`, `a.topictitle`,
//! `div.post#p1234 > div.inner > div.postbody`, `p.author a.username`,
//! `<time datetime>`, `div.content`, `div.signature`, and the
//! `li.arrow.next > a[rel=next]` pagination arrow (which, as on a live board,
//! appears in both the top and bottom action bars).
//!
//! URLs are path-style, as the common "SEO URL" extensions make them, because
//! the demo serves the site from a plain static file server without query
//! strings: `forum/index.html`, `forum/board-2/page-1.html`,
//! `forum/topic-17/page-1.html`. Links are root-relative (`/forum/…`): the
//! port of the loopback server is not known when the site is written.
//! Member profile links (`/forum/member-53.html`) and the user control panel
//! (`/forum/ucp/…`, disallowed in `robots.txt`) are linked, as on a real
//! board, but not written: a crawler has no business there.
//!
//! A thread is generated whole in memory (at most a few dozen posts), written
//! out, and dropped; only a one-line summary per topic is kept, for the
//! topic lists and the board index written at the end.

use std::fmt::Write as _;
use std::path::Path;

use crate::compose::{self, Ctx, Piece, Sentence};
use crate::lexicon::{self, THEME_LEX};
use crate::markup::{html, phpbb, rfc3339_offset, rfc3339_z};
use crate::people::{self, Author, Channel, SEGMENTS};
use crate::rng::Rand;
use crate::truth::{DocTruth, PlantedIdentifier, TruthWriter};
use crate::{SampleConfig, SampleError, write_file};

/// The forum's name, as its header shows it.
const FORUM_NAME: &str = "TrialTalk Patient Community";
/// When the forum's first thread was opened: 2024-06-03 08:00 UTC.
const FORUM_EPOCH: i64 = 1_717_401_600;
/// Over how many seconds the threads are spread (about 18 months).
const FORUM_SPAN: i64 = 540 * 86_400;
/// The first topic and post numbers, as on a board that has been running.
const FIRST_TOPIC: u64 = 17;
const FIRST_POST: u64 = 1201;

/// A post, rendered.
struct Post {
    id: u64,
    /// Position in the thread, from 0: decides the page it is on.
    pos: usize,
    author: usize,
    time: i64,
    title: String,
    /// Paragraphs of the author's own sentences, each sentence as HTML.
    paragraphs: Vec<Vec<String>>,
    /// The quote block's HTML, if the post quotes an earlier one.
    quote: Option<String>,
    /// Identifiers in the author's own words, deduplicated.
    identifiers: Vec<(&'static str, String)>,
}

/// One line per topic, for topic lists and the index.
struct TopicSummary {
    id: u64,
    board: usize,
    title: String,
    op: usize,
    first: i64,
    last_author: usize,
    last_time: i64,
    last_post: u64,
    last_page: usize,
    replies: usize,
    views: usize,
}

fn topic_url(topic: u64, page: usize) -> String {
    format!("/forum/topic-{topic}/page-{page}.html")
}

fn board_url(board: usize, page: usize) -> String {
    format!("/forum/board-{}/page-{page}.html", board_id(board))
}

/// phpBB board ids: 1 is the category, boards start at 2.
fn board_id(board: usize) -> usize {
    board + 2
}

fn username(a: &Author) -> String {
    if a.member_id.is_multiple_of(17) {
        format!(
            "<a href=\"/forum/member-{}.html\" style=\"color: #00AA00;\" class=\"username-coloured\">{}</a>",
            a.member_id,
            html(&a.handle)
        )
    } else {
        format!(
            "<a href=\"/forum/member-{}.html\" class=\"username\">{}</a>",
            a.member_id,
            html(&a.handle)
        )
    }
}

/// Renders one sentence as phpBB renders post text: escaped, smilies as
/// images, URLs and emails as links.
fn sentence_html(s: &Sentence) -> String {
    let mut out = String::new();
    for p in &s.pieces {
        match p {
            Piece::Text(t) => out.push_str(&html(t)),
            Piece::Ident("url", v) => {
                let href = if v.starts_with("http") {
                    v.clone()
                } else {
                    format!("http://{v}")
                };
                let _ = write!(
                    out,
                    "<a href=\"{}\" class=\"postlink\">{}</a>",
                    html(&href),
                    html(v)
                );
            }
            Piece::Ident("email", v) => {
                let _ = write!(out, "<a href=\"mailto:{0}\">{0}</a>", html(v));
            }
            Piece::Ident(_, v) => out.push_str(&html(v)),
            Piece::Mood(m) => {
                let (code, img, title, _) = lexicon::MOODS[*m];
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
                let _ = write!(
                    out,
                    "<img class=\"smilies\" src=\"/forum/images/smilies/{img}\" width=\"15\" height=\"17\" alt=\"{}\" title=\"{title}\">",
                    html(code)
                );
            }
            Piece::Emoji(e) => out.push_str(e),
            Piece::Tag(t) => {
                let _ = write!(out, "#{}", html(t));
            }
        }
    }
    out.trim().to_string()
}

/// Builds a paragraph list from sentences, stylising each.
struct Draft<'a> {
    author: &'a Author,
    paragraphs: Vec<Vec<Sentence>>,
    /// Templates already used in this post.
    used: Vec<&'static str>,
}

impl<'a> Draft<'a> {
    fn new(author: &'a Author) -> Self {
        Self {
            author,
            paragraphs: vec![Vec::new()],
            used: Vec::new(),
        }
    }
    /// A sentence on `theme`, not repeating one of this post's templates.
    fn theme(&mut self, theme: usize, ctx: &Ctx<'_>, rng: &mut Rand) {
        let s = compose::theme_sentence(theme, ctx, &mut self.used, rng);
        self.push(s, rng);
    }
    /// A sentence from `list`, not repeating one of this post's templates.
    fn from(&mut self, list: &[&'static str], ctx: &Ctx<'_>, rng: &mut Rand) {
        let t = compose::fresh(list, &mut self.used, rng);
        self.templ(t, ctx, rng);
    }
    fn push(&mut self, mut s: Sentence, rng: &mut Rand) {
        compose::stylise(&mut s, self.author, rng, true);
        if let Some(p) = self.paragraphs.last_mut() {
            p.push(s);
        }
    }
    fn templ(&mut self, template: &str, ctx: &Ctx<'_>, rng: &mut Rand) {
        let s = compose::sentence(template, ctx, rng);
        self.push(s, rng);
    }
    fn break_paragraph(&mut self) {
        if self.paragraphs.last().is_some_and(|p| !p.is_empty()) {
            self.paragraphs.push(Vec::new());
        }
    }
    fn finish(mut self) -> Vec<Vec<Sentence>> {
        self.paragraphs.retain(|p| !p.is_empty());
        self.paragraphs
    }
}

/// Writes the forum under `root/forum/` and records its documents.
pub(crate) fn write(
    cfg: &SampleConfig,
    root: &Path,
    truth: &mut TruthWriter,
) -> Result<usize, SampleError> {
    let seed = cfg.seed;
    let boards = cfg.forum_boards.clamp(1, lexicon::BOARDS.len());
    // 1. Thread sizes, then an author schedule covering every post.
    let sizes: Vec<usize> = (0..cfg.forum_threads)
        .map(|t| {
            let (lo, hi) = cfg.replies_per_thread;
            1 + Rand::derive(seed, "forum/size", t as u64).between(lo, hi)
        })
        .collect();
    let total: usize = sizes.iter().sum();
    let (schedule, n_authors) = people::quotas(seed, "forum/schedule", total, 3, 15);
    let authors = people::authors(seed, Channel::Forum, n_authors);
    let per_page = cfg.posts_per_page.max(1);

    let mut summaries: Vec<TopicSummary> = Vec::with_capacity(sizes.len());
    let mut cursor = 0usize;
    let mut next_post = FIRST_POST;
    for (t, size) in sizes.iter().enumerate() {
        let topic = FIRST_TOPIC + t as u64;
        let mut rng = Rand::derive(seed, "forum/thread", t as u64);
        let who: Vec<usize> = schedule[cursor..cursor + size]
            .iter()
            .map(|a| *a as usize)
            .collect();
        cursor += size;
        let start = FORUM_EPOCH
            + (FORUM_SPAN * t as i64) / cfg.forum_threads.max(1) as i64
            + rng.below(20_000) as i64;
        let (posts, theme) = thread(
            &authors,
            &who,
            topic,
            start,
            &mut next_post,
            per_page,
            &mut rng,
        );
        let board = lexicon::THEME_BOARDS[theme]
            .iter()
            .copied()
            .find(|b| *b < boards)
            .unwrap_or(0);
        write_topic(root, &authors, board, topic, &posts, per_page, truth)?;
        let last = posts.last().map_or(0, |p| p.id);
        let last_author = posts.last().map_or(0, |p| p.author);
        summaries.push(TopicSummary {
            id: topic,
            board,
            title: posts.first().map(|p| p.title.clone()).unwrap_or_default(),
            op: posts.first().map_or(0, |p| p.author),
            first: posts.first().map_or(start, |p| p.time),
            last_author,
            last_time: posts.last().map_or(start, |p| p.time),
            last_post: last,
            last_page: posts.len().div_ceil(per_page),
            replies: posts.len() - 1,
            views: posts.len() * (20 + rng.below(60)),
        });
    }
    for b in 0..boards {
        write_board(root, cfg, &authors, b, boards, &summaries)?;
    }
    write_index(root, &authors, boards, &summaries, total)?;
    Ok(total)
}

/// Generates one thread's posts; returns them and the thread's theme.
fn thread(
    authors: &[Author],
    who: &[usize],
    topic: u64,
    start: i64,
    next_post: &mut u64,
    per_page: usize,
    rng: &mut Rand,
) -> (Vec<Post>, usize) {
    let op = &authors[who[0]];
    let theme = compose::pick_theme(op, rng, None);
    let ctx = Ctx {
        author: op,
        addressee: None,
        moderator: None,
        others: &[],
    };
    let title = compose::sentence(rng.pick(THEME_LEX[theme].titles), &ctx, rng).plain(false);
    let mut posts: Vec<Post> = Vec::with_capacity(who.len());
    let mut time = start;
    for (k, a) in who.iter().enumerate() {
        let author = &authors[*a];
        // Everyone who has posted so far, except the author: the people
        // one can address.
        let mut earlier: Vec<String> = posts
            .iter()
            .map(|p| authors[p.author].handle.clone())
            .filter(|h| *h != author.handle)
            .collect();
        earlier.sort();
        earlier.dedup();
        let ctx = Ctx {
            author,
            addressee: None,
            moderator: None,
            others: &earlier,
        };
        let mut draft = Draft::new(author);
        let mut quote = None;
        if k == 0 {
            opening_post(&mut draft, theme, &ctx, rng);
        } else {
            // Quote an earlier post by someone else, as phpBB renders it.
            let candidates: Vec<usize> = (0..posts.len())
                .filter(|i| posts[*i].author != *a)
                .collect();
            let mut quoted_author = None;
            if !candidates.is_empty() && rng.chance(0.45) {
                let src = &posts[candidates[if rng.chance(0.5) {
                    candidates.len() - 1
                } else {
                    rng.below(candidates.len())
                }]];
                if let Some(q) = quote_block(src, authors, topic, per_page, rng) {
                    quote = Some(q);
                    quoted_author = Some(src.author);
                }
            }
            if *a == who[0] && !earlier.is_empty() && rng.chance(0.7) {
                // The thread starter comes back to thank people.
                draft.from(lexicon::OP_THANKS, &ctx, rng);
            }
            reply_post(
                &mut draft,
                theme,
                quoted_author.map(|q| authors[q].handle.as_str()),
                &ctx,
                rng,
            );
        }
        let paragraphs = draft.finish();
        let mut identifiers: Vec<(&'static str, String)> = Vec::new();
        for s in paragraphs.iter().flatten() {
            for (kind, v) in s.identifiers() {
                if !identifiers.iter().any(|(k2, v2)| *k2 == kind && v2 == v) {
                    identifiers.push((kind, v.to_string()));
                }
            }
        }
        let id = *next_post;
        *next_post += 1;
        posts.push(Post {
            id,
            pos: k,
            author: *a,
            time,
            title: if k == 0 {
                title.clone()
            } else {
                format!("Re: {title}")
            },
            paragraphs: paragraphs
                .iter()
                .map(|p| p.iter().map(sentence_html).collect())
                .collect(),
            quote,
            identifiers,
        });
        // Replies come minutes to a day or two apart.
        time += match rng.below(4) {
            0 => 300 + rng.below(3_000),
            1 | 2 => 3_600 + rng.below(20_000),
            _ => 30_000 + rng.below(140_000),
        } as i64;
    }
    (posts, theme)
}

fn opening_post(d: &mut Draft<'_>, theme: usize, ctx: &Ctx<'_>, rng: &mut Rand) {
    if rng.chance(0.6) {
        d.from(lexicon::OPENERS, ctx, rng);
    }
    if rng.chance(0.75) {
        d.from(lexicon::BACKGROUND, ctx, rng);
    }
    if rng.chance(0.25) {
        d.from(lexicon::GENERAL, ctx, rng);
    }
    d.break_paragraph();
    for _ in 0..rng.between(2, 3) {
        d.theme(theme, ctx, rng);
    }
    if rng.chance(0.6) {
        let second = compose::pick_theme(ctx.author, rng, Some(theme));
        if rng.chance(0.5) {
            d.break_paragraph();
        }
        for _ in 0..rng.between(1, 2) {
            d.theme(second, ctx, rng);
        }
    }
    if rng.chance(0.25) {
        d.from(lexicon::IDENT_ASIDES, ctx, rng);
    }
    d.break_paragraph();
    d.from(THEME_LEX[theme].asks, ctx, rng);
    if rng.chance(0.6) {
        d.from(lexicon::CLOSERS, ctx, rng);
    }
    if rng.chance(0.08) {
        d.break_paragraph();
        d.from(lexicon::OFF_TOPIC, ctx, rng);
    }
}

fn reply_post(
    d: &mut Draft<'_>,
    thread_theme: usize,
    quoted: Option<&str>,
    ctx: &Ctx<'_>,
    rng: &mut Rand,
) {
    // Address the person quoted, or somebody in the thread, now and then.
    if let Some(name) = quoted {
        if rng.chance(0.3) {
            let mut s = Sentence::default();
            s.pieces.push(Piece::Ident("handle", format!("@{name}")));
            s.pieces.push(Piece::Text(" ".into()));
            s.pieces
                .extend(compose::sentence(rng.pick(lexicon::REACTIONS), ctx, rng).pieces);
            d.push(s, rng);
        } else {
            d.from(lexicon::REACTIONS, ctx, rng);
        }
    } else if rng.chance(0.5) {
        d.from(lexicon::REACTIONS, ctx, rng);
    }
    // Mostly their own concerns; sometimes the thread's.
    if rng.chance(0.3) {
        d.theme(thread_theme, ctx, rng);
    }
    let own = compose::pick_theme(ctx.author, rng, None);
    for _ in 0..rng.between(1, 3) {
        d.theme(own, ctx, rng);
    }
    if rng.chance(0.3) {
        let second = compose::pick_theme(ctx.author, rng, Some(own));
        d.theme(second, ctx, rng);
    }
    if rng.chance(0.2) {
        d.from(lexicon::GENERAL, ctx, rng);
    }
    if rng.chance(0.15) {
        d.from(lexicon::IDENT_ASIDES, ctx, rng);
    }
    if rng.chance(0.3) {
        d.break_paragraph();
        d.from(lexicon::ADVICE, ctx, rng);
    } else if rng.chance(0.15) {
        d.break_paragraph();
        d.from(THEME_LEX[own].asks, ctx, rng);
    }
    if rng.chance(0.06) {
        d.from(lexicon::OFF_TOPIC, ctx, rng);
    }
    if rng.chance(0.1) {
        d.from(lexicon::CLOSERS, ctx, rng);
    }
}

/// A phpBB 3.3 quote of one or two consecutive sentences of `src`.
fn quote_block(
    src: &Post,
    authors: &[Author],
    topic: u64,
    per_page: usize,
    rng: &mut Rand,
) -> Option<String> {
    // People quote the sentence they answer, not "Hi all,": start at a
    // sentence of some substance.
    let starts: Vec<(usize, usize)> = src
        .paragraphs
        .iter()
        .enumerate()
        .flat_map(|(p, para)| {
            para.iter()
                .enumerate()
                .filter(|(_, s)| s.len() >= 30)
                .map(move |(i, _)| (p, i))
        })
        .collect();
    if starts.is_empty() {
        return None;
    }
    let (p, from) = starts[rng.below(starts.len())];
    let para = &src.paragraphs[p];
    let to = (from + rng.between(1, 2)).min(para.len());
    let text = para[from..to].join(" ");
    let a = &authors[src.author];
    let page = src.pos / per_page + 1;
    Some(format!(
        "<blockquote><div><cite><a href=\"/forum/member-{mid}.html\">{name}</a> wrote: <a href=\"{url}#p{pid}\" data-post-id=\"{pid}\" onclick=\"if(document.getElementById(hash.substr(1)))href=hash\">↑</a><span class=\"responsive-hide\">{when}</span></cite>{text}</div></blockquote>",
        mid = a.member_id,
        name = html(&a.handle),
        url = topic_url(topic, page),
        pid = src.id,
        when = phpbb(src.time),
    ))
}

fn page_head(out: &mut String, title: &str, canonical: &str, section: &str) {
    let _ = write!(
        out,
        r##"<!DOCTYPE html>
<html dir="ltr" lang="en-gb">
<head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1" />

<title>{title}</title>

<link rel="canonical" href="{canonical}">
<link href="/forum/styles/prosilver/theme/stylesheet.css" rel="stylesheet">

</head>
<body id="phpbb" class="nojs notouch section-{section} ltr ">

<div id="wrap" class="wrap">
	<a id="top" class="top-anchor" accesskey="t"></a>
	<div id="page-header">
		<div class="headerbar" role="banner">
			<div class="inner">
			<div id="site-description" class="site-description">
				<a id="logo" class="logo" href="/forum/index.html" title="Board index"><span class="site_logo"></span></a>
				<h1>{FORUM_NAME}</h1>
				<p>Patients, carers and families talking about clinical trials. Peer support, not medical advice.</p>
				<p class="skiplink"><a href="#start_here">Skip to content</a></p>
			</div>
			</div>
		</div>
		<div class="navbar" role="navigation">
			<div class="inner">
			<ul id="nav-main" class="nav-main linklist" role="menubar">
				<li><a href="/forum/faq.html" rel="help" title="Frequently Asked Questions" role="menuitem"><i class="icon fa-question-circle fa-fw" aria-hidden="true"></i><span>FAQ</span></a></li>
				<li class="rightside"><a href="/forum/ucp/login.html" title="Login" accesskey="x" role="menuitem"><i class="icon fa-power-off fa-fw" aria-hidden="true"></i><span>Login</span></a></li>
				<li class="rightside"><a href="/forum/ucp/register.html" role="menuitem"><i class="icon fa-pencil-square-o fa-fw" aria-hidden="true"></i><span>Register</span></a></li>
			</ul>
"##,
        title = html(title),
        canonical = html(canonical),
    );
}

fn breadcrumbs(out: &mut String, board: Option<usize>) {
    out.push_str(
        r##"			<ul id="nav-breadcrumbs" class="nav-breadcrumbs linklist navlinks" role="menubar">
				<li class="breadcrumbs" itemscope itemtype="https://schema.org/BreadcrumbList">
					<span class="crumb" itemtype="https://schema.org/ListItem" itemprop="itemListElement" itemscope><a itemprop="item" href="/forum/index.html" accesskey="h" data-navbar-reference="index"><i class="icon fa-home fa-fw"></i><span itemprop="name">Board index</span></a><meta itemprop="position" content="1" /></span>
"##,
    );
    if let Some(b) = board {
        let _ = writeln!(
            out,
            "\t\t\t\t\t<span class=\"crumb\" itemtype=\"https://schema.org/ListItem\" itemprop=\"itemListElement\" itemscope data-forum-id=\"{}\"><a itemprop=\"item\" href=\"{}\"><span itemprop=\"name\">{}</span></a><meta itemprop=\"position\" content=\"2\" /></span>",
            board_id(b),
            board_url(b, 1),
            html(lexicon::BOARDS[b].0)
        );
    }
    out.push_str(
        r##"				</li>
			</ul>
			</div>
		</div>
	</div>

	<a id="start_here" class="anchor"></a>
	<div id="page-body" class="page-body" role="main">
"##,
    );
}

fn page_foot(out: &mut String) {
    out.push_str(
        r##"	</div>

<div id="page-footer" class="page-footer" role="contentinfo">
	<div class="navbar" role="navigation">
	<div class="inner">
	<ul id="nav-footer" class="nav-footer linklist" role="menubar">
		<li class="breadcrumbs"><span class="crumb"><a href="/forum/index.html" data-navbar-reference="index"><i class="icon fa-home fa-fw" aria-hidden="true"></i><span>Board index</span></a></span></li>
		<li class="rightside">All times are <span title="UTC">UTC</span></li>
	</ul>
	</div>
	</div>
	<div class="copyright">
		<p class="footer-row"><span class="footer-copyright">Powered by <a href="https://www.phpbb.com/">phpBB</a>&reg; Forum Software &copy; phpBB Limited</span></p>
	</div>
</div>

</div>

</body>
</html>
"##,
    );
}

/// prosilver's `pagination.html`: a count, then (if more than one page)
/// previous arrow, numbers with ellipses, next arrow.
fn pagination(
    out: &mut String,
    count_label: &str,
    page: usize,
    pages: usize,
    url: &dyn Fn(usize) -> String,
) {
    let _ = write!(out, "\t\t<div class=\"pagination\">\n\t\t\t{count_label}\n");
    if pages <= 1 {
        let _ = writeln!(
            out,
            "\t\t\t&bull; Page <strong>1</strong> of <strong>1</strong>\n\t\t</div>"
        );
        return;
    }
    out.push_str("\t\t\t<ul>\n");
    let _ = writeln!(
        out,
        "\t\t\t<li class=\"dropdown-container dropdown-button-control page-jump page-jump\"><a class=\"button button-icon-only dropdown-trigger\" href=\"#\" title=\"Click to jump to page…\" role=\"button\"><i class=\"icon fa-level-down fa-rotate-270\" aria-hidden=\"true\"></i><span class=\"sr-only\">Page <strong>{page}</strong> of <strong>{pages}</strong></span></a></li>"
    );
    if page > 1 {
        let _ = writeln!(
            out,
            "\t\t\t<li class=\"arrow previous\"><a class=\"button button-icon-only\" href=\"{}\" rel=\"prev\" role=\"button\"><i class=\"icon fa-chevron-left fa-fw\" aria-hidden=\"true\"></i><span class=\"sr-only\">Previous</span></a></li>",
            url(page - 1)
        );
    }
    let mut last_shown = 0;
    for p in 1..=pages {
        let show = p == 1 || p == pages || p.abs_diff(page) <= 2;
        if !show {
            continue;
        }
        if last_shown + 1 < p {
            out.push_str("\t\t\t<li class=\"ellipsis\" role=\"separator\"><span>…</span></li>\n");
        }
        if p == page {
            let _ = writeln!(out, "\t\t\t<li class=\"active\"><span>{p}</span></li>");
        } else {
            let _ = writeln!(
                out,
                "\t\t\t<li><a class=\"button\" href=\"{}\" role=\"button\">{p}</a></li>",
                url(p)
            );
        }
        last_shown = p;
    }
    if page < pages {
        let _ = writeln!(
            out,
            "\t\t\t<li class=\"arrow next\"><a class=\"button button-icon-only\" href=\"{}\" rel=\"next\" role=\"button\"><i class=\"icon fa-chevron-right fa-fw\" aria-hidden=\"true\"></i><span class=\"sr-only\">Next</span></a></li>",
            url(page + 1)
        );
    }
    out.push_str("\t\t\t</ul>\n\t\t</div>\n");
}

fn write_topic(
    root: &Path,
    authors: &[Author],
    board: usize,
    topic: u64,
    posts: &[Post],
    per_page: usize,
    truth: &mut TruthWriter,
) -> Result<(), SampleError> {
    let pages = posts.len().div_ceil(per_page).max(1);
    let title = posts.first().map(|p| p.title.as_str()).unwrap_or_default();
    let count = format!(
        "{} post{}",
        posts.len(),
        if posts.len() == 1 { "" } else { "s" }
    );
    for page in 1..=pages {
        let mut out = String::with_capacity(16 * 1024);
        let page_title = if page == 1 {
            format!("{title} - {FORUM_NAME}")
        } else {
            format!("{title} - Page {page} - {FORUM_NAME}")
        };
        page_head(&mut out, &page_title, &topic_url(topic, page), "viewtopic");
        breadcrumbs(&mut out, Some(board));
        let _ = write!(
            out,
            "\n<h2 class=\"topic-title\"><a href=\"{}\">{}</a></h2>\n<!-- NOTE: remove the style=\"display: none\" when you want to have the forum description on the topic body -->\n<div style=\"display: none !important;\">{}<br /></div>\n\n",
            topic_url(topic, 1),
            html(title),
            html(lexicon::BOARDS[board].1)
        );
        action_bar(&mut out, "top", topic, &count, page, pages);
        let chunk = &posts[(page - 1) * per_page..(page * per_page).min(posts.len())];
        for (i, post) in chunk.iter().enumerate() {
            let a = &authors[post.author];
            post_html(
                &mut out,
                post,
                a,
                i == 0,
                if i % 2 == 0 { "bg2" } else { "bg1" },
                topic,
                page,
            );
            let url = format!("forum/topic-{topic}/page-{page}.html#p{}", post.id);
            truth.document(&DocTruth {
                url: url.clone(),
                id: format!("p{}", post.id),
                kind: if post.id == posts[0].id {
                    "post"
                } else {
                    "reply"
                }
                .to_string(),
                author: a.handle.clone(),
                role: None,
                segment: Some(SEGMENTS[a.segment].id.to_string()),
                thread: Some(format!("t{topic}")),
                published: rfc3339_z(post.time),
            })?;
            for (kind, value) in &post.identifiers {
                truth.identifier(&PlantedIdentifier {
                    kind: (*kind).to_string(),
                    value: value.clone(),
                    doc: url.clone(),
                })?;
            }
        }
        action_bar(&mut out, "bottom", topic, &count, page, pages);
        let _ = write!(
            out,
            "\n<div class=\"action-bar actions-jump\">\n\t<p class=\"jumpbox-return\"><a href=\"{}\" class=\"left-box arrow-left\" accesskey=\"r\"><i class=\"icon fa-angle-left fa-fw icon-black\" aria-hidden=\"true\"></i><span>Return to “{}”</span></a></p>\n</div>\n\n",
            board_url(board, 1),
            html(lexicon::BOARDS[board].0)
        );
        page_foot(&mut out);
        write_file(
            root,
            &format!("forum/topic-{topic}/page-{page}.html"),
            out.as_bytes(),
        )?;
    }
    Ok(())
}

fn action_bar(out: &mut String, which: &str, topic: u64, count: &str, page: usize, pages: usize) {
    let _ = writeln!(
        out,
        "<div class=\"action-bar bar-{which}\">\n\t<a href=\"/forum/ucp/posting-reply-{topic}.html\" class=\"button\" title=\"Post a reply\"><span>Post Reply</span> <i class=\"icon fa-reply fa-fw\" aria-hidden=\"true\"></i></a>\n\t<div class=\"dropdown-container dropdown-button-control topic-tools\"><span title=\"Topic tools\" class=\"button button-secondary dropdown-trigger dropdown-select\"><i class=\"icon fa-wrench fa-fw\" aria-hidden=\"true\"></i></span></div>"
    );
    pagination(out, count, page, pages, &|p| topic_url(topic, p));
    out.push_str("</div>\n\n");
}

fn post_html(
    out: &mut String,
    post: &Post,
    a: &Author,
    first: bool,
    bg: &str,
    topic: u64,
    page: usize,
) {
    let pid = post.id;
    let user = username(a);
    let _ = write!(
        out,
        r##"			<div id="p{pid}" class="post has-profile {bg}">
		<div class="inner">

		<dl class="postprofile" id="profile{pid}">
			<dt class="has-profile-rank no-avatar">
				<div class="avatar-container">
				</div>
				{user}
			</dt>
			<dd class="profile-rank">{rank}</dd>
		<dd class="profile-posts"><strong>Posts:</strong> {posts}</dd>		<dd class="profile-joined"><strong>Joined:</strong> {joined}</dd>
		</dl>

		<div class="postbody">
						<div id="post_content{pid}">

					<h3 {first}><a href="{url}#p{pid}">{title}</a></h3>

								<ul class="post-buttons">
					<li>
						<a href="/forum/ucp/posting-quote-{pid}.html" title="Reply with quote" class="button button-icon-only">
							<i class="icon fa-quote-left fa-fw" aria-hidden="true"></i><span class="sr-only">Quote</span>
						</a>
					</li>
				</ul>

						<p class="author">
									<a class="unread" href="{url}#p{pid}" title="Post">
						<i class="icon fa-file fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span class="sr-only">Post</span>
					</a>
								<span class="responsive-hide">by <strong>{user}</strong> &raquo; </span><time datetime="{datetime}">{when}</time>
			</p>

			<div class="content">"##,
        rank = if a.posts_shown > 300 {
            "Regular"
        } else {
            "New member"
        },
        posts = a.posts_shown,
        joined = phpbb(a.joined),
        first = if first { "class=\"first\"" } else { "" },
        url = topic_url(topic, page),
        title = html(&post.title),
        datetime = rfc3339_offset(post.time),
        when = phpbb(post.time),
    );
    if let Some(q) = &post.quote {
        out.push_str(q);
    }
    for (i, para) in post.paragraphs.iter().enumerate() {
        if i > 0 {
            out.push_str(if (pid + i as u64).is_multiple_of(3) {
                "<br>"
            } else {
                "<br><br>"
            });
        }
        out.push_str(&para.join(" "));
    }
    out.push_str("</div>\n\n");
    if let Some(sig) = a.signature {
        let mut rng = Rand::derive(a.member_id as u64, "signature", 0);
        let ctx = Ctx {
            author: a,
            addressee: None,
            moderator: None,
            others: &[],
        };
        let s = compose::sentence(sig, &ctx, &mut rng);
        let _ = writeln!(
            out,
            "\t\t\t\t\t\t\t<div id=\"sig{pid}\" class=\"signature\">{}</div>",
            sentence_html(&s)
        );
    }
    out.push_str(
        "\n\t\t\t\t\t\t</div>\n\n\t\t\t</div>\n\n\t\t\t\t<div class=\"back2top\">\n\t\t\t\t\t\t<a href=\"#top\" class=\"top\" title=\"Top\">\n\t\t\t<i class=\"icon fa-chevron-circle-up fa-fw icon-gray\" aria-hidden=\"true\"></i>\n\t\t\t<span class=\"sr-only\">Top</span>\n\t\t</a>\n\t\t\t\t</div>\n\n\t\t</div>\n\t\t</div>\n\n\t<hr class=\"divider\" />\n",
    );
}

fn write_board(
    root: &Path,
    cfg: &SampleConfig,
    authors: &[Author],
    board: usize,
    _boards: usize,
    summaries: &[TopicSummary],
) -> Result<(), SampleError> {
    let mut topics: Vec<&TopicSummary> = summaries.iter().filter(|s| s.board == board).collect();
    topics.sort_by(|a, b| b.last_time.cmp(&a.last_time).then(a.id.cmp(&b.id)));
    let per_page = cfg.topics_per_page.max(1);
    let pages = topics.len().div_ceil(per_page).max(1);
    let (name, desc) = lexicon::BOARDS[board];
    let count = format!(
        "{} topic{}",
        topics.len(),
        if topics.len() == 1 { "" } else { "s" }
    );
    for page in 1..=pages {
        let mut out = String::with_capacity(16 * 1024);
        let page_title = if page == 1 {
            format!("{name} - {FORUM_NAME}")
        } else {
            format!("{name} - Page {page} - {FORUM_NAME}")
        };
        page_head(&mut out, &page_title, &board_url(board, page), "viewforum");
        breadcrumbs(&mut out, Some(board));
        let _ = write!(
            out,
            "<h2 class=\"forum-title\"><a href=\"{}\">{}</a></h2>\n<div>\n\t<!-- NOTE: remove the style=\"display: none\" when you want to have the forum description on the forum body -->\n\t<div style=\"display: none !important;\">{}<br /></div>\t</div>\n\n<div class=\"action-bar bar-top\">\n\t<a href=\"/forum/ucp/posting-new-{}.html\" class=\"button\" title=\"Post a new topic\"><span>New Topic</span> <i class=\"icon fa-pencil fa-fw\" aria-hidden=\"true\"></i></a>\n",
            board_url(board, 1),
            html(name),
            html(desc),
            board_id(board)
        );
        pagination(&mut out, &count, page, pages, &|p| board_url(board, p));
        out.push_str("</div>\n\n");
        let chunk: &[&TopicSummary] = if topics.is_empty() {
            &[]
        } else {
            &topics[(page - 1) * per_page..(page * per_page).min(topics.len())]
        };
        if chunk.is_empty() {
            out.push_str("\t<div class=\"panel\">\n\t<div class=\"inner\">\n\t<strong>There are no topics or posts in this forum.</strong>\n\t</div>\n\t</div>\n");
        } else {
            out.push_str("\t<div class=\"forumbg\">\n\t\t<div class=\"inner\">\n\t\t<ul class=\"topiclist\">\n\t\t\t<li class=\"header\">\n\t\t\t\t<dl class=\"row-item\">\n\t\t\t\t\t<dt><div class=\"list-inner\">Topics</div></dt>\n\t\t\t\t\t<dd class=\"posts\">Replies</dd>\n\t\t\t\t\t<dd class=\"views\">Views</dd>\n\t\t\t\t\t<dd class=\"lastpost\"><span>Last post</span></dd>\n\t\t\t\t</dl>\n\t\t\t</li>\n\t\t</ul>\n\t\t<ul class=\"topiclist topics\">\n\n");
            for (i, t) in chunk.iter().enumerate() {
                topic_row(
                    &mut out,
                    t,
                    authors,
                    cfg.posts_per_page.max(1),
                    if i % 2 == 0 { "bg1" } else { "bg2" },
                );
            }
            out.push_str("\t\t\t</ul>\n\t\t</div>\n\t</div>\n");
        }
        out.push_str("\n<div class=\"action-bar bar-bottom\">\n");
        pagination(&mut out, &count, page, pages, &|p| board_url(board, p));
        out.push_str("</div>\n\n");
        page_foot(&mut out);
        write_file(
            root,
            &format!("forum/board-{}/page-{page}.html", board_id(board)),
            out.as_bytes(),
        )?;
    }
    Ok(())
}

fn topic_row(out: &mut String, t: &TopicSummary, authors: &[Author], per_page: usize, bg: &str) {
    let pages = t.last_page;
    let _ = write!(
        out,
        r##"		<li class="row {bg}">
						<dl class="row-item topic_read">
				<dt title="No unread posts">
										<div class="list-inner">
																		<a href="{url}" class="topictitle">{title}</a>																								<br />
																		<div class="responsive-hide left-box">
																																	by {op} &raquo; <time datetime="{first_dt}">{first}</time>
																							</div>
"##,
        url = topic_url(t.id, 1),
        title = html(&t.title),
        op = username(&authors[t.op]),
        first_dt = rfc3339_offset(t.first),
        first = phpbb(t.first),
    );
    if pages > 1 {
        out.push_str("\t\t\t\t\t\t\t\t\t\t\t\t\t<div class=\"pagination\">\n\t\t\t\t\t\t\t\t<span><i class=\"icon fa-clone fa-fw\" aria-hidden=\"true\"></i></span>\n\t\t\t\t\t\t\t\t<ul>\n");
        for p in 1..=pages {
            if pages > 4 && p > 1 && p + 2 < pages {
                if p == 2 {
                    out.push_str("\t\t\t\t\t\t\t\t<li class=\"ellipsis\"><span>…</span></li>\n");
                }
                continue;
            }
            let _ = writeln!(
                out,
                "\t\t\t\t\t\t\t\t<li><a class=\"button\" href=\"{}\">{p}</a></li>",
                topic_url(t.id, p)
            );
        }
        out.push_str("\t\t\t\t\t\t\t\t</ul>\n\t\t\t\t\t\t\t</div>\n");
    }
    let _ = write!(
        out,
        r##"										</div>
				</dt>
				<dd class="posts">{replies} <dfn>Replies</dfn></dd>
				<dd class="views">{views} <dfn>Views</dfn></dd>
				<dd class="lastpost">
					<span><dfn>Last post </dfn>by {last}						<a href="{last_url}#p{last_pid}" title="Go to last post">
							<i class="icon fa-external-link-square fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span class="sr-only"></span>
						</a>
												<br /><time datetime="{last_dt}">{last_when}</time>
					</span>
				</dd>
			</dl>
					</li>

"##,
        replies = t.replies,
        views = t.views,
        last = username(&authors[t.last_author]),
        last_url = topic_url(t.id, pages),
        last_pid = t.last_post,
        last_dt = rfc3339_offset(t.last_time),
        last_when = phpbb(t.last_time),
    );
    let _ = per_page;
}

fn write_index(
    root: &Path,
    authors: &[Author],
    boards: usize,
    summaries: &[TopicSummary],
    total_posts: usize,
) -> Result<(), SampleError> {
    let mut out = String::with_capacity(16 * 1024);
    page_head(
        &mut out,
        &format!("{FORUM_NAME} - Index page"),
        "/forum/index.html",
        "index",
    );
    breadcrumbs(&mut out, None);
    out.push_str(
        "<p class=\"right responsive-center time\">It is currently a good time to say hello.</p>\n\n\t<div class=\"forabg\">\n\t\t<div class=\"inner\">\n\t\t<ul class=\"topiclist\">\n\t\t\t<li class=\"header\">\n\t\t\t\t<dl class=\"row-item\">\n\t\t\t\t\t<dt><div class=\"list-inner\"><a href=\"/forum/index.html\">Patient community</a></div></dt>\n\t\t\t\t\t<dd class=\"topics\">Topics</dd>\n\t\t\t\t\t<dd class=\"posts\">Posts</dd>\n\t\t\t\t\t<dd class=\"lastpost\"><span>Last post</span></dd>\n\t\t\t\t</dl>\n\t\t\t</li>\n\t\t</ul>\n\t\t<ul class=\"topiclist forums\">\n\n",
    );
    for b in 0..boards {
        let topics: Vec<&TopicSummary> = summaries.iter().filter(|s| s.board == b).collect();
        let posts: usize = topics.iter().map(|t| t.replies + 1).sum();
        let latest = topics
            .iter()
            .max_by(|x, y| x.last_time.cmp(&y.last_time).then(y.id.cmp(&x.id)));
        let (name, desc) = lexicon::BOARDS[b];
        let _ = write!(
            out,
            "\t<li class=\"row\">\n\t\t<dl class=\"row-item forum_read\">\n\t\t\t<dt title=\"No unread posts\">\n\t\t\t\t<div class=\"list-inner\">\n\t\t\t\t\t<a href=\"{}\" class=\"forumtitle\">{}</a>\n\t\t\t\t\t<br />{}\n\t\t\t\t</div>\n\t\t\t</dt>\n\t\t\t<dd class=\"topics\">{} <dfn>Topics</dfn></dd>\n\t\t\t<dd class=\"posts\">{} <dfn>Posts</dfn></dd>\n\t\t\t<dd class=\"lastpost\">\n\t\t\t\t<span>\n",
            board_url(b, 1),
            html(name),
            html(desc),
            topics.len(),
            posts
        );
        match latest {
            Some(t) => {
                let _ = write!(
                    out,
                    "\t\t\t\t\t<dfn>Last post</dfn>\n\t\t\t\t\t<a href=\"{url}#p{pid}\" title=\"Re: {title}\" class=\"lastsubject\">Re: {title}</a> <br />\n\t\t\t\t\tby {user}\n\t\t\t\t\t<a href=\"{url}#p{pid}\" title=\"View the latest post\"><i class=\"icon fa-external-link-square fa-fw icon-lightgray icon-md\" aria-hidden=\"true\"></i><span class=\"sr-only\">View the latest post</span></a>\n\t\t\t\t\t<br /><time datetime=\"{dt}\">{when}</time>\n",
                    url = topic_url(t.id, t.last_page),
                    pid = t.last_post,
                    title = html(&t.title),
                    user = username(&authors[t.last_author]),
                    dt = rfc3339_offset(t.last_time),
                    when = phpbb(t.last_time),
                );
            }
            None => out.push_str("\t\t\t\t\tNo posts<br />&nbsp;\n"),
        }
        out.push_str("\t\t\t\t</span>\n\t\t\t</dd>\n\t\t</dl>\n\t</li>\n\n");
    }
    let newest = authors.iter().max_by_key(|a| (a.joined, a.member_id));
    let _ = write!(
        out,
        "\t\t\t</ul>\n\t\t</div>\n\t</div>\n\n\t<div class=\"stat-block statistics\">\n\t\t<h3>Statistics</h3>\n\t\t<p>\n\t\t\tTotal posts <strong>{total_posts}</strong> &bull; Total topics <strong>{}</strong> &bull; Total members <strong>{}</strong> &bull; Our newest member <strong>{}</strong>\n\t\t</p>\n\t</div>\n\n",
        summaries.len(),
        authors.len(),
        newest.map(username).unwrap_or_default()
    );
    page_foot(&mut out);
    write_file(root, "forum/index.html", out.as_bytes())
}
