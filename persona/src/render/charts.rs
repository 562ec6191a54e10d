//! Inline SVG charts, drawn by hand.
//!
//! A charting library would want JavaScript or a runtime; these are a few
//! bars and a grid, so plain SVG strings are simpler, load instantly, print
//! well and never touch the network. Every chart has a `<title>` and text
//! labels on the marks (values are readable without hovering), and every
//! label is escaped.

use std::fmt::Write as _;

use super::{color, escape, pct, signed, times};
use crate::{Method, Persona, PersonaReport};

const FONT: &str = r#"font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif""#;
const NEG: &str = "#c0392b";
const NEU: &str = "#b8bec4";
const POS: &str = "#2e8b57";

fn open(w: u32, h: u32, title: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" style="max-width:{w}px" role="img" aria-label="{t}" {FONT} font-size="12"><title>{t}</title>"#,
        t = escape(title)
    )
}

/// Truncate a label to `n` characters with an ellipsis.
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Share of authors and documents per persona.
pub(super) fn shares(r: &PersonaReport) -> String {
    let row = 44u32;
    let (lw, bw) = (150u32, 420u32);
    let h = 30 + row * r.personas.len() as u32;
    let mut s = open(
        lw + bw + 170,
        h,
        "Share of authors and documents per persona",
    );
    let _ = write!(
        s,
        r##"<text x="{lw}" y="14" fill="#555">■ authors   </text><text x="{x2}" y="14" fill="#555" opacity="0.6">■ documents</text>"##,
        x2 = lw + 80
    );
    for (i, p) in r.personas.iter().enumerate() {
        let y = 26 + row * i as u32;
        let wa = (p.author_share * bw as f64).round().max(1.0);
        let wd = (p.document_share * bw as f64).round().max(1.0);
        let _ = write!(
            s,
            r##"<text x="0" y="{ty}" font-weight="600" fill="#222">{name}</text><rect x="{lw}" y="{y}" width="{bw}" height="16" fill="#eef0f2" rx="3"/><rect x="{lw}" y="{y}" width="{wa}" height="16" fill="{c}" rx="3"/><text x="{tx}" y="{ty}" fill="#222">{ap} of authors ({na})</text><rect x="{lw}" y="{y2}" width="{bw}" height="9" fill="#eef0f2" rx="2"/><rect x="{lw}" y="{y2}" width="{wd}" height="9" fill="{c}" opacity="0.55" rx="2"/><text x="{tx}" y="{ty2}" fill="#666" font-size="11">{dp} of documents</text>"##,
            ty = y + 12,
            name = escape(&clip(&p.name, 20)),
            c = color(p),
            tx = lw + bw + 8,
            ap = pct(p.author_share),
            na = p.authors,
            y2 = y + 19,
            ty2 = y + 27,
            dp = pct(p.document_share),
        );
    }
    s.push_str("</svg>");
    s
}

