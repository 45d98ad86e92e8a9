//! `fmt`: the canonical layout of `.tf` and `.tfvars` files, as `terraform fmt` writes it.
//!
//! hcl-edit parses the file keeping every comment and space as the "decor" around each node and
//! writes it back byte for byte; formatting rewrites only that decor: two spaces of indentation
//! per nesting level, one space around `=` and operators (`{ a = 1 }`, `f(a, b)`, `a + b`),
//! the `=` of consecutive one-line arguments aligned, comments kept and re-indented, no trailing
//! spaces, one newline at the end. Line breaks stay where the author put them.

use hcl_edit::expr::{Array, Expression, FuncArgs, Object};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::visit_mut::{self, VisitMut};
use hcl_edit::{Decor, Decorate};

/// Formats a file's text. `Err` carries the parser's message and the byte offset of a syntax
/// error: a file that does not parse is left alone.
pub fn format(text: &str) -> Result<String, (String, usize)> {
    let mut body: Body =
        hcl_edit::parser::parse_body(text).map_err(|e| (e.message().to_string(), e.location().offset()))?;
    format_body(&mut body, 0);
    let root = body.decor().clone();
    let trailing = root.suffix().map(|s| s.to_string()).unwrap_or_default();
    let leading = root.prefix().map(|s| s.to_string()).unwrap_or_default();
    let mut decor = Decor::default();
    let lead = reindent(&leading, 0, 0);
    if !lead.trim().is_empty() {
        decor.set_prefix(format!("{}\n", lead.trim_end()));
    }
    let tail = reindent(&trailing, 0, 0);
    if !tail.trim().is_empty() {
        decor.set_suffix(format!("{}\n", tail.trim_end()));
    }
    *body.decor_mut() = decor;
    let out = body.to_string();
    let mut lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    if lines.is_empty() {
        return Ok(String::new());
    }
    Ok(format!("{}\n", lines.join("\n")))
}

/// The files `fmt` looks at in `dir`: `.tf` and `.tfvars`, in name order; with `recursive`,
/// those of subdirectories too, except hidden ones (`.infinstor`, `.terraform`, `.git`).
pub fn files(dir: &std::path::Path, recursive: bool) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if entry.file_type()?.is_dir() {
            if recursive && !name.starts_with('.') {
                out.extend(files(&path, true)?);
            }
        } else if name.ends_with(".tf") || name.ends_with(".tfvars") {
            out.push(path);
        }
    }
    Ok(out)
}

/// A unified diff from `before` to `after` with three lines of context, headed by `name`.
pub fn diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("old/{name}"), &format!("new/{name}"))
        .to_string()
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// Re-indents whitespace and comments that hold line breaks: each comment line at `inner`
/// depth, the end of the last line (the indentation of what follows) at `last` depth; text
/// before the first break (a comment ending the previous line) keeps one space before it.
fn reindent(raw: &str, inner: usize, last: usize) -> String {
    reindent_from(raw, inner, last, false)
}

/// [`reindent`] for decor that begins a line (`line_start`): its first line is indented too.
fn reindent_from(raw: &str, inner: usize, last: usize, line_start: bool) -> String {
    let parts: Vec<&str> = raw.split('\n').collect();
    let n = parts.len();
    let mut out = Vec::with_capacity(n);
    for (i, part) in parts.iter().enumerate() {
        let t = part.trim();
        let line = if i == 0 && line_start && n > 1 {
            if t.is_empty() {
                String::new()
            } else {
                format!("{}{t}", indent(inner))
            }
        } else if i == 0 && n > 1 {
            if t.is_empty() {
                String::new()
            } else {
                format!(" {t}")
            }
        } else if i == n - 1 {
            if t.is_empty() {
                indent(last)
            } else {
                format!("{}{t} ", indent(last))
            }
        } else if t.is_empty() {
            String::new()
        } else {
            format!("{}{t}", indent(inner))
        };
        out.push(line);
    }
    out.join("\n")
}

/// Decor inside a line: the position's default (none, or one space) unless it holds a comment,
/// which keeps one space on each side; decor with line breaks is re-indented.
fn tidy(decor: &mut Decor, depth: usize) {
    let prefix = decor.prefix().map(|p| p.to_string()).unwrap_or_default();
    let suffix = decor.suffix().map(|s| s.to_string()).unwrap_or_default();
    decor.clear();
    if let Some(p) = tidy_side(&prefix, depth, true) {
        decor.set_prefix(p);
    }
    if let Some(s) = tidy_side(&suffix, depth, false) {
        decor.set_suffix(s);
    }
}

