//! Hearken: evidence-linked patient personas from what patients say in public.
//!
//! This crate is the `hearken` binary's library: the plugin runtime, the
//! pipeline, and the commands. It is a library so that end-to-end tests can
//! drive the same code the binary runs.

pub mod app;
pub mod audit;
pub mod cli;
pub mod config;
pub mod demo;
pub mod ingest;
pub mod pipeline;
pub mod plugin;
pub mod progress;
pub mod report;
pub mod schedule;
pub mod serve;
