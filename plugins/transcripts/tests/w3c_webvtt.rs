//! The WebVTT parser against the W3C web-platform-tests, as packaged by
//! w3c/webvtt.js in `../shared/data/webvtt/w3c_webvtt.js/test/`.
//!
//! **File parsing.** Each `wpt-file-parsing/NAME.vtt` comes with `NAME.js`,
//! a handful of testharness assertions over the parsed cues
//! (`assert_equals(cues[0].startTime, 0)`, loops over arrays of expected
//! settings …). Rather than re-typing those expectations, this test reads the
//! `.js` files and runs them through a small interpreter for the subset of
//! JavaScript they use (literals, arrays, `var`, `for`, `forEach`, `map`,
//! `Array.from`, `+ - * <`, `!`, `Number.MAX_VALUE`/`MIN_VALUE`), binding
//! `cues` to our parse. `assert_equals` is chai's `assert.equal` as in
//! webvtt.js's harness: loose equality. Each assertion is classed by what it
//! checks (cue count, timings, text, identifier, settings/regions) for the
//! report. Unlike webvtt.js we do not skip the region cases: we implement
//! regions, so they count.
//!
//! **Cue text.** Each `wpt-cue-parsing/NAME.json` lists cue texts and the
//! expected DOM tree in the html5lib test format. We wrap each text in a
//! one-cue file (as the WPT harness does), parse, serialise our tree in that
//! format and compare strings. Voice-span cases (`<v …>`) are counted apart,
//! since the speaker is what the transcript plugin takes from them.
//!
//! Both tests print their pass counts (`cargo test -- --nocapture`) and fail
//! on any failure. Without the data they print a notice and pass, unless
//! `CI` is set.

#![allow(clippy::unwrap_used)] // Test code: a failed unwrap is a failed test.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use hearken_plugin_transcripts::cuetext::{self, Element, Node};
use hearken_plugin_transcripts::webvtt::{
    self, Align, LineAlign, Mode, PositionAlign, Vertical, WebVtt, format_timestamp,
};

fn data_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/webvtt/w3c_webvtt.js/test");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "W3C WebVTT test data missing at {} (CI is set)",
        dir.display()
    );
    eprintln!(
        "notice: {} not found; skipping the W3C WebVTT tests",
        dir.display()
    );
    None
}

// ---------------------------------------------------------------------------
// A tiny JavaScript subset.

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    P(&'static str),
}

