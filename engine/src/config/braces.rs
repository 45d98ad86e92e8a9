//! Finds the block a syntax error is really about when a `{` is never closed. The parser only
//! notices at the end of the file (or at the next block, which it then misreads), far from the
//! mistake; this scan of the text names the opening brace instead.

/// An opening brace with no closing one: its byte offset and the text before it on its line
/// (`resource "aws_s3_bucket" "a"`, `tags =`), which names the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset of the `{`.
    pub offset: usize,
    /// What opens there, as written.
    pub opener: String,
}

struct Open {
    offset: usize,
    indent: usize,
}

/// The opening brace that is not closed, if the braces of `text` do not balance. Strings,
/// heredocs and comments are skipped. When a `}` closes a brace opened on a more indented line,
/// that brace is taken as the unclosed one (the `}` was meant for an outer block); otherwise the
/// outermost brace still open at the end.
pub fn unclosed(text: &str) -> Option<Unclosed> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Open> = Vec::new();
    let mut suspect: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = skip_line(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 2);
            }
            b'"' => i = skip_string(bytes, i + 1),
            b'<' if text[i..].starts_with("<<") => i = skip_heredoc(text, i),
            b'{' => {
                stack.push(Open {
                    offset: i,
                    indent: indent_of(text, i),
                });
                i += 1;
            }
            b'}' => {
                if let Some(open) = stack.pop() {
                    let first_on_line = text[line_start(text, i)..i].trim().is_empty();
                    if first_on_line && indent_of(text, i) < open.indent && suspect.is_none() {
                        suspect = Some(open.offset);
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let outermost = stack.first()?.offset;
    let offset = suspect.unwrap_or(outermost);
    let opener = text[line_start(text, offset)..offset].trim().to_string();
    Some(Unclosed { offset, opener })
}

fn skip_line(bytes: &[u8], i: usize) -> usize {
    bytes[i..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(bytes.len(), |p| i + p)
}

/// Past the closing quote of a string starting at `i` (after the opening quote); `${ ... }`
/// inside may hold quotes of its own.
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'$' | b'%' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth > 0 => depth -= 1,
            b'"' if depth > 0 => i = skip_string(bytes, i + 1) - 1,
            b'"' => return i + 1,
            b'\n' if depth == 0 => return i,
            _ => {}
        }
        i += 1;
    }
    i
}

/// Past the end marker of a heredoc (`<<EOT` or `<<-EOT`) starting at `i`.
fn skip_heredoc(text: &str, i: usize) -> usize {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let marker: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if marker.is_empty() {
        return i + 2;
    }
    let Some(body) = text[i..].find('\n').map(|n| i + n + 1) else {
        return text.len();
    };
    let mut at = body;
    for line in text[body..].split_inclusive('\n') {
        at += line.len();
        if line.trim() == marker {
            return at;
        }
    }
    text.len()
}

fn line_start(text: &str, i: usize) -> usize {
    text[..i].rfind('\n').map_or(0, |n| n + 1)
}

fn indent_of(text: &str, i: usize) -> usize {
    let start = line_start(text, i);
    text[start..].chars().take_while(|c| *c == ' ' || *c == '\t').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_block_left_open_before_the_next_one() {
        let text = "resource \"a\" \"x\" {\n  bucket = \"b\"\n\nresource \"a\" \"y\" {\n  bucket = \"c\"\n}\n";
        let u = unclosed(text).expect("unclosed");
        assert_eq!(u.offset, text.find('{').expect("brace"));
        assert_eq!(u.opener, "resource \"a\" \"x\"");
    }

    #[test]
    fn names_the_inner_brace_whose_closing_one_went_to_the_outer_block() {
        let text = "resource \"a\" \"x\" {\n  tags = {\n    a = \"b\"\n}\n";
        assert_eq!(unclosed(text).expect("unclosed").opener, "tags =");
    }

    #[test]
    fn braces_in_strings_heredocs_and_comments_do_not_count() {
        let text = "# {\nlocals {\n  a = \"{${\"}\"}\"\n  b = <<EOT\n{{\nEOT\n  /* { */ c = 1 // {\n}\n";
        assert_eq!(unclosed(text), None);
    }
}
