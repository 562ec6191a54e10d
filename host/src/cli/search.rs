//! `hearken search`: ranked hits with snippets, evidence links, sentiment,
//! themes and facet counts.

use hearken_index::{Interval, SearchRequest, SortOrder};

use super::{CliError, CliResult, Exit, Global, Output};

/// `hearken search` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query: words, "phrases", "phrase"~N, AND/OR/NOT, and field
    /// filters like theme:travel_burden or published:[2025-01-01 TO 2025-06-30].
    #[arg(default_value = "")]
    pub query: String,
    /// Only documents with this theme (repeatable).
    #[arg(long)]
    pub theme: Vec<String>,
    /// Only documents with this sentiment.
    #[arg(long, value_parser = ["negative", "neutral", "positive", "unscored"])]
    pub sentiment: Option<String>,
    /// Only documents from this source (repeatable).
    #[arg(long)]
    pub source: Vec<String>,
    /// Only documents at this journey stage (repeatable).
    #[arg(long)]
    pub stage: Vec<String>,
    /// Only documents with this persona cue, as kind:value (repeatable).
    #[arg(long)]
    pub cue: Vec<String>,
    /// Published on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day)]
    pub since: Option<i64>,
    /// Published on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_day_end)]
    pub until: Option<i64>,
    /// Order of hits.
    #[arg(long, value_enum, default_value = "relevance")]
    pub sort: Sort,
    /// Number of hits.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Hits to skip (paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Add a date histogram of the matches.
    #[arg(long, value_enum)]
    pub by: Option<By>,
}

/// Hit order.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Sort {
    /// Best match first.
    Relevance,
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
}

/// Histogram interval.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum By {
    /// ISO weeks.
    Week,
    /// Calendar months.
    Month,
}

fn parse_day(s: &str) -> Result<i64, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| {
            d.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp())
                .unwrap_or(0)
        })
        .map_err(|_| format!("`{s}` is not a date like 2025-03-04"))
}

fn parse_day_end(s: &str) -> Result<i64, String> {
    parse_day(s).map(|t| t + 86_399)
}

/// Run a search.
pub fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let index = super::show::open_existing_index(&data)?;
    let request = SearchRequest {
        query: args.query.clone(),
        theme: args.theme,
        sentiment: args.sentiment,
        source: args.source,
        stage: args.stage,
        cue: args.cue,
        author: None,
        lang: None,
        since: args.since,
        until: args.until,
        sort: match args.sort {
            Sort::Relevance => SortOrder::Relevance,
            Sort::Newest => SortOrder::Newest,
            Sort::Oldest => SortOrder::Oldest,
        },
        limit: args.limit,
        offset: args.offset,
        histogram: args.by.map(|b| match b {
            By::Week => Interval::Week,
            By::Month => Interval::Month,
        }),
    };
    let results = match index.search(&request) {
        Ok(r) => r,
        Err(
            e @ (hearken_index::IndexError::QueryParse { .. }
            | hearken_index::IndexError::InvalidRequest(_)),
        ) => {
            return Err(CliError::usage(e));
        }
        Err(e) => return Err(e.into()),
    };
    out.emit(&results, |w| {
        writeln!(
            w,
            "{} matching document{}",
            results.total,
            if results.total == 1 { "" } else { "s" }
        )?;
        for (i, hit) in results.hits.iter().enumerate() {
            writeln!(w)?;
            let date = hit
                .published
                .as_deref()
                .map(|p| &p[..p.len().min(10)])
                .unwrap_or("undated");
            writeln!(
                w,
                "{:>3}. [{}] {} · {} · {} {:+.2}",
                args.offset + i + 1,
                hit.id,
                hit.source,
                date,
                hit.sentiment.label,
                hit.sentiment.compound
            )?;
            if let Some(t) = &hit.title {
                writeln!(w, "     {t}")?;
            }
            writeln!(w, "     {}", terminal_snippet(&hit.snippet))?;
            if !hit.themes.is_empty() {
                writeln!(w, "     themes: {}", hit.themes.join(", "))?;
            }
            writeln!(w, "     {}", hit.url)?;
        }
        let f = &results.facets;
        for (name, counts) in [
            ("theme", &f.theme),
            ("sentiment", &f.sentiment),
            ("source", &f.source),
            ("stage", &f.stage),
            ("cue", &f.cue),
        ] {
            if counts.is_empty() {
                continue;
            }
            let list: Vec<String> = counts
                .iter()
                .take(8)
                .map(|c| format!("{} ({})", c.value, c.count))
                .collect();
            writeln!(w, "\n{name}: {}", list.join(", "))?;
        }
        if !results.histogram.is_empty() {
            writeln!(w)?;
            let max = results
                .histogram
                .iter()
                .map(|b| b.count)
                .max()
                .unwrap_or(1)
                .max(1);
            for b in &results.histogram {
                writeln!(
                    w,
                    "{:>9} {:>5} {}",
                    b.label,
                    b.count,
                    "█".repeat(((b.count * 40).div_ceil(max)) as usize)
                )?;
            }
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

/// Snippets are HTML (escaped text, matches in `<b>`): for a terminal, bold
/// the matches and unescape the text.
fn terminal_snippet(html: &str) -> String {
    let bold = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let (on, off) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    html.replace("<b>", on)
        .replace("</b>", off)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
        .replace('\n', " ")
}