fn lex(src: &str) -> Vec<Tok> {
    let c: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    const PUNCT: &[&str] = &[
        "++", "(", ")", "[", "]", "{", "}", ",", ";", ".", "+", "-", "*", "<", "!", "=",
    ];
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if ch.is_ascii_digit()
            || (ch == '.' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            if i < c.len() && (c[i] == 'e' || c[i] == 'E') {
                i += 1;
                if c[i] == '-' || c[i] == '+' {
                    i += 1;
                }
                while i < c.len() && c[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let s: String = c[start..i].iter().collect();
            out.push(Tok::Num(s.parse().unwrap()));
        } else if ch == '\'' || ch == '"' {
            let q = ch;
            i += 1;
            let mut s = String::new();
            while c[i] != q {
                if c[i] == '\\' {
                    i += 1;
                    match c[i] {
                        'u' => {
                            let hex: String = c[i + 1..i + 5].iter().collect();
                            s.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                            i += 4;
                        }
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        'r' => s.push('\r'),
                        'f' => s.push('\x0C'),
                        'v' => s.push('\x0B'),
                        '0' => s.push('\0'),
                        o => s.push(o),
                    }
                } else {
                    s.push(c[i]);
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Str(s));
        } else if ch.is_alphabetic() || ch == '_' || ch == '$' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_' || c[i] == '$') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else {
            let rest: String = c[i..c.len().min(i + 2)].iter().collect();
            let p = PUNCT
                .iter()
                .find(|p| rest.starts_with(**p))
                .unwrap_or_else(|| panic!("unexpected character {ch:?} in JS"));
            out.push(Tok::P(p));
            i += p.chars().count();
        }
    }
    out
}

#[derive(Debug, Clone)]
enum Expr {
    Num(f64),
    Str(String),
    Ident(String),
    Array(Vec<Expr>),
    Member(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    Func(Rc<(Vec<String>, Vec<Stmt>)>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    PostInc(String),
}

#[derive(Debug, Clone)]
enum Stmt {
    Expr(Expr),
    Var(String, Expr),
    For(Box<Stmt>, Expr, Expr, Vec<Stmt>),
    Return(Expr),
}

struct JsParser {
    t: Vec<Tok>,
    i: usize,
}

impl JsParser {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.i)
    }
    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::P(q)) if *q == p)
    }
    fn eat(&mut self, p: &str) -> bool {
        if self.is(p) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, p: &str) {
        assert!(
            self.eat(p),
            "expected {p} at token {} ({:?})",
            self.i,
            self.peek()
        );
    }
    fn ident(&mut self) -> String {
        match self.t.get(self.i).cloned() {
            Some(Tok::Ident(s)) => {
                self.i += 1;
                s
            }
            other => panic!("expected identifier, got {other:?}"),
        }
    }
    fn program(&mut self) -> Vec<Stmt> {
        let mut out = Vec::new();
        while self.peek().is_some() && !self.is("}") {
            out.push(self.stmt());
        }
        out
    }
    fn stmt(&mut self) -> Stmt {
        let s = match self.peek() {
            Some(Tok::Ident(k)) if k == "var" || k == "let" || k == "const" => {
                self.i += 1;
                let name = self.ident();
                self.expect("=");
                Stmt::Var(name, self.expr())
            }
            Some(Tok::Ident(k)) if k == "return" => {
                self.i += 1;
                Stmt::Return(self.expr())
            }
            Some(Tok::Ident(k)) if k == "for" => {
                self.i += 1;
                self.expect("(");
                let init = self.stmt();
                let cond = self.expr();
                self.expect(";");
                let update = self.expr();
                self.expect(")");
                self.expect("{");
                let body = self.program();
                self.expect("}");
                return Stmt::For(Box::new(init), cond, update, body);
            }
            _ => Stmt::Expr(self.expr()),
        };
        self.eat(";");
        s
    }
    fn expr(&mut self) -> Expr {
        let mut l = self.additive();
        while self.eat("<") {
            l = Expr::Bin("<", Box::new(l), Box::new(self.additive()));
        }
        l
    }
    fn additive(&mut self) -> Expr {
        let mut l = self.multiplicative();
        loop {
            if self.eat("+") {
                l = Expr::Bin("+", Box::new(l), Box::new(self.multiplicative()));
            } else if self.eat("-") {
                l = Expr::Bin("-", Box::new(l), Box::new(self.multiplicative()));
            } else {
                return l;
            }
        }
    }
    fn multiplicative(&mut self) -> Expr {
        let mut l = self.unary();
        while self.eat("*") {
            l = Expr::Bin("*", Box::new(l), Box::new(self.unary()));
        }
        l
    }
    fn unary(&mut self) -> Expr {
        if self.eat("!") {
            return Expr::Not(Box::new(self.unary()));
        }
        if self.eat("-") {
            return Expr::Neg(Box::new(self.unary()));
        }
        self.postfix()
    }
    fn postfix(&mut self) -> Expr {
        let mut e = self.primary();
        loop {
            if self.eat(".") {
                e = Expr::Member(Box::new(e), self.ident());
            } else if self.eat("[") {
                let idx = self.expr();
                self.expect("]");
                e = Expr::Index(Box::new(e), Box::new(idx));
            } else if self.eat("(") {
                let mut args = Vec::new();
                while !self.eat(")") {
                    args.push(self.expr());
                    self.eat(",");
                }
                e = Expr::Call(Box::new(e), args);
            } else if self.is("++") {
                self.i += 1;
                let Expr::Ident(name) = e else {
                    panic!("++ on a non-variable")
                };
                e = Expr::PostInc(name);
            } else {
                return e;
            }
        }
    }
    fn primary(&mut self) -> Expr {
        match self.t.get(self.i).cloned() {
            Some(Tok::Num(n)) => {
                self.i += 1;
                Expr::Num(n)
            }
            Some(Tok::Str(s)) => {
                self.i += 1;
                Expr::Str(s)
            }
            Some(Tok::Ident(k)) if k == "function" => {
                self.i += 1;
                self.expect("(");
                let mut params = Vec::new();
                while !self.eat(")") {
                    params.push(self.ident());
                    self.eat(",");
                }
                self.expect("{");
                let body = self.program();
                self.expect("}");
                Expr::Func(Rc::new((params, body)))
            }
            Some(Tok::Ident(k)) => {
                self.i += 1;
                Expr::Ident(k)
            }
            Some(Tok::P("(")) => {
                self.i += 1;
                let e = self.expr();
                self.expect(")");
                e
            }
            Some(Tok::P("[")) => {
                self.i += 1;
                let mut items = Vec::new();
                while !self.eat("]") {
                    items.push(self.expr());
                    self.eat(",");
                }
                Expr::Array(items)
            }
            other => panic!("unexpected token {other:?}"),
        }
    }
}

