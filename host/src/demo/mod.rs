//! The demo: bundled sample data on a loopback web site.

pub mod site;
