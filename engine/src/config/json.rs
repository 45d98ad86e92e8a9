//! Terraform's JSON syntax (`.tf.json` files), read into the same [`Body`] as HCL.
//!
//! A JSON value that Terraform reads as an expression is cut out of the file and parsed as HCL
//! on its own: JSON's arrays, objects, numbers and literals are HCL with the same meaning, and
//! a JSON string is an HCL quoted template, as Terraform's JSON syntax says. The arguments
//! whose strings Terraform reads as references or types (`depends_on`, `provider`, a
//! variable's `type`, ...) have their quotes blanked out first, which keeps every offset, so
//! diagnostics point into the JSON file. Which keys are nested blocks is known here for the
//! language's own blocks; a provider's nested blocks are told from arguments by its schema
//! when the body is decoded (see [`Body::json`]).

use super::{Attr, Block, Body, Expr};
use crate::core::diagnostic::{Diagnostic, Diagnostics, SourceFile, Span};
use hcl_edit::expr::{Expression, ObjectKey};
use std::ops::Range;
use std::sync::Arc;

/// Deeper nesting than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

/// A JSON value and where it is.
struct Node {
    range: Range<usize>,
    kind: Kind,
}

enum Kind {
    Object(Vec<Member>),
    Array(Vec<Node>),
    String,
    Other,
}

struct Member {
    key: String,
    key_range: Range<usize>,
    value: Node,
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

type Failure = (usize, String);

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn fail<T>(&self, what: &str) -> Result<T, Failure> {
        let found = match self.s.get(self.i) {
            Some(c) if c.is_ascii_graphic() => format!("found `{}`", *c as char),
            Some(_) => "found an unexpected character".to_string(),
            None => "found the end of the file".to_string(),
        };
        Err((self.i, format!("Expected {what}, {found}")))
    }

