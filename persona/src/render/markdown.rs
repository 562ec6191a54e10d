//! The Markdown report: the same content as the HTML, for pasting into a
//! wiki or a pull request. Evidence follows each claim as block quotes and
//! a list of document ids, since Markdown has no folding that every viewer
//! honours.

use std::fmt::Write as _;

use super::{linkable, n_of, pct, pieces, short, signed, times};
use crate::{CueClaim, Evidence, PersonaReport, Quote, ThemeClaim, WeakClaims};

/// Escape text for Markdown: HTML-significant characters become entities
/// (so nothing renders as markup) and Markdown punctuation is
/// backslash-escaped; line breaks become spaces so a quote stays one
/// block-quote line.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL safe inside `(...)` of a Markdown link.
fn md_url(u: &str) -> String {
    let mut out = String::new();
    for c in u.trim().chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn quote(s: &mut String, q: &Quote, indent: &str) {
    let _ = write!(s, "{indent}> ");
    if q.truncated {
        s.push('…');
    }
    for (text, marked) in pieces(q) {
        if marked {
            let _ = write!(s, "**{}**", md(text));
        } else {
            s.push_str(&md(text));
        }
    }
    if q.truncated {
        s.push('…');
    }
    let _ = write!(s, "\n{indent}> — ");
    if linkable(&q.url) {
        let _ = write!(s, "[{}]({})", md(&q.source), md_url(&q.url));
    } else {
        s.push_str(&md(&q.source));
    }
    if let Some(d) = &q.published {
        let _ = write!(s, ", {}", md(d));
    }
    if let Some(a) = &q.author {
        let _ = write!(s, ", author `{}`", short(a).replace('`', ""));
    }
    let _ = writeln!(s, ", `{}`\n", q.doc_id.replace('`', ""));
}

fn evidence(s: &mut String, ev: &Evidence) {
    for q in &ev.quotes {
        quote(s, q, "  ");
    }
    let ids: Vec<String> = ev
        .doc_ids
        .iter()
        .map(|id| format!("`{}`", id.replace('`', "")))
        .collect();
    let _ = writeln!(s, "  Supporting documents: {}\n", ids.join(", "));
}

fn weak(ev: &Evidence) -> &'static str {
    if ev.weak { " *(weak evidence)*" } else { "" }
}

fn themes(s: &mut String, title: &str, claims: &[ThemeClaim], lift_first: bool) {
    let _ = writeln!(s, "### {title}\n");
    if claims.is_empty() {
        s.push_str("_None with enough support._\n\n");
        return;
    }
    for c in claims {
        let figures = if lift_first {
            format!(
                "{} the population rate, {} of their documents",
                times(c.lift),
                pct(c.share)
            )
        } else {
            format!(
                "{} of their documents, {} the population rate",
                pct(c.share),
                times(c.lift)
            )
        };
        let _ = writeln!(
            s,
            "- **{}** ({}) — {}{}; {} from {}{}\n",
            md(&c.label),
            c.polarity.as_str(),
            figures,
            c.sentiment
                .map(|v| format!(", sentiment {}", signed(v)))
                .unwrap_or_default(),
            n_of(c.evidence.documents, "document", "documents"),
            n_of(c.evidence.authors, "author", "authors"),
            weak(&c.evidence)
        );
        evidence(s, &c.evidence);
    }
}

fn cues(s: &mut String, title: &str, claims: &[CueClaim]) {
    let _ = writeln!(s, "### {title}\n");
    if claims.is_empty() {
        s.push_str("_None stated often enough._\n\n");
        return;
    }
    for c in claims {
        let _ = writeln!(
            s,
            "- **{}** ({}) — stated in {} of their documents, {}; {} from {}{}\n",
            md(&c.label),
            md(&c.kind),
            pct(c.share),
            times(c.lift),
            n_of(c.evidence.documents, "document", "documents"),
            n_of(c.evidence.authors, "author", "authors"),
            weak(&c.evidence)
        );
        evidence(s, &c.evidence);
    }
}

