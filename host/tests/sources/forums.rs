//! Forum fixture sites: one invented patient community ("MS Friends", a
//! trial-experiences board) written out as XenForo 2.2, vBulletin 5, a
//! home-grown board read through CSS selectors, and Discourse's JSON API.
//!
//! The content is ours: invented handles, typos, replies that quote earlier
//! posts, signatures. The markup follows each engine's stock templates
//! (class names, attributes, where times, quotes and signatures sit,
//! pagination), cut down to what a page needs to be recognisably that
//! engine. One content model feeds every engine so that each test can say
//! exactly what must be indexed and what must not.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::site::{Reply, Request};

/// A post a reply quotes.
#[derive(Debug, Clone, Copy)]
pub struct Quote {
    /// The quoted post's id.
    pub post: u64,
    /// Its author.
    pub author: &'static str,
    /// The words quoted.
    pub words: &'static str,
}

/// One post.
#[derive(Debug, Clone)]
pub struct Post {
    /// Site-wide post id (they rise through the site).
    pub id: u64,
    /// Handle.
    pub author: &'static str,
    /// What the author wrote; `\n\n` between paragraphs.
    pub text: String,
    /// A quote of an earlier post, shown before the text.
    pub quote: Option<Quote>,
    /// The author's signature.
    pub sig: Option<&'static str>,
    /// Shows a "last edited" notice.
    pub edited: bool,
}

impl Post {
    /// Unix seconds, on the minute (the home-grown board prints minutes):
    /// posts are half an hour apart in id order.
    pub fn at(&self) -> i64 {
        1_738_400_040 + (self.id as i64 - 4_700) * 1_800
    }
}

/// One thread.
#[derive(Debug, Clone)]
pub struct Thread {
    /// Thread id.
    pub id: u64,
    /// URL slug.
    pub slug: &'static str,
    /// Title.
    pub title: &'static str,
    /// Posts, oldest first.
    pub posts: Vec<Post>,
}

impl Thread {
    fn last(&self) -> &Post {
        self.posts.last().expect("a thread has posts")
    }
}

fn post(id: u64, author: &'static str, text: &str) -> Post {
    Post {
        id,
        author,
        text: text.to_string(),
        quote: None,
        sig: None,
        edited: false,
    }
}

impl Post {
    fn quoting(mut self, post: u64, author: &'static str, words: &'static str) -> Post {
        self.quote = Some(Quote {
            post,
            author,
            words,
        });
        self
    }
    fn sig(mut self, sig: &'static str) -> Post {
        self.sig = Some(sig);
        self
    }
    fn edited(mut self) -> Post {
        self.edited = true;
        self
    }
}

/// Signatures, each of which must never reach the index.
pub const SIGNATURES: [&str; 4] = [
    "proud cat mom",
    "trial number three and counting",
    "Lupus warrior since 2009",
    "Community team volunteer",
];

/// The board: four threads, seventeen posts, newest activity first.
pub fn board() -> Vec<Thread> {
    let mut threads = vec![
        Thread {
            id: 412,
            slug: "washout-period-before-the-infusion-trial",
            title: "Washout period before the infusion trial - how bad was it?",
            posts: vec![
                post(5001, "marnie_k", "Starting the washout for the infusion study next week. Coordinator says 6 weeks off my current med.\n\nFor those who did it, how bad did the symptoms get?? I'm worried about work")
                    .sig(SIGNATURES[0]),
                post(5004, "tomasz_w", "Honestly the washout period made my joints scream for two weeks, then it settled. Ask for the rescue steroid plan in writing before you start.")
                    .sig(SIGNATURES[1]),
                post(5009, "deb_in_ohio", "Same for me but only the first week. I kept a symptom diary on paper which the nurse actualy liked better than the app.")
                    .quoting(5004, "tomasz_w", "made my joints scream for two weeks"),
                post(5013, "marnie_k", "good idea, I will print one out tonight. thank you both")
                    .quoting(5009, "deb_in_ohio", "kept a symptom diary on paper")
                    .sig(SIGNATURES[0]),
                post(5020, "quietstorm", "Mine was easy, barely noticed. Everyone is different tho. The hardest part was the fasting bloods at 7am with an hour in the car each way."),
                post(5026, "tomasz_w", "Ask if they do home phlebotomy. Our site sends a nurse to the house for the week 4 and week 8 draws.")
                    .quoting(5020, "quietstorm", "the hardest part was the fasting bloods")
                    .sig(SIGNATURES[1]),
                post(5031, "marnie_k", "Update: day 10 of washout. Fatigue is real but managable. Leaving this here for the next person who searches.")
                    .edited(),
                post(5038, "olliek", "Thanks for the update, bookmarking this thread for when I start in April."),
                post(5044, "deb_in_ohio", "Hang in there, week 3 was my turning point.")
                    .quoting(5031, "marnie_k", "Fatigue is real but managable"),
            ],
        },
        Thread {
            id: 398,
            slug: "reimbursement-for-parking-2025",
            title: "Reimbursement for parking - does anyone actually get it?",
            posts: vec![
                post(4950, "ruthie_b", "Our trial site charges a fee every visit for parking and I have been paying it since October. The consent form says travel costs are covered. Do I just hand in the receipts??")
                    .sig(SIGNATURES[2]),
                post(4957, "quietstorm", "Ask for validation stickers at the front desk, ours had them the whole time and nobody told me.")
                    .quoting(4950, "ruthie_b", "charges a fee every visit for parking"),
                post(4961, "ruthie_b", "Got the stickers!! and they are paying back the old receipts too. so glad I asked")
                    .sig(SIGNATURES[2]),
                post(4970, "fen_r", "Saving this. The sponsor pays mileage at my site but you have to submit within 30 days or its gone."),
                post(5049, "olliek", "wow I did not know about the time limit, thank you")
                    .quoting(4970, "fen_r", "submit within 30 days or its gone"),
            ],
        },
        Thread {
            id: 377,
            slug: "screening-visit-nerves",
            title: "Screening visit nerves",
            posts: vec![
                post(4801, "wren_b", "Screening visit tomorrow for the fatigue study. They want an MRI and a six minute walk test. I havent slept properly in 3 days lol"),
                post(4812, "fen_r", "Wear comfy shoes for the walk test and bring a book for the MRI wait.")
                    .quoting(4801, "wren_b", "They want an MRI and a six minute walk test"),
            ],
        },
        Thread {
            id: 365,
            slug: "welcome-please-read-before-posting",
            title: "Welcome / please read before posting",
            posts: vec![
                post(4700, "CircleAdmin", "Please do not post trial ID numbers or your date of birth here. Moderators will edit posts that do.")
                    .sig(SIGNATURES[3]),
            ],
        },
    ];
    threads.sort_by_key(|t| std::cmp::Reverse(t.last().id));
    threads
}

