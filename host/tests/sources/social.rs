//! Social API fixture sites: a Mastodon instance, a Bluesky AppView and
//! Reddit's public JSON, each answering the way the real API does for the
//! requests the posts plugin makes — filtering and paging by `max_id` /
//! `since_id`, by opaque `cursor`, by `after` — rather than replaying one
//! answer per URL. Field names and nesting are the APIs' own (Mastodon
//! `Status` with `reblog`, Bluesky `PostView`/`FeedViewPost` with
//! `reason`, Reddit `Listing`/`t3`/`t1`/`more`). Content and handles are
//! invented.

use serde_json::{Value, json};

use super::site::{Reply, Request};

// ------------------------------------------------------------- Mastodon

/// A status id: Mastodon's snowflake-style ids, all 18 digits here.
pub fn status_id(n: u64) -> String {
    format!("{}", 113_900_000_000_000_000u64 + n)
}

fn masto_account(base: &str, id: &str, username: &str, domain: Option<&str>) -> Value {
    let acct = domain.map_or_else(|| username.to_string(), |d| format!("{username}@{d}"));
    let home = domain.map_or_else(|| base.to_string(), |d| format!("https://{d}"));
    json!({
        "id": id, "username": username, "acct": acct, "display_name": "",
        "locked": false, "bot": false, "discoverable": true, "group": false,
        "created_at": "2022-11-05T00:00:00.000Z", "note": "<p>patient, not patient</p>",
        "url": format!("{home}/@{username}"), "uri": format!("{home}/users/{username}"),
        "avatar": format!("{base}/avatars/original/missing.png"), "avatar_static": format!("{base}/avatars/original/missing.png"),
        "header": format!("{base}/headers/original/missing.png"), "header_static": format!("{base}/headers/original/missing.png"),
        "followers_count": 212, "following_count": 180, "statuses_count": 940,
        "last_status_at": "2025-03-04", "emojis": [], "fields": []
    })
}

/// One Mastodon status (or boost, with `reblog`).
#[derive(Debug, Clone)]
pub struct Toot {
    /// `status_id(n)`.
    pub n: u64,
    /// Author: (account id, username, remote domain).
    pub by: (&'static str, &'static str, Option<&'static str>),
    /// HTML content (empty for a boost).
    pub html: &'static str,
    /// Content warning.
    pub cw: &'static str,
    /// Hashtags.
    pub tags: &'static [&'static str],
    /// Replies to `status_id(n)`.
    pub reply_to: Option<u64>,
    /// For a boost: the boosted toot.
    pub boost_of: Option<Box<Toot>>,
}

