//! A source plugin that misbehaves on purpose, for the host's sandbox tests.
//!
//! Its config names the misbehaviour (`{"mode": "loop"}` and so on); each mode
//! is one way a real plugin can go wrong: spin forever, allocate without end,
//! panic, ask for a host it never declared, follow a redirect off its
//! allow-list, pull a response far over the size cap, or return records that
//! break the contract. The host must fail that plugin's run with an error
//! that names the cause, and carry on with every other source.
//!
//! It is built like the real plugins (a `cdylib` for `wasm32-wasip2`) but
//! binds the contract with `wit-bindgen` directly rather than through the
//! SDK, so that the sandbox tests do not depend on the SDK's behaviour.

// The generated bindings use `unsafe` for the canonical ABI and carry no docs.
#![allow(unsafe_code, missing_docs)]

wit_bindgen::generate!({
    path: "../../../wit/since_v0.1.0",
    world: "source",
});

use hearken::source::host;
use hearken::source::types::{BodyFormat, Record, RecordKind};

struct Hostile;

/// The host this plugin declares. Tests grant it, and also grant `localhost`,
/// which the plugin does *not* declare.
const DECLARED_HOST: &str = "127.0.0.1";

#[derive(serde::Deserialize)]
struct Config {
    mode: String,
    #[serde(default)]
    url: Option<String>,
}

impl Guest for Hostile {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "hostile".into(),
            version: "0.1.0".into(),
            description: "Misbehaves in the way its config names (test fixture).".into(),
            hosts: vec![DECLARED_HOST.into()],
            config_schema: r#"{"type":"object","properties":{"mode":{"type":"string"},"url":{"type":"string"}},"required":["mode"]}"#.into(),
        }
    }

    fn fetch(config: String, _cursor: Option<String>) -> Result<Batch, SourceError> {
        let config: Config =
            serde_json::from_str(&config).map_err(|e| SourceError::Config(e.to_string()))?;
        let url = config.url.clone().unwrap_or_default();
        match config.mode.as_str() {
            "loop" => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            "membomb" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    let chunk = vec![0xA5u8; 1 << 20];
                    hoard.push(std::hint::black_box(chunk));
                }
            }
            "panic" => panic!("hostile plugin panics on purpose"),
            // The URL names a host that is granted but not declared, or
            // redirects to one, or returns far more than the cap: the host's
            // answer is passed back as the plugin's error so the test sees it.
            "undeclared-host" | "redirect" | "oversize" => match host::http_get(&url, &[]) {
                Ok(resp) => Err(SourceError::Other(format!(
                    "host returned {} bytes with status {}",
                    resp.body.len(),
                    resp.status
                ))),
                Err(e) => Err(SourceError::Http(format!("{e:?}"))),
            },
            "bad-records" => Ok(Batch {
                records: vec![Record {
                    id: String::new(),
                    url: "not a url".into(),
                    kind: RecordKind::Post,
                    thread_id: None,
                    parent_id: None,
                    author: None,
                    speaker_role: None,
                    published: Some("yesterday".into()),
                    title: None,
                    body: "text".into(),
                    body_format: BodyFormat::Text,
                    extra: vec![],
                }],
                cursor: None,
                exhausted: true,
            }),
            "never-exhausted" => Ok(Batch {
                records: vec![],
                cursor: Some("same".into()),
                exhausted: false,
            }),
            other => Err(SourceError::Config(format!("unknown mode `{other}`"))),
        }
    }
}

export!(Hostile);
