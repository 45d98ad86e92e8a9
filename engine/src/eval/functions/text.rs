//! Text in other shapes: CSV (`csvdecode`), gzip (`base64gzip`) and character encodings other
//! than UTF-8 (`textencodebase64`, `textdecodebase64`).

use super::*;

/// `csvdecode`: RFC 4180 CSV whose first line names the columns, as a list of objects of
/// strings. As Terraform's, a row with another number of fields than the header is an error.
pub(super) fn csvdecode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let text = string_arg(a, 0)?;
    let rows = csv_rows(&text)?;
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Err("missing header line.".into());
    };
    for (i, name) in header.iter().enumerate() {
        if header[..i].contains(name) {
            return Err(format!("duplicate column name {name:?}."));
        }
    }
    let row = Shape::Object(header.iter().map(|h| (h.clone(), Shape::String)).collect());
    let mut out = Vec::new();
    for (n, row) in rows.enumerate() {
        if row.len() != header.len() {
            return Err(invalid(format!(
                "data for row {} has {} fields, but the header has {}.",
                n + 2,
                row.len(),
                header.len()
            )));
        }
        let object = header.iter().cloned().zip(row.into_iter().map(Value::String)).collect();
        out.push(Value::Map(object));
    }
    Ok(Value::List(Seq::list(out).of(&row)))
}

/// Splits CSV into rows of fields: commas separate, double quotes enclose fields that hold
/// commas, quotes (doubled) or line breaks; `\r\n` and `\n` end rows; a blank line is skipped.
fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut quoted_field = false;
    while let Some(ch) = chars.next() {
        match ch {
            '"' if field.is_empty() && !quoted_field => {
                quoted_field = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                        None => return Err(invalid(format!("line {line}: a quoted field is not closed."))),
                    }
                }
                if !matches!(chars.peek(), None | Some(',') | Some('\n') | Some('\r')) {
                    return Err(invalid(format!("line {line}: extraneous text after a quoted field.")));
                }
            }
            '"' => {
                return Err(invalid(format!(
                    "line {line}: a bare \" in a field that is not quoted."
                )))
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                if !(row.is_empty() && field.is_empty() && !quoted_field) {
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                }
                quoted_field = false;
            }
            c => field.push(c),
        }
    }
    if !(row.is_empty() && field.is_empty() && !quoted_field) {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// `base64gzip`: the string gzip-compressed, then base64-encoded, with the bytes Terraform
/// writes for the same text (see `deflate`). Terraform's writer flushes before it closes, so its
/// stream is the data in blocks that are not the last, a sync marker (an empty stored block),
/// and a final empty stored block; the header has no time and names no operating system.
pub(super) fn base64gzip(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let text = string_arg(a, 0)?;
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&super::deflate::flushed(text.as_bytes()));
    out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    let mut crc = flate2::Crc::new();
    crc.update(text.as_bytes());
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(out)))
}

/// The character encodings `textencodebase64` and `textdecodebase64` take, by the names (IANA
/// and their common aliases) Terraform accepts for them.
#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    /// UTF-16 with a byte order mark (big-endian when writing, as Go's).
    Utf16,
    Latin1,
    Ascii,
}

const ENCODINGS: &str = "UTF-8, UTF-16LE, UTF-16BE, UTF-16, ISO-8859-1, US-ASCII";

fn encoding(c: &Call<'_>, name: &str) -> Result<Encoding, String> {
    Ok(match name.to_ascii_uppercase().replace('_', "-").as_str() {
        "UTF-8" | "UTF8" => Encoding::Utf8,
        "UTF-16LE" => Encoding::Utf16Le,
        "UTF-16BE" => Encoding::Utf16Be,
        "UTF-16" => Encoding::Utf16,
        "ISO-8859-1" | "LATIN1" | "ISO-IR-100" | "L1" | "CP819" | "IBM819" => Encoding::Latin1,
        "US-ASCII" | "ASCII" | "ANSI-X3.4-1968" => Encoding::Ascii,
        _ => {
            return Err(invalid(format!(
                "infinstor does not support the encoding {} yet; it supports {ENCODINGS}.",
                c.show(name)
            )))
        }
    })
}

/// `textencodebase64`: the string in another character encoding, base64-encoded.
pub(super) fn textencodebase64(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let text = string_arg(a, 0)?;
    let name = string_arg(a, 1)?;
    let unencodable = |ch: char| {
        invalid(format!(
            "the string holds {ch:?}, which the encoding {} cannot represent.",
            c.show(&name)
        ))
    };
    let bytes: Vec<u8> = match encoding(c, &name)? {
        Encoding::Utf8 => text.into_bytes(),
        Encoding::Utf16Le => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        Encoding::Utf16Be => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        Encoding::Utf16 => [0xfe, 0xff]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect(),
        Encoding::Latin1 => text
            .chars()
            .map(|ch| u8::try_from(u32::from(ch)).map_err(|_| unencodable(ch)))
            .collect::<Result<_, _>>()?,
        Encoding::Ascii => text
            .chars()
            .map(|ch| {
                if ch.is_ascii() {
                    Ok(ch as u8)
                } else {
                    Err(unencodable(ch))
                }
            })
            .collect::<Result<_, _>>()?,
    };
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn utf16(bytes: &[u8], little_endian: bool) -> Result<String, String> {
    if bytes.len() % 2 != 0 {
        return Err(invalid(
            "the decoded bytes are not whole UTF-16 code units (an odd number of bytes).",
        ));
    }
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| {
            if little_endian {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        })
        .collect();
    String::from_utf16(&units).map_err(|_| invalid("the decoded bytes are not valid UTF-16."))
}

/// `textdecodebase64`: base64 of text in another character encoding, as a string.
pub(super) fn textdecodebase64(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let data = string_arg(a, 0)?;
    let name = string_arg(a, 1)?;
    let which = encoding(c, &name)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|e| invalid(format!("failed to decode base64 data {}: {e}.", c.show(&data))))?;
    let text = match which {
        Encoding::Utf8 => String::from_utf8(bytes).map_err(|_| invalid("the decoded bytes are not valid UTF-8."))?,
        Encoding::Utf16Le => utf16(&bytes, true)?,
        Encoding::Utf16Be => utf16(&bytes, false)?,
        // A byte order mark says which; without one, big-endian.
        Encoding::Utf16 => match bytes.as_slice() {
            [0xff, 0xfe, rest @ ..] => utf16(rest, true)?,
            [0xfe, 0xff, rest @ ..] => utf16(rest, false)?,
            other => utf16(other, false)?,
        },
        Encoding::Latin1 => bytes.iter().map(|b| char::from(*b)).collect(),
        Encoding::Ascii => {
            if let Some(b) = bytes.iter().find(|b| !b.is_ascii()) {
                return Err(invalid(format!(
                    "the decoded bytes hold 0x{b:02x}, which is not US-ASCII."
                )));
            }
            bytes.iter().map(|b| char::from(*b)).collect()
        }
    };
    Ok(Value::String(text))
}