#[derive(Debug, Clone)]
enum Val {
    Num(f64),
    Str(String),
    Bool(bool),
    Null,
    Undef,
    Arr(Rc<Vec<Val>>),
    Cues,
    Cue(usize),
    Region(usize),
    Func(Rc<(Vec<String>, Vec<Stmt>)>),
    Builtin(&'static str),
    Method(Box<Val>, String),
}

fn loose_eq(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Null | Val::Undef, Val::Null | Val::Undef) => true,
        (Val::Region(x), Val::Region(y)) => x == y,
        (Val::Cue(x), Val::Cue(y)) => x == y,
        _ => false,
    }
}

fn truthy(v: &Val) -> bool {
    match v {
        Val::Num(n) => *n != 0.0 && !n.is_nan(),
        Val::Str(s) => !s.is_empty(),
        Val::Bool(b) => *b,
        Val::Null | Val::Undef => false,
        _ => true,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Category {
    Count,
    Timing,
    Text,
    Id,
    Settings,
}

#[derive(Default)]
struct Outcome {
    by_category: HashMap<Category, (usize, usize)>,
    failures: Vec<String>,
}

struct Interp<'a> {
    vtt: &'a WebVtt,
    scopes: Vec<HashMap<String, Val>>,
    outcome: Outcome,
}

fn category(e: &Expr) -> Category {
    match e {
        Expr::Member(_, name) => match name.as_str() {
            "length" => Category::Count,
            "startTime" | "endTime" => Category::Timing,
            "text" => Category::Text,
            "id" => Category::Id,
            _ => Category::Settings,
        },
        _ => Category::Settings,
    }
}

fn num_or_auto(v: Option<f64>) -> Val {
    v.map_or(Val::Str("auto".into()), Val::Num)
}

impl Interp<'_> {
    fn lookup(&self, name: &str) -> Result<Val, String> {
        for s in self.scopes.iter().rev() {
            if let Some(v) = s.get(name) {
                return Ok(v.clone());
            }
        }
        match name {
            "cues" => Ok(Val::Cues),
            "null" => Ok(Val::Null),
            "undefined" => Ok(Val::Undef),
            "true" => Ok(Val::Bool(true)),
            "false" => Ok(Val::Bool(false)),
            "assert_equals" | "assert_not_equals" | "assert_true" | "assert_false" | "Array"
            | "Number" => Ok(Val::Builtin(match name {
                "assert_equals" => "assert_equals",
                "assert_not_equals" => "assert_not_equals",
                "assert_true" => "assert_true",
                "assert_false" => "assert_false",
                "Array" => "Array",
                _ => "Number",
            })),
            _ => Err(format!("unknown variable {name}")),
        }
    }

    fn set(&mut self, name: &str, v: Val) {
        for s in self.scopes.iter_mut().rev() {
            if let Some(slot) = s.get_mut(name) {
                *slot = v;
                return;
            }
        }
        self.scopes.last_mut().unwrap().insert(name.to_string(), v);
    }

    fn member(&self, obj: &Val, name: &str) -> Result<Val, String> {
        let vtt = self.vtt;
        Ok(match obj {
            Val::Cues => match name {
                "length" => Val::Num(vtt.cues.len() as f64),
                _ => return Err(format!("cues.{name}")),
            },
            Val::Arr(a) => match name {
                "length" => Val::Num(a.len() as f64),
                "forEach" | "map" => Val::Method(Box::new(obj.clone()), name.to_string()),
                _ => return Err(format!("array.{name}")),
            },
            Val::Builtin("Array") if name == "from" => {
                Val::Method(Box::new(obj.clone()), name.into())
            }
            Val::Builtin("Number") => match name {
                "MAX_VALUE" => Val::Num(f64::MAX),
                "MIN_VALUE" => Val::Num(5e-324),
                _ => return Err(format!("Number.{name}")),
            },
            Val::Cue(i) => {
                let c = &vtt.cues[*i];
                let s = &c.settings;
                match name {
                    "id" => Val::Str(c.id.clone()),
                    "text" => Val::Str(c.text.clone()),
                    "startTime" => Val::Num(c.start_ms as f64 / 1000.0),
                    "endTime" => Val::Num(c.end_ms as f64 / 1000.0),
                    "align" => Val::Str(
                        match s.align {
                            Align::Start => "start",
                            Align::Center => "center",
                            Align::End => "end",
                            Align::Left => "left",
                            Align::Right => "right",
                        }
                        .into(),
                    ),
                    "line" => num_or_auto(s.line),
                    "snapToLines" => Val::Bool(s.snap_to_lines),
                    "lineAlign" => Val::Str(
                        match s.line_align {
                            LineAlign::Start => "start",
                            LineAlign::Center => "center",
                            LineAlign::End => "end",
                        }
                        .into(),
                    ),
                    "vertical" => Val::Str(
                        match s.vertical {
                            Vertical::Horizontal => "",
                            Vertical::GrowingLeft => "rl",
                            Vertical::GrowingRight => "lr",
                        }
                        .into(),
                    ),
                    "size" => Val::Num(s.size),
                    "position" => num_or_auto(s.position),
                    "positionAlign" => Val::Str(
                        match s.position_align {
                            PositionAlign::Auto => "auto",
                            PositionAlign::LineLeft => "line-left",
                            PositionAlign::Center => "center",
                            PositionAlign::LineRight => "line-right",
                        }
                        .into(),
                    ),
                    "region" => s.region.map_or(Val::Null, Val::Region),
                    _ => return Err(format!("cue.{name}")),
                }
            }
            Val::Region(i) => {
                let r = &vtt.regions[*i];
                match name {
                    "id" => Val::Str(r.id.clone()),
                    "width" => Val::Num(r.width),
                    "lines" => Val::Num(r.lines),
                    "regionAnchorX" => Val::Num(r.region_anchor.0),
                    "regionAnchorY" => Val::Num(r.region_anchor.1),
                    "viewportAnchorX" => Val::Num(r.viewport_anchor.0),
                    "viewportAnchorY" => Val::Num(r.viewport_anchor.1),
                    "scroll" => Val::Str(if r.scroll_up { "up" } else { "" }.into()),
                    _ => return Err(format!("region.{name}")),
                }
            }
            other => return Err(format!("property {name} of {other:?}")),
        })
    }

    fn index(&self, obj: &Val, idx: &Val) -> Result<Val, String> {
        let Val::Num(n) = idx else {
            return Err("non-numeric index".into());
        };
        let i = *n as usize;
        Ok(match obj {
            Val::Cues => {
                if i < self.vtt.cues.len() {
                    Val::Cue(i)
                } else {
                    Val::Undef
                }
            }
            Val::Arr(a) => a.get(i).cloned().unwrap_or(Val::Undef),
            other => return Err(format!("index into {other:?}")),
        })
    }

    fn call_fn(&mut self, f: &Val, args: Vec<Val>) -> Result<Val, String> {
        let Val::Func(def) = f else {
            return Err("call of a non-function".into());
        };
        let mut scope = HashMap::new();
        for (p, a) in def.0.iter().zip(args) {
            scope.insert(p.clone(), a);
        }
        self.scopes.push(scope);
        let r = self.run(&def.1.clone());
        self.scopes.pop();
        Ok(r?.unwrap_or(Val::Undef))
    }

    fn call(&mut self, callee: &Expr, args: &[Expr]) -> Result<Val, String> {
        let f = self.eval(callee)?;
        let vals: Vec<Val> = args
            .iter()
            .map(|a| self.eval(a))
            .collect::<Result<_, _>>()?;
        match f {
            Val::Builtin(name) if name.starts_with("assert") => {
                let cat = category(&args[0]);
                let (ok, what) = match name {
                    "assert_equals" => (
                        loose_eq(&vals[0], &vals[1]),
                        format!("{:?} == {:?}", vals[0], vals[1]),
                    ),
                    "assert_not_equals" => (
                        !loose_eq(&vals[0], &vals[1]),
                        format!("{:?} != {:?}", vals[0], vals[1]),
                    ),
                    "assert_true" => (truthy(&vals[0]), format!("{:?} is true", vals[0])),
                    _ => (!truthy(&vals[0]), format!("{:?} is false", vals[0])),
                };
                let e = self.outcome.by_category.entry(cat).or_default();
                e.1 += 1;
                if ok {
                    e.0 += 1;
                } else {
                    self.outcome.failures.push(what);
                }
                Ok(Val::Undef)
            }
            Val::Method(recv, m) => {
                let items: Vec<Val> = match (*recv, m.as_str()) {
                    (Val::Builtin("Array"), "from") => {
                        return Ok(match &vals[0] {
                            Val::Cues => {
                                Val::Arr(Rc::new((0..self.vtt.cues.len()).map(Val::Cue).collect()))
                            }
                            other => other.clone(),
                        });
                    }
                    (Val::Arr(a), _) => a.to_vec(),
                    (other, _) => return Err(format!("method {m} on {other:?}")),
                };
                let mut mapped = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    mapped.push(self.call_fn(&vals[0], vec![item, Val::Num(i as f64)])?);
                }
                Ok(if m == "map" {
                    Val::Arr(Rc::new(mapped))
                } else {
                    Val::Undef
                })
            }
            other => Err(format!("call of {other:?}")),
        }
    }

    fn eval(&mut self, e: &Expr) -> Result<Val, String> {
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Ident(n) => self.lookup(n)?,
            Expr::Array(items) => Val::Arr(Rc::new(
                items
                    .iter()
                    .map(|i| self.eval(i))
                    .collect::<Result<_, _>>()?,
            )),
            Expr::Member(o, name) => {
                let o = self.eval(o)?;
                self.member(&o, name)?
            }
            Expr::Index(o, i) => {
                let o = self.eval(o)?;
                let i = self.eval(i)?;
                self.index(&o, &i)?
            }
            Expr::Call(callee, args) => self.call(callee, args)?,
            Expr::Func(def) => Val::Func(def.clone()),
            Expr::Bin(op, l, r) => {
                let l = self.eval(l)?;
                let r = self.eval(r)?;
                match (op, &l, &r) {
                    (&"+", Val::Num(a), Val::Num(b)) => Val::Num(a + b),
                    (&"+", Val::Str(a), Val::Num(b)) => Val::Str(format!("{a}{b}")),
                    (&"+", Val::Str(a), Val::Str(b)) => Val::Str(format!("{a}{b}")),
                    (&"-", Val::Num(a), Val::Num(b)) => Val::Num(a - b),
                    (&"*", Val::Num(a), Val::Num(b)) => Val::Num(a * b),
                    (&"<", Val::Num(a), Val::Num(b)) => Val::Bool(a < b),
                    _ => return Err(format!("{l:?} {op} {r:?}")),
                }
            }
            Expr::Not(x) => Val::Bool(!truthy(&self.eval(x)?)),
            Expr::Neg(x) => match self.eval(x)? {
                Val::Num(n) => Val::Num(-n),
                other => return Err(format!("-{other:?}")),
            },
            Expr::PostInc(name) => {
                let Val::Num(n) = self.lookup(name)? else {
                    return Err("++ on non-number".into());
                };
                self.set(name, Val::Num(n + 1.0));
                Val::Num(n)
            }
        })
    }

    /// Runs statements; `Some` when a `return` was hit.
    fn run(&mut self, stmts: &[Stmt]) -> Result<Option<Val>, String> {
        for s in stmts {
            match s {
                Stmt::Expr(e) => {
                    self.eval(e)?;
                }
                Stmt::Var(n, e) => {
                    let v = self.eval(e)?;
                    self.scopes.last_mut().unwrap().insert(n.clone(), v);
                }
                Stmt::Return(e) => return Ok(Some(self.eval(e)?)),
                Stmt::For(init, cond, update, body) => {
                    self.run(std::slice::from_ref(init))?;
                    let mut guard = 0;
                    while truthy(&self.eval(cond)?) {
                        if let Some(v) = self.run(body)? {
                            return Ok(Some(v));
                        }
                        self.eval(update)?;
                        guard += 1;
                        assert!(guard < 100_000, "runaway loop");
                    }
                }
            }
        }
        Ok(None)
    }
}

