//! A reader for the YAML that CloudFormation templates use, producing the same JSON a JSON
//! template would. Short-form intrinsic functions become their long form (`!Ref X` is
//! `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` is `{"Fn::Sub": s}`).
//!
//! Not supported (an error, so callers fall back to comparing text): anchors and aliases, merge
//! keys, complex keys, several documents, tab indentation.

use serde_json::{Map, Value as Json};

#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    /// The line after its indentation, comments included.
    text: &'a str,
    no: usize,
}

struct Parser<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

/// Parses one YAML document.
pub(crate) fn parse(src: &str) -> Result<Json, String> {
    let mut lines = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let text = raw.trim_start_matches(' ');
        let indent = raw.len() - text.len();
        if text.starts_with('\t') && !text.trim().is_empty() {
            return Err(format!("line {}: YAML indentation must use spaces, not tabs", i + 1));
        }
        lines.push(Line {
            indent,
            text,
            no: i + 1,
        });
    }
    let mut p = Parser { lines, pos: 0 };
    p.skip_blank();
    if let Some(l) = p.current() {
        if content(l.text) == "---" {
            p.pos += 1;
            p.skip_blank();
        }
    }
    let Some(first) = p.current() else {
        return Ok(Json::Null);
    };
    let value = p.block(first.indent)?;
    p.skip_blank();
    if let Some(l) = p.current() {
        if content(l.text) != "..." {
            return Err(format!(
                "line {}: unexpected content (several documents or a bad indentation)",
                l.no
            ));
        }
    }
    Ok(value)
}

/// The line without its comment and trailing spaces.
fn content(text: &str) -> &str {
    let bytes = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(b'"') => {
                if c == b'\\' {
                    i += 1;
                } else if c == b'"' {
                    quote = None;
                }
            }
            Some(_) => {
                if c == b'\'' {
                    quote = None;
                }
            }
            None => {
                let at_token_start = i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b':');
                if (c == b'"' || c == b'\'') && at_token_start {
                    quote = Some(c);
                } else if c == b'#' && (i == 0 || bytes[i - 1] == b' ') {
                    return text[..i].trim_end();
                }
            }
        }
        i += 1;
    }
    text.trim_end()
}

fn is_seq_item(c: &str) -> bool {
    c == "-" || c.starts_with("- ")
}

/// Splits `key: value` at the first `:` that is followed by a space or ends the line and
/// is outside quotes and brackets.
fn split_key(c: &str) -> Option<(&str, &str)> {
    if c.starts_with('[') || c.starts_with('{') || c.starts_with('!') || c.starts_with('&') || c.starts_with('*') {
        return None;
    }
    let bytes = c.as_bytes();
    let mut i = 0;
    if bytes.first() == Some(&b'"') || bytes.first() == Some(&b'\'') {
        let q = bytes[0];
        i = 1;
        while i < bytes.len() {
            if q == b'"' && bytes[i] == b'\\' {
                i += 2;
                continue;
            }
            if bytes[i] == q {
                if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                    i += 2;
                    continue;
                }
                break;
            }
            i += 1;
        }
        i += 1;
        let rest = c.get(i..)?.trim_start();
        let after = rest.strip_prefix(':')?;
        if after.is_empty() || after.starts_with(' ') {
            return Some((&c[..i], after));
        }
        return None;
    }
    while i < bytes.len() {
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            return Some((c[..i].trim_end(), &c[i + 1..]));
        }
        i += 1;
    }
    None
}

