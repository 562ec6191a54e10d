//! The answer key written beside every generated site.
//!
//! `truth.json` says which author belongs to which planted persona segment,
//! what every document is, and every identifier planted in the text. It is
//! what de-identification recall and persona recovery are measured against,
//! so it records *facts about the written files*, not intentions: an
//! identifier is listed only if its exact value is in the body of the record
//! it names.
//!
//! **What "in a document" means.** A record's body, as the plugin contract
//! defines it (`wit/…/source.wit`), is what its author said "without quoted
//! text of earlier posts or signatures". Planted identifiers are therefore
//! listed against the record whose own words contain them. When a reply
//! quotes an earlier post, the quoted identifiers stay listed against the
//! earlier post only; signatures carry no identifiers at all.
//!
//! **Streaming.** A million-document corpus has millions of identifiers, so
//! the file is written as the generator goes: segments first (known before
//! any text), then documents, while identifiers spill to a temporary file
//! that is appended at the end. The JSON is one object with one array entry
//! per line, so it can also be read with line tools.

use std::fs::File;
use std::io::{BufRead as _, BufReader, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::SampleError;

/// Everything the generator planted in one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Truth {
    /// The seed the site was generated from.
    pub seed: u64,
    /// The planted persona segments and their authors.
    pub segments: Vec<PlantedSegment>,
    /// Every record a plugin can read from the site, in the order written.
    pub documents: Vec<DocTruth>,
    /// Every identifier planted in the text, with the record it is in.
    pub identifiers: Vec<PlantedIdentifier>,
}

/// One invented identifier planted in the body of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedIdentifier {
    /// What it is: `name`, `phone`, `email`, `address`, `date`, `handle`,
    /// `url`, `ssn`, `mrn`, `member_id`, `zip`, `city`, `age`.
    pub kind: String,
    /// The exact text as written (verbatim in the record's file).
    pub value: String,
    /// The [`DocTruth::url`] of the record whose body contains it.
    pub doc: String,
}

/// A planted persona segment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlantedSegment {
    /// Stable id, e.g. `working_parent`.
    pub id: String,
    /// A human label, e.g. "Time-pressed working parent".
    pub label: String,
    /// Theme ids (from the codebook) its authors talk about far more than
    /// the population does, strongest first.
    pub defining_themes: Vec<String>,
    /// Raw author handles (forum usernames, feed handles, transcript
    /// speaker names) of its members, sorted.
    pub authors: Vec<String>,
}

/// One record of the site: what a source plugin should emit for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocTruth {
    /// Site-relative location with a fragment: `forum/topic-17/page-2.html#p1234`,
    /// `posts/p/5k2x9q.html`, `transcripts/board-0001-2025-03-12.vtt#t=00:12:04.500`.
    /// The file is the part before `#`.
    pub url: String,
    /// The source-native id: `p1234` for a forum post, the feed item's
    /// `guid`, `<file stem>#<turn number>` for a transcript turn.
    pub id: String,
    /// `post`, `reply` or `transcript-turn` (the contract's record kinds).
    pub kind: String,
    /// The raw author handle or speaker name, exactly as the source shows it.
    pub author: String,
    /// For transcript turns: `moderator`, `patient`, `caregiver`,
    /// `clinician` or `sponsor`.
    pub role: Option<String>,
    /// The planted segment of the author; `None` for staff speakers
    /// (moderators, clinicians, sponsor representatives).
    pub segment: Option<String>,
    /// The thread (forum topic id `t17`) or transcript file stem.
    pub thread: Option<String>,
    /// When it was published, RFC 3339 UTC (`2025-03-04T10:15:00Z`).
    pub published: String,
}

impl DocTruth {
    /// The site-relative file that holds the record.
    pub fn file(&self) -> &str {
        self.url.split('#').next().unwrap_or(&self.url)
    }
}