fn run_assertions(js: &str, vtt: &WebVtt) -> Outcome {
    let program = JsParser { t: lex(js), i: 0 }.program();
    let mut interp = Interp {
        vtt,
        scopes: vec![HashMap::new()],
        outcome: Outcome::default(),
    };
    if let Err(e) = interp.run(&program) {
        interp
            .outcome
            .failures
            .push(format!("evaluation stopped: {e}"));
    }
    interp.outcome
}

fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

/// The harness itself must be able to fail: a wrong parse of a known case
/// yields failed assertions of the right categories.
#[test]
fn harness_detects_wrong_parses() {
    let js = "assert_equals(cues.length, 1);\nassert_equals(cues[0].text, 'text');\nassert_equals(cues[0].startTime, 0);";
    let empty = run_assertions(js, &WebVtt::default());
    assert!(!empty.failures.is_empty());
    let wrong = webvtt::parse(
        "WEBVTT\n\n00:00:02.000 --> 00:00:03.000\ntext\n",
        Mode::Strict,
    )
    .unwrap();
    let out = run_assertions(js, &wrong);
    assert_eq!(out.by_category[&Category::Timing], (0, 1));
    assert_eq!(out.by_category[&Category::Text], (1, 1));
    let right = webvtt::parse("WEBVTT\n\n00:00.000 --> 00:01.000\ntext\n", Mode::Strict).unwrap();
    assert!(run_assertions(js, &right).failures.is_empty());
}

