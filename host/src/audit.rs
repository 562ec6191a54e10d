//! The audit log writer: every request the gate allows or denies, stored in
//! the state store in batches, off the request's path.
//!
//! The gate records one entry per request. Written one transaction at a
//! time, the entry cost each request a write lock on the state store and a
//! WAL append, about 0.14 ms, on the plugin's chain of calls, which is what
//! bounds a crawl: a 100k ingest makes some 6,700 requests, and the forum's
//! chain spent 0.8 s of its 27 s there. So the gate hands entries to a
//! writer thread instead, which stores whatever has queued up in one
//! transaction ([`StateStore::audit_batch`], several times cheaper per
//! entry).
//!
//! Nothing is lost by the hand-off. The writer takes entries as soon as they
//! come, so the log trails the requests by one transaction; the ingest loop
//! [`flush`](AuditSink::flush)es before it commits a cursor and when a run
//! ends, so the log is never behind the state it explains; and dropping the
//! writer (the end of every command) stores what is left before it returns.
//! A write that fails is logged with how many entries it lost, as a failed
//! single write was before.

use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread::JoinHandle;

use hearken_state::StateStore;

use crate::plugin::gate::{AuditEntry, AuditSink, Decision};

/// Most entries stored in one transaction.
const BATCH: usize = 256;

enum Message {
    Entry(Box<AuditEntry>),
    /// Answered once every entry sent before it is stored.
    Flush(SyncSender<()>),
}

/// The audit log in the state store, as the gate's sink (see the module
/// docs).
pub struct StateAudit {
    store: StateStore,
    /// `None` when the writer thread could not be started: entries are then
    /// written one at a time, on the caller's thread.
    writer: Mutex<Option<(Sender<Message>, JoinHandle<()>)>>,
}

impl StateAudit {
    /// A sink writing to `store` from a thread of its own.
    pub fn new(store: StateStore) -> Self {
        let (tx, rx) = mpsc::channel();
        let writer_store = store.clone();
        let writer = std::thread::Builder::new()
            .name("hearken-audit".into())
            .spawn(move || write_batches(&writer_store, &rx));
        let writer = match writer {
            Ok(handle) => Some((tx, handle)),
            Err(e) => {
                tracing::warn!("audit entries are written one at a time: no writer thread ({e})");
                None
            }
        };
        StateAudit {
            store,
            writer: Mutex::new(writer),
        }
    }

    fn sender(&self) -> Option<Sender<Message>> {
        let writer = self.writer.lock().ok()?;
        writer.as_ref().map(|(tx, _)| tx.clone())
    }
}

impl AuditSink for StateAudit {
    fn record(&self, entry: AuditEntry) {
        let entry = match self.sender() {
            Some(tx) => match tx.send(Message::Entry(Box::new(entry))) {
                Ok(()) => return,
                // The writer is gone (it only stops when dropped): store
                // this one here.
                Err(mpsc::SendError(Message::Entry(entry))) => *entry,
                Err(_) => return,
            },
            None => entry,
        };
        if let Err(err) = self.store.audit(&to_state(entry)) {
            tracing::error!("could not write the audit log: {err}");
        }
    }

    fn flush(&self) {
        let Some(tx) = self.sender() else {
            return;
        };
        let (done_tx, done_rx) = mpsc::sync_channel(1);
        if tx.send(Message::Flush(done_tx)).is_ok() {
            // An error means the writer ended, and with it the entries.
            let _ = done_rx.recv();
        }
    }
}

impl Drop for StateAudit {
    fn drop(&mut self) {
        let writer = self.writer.get_mut().ok().and_then(Option::take);
        if let Some((tx, handle)) = writer {
            // Closing the channel ends the writer once it has stored the rest.
            drop(tx);
            if handle.join().is_err() {
                tracing::error!("the audit log writer panicked; entries may be missing");
            }
        }
    }
}

/// The writer thread: block for an entry, take whatever else has queued up
/// (to [`BATCH`]), store it in one transaction, answer flushes; until every
/// sender is gone.
fn write_batches(store: &StateStore, rx: &Receiver<Message>) {
    let mut batch: Vec<hearken_state::AuditEntry> = Vec::with_capacity(BATCH);
    let mut flushes: Vec<SyncSender<()>> = Vec::new();
    while let Ok(first) = rx.recv() {
        let mut next = Some(first);
        while let Some(message) = next {
            match message {
                Message::Entry(entry) => batch.push(to_state(*entry)),
                Message::Flush(done) => flushes.push(done),
            }
            next = if batch.len() < BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if let Err(err) = store.audit_batch(&batch) {
            tracing::error!(
                "could not write the audit log ({} entries lost): {err}",
                batch.len()
            );
        }
        batch.clear();
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

fn to_state(e: AuditEntry) -> hearken_state::AuditEntry {
    hearken_state::AuditEntry {
        run: e.run_id.map(hearken_state::RunId::from),
        source: e.source,
        plugin: e.plugin,
        method: "GET".into(),
        host: e.host,
        path: e.path,
        status: e.status,
        bytes: e.bytes,
        millis: e.millis,
        decision: match e.decision {
            Decision::Allowed => hearken_state::Decision::Allowed,
            Decision::Denied => hearken_state::Decision::Denied,
        },
        reason: e.reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> AuditEntry {
        AuditEntry {
            run_id: None,
            source: "forum".into(),
            plugin: "forum".into(),
            host: "127.0.0.1:8080".into(),
            path: path.into(),
            status: Some(200),
            bytes: 10,
            millis: 1,
            decision: Decision::Allowed,
            reason: None,
        }
    }

    fn stored(store: &StateStore) -> Vec<String> {
        let mut paths: Vec<String> = store
            .audit_log(hearken_state::AuditFilter::default())
            .unwrap()
            .into_iter()
            .map(|r| r.path)
            .collect();
        paths.sort();
        paths
    }

    #[test]
    fn a_flush_returns_once_every_entry_before_it_is_stored() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.db")).unwrap();
        let audit = StateAudit::new(store.clone());
        let mut want = Vec::new();
        for i in 0..1000 {
            let path = format!("/p/{i:04}");
            audit.record(entry(&path));
            want.push(path);
        }
        audit.flush();
        assert_eq!(stored(&store), want);
    }

    #[test]
    fn dropping_the_sink_stores_what_is_queued() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(&dir.path().join("state.db")).unwrap();
        let audit = StateAudit::new(store.clone());
        for i in 0..300 {
            audit.record(entry(&format!("/q/{i}")));
        }
        drop(audit);
        assert_eq!(stored(&store).len(), 300);
    }
}
