//! The host side of the `hearken:source/host` interface.
//!
//! Each function here is a capability the operator controls: `http-get` goes
//! through the [`HttpGate`]; `read-input` serves only the files named in the
//! source's configuration, by file name; `log` de-identifies before it
//! writes; `now` is the plugin's only clock.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::bindings::{HttpError, HttpResponse, InputError, Level, host_api};
use super::gate::{HttpGate, NetworkPolicy, Requester};
use super::runtime::HostState;

/// Turns text that may hold identifiers into text that does not. The
/// pipeline's de-identifier, wrapped so this module need not know it.
pub type Scrubber = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// Everything a call into a plugin may reach.
#[derive(Clone)]
pub struct CallContext {
    /// The network gate; `None` means no network at all (e.g. `describe`).
    pub gate: Option<Arc<HttpGate>>,
    /// Who is asking, for the gate and the audit log.
    pub requester: Requester,
    /// The operator's network policy for this source.
    pub network: NetworkPolicy,
    /// Files the operator granted to this source.
    pub inputs: Arc<Vec<PathBuf>>,
    /// Largest input file served, in bytes.
    pub max_input_bytes: u64,
    /// De-identifies plugin log lines and output. Without one, plugin log
    /// text is withheld from the log.
    pub scrubber: Option<Scrubber>,
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("requester", &self.requester)
            .finish_non_exhaustive()
    }
}

impl CallContext {
    /// No network, no inputs: for `describe`, which must not call imports.
    pub fn describe_only() -> Self {
        Self {
            gate: None,
            requester: Requester {
                source: String::new(),
                plugin: String::new(),
                declared: Vec::new(),
                run_id: None,
            },
            network: NetworkPolicy::default(),
            inputs: Arc::new(Vec::new()),
            max_input_bytes: 0,
            scrubber: None,
        }
    }
}

impl super::bindings::hearken::source::types::Host for HostState {}

impl host_api::Host for HostState {
    async fn http_get(
        &mut self,
        url: String,
        headers: Vec<(String, String)>,
    ) -> wasmtime::Result<Result<HttpResponse, HttpError>> {
        let Some(gate) = self.ctx.gate.clone() else {
            return Ok(Err(HttpError::Denied(
                "no network is available in this call".into(),
            )));
        };
        let requester = self.ctx.requester.clone();
        let network = self.ctx.network.clone();
        Ok(gate.get(&requester, &network, &url, &headers).await)
    }

    async fn read_input(&mut self, name: String) -> wasmtime::Result<Result<Vec<u8>, InputError>> {
        let found = self.ctx.inputs.iter().find(|p| {
            p.file_name().and_then(|f| f.to_str()) == Some(name.as_str())
                || p.to_str() == Some(name.as_str())
        });
        let Some(path) = found.cloned() else {
            let granted: Vec<String> = self
                .ctx
                .inputs
                .iter()
                .filter_map(|p| p.file_name().and_then(|f| f.to_str()).map(str::to_string))
                .collect();
            let granted = if granted.is_empty() {
                "none".to_string()
            } else {
                granted.join(", ")
            };
            return Ok(Err(InputError::NotGranted(format!(
                "input `{name}` is not named in this source's configuration (granted: {granted})"
            ))));
        };
        let cap = self.ctx.max_input_bytes;
        match tokio::fs::metadata(&path).await {
            Ok(meta) if meta.len() > cap => {
                return Ok(Err(InputError::Unreadable(format!(
                    "input `{name}` is {} bytes, over the {cap}-byte cap",
                    meta.len()
                ))));
            }
            Ok(_) => {}
            Err(e) => return Ok(Err(InputError::Unreadable(format!("input `{name}`: {e}")))),
        }
        Ok(tokio::fs::read(&path)
            .await
            .map_err(|e| InputError::Unreadable(format!("input `{name}`: {e}"))))
    }

    async fn log(&mut self, level: Level, message: String) -> wasmtime::Result<()> {
        let plugin = self.ctx.requester.plugin.as_str();
        let source = self.ctx.requester.source.as_str();
        let text = match &self.ctx.scrubber {
            Some(scrub) => scrub(&message),
            None => format!(
                "({} bytes withheld: no de-identifier in this call)",
                message.len()
            ),
        };
        match level {
            Level::Trace => tracing::trace!(plugin, source, "{text}"),
            Level::Debug => tracing::debug!(plugin, source, "{text}"),
            Level::Info => tracing::info!(plugin, source, "{text}"),
            Level::Warn => tracing::warn!(plugin, source, "{text}"),
            Level::Error => tracing::error!(plugin, source, "{text}"),
        }
        Ok(())
    }

    async fn now(&mut self) -> wasmtime::Result<i64> {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Ok(secs)
    }
}