/// Number of posts on the board.
pub fn post_count(threads: &[Thread]) -> usize {
    threads.iter().map(|t| t.posts.len()).sum()
}

/// Every post with its thread.
pub fn all_posts(threads: &[Thread]) -> Vec<(&Thread, &Post)> {
    threads
        .iter()
        .flat_map(|t| t.posts.iter().map(move |p| (t, p)))
        .collect()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#039;")
}

fn user_id(name: &str) -> u64 {
    2000 + name.bytes().map(u64::from).sum::<u64>()
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .expect("a valid time")
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

fn pages_of<T>(items: &[T], per_page: usize) -> Vec<&[T]> {
    items.chunks(per_page).collect()
}

// ------------------------------------------------------------ XenForo 2

const XF_POSTS_PER_PAGE: usize = 4;
const XF_THREADS_PER_PAGE: usize = 3;

fn xf_thread_url(t: &Thread, page: usize) -> String {
    let base = format!("/community/threads/{}.{}/", t.slug, t.id);
    if page <= 1 {
        base
    } else {
        format!("{base}page-{page}")
    }
}

fn xf_page_nav(url: impl Fn(usize) -> String, page: usize, pages: usize) -> String {
    if pages <= 1 {
        return String::new();
    }
    let items: String = (1..=pages)
        .map(|n| {
            let current = if n == page {
                " pageNav-page--current"
            } else {
                ""
            };
            format!(
                "<li class=\"pageNav-page{current} \"><a href=\"{}\">{n}</a></li>",
                url(n)
            )
        })
        .collect();
    let prev = if page > 1 {
        format!(
            "<a href=\"{}\" class=\"pageNav-jump pageNav-jump--prev\">Prev</a>",
            url(page - 1)
        )
    } else {
        String::new()
    };
    let next = if page < pages {
        format!(
            "<a href=\"{}\" class=\"pageNav-jump pageNav-jump--next\">Next</a>",
            url(page + 1)
        )
    } else {
        String::new()
    };
    format!(
        "<div class=\"block-outer\"><div class=\"block-outer-main\"><nav class=\"pageNavWrapper pageNavWrapper--mixed \"><div class=\"pageNav  \">{prev}<ul class=\"pageNav-main\">{items}</ul>{next}</div></nav></div></div>"
    )
}

fn xf_head_links(url: impl Fn(usize) -> String, page: usize, pages: usize) -> String {
    let mut s = String::new();
    if page > 1 {
        s += &format!("<link rel=\"prev\" href=\"{}\" />\n", url(page - 1));
    }
    if page < pages {
        s += &format!("<link rel=\"next\" href=\"{}\" />\n", url(page + 1));
    }
    s
}

fn xf_document(template: &str, title: &str, head: &str, body: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html id="XF" lang="en-US" dir="LTR" data-xf="2.2" data-app="public" data-template="{template}" data-container-key="node-4" data-logged-in="false" data-cookie-prefix="xf_" class="has-no-js template-{template}">
<head>
	<meta charset="utf-8" />
	<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
	<title>{title} | MS Friends</title>
	{head}
	<link rel="stylesheet" href="/community/css.php?css=public%3Anormalize.css%2Cpublic%3Acore.less&amp;s=1&amp;l=1&amp;d=1736000000" />
	<script src="/community/js/xf/preamble.min.js?_v=8e1d2c3a"></script>
</head>
<body data-template="{template}">
<div class="p-pageWrapper" id="top">
<header class="p-header" id="header"><div class="p-header-inner"><div class="p-header-content"><div class="p-header-logo p-header-logo--image"><a href="/community/"><img src="/community/styles/default/xenforo/xenforo-logo.png" alt="MS Friends" width="100" height="36" /></a></div></div></div></header>
<div class="p-body"><div class="p-body-inner">
{body}
</div></div>
<footer class="p-footer" id="footer"><div class="p-footer-inner"><div class="p-footer-copyright"><a href="https://xenforo.com" class="u-concealed" dir="ltr" target="_blank" rel="sponsored noopener">Community platform by XenForo<sup>&reg;</sup></a></div></div></footer>
</div>
</body>
</html>"##
    )
}

fn xf_bb(text: &str) -> String {
    esc(text).replace("\n\n", "<br />\n<br />\n")
}

fn xf_post(t: &Thread, p: &Post, position: usize) -> String {
    let uid = user_id(p.author);
    let a = esc(p.author);
    let thread_url = xf_thread_url(t, 1);
    let quote = p.quote.map_or_else(String::new, |q| {
        format!(
            r##"<blockquote data-attributes="member: {qu}" data-quote="{qa}" data-source="post: {qp}" class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch">
	<div class="bbCodeBlock-title"><a href="/community/goto/post?id={qp}" class="bbCodeBlock-sourceJump" rel="nofollow" data-xf-click="attribution" data-content-selector="#post-{qp}">{qa} said:</a></div>
	<div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent js-expandContent ">{qw}</div><div class="bbCodeBlock-expandLink js-expandLink"><a role="button" tabindex="0">Click to expand...</a></div></div>
</blockquote>"##,
            qu = user_id(q.author),
            qa = esc(q.author),
            qp = q.post,
            qw = esc(q.words),
        )
    });
    let sig = p.sig.map_or_else(String::new, |s| {
        format!(
            "<aside class=\"message-signature\"><div class=\"bbWrapper\"><i>{}</i></div></aside>",
            esc(s)
        )
    });
    let edited = if p.edited {
        format!(
            "<div class=\"message-lastEdit\">Last edited: <time class=\"u-dt\" dir=\"auto\" datetime=\"{}+0000\" data-timestamp=\"{}\">Feb 9, 2025</time></div>",
            iso(p.at() + 600),
            p.at() + 600
        )
    } else {
        String::new()
    };
    format!(
        r##"<article class="message message--post js-post js-inlineModContainer  " data-author="{a}" data-content="post-{id}" id="js-post-{id}" itemscope itemtype="https://schema.org/Comment" itemid="{{{{BASE}}}}/community/posts/{id}/">
	<span class="u-anchorTarget" id="post-{id}"></span>
	<div class="message-inner">
		<div class="message-cell message-cell--user">
			<section class="message-user" itemprop="author" itemscope itemtype="https://schema.org/Person">
				<div class="message-avatar "><div class="message-avatar-wrapper"><a href="/community/members/{a}.{uid}/" class="avatar avatar--m avatar--default avatar--default--dynamic" data-user-id="{uid}" data-xf-init="member-tooltip"><span class="avatar-u{uid}-m" role="img" aria-label="{a}">{initial}</span></a></div></div>
				<div class="message-userDetails">
					<h4 class="message-name"><a href="/community/members/{a}.{uid}/" class="username " dir="auto" data-user-id="{uid}" data-xf-init="member-tooltip"><span itemprop="name">{a}</span></a></h4>
					<h5 class="userTitle message-userTitle" dir="auto" itemprop="jobTitle">Member</h5>
				</div>
				<div class="message-userExtras"><dl class="pairs pairs--justified"><dt>Joined</dt><dd>Mar 3, 2022</dd></dl></div>
			</section>
		</div>
		<div class="message-cell message-cell--main">
		<div class="message-main js-quickEditTarget">
			<header class="message-attribution message-attribution--split">
				<ul class="message-attribution-main listInline ">
					<li class="u-concealed"><a href="{thread_url}post-{id}" rel="nofollow" itemprop="url"><time  class="u-dt" dir="auto" datetime="{dt}+0000" data-timestamp="{ts}" data-date="Feb 1, 2025" data-time="9:00 AM" title="Feb 1, 2025 at 9:00 AM" itemprop="datePublished">Feb 1, 2025</time></a></li>
				</ul>
				<ul class="message-attribution-opposite message-attribution-opposite--list "><li><a href="{thread_url}post-{id}" rel="nofollow">#{position}</a></li></ul>
			</header>
			<div class="message-content js-messageContent">
				<div class="message-userContent lbContainer js-lbContainer " data-lb-id="post-{id}">
					<article class="message-body js-selectToQuote">
						<div itemprop="text"><div class="bbWrapper">{quote}{text}</div></div>
						<div class="js-selectToQuoteEnd">&nbsp;</div>
					</article>
				</div>
				{edited}
				{sig}
			</div>
			<footer class="message-footer"><div class="message-actionBar actionBar"><div class="actionBar-set actionBar-set--external"><a href="{thread_url}reply?quote={id}" class="actionBar-action actionBar-action--reply" title="Reply, quoting this message" rel="nofollow" data-xf-click="quote" data-quote-href="/community/posts/{id}/quote">Reply</a></div></div></footer>
		</div>
		</div>
	</div>
</article>
"##,
        id = p.id,
        initial = p.author.chars().next().unwrap_or('?'),
        dt = iso(p.at()),
        ts = p.at(),
        text = xf_bb(&p.text),
    )
}

