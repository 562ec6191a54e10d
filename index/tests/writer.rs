//! The writer: idempotent upserts, deletes, locking, schema versions,
//! persistence and rebuilds.

mod common;

use common::{CORPUS, build, corpus, fill, ids, indexed, sorted};
use hearken_index::{
    ByField, Index, IndexError, SCHEMA_VERSION, SearchRequest, UpsertOutcome, reindex,
};

#[test]
fn upsert_reports_new_updated_unchanged_and_never_duplicates() {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    let mut doc = build(&CORPUS[1]);
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::New);
    writer.commit().unwrap();

    // Same content, another run: not rewritten, and the stored run id
    // stays that of the run that wrote it.
    let mut rerun = doc.clone();
    rerun.run_id = "run-2".into();
    assert_eq!(writer.upsert(&rerun).unwrap(), UpsertOutcome::Unchanged);
    writer.commit().unwrap();
    assert_eq!(index.get(&doc.id).unwrap().unwrap().run_id, "run-1");

    // Changed content replaces the document.
    doc.body = "I worry about side effects. The nausea was worse this week.".into();
    doc.run_id = "run-3".into();
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::Updated);
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), 1);
    assert_eq!(index.get(&doc.id).unwrap().unwrap(), doc);
    assert_eq!(ids(&index, "worse"), vec!["forum:2"]);
    assert!(ids(&index, "travelling").is_empty(), "old body is gone");

    // A change of analysis alone (a new theme) is a change too.
    doc.themes.pop();
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::Updated);
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), 1);
}

#[test]
fn upserts_within_one_batch_are_tracked_before_the_commit() {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    let mut doc = build(&CORPUS[0]);
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::New);
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::Unchanged);
    doc.body.push_str(" Edited.");
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::Updated);
    assert_eq!(index.count().unwrap(), 0, "nothing visible before commit");
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), 1);
    assert_eq!(index.get(&doc.id).unwrap().unwrap().body, doc.body);
}

#[test]
fn re_ingesting_the_corpus_changes_nothing() {
    let index = indexed();
    let before = index.documents().unwrap();
    assert_eq!(before.len(), CORPUS.len());
    let mut writer = index.writer().unwrap();
    for mut doc in corpus() {
        doc.run_id = "run-2".into();
        assert_eq!(
            writer.upsert(&doc).unwrap(),
            UpsertOutcome::Unchanged,
            "{}",
            doc.id
        );
    }
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), CORPUS.len() as u64);
    assert_eq!(index.documents().unwrap(), before);
}

#[test]
fn get_and_documents_return_exactly_what_was_written() {
    let index = indexed();
    let mut expected = corpus();
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(index.documents().unwrap(), expected);
    for doc in &expected {
        assert_eq!(index.get(&doc.id).unwrap().as_ref(), Some(doc));
    }
    assert_eq!(index.get("forum:999").unwrap(), None);
}

#[test]
fn delete_reports_whether_the_document_existed() {
    let index = indexed();
    let mut writer = index.writer().unwrap();
    assert!(writer.delete("forum:3").unwrap());
    assert!(
        !writer.delete("forum:3").unwrap(),
        "already deleted in this batch"
    );
    assert!(!writer.delete("forum:999").unwrap());
    writer.commit().unwrap();
    assert!(!writer.delete("forum:3").unwrap());
    assert_eq!(index.count().unwrap(), 7);
    assert_eq!(index.get("forum:3").unwrap(), None);
    // deleted then upserted again: new
    assert_eq!(
        writer.upsert(&build(&CORPUS[2])).unwrap(),
        UpsertOutcome::New
    );
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), 8);
}

#[test]
fn delete_where_counts_what_it_removes() {
    let index = indexed();
    let mut writer = index.writer().unwrap();
    assert_eq!(
        writer
            .delete_where(ByField::Source("forum".into()))
            .unwrap(),
        4
    );
    assert_eq!(
        writer
            .delete_where(ByField::Author("p-cccc3333".into()))
            .unwrap(),
        2
    );
    // already gone in this batch: not counted again
    assert_eq!(
        writer
            .delete_where(ByField::Source("forum".into()))
            .unwrap(),
        0
    );
    assert_eq!(
        writer
            .delete_where(ByField::Source("nowhere".into()))
            .unwrap(),
        0
    );
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), 2);
    assert_eq!(
        ids(&index, ""),
        sorted(&["posts:12", "transcripts:pab-1#4"])
    );
    // a forgotten document comes back as new
    assert_eq!(
        writer.upsert(&build(&CORPUS[0])).unwrap(),
        UpsertOutcome::New
    );
}

