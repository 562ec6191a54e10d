//! `hearken forget`: delete a source's or an author's documents.
//!
//! This is the erasure half of de-identification. Pseudonyms keep an
//! author's posts linkable to each other, which personas need; `forget`
//! undoes that for one author (`--author p-…`) or one whole source
//! (`--source NAME`) on request. For a source it also forgets where the
//! source was (its cursor, and the ledger marks its runs as forgotten), so
//! nothing is skipped if the source is ever read again; the ledger's counts
//! and the audit log stay, because they are history and hold no text. Both
//! also drop the keyed fingerprints of names that de-identification
//! remembers (the source's, or those the author's name left).
//!
//! Deleting is irreversible, so the command shows what it will delete and
//! asks first. A script must say `--yes`: with stdin not a terminal there is
//! no one to ask, and guessing "yes" is the wrong default for an erasure.
//!
//! Order of work, chosen so that a refusal changes nothing:
//!
//! 1. take the data directory's lock and the index writer (fails while
//!    another process is ingesting),
//! 2. forget the source in the state store (refused while a run of it is
//!    in progress),
//! 3. delete the documents and commit,
//! 4. rebuild the index from its live documents (`hearken_index::reindex`).
//!
//! Step 4 is what makes the erasure real. A Tantivy delete only marks
//! documents dead; their text stays in the segment files until a merge
//! happens to rewrite them, which may be never. Rebuilding writes fresh
//! segments from the live documents and removes the old files, at the cost
//! of reading and rewriting the whole index (seconds for the demo, minutes
//! for millions of documents) — acceptable for a command run on request.
//!
//! If step 3 fails after step 2 succeeded, running the command again
//! finishes the job (forgetting a forgotten source is a no-op, and the
//! rebuild runs every time).
//!
//! Reports written before the deletion may still quote the deleted
//! documents; the command looks for their ids in `<data>/reports/` and says
//! which files to rebuild rather than editing reports behind the user's back.
//!
//! Destroying `<data>/pseudonym.key` severs every author link at once: no
//! pseudonym can be recomputed from a handle without the key, and a new key
//! gives every author a new, unrelated pseudonym.

use std::collections::HashSet;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use hearken_index::{ByField, Index};
use hearken_state::StateStore;
use serde::Serialize;

use super::{CliError, CliResult, Exit, Global, Output};
use crate::app::DataDir;

/// `hearken forget` arguments.
#[derive(Debug, clap::Args)]
#[command(
    group = clap::ArgGroup::new("what").required(true).args(["source", "author"]),
    after_help = "Deleting <data>/pseudonym.key severs every pseudonym link at once: without the key \
                  no pseudonym can be traced back to a handle, and the next run gives every author a \
                  new, unrelated pseudonym."
)]
pub struct Args {
    /// Delete every document of this source (its configured name, as
    /// `hearken runs` shows it) and forget its cursor.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Delete every document of this author pseudonym (`p-` and 12 hex
    /// digits, as `hearken show` prints it).
    #[arg(long, value_name = "PSEUDONYM")]
    pub author: Option<String>,
    /// Do not ask for confirmation (required when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// What `forget` removed (printed as JSON with `--json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forgotten {
    /// The source forgotten, if `--source`.
    pub source: Option<String>,
    /// The author pseudonym forgotten, if `--author`.
    pub author: Option<String>,
    /// Documents deleted from the index.
    pub documents: u64,
    /// Whether the source had a cursor that was deleted.
    pub cursor_deleted: bool,
    /// Runs of the source newly marked as forgotten in the ledger.
    pub runs_marked: u64,
    /// The index the documents were deleted from.
    pub index: PathBuf,
    /// Whether the index was rebuilt so that the deleted documents' text is
    /// gone from its files.
    pub purged: bool,
    /// Report files that still quote a deleted document (rebuild them).
    pub stale_reports: Vec<PathBuf>,
}

/// What to delete, resolved from the arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Source(String),
    Author(String),
}

impl Target {
    fn from_args(args: &Args) -> Result<Self, CliError> {
        match (&args.source, &args.author) {
            (Some(s), None) if !s.trim().is_empty() => Ok(Target::Source(s.trim().to_string())),
            (None, Some(a)) if !a.trim().is_empty() => Ok(Target::Author(a.trim().to_string())),
            (Some(_), None) | (None, Some(_)) => Err(CliError::usage(anyhow::anyhow!(
                "the value of --source or --author is empty"
            ))),
            _ => Err(CliError::usage(anyhow::anyhow!(
                "say what to forget: --source NAME or --author PSEUDONYM (one of them)"
            ))),
        }
    }

    fn by_field(&self) -> ByField {
        match self {
            Target::Source(s) => ByField::Source(s.clone()),
            Target::Author(a) => ByField::Author(a.clone()),
        }
    }

