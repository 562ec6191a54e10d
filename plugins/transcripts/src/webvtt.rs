//! WebVTT file parsing, following the W3C "WebVTT parser algorithm".
//!
//! The code mirrors the specification's steps (signature, header block,
//! "collect a WebVTT block", cue timings and settings, region settings) so
//! that each can be checked against the text, and it is measured against the
//! web-platform-tests file-parsing cases (`tests/w3c_webvtt.rs`). Cue *text*
//! (voice spans, classes, entities) is parsed separately in
//! [`crate::cuetext`], because a cue's settings and its text are independent.
//!
//! # Strict and lenient
//!
//! [`Mode::Strict`] is the specification. Meeting tools write looser files
//! than browsers accept: hours, minutes and seconds without zero padding
//! (`0:0:0.210`), one- or two-digit fractions, a comma before the fraction as
//! in SRT, no fraction at all. [`Mode::Lenient`] accepts those timestamps and
//! nothing else differs, so a file that is valid under the specification
//! parses the same in both modes (the W3C test runs both to prove it). The
//! plugin reads files leniently: rejecting a cue because a tool wrote `0:05`
//! would silently drop what somebody said.
//!
//! # What is kept
//!
//! Every cue (identifier, timings, settings, raw text), regions, style sheets
//! as raw text, the header lines and the text of `NOTE` blocks (meeting tools
//! put the meeting date there). Times are whole milliseconds, which is what
//! the format can express.

/// How strictly to read cue timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// The W3C parsing rules, exactly.
    Strict,
    /// The W3C rules, but timestamps may omit zero padding and the fraction,
    /// and may use a comma before the fraction.
    #[default]
    Lenient,
}

/// Why a file is not WebVTT at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the file does not start with the WebVTT signature `WEBVTT`")]
pub struct NotWebVtt;

/// A parsed WebVTT file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebVtt {
    /// The rest of the signature line after `WEBVTT`, and the header block's
    /// lines (e.g. `Kind: captions`), in order.
    pub header: Vec<String>,
    /// The cues, in file order.
    pub cues: Vec<Cue>,
    /// The regions defined by `REGION` blocks, after later definitions of an
    /// identifier replaced earlier ones.
    pub regions: Vec<Region>,
    /// Raw text of `STYLE` blocks.
    pub stylesheets: Vec<String>,
    /// Text of `NOTE` blocks, without the `NOTE` keyword.
    pub notes: Vec<String>,
}

/// A cue: timings, settings and raw cue text.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    /// The cue identifier (may be empty).
    pub id: String,
    /// Start time in milliseconds.
    pub start_ms: u64,
    /// End time in milliseconds.
    pub end_ms: u64,
    /// Raw cue text; parse it with [`crate::cuetext::parse`].
    pub text: String,
    /// The cue settings.
    pub settings: CueSettings,
}

/// Writing direction (`vertical:` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vertical {
    /// Horizontal (no `vertical` setting).
    #[default]
    Horizontal,
    /// `vertical:rl`.
    GrowingLeft,
    /// `vertical:lr`.
    GrowingRight,
}

/// Alignment of a line position (`line:…,start|center|end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineAlign {
    /// `start` (the default).
    #[default]
    Start,
    /// `center`.
    Center,
    /// `end`.
    End,
}

/// Alignment of a position (`position:…,line-left|center|line-right`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionAlign {
    /// No alignment given.
    #[default]
    Auto,
    /// `line-left`.
    LineLeft,
    /// `center`.
    Center,
    /// `line-right`.
    LineRight,
}

/// Text alignment (`align:` setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    /// `start`.
    Start,
    /// `center` (the default).
    #[default]
    Center,
    /// `end`.
    End,
    /// `left`.
    Left,
    /// `right`.
    Right,
}

/// The settings of a cue, with the specification's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct CueSettings {
    /// Writing direction.
    pub vertical: Vertical,
    /// Line position; `None` is `auto`.
    pub line: Option<f64>,
    /// Whether `line` counts lines (true) or is a percentage (false).
    pub snap_to_lines: bool,
    /// Line alignment.
    pub line_align: LineAlign,
    /// Position as a percentage; `None` is `auto`.
    pub position: Option<f64>,
    /// Position alignment.
    pub position_align: PositionAlign,
    /// Size as a percentage.
    pub size: f64,
    /// Text alignment.
    pub align: Align,
    /// Index into [`WebVtt::regions`] of the cue's region.
    pub region: Option<usize>,
}

