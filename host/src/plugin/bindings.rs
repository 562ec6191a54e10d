//! Rust bindings for the `hearken:source` contract, generated from `wit/`.
//!
//! Imports are `async` (the host answers `http-get` over the network without
//! blocking other sources) and `trappable` (a host function can end a call
//! that has broken the rules, e.g. by trapping on a capability violation that
//! must not be retried). Exports are `async` so that a running plugin yields
//! to the executor at every epoch tick.

#![allow(missing_docs)] // generated from the WIT, whose own docs are the reference

wasmtime::component::bindgen!({
    path: "../wit/since_v0.1.0",
    world: "source",
    imports: { default: async | trappable },
    exports: { default: async },
});

pub use self::hearken::source::host::{
    self as host_api, HttpError, HttpResponse, InputError, Level,
};
pub use self::hearken::source::types::{BodyFormat, Record, RecordKind};
