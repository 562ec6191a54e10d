//! Output modes: text for people, one JSON document for machines.

use std::io::Write;

use serde::Serialize;

/// Where results go.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// Print JSON instead of text.
    pub json: bool,
}

impl Output {
    /// Print `value` as JSON (when `--json`) or run `text` to print it for
    /// people.
    pub fn emit<T: Serialize>(
        &self,
        value: &T,
        text: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> anyhow::Result<()> {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        if self.json {
            serde_json::to_writer_pretty(&mut lock, value)?;
            writeln!(lock)?;
        } else {
            text(&mut lock)?;
        }
        lock.flush()?;
        Ok(())
    }
}