    fn matches(&self, doc: &hearken_document::AnalysedDocument) -> bool {
        match self {
            Target::Source(s) => doc.source == *s,
            Target::Author(a) => doc.author.as_deref() == Some(a.as_str()),
        }
    }

    fn describe(&self) -> String {
        match self {
            Target::Source(s) => format!("source `{s}`"),
            Target::Author(a) => format!("author `{a}`"),
        }
    }
}

/// Run it.
pub async fn run(global: &Global, out: &Output, args: Args) -> CliResult {
    let target = Target::from_args(&args)?;
    let config = global.config()?;
    let data = global.data_dir(config.as_ref());
    let index = super::show::open_existing_index(&data)?;

    let ids = matching_ids(&index, &target)?;
    if let Target::Author(author) = &target
        && ids.is_empty()
        && !looks_like_pseudonym(author)
    {
        return Err(CliError::usage(anyhow::anyhow!(
            "no document has that author, and the value does not look like a pseudonym (it is \
             not repeated here, since it may be a handle): authors are stored as `p-` and 12 hex \
             digits (see `hearken show ID`), never as handles"
        )));
    }

    if !args.yes {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err(CliError::usage(anyhow::anyhow!(
                "refusing to delete {} document{} of {} without confirmation: stdin is not a \
                 terminal; pass --yes to confirm",
                ids.len(),
                plural(ids.len() as u64),
                target.describe()
            )));
        }
        let question = format!(
            "Delete {} document{} of {} from {}{}? This cannot be undone. [y/N] ",
            ids.len(),
            plural(ids.len() as u64),
            target.describe(),
            data.index().display(),
            match target {
                Target::Source(_) => " and forget its cursor",
                Target::Author(_) => "",
            }
        );
        if !confirm(&question, &mut stdin.lock())? {
            eprintln!("nothing was deleted");
            return Ok(Exit::Failure);
        }
    }

    let mut forgotten = forget(&data, &index, &target, &ids)?;
    drop(index);
    // Always, even when nothing matched now: a forget whose rebuild failed
    // is finished by running it again.
    purge(&data)?;
    forgotten.purged = true;
    out.emit(&forgotten, |w| {
        writeln!(
            w,
            "deleted {} document{} of {} from {}",
            forgotten.documents,
            plural(forgotten.documents),
            target.describe(),
            forgotten.index.display()
        )?;
        if forgotten.purged {
            writeln!(
                w,
                "rebuilt the index so that their text is gone from its files"
            )?;
        }
        if let Target::Source(s) = &target {
            if forgotten.cursor_deleted {
                writeln!(
                    w,
                    "forgot the cursor of `{s}`: its next run starts from the beginning"
                )?;
            } else {
                writeln!(w, "`{s}` had no cursor to forget")?;
            }
            writeln!(
                w,
                "marked {} run{} as forgotten in the ledger",
                forgotten.runs_marked,
                plural(forgotten.runs_marked)
            )?;
        }
        for r in &forgotten.stale_reports {
            writeln!(
                w,
                "warning: {} still quotes deleted documents; rebuild the reports or delete it",
                r.display()
            )?;
        }
        Ok(())
    })?;
    Ok(Exit::Success)
}

/// Ids of the documents `target` names, from the stored documents (the
/// same fields `delete_where` deletes by).
fn matching_ids(index: &Index, target: &Target) -> Result<Vec<String>, CliError> {
    let mut ids = Vec::new();
    index.for_each_document(|doc| {
        if target.matches(&doc) {
            ids.push(doc.id);
        }
        Ok(())
    })?;
    ids.sort();
    Ok(ids)
}

/// Delete what `target` names: writer first, then the state store, then
/// the documents (see the module docs for why in this order).
fn forget(
    data: &DataDir,
    index: &Index,
    target: &Target,
    ids: &[String],
) -> Result<Forgotten, CliError> {
    // The data directory's lock first: a run or daemon writing here names
    // itself in the error.
    let _lock = data.lock()?;
    let mut writer = index.writer().map_err(|e| {
        anyhow::anyhow!(
            "could not open the index at {} for writing (is `hearken run`, `daemon` or `demo` \
             running on this data directory?): {e}",
            data.index().display()
        )
    })?;
    let (mut cursor_deleted, mut runs_marked) = (false, 0);
    if let Target::Source(source) = target
        && data.state().exists()
    {
        let state = StateStore::open(&data.state())?;
        cursor_deleted = state.cursor_record(source)?.is_some();
        runs_marked = state.forget_source(source)?;
    }
    if let Target::Author(author) = target
        && data.state().exists()
    {
        // The fingerprints her name left for de-identification
        // (`hearken_deid::RememberedNames`) hold no text, but they are hers.
        let rows = StateStore::open(&data.state())?.forget_author_names(author)?;
        tracing::debug!(rows, "forgot the author's remembered names");
    }
    let documents = writer.delete_where(target.by_field())?;
    writer.commit()?;
    if documents != ids.len() as u64 {
        // Another process changed the index between counting and deleting.
        tracing::warn!(
            counted = ids.len(),
            deleted = documents,
            "the index changed while forgetting"
        );
    }
    tracing::info!(target = %target.describe(), documents, "forgot documents");
    Ok(Forgotten {
        source: match target {
            Target::Source(s) => Some(s.clone()),
            Target::Author(_) => None,
        },
        author: match target {
            Target::Author(a) => Some(a.clone()),
            Target::Source(_) => None,
        },
        documents,
        cursor_deleted,
        runs_marked,
        index: data.index(),
        purged: false,
        stale_reports: stale_reports(&data.reports(), ids),
    })
}