impl<'a> Parser<'a> {
    fn current(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    fn skip_blank(&mut self) {
        while let Some(l) = self.current() {
            if content(l.text).is_empty() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// A block collection or scalar whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize) -> Result<Json, String> {
        self.skip_blank();
        let Some(line) = self.current() else {
            return Ok(Json::Null);
        };
        let c = content(line.text);
        if is_seq_item(c) {
            self.seq(indent)
        } else if split_key(c).is_some() {
            self.map(indent)
        } else {
            self.pos += 1;
            let parent = indent.saturating_sub(1);
            let text = self.continuation(c.to_string(), parent);
            scalar_or_flow(&text)
        }
    }

    fn map(&mut self, indent: usize) -> Result<Json, String> {
        let mut out = Map::new();
        loop {
            self.skip_blank();
            let Some(line) = self.current() else { break };
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return Err(format!("line {}: unexpected indentation", line.no));
            }
            let c = content(line.text);
            if is_seq_item(c) {
                return Err(format!(
                    "line {}: a list item where a `key: value` was expected",
                    line.no
                ));
            }
            if c == "..." || c == "---" {
                break;
            }
            let (raw_key, rest) = split_key(c).ok_or_else(|| format!("line {}: expected `key: value`", line.no))?;
            let key = match scalar_or_flow(raw_key)? {
                Json::String(s) => s,
                Json::Null => "null".to_string(),
                other => other.to_string(),
            };
            if key == "<<" {
                return Err(format!("line {}: YAML merge keys are not supported", line.no));
            }
            self.pos += 1;
            let value = self.value_after(indent, rest, true, line.no)?;
            if out.contains_key(&key) {
                return Err(format!("line {}: duplicate key {key:?}", line.no));
            }
            out.insert(key, value);
        }
        Ok(Json::Object(out))
    }

    fn seq(&mut self, indent: usize) -> Result<Json, String> {
        let mut out = Vec::new();
        loop {
            self.skip_blank();
            let Some(line) = self.current() else { break };
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return Err(format!("line {}: unexpected indentation", line.no));
            }
            let c = content(line.text);
            if !is_seq_item(c) {
                break;
            }
            let after_dash = &line.text[1..];
            let rest = after_dash.trim_start_matches(' ');
            let offset = 1 + after_dash.len() - rest.len();
            let rest_content = content(rest);
            if rest_content.is_empty() {
                self.pos += 1;
                out.push(self.nested(indent, false)?);
            } else if is_seq_item(rest_content) || split_key(rest_content).is_some() {
                // A collection that starts on the dash line: read it as if the text after
                // the dash stood on its own line, at that column.
                self.lines[self.pos] = Line {
                    indent: indent + offset,
                    text: rest,
                    no: line.no,
                };
                out.push(self.block(indent + offset)?);
            } else {
                self.pos += 1;
                out.push(self.value_after(indent, rest, false, line.no)?);
            }
        }
        Ok(Json::Array(out))
    }

    /// The block nested under a key or dash at `parent`, or null when there is none.
    fn nested(&mut self, parent: usize, allow_same_indent_seq: bool) -> Result<Json, String> {
        self.skip_blank();
        match self.current() {
            Some(l) if l.indent > parent => self.block(l.indent),
            Some(l) if allow_same_indent_seq && l.indent == parent && is_seq_item(content(l.text)) => self.seq(parent),
            _ => Ok(Json::Null),
        }
    }

    /// The value after `key:` or `- `, whose own line has already been consumed.
    fn value_after(&mut self, parent: usize, rest: &str, in_map: bool, no: usize) -> Result<Json, String> {
        let rest = content(rest.trim_start());
        let (tag, rest) = split_tag(rest);
        if rest.starts_with('&') || rest.starts_with('*') {
            return Err(format!("line {no}: YAML anchors and aliases are not supported"));
        }
        let value = if rest.is_empty() {
            self.nested(parent, in_map)?
        } else if rest.starts_with('|') || rest.starts_with('>') {
            self.block_scalar(parent, rest)
        } else {
            let text = self.continuation(rest.to_string(), parent);
            scalar_or_flow(&text)?
        };
        Ok(apply_tag(tag, value))
    }

    /// Joins the lines that continue an inline value (a long plain scalar, a flow
    /// collection over several lines): every following line indented more than `parent`.
    fn continuation(&mut self, mut text: String, parent: usize) -> String {
        loop {
            let mut probe = self.pos;
            while let Some(l) = self.lines.get(probe) {
                if content(l.text).is_empty() {
                    probe += 1;
                } else {
                    break;
                }
            }
            match self.lines.get(probe) {
                Some(l) if l.indent > parent => {
                    text.push(' ');
                    text.push_str(content(l.text));
                    self.pos = probe + 1;
                }
                _ => return text,
            }
        }
    }

