//! WebVTT cue text: the W3C "cue text parsing rules" (tokenizer and tree
//! builder), and the two things a transcript needs from the tree — who is
//! speaking (`<v Speaker>` voice spans) and the plain text they said.
//!
//! Character references follow HTML's rules, as the specification asks: the
//! full table of named references (including the legacy ones that may omit
//! the semicolon, so `&not` and `&notit;` behave as in a browser) comes from
//! `web_atoms`, the table html5ever uses, which the SDK's HTML parser already
//! brings into the build. Numeric references map C1 controls through
//! Windows-1252 and replace invalid code points with U+FFFD.
//!
//! The tree is checked against the web-platform-tests cue-text cases in
//! `tests/w3c_webvtt.rs`.

/// The kind of an internal node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// `<c>`: a class span.
    Class,
    /// `<i>`.
    Italic,
    /// `<b>`.
    Bold,
    /// `<u>`.
    Underline,
    /// `<ruby>`.
    Ruby,
    /// `<rt>` (only inside `<ruby>`).
    RubyText,
    /// `<v Speaker>`: the annotation is the speaker's name.
    Voice(String),
    /// `<lang tag>`.
    Lang(String),
}

impl Element {
    fn tag(&self) -> &'static str {
        match self {
            Element::Class => "c",
            Element::Italic => "i",
            Element::Bold => "b",
            Element::Underline => "u",
            Element::Ruby => "ruby",
            Element::RubyText => "rt",
            Element::Voice(_) => "v",
            Element::Lang(_) => "lang",
        }
    }
}

/// A node of the cue text tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// Text, with character references resolved.
    Text(String),
    /// A timestamp tag, in milliseconds.
    Timestamp(u64),
    /// An element with its classes and children.
    Element {
        /// Which element.
        element: Element,
        /// Its classes (`<c.a.b>`), empty names dropped.
        classes: Vec<String>,
        /// Its children.
        children: Vec<Node>,
    },
}

enum Token {
    Text(String),
    Start {
        name: String,
        classes: Vec<String>,
        annotation: String,
    },
    End(String),
    Timestamp(String),
}

struct Tokenizer<'a> {
    s: &'a [char],
    pos: usize,
}

fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r')
}

impl Tokenizer<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }

    /// The WebVTT cue text tokenizer; `None` at the end of input.
    fn next_token(&mut self) -> Option<Token> {
        #[derive(PartialEq)]
        enum State {
            Data,
            Tag,
            StartTag,
            StartTagClass,
            StartTagAnnotation,
            EndTag,
            TimestampTag,
        }
        if self.pos >= self.s.len() {
            return None;
        }
        let mut state = State::Data;
        let mut result = String::new();
        let mut buffer = String::new();
        let mut classes: Vec<String> = Vec::new();
        let start_tag = |result: String, classes: Vec<String>, annotation: String| Token::Start {
            name: result,
            classes,
            annotation,
        };
        loop {
            let c = self.peek();
            match state {
                State::Data => match c {
                    Some('&') => {
                        self.pos += 1;
                        match char_ref(self.s, &mut self.pos, None) {
                            Some(s) => result.push_str(&s),
                            None => result.push('&'),
                        }
                        continue;
                    }
                    Some('<') if result.is_empty() => state = State::Tag,
                    Some('<') | None => return Some(Token::Text(result)),
                    Some(c) => result.push(c),
                },
                State::Tag => match c {
                    Some('\t' | '\n' | '\x0C' | ' ') => state = State::StartTagAnnotation,
                    Some('.') => state = State::StartTagClass,
                    Some('/') => state = State::EndTag,
                    Some(d) if d.is_ascii_digit() => {
                        result.push(d);
                        state = State::TimestampTag;
                    }
                    Some('>') => {
                        self.pos += 1;
                        return Some(start_tag(String::new(), classes, String::new()));
                    }
                    None => return Some(start_tag(String::new(), classes, String::new())),
                    Some(c) => {
                        result.push(c);
                        state = State::StartTag;
                    }
                },
                State::StartTag => match c {
                    Some('\t' | '\x0C' | ' ') => state = State::StartTagAnnotation,
                    Some('\n') => {
                        buffer.push('\n');
                        state = State::StartTagAnnotation;
                    }
                    Some('.') => state = State::StartTagClass,
                    Some('>') => {
                        self.pos += 1;
                        return Some(start_tag(result, classes, String::new()));
                    }
                    None => return Some(start_tag(result, classes, String::new())),
                    Some(c) => result.push(c),
                },
                State::StartTagClass => match c {
                    Some('\t' | '\x0C' | ' ') => {
                        classes.push(std::mem::take(&mut buffer));
                        state = State::StartTagAnnotation;
                    }
                    Some('\n') => {
                        classes.push(std::mem::take(&mut buffer));
                        buffer.push('\n');
                        state = State::StartTagAnnotation;
                    }
                    Some('.') => classes.push(std::mem::take(&mut buffer)),
                    Some('>') => {
                        self.pos += 1;
                        classes.push(buffer);
                        return Some(start_tag(result, classes, String::new()));
                    }
                    None => {
                        classes.push(buffer);
                        return Some(start_tag(result, classes, String::new()));
                    }
                    Some(c) => buffer.push(c),
                },
                State::StartTagAnnotation => match c {
                    Some('&') => {
                        self.pos += 1;
                        match char_ref(self.s, &mut self.pos, Some('>')) {
                            Some(s) => buffer.push_str(&s),
                            None => buffer.push('&'),
                        }
                        continue;
                    }
                    Some('>') => {
                        self.pos += 1;
                        return Some(start_tag(result, classes, collapse_ws(&buffer)));
                    }
                    None => return Some(start_tag(result, classes, collapse_ws(&buffer))),
                    Some(c) => buffer.push(c),
                },
                State::EndTag => match c {
                    Some('>') => {
                        self.pos += 1;
                        return Some(Token::End(result));
                    }
                    None => return Some(Token::End(result)),
                    Some(c) => result.push(c),
                },
                State::TimestampTag => match c {
                    Some('>') => {
                        self.pos += 1;
                        return Some(Token::Timestamp(result));
                    }
                    None => return Some(Token::Timestamp(result)),
                    Some(c) => result.push(c),
                },
            }
            self.pos += 1;
        }
    }
}