impl Default for CueSettings {
    fn default() -> Self {
        CueSettings {
            vertical: Vertical::Horizontal,
            line: None,
            snap_to_lines: true,
            line_align: LineAlign::Start,
            position: None,
            position_align: PositionAlign::Auto,
            size: 100.0,
            align: Align::Center,
            region: None,
        }
    }
}

/// A region from a `REGION` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The region identifier.
    pub id: String,
    /// Width as a percentage.
    pub width: f64,
    /// Number of lines.
    pub lines: f64,
    /// Region anchor (x, y), percentages.
    pub region_anchor: (f64, f64),
    /// Viewport anchor (x, y), percentages.
    pub viewport_anchor: (f64, f64),
    /// `scroll:up`.
    pub scroll_up: bool,
}

impl Default for Region {
    fn default() -> Self {
        Region {
            id: String::new(),
            width: 100.0,
            lines: 3.0,
            region_anchor: (0.0, 100.0),
            viewport_anchor: (0.0, 100.0),
            scroll_up: false,
        }
    }
}

/// ASCII whitespace as WebVTT defines it (no vertical tab).
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r')
}

/// Parses a WebVTT file. Fails only when the signature is missing; anything
/// malformed after it is skipped as the specification says.
pub fn parse(input: &str, mode: Mode) -> Result<WebVtt, NotWebVtt> {
    // Preprocessing: NUL to U+FFFD, CRLF and CR to LF. A leading BOM is
    // removed by UTF-8 decoding in the specification; our decoder does it,
    // but a caller may hand us text that still has one.
    let input = input.strip_prefix('\u{FEFF}').unwrap_or(input);
    let mut chars: Vec<char> = Vec::with_capacity(input.len());
    let mut it = input.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\0' => chars.push('\u{FFFD}'),
            '\r' => {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
                chars.push('\n');
            }
            c => chars.push(c),
        }
    }
    let mut p = Parser {
        s: chars,
        pos: 0,
        mode,
        seen_cue: false,
        out: WebVtt::default(),
    };
    p.run()?;
    Ok(p.out)
}

struct Parser {
    s: Vec<char>,
    pos: usize,
    mode: Mode,
    seen_cue: bool,
    out: WebVtt,
}

enum Block {
    Cue(Cue),
    Style(String),
    Region(Region),
    Note(String),
}

impl Parser {
    fn at(&self, i: usize) -> Option<char> {
        self.s.get(i).copied()
    }

    fn collect_line(&mut self) -> String {
        let start = self.pos;
        while self.pos < self.s.len() && self.s[self.pos] != '\n' {
            self.pos += 1;
        }
        self.s[start..self.pos].iter().collect()
    }

    fn run(&mut self) -> Result<(), NotWebVtt> {
        // Signature.
        let sig: String = self.s.iter().take(6).collect();
        if sig != "WEBVTT" {
            return Err(NotWebVtt);
        }
        if let Some(c) = self.at(6)
            && !matches!(c, ' ' | '\t' | '\n')
        {
            return Err(NotWebVtt);
        }
        let first = self.collect_line();
        let rest = first[6..].trim();
        if !rest.is_empty() {
            self.out.header.push(rest.to_string());
        }
        if self.pos >= self.s.len() {
            return Ok(());
        }
        self.pos += 1; // the LF
        if self.pos >= self.s.len() {
            return Ok(());
        }
        // Header.
        if self.at(self.pos) != Some('\n') {
            let header_start = self.pos;
            let _ = self.collect_block(true);
            let text: String = self.s[header_start..self.pos].iter().collect();
            self.out.header.extend(
                text.lines()
                    .filter(|l| !l.is_empty() && !l.contains("-->"))
                    .map(str::to_string),
            );
        } else {
            self.pos += 1;
        }
        self.skip_newlines();
        while self.pos < self.s.len() {
            match self.collect_block(false) {
                Some(Block::Cue(cue)) => self.out.cues.push(cue),
                Some(Block::Style(s)) => self.out.stylesheets.push(s),
                Some(Block::Region(r)) => {
                    self.out.regions.retain(|old| old.id != r.id);
                    self.out.regions.push(r);
                }
                Some(Block::Note(n)) => self.out.notes.push(n),
                None => {}
            }
            self.skip_newlines();
        }
        Ok(())
    }