/// The XenForo 2.2 site: forum index `/community/`, the board
/// `/community/forums/trial-experiences.4/`, thread pages.
pub fn xenforo(threads: &[Thread]) -> HashMap<String, Reply> {
    let mut site = HashMap::new();
    let forum_url = |n: usize| {
        if n <= 1 {
            "/community/forums/trial-experiences.4/".to_string()
        } else {
            format!("/community/forums/trial-experiences.4/page-{n}")
        }
    };
    site.insert(
        "/community/".to_string(),
        Reply::html(xf_document(
            "forum_list",
            "Forums",
            "",
            &format!(
                r##"<div class="block block--category block--category1"><div class="block-container"><h2 class="block-header"><a href="/community/#patient-community.1">Patient community</a></h2><div class="block-body">
<div class="node node--id4 node--depth2 node--forum node--read"><div class="node-body"><span class="node-icon" aria-hidden="true"><i class="fa--xf far fa-comments" aria-hidden="true"></i></span><div class="node-main js-nodeMain"><h3 class="node-title"><a href="/community/forums/trial-experiences.4/" data-xf-init="element-tooltip" data-shortcut="node-description">Trial experiences</a></h3><div class="node-description node-description--tooltip js-nodeDescTooltip">Screening, visits, side effects, reimbursement.</div></div>
<div class="node-stats"><dl class="pairs pairs--rows"><dt>Threads</dt><dd>{}</dd></dl><dl class="pairs pairs--rows"><dt>Messages</dt><dd>{}</dd></dl></div></div></div>
</div></div></div>"##,
                threads.len(),
                post_count(threads)
            ),
        )),
    );
    let list_pages = pages_of(threads, XF_THREADS_PER_PAGE);
    for (i, list) in list_pages.iter().enumerate() {
        let n = i + 1;
        let rows: String = list
            .iter()
            .map(|t| {
                let first = &t.posts[0];
                let last = t.last();
                format!(
                    r##"<div class="structItem structItem--thread js-inlineModContainer js-threadListItem-{id}" data-author="{fa}">
	<div class="structItem-cell structItem-cell--icon"><div class="structItem-iconContainer"><a href="/community/members/{fa}.{fu}/" class="avatar avatar--s" data-user-id="{fu}"><span class="avatar-u{fu}-s" role="img" aria-label="{fa}"></span></a></div></div>
	<div class="structItem-cell structItem-cell--main" data-xf-init="touch-proxy">
		<div class="structItem-title"><a href="{url}" class="" data-tp-primary="on" data-xf-init="preview-tooltip" data-preview-url="{url}preview">{title}</a></div>
		<div class="structItem-minor"><ul class="structItem-parts"><li><a href="/community/members/{fa}.{fu}/" class="username " dir="auto" data-user-id="{fu}">{fa}</a></li><li class="structItem-startDate"><a href="{url}" rel="nofollow"><time class="u-dt" dir="auto" datetime="{fdt}+0000" data-timestamp="{fts}">Feb 1, 2025</time></a></li></ul></div>
	</div>
	<div class="structItem-cell structItem-cell--meta"><dl class="pairs pairs--justified"><dt>Replies</dt><dd>{replies}</dd></dl><dl class="pairs pairs--justified structItem-minor"><dt>Views</dt><dd>{views}</dd></dl></div>
	<div class="structItem-cell structItem-cell--latest"><a href="{url}latest" rel="nofollow"><time class="structItem-latestDate u-dt" dir="auto" datetime="{ldt}+0000" data-timestamp="{lts}" title="Feb 8, 2025 at 11:30 AM">Feb 8, 2025</time></a><div class="structItem-minor"><a href="/community/members/{la}.{lu}/" class="username " dir="auto" data-user-id="{lu}">{la}</a></div></div>
</div>
"##,
                    id = t.id,
                    url = xf_thread_url(t, 1),
                    title = esc(t.title),
                    fa = esc(first.author),
                    fu = user_id(first.author),
                    fdt = iso(first.at()),
                    fts = first.at(),
                    replies = t.posts.len() - 1,
                    views = 40 * t.posts.len() + 7,
                    ldt = iso(last.at()),
                    lts = last.at(),
                    la = esc(last.author),
                    lu = user_id(last.author),
                )
            })
            .collect();
        let nav = xf_page_nav(forum_url, n, list_pages.len());
        let body = format!(
            r##"<div class="p-body-header"><div class="p-title "><h1 class="p-title-value">Trial experiences</h1></div></div>
<div class="p-body-main  "><div class="p-body-content"><div class="p-body-pageContent">
{nav}
<div class="block " data-xf-init="" data-type="thread" data-href="/community/inline-mod/"><div class="block-container"><div class="block-body"><div class="structItemContainer"><div class="structItemContainer-group js-threadList">
{rows}</div></div></div></div></div>
{nav}
</div></div></div>"##
        );
        site.insert(
            forum_url(n),
            Reply::html(xf_document(
                "forum_view",
                "Trial experiences",
                &xf_head_links(forum_url, n, list_pages.len()),
                &body,
            )),
        );
    }
    for t in threads {
        let pages = pages_of(&t.posts, XF_POSTS_PER_PAGE);
        for (i, posts) in pages.iter().enumerate() {
            let n = i + 1;
            let url = |k: usize| xf_thread_url(t, k);
            let nav = xf_page_nav(url, n, pages.len());
            let articles: String = posts
                .iter()
                .enumerate()
                .map(|(j, p)| xf_post(t, p, i * XF_POSTS_PER_PAGE + j + 1))
                .collect();
            let body = format!(
                r##"<div class="p-breadcrumbs--parent"><ul class="p-breadcrumbs "><li><a href="/community/"><span>Forums</span></a></li><li><a href="/community/forums/trial-experiences.4/"><span>Trial experiences</span></a></li></ul></div>
<div class="p-body-header"><div class="p-title "><h1 class="p-title-value">{title}</h1></div>
<div class="p-description"><ul class="listInline listInline--bullet"><li><span class="u-srOnly">Thread starter</span> <a href="/community/members/{sa}.{su}/" class="username  u-concealed" dir="auto" data-user-id="{su}">{sa}</a></li></ul></div></div>
<div class="p-body-main  "><div class="p-body-content"><div class="p-body-pageContent">
{nav}
<div class="block block--messages" data-xf-init="" data-type="post" data-href="/community/inline-mod/"><div class="block-container lbContainer" data-xf-init="lightbox select-to-quote" data-message-selector=".js-post" data-lb-id="thread-{id}"><div class="block-body js-replyNewMessageContainer">
{articles}</div></div></div>
{nav}
</div></div></div>"##,
                title = esc(t.title),
                sa = esc(t.posts[0].author),
                su = user_id(t.posts[0].author),
                id = t.id,
            );
            site.insert(
                url(n),
                Reply::html(xf_document(
                    "thread_view",
                    t.title,
                    &format!(
                        "<link rel=\"canonical\" href=\"{{{{BASE}}}}{}\" />\n{}",
                        url(n),
                        xf_head_links(url, n, pages.len())
                    ),
                    &body,
                )),
            );
        }
    }
    site
}