#[test]
fn w3c_file_parsing_cases() {
    let Some(dir) = data_dir() else { return };
    let dir = dir.join("wpt-file-parsing");
    let mut totals: HashMap<Category, (usize, usize)> = HashMap::new();
    let mut passed_files = 0;
    let mut failed: Vec<String> = Vec::new();
    let mut mode_differences: Vec<String> = Vec::new();
    let files = sorted_files(&dir, "vtt");
    for vtt_path in &files {
        let name = vtt_path.file_stem().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(vtt_path).unwrap();
        // The specification decodes as UTF-8, replacing bad bytes.
        let text = String::from_utf8_lossy(&bytes);
        let vtt = webvtt::parse(&text, Mode::Strict).unwrap_or_default();
        let lenient = webvtt::parse(&text, Mode::Lenient).unwrap_or_default();
        if lenient != vtt {
            mode_differences.push(name.clone());
        }
        let js = std::fs::read_to_string(vtt_path.with_extension("js")).unwrap();
        let outcome = run_assertions(&js, &vtt);
        for (cat, (ok, all)) in &outcome.by_category {
            let t = totals.entry(*cat).or_default();
            t.0 += ok;
            t.1 += all;
        }
        if outcome.failures.is_empty() {
            passed_files += 1;
        } else {
            failed.push(format!("{name}: {}", outcome.failures.join("; ")));
        }
    }
    println!(
        "W3C WebVTT file parsing: {passed_files}/{} cases pass",
        files.len()
    );
    let mut cats: Vec<_> = totals.into_iter().collect();
    cats.sort();
    for (cat, (ok, all)) in cats {
        println!("  {cat:?} assertions: {ok}/{all}");
    }
    println!(
        "  lenient mode parses {} of {} files differently from strict: {:?}",
        mode_differences.len(),
        files.len(),
        mode_differences
    );
    assert!(
        files.len() >= 37,
        "expected the 37 WPT file-parsing cases, found {}",
        files.len()
    );
    assert!(
        failed.is_empty(),
        "failing W3C cases:\n{}",
        failed.join("\n")
    );
}