fn toot(
    n: u64,
    by: (&'static str, &'static str, Option<&'static str>),
    html: &'static str,
) -> Toot {
    Toot {
        n,
        by,
        html,
        cw: "",
        tags: &["clinicaltrials"],
        reply_to: None,
        boost_of: None,
    }
}

const JO: (&str, &str, Option<&str>) = ("10942", "trialnurse_jo", None);
const ANA: (&str, &str, Option<&str>) = ("10977", "ana_lupus", None);
const KIT: (&str, &str, Option<&str>) = ("11020", "kit_spoons", None);
const REMOTE: (&str, &str, Option<&str>) = ("11502", "ms_marathoner", Some("other.example"));

impl Toot {
    fn json(&self, base: &str) -> Value {
        let id = status_id(self.n);
        let (aid, user, domain) = self.by;
        let home = domain.map_or_else(|| base.to_string(), |d| format!("https://{d}"));
        let minutes = self.n as i64 * 47;
        let created = chrono::DateTime::from_timestamp(1_741_000_000 + minutes * 60, 0)
            .expect("a valid time")
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        json!({
            "id": id,
            "created_at": created,
            "in_reply_to_id": self.reply_to.map(status_id),
            "in_reply_to_account_id": self.reply_to.map(|_| JO.0),
            "sensitive": !self.cw.is_empty(),
            "spoiler_text": self.cw,
            "visibility": "public",
            "language": "en",
            "uri": format!("{home}/users/{user}/statuses/{id}"),
            "url": if self.boost_of.is_some() { Value::Null } else { json!(format!("{home}/@{user}/{id}")) },
            "replies_count": 0, "reblogs_count": 2, "favourites_count": 5,
            "edited_at": null,
            "content": self.html.replace("{{HOME}}", &home),
            "reblog": self.boost_of.as_ref().map(|b| b.json(base)),
            "application": if domain.is_none() { json!({"name": "Web", "website": null}) } else { Value::Null },
            "account": masto_account(base, aid, user, domain),
            "media_attachments": [],
            "mentions": [],
            "tags": self.tags.iter().map(|t| json!({"name": t, "url": format!("{base}/tags/{t}")})).collect::<Vec<_>>(),
            "emojis": [],
            "card": null,
            "poll": null
        })
    }
}

/// Words that appear only in the boosted remote status's content.
pub const REMOTE_WORDS: &str = "ran a slow 5k between infusions";

/// The instance's public statuses: seven under #clinicaltrials, and the
/// nurse's account with two statuses of her own and two boosts (one of a
/// tagged status, one of a remote status nothing else shows).
pub fn mastodon_toots() -> (Vec<Toot>, Vec<Toot>) {
    let tagged = vec![
        toot(
            101,
            ANA,
            "<p>Screening visit done for the <a href=\"{{HOME}}/tags/clinicaltrials\" class=\"mention hashtag\" rel=\"tag\">#<span>ClinicalTrials</span></a> lupus study. 4 hours, 11 vials of blood and a very kind coordinator.</p>",
        ),
        toot(
            102,
            KIT,
            "<p>anyone know if trial sites pay for parking upfront or do you claim it back? mine says &quot;reimbursed&quot; but nobody can tell me how <a href=\"{{HOME}}/tags/clinicaltrials\" class=\"mention hashtag\" rel=\"tag\">#<span>clinicaltrials</span></a></p>",
        ),
        Toot {
            reply_to: Some(102),
            ..toot(
                103,
                ANA,
                "<p><span class=\"h-card\"><a href=\"{{HOME}}/@kit_spoons\" class=\"u-url mention\">@<span>kit_spoons</span></a></span> mine gave me a prepaid card, loads 2 days after each visit. ask for it!</p>",
            )
        },
        toot(
            104,
            KIT,
            "<p>Week 6 on the study drug. Fatigue is lifting a bit in the afternoons.</p><p>Still napping tho <a href=\"{{HOME}}/tags/clinicaltrials\" class=\"mention hashtag\" rel=\"tag\">#<span>clinicaltrials</span></a></p>",
        ),
        Toot {
            cw: "side effects, nausea",
            ..toot(
                105,
                ANA,
                "<p>The nausea from the first infusion was worse than they said. Ginger tea and crackers helped a lot.</p>",
            )
        },
        toot(
            106,
            JO,
            "<p>Reminder from a research nurse: you can always ask for the consent form to take home before you sign. Always. <a href=\"{{HOME}}/tags/clinicaltrials\" class=\"mention hashtag\" rel=\"tag\">#<span>clinicaltrials</span></a></p>",
        ),
        toot(
            107,
            KIT,
            "<p>Randomised today! No idea if I got placebo, trying not to obsess about it lol</p>",
        ),
    ];
    let remote = Toot {
        tags: &[],
        ..toot(
            98,
            REMOTE,
            "<p>MS dx 2015, in a trial since last spring, and I just ran a slow 5k between infusions. Feeling grateful.</p>",
        )
    };
    let account = vec![
        Toot {
            tags: &[],
            ..toot(
                110,
                JO,
                "<p>Night shift done. Three patients asked me the same thing tonight: what happens to my data if I drop out? Good question, ask your site.</p>",
            )
        },
        Toot {
            tags: &[],
            boost_of: Some(Box::new(tagged[3].clone())),
            ..toot(111, JO, "")
        },
        Toot {
            tags: &[],
            boost_of: Some(Box::new(remote)),
            ..toot(112, JO, "")
        },
        Toot {
            tags: &[],
            reply_to: Some(110),
            ..toot(
                113,
                JO,
                "<p>Follow up: most sites keep what was collected before you withdraw, but you can ask them not to use samples going forward.</p>",
            )
        },
    ];
    (tagged, account)
}

fn masto_page(req: &Request, route: &str, toots: &[Toot]) -> Reply {
    let num = |k: &str| req.param(k).and_then(|v| v.parse::<u128>().ok());
    let limit = req
        .param("limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(20)
        .min(40);
    let mut page: Vec<&Toot> = toots
        .iter()
        .filter(|t| {
            let id: u128 = status_id(t.n).parse().expect("numeric id");
            num("max_id").is_none_or(|m| id < m) && num("since_id").is_none_or(|s| id > s)
        })
        .collect();
    page.sort_by_key(|t| std::cmp::Reverse(t.n));
    page.truncate(limit);
    let body = Value::Array(page.iter().map(|t| t.json(&req.base)).collect());
    let mut reply = Reply::json(&body);
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        reply = reply.header(
            "link",
            format!(
                "<{base}{route}?limit={limit}&max_id={}>; rel=\"next\", <{base}{route}?limit={limit}&min_id={}>; rel=\"prev\"",
                status_id(last.n),
                status_id(first.n),
                base = req.base,
            ),
        );
    }
    reply
}

/// The Mastodon instance: `/api/v1/timelines/tag/clinicaltrials`,
/// `/api/v1/accounts/lookup`, `/api/v1/accounts/:id/statuses`.
pub fn mastodon() -> impl Fn(&Request) -> Option<Reply> + Send + Sync {
    let (tagged, account) = mastodon_toots();
    move |req: &Request| match req.path.as_str() {
        "/api/v1/timelines/tag/clinicaltrials" => Some(masto_page(
            req,
            "/api/v1/timelines/tag/clinicaltrials",
            &tagged,
        )),
        "/api/v1/accounts/lookup" => match req.param("acct") {
            Some("trialnurse_jo") => Some(Reply::json(&masto_account(&req.base, JO.0, JO.1, None))),
            _ => Some(Reply::error(404, "Record not found")),
        },
        p if p == format!("/api/v1/accounts/{}/statuses", JO.0) => {
            Some(masto_page(req, p, &account))
        }
        _ => None,
    }
}

// -------------------------------------------------------------- Bluesky

/// A Bluesky post.
#[derive(Debug, Clone)]
pub struct Skeet {
    /// Record key (a TID).
    pub rkey: &'static str,
    /// (did, handle).
    pub by: (&'static str, &'static str),
    /// Text.
    pub text: &'static str,
    /// Minutes after 2025-03-03T09:00Z.
    pub minute: i64,
    /// Replies to (rkey, author) — root and parent alike here.
    pub reply_to: Option<(&'static str, (&'static str, &'static str))>,
}

const SAM: (&str, &str) = (
    "did:plc:q3v6c2lwyk4mz7ondzsb3jne",
    "spoonie-sam.bsky.social",
);
const PRIYA: (&str, &str) = (
    "did:plc:7ekgzh2x4tjwbnr5ydqmc6ou",
    "priya-fights-ms.bsky.social",
);
const LEE: (&str, &str) = (
    "did:plc:ab2wq4lkx7rj5h3fthuzvna6",
    "lee-in-the-study.bsky.social",
);

fn at_uri(rkey: &str, by: (&str, &str)) -> String {
    format!("at://{}/app.bsky.feed.post/{rkey}", by.0)
}

fn iso_minute(minute: i64) -> String {
    chrono::DateTime::from_timestamp(1_740_992_400 + minute * 60, 0)
        .expect("a valid time")
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

impl Skeet {
    fn uri(&self) -> String {
        at_uri(self.rkey, self.by)
    }

    fn view(&self) -> Value {
        let mut record = json!({
            "$type": "app.bsky.feed.post",
            "createdAt": iso_minute(self.minute),
            "langs": ["en"],
            "text": self.text,
        });
        if let Some((rkey, by)) = self.reply_to {
            let r = json!({"cid": "bafyreihq3mzbdqy7gq5lgvpkmx3bq4zh6yd2wkyx2j5c3kmtqm5hf2xw4e", "uri": at_uri(rkey, by)});
            record["reply"] = json!({"root": r, "parent": r});
        }
        json!({
            "uri": self.uri(),
            "cid": "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q",
            "author": {"did": self.by.0, "handle": self.by.1, "displayName": "", "avatar": format!("https://cdn.bsky.app/img/avatar/plain/{}/bafkreia@jpeg", self.by.0), "associated": {"chat": {"allowIncoming": "following"}}, "labels": [], "createdAt": "2023-09-14T10:00:00.000Z"},
            "record": record,
            "replyCount": 0, "repostCount": 1, "likeCount": 4, "quoteCount": 0,
            "indexedAt": iso_minute(self.minute),
            "labels": []
        })
    }
}

fn skeet(
    rkey: &'static str,
    by: (&'static str, &'static str),
    minute: i64,
    text: &'static str,
) -> Skeet {
    Skeet {
        rkey,
        by,
        text,
        minute,
        reply_to: None,
    }
}

/// An author-feed entry: the post, and for a repost the repost's record
/// key and minute.
pub type FeedEntry = (Skeet, Option<(&'static str, i64)>);

/// Words only the reposted post (found by no search) says.
pub const REPOSTED_WORDS: &str = "the study nurse drove the meds to my door";

/// Seven posts matching "clinical trial", newest last; and Sam's author
/// feed: two posts of her own (one a reply), a repost of a search result
/// and a repost of a post the search does not find.
pub fn bluesky_posts() -> (Vec<Skeet>, Vec<FeedEntry>) {
    let search = vec![
        skeet(
            "3lk2a2b3c4d2a",
            PRIYA,
            10,
            "Day 1 of my clinical trial for progressive MS. Nervous and weirdly excited. Will post updates",
        ),
        skeet(
            "3lk2a2b3c4d2b",
            LEE,
            40,
            "is it normal for a clinical trial to need 3 screening visits?? feels like a lot when you work full time",
        ),
        Skeet {
            reply_to: Some(("3lk2a2b3c4d2b", LEE)),
            ..skeet(
                "3lk2a2b3c4d2c",
                SAM,
                55,
                "yes, mine did too. ask for early morning slots, they usually have them",
            )
        },
        skeet(
            "3lk2a2b3c4d2d",
            PRIYA,
            90,
            "clinical trial update: infusion 2 done, headache after but nothing like last time",
        ),
        skeet(
            "3lk2a2b3c4d2e",
            LEE,
            130,
            "dropped out of the clinical trial today. the travel was just too much with my kids. gutted",
        ),
        skeet(
            "3lk2a2b3c4d2f",
            SAM,
            170,
            "PSA: a clinical trial has to pay you back for travel if the consent form says so. get it in writing",
        ),
        skeet(
            "3lk2a2b3c4d2g",
            PRIYA,
            200,
            "Three months into the clinical trial and my walking test improved by 20 seconds!!",
        ),
    ];
    let lee_repost = skeet(
        "3lk2a2b3c4d2h",
        LEE,
        140,
        "never thought I'd say this but the study nurse drove the meds to my door when I had covid. above and beyond",
    );
    let feed = vec![
        (
            skeet(
                "3lk2a2b3c4d2j",
                SAM,
                230,
                "Pacing today. Fatigue 7/10. Couch, tea, and a documentary.",
            ),
            None,
        ),
        (search[3].clone(), Some(("3lk2a2b3c4d3k", 215))),
        (lee_repost, Some(("3lk2a2b3c4d3m", 180))),
        (
            Skeet {
                reply_to: Some(("3lk2a2b3c4d2j", SAM)),
                ..skeet("3lk2a2b3c4d2n", SAM, 175, "update: the couch won")
            },
            None,
        ),
    ];
    (search, feed)
}

/// The AppView: `app.bsky.feed.searchPosts` (offset cursors, newest first)
/// and `app.bsky.feed.getAuthorFeed` (time cursors, reposts with `reason`).
pub fn bluesky() -> impl Fn(&Request) -> Option<Reply> + Send + Sync {
    let (search, feed) = bluesky_posts();
    move |req: &Request| {
        let limit = req
            .param("limit")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(25)
            .clamp(1, 100);
        match req.path.as_str() {
            "/xrpc/app.bsky.feed.searchPosts" => {
                if req.param("q") != Some("clinical trial") {
                    return Some(Reply::json(&json!({"posts": [], "hitsTotal": 0})));
                }
                let mut hits: Vec<&Skeet> = search.iter().collect();
                if req.param("sort") == Some("latest") {
                    hits.sort_by_key(|s| std::cmp::Reverse(s.minute));
                }
                let offset: usize = req
                    .param("cursor")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                let page: Vec<Value> = hits
                    .iter()
                    .skip(offset)
                    .take(limit)
                    .map(|s| s.view())
                    .collect();
                let mut out = json!({"hitsTotal": hits.len(), "posts": page});
                if offset + limit < hits.len() {
                    out["cursor"] = json!((offset + limit).to_string());
                }
                Some(Reply::json(&out))
            }
            "/xrpc/app.bsky.feed.getAuthorFeed" => {
                if req.param("actor") != Some(SAM.1) {
                    return Some(Reply {
                        status: 400,
                        ..Reply::json(
                            &json!({"error": "InvalidRequest", "message": "Profile not found"}),
                        )
                    });
                }
                // Entries sort by when they entered the feed: a post's
                // creation, a repost's own time.
                let mut entries: Vec<(i64, Value)> = feed
                    .iter()
                    .map(|(s, reason)| {
                        let mut e = json!({"post": s.view()});
                        let at = match reason {
                            Some((_, at)) => {
                                e["reason"] = json!({"$type": "app.bsky.feed.defs#reasonRepost",
                                    "by": {"did": SAM.0, "handle": SAM.1, "displayName": "", "labels": []},
                                    "indexedAt": iso_minute(*at)});
                                *at
                            }
                            None => s.minute,
                        };
                        if let Some((rkey, by)) = s.reply_to {
                            let parent = feed
                                .iter()
                                .map(|(p, _)| p)
                                .chain(search.iter())
                                .find(|p| p.rkey == rkey && p.by == by)
                                .map(|p| {
                                    let mut v = p.view();
                                    v["$type"] = json!("app.bsky.feed.defs#postView");
                                    v
                                });
                            if let Some(p) = parent {
                                e["reply"] = json!({"root": p, "parent": p});
                            }
                        }
                        (at, e)
                    })
                    .collect();
                entries.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
                let before = req.param("cursor").map(str::to_string);
                let page: Vec<(i64, Value)> = entries
                    .into_iter()
                    .filter(|(at, _)| before.as_ref().is_none_or(|c| iso_minute(*at) < *c))
                    .take(limit)
                    .collect();
                let mut out =
                    json!({"feed": page.iter().map(|(_, e)| e.clone()).collect::<Vec<_>>()});
                if let Some((at, _)) = page.last() {
                    out["cursor"] = json!(iso_minute(*at));
                }
                Some(Reply::json(&out))
            }
            _ => None,
        }
    }
}

// --------------------------------------------------------------- Reddit

/// A Reddit thing in our fixture.
#[derive(Debug, Clone)]
pub struct RedditComment {
    /// Base-36 id.
    pub id: &'static str,
    /// Parent fullname.
    pub parent: &'static str,
    /// Author (`[deleted]` when deleted).
    pub author: &'static str,
    /// Markdown body (`[deleted]` when deleted).
    pub body: &'static str,
}

/// Link posts in r/ClinicalTrials, newest last.
pub const LINKS: [(&str, &str, &str, &str); 5] = [
    (
        "1c0a001",
        "kit_spoons",
        "Paid or unpaid trials - what did you get?",
        "Mine paid $50 a visit plus mileage. Curious what others got, not trying to start drama",
    ),
    (
        "1c0a002",
        "nightowl_rn",
        "Research nurse here, AMA about consent forms",
        "Happy to answer general questions about what consent forms mean. Not medical advice!!",
    ),
    (
        "1c0a003",
        "walks_with_sticks",
        "Got randomised to placebo (I think)",
        "No side effects at all after 6 weeks while my friend in the same study has terrible nausea. pretty sure I'm on placebo",
    ),
    (
        "1c0a004",
        "spoonie_sam",
        "Coordinator stopped answering my emails",
        "Third week with no reply about my reimbursement forms. Who else do I contact? The sponsor?",
    ),
    (
        "1c0a005",
        "mara_ms",
        "Long drive to the study site - worth it?",
        "Four hours round trip every two weeks. Starting to wonder if I can keep it up through winter",
    ),
];

/// The comments of thread `1c0a004`.
pub fn reddit_comments() -> Vec<RedditComment> {
    let c = |id, parent, author, body| RedditComment {
        id,
        parent,
        author,
        body,
    };
    vec![
        c(
            "kt0001",
            "t3_1c0a004",
            "nightowl_rn",
            "Call the site main line and ask for the PI's office. Coordinators get swamped",
        ),
        c(
            "kt0002",
            "t1_kt0001",
            "spoonie_sam",
            "didn't know I could do that, thank you",
        ),
        c("kt0003", "t3_1c0a004", "[deleted]", "[deleted]"),
        c(
            "kt0004",
            "t1_kt0003",
            "mara_ms",
            "same happened to me, it took a **letter** to the sponsor to get paid",
        ),
        c(
            "kt0005",
            "t1_kt0002",
            "nightowl_rn",
            "also the IRB contact on your consent form is there exactly for this",
        ),
        c(
            "kt0006",
            "t3_1c0a004",
            "kit_spoons",
            "Check if the sponsor uses a payment app, mine did and the coordinator never mentioned it",
        ),
        c(
            "kt0007",
            "t1_kt0006",
            "spoonie_sam",
            "oh there IS an app. logged in and my forms were stuck as pending",
        ),
        c(
            "kt0008",
            "t1_kt0005",
            "walks_with_sticks",
            "the ethics board contact fixed it for me in two days",
        ),
        c(
            "kt0009",
            "t3_1c0a004",
            "mara_ms",
            "Keep copies of every receipt, photos on your phone are enough",
        ),
    ]
}

fn md_html(body: &str, raw: bool) -> String {
    let html = format!(
        "<div class=\"md\"><p>{}</p>\n</div>",
        body.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace("**letter**", "<strong>letter</strong>")
    );
    if raw {
        html
    } else {
        html.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
}

fn id36(id: &str) -> u64 {
    u64::from_str_radix(id, 36).expect("base 36")
}

fn link_json(i: usize, raw: bool) -> Value {
    let (id, author, title, text) = LINKS[i];
    json!({"kind": "t3", "data": {
        "approved_at_utc": null, "subreddit": "ClinicalTrials", "selftext": text,
        "author_fullname": format!("t2_{}", id36(id) % 99991), "saved": false, "gilded": 0, "clicked": false,
        "title": title, "subreddit_name_prefixed": "r/ClinicalTrials", "hidden": false, "pwls": 6,
        "link_flair_css_class": null, "downs": 0, "hide_score": false, "name": format!("t3_{id}"),
        "quarantine": false, "link_flair_text_color": "dark", "upvote_ratio": 0.96,
        "subreddit_type": "public", "ups": 14, "total_awards_received": 0, "is_self": true,
        "link_flair_text": if i == 3 { json!("Question") } else { Value::Null },
        "selftext_html": md_html(text, raw),
        "score": 14, "edited": false, "archived": false, "over_18": false, "spoiler": false, "locked": false,
        "author": author, "num_comments": 9, "permalink": format!("/r/ClinicalTrials/comments/{id}/x/"),
        "url": format!("https://www.reddit.com/r/ClinicalTrials/comments/{id}/x/"),
        "created_utc": 1_740_990_000.0 + i as f64 * 5_400.0, "id": id, "stickied": false, "num_crossposts": 0
    }})
}

fn comment_json(c: &RedditComment, raw: bool, replies: Value, depth: usize) -> Value {
    let deleted = c.body == "[deleted]";
    json!({"kind": "t1", "data": {
        "subreddit_id": "t5_2r8m1", "approved_at_utc": null, "author_is_blocked": false, "comment_type": null,
        "awarders": [], "mod_reason_by": null, "banned_by": null, "author_flair_type": "text",
        "total_awards_received": 0, "subreddit": "ClinicalTrials", "likes": null, "replies": replies,
        "user_reports": [], "saved": false, "id": c.id, "banned_at_utc": null, "gilded": 0, "archived": false,
        "no_follow": true, "author": c.author, "can_mod_post": false,
        "created_utc": 1_741_010_000.0 + id36(c.id) as f64 * 60.0,
        "send_replies": true, "parent_id": c.parent, "score": 4,
        "author_fullname": if deleted { Value::Null } else { json!(format!("t2_{}", id36(c.id) % 7919)) },
        "body": c.body, "edited": false, "name": format!("t1_{}", c.id),
        "is_submitter": c.author == "spoonie_sam", "downs": 0,
        "body_html": md_html(c.body, raw), "stickied": false, "score_hidden": false,
        "permalink": format!("/r/ClinicalTrials/comments/1c0a004/x/{}/", c.id),
        "subreddit_type": "public", "locked": false, "link_id": "t3_1c0a004",
        "subreddit_name_prefixed": "r/ClinicalTrials", "controversiality": 0, "depth": depth, "ups": 4
    }})
}

/// Comments Reddit shows on the thread page before "load more".
const SHOWN_TOP_LEVEL: usize = 2;
/// Depth at which Reddit stops nesting and says "continue this thread".
const MAX_DEPTH: usize = 2;

fn reddit_tree(
    comments: &[RedditComment],
    parent: &str,
    depth: usize,
    raw: bool,
    limit_top: Option<usize>,
) -> Value {
    let children: Vec<&RedditComment> = comments.iter().filter(|c| c.parent == parent).collect();
    let shown = limit_top.unwrap_or(children.len()).min(children.len());
    let mut things: Vec<Value> = Vec::new();
    for c in &children[..shown] {
        let name = format!("t1_{}", c.id);
        let has_replies = comments.iter().any(|r| r.parent == name);
        let replies = if !has_replies {
            json!("")
        } else if depth + 1 > MAX_DEPTH {
            json!({"kind": "Listing", "data": {"after": null, "dist": null, "modhash": "", "geo_filter": "", "before": null,
                "children": [{"kind": "more", "data": {"count": 0, "name": "t1__", "id": "_", "parent_id": name, "depth": depth + 1, "children": []}}]}})
        } else {
            reddit_tree(comments, &name, depth + 1, raw, None)
        };
        things.push(comment_json(c, raw, replies, depth));
    }
    if shown < children.len() {
        // The rest, and everything under them, behind one stub.
        let hidden: Vec<&RedditComment> = children[shown..].to_vec();
        let mut ids: Vec<&str> = hidden.iter().map(|c| c.id).collect();
        for h in &hidden {
            let name = format!("t1_{}", h.id);
            ids.extend(comments.iter().filter(|c| c.parent == name).map(|c| c.id));
        }
        things.push(json!({"kind": "more", "data": {"count": ids.len(), "name": format!("t1_{}", ids[0]), "id": ids[0],
            "parent_id": parent, "depth": depth, "children": ids}}));
    }
    json!({"kind": "Listing", "data": {"after": null, "dist": null, "modhash": "", "geo_filter": "", "before": null, "children": things}})
}

fn link_listing(i: usize, raw: bool) -> Value {
    json!({"kind": "Listing", "data": {"after": null, "dist": 1, "modhash": "", "geo_filter": "", "before": null,
        "children": [link_json(i, raw)]}})
}

/// Reddit: `/r/ClinicalTrials/new.json` (with `after`), the thread
/// `/comments/1c0a004.json` with a "load more" stub and a "continue this
/// thread" stub, `/api/morechildren.json`, and the permalink of one
/// comment's subtree.
pub fn reddit() -> impl Fn(&Request) -> Option<Reply> + Send + Sync {
    let comments = reddit_comments();
    move |req: &Request| {
        let raw = req.param("raw_json") == Some("1");
        let path = req.path.as_str();
        if path == "/r/ClinicalTrials/new.json" {
            let limit = req
                .param("limit")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(25)
                .clamp(1, 100);
            let mut order: Vec<usize> = (0..LINKS.len()).rev().collect();
            if let Some(after) = req.param("after") {
                let pos = order
                    .iter()
                    .position(|i| format!("t3_{}", LINKS[*i].0) == after)?;
                order.drain(..=pos);
            }
            let page: Vec<usize> = order.iter().copied().take(limit).collect();
            let after = (order.len() > limit)
                .then(|| page.last().map(|i| format!("t3_{}", LINKS[*i].0)))
                .flatten();
            return Some(Reply::json(&json!({"kind": "Listing", "data": {
                "after": after, "dist": page.len(), "modhash": "", "geo_filter": "", "before": null,
                "children": page.iter().map(|i| link_json(*i, raw)).collect::<Vec<_>>()}})));
        }
        if path == "/comments/1c0a004.json" {
            return Some(Reply::json(&json!([
                link_listing(3, raw),
                reddit_tree(&comments, "t3_1c0a004", 0, raw, Some(SHOWN_TOP_LEVEL))
            ])));
        }
        if path == "/api/morechildren.json" {
            if req.param("link_id") != Some("t3_1c0a004") || req.param("api_type") != Some("json") {
                return Some(Reply::json(
                    &json!({"json": {"errors": [["INVALID_OPTION", "that link does not exist", "link_id"]]}}),
                ));
            }
            let wanted: Vec<&str> = req
                .param("children")
                .unwrap_or_default()
                .split(',')
                .collect();
            let things: Vec<Value> = comments
                .iter()
                .filter(|c| wanted.contains(&c.id))
                .map(|c| comment_json(c, raw, json!(""), 0))
                .collect();
            return Some(Reply::json(
                &json!({"json": {"errors": [], "data": {"things": things}}}),
            ));
        }
        // `/comments/1c0a004/_/kt0005.json`: that comment and its subtree.
        let rest = path.strip_prefix("/comments/1c0a004/")?;
        let (_, comment) = rest.split_once('/')?;
        let id = comment.strip_suffix(".json")?;
        let c = comments.iter().find(|c| c.id == id)?;
        let sub = reddit_tree(&comments, &format!("t1_{id}"), 1, raw, None);
        Some(Reply::json(&json!([
            link_listing(3, raw),
            {"kind": "Listing", "data": {"after": null, "dist": null, "modhash": "", "geo_filter": "", "before": null,
             "children": [comment_json(c, raw, sub, 0)]}}
        ])))
    }
}