/// Strips leading and trailing whitespace and collapses runs to one space.
fn collapse_ws(s: &str) -> String {
    s.split(is_ws)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// HTML's "consume a character reference", called after the `&`. Returns
/// `None` (and leaves `pos` alone) when the text is not a reference.
fn char_ref(s: &[char], pos: &mut usize, additional: Option<char>) -> Option<String> {
    let c = *s.get(*pos)?;
    if matches!(c, '\t' | '\n' | '\x0C' | ' ' | '<' | '&') || Some(c) == additional {
        return None;
    }
    if c == '#' {
        return numeric_ref(s, pos);
    }
    // Named: longest key of the table that the text starts with. The table
    // holds every prefix of every name, so we can stop at the first miss.
    let mut name = String::new();
    let mut best: Option<(usize, (u32, u32))> = None;
    let mut i = *pos;
    while let Some(&ch) = s.get(i) {
        name.push(ch);
        match web_atoms::NAMED_ENTITIES.get(name.as_str()) {
            Some(&(0, 0)) => {}
            Some(&v) => best = Some((i + 1, v)),
            None => break,
        }
        i += 1;
    }
    let (end, (a, b)) = best?;
    let ends_semicolon = s.get(end - 1) == Some(&';');
    if additional.is_some() && !ends_semicolon {
        // In an attribute, a legacy reference followed by `=` or an
        // alphanumeric is left as text.
        if let Some(&next) = s.get(end)
            && (next == '=' || next.is_ascii_alphanumeric())
        {
            return None;
        }
    }
    *pos = end;
    let mut out = String::new();
    out.extend(char::from_u32(a));
    if b != 0 {
        out.extend(char::from_u32(b));
    }
    Some(out)
}

fn numeric_ref(s: &[char], pos: &mut usize) -> Option<String> {
    let mut i = *pos + 1;
    let hex = matches!(s.get(i), Some('x' | 'X'));
    if hex {
        i += 1;
    }
    let radix = if hex { 16 } else { 10 };
    let start = i;
    let mut value: u32 = 0;
    while let Some(d) = s.get(i).and_then(|c| c.to_digit(radix)) {
        value = value.saturating_mul(radix).saturating_add(d);
        i += 1;
    }
    if i == start {
        return None;
    }
    if s.get(i) == Some(&';') {
        i += 1;
    }
    *pos = i;
    let c = match value {
        0 => '\u{FFFD}',
        0x80..=0x9F => crate::decode::windows_1252(value as u8),
        v => char::from_u32(v).unwrap_or('\u{FFFD}'),
    };
    Some(c.to_string())
}

/// Parses cue text into its tree, by the WebVTT cue text parsing rules.
pub fn parse(text: &str) -> Vec<Node> {
    let chars: Vec<char> = text.chars().collect();
    let mut tok = Tokenizer { s: &chars, pos: 0 };
    // An arena: each open element is a path of child indices from the root.
    let mut root: Vec<Node> = Vec::new();
    let mut path: Vec<usize> = Vec::new();

    fn children_at<'a>(root: &'a mut Vec<Node>, path: &[usize]) -> &'a mut Vec<Node> {
        let mut cur = root;
        for &i in path {
            cur = match &mut cur[i] {
                Node::Element { children, .. } => children,
                // Paths only ever point at elements.
                _ => unreachable!("cue text path points at a leaf"),
            };
        }
        cur
    }
    fn element_at<'a>(root: &'a [Node], path: &[usize]) -> Option<&'a Element> {
        let mut cur = root;
        let mut el = None;
        for &i in path {
            match &cur[i] {
                Node::Element {
                    element, children, ..
                } => {
                    el = Some(element);
                    cur = children;
                }
                _ => return None,
            }
        }
        el
    }

    while let Some(token) = tok.next_token() {
        match token {
            Token::Text(t) => children_at(&mut root, &path).push(Node::Text(t)),
            Token::Start {
                name,
                classes,
                annotation,
            } => {
                let current = element_at(&root, &path);
                let element = match name.as_str() {
                    "c" => Element::Class,
                    "i" => Element::Italic,
                    "b" => Element::Bold,
                    "u" => Element::Underline,
                    "ruby" => Element::Ruby,
                    "rt" if current == Some(&Element::Ruby) => Element::RubyText,
                    "v" => Element::Voice(annotation),
                    "lang" => Element::Lang(annotation),
                    _ => continue,
                };
                let kids = children_at(&mut root, &path);
                kids.push(Node::Element {
                    element,
                    classes: classes.into_iter().filter(|c| !c.is_empty()).collect(),
                    children: Vec::new(),
                });
                path.push(kids.len() - 1);
            }
            Token::End(name) => {
                let current = element_at(&root, &path).map(Element::tag);
                if current == Some(name.as_str()) {
                    path.pop();
                } else if name == "ruby" && current == Some("rt") {
                    path.pop();
                    path.pop();
                }
            }
            Token::Timestamp(t) => {
                if let Some(ms) = crate::webvtt::parse_timestamp(&t, crate::webvtt::Mode::Strict) {
                    children_at(&mut root, &path).push(Node::Timestamp(ms));
                }
            }
        }
    }
    root
}

