//! CSV, gzip, other character encodings, templates from strings and ephemeral values, with the
//! values Terraform's documentation gives.

use super::*;
use std::io::Read as _;

#[test]
fn csvdecode_reads_rows_under_the_header() {
    assert_eq!(
        ok("csvdecode", vec![s("a,b,c\n1,2,3\n4,5,6")]),
        list(vec![
            map([("a", s("1")), ("b", s("2")), ("c", s("3"))]),
            map([("a", s("4")), ("b", s("5")), ("c", s("6"))]),
        ])
    );
    // Quotes enclose commas, doubled quotes and line breaks; CRLF ends rows; a last newline
    // and blank lines add nothing.
    assert_eq!(
        ok(
            "csvdecode",
            vec![s(
                "name,note\r\n\"Smith, J\",\"say \"\"hi\"\"\"\r\n\nx,\"two\nlines\"\n"
            )]
        ),
        list(vec![
            map([("name", s("Smith, J")), ("note", s("say \"hi\""))]),
            map([("name", s("x")), ("note", s("two\nlines"))]),
        ])
    );
    assert!(err("csvdecode", vec![s("")]).contains("missing header line"));
    assert!(err("csvdecode", vec![s("a,a\n1,2")]).contains("duplicate column name"));
    assert_eq!(ok("csvdecode", vec![s("a,b\n")]), list(vec![]));
    assert_eq!(
        err("csvdecode", vec![s("a,b\n1,2,3")]),
        "Invalid function argument: data for row 2 has 3 fields, but the header has 2."
    );
    assert!(err("csvdecode", vec![s("a\n\"open")]).contains("line 2: a quoted field is not closed"));
    assert!(err("csvdecode", vec![s("a\nx\"y")]).contains("a bare \""));
}

fn gunzip_base64(text: &str) -> String {
    let Value::String(encoded) = ok("base64gzip", vec![s(text)]) else {
        panic!("a string");
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip header");
    let mut out = String::new();
    flate2::read::GzDecoder::new(bytes.as_slice())
        .read_to_string(&mut out)
        .expect("gunzip");
    out
}

#[test]
fn base64gzip_compresses_then_encodes() {
    assert_eq!(gunzip_base64("test"), "test");
}

/// Texts that take every path of the compressor: stored, fixed and dynamic blocks, a block
/// closed at 16,384 tokens, matches of every length up to 258, and a window that slides
/// (past 64 KiB). Terraform's own bytes for such texts are in tests/oracle.
#[test]
fn base64gzip_of_long_texts_decompresses_to_the_text() {
    let mut seed = 0x2545_f491_u32;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed
    };
    let random: String = (0..70_000).map(|_| char::from(b' ' + (next() % 95) as u8)).collect();
    let words = ["alpha ", "beta ", "gamma ", "ü ", "語 "];
    let wordy: String = (0..40_000).map(|_| words[(next() % 5) as usize]).collect();
    let runs: String = (1..300).map(|n| "x".repeat(n) + "y").collect();
    for text in [random, wordy, runs, "a".repeat(100_000), String::new()] {
        assert_eq!(gunzip_base64(&text), text);
    }
}

#[test]
fn text_in_other_encodings_round_trips_through_base64() {
    assert_eq!(
        ok("textencodebase64", vec![s("Hello World"), s("UTF-16LE")]),
        s("SABlAGwAbABvACAAVwBvAHIAbABkAA==")
    );
    assert_eq!(
        ok(
            "textdecodebase64",
            vec![s("SABlAGwAbABvACAAVwBvAHIAbABkAA=="), s("UTF-16LE")]
        ),
        s("Hello World")
    );
    assert_eq!(ok("textencodebase64", vec![s("é"), s("ISO-8859-1")]), s("6Q=="));
    assert_eq!(ok("textdecodebase64", vec![s("6Q=="), s("latin1")]), s("é"));
    assert_eq!(ok("textencodebase64", vec![s("hé"), s("UTF-8")]), s("aMOp"));
    assert_eq!(ok("textencodebase64", vec![s("A"), s("UTF-16BE")]), s("AEE="));
    assert_eq!(ok("textencodebase64", vec![s("A"), s("UTF-16")]), s("/v8AQQ=="));
    assert_eq!(
        ok("textdecodebase64", vec![s("//5BAA=="), s("UTF-16")]),
        s("A"),
        "a little-endian BOM"
    );
    assert!(err("textencodebase64", vec![s("é"), s("US-ASCII")]).contains("cannot represent"));
    assert!(err("textencodebase64", vec![s("x"), s("Shift_JIS")])
        .contains("does not support the encoding \"Shift_JIS\" yet; it supports UTF-8"));
    assert!(err("textdecodebase64", vec![s("QQ=="), s("UTF-16LE")]).contains("odd number of bytes"));
    assert!(err("textdecodebase64", vec![s("not base64!"), s("UTF-8")]).contains("failed to decode base64"));
}

#[test]
fn templatestring_renders_like_templatefile() {
    assert_eq!(
        ok(
            "templatestring",
            vec![s("Hello, ${name}!"), map([("name", s("World"))])]
        ),
        s("Hello, World!")
    );
    assert!(err("templatestring", vec![s("x"), map([("1bad", s("x"))])]).contains("invalid template variable name"));
    assert_eq!(
        ok("templatestring", vec![s("${name}"), map([("name", secret(s("x")))])]),
        secret(s("x"))
    );
}

#[test]
fn ephemeralasnull_makes_the_ephemeral_parts_null() {
    let v = map([("a", n(1.0)), ("b", strs(&["x"]))]);
    assert_eq!(ok("ephemeralasnull", vec![v.clone()]), v);
    assert_eq!(ok("ephemeralasnull", vec![secret(s("k"))]), secret(s("k")));
    assert_eq!(ok("ephemeralasnull", vec![Value::UNKNOWN]), Value::UNKNOWN);
    assert_eq!(
        ok("ephemeralasnull", vec![Value::UNKNOWN.mark_ephemeral()]),
        Value::Null
    );
    let mixed = map([("a", s("x").mark_ephemeral()), ("b", s("y"))]);
    assert_eq!(
        ok("ephemeralasnull", vec![mixed]),
        map([("a", Value::Null), ("b", s("y"))])
    );
    // Marks travel through other functions, and nonsensitive takes off only the sensitive one.
    let both = s("k").mark_sensitive().mark_ephemeral();
    assert_eq!(
        ok("upper", vec![both.clone()]),
        s("K").mark_sensitive().mark_ephemeral()
    );
    assert_eq!(ok("nonsensitive", vec![both]), s("k").mark_ephemeral());
}
