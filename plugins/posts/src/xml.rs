//! A small, forgiving XML tree over `quick-xml`.
//!
//! Feeds are read as a tree (a feed page is at most a few hundred kilobytes)
//! because RSS and Atom elements come in any order and the parsers look
//! things up by name. The tree keeps each element's namespace URI and local
//! name, so `content:encoded`, `dc:date` or an Atom element in an RSS feed are
//! found by what they are, not by the prefix a publisher chose.
//!
//! Real feeds are not always well-formed; the reader is lenient where it
//! costs nothing: end tags need not match (`check_end_names` off), HTML named
//! entities (`&nbsp;`, `&eacute;`), which XML does not define but feeds use,
//! resolve through the HTML table (`web_atoms`, already in the build through
//! the SDK's HTML parser), and a document cut off mid-way yields what was
//! read. Errors carry the byte offset, never content.

use quick_xml::NsReader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

/// Namespace URIs the feed parsers care about.
pub mod ns {
    /// Atom 1.0.
    pub const ATOM: &str = "http://www.w3.org/2005/Atom";
    /// Atom 0.3.
    pub const ATOM03: &str = "http://purl.org/atom/ns#";
    /// RSS 1.0.
    pub const RSS1: &str = "http://purl.org/rss/1.0/";
    /// RDF.
    pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    /// Dublin Core elements.
    pub const DC: &str = "http://purl.org/dc/elements/1.1/";
    /// RSS content module.
    pub const CONTENT: &str = "http://purl.org/rss/1.0/modules/content/";
    /// RSS 0.90 (Netscape).
    pub const RSS090: &str = "http://my.netscape.com/rdf/simple/0.9/";
    /// XHTML.
    pub const XHTML: &str = "http://www.w3.org/1999/xhtml";
}

/// An XML element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI, if the name is bound to one.
    pub ns: Option<String>,
    /// Local name (without prefix).
    pub name: String,
    /// Attributes: (namespace URI, local name, value).
    pub attrs: Vec<(Option<String>, String, String)>,
    /// Child nodes in order.
    pub children: Vec<Node>,
}

/// A node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Character data (text and CDATA, entities resolved).
    Text(String),
}

/// Why a document could not be read as XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// Malformed XML before any root element closed.
    #[error("malformed XML at byte {offset}: {reason}")]
    Malformed {
        /// Byte offset in the decoded text.
        offset: u64,
        /// quick-xml's description (names, never content).
        reason: String,
    },
    /// No root element at all.
    #[error("no root element")]
    Empty,
}

impl Element {
    /// Whether this element is `name` in namespace `ns` (`None`: no
    /// namespace or any, see [`Element::is_any`]).
    pub fn is(&self, ns: Option<&str>, name: &str) -> bool {
        self.name == name && self.ns.as_deref() == ns
    }

    /// Whether this element's local name is `name`, whatever the namespace.
    pub fn is_any(&self, name: &str) -> bool {
        self.name == name
    }

    /// Child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name` in namespace `ns`.
    pub fn child(&self, ns: Option<&str>, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// Child elements named `name` in namespace `ns`.
    pub fn children_named<'a>(
        &'a self,
        ns: Option<&'a str>,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.elements().filter(move |e| e.is(ns, name))
    }

    /// An attribute without namespace, by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(ns, n, _)| ns.is_none() && n == name)
            .map(|(_, _, v)| v.as_str())
    }

    /// An attribute in namespace `ns`, by local name.
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n_ns, n, _)| n_ns.as_deref() == Some(ns) && n == name)
            .map(|(_, _, v)| v.as_str())
    }

    /// All descendant text, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        fn walk(e: &Element, out: &mut String) {
            for c in &e.children {
                match c {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(e) => walk(e, out),
                }
            }
        }
        walk(self, &mut out);
        out
    }

    /// The children serialised back to markup (for Atom `type="xhtml"`
    /// content, which is inline XHTML).
    pub fn inner_xml(&self) -> String {
        let mut out = String::new();
        fn esc(s: &str, out: &mut String) {
            for c in s.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    c => out.push(c),
                }
            }
        }
        fn walk(nodes: &[Node], out: &mut String) {
            for n in nodes {
                match n {
                    Node::Text(t) => esc(t, out),
                    Node::Element(e) => {
                        out.push('<');
                        out.push_str(&e.name);
                        for (_, k, v) in &e.attrs {
                            out.push(' ');
                            out.push_str(k);
                            out.push_str("=\"");
                            esc(v, out);
                            out.push('"');
                        }
                        out.push('>');
                        walk(&e.children, out);
                        out.push_str("</");
                        out.push_str(&e.name);
                        out.push('>');
                    }
                }
            }
        }
        walk(&self.children, &mut out);
        out
    }
}

fn ns_of(r: &ResolveResult<'_>) -> Option<String> {
    match r {
        ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
        _ => None,
    }
}