fn tidy_side(raw: &str, depth: usize, before: bool) -> Option<String> {
    if raw.contains('\n') {
        return Some(reindent(raw, depth + 1, depth + 1));
    }
    let t = raw.trim();
    if t.is_empty() {
        None
    } else if before {
        Some(format!("{t} "))
    } else {
        Some(format!(" {t}"))
    }
}

/// A structure's own decor: its prefix starts a line at `depth`, its suffix is an end-of-line
/// comment.
fn line_decor(decor: &mut Decor, depth: usize) {
    let prefix = decor.prefix().map(|p| p.to_string()).unwrap_or_default();
    let suffix = decor.suffix().map(|s| s.to_string()).unwrap_or_default();
    decor.clear();
    decor.set_prefix(if prefix.contains('\n') {
        reindent_from(&prefix, depth, depth, true)
    } else {
        let t = prefix.trim();
        if t.is_empty() {
            indent(depth)
        } else {
            format!("{}{t} ", indent(depth))
        }
    });
    let t = suffix.trim_end();
    if !t.trim().is_empty() {
        decor.set_suffix(if t.contains('\n') {
            reindent(t, depth, depth)
        } else {
            format!(" {}", t.trim())
        });
    }
}

fn multiline_attr(structure: &Structure) -> bool {
    structure
        .as_attribute()
        .is_some_and(|a| a.value.to_string().trim().contains('\n'))
}

fn starts_paragraph(structure: &Structure) -> bool {
    let decor = match structure {
        Structure::Attribute(a) => a.decor(),
        Structure::Block(b) => b.decor(),
    };
    decor.prefix().is_some_and(|p| p.contains('\n'))
}

fn format_body(body: &mut Body, depth: usize) {
    // Runs of one-line arguments, not split by a blank line, comment line or block, align `=`.
    let mut widths = vec![0usize; body.len()];
    let mut run: Vec<usize> = Vec::new();
    let flush = |run: &mut Vec<usize>, widths: &mut Vec<usize>, body: &Body| {
        let max = run
            .iter()
            .filter_map(|i| {
                body.get(*i)
                    .and_then(Structure::as_attribute)
                    .map(|a| a.key.as_str().len())
            })
            .max()
            .unwrap_or(0);
        for i in run.drain(..) {
            widths[i] = max;
        }
    };
    for i in 0..body.len() {
        let Some(structure) = body.get(i) else { continue };
        let aligned = structure.is_attribute() && !multiline_attr(structure);
        if !aligned || starts_paragraph(structure) {
            flush(&mut run, &mut widths, body);
        }
        if aligned {
            run.push(i);
        }
    }
    flush(&mut run, &mut widths, body);
    for (i, mut structure) in body.iter_mut().enumerate() {
        if let Some(mut attr) = structure.as_attribute_mut() {
            line_decor(attr.decor_mut(), depth);
            let key_len = attr.get().key.as_str().len();
            let pad = widths[i].max(key_len) - key_len + 1;
            let key = attr.key_decor_mut();
            key.clear();
            key.set_suffix(" ".repeat(pad));
            let value = attr.value_mut();
            tidy(value.decor_mut(), depth);
            value.decor_mut().clear_prefix_keep_comment();
            Formatter { depth }.visit_inner(value);
        } else if let Some(block) = structure.as_block_mut() {
            line_decor(block.decor_mut(), depth);
            block.ident.decor_mut().clear();
            for label in &mut block.labels {
                label.decor_mut().clear();
            }
            let oneline = block.body.prefer_oneline() && block.body.is_empty();
            format_body(&mut block.body, depth + 1);
            let decor = block.body.decor().clone();
            let mut fresh = Decor::default();
            if let Some(p) = decor.prefix().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()) {
                fresh.set_prefix(format!(" {p}"));
            }
            if !oneline {
                let suffix = decor.suffix().map(|s| s.to_string()).unwrap_or_default();
                fresh.set_suffix(reindent(&format!("\n{suffix}"), depth + 1, depth).split_off(1));
            }
            *block.body.decor_mut() = fresh;
        }
    }
}

/// Extension on [`Decor`]: the decor before a value after `=` is one space; a comment there
/// keeps its text.
trait ValuePrefix {
    fn clear_prefix_keep_comment(&mut self);
}

