//! The HTML report: one self-contained file a recruitment lead can open,
//! read top to bottom, and check.
//!
//! Order of reading: what this is and how much data is behind it; the
//! personas at a glance (cards, share chart, theme heatmap); one section
//! per persona; then how the personas were made. Claims are list items
//! whose evidence folds out (`<details>`), so the page reads as a profile
//! first and an audit trail second.

use std::fmt::Write as _;

use super::{charts, color, escape, linkable, n_of, pct, pieces, short, signed, times};
use crate::{
    CueClaim, Evidence, Persona, PersonaReport, Quote, StageClaim, ThemeClaim, WeakClaims,
};

/// Supporting ids shown inline before "and N more".
const MAX_IDS: usize = 12;

const CSS: &str = r#"
:root{--ink:#1f2933;--muted:#5f6b7a;--line:#e3e7ec;--bg:#f6f7f9;--card:#fff;--neg:#c0392b;--pos:#2e8b57}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.wrap{max-width:1120px;margin:0 auto;padding:28px 24px 60px}
header.top h1{font-size:30px;margin:0 0 6px;letter-spacing:-.01em}
.lede{color:var(--muted);margin:0 0 14px;font-size:15px}
.facts{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0 0;padding:0;list-style:none}
.facts li{background:var(--card);border:1px solid var(--line);border-radius:999px;padding:3px 12px;font-size:13px}
.notice{background:#fff8e1;border:1px solid #f1dea0;border-radius:8px;padding:10px 14px;margin:16px 0;font-size:14px}
nav.toc{display:flex;flex-wrap:wrap;gap:8px;margin:18px 0}
nav.toc a{text-decoration:none;color:var(--ink);background:var(--card);border:1px solid var(--line);border-left:5px solid var(--c);border-radius:6px;padding:4px 10px;font-size:14px}
h2{font-size:22px;margin:36px 0 12px}
h3{font-size:15px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:22px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-top:5px solid var(--c);border-radius:10px;padding:14px 16px}
.card .who{display:flex;gap:12px;align-items:center}
.card .who svg{width:56px;height:56px;flex:none}
.card .name{font-weight:700;font-size:18px}
.card .arch{margin:10px 0 8px;font-size:14px}
.card .share{font-size:13px;color:var(--muted)}
.ill{font-size:11px;color:var(--muted);font-weight:400;text-transform:none;letter-spacing:0}
.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:14px 0}
.panel h3:first-child{margin-top:0}
section.persona{background:var(--card);border:1px solid var(--line);border-radius:12px;margin:28px 0;overflow:hidden}
.phead{display:flex;gap:18px;align-items:center;padding:18px 22px;border-bottom:1px solid var(--line);background:linear-gradient(90deg,color-mix(in srgb,var(--c) 10%,#fff),#fff)}
.phead svg{width:88px;height:88px;flex:none}
.phead h2{margin:0;font-size:26px}
.phead .arch{font-size:17px;margin:4px 0 8px}
.pills{display:flex;flex-wrap:wrap;gap:6px}
.pill{font-size:12.5px;background:#fff;border:1px solid var(--line);border-radius:999px;padding:2px 10px}
.pbody{display:grid;grid-template-columns:1fr 1fr;gap:6px 32px;padding:4px 22px 18px}
@media (max-width:860px){.pbody{grid-template-columns:1fr}}
.full{grid-column:1/-1}
ul.claims{list-style:none;margin:0;padding:0}
ul.claims>li{border-bottom:1px solid var(--line);padding:6px 0}
ul.claims>li:last-child{border-bottom:0}
details>summary{cursor:pointer;list-style:none}
details>summary::-webkit-details-marker{display:none}
details>summary::before{content:"▸";display:inline-block;width:1em;color:var(--muted);transition:transform .15s}
details[open]>summary::before{transform:rotate(90deg)}
.cl{font-weight:600}
.meta{color:var(--muted);font-size:13px}
.weak .cl{color:var(--muted);font-weight:500}
.badge{display:inline-block;font-size:11px;border-radius:4px;padding:0 6px;margin-left:6px;vertical-align:1px}
.badge.weak{background:#f1f3f5;color:#6b7280;border:1px dashed #c4cad1}
.badge.b{background:#fdecea;color:var(--neg)}
.badge.m{background:#e8f5ee;color:var(--pos)}
.ev{margin:8px 0 6px 1em;padding-left:12px;border-left:3px solid var(--line)}
blockquote{margin:8px 0;padding:8px 12px;background:#fafbfc;border-radius:6px;font-size:14.5px}
blockquote p{margin:0 0 4px}
blockquote p::before{content:"“"}blockquote p::after{content:"”"}
blockquote footer{font-size:12px;color:var(--muted)}
mark{background:color-mix(in srgb,var(--c) 22%,#fff);padding:0 2px;border-radius:2px}
.ids{font-size:12px;color:var(--muted);margin:6px 0 0;word-break:break-all}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f3f5;border-radius:3px;padding:0 4px}
.quotes{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.quotes blockquote{border-left:4px solid var(--c);margin:0;font-size:15px}
ol.tactics{margin:0;padding-left:20px}ol.tactics li{margin:4px 0}
.empty{color:var(--muted);font-style:italic;font-size:14px}
table{border-collapse:collapse;font-size:14px;margin:6px 0 10px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:13px}
footer.end{color:var(--muted);font-size:13px;margin-top:40px;border-top:1px solid var(--line);padding-top:12px}
a{color:#0b63a8}
@media print{details{display:block}details>summary::before{content:""}body{background:#fff}}
"#;

/// The avatar, regenerated rather than trusted from the report.
fn avatar(i: usize, p: &Persona) -> String {
    crate::avatar::svg(i, &p.name, color(p))
}

fn pill(s: &mut String, text: &str) {
    let _ = write!(s, r#"<span class="pill">{}</span>"#, escape(text));
}

fn quote_html(s: &mut String, q: &Quote) {
    s.push_str("<blockquote><p>");
    if q.truncated {
        s.push('…');
    }
    for (text, marked) in pieces(q) {
        if marked {
            let _ = write!(s, "<mark>{}</mark>", escape(text));
        } else {
            s.push_str(&escape(text));
        }
    }
    if q.truncated {
        s.push('…');
    }
    s.push_str("</p><footer>— ");
    if linkable(&q.url) {
        let _ = write!(
            s,
            r#"<a href="{}" rel="noopener noreferrer">{}</a>"#,
            escape(q.url.trim()),
            escape(&q.source)
        );
    } else {
        s.push_str(&escape(&q.source));
    }
    if let Some(d) = &q.published {
        let _ = write!(s, " · {}", escape(d));
    }
    if let Some(a) = &q.author {
        let _ = write!(s, " · author <code>{}</code>", escape(&short(a)));
    }
    let _ = write!(
        s,
        " · <code>{}</code></footer></blockquote>",
        escape(&q.doc_id)
    );
}

fn evidence_html(s: &mut String, ev: &Evidence) {
    s.push_str(r#"<div class="ev">"#);
    for q in &ev.quotes {
        quote_html(s, q);
    }
    let _ = write!(
        s,
        r#"<p class="ids">Supporting documents ({}): "#,
        ev.doc_ids.len()
    );
    for (i, id) in ev.doc_ids.iter().take(MAX_IDS).enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(s, "<code>{}</code>", escape(id));
    }
    if ev.doc_ids.len() > MAX_IDS {
        let _ = write!(
            s,
            " and {} more (all listed in the JSON report)",
            ev.doc_ids.len() - MAX_IDS
        );
    }
    s.push_str("</p></div>");
}

fn support(ev: &Evidence) -> String {
    format!(
        "{} · {}",
        n_of(ev.documents, "document", "documents"),
        n_of(ev.authors, "author", "authors")
    )
}

/// One claim: a folding summary line and its evidence.
fn claim(s: &mut String, label: &str, meta: &str, badge: &str, ev: &Evidence) {
    let _ = write!(
        s,
        r#"<li class="{cls}"><details><summary><span class="cl">{l}</span>{badge} <span class="meta">{m} · {sup}</span>{w}</summary>"#,
        cls = if ev.weak { "claim weak" } else { "claim" },
        l = escape(label),
        m = escape(meta),
        sup = escape(&support(ev)),
        w = if ev.weak {
            r#"<span class="badge weak" title="below the evidence rule">weak evidence</span>"#
        } else {
            ""
        },
    );
    evidence_html(s, ev);
    s.push_str("</details></li>");
}

fn theme_claims(s: &mut String, title: &str, claims: &[ThemeClaim], empty: &str, lift_first: bool) {
    let _ = write!(s, "<h3>{}</h3>", escape(title));
    if claims.is_empty() {
        let _ = write!(s, r#"<p class="empty">{}</p>"#, escape(empty));
        return;
    }
    s.push_str(r#"<ul class="claims">"#);
    for c in claims {
        let mut meta = if lift_first {
            format!(
                "{} the population rate · {} of their documents",
                times(c.lift),
                pct(c.share)
            )
        } else {
            format!(
                "{} of their documents · {} the population rate",
                pct(c.share),
                times(c.lift)
            )
        };
        if let Some(v) = c.sentiment {
            meta.push_str(&format!(" · sentiment {}", signed(v)));
        }
        let badge = match c.polarity {
            crate::Polarity::Barrier => r#"<span class="badge b">barrier</span>"#,
            crate::Polarity::Motivator => r#"<span class="badge m">motivator</span>"#,
            crate::Polarity::Mixed => "",
        };
        claim(
            s,
            &c.label,
            &meta,
            if lift_first { badge } else { "" },
            &c.evidence,
        );
    }
    s.push_str("</ul>");
}

fn cue_claims(s: &mut String, title: &str, claims: &[CueClaim], empty: &str) {
    let _ = write!(s, "<h3>{}</h3>", escape(title));
    if claims.is_empty() {
        let _ = write!(s, r#"<p class="empty">{}</p>"#, escape(empty));
        return;
    }
    s.push_str(r#"<ul class="claims">"#);
    for c in claims {
        let kind = match c.kind.as_str() {
            "life_stage" => "life stage",
            "age_band" => "age band",
            k => k,
        };
        let label = format!("{} ({kind})", c.label);
        let meta = format!(
            "stated in {} of their documents · {}",
            pct(c.share),
            times(c.lift)
        );
        claim(s, &label, &meta, "", &c.evidence);
    }
    s.push_str("</ul>");
}

fn struggle_claims(s: &mut String, claims: &[StageClaim]) {
    if claims.is_empty() {
        s.push_str(r#"<p class="empty">No stage where negative posts concentrate.</p>"#);
        return;
    }
    s.push_str(r#"<ul class="claims">"#);
    for c in claims {
        let label = format!("Struggles at {}", c.stage);
        let meta = format!(
            "{} of {} at this stage are negative",
            pct(c.negative_share),
            n_of(c.documents, "document", "documents")
        );
        claim(s, &label, &meta, "", &c.evidence);
    }
    s.push_str("</ul>");
}

fn persona_html(s: &mut String, i: usize, p: &Persona) {
    let _ = write!(
        s,
        r#"<section class="persona" id="{id}" style="--c:{c}"><div class="phead">{avatar}<div><h2>{name} <span class="ill">illustrative name · {id}</span></h2><p class="arch">{arch}</p><div class="pills">"#,
        id = escape(&p.id),
        c = color(p),
        avatar = avatar(i, p),
        name = escape(&p.name),
        arch = escape(&p.archetype),
    );
    pill(
        s,
        &format!("{} of authors ({})", pct(p.author_share), p.authors),
    );
    pill(
        s,
        &format!("{} of documents ({})", pct(p.document_share), p.documents),
    );
    if let Some(m) = p.sentiment.mean_compound {
        pill(s, &format!("mean sentiment {}", signed(m)));
    }
    pill(
        s,
        &format!(
            "{} negative · {} neutral · {} positive",
            p.sentiment.negative, p.sentiment.neutral, p.sentiment.positive
        ),
    );
    s.push_str("</div></div></div>");

    s.push_str(r#"<div class="pbody"><div>"#);
    cue_claims(
        s,
        "Who they are",
        &p.who,
        "No role or life stage stated often enough.",
    );
    theme_claims(
        s,
        "Barriers",
        &p.barriers,
        "No barrier raised in enough of their posts.",
        false,
    );
    theme_claims(
        s,
        "Motivators",
        &p.motivators,
        "No motivator raised in enough of their posts.",
        false,
    );
    s.push_str("<h3>Engagement tactics</h3>");
    if p.tactics.is_empty() {
        s.push_str(r#"<p class="empty">No codebook tactics for these barriers.</p>"#);
    } else {
        s.push_str(r#"<ol class="tactics">"#);
        for t in &p.tactics {
            let names: Vec<String> = t
                .for_barriers
                .iter()
                .map(|id| {
                    p.barriers
                        .iter()
                        .find(|b| &b.theme == id)
                        .map(|b| b.label.clone())
                        .unwrap_or_else(|| id.clone())
                })
                .collect();
            let _ = write!(
                s,
                r#"<li>{} <span class="meta">— for {}</span>{}</li>"#,
                escape(&t.tactic),
                escape(&names.join(", ")),
                if t.weak {
                    r#"<span class="badge weak">weak evidence</span>"#
                } else {
                    ""
                }
            );
        }
        s.push_str("</ol>");
    }
    cue_claims(
        s,
        "Preferred channels",
        &p.channels,
        "No channel preference stated.",
    );
    cue_claims(
        s,
        "Accessibility needs",
        &p.accessibility,
        "No accessibility need stated.",
    );
    s.push_str("</div><div>");
    theme_claims(
        s,
        "What sets them apart",
        &p.distinguishing_themes,
        "No theme is over-represented enough to distinguish this persona.",
        true,
    );
    if !p.distinguishing_themes.is_empty() {
        s.push_str(&charts::lift(p));
    }
    s.push_str("<h3>Journey</h3>");
    if p.stages.iter().any(|st| st.documents > 0) {
        s.push_str(&charts::journey(p));
    }
    struggle_claims(s, &p.struggles);
    s.push_str("</div>");
    s.push_str(r#"<div class="full"><h3>Sentiment by theme</h3>"#);
    if p.theme_sentiment.is_empty() {
        s.push_str(r#"<p class="empty">No scored theme sentiment.</p>"#);
    } else {
        s.push_str(&charts::sentiment(p));
    }
    s.push_str("</div>");

    s.push_str(r#"<div class="full"><h3>In their words</h3>"#);
    if p.quotes.is_empty() {
        s.push_str(r#"<p class="empty">No quotable sentence.</p>"#);
    } else {
        s.push_str(r#"<div class="quotes">"#);
        for q in &p.quotes {
            quote_html(s, q);
        }
        s.push_str("</div>");
    }
    s.push_str("</div></div></section>");
}

fn method_html(s: &mut String, r: &PersonaReport) {
    let m = &r.method;
    s.push_str(r#"<h2 id="method">How these personas were made</h2><div class="panel">"#);
    let _ = write!(
        s,
        "<p><b>Data.</b> {docs} from {authors}{standalone}, selected by <i>{gen}</i>{dates}.</p>",
        docs = escape(&n_of(m.documents, "document", "documents")),
        authors = escape(&n_of(m.authors, "author", "authors")),
        standalone = if m.standalone_documents > 0 {
            format!(" plus {} without an author", m.standalone_documents)
        } else {
            String::new()
        },
        gen = escape(&m.generated_from),
        dates = m
            .date_range
            .as_ref()
            .map(|d| format!(", published {} to {}", escape(&d.first), escape(&d.last)))
            .unwrap_or_default(),
    );
    s.push_str("<table><tr><th>Source</th><th>Documents</th></tr>");
    for src in &m.sources {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(&src.source),
            src.documents
        );
    }
    s.push_str("</table>");
    if !m.configured_sources.is_empty() {
        let _ = write!(
            s,
            r#"<p class="meta">Configured sources: {}</p>"#,
            escape(&m.configured_sources.join(", "))
        );
    }
    let _ = write!(
        s,
        "<p><b>Unit.</b> {}.</p><p><b>Algorithm.</b> {}.</p><p><b>Why.</b> {}</p>",
        escape(&m.unit),
        escape(&m.algorithm),
        escape(&m.rationale)
    );
    s.push_str("<p><b>Features.</b></p><table><tr><th>Block</th><th>What a column holds</th><th>Columns</th><th>Weight</th></tr>");
    for f in &m.features {
        let _ = write!(
            s,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.name),
            escape(&f.description),
            f.columns,
            f.weight
        );
    }
    s.push_str("</table>");
    let _ = write!(
        s,
        "<p><b>Number of personas.</b> k = {} (rule: {}). {}</p>",
        m.k,
        escape(&m.k_selection.rule),
        escape(&m.k_selection.detail)
    );
    if !m.k_selection.candidates.is_empty() {
        s.push_str(&charts::k_choice(m));
        s.push_str(r#"<p class="meta">Mean silhouette per k (higher: personas better separated). Dark: chosen · light: eligible · grey: some persona would have fewer than min_authors units.</p>"#);
    }
    let rule = &m.evidence_rule;
    let _ = write!(
        s,
        "<p><b>Evidence rule.</b> A claim needs at least {} supporting documents from at least {} distinct authors; claims below that are {}. A theme distinguishes a persona when at least {} of its documents carry it and that is at least {} the population rate. Every quote is a verbatim span of the de-identified document and was checked against it ({} quotes verified).</p>",
        rule.min_docs,
        rule.min_authors,
        match rule.weak_claims {
            WeakClaims::Mark => "shown, marked “weak evidence”",
            WeakClaims::Drop => "left out",
        },
        pct(rule.min_share),
        times(rule.min_lift),
        r.quotes_verified
    );
    if !m.notes.is_empty() {
        s.push_str("<p><b>Caveats.</b></p><ul>");
        for n in &m.notes {
            let _ = write!(s, "<li>{}</li>", escape(n));
        }
        s.push_str("</ul>");
    }
    s.push_str("</div>");
}

pub(super) fn render(r: &PersonaReport) -> String {
    let m = &r.method;
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="generator" content="hearken-persona"><title>{title}</title><style>{CSS}</style></head><body><div class="wrap">
<header class="top"><h1>{title}</h1><p class="lede">{k} patient personas built from what {authors} wrote in public, with the de-identified quotes behind every claim.</p><ul class="facts">"#,
        title = escape(&r.title),
        k = if r.personas.len() == 1 {
            "One persona".to_string()
        } else {
            format!("{}", r.personas.len())
        },
        authors = escape(&n_of(m.authors, "author", "authors")),
    );
    let mut fact = |t: String| {
        let _ = write!(s, "<li>{}</li>", escape(&t));
    };
    fact(format!("{} documents", m.documents));
    fact(format!("{} authors", m.authors));
    if m.standalone_documents > 0 {
        fact(format!("{} without an author", m.standalone_documents));
    }
    if let Some(d) = &m.date_range {
        fact(format!("{} to {}", d.first, d.last));
    }
    fact(format!(
        "sources: {}",
        m.sources
            .iter()
            .map(|x| x.source.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    fact(format!("selection: {}", m.generated_from));
    s.push_str("</ul></header>");
    s.push_str(r##"<p class="notice"><b>Personas are composites, not people.</b> Names and avatars are illustrative. Every statement folds out (▸) to the de-identified posts behind it, with links to the sources; claims with thin support are marked “weak evidence”. <a href="#method">How these personas were made ↓</a></p>"##);

    s.push_str(r#"<nav class="toc">"#);
    for p in &r.personas {
        let _ = write!(
            s,
            r##"<a href="#{id}" style="--c:{c}">{name}</a>"##,
            id = escape(&p.id),
            c = color(p),
            name = escape(&p.name)
        );
    }
    s.push_str(r##"<a href="#method" style="--c:#999">Method</a></nav>"##);

    s.push_str(r#"<h2>At a glance</h2><div class="cards">"#);
    for (i, p) in r.personas.iter().enumerate() {
        let _ = write!(
            s,
            r##"<div class="card" style="--c:{c}"><div class="who">{avatar}<div><div class="name"><a href="#{id}" style="color:inherit;text-decoration:none">{name}</a></div><div class="ill">illustrative</div></div></div><p class="arch">{arch}</p><div class="share">{ap} of authors · {dp} of documents</div></div>"##,
            c = color(p),
            avatar = avatar(i, p),
            id = escape(&p.id),
            name = escape(&p.name),
            arch = escape(&p.archetype),
            ap = pct(p.author_share),
            dp = pct(p.document_share),
        );
    }
    s.push_str("</div>");
    let _ = write!(
        s,
        r#"<div class="panel"><h3>Persona share</h3>{}</div><div class="panel"><h3>Theme lift: what each persona talks about more (or less) than everyone else</h3>{}<p class="meta">Each cell is the share of the persona's documents carrying the theme divided by the share of all documents (“all”). Outlined cells are the persona's distinguishing themes.</p></div>"#,
        charts::shares(r),
        charts::heatmap(r)
    );

    for (i, p) in r.personas.iter().enumerate() {
        persona_html(&mut s, i, p);
    }
    method_html(&mut s, r);
    let _ = writeln!(
        s,
        r#"<footer class="end">Generated by Hearken from de-identified text. Schema version {}. The same input always produces this same file.</footer></div></body></html>"#,
        r.schema_version
    );
    s
}