#[test]
fn delete_where_counts_uncommitted_upserts_once() {
    let index = indexed();
    let mut writer = index.writer().unwrap();
    // replace forum:1 (committed) and add a new forum document, uncommitted
    let mut changed = build(&CORPUS[0]);
    changed.body.push_str(" Update: the bus is faster now.");
    assert_eq!(writer.upsert(&changed).unwrap(), UpsertOutcome::Updated);
    let mut fresh = build(&CORPUS[1]);
    fresh.id = "forum:5".into();
    assert_eq!(writer.upsert(&fresh).unwrap(), UpsertOutcome::New);
    // an upsert that moves a document out of the author's set
    let mut moved = build(&CORPUS[4]); // posts:11 by p-cccc3333
    moved.author = Some("p-eeee5555".into());
    assert_eq!(writer.upsert(&moved).unwrap(), UpsertOutcome::Updated);

    // forum:1 (once), forum:2, forum:3, forum:4, forum:5
    assert_eq!(
        writer
            .delete_where(ByField::Source("forum".into()))
            .unwrap(),
        5
    );
    // posts:10 only: posts:11 now belongs to p-eeee5555
    assert_eq!(
        writer
            .delete_where(ByField::Author("p-cccc3333".into()))
            .unwrap(),
        1
    );
    // a document deleted by a filter in this batch looks absent
    assert!(!writer.delete("forum:2").unwrap());
    assert_eq!(
        writer.upsert(&build(&CORPUS[2])).unwrap(),
        UpsertOutcome::New,
        "forum:3 was forgotten in this batch"
    );
    writer.commit().unwrap();
    assert_eq!(
        ids(&index, ""),
        sorted(&["forum:3", "posts:11", "posts:12", "transcripts:pab-1#4"])
    );
    assert_eq!(
        index.get("posts:11").unwrap().unwrap().author.as_deref(),
        Some("p-eeee5555")
    );
}

#[test]
fn a_second_writer_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let index = Index::open_or_create(&path).unwrap();
    let first = index.writer().unwrap();
    let err = index.writer().unwrap_err();
    assert!(matches!(err, IndexError::Locked { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("locked by another writer"), "{message}");

    // another handle on the same directory (as another process would open it)
    let other = Index::open_or_create(&path).unwrap();
    assert!(matches!(other.writer(), Err(IndexError::Locked { .. })));
    drop(first);
    let mut second = other.writer().unwrap();
    second.upsert(&build(&CORPUS[0])).unwrap();
    second.commit().unwrap();

    // in RAM too
    let ram = Index::create_in_ram().unwrap();
    let _w = ram.writer().unwrap();
    assert!(matches!(ram.writer(), Err(IndexError::Locked { .. })));
}

#[test]
fn commits_are_durable_and_other_handles_see_them_after_reload() {
    let dir = tempfile::tempdir().unwrap();
    let reader_side = {
        let index = Index::open_or_create(dir.path()).unwrap();
        let other = Index::open_or_create(dir.path()).unwrap();
        fill(&index);
        // the writer's own handle sees its commit at once
        assert_eq!(index.count().unwrap(), 8);
        other.reload().unwrap();
        assert_eq!(other.count().unwrap(), 8);
        other
    };
    drop(reader_side);
    let reopened = Index::open_or_create(dir.path()).unwrap();
    assert_eq!(reopened.count().unwrap(), 8);
    assert_eq!(ids(&reopened, "nausea"), vec!["forum:2"]);
}

#[test]
fn uncommitted_changes_are_dropped_with_the_writer() {
    let index = indexed();
    {
        let mut writer = index.writer().unwrap();
        writer
            .delete_where(ByField::Source("forum".into()))
            .unwrap();
        assert_eq!(writer.pending(), 1);
    }
    let mut writer = index.writer().unwrap();
    writer.commit().unwrap();
    assert_eq!(index.count().unwrap(), 8);
}

fn set_version(dir: &std::path::Path, version: u32) {
    std::fs::write(
        dir.join("hearken-index.json"),
        format!("{{\"schema_version\": {version}, \"written_by\": \"test\"}}"),
    )
    .expect("write the version file");
}

#[test]
fn another_schema_version_is_detected_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    fill(&Index::open_or_create(&path).unwrap());

    for found in [SCHEMA_VERSION + 1, 0] {
        set_version(&path, found);
        let err = Index::open_or_create(&path).unwrap_err();
        match &err {
            IndexError::SchemaVersion {
                found: f, expected, ..
            } => {
                assert_eq!((*f, *expected), (found, SCHEMA_VERSION));
            }
            other => panic!("expected SchemaVersion, got {other:?}"),
        }
        assert!(err.to_string().contains("run `hearken reindex`"), "{err}");
    }
    // no version file at all: an index from before versions: version 0
    std::fs::remove_file(path.join("hearken-index.json")).unwrap();
    assert!(matches!(
        Index::open_or_create(&path),
        Err(IndexError::SchemaVersion { found: 0, .. })
    ));

    let report = reindex(&path).unwrap();
    assert_eq!(report.from_version, 0);
    assert_eq!(report.to_version, SCHEMA_VERSION);
    assert_eq!(report.documents, CORPUS.len() as u64);
    let index = Index::open_or_create(&path).unwrap();
    let mut expected = corpus();
    expected.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(index.documents().unwrap(), expected);
    assert_eq!(
        ids(&index, "\"side effects\"~3"),
        sorted(&["forum:2", "forum:3"])
    );
    assert!(!dir.path().join("index.reindex").exists());
    assert!(!dir.path().join("index.pre-reindex").exists());
}

