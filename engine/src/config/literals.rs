//! Integer literals longer than the parser takes. Terraform reads `123456789012345678901` as a
//! number like any other; the HCL parser here reads integers only up to 2^64. Such a literal is
//! handed to the parser with `.0` after it (a decimal it reads), and the evaluator reads the
//! literal's own text exactly, so the value is the same. Strings, heredocs and comments are
//! left as they are.

use std::borrow::Cow;

/// Where the scan is: in an expression (with the depth of braces opened inside it), a quoted
/// string, or a heredoc ending at a line of this marker.
enum Place {
    Expr(usize),
    Quoted,
    Heredoc(String),
}

/// `text` with every integer literal of 20 digits or more followed by `.0`; borrowed when
/// there is none, the common case.
pub fn widen(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    if !has_long_digit_run(b) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut stack = vec![Place::Expr(0)];
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        let c = b[i];
        match stack.last_mut() {
            Some(Place::Expr(depth)) => match c {
                b'"' => stack.push(Place::Quoted),
                b'{' => *depth += 1,
                b'}' if *depth == 0 => {
                    if stack.len() > 1 {
                        stack.pop();
                    }
                }
                b'}' => *depth -= 1,
                b'#' => i = line_end(b, i),
                b'/' if b.get(i + 1) == Some(&b'/') => i = line_end(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = text[i + 2..].find("*/").map(|j| i + 2 + j + 1).unwrap_or(b.len());
                }
                b'<' if b.get(i + 1) == Some(&b'<') => {
                    let start = i + 2 + usize::from(b.get(i + 2) == Some(&b'-'));
                    let end = start
                        + b[start..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                            .count();
                    if end > start && b.get(end) == Some(&b'\n') {
                        stack.push(Place::Heredoc(text[start..end].to_string()));
                        i = end;
                    }
                }
                b'0'..=b'9' => {
                    let end = i + b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    let before = i.checked_sub(1).map(|j| b[j]);
                    let after = b.get(end).copied();
                    let word = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
                    if end - i >= 20 && !word(before) && !word(after) && !matches!(after, Some(b'e' | b'E')) {
                        out.push_str(&text[copied..end]);
                        out.push_str(".0");
                        copied = end;
                    }
                    i = end - 1;
                }
                _ => {}
            },
            Some(Place::Quoted) => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Place::Expr(0));
                    i += 1;
                }
                _ => {}
            },
            Some(Place::Heredoc(marker)) => {
                if c == b'\n' {
                    let end = line_end(b, i + 1);
                    if text[i + 1..end].trim() == marker {
                        stack.pop();
                        i = end;
                        continue;
                    }
                } else if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&b'{') {
                    stack.push(Place::Expr(0));
                    i += 1;
                }
            }
            None => break,
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn line_end(b: &[u8], from: usize) -> usize {
    b[from..]
        .iter()
        .position(|c| *c == b'\n')
        .map(|j| from + j)
        .unwrap_or(b.len())
}

fn has_long_digit_run(b: &[u8]) -> bool {
    let mut run = 0;
    for c in b {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 20 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_integers_are_widened_outside_strings_only() {
        assert_eq!(widen("123456789012345678901 + 1"), "123456789012345678901.0 + 1");
        assert_eq!(widen("1 + 2"), "1 + 2");
        let quoted = r#""123456789012345678901 ${123456789012345678901}""#;
        assert_eq!(widen(quoted), r#""123456789012345678901 ${123456789012345678901.0}""#);
        assert_eq!(widen("x = 1 # 123456789012345678901"), "x = 1 # 123456789012345678901");
        assert_eq!(widen("1.123456789012345678901"), "1.123456789012345678901");
        let heredoc = "x = <<EOT\n123456789012345678901\nEOT\ny = 123456789012345678901\n";
        assert_eq!(
            widen(heredoc),
            "x = <<EOT\n123456789012345678901\nEOT\ny = 123456789012345678901.0\n"
        );
    }
}