/// Serialises a cue tree in the html5lib format the WPT cases use.
fn serialize(nodes: &[Node], depth: usize, out: &mut String) {
    for n in nodes {
        let pad = " ".repeat(depth * 2);
        match n {
            Node::Text(t) => {
                let _ = writeln!(out, "| {pad}\"{t}\"");
            }
            Node::Timestamp(ms) => {
                let _ = writeln!(out, "| {pad}<?timestamp {}>", format_timestamp(*ms));
            }
            Node::Element {
                element,
                classes,
                children,
            } => {
                let tag = match element {
                    Element::Class | Element::Voice(_) | Element::Lang(_) => "span",
                    Element::Italic => "i",
                    Element::Bold => "b",
                    Element::Underline => "u",
                    Element::Ruby => "ruby",
                    Element::RubyText => "rt",
                };
                let _ = writeln!(out, "| {pad}<{tag}>");
                let inner = " ".repeat(depth * 2 + 2);
                if !classes.is_empty() {
                    let _ = writeln!(out, "| {inner}class=\"{}\"", classes.join(" "));
                }
                match element {
                    Element::Lang(l) => {
                        let _ = writeln!(out, "| {inner}lang=\"{l}\"");
                    }
                    Element::Voice(v) => {
                        let _ = writeln!(out, "| {inner}title=\"{v}\"");
                    }
                    _ => {}
                }
                serialize(children, depth + 1, out);
            }
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CueCase {
    text: String,
    expected_tree: String,
}

#[test]
fn w3c_cue_text_cases() {
    let Some(dir) = data_dir() else { return };
    let dir = dir.join("wpt-cue-parsing");
    let (mut ok, mut all, mut voice_ok, mut voice_all) = (0, 0, 0, 0);
    let mut failed = Vec::new();
    let mut per_file = Vec::new();
    for path in sorted_files(&dir, "json") {
        let cases: Vec<CueCase> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let (mut f_ok, f_all) = (0, cases.len());
        for case in cases {
            let input = case.text.strip_suffix('\n').unwrap_or(&case.text);
            let file = format!("WEBVTT\n\n00:00.000 --> 00:01.000\n{input}");
            let vtt = webvtt::parse(&file, Mode::Strict).unwrap();
            let tree = vtt
                .cues
                .first()
                .map(|c| cuetext::parse(&c.text))
                .unwrap_or_default();
            let mut got = String::new();
            serialize(&tree, 0, &mut got);
            let is_voice = input.contains("<v");
            all += 1;
            voice_all += usize::from(is_voice);
            if got == case.expected_tree {
                ok += 1;
                f_ok += 1;
                voice_ok += usize::from(is_voice);
            } else {
                failed.push(format!(
                    "{stem}: {input:?}\n  expected {:?}\n  got      {got:?}",
                    case.expected_tree
                ));
            }
        }
        per_file.push(format!("{stem} {f_ok}/{f_all}"));
    }
    println!(
        "W3C WebVTT cue text: {ok}/{all} trees match ({})",
        per_file.join(", ")
    );
    println!("  voice-span cases with the expected speaker and tree: {voice_ok}/{voice_all}");
    assert!(all >= 77, "expected the 77 WPT cue-text cases, found {all}");
    assert!(voice_all >= 6);
    assert!(
        failed.is_empty(),
        "failing cue-text cases:\n{}",
        failed.join("\n")
    );
}