// ---------------------------------------------------------- vBulletin 5

const VB_POSTS_PER_PAGE: usize = 4;
const VB_TOPICS_PER_PAGE: usize = 3;
const VB_CHANNEL: &str = "/forum/patient-community/trial-experiences";

fn vb_topic_url(t: &Thread, page: usize) -> String {
    let base = format!("{{{{BASE}}}}{VB_CHANNEL}/{}-{}", t.id, t.slug);
    if page <= 1 {
        base
    } else {
        format!("{base}/page{page}")
    }
}

fn vb_channel_url(page: usize) -> String {
    if page <= 1 {
        format!("{{{{BASE}}}}{VB_CHANNEL}")
    } else {
        format!("{{{{BASE}}}}{VB_CHANNEL}/page{page}")
    }
}

fn vb_pagenav(url: impl Fn(usize) -> String, page: usize, pages: usize) -> String {
    let left = if page > 1 {
        format!(
            "<a class=\"arrow left-arrow h-left js-pagenav-button\" href=\"{}\" data-page=\"{}\" title=\"Previous Page\"><span class=\"vb-icon vb-icon-arrow-left\"></span></a>",
            url(page - 1),
            page - 1
        )
    } else {
        "<a class=\"arrow left-arrow h-left h-disabled\" href=\"javascript://\" title=\"Previous Page\"><span class=\"vb-icon vb-icon-arrow-left\"></span></a>".to_string()
    };
    let right = if page < pages {
        format!(
            "<a class=\"arrow right-arrow h-left js-pagenav-button\" href=\"{}\" data-page=\"{}\" title=\"Next Page\"><span class=\"vb-icon vb-icon-arrow-right\"></span></a>",
            url(page + 1),
            page + 1
        )
    } else {
        "<a class=\"arrow right-arrow h-left h-disabled\" href=\"javascript://\" title=\"Next Page\"><span class=\"vb-icon vb-icon-arrow-right\"></span></a>".to_string()
    };
    let numbers: String = (1..=pages)
        .map(|n| {
            if n == page {
                format!("<span class=\"pagenav-button h-left h-disabled\" data-page=\"{n}\">{n}</span>")
            } else {
                format!(
                    "<a class=\"pagenav-button h-left js-pagenav-button\" href=\"{}\" data-page=\"{n}\">{n}</a>",
                    url(n)
                )
            }
        })
        .collect();
    format!(
        "<div class=\"pagenav-container h-clearfix noselect\"><div class=\"pagenav h-right\"><div class=\"h-left\">Page {page} of {pages}</div>{left}{numbers}{right}</div></div>"
    )
}

fn vb_document(title: &str, body: &str) -> String {
    format!(
        r##"<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" dir="ltr" lang="en" id="vbulletin" class="l-desktop">
<head>
<meta charset="utf-8" />
<base href="{{{{BASE}}}}/" />
<title>{title} - MS Friends</title>
<link rel="stylesheet" type="text/css" href="css.php?styleid=1&amp;td=ltr&amp;sheet=css_reset.css,css_unreset.css,css_utilities.css&amp;df=Y-m-d&amp;ts=1736000000" />
<script type="text/javascript" src="js/header-rollup-562.js"></script>
</head>
<body id="vb-page-body" class="l-desktop page60 vb-page view-mode logged-out" itemscope itemtype="http://schema.org/WebPage" data-usergroupid="1" data-styleid="1">
<div id="outer-wrapper"><div id="wrapper">
<div id="header-axd" class="header-edit-box axdnum_1 h-clearfix"><div id="header" class="noselect"><div class="site-logo header-edit-box"><a href="{{{{BASE}}}}/"><img src="filedata/fetch?filedataid=1" alt="MS Friends" /></a></div></div></div>
<main id="content"><div class="canvas-layout-container js-canvas-layout-container">
{body}
</div></main>
<footer id="footer"><div id="footer-copyright">Powered by <a href="https://www.vbulletin.com" id="vbulletinlink">vBulletin&reg;</a> Version 5.7.5</div></footer>
</div></div>
</body>
</html>"##
    )
}