    fn skip_newlines(&mut self) {
        while self.at(self.pos) == Some('\n') {
            self.pos += 1;
        }
    }

    /// The specification's "collect a WebVTT block".
    fn collect_block(&mut self, in_header: bool) -> Option<Block> {
        let mut line_count = 0;
        let mut previous_position = self.pos;
        let mut buffer = String::new();
        let mut seen_eof = false;
        let mut seen_arrow = false;
        let mut cue: Option<Cue> = None;
        let mut style = false;
        let mut region = false;
        loop {
            let line = self.collect_line();
            line_count += 1;
            if self.pos >= self.s.len() {
                seen_eof = true;
            } else {
                self.pos += 1;
            }
            if line.contains("-->") {
                if !in_header && (line_count == 1 || (line_count == 2 && !seen_arrow)) {
                    seen_arrow = true;
                    previous_position = self.pos;
                    match parse_timings_and_settings(&line, &self.out.regions, self.mode) {
                        Some((start_ms, end_ms, settings)) => {
                            cue = Some(Cue {
                                id: std::mem::take(&mut buffer),
                                start_ms,
                                end_ms,
                                text: String::new(),
                                settings,
                            });
                            self.seen_cue = true;
                        }
                        None => cue = None,
                    }
                } else {
                    self.pos = previous_position;
                    break;
                }
            } else if line.is_empty() {
                break;
            } else {
                if !in_header && line_count == 2 && !self.seen_cue {
                    if keyword_only(&buffer, "STYLE") {
                        style = true;
                        buffer.clear();
                    } else if keyword_only(&buffer, "REGION") {
                        region = true;
                        buffer.clear();
                    }
                }
                if !buffer.is_empty() {
                    buffer.push('\n');
                }
                buffer.push_str(&line);
                previous_position = self.pos;
            }
            if seen_eof {
                break;
            }
        }
        if let Some(mut cue) = cue {
            cue.text = buffer;
            return Some(Block::Cue(cue));
        }
        if style {
            return Some(Block::Style(buffer));
        }
        if region {
            return Some(Block::Region(parse_region_settings(&buffer)));
        }
        if !in_header
            && let Some(rest) = buffer.strip_prefix("NOTE")
            && (rest.is_empty() || rest.starts_with([' ', '\t', '\n']))
        {
            return Some(Block::Note(rest.trim().to_string()));
        }
        None
    }
}

/// True when `buffer` is `keyword` followed by nothing but whitespace.
fn keyword_only(buffer: &str, keyword: &str) -> bool {
    buffer
        .strip_prefix(keyword)
        .is_some_and(|rest| rest.chars().all(is_ws))
}

/// A cursor over a string's characters, for the timestamp and settings
/// algorithms.
struct Scan<'a> {
    s: &'a [char],
    pos: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    fn digits(&mut self) -> &[char] {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
}

fn digits_value(d: &[char]) -> Option<u64> {
    d.iter().try_fold(0u64, |acc, c| {
        acc.checked_mul(10)?.checked_add(u64::from(c.to_digit(10)?))
    })
}

/// The specification's "collect a WebVTT timestamp" (strict), or its lenient
/// relative. Returns milliseconds.
fn collect_timestamp(sc: &mut Scan<'_>, mode: Mode) -> Option<u64> {
    match mode {
        Mode::Strict => collect_timestamp_strict(sc),
        Mode::Lenient => {
            let save = sc.pos;
            if let Some(ms) = collect_timestamp_strict(sc) {
                return Some(ms);
            }
            sc.pos = save;
            collect_timestamp_lenient(sc)
        }
    }
}

