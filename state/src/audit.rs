//! What of a request's path the audit log keeps.
//!
//! The audit log answers "which plugin contacted which host, where, when,
//! and was it allowed" — for an operator, a site owner or a privacy
//! reviewer. It does not need query-string *values* to answer that, and
//! those values are where the sensitive things in a URL live: API keys and
//! session tokens, search terms ("metformin side effects"), e-mail
//! addresses in unsubscribe links. So [`audit_path`] keeps the path and the
//! parameter names and replaces every value with `*`:
//!
//! ```
//! # use hearken_state::audit_path;
//! assert_eq!(audit_path("/search?q=knee+pain&page=2#top"), "/search?q=*&page=*");
//! ```
//!
//! Path segments stay as they are. They can carry a thread slug or a
//! public handle, but they are the very public addresses that evidence links
//! in the index point at, and without them the log could not show which
//! pages a plugin read. A parameter with no `=` (`?abc`) could be a bare
//! value, so it becomes `*` too, as does an implausibly long name. The path
//! is capped at [`MAX_AUDIT_PATH`] bytes.

/// The longest path kept, in bytes (longer ones are cut and end in `...`).
pub const MAX_AUDIT_PATH: usize = 1024;
/// The longest query parameter name kept; longer ones are masked.
const MAX_PARAM_NAME: usize = 64;

/// The path and query of a request as the audit log stores it: fragment
/// dropped, query values masked, length capped. Pure; see the module docs.
pub fn audit_path(raw: &str) -> String {
    let without_fragment = raw.split('#').next().unwrap_or("");
    let (path, query) = match without_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (without_fragment, None),
    };
    let mut out = String::with_capacity(without_fragment.len().min(MAX_AUDIT_PATH));
    push_clean(&mut out, if path.is_empty() { "/" } else { path });
    if let Some(query) = query {
        let mut first = true;
        for param in query.split('&').filter(|p| !p.is_empty()) {
            out.push(if first { '?' } else { '&' });
            first = false;
            match param.split_once('=') {
                Some((name, _)) if !name.is_empty() && name.len() <= MAX_PARAM_NAME => {
                    push_clean(&mut out, name);
                    out.push_str("=*");
                }
                _ => out.push('*'),
            }
        }
    }
    if out.len() > MAX_AUDIT_PATH {
        let mut cut = MAX_AUDIT_PATH - 3;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

/// Appends `s` with control characters replaced, so that a stored path can
/// never break a log line or a terminal.
fn push_clean(out: &mut String, s: &str) {
    out.extend(s.chars().map(|c| if c.is_control() { '_' } else { c }));
}

/// Caps a host-written text (an error or a reason) at `max` bytes.
pub(crate) fn cap_text(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut cut = max.saturating_sub(3);
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &s[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_values_keeps_names() {
        assert_eq!(audit_path("/t/42?page=3"), "/t/42?page=*");
        assert_eq!(
            audit_path("/api?api_key=SECRET123&q=jane%40example.com"),
            "/api?api_key=*&q=*"
        );
        assert_eq!(
            audit_path("/unsubscribe?jane@example.com"),
            "/unsubscribe?*"
        );
        assert_eq!(audit_path("/a?x=1&&y="), "/a?x=*&y=*");
        assert_eq!(audit_path("/a?=v"), "/a?*");
    }

    #[test]
    fn drops_fragment_and_empty_query() {
        assert_eq!(audit_path("/a/b#section?x=1"), "/a/b");
        assert_eq!(audit_path("/a?"), "/a");
        assert_eq!(audit_path(""), "/");
        assert_eq!(audit_path("?q=1"), "/?q=*");
    }

    #[test]
    fn no_value_survives() {
        let raw = "/search?q=SENTINEL1&token=SENTINEL2&SENTINEL3&x=a=SENTINEL4";
        let out = audit_path(raw);
        assert!(!out.contains("SENTINEL"), "{out}");
        assert_eq!(out, "/search?q=*&token=*&*&x=*");
    }

    #[test]
    fn long_names_and_paths_are_capped() {
        let name = "n".repeat(65);
        assert_eq!(audit_path(&format!("/a?{name}=1")), "/a?*");
        let long = format!("/{}", "é".repeat(2000));
        let out = audit_path(&long);
        assert!(out.len() <= MAX_AUDIT_PATH);
        assert!(out.ends_with("..."));
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(audit_path("/a\nb\u{1b}[31m"), "/a_b_[31m");
    }

    #[test]
    fn cap_text_respects_char_boundaries() {
        assert_eq!(cap_text("short", 10), "short");
        let capped = cap_text(&"é".repeat(10), 8);
        assert!(capped.len() <= 8, "{capped}");
        assert!(capped.ends_with("..."));
    }
}