/// Theme × persona grid of lift; the population share on the left.
pub(super) fn heatmap(r: &PersonaReport) -> String {
    // Themes: every distinguishing theme, then the commonest others, ≤ 14.
    let mut themes: Vec<&str> = Vec::new();
    for p in &r.personas {
        for c in &p.distinguishing_themes {
            if !themes.contains(&c.theme.as_str()) {
                themes.push(&c.theme);
            }
        }
    }
    let mut common: Vec<_> = r
        .population
        .themes
        .iter()
        .filter(|t| t.documents > 0)
        .collect();
    common.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.theme.cmp(&b.theme)));
    for t in common {
        if themes.len() >= 14 {
            break;
        }
        if !themes.contains(&t.theme.as_str()) {
            themes.push(&t.theme);
        }
    }
    let (lw, cw, rh) = (230u32, 86u32, 26u32);
    let w = lw + 60 + cw * r.personas.len() as u32;
    let h = 40 + rh * themes.len() as u32 + 4;
    let mut s = open(w, h, "Theme lift per persona against the whole population");
    let _ = write!(
        s,
        r##"<text x="{x}" y="28" fill="#555" text-anchor="middle">all</text>"##,
        x = lw + 26
    );
    for (j, p) in r.personas.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{x}" y="28" fill="{c}" font-weight="700" text-anchor="middle">{n}</text>"##,
            x = lw + 60 + cw * j as u32 + cw / 2,
            c = color(p),
            n = escape(&clip(&p.name, 12))
        );
    }
    for (i, t) in themes.iter().enumerate() {
        let y = 38 + rh * i as u32;
        let stat = r.population.themes.iter().find(|s| s.theme == *t);
        let label = stat.map(|s| s.label.as_str()).unwrap_or(t);
        let share = stat.map(|s| s.share).unwrap_or(0.0);
        let _ = write!(
            s,
            r##"<text x="{x}" y="{ty}" text-anchor="end" fill="#222">{l}</text><text x="{sx}" y="{ty}" text-anchor="middle" fill="#555">{sp}</text>"##,
            x = lw - 8,
            ty = y + 16,
            l = escape(&clip(label, 34)),
            sx = lw + 26,
            sp = pct(share)
        );
        for (j, p) in r.personas.iter().enumerate() {
            let x = lw + 60 + cw * j as u32;
            let ts = p.themes.iter().find(|x| x.theme == *t);
            let lift = ts.map(|x| x.lift).unwrap_or(0.0);
            let distinct = p.distinguishing_themes.iter().any(|c| c.theme == *t);
            let (fill, op) = if lift >= 1.0 {
                (
                    color(p),
                    (0.12 + 0.8 * ((lift - 1.0) / 2.0).min(1.0)).min(0.92),
                )
            } else {
                ("#9aa5b1", 0.08 + 0.12 * lift)
            };
            let text_fill = if op > 0.55 { "#fff" } else { "#222" };
            let _ = write!(
                s,
                r##"<rect x="{x1}" y="{y}" width="{w}" height="{h}" rx="3" fill="{fill}" fill-opacity="{op:.2}"{stroke}/><text x="{tx}" y="{ty}" text-anchor="middle" fill="{text_fill}"{bold}>{v}</text>"##,
                x1 = x + 3,
                w = cw - 6,
                h = rh - 4,
                stroke = if distinct {
                    r##" stroke="#222" stroke-width="1.5""##
                } else {
                    ""
                },
                tx = x + cw / 2,
                ty = y + 16,
                bold = if distinct {
                    r#" font-weight="700""#
                } else {
                    ""
                },
                v = if ts.is_some() {
                    times(lift)
                } else {
                    "–".into()
                },
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Lift of a persona's distinguishing themes.
pub(super) fn lift(p: &Persona) -> String {
    let rows = &p.distinguishing_themes;
    let (lw, bw, rh) = (190u32, 200u32, 28u32);
    let h = 16 + rh * rows.len().max(1) as u32 + 16;
    let max = rows.iter().map(|c| c.lift).fold(3.0_f64, f64::max);
    let scale = |v: f64| (v / max * bw as f64).round();
    let mut s = open(
        lw + bw + 110,
        h,
        &format!("Distinguishing themes of {}, by lift", p.name),
    );
    for (i, c) in rows.iter().enumerate() {
        let y = 8 + rh * i as u32;
        let _ = write!(
            s,
            r##"<text x="{x}" y="{ty}" text-anchor="end" fill="#222">{l}</text><rect x="{lw}" y="{y}" width="{w}" height="18" rx="3" fill="{c}" fill-opacity="{o}"/><text x="{tx}" y="{ty}" fill="#222">{v} ({sh})</text>"##,
            x = lw - 8,
            ty = y + 13,
            l = escape(&clip(&c.label, 27)),
            w = scale(c.lift),
            c = color(p),
            o = if c.evidence.weak { "0.35" } else { "0.9" },
            tx = lw as f64 + scale(c.lift) + 6.0,
            v = times(c.lift),
            sh = pct(c.share)
        );
    }
    let one = lw as f64 + scale(1.0);
    let _ = write!(
        s,
        r##"<line x1="{one}" x2="{one}" y1="2" y2="{y2}" stroke="#333" stroke-dasharray="3 3"/><text x="{one}" y="{ty}" text-anchor="middle" fill="#555" font-size="11">1× = population</text>"##,
        y2 = h - 14,
        ty = h - 2
    );
    s.push_str("</svg>");
    s
}

/// Mean sentiment per theme: the persona (bar) against the population (tick).
pub(super) fn sentiment(p: &Persona) -> String {
    let rows = &p.theme_sentiment;
    let (lw, bw, rh) = (250u32, 360u32, 26u32);
    let h = 22 + rh * rows.len().max(1) as u32 + 18;
    let mid = lw as f64 + bw as f64 / 2.0;
    let mut s = open(
        lw + bw + 90,
        h,
        &format!("Sentiment per theme for {} against the population", p.name),
    );
    let _ = write!(
        s,
        r##"<text x="{lw}" y="12" fill="#666" font-size="11">−1 negative</text><text x="{r}" y="12" fill="#666" font-size="11" text-anchor="end">positive +1</text>"##,
        r = lw + bw
    );
    for (i, t) in rows.iter().enumerate() {
        let y = 20 + rh * i as u32;
        let w = (t.sentiment.abs() * bw as f64 / 2.0).max(1.0);
        let x = if t.sentiment < 0.0 { mid - w } else { mid };
        let fill = if t.sentiment <= -0.05 {
            NEG
        } else if t.sentiment >= 0.05 {
            POS
        } else {
            NEU
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#222">{l}</text><rect x="{lw}" y="{y}" width="{bw}" height="18" fill="#f4f5f7"/><rect x="{x:.1}" y="{y}" width="{w:.1}" height="18" fill="{fill}" rx="2"/><text x="{vx}" y="{ty}" fill="#222">{v} ({n})</text>"##,
            lx = lw - 8,
            ty = y + 13,
            l = escape(&clip(&t.label, 36)),
            vx = lw + bw + 6,
            v = signed(t.sentiment),
            n = t.documents,
        );
        if let Some(pop) = t.population {
            let px = mid + pop * bw as f64 / 2.0;
            let _ = write!(
                s,
                r##"<line x1="{px:.1}" x2="{px:.1}" y1="{y1}" y2="{y2}" stroke="#111" stroke-width="2"><title>population {v}</title></line>"##,
                y1 = y - 2,
                y2 = y + 20,
                v = signed(pop)
            );
        }
    }
    let _ = write!(
        s,
        r##"<line x1="{mid}" x2="{mid}" y1="16" y2="{y2}" stroke="#888"/><text x="{lw}" y="{ty}" fill="#666" font-size="11">Bars: this persona (documents) · black tick: everyone</text>"##,
        y2 = h - 16,
        ty = h - 3
    );
    s.push_str("</svg>");
    s
}

/// Documents per journey stage, split by sentiment; struggles flagged.
/// Horizontal bars so stage names stay readable in a narrow column.
pub(super) fn journey(p: &Persona) -> String {
    let stages = &p.stages;
    let (lw, bw, rh) = (110u32, 200u32, 26u32);
    let h = 24 + rh * stages.len().max(1) as u32;
    let max = stages.iter().map(|s| s.documents).max().unwrap_or(0).max(1) as f64;
    let mut s = open(
        lw + bw + 190,
        h,
        &format!("Journey stages of {}, by sentiment", p.name),
    );
    let _ = write!(
        s,
        r##"<text x="{lw}" y="11" font-size="11" fill="#666"><tspan fill="{NEG}">■</tspan> negative  <tspan fill="{NEU}">■</tspan> neutral  <tspan fill="{POS}">■</tspan> positive</text>"##
    );
    for (i, st) in stages.iter().enumerate() {
        let y = 20 + rh * i as u32;
        let struggle = p.struggles.iter().any(|c| c.stage == st.stage);
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#222"{b}>{name}</text><rect x="{lw}" y="{y}" width="{bw}" height="18" fill="#f4f5f7"/>"##,
            lx = lw - 8,
            ty = y + 13,
            b = if struggle {
                r#" font-weight="700""#
            } else {
                ""
            },
            name = escape(&clip(&st.stage, 16)),
        );
        let mut x = lw as f64;
        for (count, fill) in [(st.negative, NEG), (st.neutral, NEU), (st.positive, POS)] {
            if count == 0 {
                continue;
            }
            let w = count as f64 / max * bw as f64;
            let _ = write!(
                s,
                r##"<rect x="{x:.1}" y="{y}" width="{w:.1}" height="18" fill="{fill}"/>"##
            );
            x += w;
        }
        let neg = if st.documents > 0 {
            format!(
                " · {} negative",
                pct(st.negative as f64 / st.documents as f64)
            )
        } else {
            String::new()
        };
        let _ = write!(
            s,
            r##"<text x="{tx:.1}" y="{ty}" fill="#222" font-size="11">{d}{neg}{flag}</text>"##,
            tx = x + 6.0,
            ty = y + 13,
            d = st.documents,
            flag = if struggle {
                format!(r##" <tspan fill="{NEG}" font-weight="700">▲ struggles</tspan>"##)
            } else {
                String::new()
            },
        );
    }
    s.push_str("</svg>");
    s
}

/// Mean silhouette per k tried; the chosen k highlighted.
pub(super) fn k_choice(m: &Method) -> String {
    let c = &m.k_selection.candidates;
    let (cw, ch) = (56u32, 110u32);
    let w = 40 + cw * c.len().max(1) as u32;
    let h = ch + 40;
    let mut s = open(w, h, "Mean silhouette for each number of personas tried");
    let max = c
        .iter()
        .filter_map(|x| x.silhouette)
        .fold(0.0_f64, f64::max)
        .max(0.05);
    for (i, k) in c.iter().enumerate() {
        let x = 40 + cw * i as u32;
        let v = k.silhouette.unwrap_or(0.0).max(0.0);
        let hh = v / max * ch as f64;
        let y = 14.0 + ch as f64 - hh;
        let fill = if k.chosen {
            "#0072b2"
        } else if k.eligible {
            "#9ecae1"
        } else {
            "#d9d9d9"
        };
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{y:.1}" width="{bw}" height="{hh:.1}" fill="{fill}" rx="2"/><text x="{cx}" y="{ty:.1}" text-anchor="middle" fill="#222" font-size="11">{v}</text><text x="{cx}" y="{ly}" text-anchor="middle" fill="#222"{b}>k={k}</text>"##,
            bw = cw - 12,
            cx = x + (cw - 12) / 2,
            ty = y - 4.0,
            v = k
                .silhouette
                .map(|v| format!("{v:.2}"))
                .unwrap_or_else(|| "–".into()),
            ly = ch + 30,
            b = if k.chosen {
                r#" font-weight="700""#
            } else {
                ""
            },
            k = k.k,
        );
    }
    s.push_str("</svg>");
    s
}