fn vb_post(t: &Thread, p: &Post, position: usize) -> String {
    let uid = user_id(p.author);
    let a = esc(p.author);
    let quote = p.quote.map_or_else(String::new, |q| {
        format!(
            r##"<div class="bbcode_container"><div class="bbcode_quote"><div class="quote_container"><div class="bbcode_quote_container b-icon b-icon__ldquo-l--gray"></div><div class="bbcode_postedby">Originally posted by <strong>{qa}</strong> <a href="{turl}?p={qp}#post{qp}" rel="nofollow"><img class="inlineimg" src="images/buttons/viewpost-right.png" alt="View Post" /></a></div><div class="message">{qw}</div></div></div></div>"##,
            qa = esc(q.author),
            qp = q.post,
            qw = esc(q.words),
            turl = vb_topic_url(t, 1),
        )
    });
    let sig = p.sig.map_or_else(String::new, |s| {
        format!("<div class=\"post-signature restore\">{}</div>", esc(s))
    });
    let edited = if p.edited {
        format!(
            "<div class=\"b-post__edit h-margin-top-xl\">Last edited by {a}; <time datetime=\"{}\">02-09-2025, 11:10 AM</time>.</div>",
            iso(p.at() + 600)
        )
    } else {
        String::new()
    };
    let first = if position == 1 { " b-post--first" } else { "" };
    format!(
        r##"<li class="b-post js-post js-comment-entry__parent h-restore--on-preview b-post--text{first}" data-node-id="{id}" data-node-publishdate="{ts}" itemscope itemtype="http://schema.org/DiscussionForumPosting">
<div class="b-post__grid">
<div class="b-post__arrow b-post__hide-when-deleted"></div>
<div class="b-userinfo b-post__hide-when-deleted" data-userid="{uid}" itemprop="author" itemscope itemtype="http://schema.org/Person">
<div class="b-avatar b-avatar--m b-avatar--thread"><img src="core/images/default/default_avatar_medium.png" alt="{a}'s Avatar" /></div>
<div class="b-userinfo__details"><div class="author h-text-size--14"><strong><a href="{{{{BASE}}}}/member/{uid}-{a}" data-vbnamecard="{uid}"><span itemprop="name">{a}</span></a></strong></div><div class="usertitle">Member</div><ul class="b-userinfo__additional-info-block h-margin-top-xl"><li class="b-userinfo__additional-info"><label>Join Date:</label> <span>Mar 2022</span></li><li class="b-userinfo__additional-info"><label>Posts:</label> <span>412</span></li></ul></div>
</div>
<div class="b-post__body">
<div class="b-post__timestamp"><time itemprop="dateCreated" datetime="{dt}">02-01-2025, 09:00 AM</time></div>
<div class="b-post__count"><a href="{turl}?p={id}#post{id}" class="b-post__count js-show-post-link">#{position}</a></div>
<div class="b-post__content js-post__content">
<hr class="b-divider--section" />
<div class="b-post__hide-when-deleted"><div class="js-post__content-wrapper h-restore">
<div class="js-post__content-text restore h-wordwrap" itemprop="text">{quote}{text}</div>
</div></div>
{edited}
{sig}
</div>
</div>
</div>
</li>
"##,
        id = p.id,
        ts = p.at(),
        dt = iso(p.at()),
        turl = vb_topic_url(t, 1),
        text = esc(&p.text).replace("\n\n", "<br />\n<br />\n"),
    )
}

/// The vBulletin 5.7 site: home `/forum/`, the channel
/// `/forum/patient-community/trial-experiences`, topic pages.
pub fn vbulletin5(threads: &[Thread]) -> HashMap<String, Reply> {
    let mut site = HashMap::new();
    let strip = |u: String| u.replace("{{BASE}}", "");
    site.insert(
        "/forum/".to_string(),
        Reply::html(vb_document(
            "Forum",
            &format!(
                r##"<div class="b-module canvas-widget default-widget forum-list-container" id="widget_10"><table class="forum-list-container"><tbody>
<tr class="category-header"><td colspan="4"><a href="{{{{BASE}}}}/forum/patient-community" class="category">Patient community</a></td></tr>
<tr class="forum-item main-forum h-left" data-channel-id="12"><td class="cell-forum"><div class="forum-wrapper"><div class="forum-info"><a href="{ch}" class="forum-title">Trial experiences</a><div class="forum-desc">Screening, visits, side effects, reimbursement.</div></div></div></td>
<td class="topics-count">{topics}</td><td class="posts-count">{posts}</td><td class="lastpost"></td></tr>
</tbody></table></div>"##,
                ch = vb_channel_url(1),
                topics = threads.len(),
                posts = post_count(threads),
            ),
        )),
    );
    let list_pages = pages_of(threads, VB_TOPICS_PER_PAGE);
    for (i, list) in list_pages.iter().enumerate() {
        let n = i + 1;
        let rows: String = list
            .iter()
            .map(|t| {
                let last = t.last();
                let pages = t.posts.len().div_ceil(VB_POSTS_PER_PAGE);
                format!(
                    r##"<tr class="topic-item" id="topic-{id}" data-node-id="{id}">
<td class="cell-checkbox"></td>
<td class="cell-topic"><div class="topic-wrapper h-clearfix"><div class="topic-info h-clearfix"><a href="{url}" class="topic-title js-topic-title">{title}</a><div class="topic-pages">Pages: <a href="{lastpage}">{pages}</a></div>
<div class="topic-byline">Started by <a href="{{{{BASE}}}}/member/{fu}-{fa}">{fa}</a>, <span class="date">02-01-2025, 09:00 AM</span></div></div></div></td>
<td class="cell-count"><div class="views-count">{views}</div><div class="posts-count">{replies}</div></td>
<td class="cell-lastpost"><div class="lastpost-wrapper"><div class="lastpost-by">by <a href="{{{{BASE}}}}/member/{lu}-{la}">{la}</a></div><span class="post-date">02-08-2025, 11:30 AM</span> <a href="{url}?p={lp}#post{lp}" class="go-to-last-post"><span class="vb-icon vb-icon-jump-to-last-post"></span></a></div></td>
</tr>
"##,
                    id = t.id,
                    url = vb_topic_url(t, 1),
                    lastpage = vb_topic_url(t, pages),
                    title = esc(t.title),
                    fa = esc(t.posts[0].author),
                    fu = user_id(t.posts[0].author),
                    views = 40 * t.posts.len() + 7,
                    replies = t.posts.len() - 1,
                    la = esc(last.author),
                    lu = user_id(last.author),
                    lp = last.id,
                )
            })
            .collect();
        let nav = vb_pagenav(vb_channel_url, n, list_pages.len());
        site.insert(
            strip(vb_channel_url(n)),
            Reply::html(vb_document(
                "Trial experiences",
                &format!(
                    r##"<h1 class="main-title js-main-title hide-on-editmode">Trial experiences</h1>
<div class="b-module canvas-widget default-widget channel-content-widget" id="widget_13">{nav}
<table class="topic-list-container js-topic-list"><thead><tr class="topic-list-header"><th class="topic">Topic</th><th class="stats">Views / Replies</th><th class="lastpost">Last Post</th></tr></thead><tbody>
{rows}</tbody></table>{nav}</div>"##
                ),
            )),
        );
    }
    for t in threads {
        let pages = pages_of(&t.posts, VB_POSTS_PER_PAGE);
        for (i, posts) in pages.iter().enumerate() {
            let n = i + 1;
            let url = |k: usize| vb_topic_url(t, k);
            let nav = vb_pagenav(url, n, pages.len());
            let items: String = posts
                .iter()
                .enumerate()
                .map(|(j, p)| vb_post(t, p, i * VB_POSTS_PER_PAGE + j + 1))
                .collect();
            site.insert(
                strip(url(n)),
                Reply::html(vb_document(
                    t.title,
                    &format!(
                        r##"<h1 class="main-title js-main-title hide-on-editmode">{title}</h1>
<div class="b-module canvas-widget default-widget conversation-content-widget forum-conversation-content-widget widget-tabs widget-no-border widget-no-header-buttons axd-container" id="widget_25" data-widget-id="25">
<div class="conversation-toolbar-wrapper top">{nav}</div>
<div class="widget-content tab widget-tabs-panel"><ul class="conversation-list list-container h-clearfix thread-view">
{items}</ul></div>
<div class="conversation-toolbar-wrapper bottom">{nav}</div></div>"##,
                        title = esc(t.title),
                    ),
                )),
            );
        }
    }
    site
}