fn collect_timestamp_strict(sc: &mut Scan<'_>) -> Option<u64> {
    if !sc.peek()?.is_ascii_digit() {
        return None;
    }
    let d1 = sc.digits();
    let hours_first = d1.len() != 2;
    let mut v1 = digits_value(d1)?;
    let hours_first = hours_first || v1 > 59;
    if !sc.eat(':') {
        return None;
    }
    let d2 = sc.digits();
    if d2.len() != 2 {
        return None;
    }
    let mut v2 = digits_value(d2)?;
    let v3;
    if hours_first || sc.peek() == Some(':') {
        if !sc.eat(':') {
            return None;
        }
        let d3 = sc.digits();
        if d3.len() != 2 {
            return None;
        }
        v3 = digits_value(d3)?;
    } else {
        v3 = v2;
        v2 = v1;
        v1 = 0;
    }
    if !sc.eat('.') {
        return None;
    }
    let d4 = sc.digits();
    if d4.len() != 3 {
        return None;
    }
    let v4 = digits_value(d4)?;
    if v2 > 59 || v3 > 59 {
        return None;
    }
    v1.checked_mul(3_600_000)?
        .checked_add(v2 * 60_000 + v3 * 1000 + v4)
}

/// `[H+:]M{1,2}:S{1,2}[(.|,)F+]`; fractions beyond milliseconds are cut.
fn collect_timestamp_lenient(sc: &mut Scan<'_>) -> Option<u64> {
    let mut parts: Vec<u64> = Vec::with_capacity(3);
    loop {
        let d = sc.digits();
        if d.is_empty() || parts.len() == 3 {
            return None;
        }
        let v = digits_value(d)?;
        parts.push(v);
        if !sc.eat(':') {
            break;
        }
    }
    let (h, m, s) = match parts[..] {
        [h, m, s] => (h, m, s),
        [m, s] => (0, m, s),
        _ => return None,
    };
    if m > 59 || s > 59 {
        return None;
    }
    let mut frac = 0;
    if sc.peek() == Some('.') || sc.peek() == Some(',') {
        sc.pos += 1;
        let d = sc.digits();
        if d.is_empty() {
            return None;
        }
        let mut scale = 100;
        for c in d.iter().take(3) {
            frac += u64::from(c.to_digit(10)?) * scale;
            scale /= 10;
        }
    }
    h.checked_mul(3_600_000)?
        .checked_add(m * 60_000 + s * 1000 + frac)
}

/// Parses a timestamp on its own, e.g. `00:01:02.500` (strict) or
/// `0:1:2.5` (lenient). The whole string must be the timestamp.
pub fn parse_timestamp(s: &str, mode: Mode) -> Option<u64> {
    let chars: Vec<char> = s.chars().collect();
    let mut sc = Scan { s: &chars, pos: 0 };
    let ms = collect_timestamp(&mut sc, mode)?;
    (sc.pos == chars.len()).then_some(ms)
}

/// Formats milliseconds as `HH:MM:SS.mmm` (hours grow past two digits).
pub fn format_timestamp(ms: u64) -> String {
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let s = ms / 1000 % 60;
    format!("{h:02}:{m:02}:{s:02}.{:03}", ms % 1000)
}

/// "Collect WebVTT cue timings and settings" from a line with `-->`.
fn parse_timings_and_settings(
    line: &str,
    regions: &[Region],
    mode: Mode,
) -> Option<(u64, u64, CueSettings)> {
    let chars: Vec<char> = line.chars().collect();
    let mut sc = Scan { s: &chars, pos: 0 };
    sc.skip_ws();
    let start = collect_timestamp(&mut sc, mode)?;
    sc.skip_ws();
    if !(sc.eat('-') && sc.eat('-') && sc.eat('>')) {
        return None;
    }
    sc.skip_ws();
    let end = collect_timestamp(&mut sc, mode)?;
    let remainder: String = chars[sc.pos..].iter().collect();
    Some((start, end, parse_cue_settings(&remainder, regions)))
}

/// Splits a setting `name:value`; `None` when there is no colon or it is the
/// first or last character.
fn split_setting(setting: &str) -> Option<(&str, &str)> {
    let (name, value) = setting.split_once(':')?;
    if name.is_empty() || value.is_empty() {
        return None;
    }
    Some((name, value))
}