    fn value(&mut self, depth: usize) -> Result<Node, Failure> {
        if depth > MAX_DEPTH {
            return Err((self.i, format!("Values are nested more than {MAX_DEPTH} deep")));
        }
        self.ws();
        let start = self.i;
        let kind = match self.s.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        if self.s.get(self.i) != Some(&b'"') {
                            return self.fail("a property name in double quotes");
                        }
                        let key_start = self.i;
                        let key = self.string()?;
                        let key_range = key_start..self.i;
                        self.ws();
                        if self.s.get(self.i) != Some(&b':') {
                            return self.fail("`:` after the property name");
                        }
                        self.i += 1;
                        let value = self.value(depth + 1)?;
                        members.push(Member { key, key_range, value });
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return self.fail("`,` or `}`"),
                        }
                    }
                }
                Kind::Object(members)
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return self.fail("`,` or `]`"),
                        }
                    }
                }
                Kind::Array(items)
            }
            Some(b'"') => {
                self.string()?;
                Kind::String
            }
            Some(b't') => self.word("true")?,
            Some(b'f') => self.word("false")?,
            Some(b'n') => self.word("null")?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return self.fail("a JSON value"),
        };
        Ok(Node {
            range: start..self.i,
            kind,
        })
    }

    fn word(&mut self, w: &str) -> Result<Kind, Failure> {
        if self.s[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(Kind::Other)
        } else {
            self.fail("a JSON value")
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Kind, Failure> {
        if self.s[self.i] == b'-' {
            self.i += 1;
        }
        if self.digits() == 0 {
            return self.fail("a digit");
        }
        if self.s.get(self.i) == Some(&b'.') {
            self.i += 1;
            if self.digits() == 0 {
                return self.fail("a digit after the decimal point");
            }
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return self.fail("a digit in the exponent");
            }
        }
        Ok(Kind::Other)
    }

    fn hex4(&mut self) -> Result<u32, Failure> {
        let digits = self.s.get(self.i..self.i + 4).and_then(|d| std::str::from_utf8(d).ok());
        match digits.and_then(|d| u32::from_str_radix(d, 16).ok()) {
            Some(n) => {
                self.i += 4;
                Ok(n)
            }
            None => self.fail("four hexadecimal digits after \\u"),
        }
    }

    fn string(&mut self) -> Result<String, Failure> {
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.s.get(self.i) {
                None => return Err((self.i, "This string is never closed: add the closing `\"`".into())),
                Some(b'"') => {
                    self.i += 1;
                    break;
                }
                Some(b'\\') => {
                    self.i += 1;
                    let Some(&c) = self.s.get(self.i) else { continue };
                    self.i += 1;
                    let simple = match c {
                        b'"' => Some('"'),
                        b'\\' => Some('\\'),
                        b'/' => Some('/'),
                        b'b' => Some('\u{8}'),
                        b'f' => Some('\u{c}'),
                        b'n' => Some('\n'),
                        b'r' => Some('\r'),
                        b't' => Some('\t'),
                        b'u' => None,
                        _ => {
                            self.i -= 1;
                            return self.fail("one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u after a backslash");
                        }
                    };
                    let ch = match simple {
                        Some(ch) => ch,
                        None => {
                            let first = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&first) && self.s[self.i..].starts_with(b"\\u") {
                                self.i += 2;
                                let second = self.hex4()?;
                                0x10000 + ((first - 0xD800) << 10) + (second.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                first
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                Some(&c) if c < 0x20 => {
                    return self.fail("no control characters (write \\n for a line break) inside a string")
                }
                Some(&c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|_| (self.i, "This string is not valid UTF-8".to_string()))
    }
}

fn parse(text: &str) -> Result<Node, Failure> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let node = p.value(0)?;
    p.ws();
    if p.i < p.s.len() {
        return p.fail("the end of the file after the top-level object");
    }
    Ok(node)
}

/// How many labels a top-level block of this type has.
fn top_level_labels(kind: &str) -> usize {
    match kind {
        "resource" | "data" | "ephemeral" => 2,
        "module" | "provider" | "variable" | "output" | "check" => 1,
        _ => 0,
    }
}

/// The language's own nested blocks: for a key of a body of block type `within`, how many
/// labels the block has. Other keys are arguments, or a provider's blocks told by its schema.
fn nested_block(within: &str, key: &str) -> Option<usize> {
    Some(match (within, key) {
        ("resource" | "data" | "content" | "provider", "dynamic") => 1,
        ("resource" | "data" | "removed", "lifecycle") => 0,
        ("resource" | "removed", "provisioner") => 1,
        ("resource" | "provisioner", "connection") => 0,
        ("dynamic", "content") => 0,
        ("lifecycle", "precondition" | "postcondition") => 0,
        ("variable", "validation") => 0,
        ("output", "precondition") => 0,
        ("terraform", "required_providers" | "cloud") => 0,
        ("terraform", "backend" | "provider_meta") => 1,
        ("cloud", "workspaces") => 0,
        ("check", "data") => 2,
        ("check", "assert") => 0,
        _ => return None,
    })
}

/// Which strings of an argument Terraform reads as references (or a type), not templates.
enum Refs {
    /// The value, or each item of a list.
    Strings,
    /// Each key and value of an object (`providers = { aws = aws.west }`).
    Values,
    /// The strings under this key of an object value (`configuration_aliases`).
    Under(&'static str),
}

fn references(within: &str, key: &str) -> Option<Refs> {
    Some(match (within, key) {
        ("resource" | "data" | "import", "provider")
        | ("resource" | "data" | "output" | "module", "depends_on")
        | ("variable", "type")
        | ("dynamic", "iterator")
        | ("lifecycle", "ignore_changes" | "replace_triggered_by")
        | ("moved", "from" | "to")
        | ("import", "to")
        | ("removed", "from") => Refs::Strings,
        ("module", "providers") => Refs::Values,
        ("required_providers", _) => Refs::Under("configuration_aliases"),
        _ => return None,
    })
}

/// The ranges of the strings `refs` names within `node`.
fn reference_strings(node: &Node, refs: &Refs, out: &mut Vec<Range<usize>>) {
    match (&node.kind, refs) {
        (Kind::String, Refs::Strings) => out.push(node.range.clone()),
        (Kind::Array(items), Refs::Strings) => out.extend(
            items
                .iter()
                .filter(|i| matches!(i.kind, Kind::String))
                .map(|i| i.range.clone()),
        ),
        (Kind::Object(members), Refs::Values) => {
            for m in members {
                out.push(m.key_range.clone());
                reference_strings(&m.value, &Refs::Strings, out);
            }
        }
        (Kind::Object(members), Refs::Under(key)) => {
            for m in members.iter().filter(|m| m.key == *key) {
                reference_strings(&m.value, &Refs::Strings, out);
            }
        }
        _ => {}
    }
}

/// Turns a JSON string literal at `range` (relative to `bytes`) into the bare expression it
/// holds, keeping every offset: the quotes become spaces, and so do the backslashes of `\"`
/// (outside the inner string they quote) and `\\`.
fn unquote(bytes: &mut [u8], range: Range<usize>) {
    bytes[range.start] = b' ';
    bytes[range.end - 1] = b' ';
    let mut i = range.start + 1;
    let mut opening = true;
    while i + 1 < range.end - 1 {
        if bytes[i] == b'\\' {
            match bytes[i + 1] {
                // An inner string's quotes (`module.x[\"k\"]`): the blank goes outside it.
                b'"' => {
                    if opening {
                        bytes[i] = b' ';
                    } else {
                        (bytes[i], bytes[i + 1]) = (b'"', b' ');
                    }
                    opening = !opening;
                }
                b'\\' => bytes[i] = b' ',
                _ => {}
            }
            i += 2;
        } else {
            i += 1;
        }
    }
}

/// The ranges of the string values in `node` (not object keys), where templates may be.
fn template_strings(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.kind {
        Kind::String => out.push(node.range.clone()),
        Kind::Array(items) => items.iter().for_each(|i| template_strings(i, out)),
        Kind::Object(members) => members.iter().for_each(|m| template_strings(&m.value, out)),
        Kind::Other => {}
    }
}

/// The JSON string literal `raw` (quotes included) as an HCL template literal, when an
/// interpolation in it holds JSON escapes. Terraform decodes the JSON string before it parses
/// the template, so `"${upper(\"x\")}"` calls `upper("x")`; HCL would read `\"` inside
/// `${...}` as a stray backslash. The literal parts stay as written (their escapes mean the
/// same in HCL); the interpolations are decoded. `None` when nothing needs it.
fn decoded_interpolations(raw: &str) -> Option<String> {
    if !(raw.contains('\\') && (raw.contains("${") || raw.contains("%{"))) {
        return None;
    }
    // Each character of the string's content: its JSON text and what it decodes to.
    let body = &raw[1..raw.len() - 1];
    let mut chars: Vec<(&str, char)> = Vec::new();
    let mut i = 0;
    while i < body.len() {
        let rest = &body[i..];
        let (len, ch) = if let Some(esc) = rest.strip_prefix('\\') {
            match esc.chars().next() {
                Some('u') => {
                    let unit = |at: usize| rest.get(at..at + 4).and_then(|h| u32::from_str_radix(h, 16).ok());
                    match (unit(2), rest.get(6..8), unit(8)) {
                        (Some(hi @ 0xD800..=0xDBFF), Some("\\u"), Some(lo @ 0xDC00..=0xDFFF)) => {
                            (12, char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?)
                        }
                        (Some(u), _, _) => (6, char::from_u32(u)?),
                        _ => return None,
                    }
                }
                Some(c) => (
                    2,
                    match c {
                        'n' => '\n',
                        'r' => '\r',
                        't' => '\t',
                        'b' => '\u{8}',
                        'f' => '\u{c}',
                        other => other,
                    },
                ),
                None => return None,
            }
        } else {
            let c = rest.chars().next()?;
            (c.len_utf8(), c)
        };
        chars.push((&rest[..len], ch));
        i += len;
    }
    enum Place {
        Expr(usize),
        Quoted,
    }
    let mut out = String::from("\"");
    let mut stack: Vec<Place> = Vec::new();
    let mut changed = false;
    let mut k = 0;
    while k < chars.len() {
        let (text, ch) = chars[k];
        let next = chars.get(k + 1).map(|c| c.1);
        let opens = matches!(ch, '$' | '%') && next == Some('{');
        let doubled = matches!(ch, '$' | '%') && next == Some(ch) && chars.get(k + 2).map(|c| c.1) == Some('{');
        match stack.last_mut() {
            None | Some(Place::Quoted) if doubled => {
                // `$${` is a literal `${`, not an interpolation.
                for c in &chars[k..k + 3] {
                    match stack.is_empty() {
                        true => out.push_str(c.0),
                        false => out.push(c.1),
                    }
                }
                k += 3;
                continue;
            }
            None | Some(Place::Quoted) if opens => {
                out.push(ch);
                out.push('{');
                stack.push(Place::Expr(0));
                k += 2;
                continue;
            }
            None => out.push_str(text),
            Some(Place::Quoted) => {
                changed |= text.len() > 1;
                out.push(ch);
                if ch == '\\' {
                    if let Some(&(_, escaped)) = chars.get(k + 1) {
                        out.push(escaped);
                        k += 1;
                    }
                } else if ch == '"' {
                    stack.pop();
                }
            }
            Some(Place::Expr(depth)) => {
                changed |= text.len() > 1;
                out.push(ch);
                match ch {
                    '{' => *depth += 1,
                    '}' if *depth == 0 => {
                        stack.pop();
                    }
                    '}' => *depth -= 1,
                    '"' => stack.push(Place::Quoted),
                    _ => {}
                }
            }
        }
        k += 1;
    }
    out.push('"');
    changed.then_some(out)
}

/// Rewrites JSON escapes HCL does not have (`\/`, `\b`, `\f`, surrogate pairs); offsets after
/// one shift a little, which only moves a marker within this one value.
fn hcl_escapes(text: String) -> String {
    let needs = text.as_bytes().windows(2).enumerate().any(|(i, w)| {
        w[0] == b'\\'
            && (matches!(w[1], b'/' | b'b' | b'f')
                || (w[1] == b'u' && matches!(text.as_bytes().get(i + 2), Some(b'd' | b'D'))))
    });
    if !needs {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().map(|&(_, n)| n) {
            Some('/') => {
                chars.next();
                out.push('/');
            }
            Some('b') => {
                chars.next();
                out.push_str("\\u0008");
            }
            Some('f') => {
                chars.next();
                out.push_str("\\u000C");
            }
            Some('u') => {
                let pair = text.get(i + 2..i + 6).zip(text.get(i + 8..i + 12));
                let decoded = pair
                    .filter(|_| text.get(i + 6..i + 8) == Some("\\u"))
                    .and_then(|(hi, lo)| Some((u32::from_str_radix(hi, 16).ok()?, u32::from_str_radix(lo, 16).ok()?)))
                    .filter(|(hi, lo)| (0xD800..0xDC00).contains(hi) && (0xDC00..0xE000).contains(lo))
                    .and_then(|(hi, lo)| char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)));
                match decoded {
                    Some(ch) => {
                        out.push(ch);
                        for _ in 0..11 {
                            chars.next();
                        }
                    }
                    None => out.push('\\'),
                }
            }
            Some(other) => {
                chars.next();
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A block being read: its type, the labels read so far and where they are.
struct Header<'a> {
    kind: &'a str,
    labels: Vec<String>,
    first: Option<Range<usize>>,
    last: Range<usize>,
}

struct Reader<'a> {
    file: &'a Arc<SourceFile>,
    diags: &'a mut Diagnostics,
}

impl Reader<'_> {
    fn span(&self, range: Range<usize>) -> Option<Span> {
        Some(Span {
            file: self.file.clone(),
            range,
        })
    }

    fn error(&mut self, summary: &str, detail: String, range: Range<usize>) {
        let span = self.span(range);
        self.diags.push(Diagnostic::error(summary, detail).at(span));
    }

    /// The expression `node` (the value of argument `key`) holds, with the strings `refs`
    /// names read as references.
    fn expr(&mut self, key: &str, node: &Node, refs: Option<Refs>) -> Option<Expr> {
        let base = node.range.start;
        let read_as = if refs.is_some() {
            format!("\"{key}\" holds references (or a type) written as strings, like \"aws_s3_bucket.b\"")
        } else {
            "a value's strings are templates, with interpolations written \"${...}\"".to_string()
        };
        let mut bytes = self.file.text.as_bytes()[node.range.clone()].to_vec();
        if let Some(refs) = &refs {
            let mut strings = Vec::new();
            reference_strings(node, refs, &mut strings);
            for r in strings {
                unquote(&mut bytes, r.start - base..r.end - base);
            }
        }
        if refs.is_none() {
            let mut strings = Vec::new();
            template_strings(node, &mut strings);
            // From the last, so that the ranges before a rewritten one stay where they are.
            for r in strings.into_iter().rev() {
                let raw = String::from_utf8_lossy(&bytes[r.start - base..r.end - base]).into_owned();
                if let Some(template) = decoded_interpolations(&raw) {
                    bytes.splice(r.start - base..r.end - base, template.into_bytes());
                }
            }
        }
        // A whole string read as an expression: its quotes are blanks now, which HCL does not
        // take around an expression, so only what is between them is parsed.
        let (base, bytes) = match node.kind {
            Kind::String if bytes.len() >= 2 && bytes[0] == b' ' => (base + 1, &bytes[1..bytes.len() - 1]),
            _ => (base, &bytes[..]),
        };
        // Only ASCII bytes were replaced by ASCII bytes, so this is still UTF-8.
        let text = hcl_escapes(String::from_utf8_lossy(bytes).into_owned());
        let view = SourceFile::view(self.file, base, text);
        match hcl_edit::parser::parse_expr(&view.text) {
            Ok(expr) => Some(Expr { expr, file: view }),
            Err(e) => {
                let at = base + e.location().offset();
                self.error(
                    "Invalid expression",
                    format!(
                        "{}. In Terraform's JSON syntax {}; fix it at the marked position.",
                        e.message(),
                        read_as
                    ),
                    at..at + 1,
                );
                None
            }
        }
    }

    /// The blocks `head` starts, with `more` labels still to read from `node`: one object per
    /// label level, then the body; an array at any level gives several.
    fn blocks(&mut self, head: &mut Header<'_>, node: &Node, more: usize, out: &mut Vec<Block>) {
        match &node.kind {
            Kind::Array(items) => {
                for item in items {
                    self.blocks(head, item, more, out);
                }
            }
            Kind::Object(members) if more > 0 => {
                for m in members.iter().filter(|m| m.key != "//") {
                    let outer = (head.first.clone(), head.last.clone());
                    head.labels.push(m.key.clone());
                    head.first.get_or_insert(m.key_range.clone());
                    head.last = m.key_range.clone();
                    self.blocks(head, &m.value, more - 1, out);
                    head.labels.pop();
                    (head.first, head.last) = outer;
                }
            }
            Kind::Object(members) => {
                let body = self.body(head.kind, members);
                out.push(Block {
                    kind: head.kind.to_string(),
                    labels: head.labels.clone(),
                    body,
                    span: self.span(head.last.clone()),
                    label_span: head.first.clone().and_then(|r| self.span(r)),
                });
            }
            _ => {
                let what = if more > 0 {
                    format!("an object whose properties are the block's labels ({more} more)")
                } else {
                    "an object (the block's body) or an array of objects".to_string()
                };
                self.error(
                    "Invalid JSON block",
                    format!("The value of a \"{}\" block must be {what}.", head.kind),
                    node.range.clone(),
                );
            }
        }
    }

    /// The blocks of type `key` read from `node`.
    fn blocks_of(&mut self, key: &Member, labels: usize, out: &mut Vec<Block>) {
        let mut head = Header {
            kind: &key.key,
            labels: Vec::new(),
            first: None,
            last: key.key_range.clone(),
        };
        self.blocks(&mut head, &key.value, labels, out);
    }

    fn body(&mut self, within: &str, members: &[Member]) -> Body {
        let mut body = Body {
            json: true,
            ..Body::default()
        };
        for m in members.iter().filter(|m| m.key != "//") {
            if let Some(labels) = nested_block(within, &m.key) {
                self.blocks_of(m, labels, &mut body.blocks);
                continue;
            }
            if body.attrs.contains_key(&m.key) {
                self.error(
                    "Duplicate argument",
                    format!(
                        "The argument \"{}\" was already set. Each argument may be set only once; remove one of them.",
                        m.key
                    ),
                    m.key_range.clone(),
                );
                continue;
            }
            if let Some(expr) = self.expr(&m.key, &m.value, references(within, &m.key)) {
                body.attrs.insert(
                    m.key.clone(),
                    Attr {
                        name: m.key.clone(),
                        expr,
                        name_span: self.span(m.key_range.clone()),
                    },
                );
            }
        }
        body
    }
}

/// Parses a `.tf.json` file into a body; a syntax error is reported at its position.
pub(super) fn parse_json_body(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Body> {
    let root = match parse(&file.text) {
        Ok(root) => root,
        Err((at, message)) => {
            diags.push(
                Diagnostic::error(
                    "Invalid JSON syntax",
                    format!("{message}. Fix the syntax at the marked position."),
                )
                .at(Some(Span {
                    file: file.clone(),
                    range: at..at + 1,
                })),
            );
            return None;
        }
    };
    let mut reader = Reader { file, diags };
    let Kind::Object(members) = &root.kind else {
        reader.error(
            "Invalid JSON configuration",
            "A .tf.json file holds one JSON object whose properties are block types, like {\"resource\": {\"aws_s3_bucket\": {\"b\": {...}}}}.".into(),
            root.range.clone(),
        );
        return None;
    };
    let mut body = Body::default();
    for m in members.iter().filter(|m| m.key != "//") {
        reader.blocks_of(m, top_level_labels(&m.key), &mut body.blocks);
    }
    Some(body)
}

impl Body {
    /// A body read from JSON with the arguments `is_block` names taken as the nested blocks
    /// they are (an object is one block, an array of objects several); any other body as is.
    pub fn with_blocks(&self, is_block: impl Fn(&str) -> bool) -> std::borrow::Cow<'_, Body> {
        if !self.json || !self.attrs.keys().any(|k| is_block(k)) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut out = self.clone();
        let named: Vec<String> = out.attrs.keys().filter(|k| is_block(k)).cloned().collect();
        for name in named {
            let Some(attr) = out.attrs.remove(&name) else { continue };
            let objects: Vec<&Expression> = match &attr.expr.expr {
                Expression::Object(_) => vec![&attr.expr.expr],
                Expression::Array(items) if items.iter().all(|i| matches!(i, Expression::Object(_))) => {
                    items.iter().collect()
                }
                Expression::Null(_) => Vec::new(),
                // Not an object: left as an argument, so decoding says a block is expected.
                _ => {
                    out.attrs.insert(name, attr);
                    continue;
                }
            };
            for object in objects {
                let Expression::Object(items) = object else { continue };
                let mut body = Body {
                    json: true,
                    ..Body::default()
                };
                for (key, value) in items.iter() {
                    let key_name = match key {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => match e.as_str() {
                            Some(s) => s.to_string(),
                            None => continue,
                        },
                    };
                    if key_name == "//" {
                        continue;
                    }
                    let name_span = attr.expr.span_of_key(key);
                    body.attrs.insert(
                        key_name.clone(),
                        Attr {
                            name: key_name,
                            expr: Expr {
                                expr: value.expr().clone(),
                                file: attr.expr.file.clone(),
                            },
                            name_span,
                        },
                    );
                }
                out.blocks.push(Block {
                    kind: name.clone(),
                    labels: Vec::new(),
                    body,
                    span: attr.expr.span_of(object).or_else(|| attr.name_span.clone()),
                    label_span: None,
                });
            }
        }
        // Arguments and blocks come out of one JSON object: keep the blocks in its order.
        out.blocks
            .sort_by_key(|b| b.span.clone().map(|s| s.resolved().range.start));
        std::borrow::Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load::traversal_text;

    fn read(text: &str) -> (Option<Body>, Diagnostics) {
        let file = SourceFile::new(std::path::Path::new("t.tf.json"), "t.tf.json".into(), text.into());
        let mut diags = Diagnostics::default();
        (parse_json_body(&file, &mut diags), diags)
    }

    fn evaluated(text: &str, arg: &str) -> crate::core::value::Value {
        let (body, diags) = read(text);
        assert!(!diags.has_errors(), "{diags}");
        let body = body.expect("body");
        let attr = &body.blocks[0].body.attrs[arg];
        let scope = crate::eval::Scope::default();
        crate::eval::Evaluator::new(&scope).eval(&attr.expr).expect("evaluates")
    }

    #[test]
    fn json_escapes_hcl_lacks_are_read_as_json_means_them() {
        let v = evaluated(r#"{"locals": {"a": "x\/y\b\f\ud83d\ude00\u00e9\"\\"}}"#, "a");
        assert_eq!(v.as_str(), Some("x/y\u{8}\u{c}\u{1F600}é\"\\"));
    }

    #[test]
    fn reference_strings_keep_their_escaped_quotes() {
        let (body, diags) = read(r#"{"moved": {"from": "module.x[\"k\"].aws_s3_bucket.b", "to": "aws_s3_bucket.b"}}"#);
        assert!(!diags.has_errors(), "{diags}");
        let body = body.expect("body");
        let from = &body.blocks[0].body.attrs["from"].expr.expr;
        assert_eq!(
            traversal_text(from).as_deref(),
            Some(r#"module.x["k"].aws_s3_bucket.b"#)
        );
    }

    #[test]
    fn labels_nest_and_arrays_repeat_blocks() {
        let (body, diags) = read(
            r#"{"provider": {"aws": [{"region": "a"}, {"alias": "b", "region": "b"}]},
                "resource": {"t": {"x": {}, "y": {}}}, "//": "a comment"}"#,
        );
        assert!(!diags.has_errors(), "{diags}");
        let headers: Vec<(String, Vec<String>)> = body
            .expect("body")
            .blocks
            .iter()
            .map(|b| (b.kind.clone(), b.labels.clone()))
            .collect();
        let h = |k: &str, l: &[&str]| (k.to_string(), l.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            headers,
            vec![
                h("provider", &["aws"]),
                h("provider", &["aws"]),
                h("resource", &["t", "x"]),
                h("resource", &["t", "y"])
            ]
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!(
            "{{\"locals\": {{\"a\": {}1{}}}}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let (body, diags) = read(&text);
        assert!(body.is_none());
        assert!(diags.to_string().contains("nested more than 200 deep"), "{diags}");
    }

    #[test]
    fn a_top_level_array_is_refused_with_what_to_write() {
        let (body, diags) = read("[]");
        assert!(body.is_none());
        assert!(
            diags
                .to_string()
                .contains("one JSON object whose properties are block types"),
            "{diags}"
        );
    }
}