/// Streams `truth.json` to disk as documents are generated.
pub(crate) struct TruthWriter {
    out: BufWriter<File>,
    out_path: PathBuf,
    ids: BufWriter<File>,
    ids_path: PathBuf,
    docs_written: usize,
    ids_written: usize,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> SampleError + '_ {
    move |source| SampleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn json_err(path: &Path) -> impl FnOnce(serde_json::Error) -> SampleError + '_ {
    move |source| SampleError::Json {
        path: path.to_path_buf(),
        source,
    }
}

impl TruthWriter {
    /// Opens `root/truth.json`, writes the seed and the segments.
    pub(crate) fn create(
        root: &Path,
        file_name: &str,
        seed: u64,
        segments: &[PlantedSegment],
    ) -> Result<Self, SampleError> {
        let out_path = root.join(file_name);
        let ids_path = root.join(format!(".{file_name}.identifiers.tmp"));
        let mut out = BufWriter::new(File::create(&out_path).map_err(io_err(&out_path))?);
        let ids = BufWriter::new(File::create(&ids_path).map_err(io_err(&ids_path))?);
        write!(out, "{{\"seed\":{seed},\n\"segments\":[").map_err(io_err(&out_path))?;
        for (i, s) in segments.iter().enumerate() {
            out.write_all(if i == 0 { b"\n" } else { b",\n" })
                .map_err(io_err(&out_path))?;
            serde_json::to_writer(&mut out, s).map_err(json_err(&out_path))?;
        }
        out.write_all(b"\n],\n\"documents\":[")
            .map_err(io_err(&out_path))?;
        Ok(Self {
            out,
            out_path,
            ids,
            ids_path,
            docs_written: 0,
            ids_written: 0,
        })
    }

    /// Records one document.
    pub(crate) fn document(&mut self, doc: &DocTruth) -> Result<(), SampleError> {
        self.out
            .write_all(if self.docs_written == 0 {
                b"\n"
            } else {
                b",\n"
            })
            .map_err(io_err(&self.out_path))?;
        serde_json::to_writer(&mut self.out, doc).map_err(json_err(&self.out_path))?;
        self.docs_written += 1;
        Ok(())
    }

    /// Records one planted identifier.
    pub(crate) fn identifier(&mut self, id: &PlantedIdentifier) -> Result<(), SampleError> {
        serde_json::to_writer(&mut self.ids, id).map_err(json_err(&self.ids_path))?;
        self.ids.write_all(b"\n").map_err(io_err(&self.ids_path))?;
        self.ids_written += 1;
        Ok(())
    }

    /// Number of documents recorded so far.
    pub(crate) fn documents(&self) -> usize {
        self.docs_written
    }

    /// Appends the spilled identifiers, closes the JSON and removes the
    /// temporary file.
    pub(crate) fn finish(mut self) -> Result<(), SampleError> {
        self.ids.flush().map_err(io_err(&self.ids_path))?;
        drop(self.ids);
        self.out
            .write_all(b"\n],\n\"identifiers\":[")
            .map_err(io_err(&self.out_path))?;
        let reader = BufReader::new(File::open(&self.ids_path).map_err(io_err(&self.ids_path))?);
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(io_err(&self.ids_path))?;
            self.out
                .write_all(if i == 0 { b"\n" } else { b",\n" })
                .map_err(io_err(&self.out_path))?;
            self.out
                .write_all(line.as_bytes())
                .map_err(io_err(&self.out_path))?;
        }
        self.out
            .write_all(b"\n]}\n")
            .map_err(io_err(&self.out_path))?;
        self.out.flush().map_err(io_err(&self.out_path))?;
        std::fs::remove_file(&self.ids_path).map_err(io_err(&self.ids_path))?;
        Ok(())
    }
}

/// Reads the `truth.json` of a generated site.
pub fn read_truth(root: &Path) -> Result<Truth, SampleError> {
    let path = root.join(crate::TRUTH_FILE);
    let file = File::open(&path).map_err(io_err(&path))?;
    serde_json::from_reader(BufReader::new(file)).map_err(json_err(&path))
}