    /// A `|` or `>` block scalar; the current line is its first content line.
    fn block_scalar(&mut self, parent: usize, header: &str) -> Json {
        let folded = header.starts_with('>');
        let chomp = if header.contains('-') {
            '-'
        } else if header.contains('+') {
            '+'
        } else {
            ' '
        };
        let mut raw: Vec<String> = Vec::new();
        let mut block_indent: Option<usize> = None;
        while let Some(l) = self.current() {
            if l.text.trim().is_empty() {
                raw.push(String::new());
                self.pos += 1;
                continue;
            }
            let min = block_indent.unwrap_or(parent + 1);
            if l.indent < min {
                break;
            }
            let bi = *block_indent.get_or_insert(l.indent);
            raw.push(format!("{}{}", " ".repeat(l.indent - bi), l.text.trim_end()));
            self.pos += 1;
        }
        // Trailing blank lines belong to the chomping, not the content; give back the
        // lines that were consumed only because they were blank.
        let mut trailing = 0;
        while raw.last().is_some_and(String::is_empty) {
            raw.pop();
            trailing += 1;
        }
        let mut body = if folded {
            let mut s = String::new();
            let mut prev_blank = true;
            for line in &raw {
                if line.is_empty() {
                    s.push('\n');
                    prev_blank = true;
                } else if line.starts_with(' ') {
                    if !prev_blank {
                        s.push('\n');
                    }
                    s.push_str(line);
                    s.push('\n');
                    prev_blank = true;
                } else {
                    if !prev_blank {
                        s.push(' ');
                    }
                    s.push_str(line);
                    prev_blank = false;
                }
            }
            s.trim_end_matches('\n').to_string()
        } else {
            raw.join("\n")
        };
        match chomp {
            '-' => {}
            '+' => {
                body.push('\n');
                for _ in 0..trailing {
                    body.push('\n');
                }
            }
            _ => {
                if !body.is_empty() {
                    body.push('\n');
                }
            }
        }
        Json::String(body)
    }
}

/// Splits a leading `!Tag` off a value.
fn split_tag(s: &str) -> (Option<&str>, &str) {
    if !s.starts_with('!') {
        return (None, s);
    }
    match s.find(' ') {
        Some(i) => (Some(&s[..i]), s[i + 1..].trim_start()),
        None => (Some(s), ""),
    }
}

/// The long form of a short-form intrinsic function.
fn apply_tag(tag: Option<&str>, value: Json) -> Json {
    let Some(tag) = tag else { return value };
    if tag.starts_with("!!") {
        return value;
    }
    let name = &tag[1..];
    let mut obj = Map::new();
    match name {
        "Ref" => {
            obj.insert("Ref".into(), value);
        }
        "Condition" => {
            obj.insert("Condition".into(), value);
        }
        "GetAtt" => {
            let v = match value {
                Json::String(s) => match s.split_once('.') {
                    Some((a, b)) => Json::Array(vec![Json::String(a.into()), Json::String(b.into())]),
                    None => Json::String(s),
                },
                other => other,
            };
            obj.insert("Fn::GetAtt".into(), v);
        }
        other => {
            obj.insert(format!("Fn::{other}"), value);
        }
    }
    Json::Object(obj)
}

/// An inline value: a flow collection, a quoted scalar, a tagged value or a plain scalar.
fn scalar_or_flow(text: &str) -> Result<Json, String> {
    let t = text.trim();
    if t.starts_with('[') || t.starts_with('{') || t.starts_with('"') || t.starts_with('\'') || t.starts_with('!') {
        let mut f = Flow {
            s: t.as_bytes(),
            src: t,
            i: 0,
        };
        let v = f.value(false)?;
        f.ws();
        if f.i < f.s.len() {
            return Err(format!("unexpected text after a value: {:?}", &t[f.i..]));
        }
        Ok(v)
    } else if t.starts_with('&') || t.starts_with('*') {
        Err("YAML anchors and aliases are not supported".to_string())
    } else {
        Ok(plain(t))
    }
}

/// The type a plain scalar resolves to (YAML 1.2 core schema).
fn plain(t: &str) -> Json {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = t.parse::<i64>() {
            return Json::Number(n.into());
        }
    }
    let looks_float = !digits.is_empty()
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float {
        if let Ok(f) = t.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return Json::Number(n);
            }
        }
    }
    Json::String(t.to_string())
}