impl ValuePrefix for Decor {
    fn clear_prefix_keep_comment(&mut self) {
        let suffix = self.suffix().map(|s| s.to_string());
        let prefix = self.prefix().map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
        self.clear();
        if let Some(p) = prefix {
            self.set_prefix(format!(" {p} "));
        }
        if let Some(s) = suffix {
            self.set_suffix(s);
        }
    }
}

/// Normalizes the decor inside an expression whose line starts at `depth`.
struct Formatter {
    depth: usize,
}

/// The space between `in` or `if` and what follows, as `terraform fmt` writes it: one, except
/// before a parenthesis, which it joins to the keyword as to a function's name (`in(a ? b : c)`).
fn keyword_operand(e: &mut Expression) {
    let prefix = if matches!(e, Expression::Parenthesis(_)) {
        ""
    } else {
        " "
    };
    e.decor_mut().set_prefix(prefix);
}

fn has_break(decor: &Decor) -> bool {
    decor.prefix().is_some_and(|p| p.contains('\n')) || decor.suffix().is_some_and(|s| s.contains('\n'))
}

impl Formatter {
    fn nested(&self) -> Formatter {
        Formatter { depth: self.depth + 1 }
    }

    /// An element of a container. Until a line break inside the container, elements are on the
    /// line that opened it (`merge(var.a, {`) and nest no deeper; after one, at `depth + 1`.
    fn element(&self, e: &mut Expression, broken: &mut bool) {
        let inner = self.depth + 1;
        let prefix = e.decor().prefix().map(|p| p.to_string()).unwrap_or_default();
        let suffix = e.decor().suffix().map(|s| s.to_string()).unwrap_or_default();
        let decor = e.decor_mut();
        decor.clear();
        if prefix.contains('\n') {
            *broken = true;
            decor.set_prefix(reindent(&prefix, inner, inner));
        } else if let Some(p) = tidy_side(&prefix, self.depth, true) {
            decor.set_prefix(p);
        }
        if let Some(s) = tidy_side(&suffix, self.depth, false) {
            decor.set_suffix(s);
        }
        if *broken {
            self.nested().visit_inner(e);
        } else {
            Formatter { depth: self.depth }.visit_inner(e);
        }
        if suffix.contains('\n') {
            *broken = true;
        }
    }

    /// Visits what is inside an expression, leaving the expression's own decor as it is.
    fn visit_inner(&mut self, e: &mut Expression) {
        match e {
            Expression::Array(a) => self.array(a),
            Expression::Object(o) => self.object(o),
            Expression::FuncCall(f) => self.args(&mut f.args),
            Expression::ForExpr(f) => self.for_expr(f),
            Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {}
            other => visit_mut::visit_expr_mut(self, other),
        }
    }

    /// The whitespace before a closing bracket: on its own line at `depth`, else none.
    fn closing(&self, raw: &str, broken: bool) -> String {
        if raw.contains('\n') {
            reindent(raw, self.depth + 1, self.depth)
        } else if broken {
            raw.trim().to_string()
        } else {
            String::new()
        }
    }