/// Resolves an entity name: XML's five, then HTML's named references.
fn entity(name: &str) -> Option<String> {
    match name {
        "amp" => return Some("&".into()),
        "lt" => return Some("<".into()),
        "gt" => return Some(">".into()),
        "quot" => return Some("\"".into()),
        "apos" => return Some("'".into()),
        _ => {}
    }
    let key = format!("{name};");
    match web_atoms::NAMED_ENTITIES.get(key.as_str()) {
        Some(&(0, 0)) | None => None,
        Some(&(a, b)) => {
            let mut s = String::new();
            s.extend(char::from_u32(a));
            if b != 0 {
                s.extend(char::from_u32(b));
            }
            Some(s)
        }
    }
}

fn general_ref(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    let name = String::from_utf8_lossy(r);
    entity(&name).unwrap_or_else(|| format!("&{name};"))
}

fn unescape(s: &str) -> String {
    // Attribute values arrive with references in place.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find(';') {
            Some(j) if j <= 32 => {
                let name = &after[..j];
                let resolved = if let Some(num) = name.strip_prefix('#') {
                    let v = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    v.and_then(char::from_u32).map(|c| c.to_string())
                } else {
                    entity(name)
                };
                match resolved {
                    Some(r) => {
                        out.push_str(&r);
                        rest = &after[j + 1..];
                    }
                    None => {
                        out.push('&');
                        rest = after;
                    }
                }
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn element_from(reader: &NsReader<&[u8]>, ns: Option<String>, e: &BytesStart<'_>) -> Element {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes().with_checks(false).flatten() {
        let (ans, local) = reader.resolve_attribute(a.key);
        let local = String::from_utf8_lossy(local.as_ref()).into_owned();
        // `xmlns` declarations are not data.
        if a.key.as_ref() == b"xmlns" || a.key.as_ref().starts_with(b"xmlns:") {
            continue;
        }
        let raw = String::from_utf8_lossy(&a.value);
        attrs.push((ns_of(&ans), local, unescape(&raw)));
    }
    Element {
        ns,
        name,
        attrs,
        children: Vec::new(),
    }
}

/// Parses a document into its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = NsReader::from_reader(text.as_bytes());
    reader.config_mut().check_end_names = false;
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let offset = reader.buffer_position();
        let event = match reader.read_resolved_event() {
            Ok(ev) => ev,
            Err(e) => {
                if root.is_some() || !stack.is_empty() {
                    // A truncated or broken tail: keep what was read.
                    break;
                }
                return Err(XmlError::Malformed {
                    offset,
                    reason: e.to_string(),
                });
            }
        };
        match event {
            (resolved, Event::Start(e)) => {
                let ns = ns_of(&resolved);
                let el = element_from(&reader, ns, &e);
                stack.push(el);
            }
            (resolved, Event::Empty(e)) => {
                let ns = ns_of(&resolved);
                let el = element_from(&reader, ns, &e);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(el)),
                    None => {
                        root.get_or_insert(el);
                    }
                }
            }
            (_, Event::End(_)) => {
                if let Some(done) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(done)),
                        None => {
                            root.get_or_insert(done);
                        }
                    }
                }
            }
            (_, Event::Text(t)) => {
                if let Some(parent) = stack.last_mut() {
                    let s = t.xml_content().map(|c| c.into_owned()).unwrap_or_default();
                    push_text(parent, s);
                }
            }
            (_, Event::CData(c)) => {
                if let Some(parent) = stack.last_mut() {
                    push_text(parent, String::from_utf8_lossy(&c).into_owned());
                }
            }
            (_, Event::GeneralRef(r)) => {
                if let Some(parent) = stack.last_mut() {
                    push_text(parent, general_ref(&r));
                }
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    // Unclosed elements at the end: close them.
    while let Some(done) = stack.pop() {
        match stack.last_mut() {
            Some(parent) => parent.children.push(Node::Element(done)),
            None => {
                root.get_or_insert(done);
            }
        }
    }
    root.ok_or(XmlError::Empty)
}

fn push_text(parent: &mut Element, s: String) {
    if let Some(Node::Text(prev)) = parent.children.last_mut() {
        prev.push_str(&s);
    } else {
        parent.children.push(Node::Text(s));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_entities_and_cdata() {
        let root = parse(
            r#"<rss xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><item a="x &amp; y"><title>Caf&eacute; &amp; tea&nbsp;&#8217;s</title><content:encoded><![CDATA[<p>Hi</p>]]></content:encoded></item></channel></rss>"#,
        )
        .unwrap();
        let item = root
            .child(None, "channel")
            .unwrap()
            .child(None, "item")
            .unwrap();
        assert_eq!(item.attr("a"), Some("x & y"));
        assert_eq!(
            item.child(None, "title").unwrap().text(),
            "Café & tea\u{a0}’s"
        );
        assert_eq!(
            item.child(Some(ns::CONTENT), "encoded").unwrap().text(),
            "<p>Hi</p>"
        );
    }

    #[test]
    fn truncated_documents_keep_what_was_read() {
        let root = parse("<feed><entry><title>one</title></entry><entry><title>tw").unwrap();
        assert_eq!(root.elements().count(), 2);
        assert!(matches!(parse("not xml"), Err(XmlError::Empty)));
    }

    #[test]
    fn xhtml_inner_markup() {
        let root = parse(r#"<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>a &lt; b</p></div></content>"#).unwrap();
        assert_eq!(root.inner_xml(), "<div><p>a &lt; b</p></div>");
    }
}
