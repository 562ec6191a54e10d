//! Migrations, and the checks that keep a damaged or foreign file from being
//! mistaken for an empty store.
//!
//! # Migrations
//!
//! Each migration is a numbered SQL file in `state/migrations/`, embedded in
//! the binary and listed in [`MIGRATIONS`] in order. `schema_version` records
//! `(version, name, applied_ms)` for each one applied. Opening a store:
//!
//! 1. takes the write lock (`BEGIN IMMEDIATE`), so two processes opening the
//!    same fresh file do not both migrate it;
//! 2. refuses a file whose highest version is newer than this binary knows
//!    ([`StateError::SchemaTooNew`]): an older hearken must not write into a
//!    layout it does not understand, and must not "repair" it either;
//! 3. refuses a file whose recorded migration names differ from ours
//!    ([`StateError::SchemaMismatch`]), which means it came from a different
//!    build lineage;
//! 4. applies the missing migrations, all in that one transaction, so a
//!    failure leaves the file exactly as it was.
//!
//! Re-opening an up-to-date store runs one `SELECT` and nothing else.
//!
//! # Damaged files
//!
//! A state store that silently started empty would forget every cursor and
//! re-ingest everything, and would lose the ledger and audit log with no
//! word. So a file that exists and is not a healthy SQLite database is an
//! error naming the file, and nothing here ever deletes or recreates it.
//! SQLite notices a bad header itself (`SQLITE_NOTADB`), but a *truncated*
//! file often opens fine and only fails when a missing page is read, maybe
//! weeks later. [`precheck`] therefore compares the page count in the file
//! header with the file's length before SQLite opens it. That comparison
//! is only valid when no `-wal` or `-journal` file is waiting to be
//! replayed (a checkpoint interrupted by a crash can legitimately leave the
//! main file short until recovery finishes), so it is skipped then. Any
//! later `SQLITE_CORRUPT`/`SQLITE_NOTADB` is reported the same way, and
//! `StateStore::integrity_check` runs SQLite's full check on demand.
//!
//! A zero-byte file is treated as a fresh store: that is what SQLite itself
//! creates before the first write, so a crash during creation leaves one.

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::StateError;
use crate::sql;

/// One migration: a numbered SQL file applied once, in order.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// 1-based, dense: migration `n` is `MIGRATIONS[n - 1]`.
    pub version: i64,
    /// The file name without `.sql`, recorded in `schema_version`.
    pub name: &'static str,
    /// The portable SQL text.
    pub sql: &'static str,
}

/// Every migration this binary knows, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_initial",
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "0002_remembered_names",
        sql: include_str!("../migrations/0002_remembered_names.sql"),
    },
];