    /// The elements of an array or a call's arguments, and the space before the closing
    /// bracket (which the parser may have given the last element when there is no comma).
    fn elements<'e>(&self, items: impl Iterator<Item = &'e mut Expression>, trailing: &str) -> String {
        let mut items: Vec<&mut Expression> = items.collect();
        let mut closing = trailing.to_string();
        if let Some(last) = items.last_mut() {
            let suffix = last.decor().suffix().map(|s| s.to_string()).unwrap_or_default();
            if let Some((head, tail)) = suffix.split_once('\n') {
                closing = format!("\n{tail}{closing}");
                last.decor_mut().set_suffix(head.to_string());
            }
        }
        let mut broken = false;
        for v in items {
            self.element(v, &mut broken);
        }
        self.closing(&closing, broken)
    }

    fn array(&mut self, a: &mut Array) {
        let trailing = a.trailing().to_string();
        let closing = self.elements(a.iter_mut(), &trailing);
        a.set_trailing(closing);
    }

    fn args(&mut self, args: &mut FuncArgs) {
        let trailing = args.trailing().to_string();
        let closing = self.elements(args.iter_mut(), &trailing);
        args.set_trailing(closing);
    }

    /// `[for x in xs : x]` and `{ for k, v in m : k => v if c }`: one space inside the braces of
    /// an object `for` on one line; parts on their own lines one level in.
    fn for_expr(&mut self, f: &mut hcl_edit::expr::ForExpr) {
        let suffix_of = |d: &Decor| d.suffix().map(|s| s.to_string()).unwrap_or_default();
        let prefix_of = |d: &Decor| d.prefix().map(|s| s.to_string()).unwrap_or_default();
        let object = f.key_expr.is_some();
        let intro = prefix_of(f.intro.decor());
        let multiline = intro.contains('\n');
        let parts = if multiline { self.depth + 1 } else { self.depth };
        // The breaks before `if` and before the closing bracket, as written.
        let value_end = suffix_of(f.value_expr.decor());
        let (before_if, closing) = match &f.cond {
            Some(c) => (
                format!("{value_end}{}", prefix_of(c.decor())),
                format!("{}{}", suffix_of(c.expr.decor()), suffix_of(c.decor())),
            ),
            None => (String::new(), value_end),
        };
        let mut inner = Formatter { depth: parts };
        inner.visit_expr_mut(&mut f.intro.collection_expr);
        keyword_operand(&mut f.intro.collection_expr);
        for e in f.key_expr.iter_mut().chain(std::iter::once(&mut f.value_expr)) {
            inner.visit_expr_mut(e);
        }
        let decor = f.intro.decor_mut();
        decor.clear();
        if multiline {
            decor.set_prefix(reindent(&intro, parts, parts));
        } else if object {
            decor.set_prefix(" ");
        }
        let close = if closing.contains('\n') {
            reindent(&closing, parts, self.depth)
        } else if object {
            " ".to_string()
        } else {
            String::new()
        };
        let value_prefix = f.value_expr.decor().prefix().map(|p| p.to_string());
        let value_decor = f.value_expr.decor_mut();
        value_decor.clear();
        if let Some(p) = value_prefix {
            value_decor.set_prefix(p);
        }
        match &mut f.cond {
            Some(cond) => {
                inner.visit_expr_mut(&mut cond.expr);
                cond.expr.decor_mut().clear();
                keyword_operand(&mut cond.expr);
                cond.decor_mut().clear();
                if before_if.contains('\n') {
                    f.value_expr.decor_mut().set_suffix(reindent(&before_if, parts, parts));
                    cond.decor_mut().set_prefix("");
                }
                if !close.is_empty() {
                    cond.decor_mut().set_suffix(close);
                }
            }
            None if !close.is_empty() => f.value_expr.decor_mut().set_suffix(close),
            None => {}
        }
    }

    fn object(&mut self, o: &mut Object) {
        let multiline = o.trailing().contains('\n')
            || o.iter()
                .any(|(k, v)| has_break(k.decor()) || v.terminator() == hcl_edit::expr::ObjectValueTerminator::Newline);
        if o.is_empty() {
            o.set_trailing("");
            return;
        }
        // Alignment of `=` over consecutive one-line items, as for arguments.
        let keys: Vec<(usize, bool, bool)> = o
            .iter()
            .map(|(k, v)| {
                let width = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().len(),
                    hcl_edit::expr::ObjectKey::Expression(e) => e.to_string().trim().len(),
                };
                let breaks_run = k
                    .decor()
                    .prefix()
                    .is_some_and(|p| p.matches('\n').count() > 1 || p.contains('#') || p.contains("//"));
                (width, v.expr().to_string().trim().contains('\n'), breaks_run)
            })
            .collect();
        let mut widths = vec![0usize; keys.len()];
        let mut start = 0;
        for i in 0..=keys.len() {
            let end_run = i == keys.len() || keys[i].1 || keys[i].2;
            if end_run {
                let max = keys[start..i].iter().map(|k| k.0).max().unwrap_or(0);
                for w in &mut widths[start..i] {
                    *w = max;
                }
                start = if i < keys.len() && keys[i].1 { i + 1 } else { i };
            }
        }
        let inner = self.depth + 1;
        let mut line_start = false;
        for (i, (mut key, value)) in o.iter_mut().enumerate() {
            let prefix = key.decor().prefix().map(|p| p.to_string()).unwrap_or_default();
            let decor = key.decor_mut();
            decor.clear();
            if multiline && (prefix.contains('\n') || line_start) {
                decor.set_prefix(reindent_from(&prefix, inner, inner, line_start));
            } else if multiline {
                decor.set_prefix(prefix.trim().to_string());
            } else {
                decor.set_prefix(" ");
            }
            let width = keys[i].0;
            let pad = if multiline { widths[i].max(width) - width + 1 } else { 1 };
            decor.set_suffix(" ".repeat(pad));
            let e = value.expr_mut();
            let suffix = e.decor().suffix().map(|s| s.to_string()).unwrap_or_default();
            let d = e.decor_mut();
            d.clear();
            if let Some(s) = tidy_side(&suffix, self.depth, false) {
                d.set_suffix(s);
            }
            if multiline {
                self.nested().visit_inner(e);
            } else {
                Formatter { depth: self.depth }.visit_inner(e);
            }
            line_start = value.terminator() == hcl_edit::expr::ObjectValueTerminator::Newline;
        }
        let trailing = o.trailing().to_string();
        o.set_trailing(if multiline {
            reindent_from(&trailing, inner, self.depth, line_start)
        } else {
            " ".to_string()
        });
    }
}