pub(super) fn render(r: &PersonaReport) -> String {
    let m = &r.method;
    let mut s = String::with_capacity(32 * 1024);
    let _ = writeln!(s, "# {}\n", md(&r.title));
    let _ = writeln!(
        s,
        "Built from {} by {}{}{}, selected by *{}*. Sources: {}.\n",
        n_of(m.documents, "document", "documents"),
        n_of(m.authors, "author", "authors"),
        if m.standalone_documents > 0 {
            format!(" (plus {} without an author)", m.standalone_documents)
        } else {
            String::new()
        },
        m.date_range
            .as_ref()
            .map(|d| format!(", published {} to {}", d.first, d.last))
            .unwrap_or_default(),
        md(&m.generated_from),
        m.sources
            .iter()
            .map(|x| format!("{} ({})", md(&x.source), x.documents))
            .collect::<Vec<_>>()
            .join(", ")
    );
    s.push_str("> Personas are composites, not people: names are illustrative. Every claim lists the de-identified documents behind it. See *How these personas were made* at the end.\n\n");

    s.push_str("## At a glance\n\n| Persona | Archetype | Authors | Documents |\n| --- | --- | --- | --- |\n");
    for p in &r.personas {
        let _ = writeln!(
            s,
            "| {} | {} | {} ({}) | {} ({}) |",
            md(&p.name),
            md(&p.archetype),
            pct(p.author_share),
            p.authors,
            pct(p.document_share),
            p.documents
        );
    }
    s.push('\n');

    for p in &r.personas {
        let _ = writeln!(s, "## {} ({}, illustrative name)\n", md(&p.name), md(&p.id));
        let _ = writeln!(s, "*{}*\n", md(&p.archetype));
        let _ = writeln!(
            s,
            "{} of authors ({}), {} of documents ({}); mean sentiment {}; {} negative, {} neutral, {} positive documents.\n",
            pct(p.author_share),
            p.authors,
            pct(p.document_share),
            p.documents,
            p.sentiment
                .mean_compound
                .map(signed)
                .unwrap_or_else(|| "not scored".into()),
            p.sentiment.negative,
            p.sentiment.neutral,
            p.sentiment.positive
        );
        cues(&mut s, "Who they are", &p.who);
        themes(
            &mut s,
            "What sets them apart",
            &p.distinguishing_themes,
            true,
        );
        themes(&mut s, "Barriers", &p.barriers, false);
        themes(&mut s, "Motivators", &p.motivators, false);

        s.push_str("### Engagement tactics\n\n");
        if p.tactics.is_empty() {
            s.push_str("_No codebook tactics for these barriers._\n\n");
        } else {
            for (i, t) in p.tactics.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "{}. {} — for {}{}",
                    i + 1,
                    md(&t.tactic),
                    md(&t.for_barriers.join(", ")),
                    if t.weak { " *(weak evidence)*" } else { "" }
                );
            }
            s.push('\n');
        }

        s.push_str("### Sentiment by theme\n\n");
        if p.theme_sentiment.is_empty() {
            s.push_str("_No scored theme sentiment._\n\n");
        } else {
            s.push_str(
                "| Theme | Documents | This persona | Everyone |\n| --- | --- | --- | --- |\n",
            );
            for t in &p.theme_sentiment {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    md(&t.label),
                    t.documents,
                    signed(t.sentiment),
                    t.population.map(signed).unwrap_or_else(|| "–".into())
                );
            }
            s.push('\n');
        }

        s.push_str("### Journey\n\n| Stage | Documents | Negative | Neutral | Positive |\n| --- | --- | --- | --- | --- |\n");
        for st in p.stages.iter().filter(|st| st.documents > 0) {
            let flag = if p.struggles.iter().any(|c| c.stage == st.stage) {
                " **(struggles)**"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "| {}{} | {} | {} | {} | {} |",
                md(&st.stage),
                flag,
                st.documents,
                st.negative,
                st.neutral,
                st.positive
            );
        }
        s.push('\n');
        for c in &p.struggles {
            let _ = writeln!(
                s,
                "- **Struggles at {}** — {} of {} at this stage are negative; {} from {}{}\n",
                md(&c.stage),
                pct(c.negative_share),
                n_of(c.documents, "document", "documents"),
                n_of(c.evidence.documents, "document", "documents"),
                n_of(c.evidence.authors, "author", "authors"),
                weak(&c.evidence)
            );
            evidence(&mut s, &c.evidence);
        }
        cues(&mut s, "Preferred channels", &p.channels);
        cues(&mut s, "Accessibility needs", &p.accessibility);

        s.push_str("### In their words\n\n");
        for q in &p.quotes {
            quote(&mut s, q, "");
        }
    }

    s.push_str("## How these personas were made\n\n");
    let _ = writeln!(s, "- **Unit:** {}.", md(&m.unit));
    let _ = writeln!(s, "- **Algorithm:** {}.", md(&m.algorithm));
    let _ = writeln!(s, "- **Why:** {}", md(&m.rationale));
    let _ = writeln!(
        s,
        "- **Features:** {}.",
        m.features
            .iter()
            .map(|f| format!(
                "`{}` ({} columns, weight {}): {}",
                f.name,
                f.columns,
                f.weight,
                md(&f.description)
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let _ = writeln!(
        s,
        "- **Number of personas:** k = {} ({}). {}",
        m.k,
        md(&m.k_selection.rule),
        md(&m.k_selection.detail)
    );
    if !m.k_selection.candidates.is_empty() {
        s.push_str("\n| k | Mean silhouette | Within-cluster SS | Smallest persona | Eligible | Chosen |\n| --- | --- | --- | --- | --- | --- |\n");
        for c in &m.k_selection.candidates {
            let _ = writeln!(
                s,
                "| {} | {} | {:.4} | {} | {} | {} |",
                c.k,
                c.silhouette
                    .map(|v| format!("{v:.4}"))
                    .unwrap_or_else(|| "–".into()),
                c.inertia,
                c.smallest,
                if c.eligible { "yes" } else { "no" },
                if c.chosen { "**yes**" } else { "" }
            );
        }
        s.push('\n');
    }
    let rule = &m.evidence_rule;
    let _ = writeln!(
        s,
        "- **Evidence rule:** at least {} documents from at least {} distinct authors per claim; weaker claims are {}. Distinguishing themes: share ≥ {} and lift ≥ {}. {} quotes, all verified verbatim against the de-identified documents.",
        rule.min_docs,
        rule.min_authors,
        match rule.weak_claims {
            WeakClaims::Mark => "marked *(weak evidence)*",
            WeakClaims::Drop => "left out",
        },
        pct(rule.min_share),
        times(rule.min_lift),
        r.quotes_verified
    );
    let _ = writeln!(s, "- **Seed:** {} · **restarts:** {}", m.seed, m.restarts);
    if !m.configured_sources.is_empty() {
        let _ = writeln!(
            s,
            "- **Configured sources:** {}",
            md(&m.configured_sources.join(", "))
        );
    }
    for n in &m.notes {
        let _ = writeln!(s, "- **Caveat:** {}", md(n));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_defuses_markup_and_tables() {
        assert_eq!(md("<b>x</b> | *y*"), "&lt;b&gt;x&lt;/b&gt; \\| \\*y\\*");
        assert_eq!(md("a\nb"), "a b");
        assert_eq!(md_url("https://x.org/a (b)"), "https://x.org/a%20%28b%29");
    }
}