// ------------------------------------------------ A board read by selectors

const GEN_POSTS_PER_PAGE: usize = 3;
const GEN_THREADS_PER_PAGE: usize = 2;

/// Local time on the home-grown board: UTC+1, day first.
fn gen_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t + 3_600, 0)
        .expect("a valid time")
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

fn gen_thread_url(t: &Thread, page: usize) -> String {
    if page <= 1 {
        format!("thread.php?id={}", t.id)
    } else {
        format!("thread.php?id={}&amp;pg={page}", t.id)
    }
}

fn gen_document(title: &str, body: &str) -> String {
    format!(
        r##"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title} :: Spoonie Board</title><link rel="stylesheet" href="style.css"></head>
<body><div id="top"><a href="index.php"><img src="img/logo.gif" alt="Spoonie Board"></a> | <a href="search.php">search</a> | <a href="login.php">log in</a></div>
{body}
<div id="foot">Spoonie Board &copy; 2009-2025 &middot; <a href="rules.php">rules</a></div></body></html>"##
    )
}

/// A home-grown board (`/community/board.php?b=3`, `thread.php?id=N`) that
/// only the `selectors` engine can read. Its selectors are in
/// [`generic_selectors`].
pub fn generic(threads: &[Thread]) -> HashMap<String, Reply> {
    let mut site = HashMap::new();
    let list_pages = pages_of(threads, GEN_THREADS_PER_PAGE);
    for (i, list) in list_pages.iter().enumerate() {
        let n = i + 1;
        let rows: String = list
            .iter()
            .map(|t| {
                let last = t.last();
                format!(
                    "<tr class=\"thread\"><td class=\"subject\"><a class=\"tlink\" href=\"{}\">{}</a><br><small>started by {}</small></td><td class=\"num\">{}</td><td class=\"last\">by {}<br>{}</td></tr>\n",
                    gen_thread_url(t, 1),
                    esc(t.title),
                    esc(t.posts[0].author),
                    t.posts.len() - 1,
                    esc(last.author),
                    gen_time(last.at()),
                )
            })
            .collect();
        let mut pager = format!("Page {n} of {} ", list_pages.len());
        if n > 1 {
            pager += &format!(
                "<a class=\"prev\" href=\"board.php?b=3{}\">&laquo; prev</a> ",
                if n == 2 {
                    String::new()
                } else {
                    format!("&amp;pg={}", n - 1)
                }
            );
        }
        if n < list_pages.len() {
            pager += &format!(
                "<a class=\"next\" href=\"board.php?b=3&amp;pg={}\">next &raquo;</a>",
                n + 1
            );
        }
        let key = if n == 1 {
            "/community/board.php?b=3".to_string()
        } else {
            format!("/community/board.php?b=3&pg={n}")
        };
        site.insert(
            key,
            Reply::html(gen_document(
                "Trial talk",
                &format!(
                    "<div id=\"crumbs\"><a href=\"index.php\">Spoonie Board</a> &gt; Trial talk</div>\n<table class=\"threads\" width=\"100%\">\n<tr class=\"head\"><th>Topic</th><th>Replies</th><th>Last post</th></tr>\n{rows}</table>\n<div class=\"pages\">{pager}</div>"
                ),
            )),
        );
    }
    for t in threads {
        let pages = pages_of(&t.posts, GEN_POSTS_PER_PAGE);
        for (i, posts) in pages.iter().enumerate() {
            let n = i + 1;
            let msgs: String = posts
                .iter()
                .map(|p| {
                    let quote = p.quote.map_or_else(String::new, |q| {
                        format!(
                            "<div class=\"q\"><a href=\"thread.php?id={}#m-{}\">{}</a> wrote:<br>{}</div>",
                            t.id,
                            q.post,
                            esc(q.author),
                            esc(q.words)
                        )
                    });
                    let sig = p.sig.map_or_else(String::new, |s| {
                        format!("<div class=\"sig\">--<br>{}</div>", esc(s))
                    });
                    format!(
                        "<div class=\"msg\" id=\"m-{}\"><div class=\"head\"><span class=\"who\">{}</span> &middot; <span class=\"when\">{}</span></div>\n<div class=\"txt\">{quote}{}{sig}</div></div>\n",
                        p.id,
                        esc(p.author),
                        gen_time(p.at()),
                        esc(&p.text).replace("\n\n", "<br><br>"),
                    )
                })
                .collect();
            let mut pager = String::new();
            if n > 1 {
                pager += &format!(
                    "<a class=\"prev\" href=\"{}\">&laquo; prev</a> ",
                    gen_thread_url(t, n - 1)
                );
            }
            if n < pages.len() {
                pager += &format!(
                    "<a class=\"next\" href=\"{}\">next &raquo;</a>",
                    gen_thread_url(t, n + 1)
                );
            }
            let key = if n == 1 {
                format!("/community/thread.php?id={}", t.id)
            } else {
                format!("/community/thread.php?id={}&pg={n}", t.id)
            };
            site.insert(
                key,
                Reply::html(gen_document(
                    t.title,
                    &format!(
                        "<div id=\"crumbs\"><a href=\"index.php\">Spoonie Board</a> &gt; <a href=\"board.php?b=3\">Trial talk</a></div>\n<h1 class=\"topic\">{}</h1>\n<div class=\"pages\">{pager}</div>\n{msgs}<div class=\"pages\">{pager}</div>",
                        esc(t.title)
                    ),
                )),
            );
        }
    }
    site
}

/// The selectors that describe [`generic`]'s pages.
pub fn generic_selectors() -> Value {
    json!({
        "topic_row": "table.threads tr.thread",
        "thread_link": "a.tlink",
        "last_post": "td.last",
        "next_page": "div.pages a.next",
        "prev_page": "div.pages a.prev",
        "title": "h1.topic",
        "post": "div.msg",
        "author": ".who",
        "time": ".when",
        "body": ".txt",
        "quote": ".q",
        "signature": ".sig"
    })
}