impl VisitMut for Formatter {
    fn visit_binary_op_mut(&mut self, op: &mut hcl_edit::expr::BinaryOp) {
        tidy(op.operator.decor_mut(), self.depth);
        self.visit_expr_mut(&mut op.lhs_expr);
        self.visit_expr_mut(&mut op.rhs_expr);
    }

    /// A sub-expression (an operand, a condition, a `for` part): decor inside a line.
    fn visit_expr_mut(&mut self, e: &mut Expression) {
        tidy(e.decor_mut(), self.depth);
        self.visit_inner(e);
    }
}

#[cfg(test)]
mod tests {
    use super::format;

    fn fmt(s: &str) -> String {
        let out = format(s).expect("formats");
        assert_eq!(format(&out).expect("formats again"), out, "formatting is idempotent");
        out
    }

    #[test]
    fn indents_aligns_and_spaces_like_terraform() {
        let input = "resource \"aws_s3_bucket\"   \"b\"{\nbucket=\"x\"\n    force_destroy    = true\ntags={Name=\"n\",Team  =  \"ml\"}\n  lifecycle {\n  prevent_destroy=true\n      }\n}\n\n\n";
        assert_eq!(
            fmt(input),
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket        = \"x\"\n  force_destroy = true\n  tags          = { Name = \"n\", Team = \"ml\" }\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n"
        );
    }

    #[test]
    fn keeps_comments_blank_lines_and_line_breaks() {
        let input = "# top\nlocals {\n    # what a is\n  a = 1 # one\n\n  bb = [\n  1,\n      2, # two\n  ]\n  m = {\n  x = 1\n      yyy = 2\n  }\n}\n";
        assert_eq!(
            fmt(input),
            "# top\nlocals {\n  # what a is\n  a = 1 # one\n\n  bb = [\n    1,\n    2, # two\n  ]\n  m = {\n    x   = 1\n    yyy = 2\n  }\n}\n"
        );
    }

    #[test]
    fn operators_calls_and_templates() {
        let input = "locals {\n  a = var.x+1\n  b = max( 1 ,2 )\n  c = var.x?\"y\":\"z\"\n  d = \"${ var.keep }\"\n  e = <<EOT\n  untouched  = 1\nEOT\n}\n";
        assert_eq!(
            fmt(input),
            "locals {\n  a = var.x + 1\n  b = max(1, 2)\n  c = var.x ? \"y\" : \"z\"\n  d = \"${ var.keep }\"\n  e = <<EOT\n  untouched  = 1\nEOT\n}\n"
        );
    }

    #[test]
    fn a_parenthesis_after_in_or_if_is_joined_to_it_as_terraform_does() {
        // `terraform fmt` (1.11.4) of the input writes exactly the expected text.
        let input = "locals {\n  a = { for x in (true ? [1] : []) : x => x }\n  b = [for x in  [1] : x if (x > 0)]\n  c = [for x in(var.l) : x if x> 0]\n}\n";
        assert_eq!(
            fmt(input),
            "locals {\n  a = { for x in(true ? [1] : []) : x => x }\n  b = [for x in [1] : x if(x > 0)]\n  c = [for x in(var.l) : x if x > 0]\n}\n"
        );
    }

    #[test]
    fn a_syntax_error_is_reported_not_formatted() {
        assert!(format("locals {\n  a = \n").is_err());
    }
}