struct Flow<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl Flow<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i] == b' ' {
            self.i += 1;
        }
    }

    fn value(&mut self, in_flow: bool) -> Result<Json, String> {
        self.ws();
        match self.s.get(self.i) {
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        None => return Err("unterminated flow sequence".into()),
                        _ => {}
                    }
                    items.push(self.value(true)?);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {}
                        _ => return Err("expected `,` or `]` in a flow sequence".into()),
                    }
                }
                Ok(Json::Array(items))
            }
            Some(b'{') => {
                self.i += 1;
                let mut map = Map::new();
                loop {
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        None => return Err("unterminated flow mapping".into()),
                        _ => {}
                    }
                    let key = match self.s.get(self.i) {
                        Some(b'"') | Some(b'\'') => match self.quoted()? {
                            Json::String(s) => s,
                            other => other.to_string(),
                        },
                        _ => {
                            let start = self.i;
                            while self.i < self.s.len()
                                && !(self.s[self.i] == b':'
                                    && matches!(self.s.get(self.i + 1), None | Some(b' ') | Some(b',') | Some(b'}')))
                                && !matches!(self.s[self.i], b',' | b'}')
                            {
                                self.i += 1;
                            }
                            self.src[start..self.i].trim().to_string()
                        }
                    };
                    self.ws();
                    let value = if self.s.get(self.i) == Some(&b':') {
                        self.i += 1;
                        self.ws();
                        if matches!(self.s.get(self.i), Some(b',') | Some(b'}')) {
                            Json::Null
                        } else {
                            self.value(true)?
                        }
                    } else {
                        Json::Null
                    };
                    map.insert(key, value);
                    self.ws();
                    match self.s.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {}
                        _ => return Err("expected `,` or `}` in a flow mapping".into()),
                    }
                }
                Ok(Json::Object(map))
            }
            Some(b'"') | Some(b'\'') => self.quoted(),
            Some(b'!') => {
                let start = self.i;
                while self.i < self.s.len() && !matches!(self.s[self.i], b' ' | b',' | b']' | b'}') {
                    self.i += 1;
                }
                let tag = &self.src[start..self.i];
                self.ws();
                let inner = if self.i >= self.s.len() || matches!(self.s[self.i], b',' | b']' | b'}') {
                    Json::Null
                } else {
                    self.value(in_flow)?
                };
                Ok(apply_tag(Some(tag), inner))
            }
            Some(b'&') | Some(b'*') => Err("YAML anchors and aliases are not supported".into()),
            _ => {
                let start = self.i;
                if in_flow {
                    while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b']' | b'}') {
                        self.i += 1;
                    }
                } else {
                    self.i = self.s.len();
                }
                Ok(plain(self.src[start..self.i].trim()))
            }
        }
    }

    fn quoted(&mut self) -> Result<Json, String> {
        let q = self.s[self.i];
        self.i += 1;
        let mut out = String::new();
        let start = self.i;
        let mut chunk_start = start;
        while self.i < self.s.len() {
            let c = self.s[self.i];
            if q == b'\'' && c == b'\'' {
                out.push_str(&self.src[chunk_start..self.i]);
                if self.s.get(self.i + 1) == Some(&b'\'') {
                    out.push('\'');
                    self.i += 2;
                    chunk_start = self.i;
                    continue;
                }
                self.i += 1;
                return Ok(Json::String(out));
            }
            if q == b'"' && c == b'"' {
                out.push_str(&self.src[chunk_start..self.i]);
                self.i += 1;
                return Ok(Json::String(out));
            }
            if q == b'"' && c == b'\\' {
                out.push_str(&self.src[chunk_start..self.i]);
                let esc = self.s.get(self.i + 1).copied().ok_or("unterminated escape")?;
                self.i += 2;
                match esc {
                    b'n' => out.push('\n'),
                    b't' => out.push('\t'),
                    b'r' => out.push('\r'),
                    b'0' => out.push('\0'),
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b' ' => out.push(' '),
                    b'x' | b'u' | b'U' => {
                        let len = match esc {
                            b'x' => 2,
                            b'u' => 4,
                            _ => 8,
                        };
                        let hex = self.src.get(self.i..self.i + len).ok_or("bad escape")?;
                        let code = u32::from_str_radix(hex, 16).map_err(|_| "bad escape")?;
                        out.push(char::from_u32(code).ok_or("bad escape")?);
                        self.i += len;
                    }
                    other => {
                        out.push('\\');
                        out.push(other as char);
                    }
                }
                chunk_start = self.i;
                continue;
            }
            self.i += 1;
        }
        Err("unterminated quoted string".into())
    }
}