// ------------------------------------------------------------- Discourse

/// Posts `/t/{id}.json` carries before the rest must be asked for.
const DISCOURSE_CHUNK: usize = 20;
/// Topics per `/latest.json` page (the site's `topic_page_size`).
const DISCOURSE_PAGE_SIZE: usize = 3;

/// A post as Discourse stores it.
#[derive(Debug, Clone)]
pub struct DPost {
    /// The board's post.
    pub post: Post,
    /// 1 regular, 3 small action.
    pub post_type: u8,
    /// Deleted by its author (still in the stream).
    pub user_deleted: bool,
}

/// A topic: the board thread, or the long check-in topic.
#[derive(Debug, Clone)]
pub struct DTopic {
    /// The thread.
    pub thread: Thread,
    /// Its posts as Discourse has them.
    pub posts: Vec<DPost>,
    /// Category id.
    pub category: u64,
    /// Tags.
    pub tags: Vec<&'static str>,
}

/// The board's threads plus a weekly check-in topic long enough (26 posts)
/// that `/t/{id}.json` leaves some out, with a post its author deleted and
/// a small-action post ("pinned globally") in it.
pub fn discourse_topics(threads: &[Thread]) -> Vec<DTopic> {
    let mut topics: Vec<DTopic> = threads
        .iter()
        .map(|t| DTopic {
            thread: t.clone(),
            posts: t
                .posts
                .iter()
                .map(|p| DPost {
                    post: p.clone(),
                    post_type: 1,
                    user_deleted: false,
                })
                .collect(),
            category: if t.id == 365 { 1 } else { 5 },
            tags: if t.id == 398 {
                vec!["reimbursement", "travel"]
            } else {
                vec![]
            },
        })
        .collect();
    let feelings = [
        "pretty rough, the fatigue hit hard on tuesday",
        "better than last week, walked to the shops twice",
        "meh. pins and needles in both feet again",
        "good! slept through the night for once",
        "tired but hopeful, infusion #4 done",
        "brain fog most of the day, forgot my own postcode",
        "ok-ish. the nausea from the study drug is fading",
        "anxious about my 6 month MRI results",
    ];
    let people = [
        "marnie_k",
        "quietstorm",
        "fen_r",
        "olliek",
        "deb_in_ohio",
        "wren_b",
    ];
    let mut posts = vec![DPost {
        post: post(
            5100,
            "CircleAdmin",
            "Weekly check-in thread. How are you feeling this week? Symptoms, wins, worries, all welcome.",
        ),
        post_type: 1,
        user_deleted: false,
    }];
    for k in 1..26u64 {
        let id = 5100 + k * 2;
        let who = people[(k as usize) % people.len()];
        let text = format!(
            "Week {k} check in: {}. {}",
            feelings[(k as usize) % feelings.len()],
            if k % 3 == 0 {
                "anyone else?"
            } else {
                "thanks for this thread"
            }
        );
        let mut p = DPost {
            post: post(id, who, &text),
            post_type: 1,
            user_deleted: false,
        };
        if k == 2 {
            p.post_type = 3;
            p.post.author = "CircleAdmin";
            p.post.text = String::new();
        }
        if k == 23 {
            p.user_deleted = true;
            p.post.text = "(post deleted by author)".into();
        }
        posts.push(p);
    }
    topics.insert(
        0,
        DTopic {
            thread: Thread {
                id: 420,
                slug: "weekly-check-in-how-are-you-feeling",
                title: "Weekly check-in: how are you feeling this week?",
                posts: posts.iter().map(|p| p.post.clone()).collect(),
            },
            posts,
            category: 5,
            tags: vec!["check-in"],
        },
    );
    topics.sort_by_key(|t| std::cmp::Reverse(t.thread.last().id));
    topics
}

fn discourse_cooked(t: &DTopic, p: &DPost) -> String {
    if p.post_type == 3 {
        return String::new();
    }
    if p.user_deleted {
        return "<p>(post deleted by author)</p>".into();
    }
    let quote = p.post.quote.map_or_else(String::new, |q| {
        let number = t
            .posts
            .iter()
            .position(|x| x.post.id == q.post)
            .map_or(0, |i| i + 1);
        format!(
            "<aside class=\"quote no-group\" data-username=\"{qa}\" data-post=\"{number}\" data-topic=\"{tid}\">\n<div class=\"title\">\n<div class=\"quote-controls\"></div>\n<img loading=\"lazy\" alt=\"\" width=\"24\" height=\"24\" src=\"/user_avatar/msfriends.example/{qa}/48/12_2.png\" class=\"avatar\"> {qa}:</div>\n<blockquote>\n<p>{qw}</p>\n</blockquote>\n</aside>\n",
            qa = esc(q.author),
            qw = esc(q.words),
            tid = t.thread.id,
        )
    });
    let paras: String = p
        .post
        .text
        .split("\n\n")
        .map(|para| format!("<p>{}</p>\n", esc(para)))
        .collect();
    format!("{quote}{paras}")
}

fn discourse_post_json(t: &DTopic, i: usize) -> Value {
    let p = &t.posts[i];
    let at = chrono::DateTime::from_timestamp(p.post.at(), 0)
        .expect("a valid time")
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let reply_to = p.post.quote.and_then(|q| {
        t.posts
            .iter()
            .position(|x| x.post.id == q.post)
            .map(|k| k + 1)
    });
    json!({
        "id": p.post.id,
        "name": "",
        "username": p.post.author,
        "avatar_template": format!("/user_avatar/msfriends.example/{}/{{size}}/12_2.png", p.post.author),
        "created_at": at,
        "cooked": discourse_cooked(t, p),
        "post_number": i + 1,
        "post_type": p.post_type,
        "updated_at": at,
        "reply_count": 0,
        "reply_to_post_number": reply_to,
        "quote_count": u8::from(p.post.quote.is_some()),
        "incoming_link_count": 0,
        "reads": 12,
        "readers_count": 11,
        "score": 2.4,
        "yours": false,
        "topic_id": t.thread.id,
        "topic_slug": t.thread.slug,
        "display_username": "",
        "primary_group_name": null,
        "flair_name": null,
        "version": if p.post.edited { 2 } else { 1 },
        "can_edit": false,
        "can_delete": false,
        "can_recover": false,
        "can_wiki": false,
        "read": true,
        "user_title": null,
        "bookmarked": false,
        "actions_summary": [],
        "moderator": p.post.author == "CircleAdmin",
        "admin": p.post.author == "CircleAdmin",
        "staff": p.post.author == "CircleAdmin",
        "user_id": user_id(p.post.author),
        "hidden": false,
        "trust_level": 1,
        "deleted_at": null,
        "user_deleted": p.user_deleted,
        "edit_reason": null,
        "can_view_edit_history": true,
        "wiki": false,
        "action_code": if p.post_type == 3 { Value::from("pinned_globally.enabled") } else { Value::Null },
    })
}

