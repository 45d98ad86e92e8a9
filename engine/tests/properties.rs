//! Property tests of the configuration loader and the expression evaluator: on generated and
//! mutated inputs they answer with a value or with diagnostics, never with a panic or an abort.
//!
//! CI runs 256 cases per property; `PROPTEST_CASES=100000 cargo test -p engine --test
//! properties` runs more.

use engine::config::{load, Expr};
use engine::core::diagnostic::SourceFile;
use engine::eval::expr::{Evaluator, Scope};
use proptest::prelude::*;
use proptest::sample::Index;
use std::path::{Path, PathBuf};

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(256);
    ProptestConfig {
        cases,
        // Shrinking a failure of a mutated file takes long and the seed says enough.
        max_shrink_iters: 64,
        ..ProptestConfig::default()
    }
}

/// Every `.tf` file the repository ships: the starting points of the mutations.
fn corpus() -> &'static [String] {
    static FILES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        let mut dirs = vec![root.join("examples"), root.join("modules")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path: PathBuf = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "tf") {
                    out.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        assert!(out.len() >= 10, "the shipped configurations are the corpus");
        out.sort();
        out
    })
}

/// Pieces of the language that break a file in interesting ways when dropped in anywhere.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "${",
    "%{",
    "=",
    "==",
    "=>",
    "...",
    ",",
    ".",
    "*",
    "?",
    ":",
    "\n",
    "<<EOT\n",
    "<<-EOT\n",
    "EOT\n",
    "#",
    "//",
    "/*",
    "*/",
    "null",
    "true",
    "-1",
    "1e309",
    "0x",
    "count",
    "for_each",
    "each.key",
    "count.index",
    "self",
    "var.",
    "local.",
    "module.",
    "data.",
    "dynamic",
    "content",
    "lifecycle",
    "provider",
    "depends_on",
    "for x in",
    "if",
    "\\",
    "\u{0}",
    "\u{feff}",
    "é",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(Index, usize),
    Insert(Index, &'static str),
    Duplicate(Index, usize),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        (any::<Index>(), prop::sample::select(TOKENS)).prop_map(|(i, t)| Edit::Insert(i, t)),
        (any::<Index>(), 1usize..80).prop_map(|(i, n)| Edit::Duplicate(i, n)),
        any::<Index>().prop_map(Edit::Truncate),
    ]
}

/// Applies edits at character boundaries.
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        let len = chars.len().max(1);
        match e {
            Edit::Delete(i, n) => {
                let at = i.index(len).min(chars.len());
                let end = (at + n).min(chars.len());
                chars.drain(at..end);
            }
            Edit::Insert(i, t) => {
                let at = i.index(len + 1).min(chars.len());
                chars.splice(at..at, t.chars());
            }
            Edit::Duplicate(i, n) => {
                let at = i.index(len).min(chars.len());
                let end = (at + n).min(chars.len());
                let copy: Vec<char> = chars[at..end].to_vec();
                chars.splice(end..end, copy);
            }
            Edit::Truncate(i) => {
                let at = i.index(len).min(chars.len());
                chars.truncate(at);
            }
        }
    }
    chars.into_iter().collect()
}

/// Loads `text` as the only file of a module; the answer does not matter, only that there is one.
fn load_text(text: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("main.tf"), text).expect("write main.tf");
    match load(dir.path(), &[]) {
        Ok((_, diags)) => assert!(!diags.has_errors(), "errors come back as Err"),
        Err(diags) => assert!(diags.has_errors(), "an Err holds at least one error"),
    }
}

/// Expressions built from the whole language: literals, templates, collections, operators,
/// conditionals, for-expressions, splats, indexes and every function by name.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        prop::sample::select(&["1e309", "-0", "0.1", "9007199254740993", "-1"][..]).prop_map(str::to_string),
        "[a-z0-9 ${}%\\\\\"]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("\"${1 + 1}x%{ if true }y%{ endif }\"".to_string()),
        Just("\"%{ for v in [1, 2] }${v}%{ endfor }\"".to_string()),
        prop::sample::select(
            &[
                "path.module",
                "path.root",
                "terraform.workspace",
                "var.x",
                "local.y",
                "each.key"
            ][..]
        )
        .prop_map(str::to_string),
    ];
    leaf.prop_recursive(4, 48, 4, |inner| {
        let names: Vec<&'static str> = engine::eval::functions::names().to_vec();
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
            prop::collection::vec(("[a-z]{1,3}", inner.clone()), 0..3).prop_map(|kv| format!(
                "{{{}}}",
                kv.into_iter()
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (prop::sample::select(names), prop::collection::vec(inner.clone(), 0..4))
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            (
                inner.clone(),
                prop::sample::select(&["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            inner.clone().prop_map(|a| format!("!{a}")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            (inner.clone(), inner.clone()).prop_map(|(c, v)| format!("[for k, v in {c} : {v}]")),
            (inner.clone(), inner.clone()).prop_map(|(c, v)| format!("{{for k, v in {c} : k => {v}...}}")),
            inner.clone().prop_map(|a| format!("{a}[*].id")),
            (inner.clone(), inner.clone()).prop_map(|(a, i)| format!("{a}[{i}]")),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_loader_answers_every_mutation_of_the_shipped_configurations(
        file in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let files = corpus();
        let text = mutate(&files[file.index(files.len())], &edits);
        load_text(&text);
    }

    #[test]
    fn the_loader_answers_any_text(text in "\\PC{0,400}") {
        load_text(&text);
    }

    #[test]
    fn the_evaluator_answers_every_expression(text in expression()) {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join("main.tf"), "").expect("write main.tf");
        let (module, _) = load(dir.path(), &[]).expect("an empty module loads");
        let scope = Scope::declaring(&module, dir.path());
        let file = SourceFile::new(Path::new("<property>"), "<property>".into(), text.clone());
        if let Ok(expr) = hcl_edit::parser::parse_expr(&text) {
            // A value or an error: both are answers.
            let _ = Evaluator::new(&scope).eval(&Expr { expr, file });
        }
    }
}

/// The generator is worth its cases only if most of what it writes is valid syntax that the
/// evaluator then has to deal with.
#[test]
fn most_generated_expressions_parse_and_many_evaluate() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(dir.path().join("main.tf"), "").expect("write main.tf");
    let (module, _) = load(dir.path(), &[]).expect("an empty module loads");
    let scope = Scope::declaring(&module, dir.path());
    let (mut parsed, mut values) = (0, 0);
    let total = 500;
    for _ in 0..total {
        let text = expression().new_tree(&mut runner).expect("a value").current();
        if let Ok(expr) = hcl_edit::parser::parse_expr(&text) {
            parsed += 1;
            let file = SourceFile::new(Path::new("<property>"), "<property>".into(), text.clone());
            if Evaluator::new(&scope).eval(&Expr { expr, file }).is_ok() {
                values += 1;
            }
        }
    }
    eprintln!("{parsed} of {total} generated expressions parse, {values} evaluate to a value");
    assert!(parsed * 10 >= total * 8, "{parsed} of {total} parse");
    assert!(values * 10 >= total, "{values} of {total} evaluate");
}