/// "Parse a percentage string": `^[0-9]+(\.[0-9]+)?%$`, within 0..=100.
fn parse_percentage(s: &str) -> Option<f64> {
    let num = s.strip_suffix('%')?;
    let (int, frac) = match num.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (num, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    (0.0..=100.0).contains(&v).then_some(v)
}

fn parse_cue_settings(input: &str, regions: &[Region]) -> CueSettings {
    let mut cue = CueSettings::default();
    for setting in input.split(is_ws).filter(|s| !s.is_empty()) {
        let Some((name, value)) = split_setting(setting) else {
            continue;
        };
        match name {
            "region" => {
                cue.region = regions.iter().rposition(|r| r.id == value);
            }
            "vertical" => match value {
                "rl" => cue.vertical = Vertical::GrowingLeft,
                "lr" => cue.vertical = Vertical::GrowingRight,
                _ => {}
            },
            "line" => {
                if let Some((number, snap, align)) = parse_line_setting(value) {
                    cue.line = Some(number);
                    cue.snap_to_lines = snap;
                    cue.line_align = align;
                }
            }
            "position" => {
                let (colpos, colalign) = match value.split_once(',') {
                    Some((p, a)) => (p, Some(a)),
                    None => (value, None),
                };
                let Some(number) = parse_percentage(colpos) else {
                    continue;
                };
                let align = match colalign {
                    None => PositionAlign::Auto,
                    Some("line-left") => PositionAlign::LineLeft,
                    Some("center") => PositionAlign::Center,
                    Some("line-right") => PositionAlign::LineRight,
                    Some(_) => continue,
                };
                cue.position = Some(number);
                cue.position_align = align;
            }
            "size" => {
                if let Some(number) = parse_percentage(value) {
                    cue.size = number;
                }
            }
            "align" => match value {
                "start" => cue.align = Align::Start,
                "center" => cue.align = Align::Center,
                "end" => cue.align = Align::End,
                "left" => cue.align = Align::Left,
                "right" => cue.align = Align::Right,
                _ => {}
            },
            _ => {}
        }
    }
    cue
}

/// The `line` setting: number, snap-to-lines, alignment.
fn parse_line_setting(value: &str) -> Option<(f64, bool, LineAlign)> {
    let (linepos, linealign) = match value.split_once(',') {
        Some((p, a)) => (p, Some(a)),
        None => (value, None),
    };
    if !linepos.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let (number, snap) = if linepos.ends_with('%') {
        (parse_percentage(linepos)?, false)
    } else {
        let b = linepos.as_bytes();
        if !b
            .iter()
            .all(|c| c.is_ascii_digit() || *c == b'-' || *c == b'.')
        {
            return None;
        }
        if b.iter().skip(1).any(|c| *c == b'-') {
            return None;
        }
        if b.iter().filter(|c| **c == b'.').count() > 1 {
            return None;
        }
        if let Some(dot) = b.iter().position(|c| *c == b'.') {
            let before = dot.checked_sub(1).and_then(|i| b.get(i));
            let after = b.get(dot + 1);
            if !(before.is_some_and(u8::is_ascii_digit) && after.is_some_and(u8::is_ascii_digit)) {
                return None;
            }
        }
        let v: f64 = linepos.parse().ok()?;
        if !v.is_finite() {
            return None;
        }
        (v, true)
    };
    let align = match linealign {
        None => LineAlign::Start,
        Some("start") => LineAlign::Start,
        Some("center") => LineAlign::Center,
        Some("end") => LineAlign::End,
        Some(_) => return None,
    };
    Some((number, snap, align))
}

/// "Collect WebVTT region settings".
fn parse_region_settings(input: &str) -> Region {
    let mut region = Region::default();
    for setting in input.split(is_ws).filter(|s| !s.is_empty()) {
        let Some((name, value)) = split_setting(setting) else {
            continue;
        };
        match name {
            "id" => region.id = value.to_string(),
            "width" => {
                if let Some(w) = parse_percentage(value) {
                    region.width = w;
                }
            }
            "lines" => {
                if value.bytes().all(|b| b.is_ascii_digit())
                    && let Ok(v) = value.parse::<f64>()
                {
                    region.lines = v;
                }
            }
            "regionanchor" | "viewportanchor" => {
                let Some((x, y)) = value.split_once(',') else {
                    continue;
                };
                let (Some(x), Some(y)) = (parse_percentage(x), parse_percentage(y)) else {
                    continue;
                };
                if name == "regionanchor" {
                    region.region_anchor = (x, y);
                } else {
                    region.viewport_anchor = (x, y);
                }
            }
            "scroll" if value == "up" => region.scroll_up = true,
            _ => {}
        }
    }
    region
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(s: &str) -> WebVtt {
        parse(s, Mode::Strict).unwrap()
    }

    #[test]
    fn minimal_file_with_voice_and_settings() {
        let vtt = strict(
            "WEBVTT - board meeting\nKind: captions\n\nNOTE Date: 2025-03-04\n\n1\n00:00:01.000 --> 00:00:04.500 align:start line:0\n<v Dana Whitfield>Welcome, everyone.\n\n00:05.000 --> 00:07.250\n<v Dr. Okafor>Thanks.\n",
        );
        assert_eq!(vtt.header, ["- board meeting", "Kind: captions"]);
        assert_eq!(vtt.notes, ["Date: 2025-03-04"]);
        assert_eq!(vtt.cues.len(), 2);
        let c = &vtt.cues[0];
        assert_eq!((c.id.as_str(), c.start_ms, c.end_ms), ("1", 1000, 4500));
        assert_eq!(c.settings.align, Align::Start);
        assert_eq!(c.settings.line, Some(0.0));
        assert_eq!(c.text, "<v Dana Whitfield>Welcome, everyone.");
        assert_eq!((vtt.cues[1].start_ms, vtt.cues[1].end_ms), (5000, 7250));
    }

    #[test]
    fn missing_signature_is_an_error() {
        assert_eq!(
            parse("1\n00:00:01,000 --> 00:00:02,000\nhi", Mode::Lenient),
            Err(NotWebVtt)
        );
        assert_eq!(parse("WEBVTTX\n", Mode::Lenient), Err(NotWebVtt));
    }

    #[test]
    fn lenient_timestamps_only_in_lenient_mode() {
        let f = "WEBVTT\n\n0:0:0.210 --> 0:0:2.5\nhello\n\n00:00:03,000 --> 00:00:04,000\nagain\n";
        assert!(strict(f).cues.is_empty());
        let l = parse(f, Mode::Lenient).unwrap();
        assert_eq!(l.cues.len(), 2);
        assert_eq!((l.cues[0].start_ms, l.cues[0].end_ms), (210, 2500));
        assert_eq!((l.cues[1].start_ms, l.cues[1].end_ms), (3000, 4000));
    }

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(
            parse_timestamp("01:02:03.004", Mode::Strict),
            Some(3_723_004)
        );
        assert_eq!(parse_timestamp("02:03.004", Mode::Strict), Some(123_004));
        assert_eq!(parse_timestamp("2:03.004", Mode::Strict), None);
        assert_eq!(parse_timestamp("2:03.004", Mode::Lenient), Some(123_004));
        assert_eq!(parse_timestamp("00:60.000", Mode::Lenient), None);
        assert_eq!(format_timestamp(3_723_004), "01:02:03.004");
        assert_eq!(format_timestamp(360_000_000), "100:00:00.000");
    }

    #[test]
    fn style_and_region_blocks() {
        let vtt = strict(
            "WEBVTT\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:left width:40% lines:2 scroll:up\n\n00:00.000 --> 00:01.000 region:left\nx\n\nSTYLE\nignored after a cue\n",
        );
        assert_eq!(vtt.stylesheets, ["::cue { color: red }"]);
        assert_eq!(vtt.regions.len(), 1);
        assert_eq!(vtt.regions[0].width, 40.0);
        assert!(vtt.regions[0].scroll_up);
        assert_eq!(vtt.cues.len(), 1);
        assert_eq!(vtt.cues[0].settings.region, Some(0));
    }
}