/// What one voice said within a cue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utterance {
    /// The speaker from the enclosing `<v>` span; `None` outside any.
    pub speaker: Option<String>,
    /// The plain text, ruby annotations (`<rt>`) left out.
    pub text: String,
}

/// Splits a cue's tree into utterances: one per top-level voice span, and
/// one for the text around them. Empty utterances are dropped; a voice span
/// without a name (`<v>`) counts as no speaker.
pub fn utterances(nodes: &[Node]) -> Vec<Utterance> {
    let mut out: Vec<Utterance> = Vec::new();
    fn push(out: &mut Vec<Utterance>, speaker: Option<String>, text: String) {
        match out.last_mut() {
            Some(last) if last.speaker == speaker => last.text.push_str(&text),
            _ => out.push(Utterance { speaker, text }),
        }
    }
    fn walk(nodes: &[Node], voice: &Option<String>, out: &mut Vec<Utterance>) {
        for n in nodes {
            match n {
                Node::Text(t) => push(out, voice.clone(), t.clone()),
                Node::Timestamp(_) => {}
                Node::Element {
                    element: Element::RubyText,
                    ..
                } => {}
                Node::Element {
                    element: Element::Voice(name),
                    children,
                    ..
                } => {
                    let name = name.trim();
                    let v = if name.is_empty() {
                        voice.clone()
                    } else {
                        Some(name.to_string())
                    };
                    walk(children, &v, out);
                }
                Node::Element { children, .. } => walk(children, voice, out),
            }
        }
    }
    walk(nodes, &None, &mut out);
    out.retain_mut(|u| {
        u.text = u.text.trim().to_string();
        !u.text.is_empty()
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Node {
        Node::Text(s.to_string())
    }

    #[test]
    fn voice_span_with_class_and_entities() {
        let tree = parse("<v.loud Dr. Okafor>Fish &amp; chips&nbsp;&lt;3</v>");
        assert_eq!(
            tree,
            vec![Node::Element {
                element: Element::Voice("Dr. Okafor".into()),
                classes: vec!["loud".into()],
                children: vec![text("Fish & chips\u{a0}<3")],
            }]
        );
    }

    #[test]
    fn legacy_entities_without_semicolon() {
        assert_eq!(parse("&not"), vec![text("¬")]);
        assert_eq!(parse("&notit;"), vec![text("¬it;")]);
        assert_eq!(parse("&#x20;&#32;&#128;&#0;"), vec![text("  €\u{FFFD}")]);
        assert_eq!(parse("&1;"), vec![text("&1;")]);
    }

    #[test]
    fn rt_only_inside_ruby() {
        assert_eq!(parse("<rt>x"), vec![text("x")]);
        let t = parse("<ruby>a<rt>b</ruby>c");
        assert_eq!(t.len(), 2);
        assert_eq!(t[1], text("c"));
    }

    #[test]
    fn timestamps_inside_text() {
        assert_eq!(
            parse("a<00:00:01.500>b<0:1>c"),
            vec![text("a"), Node::Timestamp(1500), text("b"), text("c")]
        );
    }

    #[test]
    fn utterances_split_by_voice() {
        let u = utterances(&parse(
            "<v Dana>Morning.</v> <v Sam>Hi <i>all</i><ruby>x<rt>ignored</rt></ruby></v>",
        ));
        assert_eq!(
            u,
            vec![
                Utterance {
                    speaker: Some("Dana".into()),
                    text: "Morning.".into()
                },
                Utterance {
                    speaker: Some("Sam".into()),
                    text: "Hi allx".into()
                },
            ]
        );
        let u = utterances(&parse("no voice here"));
        assert_eq!(u[0].speaker, None);
    }
}