#[test]
fn an_index_of_an_older_schema_is_rebuilt_from_its_stored_documents() {
    use tantivy::schema::{STORED, STRING, Schema};
    // A plausible "version 0": only the id and the stored JSON.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old");
    std::fs::create_dir_all(&path).unwrap();
    let mut builder = Schema::builder();
    let id = builder.add_text_field("id", STRING);
    let doc_field = builder.add_text_field("doc", STORED);
    let old = tantivy::Index::create_in_dir(&path, builder.build()).unwrap();
    let mut w: tantivy::IndexWriter = old.writer(15_000_000).unwrap();
    for doc in corpus() {
        let mut t = tantivy::TantivyDocument::default();
        t.add_text(id, &doc.id);
        t.add_text(doc_field, serde_json::to_string(&doc).unwrap());
        w.add_document(t).unwrap();
    }
    w.commit().unwrap();
    drop(w);

    // stale schema (fields differ) with a current version file
    set_version(&path, SCHEMA_VERSION);
    assert!(matches!(
        Index::open_or_create(&path),
        Err(IndexError::SchemaChanged { .. })
    ));

    // a reindex is refused while someone writes to the old index
    let lock: tantivy::IndexWriter = old.writer(15_000_000).unwrap();
    assert!(matches!(reindex(&path), Err(IndexError::Locked { .. })));
    drop(lock);
    drop(old);

    assert_eq!(reindex(&path).unwrap().documents, 8);
    let index = Index::open_or_create(&path).unwrap();
    assert_eq!(index.count().unwrap(), 8);
    assert_eq!(
        ids(&index, "theme:travel_burden sentiment:negative"),
        sorted(&["forum:1", "forum:2"])
    );
    let results = index
        .search(&SearchRequest {
            query: "e-diary".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(results.total, 2);
}

#[test]
fn rollback_drops_the_batch_and_its_bookkeeping() {
    let index = indexed();
    let mut writer = index.writer().unwrap();
    let mut doc = build(&CORPUS[0]);
    doc.body.push_str(" Edited.");
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::Updated);
    assert!(writer.delete("forum:2").unwrap());
    writer.rollback().unwrap();
    assert_eq!(writer.pending(), 0);
    // after the rollback the writer answers from the committed index again
    assert!(writer.delete("forum:2").unwrap());
    assert_eq!(writer.upsert(&doc).unwrap(), UpsertOutcome::Updated);
    writer.rollback().unwrap();
    writer.commit().unwrap();
    assert_eq!(index.documents().unwrap().len(), 8);
    assert_eq!(index.get("forum:1").unwrap().unwrap(), build(&CORPUS[0]));
}