/// The schema version this binary writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Checks the file header of an existing database file before SQLite opens
/// it (see the module docs for why).
pub(crate) fn precheck(path: &Path) -> Result<(), StateError> {
    let corrupt = |detail: String| StateError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(StateError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if !meta.is_file() {
        return Err(corrupt("it is not a regular file".into()));
    }
    let len = meta.len();
    if len == 0 {
        return Ok(());
    }
    let mut header = [0u8; 100];
    let mut file = File::open(path).map_err(|source| StateError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut got = 0;
    while got < header.len() {
        match file.read(&mut header[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(source) => {
                return Err(StateError::Io {
                    path: path.to_path_buf(),
                    source,
                });
            }
        }
    }
    if got < header.len() {
        return Err(corrupt(format!(
            "the file is {len} bytes, shorter than an SQLite header"
        )));
    }
    check_header(&header, len, has_pending_log(path)).map_err(corrupt)
}

/// The header checks, pure so they can be tested on bytes.
fn check_header(header: &[u8; 100], len: u64, pending_log: bool) -> Result<(), String> {
    if &header[..16] != b"SQLite format 3\0" {
        return Err("the file does not start with the SQLite header".into());
    }
    let raw_page = u16::from_be_bytes([header[16], header[17]]);
    let page_size: u64 = if raw_page == 1 {
        65536
    } else {
        u64::from(raw_page)
    };
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(format!(
            "the header names an invalid page size ({raw_page})"
        ));
    }
    let change_counter = u32::from_be_bytes([header[24], header[25], header[26], header[27]]);
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    let valid_for = u32::from_be_bytes([header[92], header[93], header[94], header[95]]);
    // The in-header size is only authoritative when "version-valid-for"
    // matches the change counter (SQLite's own rule, fileformat §1.3.7).
    if !pending_log && pages > 0 && valid_for == change_counter {
        let expected = pages * page_size;
        if len < expected {
            return Err(format!(
                "the file is truncated: {len} bytes, but its header says {pages} pages of {page_size} bytes ({expected} bytes)"
            ));
        }
    }
    Ok(())
}

/// Whether a non-empty `-wal` or `-journal` file sits beside the database.
fn has_pending_log(path: &Path) -> bool {
    ["-wal", "-journal"].iter().any(|suffix| {
        let mut name = OsString::from(path.as_os_str());
        name.push(suffix);
        std::fs::metadata(PathBuf::from(name)).is_ok_and(|m| m.len() > 0)
    })
}

/// Creates `schema_version` if needed and applies the missing migrations,
/// refusing newer or foreign schemas. Returns how many were applied.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    now_ms: i64,
    map: impl Fn(&'static str, rusqlite::Error) -> StateError,
) -> Result<usize, StateError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| map("begin migration", e))?;
    tx.execute_batch(sql::CREATE_SCHEMA_VERSION)
        .map_err(|e| map("create schema_version", e))?;
    let applied: Vec<(i64, String)> = {
        let mut stmt = tx
            .prepare(sql::SELECT_SCHEMA_VERSIONS)
            .map_err(|e| map("read schema_version", e))?;
        let rows = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|e| map("read schema_version", e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| map("read schema_version", e))?
    };
    if let Some(&(found, _)) = applied.last()
        && found > SCHEMA_VERSION
    {
        return Err(StateError::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, (version, name)) in applied.iter().enumerate() {
        let expected = MIGRATIONS.get(i);
        if expected.is_none_or(|m| m.version != *version || m.name != name) {
            return Err(StateError::SchemaMismatch {
                path: path.to_path_buf(),
                version: *version,
                found: name.clone(),
                expected: expected.map_or_else(|| "(none)".to_owned(), |m| m.name.to_owned()),
            });
        }
    }
    let mut count = 0;
    for m in &MIGRATIONS[applied.len()..] {
        tx.execute_batch(m.sql)
            .map_err(|source| StateError::Migration {
                path: path.to_path_buf(),
                version: m.version,
                name: m.name,
                source,
            })?;
        tx.execute(
            sql::INSERT_SCHEMA_VERSION,
            params![m.version, m.name, now_ms],
        )
        .map_err(|e| map("record migration", e))?;
        tracing::info!(path = %path.display(), version = m.version, name = m.name, "applied state store migration");
        count += 1;
    }
    tx.commit().map_err(|e| map("commit migration", e))?;
    Ok(count)
}

/// Touches the root page of every table, so that a file whose pages are
/// damaged fails at open rather than in the middle of a run. Cheap: one
/// page read per table, whatever the table's size.
pub(crate) fn touch_tables(
    conn: &Connection,
    map: impl Fn(&'static str, rusqlite::Error) -> StateError,
) -> Result<(), StateError> {
    for table in [
        "runs",
        "run_redactions",
        "cursors",
        "audit_log",
        "http_validators",
        "robots_cache",
        "remembered_names",
    ] {
        conn.query_row(&format!("SELECT 1 FROM {table} LIMIT 1"), [], |_| Ok(()))
            .optional()
            .map_err(|e| map("read table", e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list above must name every file in `migrations/`, in order, so
    /// that a new file cannot be forgotten.
    #[test]
    fn migrations_match_the_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{}.sql", m.name))
            .collect();
        assert_eq!(files, listed);
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(m.name.starts_with(&format!("{:04}_", m.version)));
        }
    }

    fn header(page_size: u16, pages: u32, counter: u32, valid_for: u32) -> [u8; 100] {
        let mut h = [0u8; 100];
        h[..16].copy_from_slice(b"SQLite format 3\0");
        h[16..18].copy_from_slice(&page_size.to_be_bytes());
        h[24..28].copy_from_slice(&counter.to_be_bytes());
        h[28..32].copy_from_slice(&pages.to_be_bytes());
        h[92..96].copy_from_slice(&valid_for.to_be_bytes());
        h
    }

    #[test]
    fn header_checks() {
        assert!(check_header(&header(4096, 3, 7, 7), 3 * 4096, false).is_ok());
        assert!(check_header(&header(4096, 3, 7, 7), 4 * 4096, false).is_ok());
        let short = check_header(&header(4096, 3, 7, 7), 2 * 4096, false).unwrap_err();
        assert!(short.contains("truncated"), "{short}");
        // A pending WAL may legitimately leave the main file short.
        assert!(check_header(&header(4096, 3, 7, 7), 2 * 4096, true).is_ok());
        // A stale in-header size is not trusted.
        assert!(check_header(&header(4096, 3, 7, 6), 2 * 4096, false).is_ok());
        // 1 encodes 65536.
        assert!(check_header(&header(1, 1, 1, 1), 65536, false).is_ok());
        assert!(check_header(&header(1000, 1, 1, 1), 1000, false).is_err());
        let mut bad = header(4096, 1, 1, 1);
        bad[0] = b'X';
        assert!(
            check_header(&bad, 4096, false)
                .unwrap_err()
                .contains("header")
        );
    }
}
