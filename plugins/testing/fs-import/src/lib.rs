//! A source plugin that reads the file system, which source plugins may not.
//!
//! Calling `std::fs` makes the component import `wasi:filesystem`. The host
//! links no file system, so it must refuse this plugin at load time with a
//! message that says so, before any of its code runs.

// The generated bindings use `unsafe` for the canonical ABI and carry no docs.
#![allow(unsafe_code, missing_docs)]

wit_bindgen::generate!({
    path: "../../../wit/since_v0.1.0",
    world: "source",
});

struct FsImport;

impl Guest for FsImport {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "fs-import".into(),
            version: "0.1.0".into(),
            description: "Tries to read /etc/passwd (test fixture).".into(),
            hosts: vec![],
            config_schema: r#"{"type":"object"}"#.into(),
        }
    }

    fn fetch(_config: String, _cursor: Option<String>) -> Result<Batch, SourceError> {
        match std::fs::read_to_string("/etc/passwd") {
            Ok(s) => Err(SourceError::Other(format!("read {} bytes", s.len()))),
            Err(e) => Err(SourceError::Input(e.to_string())),
        }
    }
}

export!(FsImport);