/// Rebuild the index from its live documents, so deleted documents' text
/// leaves the segment files (see the module docs).
fn purge(data: &DataDir) -> Result<(), CliError> {
    let report = hearken_index::reindex(&data.index()).map_err(|e| {
        anyhow::anyhow!(
            "the documents are deleted, but rebuilding the index at {} to erase their text from \
             its files failed (run the same `hearken forget` again to finish): {e}",
            data.index().display()
        )
    })?;
    tracing::info!(
        documents = report.documents,
        "index rebuilt after forgetting"
    );
    Ok(())
}

/// Report files under `dir` that mention any of `ids`.
fn stale_reports(dir: &Path, ids: &[String]) -> Vec<PathBuf> {
    if ids.is_empty() {
        return Vec::new();
    }
    let ids: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            std::fs::read_to_string(p)
                .map(|text| ids.iter().any(|id| text.contains(id)))
                .unwrap_or(false)
        })
        .collect();
    stale.sort();
    stale
}

/// Ask `question` on stderr; `true` only for an answer of `y` or `yes`.
fn confirm(question: &str, input: &mut dyn std::io::BufRead) -> Result<bool, CliError> {
    let mut stderr = std::io::stderr();
    write!(stderr, "{question}")?;
    stderr.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    Ok(is_yes(&answer))
}

fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// `p-` and 12 lower-case hex digits: what `PseudonymKey::pseudonym` makes.
fn looks_like_pseudonym(s: &str) -> bool {
    s.strip_prefix("p-").is_some_and(|hex| {
        hex.len() == 12
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_document::AnalysedDocument;

    fn doc(id: &str, source: &str, author: Option<&str>) -> AnalysedDocument {
        AnalysedDocument {
            id: id.into(),
            source: source.into(),
            plugin: "p".into(),
            plugin_version: "0.1.0".into(),
            kind: "post".into(),
            url: "http://127.0.0.1/x".into(),
            thread_id: None,
            parent_id: None,
            author: author.map(str::to_string),
            speaker_role: None,
            published: None,
            language: "en".into(),
            title: None,
            body: format!("body of {id}"),
            sentiment: hearken_document::Sentiment {
                compound: 0.0,
                neg: 0.0,
                neu: 1.0,
                pos: 0.0,
                label: hearken_document::SentimentLabel::Neutral,
            },
            sentences: vec![],
            themes: vec![],
            stage: None,
            cues: vec![],
            redactions: Default::default(),
            run_id: "r1".into(),
            extra: Default::default(),
        }
    }

    fn data_with(docs: &[AnalysedDocument]) -> (tempfile::TempDir, DataDir, Index) {
        let tmp = tempfile::tempdir().unwrap();
        let data = DataDir::new(tmp.path());
        data.create().unwrap();
        let index = data.open_index().unwrap();
        {
            let mut w = index.writer().unwrap();
            for d in docs {
                w.upsert(d).unwrap();
            }
            w.commit().unwrap();
        }
        (tmp, data, index)
    }

    #[test]
    fn forgetting_a_source_deletes_its_documents_and_cursor_and_names_stale_reports() {
        let (_tmp, data, index) = data_with(&[
            doc("forum:1", "forum", Some("p-aaaaaaaaaaaa")),
            doc("forum:2", "forum", Some("p-bbbbbbbbbbbb")),
            doc("posts:1", "posts", Some("p-aaaaaaaaaaaa")),
        ]);
        let state = data.open_state().unwrap();
        for source in ["forum", "posts"] {
            let run = state.begin_run(source, "p", "0.1.0").unwrap();
            state.commit_cursor(&run, source, Some("page-9")).unwrap();
            state
                .finish_run(&run, hearken_state::RunStatus::Succeeded, None)
                .unwrap();
        }
        std::fs::write(data.reports().join("personas.md"), "quote [forum:2]").unwrap();
        std::fs::write(data.reports().join("other.md"), "quote [posts:1]").unwrap();

        let target = Target::Source("forum".into());
        let ids = matching_ids(&index, &target).unwrap();
        assert_eq!(ids, ["forum:1", "forum:2"]);
        let out = forget(&data, &index, &target, &ids).unwrap();
        assert_eq!(out.documents, 2);
        assert!(out.cursor_deleted);
        assert_eq!(out.runs_marked, 1);
        assert_eq!(out.stale_reports, [data.reports().join("personas.md")]);

        // The purge leaves no segment file that held a deleted document.
        let segment_files = |dir: &Path| -> HashSet<std::ffi::OsString> {
            std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .filter(|n| n.to_string_lossy().ends_with(".store"))
                .collect()
        };
        let before = segment_files(&data.index());
        assert!(!before.is_empty());
        drop(index);
        purge(&data).unwrap();
        let after = segment_files(&data.index());
        assert!(
            before.is_disjoint(&after),
            "{before:?} survived as {after:?}"
        );
        let index = data.open_index().unwrap();
        let left: Vec<String> = index
            .documents()
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(left, ["posts:1"]);
        assert_eq!(state.cursor("forum").unwrap(), None);
        assert_eq!(state.cursor("posts").unwrap().as_deref(), Some("page-9"));

        // Again: nothing left to delete, nothing to mark, no error.
        let again = forget(&data, &index, &target, &[]).unwrap();
        assert_eq!(
            (again.documents, again.cursor_deleted, again.runs_marked),
            (0, false, 0)
        );
    }

    #[test]
    fn forgetting_an_author_forgets_the_names_she_left_to_remember() {
        let (_tmp, data, index) = data_with(&[doc("forum:1", "forum", Some("p-aaaaaaaaaaaa"))]);
        let state = StateStore::open(&data.state()).unwrap();
        state
            .remember_names(
                "forum",
                &[
                    ("p-aaaaaaaaaaaa".into(), 1, 0),
                    ("p-bbbbbbbbbbbb".into(), 2, 0),
                ],
            )
            .unwrap();
        drop(state);
        let target = Target::Author("p-aaaaaaaaaaaa".into());
        let ids = matching_ids(&index, &target).unwrap();
        forget(&data, &index, &target, &ids).unwrap();
        let state = StateStore::open(&data.state()).unwrap();
        assert_eq!(state.remembered_names("forum").unwrap(), vec![(2, 0)]);
    }

    #[test]
    fn forgetting_an_author_deletes_only_that_pseudonym_across_sources() {
        let (_tmp, data, index) = data_with(&[
            doc("forum:1", "forum", Some("p-aaaaaaaaaaaa")),
            doc("forum:2", "forum", Some("p-bbbbbbbbbbbb")),
            doc("posts:1", "posts", Some("p-aaaaaaaaaaaa")),
            doc("posts:2", "posts", None),
        ]);
        let target = Target::Author("p-aaaaaaaaaaaa".into());
        let ids = matching_ids(&index, &target).unwrap();
        let out = forget(&data, &index, &target, &ids).unwrap();
        assert_eq!(out.documents, 2);
        assert_eq!(out.source, None);
        assert!(
            !data.state().exists(),
            "an author's forget leaves the state store alone"
        );
        index.reload().unwrap();
        let left: Vec<String> = index
            .documents()
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect();
        assert_eq!(left, ["forum:2", "posts:2"]);
    }

    #[test]
    fn arguments_answers_and_pseudonyms() {
        let args = |source: Option<&str>, author: Option<&str>| Args {
            source: source.map(str::to_string),
            author: author.map(str::to_string),
            yes: true,
        };
        assert_eq!(
            Target::from_args(&args(Some(" forum "), None)).unwrap(),
            Target::Source("forum".into())
        );
        assert_eq!(
            Target::from_args(&args(Some(" "), None)).unwrap_err().exit,
            Exit::Usage
        );
        for yes in ["y", "Y\n", " yes \n"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "\n", "n", "no", "yess", "sure"] {
            assert!(!is_yes(no), "{no:?}");
        }
        let mut input: &[u8] = b"yes\n";
        assert!(confirm("? ", &mut input).unwrap());
        let mut input: &[u8] = b"";
        assert!(!confirm("? ", &mut input).unwrap(), "end of input is no");
        assert!(looks_like_pseudonym("p-0123456789ab"));
        for not in ["margo_w", "p-0123456789AB", "p-0123", "q-0123456789ab"] {
            assert!(!looks_like_pseudonym(not), "{not}");
        }
    }
}