fn discourse_listed(t: &DTopic) -> Value {
    let first = &t.thread.posts[0];
    let last = t.thread.last();
    let ts = |s: i64| {
        chrono::DateTime::from_timestamp(s, 0)
            .expect("a valid time")
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string()
    };
    json!({
        "id": t.thread.id,
        "title": t.thread.title,
        "fancy_title": esc(t.thread.title),
        "slug": t.thread.slug,
        "posts_count": t.posts.len(),
        "reply_count": t.posts.len() - 1,
        "highest_post_number": t.posts.len(),
        "image_url": null,
        "created_at": ts(first.at()),
        "last_posted_at": ts(last.at()),
        "bumped": true,
        "bumped_at": ts(last.at()),
        "archetype": "regular",
        "unseen": false,
        "pinned": false,
        "unpinned": null,
        "visible": true,
        "closed": false,
        "archived": false,
        "bookmarked": null,
        "liked": null,
        "tags": t.tags,
        "tags_descriptions": {},
        "views": 40 * t.posts.len() + 7,
        "like_count": 3,
        "has_summary": false,
        "last_poster_username": last.author,
        "category_id": t.category,
        "pinned_globally": false,
        "featured_link": null,
        "posters": [
            {"extras": "latest", "description": "Original Poster, Most Recent Poster", "user_id": user_id(first.author), "primary_group_id": null}
        ]
    })
}

/// Discourse: `/categories.json`, `/latest.json` (three topics a page),
/// `/t/{id}.json` (the first twenty posts and the whole stream) and
/// `/t/{id}/posts.json?post_ids[]=` (any posts by id), as the API answers
/// an anonymous visitor.
pub fn discourse(topics: Vec<DTopic>) -> impl Fn(&Request) -> Option<Reply> + Send + Sync {
    move |req: &Request| {
        let path = req.path.as_str();
        if path == "/categories.json" {
            return Some(Reply::json(&json!({"category_list": {
            "can_create_category": false, "can_create_topic": false,
            "categories": [
                {"id": 1, "name": "Site feedback", "color": "808281", "text_color": "FFFFFF", "slug": "site-feedback", "topic_count": 1, "post_count": 1, "position": 0, "description": "Discussion about this site.", "topic_url": "/t/about-the-site-feedback-category/1", "read_restricted": false, "permission": null, "subcategory_ids": [], "subcategory_list": []},
                {"id": 5, "name": "Trial experiences", "color": "0088CC", "text_color": "FFFFFF", "slug": "trial-experiences", "topic_count": 4, "post_count": 43, "position": 1, "description": "Screening, visits, side effects, reimbursement.", "topic_url": "/t/about-the-trial-experiences-category/6", "read_restricted": false, "permission": null, "subcategory_ids": [], "subcategory_list": []}
            ]}})));
        }
        if path == "/latest.json" {
            let page: usize = req.param("page").and_then(|p| p.parse().ok()).unwrap_or(0);
            let start = page * DISCOURSE_PAGE_SIZE;
            let listed: Vec<Value> = topics
                .iter()
                .skip(start)
                .take(DISCOURSE_PAGE_SIZE)
                .map(discourse_listed)
                .collect();
            let mut list = json!({
                "can_create_topic": false,
                "per_page": DISCOURSE_PAGE_SIZE,
                "top_tags": ["check-in", "reimbursement", "travel"],
                "topics": listed,
            });
            if start + DISCOURSE_PAGE_SIZE < topics.len() {
                list["more_topics_url"] = json!(format!("/latest?page={}", page + 1));
            }
            return Some(Reply::json(&json!({
                "users": [], "primary_groups": [], "flair_groups": [], "topic_list": list
            })));
        }
        let rest = path.strip_prefix("/t/")?;
        if let Some(id) = rest.strip_suffix(".json")
            && let Ok(id) = id.parse::<u64>()
        {
            let t = topics.iter().find(|t| t.thread.id == id)?;
            let posts: Vec<Value> = (0..t.posts.len().min(DISCOURSE_CHUNK))
                .map(|i| discourse_post_json(t, i))
                .collect();
            let stream: Vec<u64> = t.posts.iter().map(|p| p.post.id).collect();
            return Some(Reply::json(&json!({
                "post_stream": {"posts": posts, "stream": stream},
                "timeline_lookup": [[1, 3]],
                "tags": t.tags,
                "tags_descriptions": {},
                "id": t.thread.id,
                "title": t.thread.title,
                "fancy_title": esc(t.thread.title),
                "posts_count": t.posts.len(),
                "created_at": discourse_listed(t)["created_at"],
                "views": 40 * t.posts.len() + 7,
                "reply_count": t.posts.len() - 1,
                "like_count": 3,
                "last_posted_at": discourse_listed(t)["last_posted_at"],
                "visible": true,
                "closed": false,
                "archived": false,
                "has_summary": false,
                "archetype": "regular",
                "slug": t.thread.slug,
                "category_id": t.category,
                "word_count": 900,
                "deleted_at": null,
                "user_id": user_id(t.thread.posts[0].author),
                "featured_link": null,
                "pinned_globally": false,
                "pinned_at": null,
                "pinned_until": null,
                "image_url": null,
                "slow_mode_seconds": 0,
                "draft": null,
                "draft_key": format!("topic_{}", t.thread.id),
                "draft_sequence": null,
                "unpinned": null,
                "pinned": false,
                "current_post_number": 1,
                "highest_post_number": t.posts.len(),
                "deleted_by": null,
                "actions_summary": [],
                "chunk_size": DISCOURSE_CHUNK,
                "bookmarked": false,
                "bookmarks": [],
                "topic_timer": null,
                "message_bus_last_id": 4,
                "participant_count": 6,
                "show_read_indicator": false,
                "thumbnails": null,
                "details": {"can_edit": false, "notification_level": 1, "participants": [], "created_by": {"id": user_id(t.thread.posts[0].author), "username": t.thread.posts[0].author}, "last_poster": {"id": 0, "username": t.thread.last().author}}
            })));
        }
        let (id, tail) = rest.split_once('/')?;
        if tail != "posts.json" {
            return None;
        }
        let id: u64 = id.parse().ok()?;
        let t = topics.iter().find(|t| t.thread.id == id)?;
        let wanted: Vec<u64> = req
            .params("post_ids[]")
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect();
        let posts: Vec<Value> = (0..t.posts.len())
            .filter(|i| wanted.contains(&t.posts[*i].post.id))
            .map(|i| discourse_post_json(t, i))
            .collect();
        Some(Reply::json(
            &json!({"post_stream": {"posts": posts}, "id": id}),
        ))
    }
}
