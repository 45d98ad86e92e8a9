use super::*;
use crate::core::value::map;

fn no_render(_: &str, _: &Value) -> Result<Value, String> {
    Err("no renderer".into())
}

fn run_in(dir: &Path, name: &str, args: Vec<Value>) -> Result<Value, String> {
    // A stand-in renderer: substitutes ${name} for every variable.
    let render = |src: &str, vars: &Value| -> Result<Value, String> {
        let mut out = src.to_string();
        for (k, v) in vars.as_map().ok_or("vars must be a map")? {
            out = out.replace(&format!("${{{k}}}"), &v.to_template_string().unwrap_or_default());
        }
        Ok(Value::String(out))
    };
    let ctx = FunctionContext {
        now: None,
        plan_time: 0,
        base_dir: dir,
        render_template: &render,
    };
    call(name, args, &ctx)
}

fn run(name: &str, args: Vec<Value>) -> Result<Value, String> {
    run_in(Path::new("."), name, args)
}

fn ok(name: &str, args: Vec<Value>) -> Value {
    run(name, args).unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

fn err(name: &str, args: Vec<Value>) -> String {
    match run(name, args) {
        Ok(v) => panic!("{name} succeeded with {v:?}"),
        Err(e) => e,
    }
}

fn s(x: &str) -> Value {
    Value::from(x)
}

fn n(x: f64) -> Value {
    Value::Number(x.into())
}

fn list(items: Vec<Value>) -> Value {
    Value::List(items.into())
}

fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|x| s(x)).collect())
}

fn secret(v: Value) -> Value {
    v.mark_sensitive()
}

#[test]
fn names_are_sorted_known_and_complete() {
    let all = names();
    assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
    for name in ["try", "can", "jsonencode", "templatefile", "replace", "toset"] {
        assert!(exists(name), "{name}");
        assert!(all.contains(&name));
    }
    assert!(!exists("nosuchfn"));
    assert!(err("nosuchfn", vec![]).contains("no function named"));
    assert!(err("try", vec![n(1.0)]).contains("evaluator"));
    assert!(err("can", vec![n(1.0)]).contains("evaluator"));
    let ctx = FunctionContext {
        now: None,
        plan_time: 0,
        base_dir: Path::new("."),
        render_template: &no_render,
    };
    assert_eq!(call("upper", vec![s("a")], &ctx), Ok(s("A")));
}

#[test]
fn arity_is_checked() {
    assert_eq!(
        err("upper", vec![]),
        "Not enough function arguments: expected 1 argument, got 0."
    );
    assert_eq!(
        err("upper", vec![s("a"), s("b")]),
        "Too many function arguments: expected 1 argument, got 2."
    );
    assert_eq!(
        err("lookup", vec![Value::empty_map()]),
        "Not enough function arguments: expected at least 2 arguments, got 1."
    );
    assert_eq!(
        err("lookup", vec![Value::empty_map(), s("a"), s("b"), s("c")]),
        "Too many function arguments: expected at most 3 arguments, got 4."
    );
    // Arity errors win over unknown arguments: they are static mistakes.
    assert!(err("upper", vec![Value::UNKNOWN, Value::UNKNOWN]).starts_with("Too many"));
}

#[test]
fn json() {
    let v = map([
        ("b", list(vec![n(1.0), n(1.5), Value::Bool(true), Value::Null])),
        ("a", s("<&>")),
    ]);
    assert_eq!(
        ok("jsonencode", vec![v]),
        s(r#"{"a":"\u003c\u0026\u003e","b":[1,1.5,true,null]}"#)
    );
    assert_eq!(ok("jsonencode", vec![s("x")]), s(r#""x""#));
    assert_eq!(ok("jsonencode", vec![Value::Null]), s("null"));
    assert_eq!(
        ok("jsonencode", vec![list(vec![s("a"), Value::UNKNOWN])]),
        Value::UNKNOWN
    );
    let decoded = ok("jsondecode", vec![s(r#"{"z": [1, "two", null], "a": {"b": false}}"#)]);
    assert_eq!(
        decoded,
        map([
            ("a", map([("b", Value::Bool(false))])),
            ("z", list(vec![n(1.0), s("two"), Value::Null]))
        ])
    );
    assert!(err("jsondecode", vec![s("{nope")]).starts_with("Invalid function argument: argument 1 is not valid JSON"));
    assert_eq!(
        err("jsonencode", vec![]),
        "Not enough function arguments: expected 1 argument, got 0."
    );
}

#[test]
fn format_verbs() {
    let f = |spec: &str, args: Vec<Value>| {
        let mut all = vec![s(spec)];
        all.extend(args);
        ok("format", all)
    };
    assert_eq!(f("Hello, %s!", vec![s("Ander")]), s("Hello, Ander!"));
    assert_eq!(f("%d items", vec![n(42.0)]), s("42 items"));
    assert_eq!(f("%d", vec![s("7")]), s("7"));
    assert_eq!(f("%.2f", vec![n(3.14159)]), s("3.14"));
    assert_eq!(f("%f", vec![n(1.5)]), s("1.500000"));
    assert_eq!(f("%q", vec![s("a\"b")]), s(r#""a\"b""#));
    // A null argument, used or not, makes Terraform's answer unknown.
    assert_eq!(f("%v %v %v", vec![s("x"), n(2.0), Value::Null]), Value::UNKNOWN);
    assert_eq!(f("%v", vec![list(vec![n(1.0), s("a")])]), s(r#"[1,"a"]"#));
    assert_eq!(f("%#v", vec![s("x")]), s(r#""x""#));
    assert_eq!(f("%t", vec![Value::Bool(true)]), s("true"));
    assert_eq!(f("100%%", vec![]), s("100%"));
    assert_eq!(
        f("%5d|%-5d|%05d|%+d", vec![n(42.0), n(42.0), n(-42.0), n(3.0)]),
        s("   42|42   |-0042|+3")
    );
    assert_eq!(
        f("%6s|%-6s|%.2s", vec![s("ab"), s("ab"), s("abc")]),
        s("    ab|ab    |ab")
    );
    assert_eq!(
        f("%x %X %o %b", vec![n(255.0), n(255.0), n(8.0), n(5.0)]),
        s("ff FF 10 101")
    );
    assert_eq!(f("%e", vec![n(1500.0)]), s("1.500000e+03"));
    assert_eq!(
        f("%g %g %g", vec![n(1.5), n(1e6), n(0.0001234)]),
        s("1.5 1e+06 0.0001234")
    );
    assert_eq!(f("%.3g", vec![n(1.0)]), s("1"));
    assert_eq!(f("%[2]s %[1]s", vec![s("a"), s("b")]), s("b a"));
    assert_eq!(f("%s", vec![Value::Bool(false)]), s("false"));
}

#[test]
fn format_errors_and_unknowns() {
    assert_eq!(
        err("format", vec![s("%s %s"), s("a")]),
        "Invalid function argument: not enough arguments for \"%s\" at 3: need index 2 but have 1 total."
    );
    assert_eq!(
        err("format", vec![s("%s"), s("a"), s("b")]),
        "Invalid function argument: too many arguments; only 1 used by format string."
    );
    assert_eq!(
        err("format", vec![s("%s"), list(vec![])]),
        "Invalid function argument: unsupported value for \"%s\" at 0: string required, got list."
    );
    assert!(err("format", vec![s("%d"), n(1.5)]).contains("whole number"));
    assert_eq!(ok("format", vec![s("%d"), Value::Null]), Value::UNKNOWN);
    assert!(err("formatlist", vec![s("%d"), list(vec![Value::Null])]).contains("null value cannot be formatted"));
    assert!(err("format", vec![s("%z"), n(1.0)]).contains("unsupported format verb %z"));
    assert!(err("format", vec![s("abc %")]).contains("incomplete verb"));
    assert_eq!(ok("format", vec![s("%s"), Value::UNKNOWN]), Value::UNKNOWN);
    // A sensitive argument makes the whole result sensitive.
    assert_eq!(ok("format", vec![s("k=%s"), secret(s("v"))]), secret(s("k=v")));
}

#[test]
fn formatlist_iterates_lists_and_repeats_scalars() {
    assert_eq!(
        ok("formatlist", vec![s("%s-%s"), strs(&["a", "b"]), s("x")]),
        strs(&["a-x", "b-x"])
    );
    assert_eq!(ok("formatlist", vec![s("%s"), s("only")]), strs(&["only"]));
    assert_eq!(ok("formatlist", vec![s("%s"), strs(&[])]), strs(&[]));
    assert!(err("formatlist", vec![s("%s%s"), strs(&["a"]), strs(&["a", "b"])]).contains("inconsistent"));
    assert_eq!(
        ok("formatlist", vec![s("%s"), list(vec![Value::UNKNOWN])]),
        Value::UNKNOWN
    );
}

#[test]
fn string_functions() {
    assert_eq!(
        ok("join", vec![s(","), strs(&["a", "b"]), list(vec![n(3.0)])]),
        s("a,b,3")
    );
    assert_eq!(ok("join", vec![s(","), strs(&[])]), s(""));
    assert!(err("join", vec![s(",")]).contains("at least one list"));
    assert!(err("join", vec![s(","), list(vec![Value::Null])]).contains("element 0 of argument 2 is null"));
    assert_eq!(ok("split", vec![s(","), s("a,b,,c")]), strs(&["a", "b", "", "c"]));
    assert_eq!(ok("split", vec![s(","), s("")]), strs(&[""]));
    assert_eq!(ok("split", vec![s(""), s("ab")]), strs(&["a", "b"]));
    assert_eq!(ok("lower", vec![s("HÉllo")]), s("héllo"));
    assert_eq!(ok("upper", vec![s("héllo")]), s("HÉLLO"));
    assert_eq!(ok("upper", vec![n(1.0)]), s("1"));
    assert_eq!(
        ok("title", vec![s("hello world-wide web_x")]),
        s("Hello World-Wide Web_x")
    );
    assert_eq!(ok("trimspace", vec![s("  \n a b \t")]), s("a b"));
    assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
    assert_eq!(ok("trimprefix", vec![s("helloworld"), s("hello")]), s("world"));
    assert_eq!(ok("trimprefix", vec![s("helloworld"), s("x")]), s("helloworld"));
    assert_eq!(ok("trimsuffix", vec![s("helloworld"), s("world")]), s("hello"));
    assert_eq!(ok("chomp", vec![s("hello\r\n\n")]), s("hello"));
    assert_eq!(ok("indent", vec![n(2.0), s("a\nb")]), s("a\n  b"));
    assert_eq!(
        err("indent", vec![n(1e17), s("a\nb")]),
        "Invalid function argument: indenting by 100000000000000000 spaces would make a text of more than 64 MiB."
    );
    assert_eq!(
        err("indent", vec![n(1e17), s("one line")]),
        "Invalid function argument: indenting by 100000000000000000 spaces would make a text of more than 64 MiB."
    );
    assert_eq!(ok("strrev", vec![s("abc")]), s("cba"));
    assert_eq!(ok("startswith", vec![s("hello"), s("he")]), Value::Bool(true));
    assert_eq!(ok("startswith", vec![s("hello"), s("lo")]), Value::Bool(false));
    assert_eq!(ok("endswith", vec![s("hello"), s("lo")]), Value::Bool(true));
    assert_eq!(
        err("upper", vec![list(vec![])]),
        "Invalid function argument: argument 1 must be a string, got list."
    );
    assert_eq!(
        err("trimprefix", vec![s("a"), Value::Null]),
        "Invalid function argument: argument 2 must be a string, got null."
    );
}

#[test]
fn replace_plain_and_regex() {
    assert_eq!(ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), s("1 - 2 - 3"));
    assert_eq!(
        ok("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]),
        s("hello everybody")
    );
    assert_eq!(ok("replace", vec![s("a-b"), s("/(\\w)-(\\w)/"), s("$2-$1")]), s("b-a"));
    // A lone slash is a plain substring.
    assert_eq!(ok("replace", vec![s("a/b"), s("/"), s("_")]), s("a_b"));
    assert!(err("replace", vec![s("x"), s("/(/"), s("")])
        .starts_with("Invalid function argument: invalid regular expression"));
}

#[test]
fn regex_functions() {
    assert_eq!(ok("regex", vec![s("[a-z]+"), s("53abc12")]), s("abc"));
    assert_eq!(ok("regex", vec![s("(\\d+)-(\\d+)"), s("10-20")]), strs(&["10", "20"]));
    assert_eq!(
        ok("regex", vec![s("(?P<a>\\d+)-(?P<b>\\d+)"), s("10-20")]),
        map([("a", s("10")), ("b", s("20"))])
    );
    assert!(err("regex", vec![s("x"), s("abc")]).contains("did not match"));
    assert!(err("regex", vec![s("(?P<a>x)(y)"), s("xy")]).contains("cannot mix"));
    assert_eq!(ok("regexall", vec![s("\\d"), s("a1b2")]), strs(&["1", "2"]));
    assert_eq!(ok("regexall", vec![s("\\d"), s("ab")]), strs(&[]));
}

#[test]
fn substr_offsets_and_lengths() {
    let sub = |o: f64, l: f64| ok("substr", vec![s("hello world"), n(o), n(l)]);
    assert_eq!(sub(1.0, 4.0), s("ello"));
    assert_eq!(sub(-5.0, -1.0), s("world"));
    assert_eq!(sub(-5.0, 3.0), s("wor"));
    assert_eq!(sub(6.0, -1.0), s("world"));
    assert_eq!(sub(6.0, 100.0), s("world"));
    assert_eq!(sub(100.0, 2.0), s(""));
    assert_eq!(sub(-100.0, 2.0), s("he"));
    assert_eq!(ok("substr", vec![s("héllo"), n(1.0), n(2.0)]), s("él"));
    assert_eq!(
        err("substr", vec![s("x"), n(0.5), n(1.0)]),
        "Invalid function argument: argument 2 must be a whole number, got 0.5."
    );
}

#[test]
fn collections() {
    assert_eq!(
        ok("concat", vec![strs(&["a"]), list(vec![n(1.0)]), strs(&[])]),
        list(vec![s("a"), n(1.0)])
    );
    assert_eq!(
        ok(
            "merge",
            vec![map([("a", n(1.0)), ("b", n(2.0))]), Value::Null, map([("b", n(3.0))])]
        ),
        map([("a", n(1.0)), ("b", n(3.0))])
    );
    assert!(err("merge", vec![strs(&[])]).contains("argument 1 must be a map, got list"));
    let m = map([("a", s("x"))]);
    assert_eq!(ok("lookup", vec![m.clone(), s("a")]), s("x"));
    assert_eq!(ok("lookup", vec![m.clone(), s("b"), s("dflt")]), s("dflt"));
    assert_eq!(
        err("lookup", vec![m.clone(), s("b")]),
        "Invalid function argument: lookup failed to find key \"b\"."
    );
    assert_eq!(ok("length", vec![s("héllo")]), n(5.0));
    assert_eq!(ok("length", vec![strs(&["a", "b"])]), n(2.0));
    assert_eq!(ok("length", vec![m.clone()]), n(1.0));
    assert!(err("length", vec![Value::Null]).contains("must not be null"));
    assert!(err("length", vec![n(1.0)]).contains("must be a string, list or map, got number"));
    let m2 = map([("b", n(2.0)), ("a", n(1.0))]);
    assert_eq!(ok("keys", vec![m2.clone()]), strs(&["a", "b"]));
    assert_eq!(ok("values", vec![m2]), list(vec![n(1.0), n(2.0)]));
    assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("b")]), Value::Bool(true));
    assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("c")]), Value::Bool(false));
    // As Terraform answers (tests/oracle): values of different types are never equal here.
    assert_eq!(ok("contains", vec![strs(&["1"]), n(1.0)]), Value::Bool(false));
    assert_eq!(ok("index", vec![strs(&["a", "b"]), s("b")]), n(1.0));
    assert!(err("index", vec![strs(&["a"]), s("z")]).contains("item not found"));
    assert_eq!(ok("coalesce", vec![Value::Null, s(""), s("b"), s("c")]), s("b"));
    assert_eq!(ok("coalesce", vec![n(1.0), n(2.0)]), n(1.0));
    assert_eq!(ok("coalesce", vec![Value::Null, n(1.0), s("x")]), s("1"));
    assert!(err("coalesce", vec![Value::Null, s("")]).contains("no non-null, non-empty-string"));
    assert_eq!(ok("coalescelist", vec![strs(&[]), strs(&["a"])]), strs(&["a"]));
    assert_eq!(
        ok("compact", vec![list(vec![s("a"), s(""), Value::Null, s("b")])]),
        strs(&["a", "b"])
    );
    let abc = strs(&["a", "b", "c"]);
    assert_eq!(ok("element", vec![abc.clone(), n(1.0)]), s("b"));
    assert_eq!(ok("element", vec![abc.clone(), n(4.0)]), s("b"));
    assert!(err("element", vec![strs(&[]), n(0.0)]).contains("empty list"));
    assert!(err("element", vec![abc.clone(), n(-1.0)]).contains("negative index"));
    assert_eq!(
        ok(
            "flatten",
            vec![list(vec![strs(&["a"]), list(vec![strs(&["b"]), s("c")]), strs(&[])])]
        ),
        strs(&["a", "b", "c"])
    );
    assert_eq!(ok("distinct", vec![strs(&["a", "b", "a", "c", "b"])]), abc);
    assert_eq!(ok("reverse", vec![abc.clone()]), strs(&["c", "b", "a"]));
    assert_eq!(ok("sort", vec![strs(&["b", "c", "a"])]), abc);
    assert_eq!(ok("slice", vec![abc.clone(), n(1.0), n(3.0)]), strs(&["b", "c"]));
    assert!(err("slice", vec![abc.clone(), n(1.0), n(4.0)]).contains("must not exceed"));
    assert_eq!(ok("one", vec![strs(&[])]), Value::Null);
    assert_eq!(ok("one", vec![strs(&["a"])]), s("a"));
    assert!(err("one", vec![abc.clone()]).contains("zero or one"));
    assert_eq!(
        ok("chunklist", vec![abc.clone(), n(2.0)]),
        list(vec![strs(&["a", "b"]), strs(&["c"])])
    );
    assert_eq!(
        ok("zipmap", vec![strs(&["a", "b"]), list(vec![n(1.0), n(2.0)])]),
        map([("a", n(1.0)), ("b", n(2.0))])
    );
    assert!(err("zipmap", vec![strs(&["a"]), strs(&[])]).contains("does not match"));
    assert_eq!(
        ok("transpose", vec![map([("a", strs(&["1", "2"])), ("b", strs(&["2"]))])]),
        map([("1", strs(&["a"])), ("2", strs(&["a", "b"]))])
    );
    assert_eq!(
        ok("alltrue", vec![list(vec![Value::Bool(true), s("true")])]),
        Value::Bool(true)
    );
    assert_eq!(ok("alltrue", vec![strs(&[])]), Value::Bool(true));
    assert_eq!(
        ok("anytrue", vec![list(vec![Value::Bool(false), Value::Bool(true)])]),
        Value::Bool(true)
    );
    assert_eq!(ok("anytrue", vec![strs(&[])]), Value::Bool(false));
}

#[test]
fn sets() {
    assert_eq!(ok("toset", vec![strs(&["b", "a", "b"])]), strs(&["a", "b"]));
    assert_eq!(
        ok("toset", vec![list(vec![n(10.0), n(9.0), n(10.0)])]),
        list(vec![n(9.0), n(10.0)])
    );
    assert_eq!(ok("toset", vec![list(vec![n(1.0), s("1"), s("a")])]), strs(&["1", "a"]));
    assert_eq!(ok("toset", vec![Value::Null]), Value::Null);
    assert!(err("toset", vec![s("a")]).contains("cannot convert string to set"));
    assert_eq!(ok("toset", vec![list(vec![s("a"), Value::UNKNOWN])]), Value::UNKNOWN);
    assert_eq!(
        ok("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
        strs(&["a", "b", "c"])
    );
    assert_eq!(
        ok("setintersection", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
        strs(&["a"])
    );
    assert_eq!(ok("setsubtract", vec![strs(&["b", "a"]), strs(&["a"])]), strs(&["b"]));
}

#[test]
fn ranges() {
    assert_eq!(ok("range", vec![n(3.0)]), list(vec![n(0.0), n(1.0), n(2.0)]));
    assert_eq!(ok("range", vec![n(1.0), n(4.0)]), list(vec![n(1.0), n(2.0), n(3.0)]));
    assert_eq!(ok("range", vec![n(4.0), n(1.0)]), list(vec![n(4.0), n(3.0), n(2.0)]));
    assert_eq!(ok("range", vec![n(-2.0)]), list(vec![n(0.0), n(-1.0)]));
    assert_eq!(
        ok("range", vec![n(0.0), n(0.3), n(0.1)]),
        list(vec![n(0.0), n(0.1), n(0.2)])
    );
    // Terraform refuses a step that walks away from the end (tests/oracle).
    assert!(err("range", vec![n(1.0), n(4.0), n(-1.0)]).contains("end must be less than start"));
    assert!(err("range", vec![n(4.0), n(1.0), n(1.0)]).contains("end must be greater than start"));
    assert_eq!(ok("range", vec![n(0.0)]), list(vec![]));
    assert!(err("range", vec![n(0.0), n(1.0), n(0.0)]).contains("step must not be zero"));
    assert!(err("range", vec![n(5000.0)]).contains("more than 1024"));
}

#[test]
fn conversions() {
    assert_eq!(ok("tostring", vec![n(5.0)]), s("5"));
    assert_eq!(ok("tostring", vec![n(1.5)]), s("1.5"));
    assert_eq!(ok("tostring", vec![Value::Bool(true)]), s("true"));
    assert_eq!(ok("tostring", vec![Value::Null]), Value::Null);
    assert_eq!(
        err("tostring", vec![strs(&[])]),
        "Invalid function argument: cannot convert list to string."
    );
    assert_eq!(ok("tonumber", vec![s("12.5")]), n(12.5));
    assert_eq!(ok("tonumber", vec![Value::Null]), Value::Null);
    assert_eq!(
            err("tonumber", vec![s("abc")]),
            "Invalid function argument: cannot convert \"abc\" to number; given string must be a decimal representation of a number."
        );
    assert!(err("tonumber", vec![s("inf")]).contains("cannot convert"));
    assert_eq!(ok("tobool", vec![s("true")]), Value::Bool(true));
    assert_eq!(ok("tobool", vec![Value::Bool(false)]), Value::Bool(false));
    assert!(err("tobool", vec![s("yes")]).contains("only the strings"));
    assert_eq!(ok("tolist", vec![strs(&["a"])]), strs(&["a"]));
    assert!(err("tolist", vec![Value::empty_map()]).contains("cannot convert object to list"));
    assert_eq!(ok("tomap", vec![map([("a", n(1.0))])]), map([("a", n(1.0))]));
    assert!(err("tomap", vec![strs(&[])]).contains("cannot convert list to map"));
}

#[test]
fn numbers() {
    assert_eq!(ok("min", vec![n(3.0), n(1.0), s("2")]), n(1.0));
    assert_eq!(ok("max", vec![n(3.0), n(-1.0)]), n(3.0));
    assert_eq!(
        err("max", vec![]),
        "Invalid function argument: must pass at least one number."
    );
    assert_eq!(
        err("min", vec![n(1.0), s("x")]),
        "Invalid function argument: argument 2 must be a number, got \"x\"."
    );
    assert_eq!(ok("abs", vec![n(-2.5)]), n(2.5));
    assert_eq!(ok("abs", vec![n(-123456789012345.0)]), n(123456789012345.0));
    assert_eq!(ok("floor", vec![n(4503599627370497.0)]), n(4503599627370497.0));
    assert_eq!(ok("ceil", vec![n(1.2)]), n(2.0));
    assert_eq!(ok("ceil", vec![n(-0.5)]).to_string(), "0");
    assert_eq!(ok("floor", vec![n(-1.2)]), n(-2.0));
    assert_eq!(ok("signum", vec![n(-7.0)]), n(-1.0));
    // Literals are 512-bit decimals, so their sum is exact where 64-bit floats' is not.
    let lit = |t: &str| Value::Number(crate::core::value::Number::parse(t).expect("a number"));
    assert_eq!(ok("sum", vec![list(vec![lit("0.1"), lit("0.2")])]), lit("0.3"));
    assert_eq!(ok("sum", vec![list(vec![n(0.1), n(0.2)])]), n(0.30000000000000004));
    assert!(err("sum", vec![list(vec![])]).contains("empty list"));
    assert_eq!(ok("pow", vec![n(2.0), n(10.0)]), n(1024.0));
    assert_eq!(ok("log", vec![n(8.0), n(2.0)]), n(3.0));
    assert_eq!(ok("parseint", vec![s("ff"), n(16.0)]), n(255.0));
    assert!(err("parseint", vec![s("zz"), n(10.0)]).contains("cannot parse"));
    assert!(err("abs", vec![list(vec![])]).contains("argument 1 must be a number, got list"));
}

#[test]
fn encodings() {
    assert_eq!(ok("base64encode", vec![s("Hello World")]), s("SGVsbG8gV29ybGQ="));
    assert_eq!(ok("base64decode", vec![s("SGVsbG8gV29ybGQ=")]), s("Hello World"));
    assert!(err("base64decode", vec![s("!!!")]).contains("failed to decode base64 data"));
    assert!(err("base64decode", vec![s("/w==")]).contains("not valid UTF-8"));
    assert_eq!(
        ok("sha256", vec![s("hello world")]),
        s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
    );
    assert_eq!(
        ok("base64sha256", vec![s("hello world")]),
        s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
    );
    assert_eq!(ok("urlencode", vec![s("a b&c/é")]), s("a+b%26c%2F%C3%A9"));
}

#[test]
fn files_and_templates() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("hello.txt"), "hi\n").expect("write");
    std::fs::write(dir.path().join("t.tpl"), "Hello, ${name}!").expect("write");
    std::fs::write(dir.path().join("bin"), [0xff, 0xfe]).expect("write");
    let r = |name: &str, args: Vec<Value>| run_in(dir.path(), name, args);
    assert_eq!(r("file", vec![s("hello.txt")]), Ok(s("hi\n")));
    let abs_path = dir.path().join("hello.txt").to_string_lossy().into_owned();
    assert_eq!(r("file", vec![Value::from(abs_path)]), Ok(s("hi\n")));
    let missing = r("file", vec![s("missing.txt")]).expect_err("missing");
    assert!(
        missing.starts_with("Invalid function argument: no file exists at \"missing.txt\""),
        "{missing}"
    );
    let binary = r("file", vec![s("bin")]).expect_err("binary");
    assert!(binary.contains("\"bin\" are not valid UTF-8"), "{binary}");
    assert_eq!(r("filebase64", vec![s("bin")]), Ok(s("//4=")));
    assert_eq!(r("fileexists", vec![s("hello.txt")]), Ok(Value::Bool(true)));
    assert_eq!(r("fileexists", vec![s("nope")]), Ok(Value::Bool(false)));
    assert_eq!(
        r("templatefile", vec![s("t.tpl"), map([("name", s("World"))])]),
        Ok(s("Hello, World!"))
    );
    assert_eq!(
        r(
            "templatefile",
            vec![s("t.tpl"), map([("name", s("x").mark_sensitive())])]
        ),
        Ok(s("Hello, x!").mark_sensitive())
    );
    assert_eq!(
        r("templatefile", vec![s("t.tpl"), map([("name", Value::UNKNOWN)])]),
        Ok(Value::UNKNOWN)
    );
    assert!(r("templatefile", vec![s("t.tpl"), map([("1bad", s("x"))])])
        .expect_err("bad name")
        .contains("invalid template variable name"));
    assert!(r("templatefile", vec![s("t.tpl"), s("x")])
        .expect_err("not a map")
        .contains("argument 2 must be a map of template variables, got string"));
    let ctx = FunctionContext {
        now: None,
        plan_time: 0,
        base_dir: dir.path(),
        render_template: &no_render,
    };
    assert_eq!(
        call("templatefile", vec![s("t.tpl"), Value::empty_map()], &ctx),
        Err("t.tpl: no renderer".into())
    );
}

#[test]
fn paths() {
    assert_eq!(ok("basename", vec![s("foo/bar/baz.txt")]), s("baz.txt"));
    assert_eq!(ok("basename", vec![s("foo/bar/")]), s("bar"));
    assert_eq!(ok("dirname", vec![s("foo/bar/baz.txt")]), s("foo/bar"));
    assert_eq!(ok("dirname", vec![s("baz.txt")]), s("."));
    assert_eq!(ok("dirname", vec![s("/baz")]), s("/"));
}

#[test]
fn unknown_propagates() {
    let u = Value::UNKNOWN;
    assert_eq!(ok("upper", vec![u.clone()]), u);
    assert_eq!(ok("join", vec![s(","), list(vec![s("a"), u.clone()])]), u);
    assert_eq!(ok("tostring", vec![u.clone()]), u);
    assert_eq!(ok("contains", vec![list(vec![s("a"), u.clone()]), s("a")]), u);
    assert_eq!(ok("distinct", vec![list(vec![s("a"), u.clone()])]), u);
    assert_eq!(ok("jsonencode", vec![map([("a", u.clone())])]), u);
    assert_eq!(ok("sha256", vec![u.clone()]), u);
}

#[test]
fn unknown_exceptions_stay_known() {
    let u = Value::UNKNOWN;
    assert_eq!(ok("length", vec![list(vec![u.clone(), s("a")])]), n(2.0));
    assert_eq!(ok("length", vec![map([("k", u.clone())])]), n(1.0));
    assert_eq!(ok("length", vec![u.clone()]), u);
    assert_eq!(ok("coalesce", vec![s("a"), u.clone()]), s("a"));
    assert_eq!(ok("coalesce", vec![Value::Null, u.clone(), s("a")]), u);
    assert_eq!(
        ok("merge", vec![map([("a", u.clone())]), map([("b", n(1.0))])]),
        map([("a", u.clone()), ("b", n(1.0))])
    );
    assert_eq!(ok("merge", vec![map([("a", n(1.0))]), u.clone()]), u);
    assert_eq!(
        ok("concat", vec![list(vec![u.clone()]), strs(&["a"])]),
        list(vec![u.clone(), s("a")])
    );
    assert_eq!(ok("concat", vec![u.clone(), strs(&["a"])]), u);
    assert_eq!(ok("tolist", vec![list(vec![u.clone()])]), list(vec![u.clone()]));
    assert_eq!(ok("tomap", vec![map([("a", u.clone())])]), map([("a", u.clone())]));
    assert_eq!(
        ok("values", vec![map([("a", u.clone()), ("b", n(1.0))])]),
        list(vec![u.clone(), n(1.0)])
    );
    assert_eq!(ok("keys", vec![map([("a", u.clone())])]), strs(&["a"]));
    assert_eq!(ok("keys", vec![u.clone()]), u);
    let m = map([("a", u.clone()), ("b", s("x"))]);
    assert_eq!(ok("lookup", vec![m.clone(), s("b")]), s("x"));
    assert_eq!(ok("lookup", vec![m.clone(), s("a")]), u);
    assert_eq!(ok("lookup", vec![m.clone(), u.clone()]), u);
    assert_eq!(ok("lookup", vec![m, s("c"), u.clone()]), u);
    let l = list(vec![s("a"), u.clone()]);
    assert_eq!(ok("element", vec![l.clone(), n(0.0)]), s("a"));
    assert_eq!(ok("element", vec![l.clone(), n(1.0)]), u);
    assert_eq!(ok("element", vec![l, u.clone()]), u);
    // Flattening keeps unknowns nested in maps, but an unknown in a flattened position might
    // be a list of any length.
    let with_map = list(vec![list(vec![map([("id", u.clone())])]), s("b")]);
    assert_eq!(
        ok("flatten", vec![with_map]),
        list(vec![map([("id", u.clone())]), s("b")])
    );
    assert_eq!(ok("flatten", vec![list(vec![list(vec![s("a"), u.clone()])])]), u);
}

#[test]
fn sensitive_propagates() {
    assert_eq!(ok("upper", vec![secret(s("abc"))]), secret(s("ABC")));
    let nested = list(vec![s("a"), secret(s("b"))]);
    assert_eq!(ok("join", vec![s("-"), nested.clone()]), secret(s("a-b")));
    assert_eq!(ok("length", vec![nested.clone()]), secret(n(2.0)));
    assert_eq!(
        ok("jsonencode", vec![map([("k", secret(s("v")))])]),
        secret(s(r#"{"k":"v"}"#))
    );
    assert_eq!(ok("upper", vec![secret(Value::UNKNOWN)]), secret(Value::UNKNOWN));
    assert_eq!(
        ok("length", vec![list(vec![Value::UNKNOWN, secret(s("x"))])]),
        secret(n(2.0))
    );
    // Results never keep inner marks: the whole result is marked once.
    assert_eq!(ok("concat", vec![nested, strs(&["c"])]), secret(strs(&["a", "b", "c"])));
    assert_eq!(ok("sensitive", vec![s("x")]), secret(s("x")));
    assert_eq!(
        ok("nonsensitive", vec![secret(list(vec![secret(s("x"))]))]),
        strs(&["x"])
    );
    assert_eq!(ok("issensitive", vec![secret(s("x"))]), Value::Bool(true));
    assert_eq!(ok("issensitive", vec![s("x")]), Value::Bool(false));
}

#[test]
fn errors_do_not_leak_sensitive_text() {
    let e = err("tonumber", vec![secret(s("hunter2"))]);
    assert!(!e.contains("hunter2"), "{e}");
    assert!(e.contains("(sensitive value)"));
    let e = err("lookup", vec![map([("a", s("x"))]), secret(s("hunter2"))]);
    assert!(!e.contains("hunter2"), "{e}");
}

/// The examples of Terraform's documentation for each function.
#[test]
fn hashes_as_terraform_documents_them() {
    assert_eq!(ok("md5", vec![s("hello world")]), s("5eb63bbbe01eeed093cb22bb8f5acdc3"));
    assert_eq!(
        ok("sha1", vec![s("hello world")]),
        s("2aae6c35c94fcfb415dbe95f408b9ce91ee846ed")
    );
    assert_eq!(
        ok("sha512", vec![s("hello world")]),
        s("309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f")
    );
    assert_eq!(
        ok("base64sha512", vec![s("hello world")]),
        s("MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw==")
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("f.txt"), "hello world").expect("write");
    let file = |name: &str| run_in(dir.path(), name, vec![s("f.txt")]).expect("file hash");
    assert_eq!(file("filemd5"), ok("md5", vec![s("hello world")]));
    assert_eq!(file("filesha1"), ok("sha1", vec![s("hello world")]));
    assert_eq!(file("filesha256"), ok("sha256", vec![s("hello world")]));
    assert_eq!(file("filesha512"), ok("sha512", vec![s("hello world")]));
    assert_eq!(file("filebase64sha256"), ok("base64sha256", vec![s("hello world")]));
    assert_eq!(file("filebase64sha512"), ok("base64sha512", vec![s("hello world")]));
}

#[test]
fn networks_as_terraform_documents_them() {
    assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(16.0)]), s("10.12.112.16"));
    assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(268.0)]), s("10.12.113.12"));
    assert_eq!(ok("cidrhost", vec![s("10.12.112.0/20"), n(-1.0)]), s("10.12.127.255"));
    assert_eq!(
        ok("cidrhost", vec![s("fd00:fd12:3456:7890:00a2::/72"), n(34.0)]),
        s("fd00:fd12:3456:7890::22")
    );
    assert!(err("cidrhost", vec![s("10.0.0.0/30"), n(4.0)]).contains("no host number 4"));
    assert_eq!(ok("cidrnetmask", vec![s("172.16.0.0/12")]), s("255.240.0.0"));
    assert_eq!(
        ok("cidrsubnet", vec![s("172.16.0.0/12"), n(4.0), n(2.0)]),
        s("172.18.0.0/16")
    );
    assert_eq!(
        ok("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(15.0)]),
        s("10.1.2.240/28")
    );
    assert_eq!(
        ok("cidrsubnet", vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(162.0)]),
        s("fd00:fd12:3456:7800:a200::/72")
    );
    assert!(err("cidrsubnet", vec![s("10.1.2.0/24"), n(4.0), n(16.0)]).contains("subnet numbered 16"));
    assert_eq!(
        ok("cidrsubnets", vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]),
        Value::from(vec!["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"])
    );
    assert_eq!(
        ok(
            "cidrsubnets",
            vec![s("fd00:fd12:3456:7890::/56"), n(16.0), n(16.0), n(16.0), n(32.0)]
        ),
        Value::from(vec![
            "fd00:fd12:3456:7800::/72",
            "fd00:fd12:3456:7800:100::/72",
            "fd00:fd12:3456:7800:200::/72",
            "fd00:fd12:3456:7800:300::/88",
        ])
    );
    assert!(err("cidrhost", vec![s("10.0.0.0"), n(1.0)]).contains("prefix length"));
}

#[test]
fn strcontains_matchkeys_setproduct() {
    assert_eq!(ok("strcontains", vec![s("hello world"), s("wor")]), Value::Bool(true));
    assert_eq!(ok("strcontains", vec![s("hello world"), s("wod")]), Value::Bool(false));
    assert_eq!(
        ok(
            "matchkeys",
            vec![
                Value::from(vec!["i-123", "i-abc", "i-def"]),
                Value::from(vec!["us-west", "us-east", "us-east"]),
                Value::from(vec!["us-east"]),
            ]
        ),
        Value::from(vec!["i-abc", "i-def"])
    );
    assert_eq!(
        ok(
            "setproduct",
            vec![
                Value::from(vec!["development", "staging"]),
                Value::from(vec!["app1", "app2"])
            ]
        ),
        Value::List(
            vec![
                Value::from(vec!["development", "app1"]),
                Value::from(vec!["development", "app2"]),
                Value::from(vec!["staging", "app1"]),
                Value::from(vec!["staging", "app2"]),
            ]
            .into()
        )
    );
}

#[test]
fn fileset_uuidv5_and_paths() {
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["a.txt", "b.json", "sub/c.txt", "sub/deep/d.txt"] {
        let p = dir.path().join(f);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, "x").expect("write");
    }
    let set = |pattern: &str| run_in(dir.path(), "fileset", vec![s("."), s(pattern)]).expect("fileset");
    assert_eq!(set("*.txt"), Value::from(vec!["a.txt"]));
    assert_eq!(
        set("**/*.txt"),
        Value::from(vec!["a.txt", "sub/c.txt", "sub/deep/d.txt"])
    );
    assert_eq!(set("sub/*"), Value::from(vec!["sub/c.txt"]));
    assert!(run_in(dir.path(), "fileset", vec![s("."), s("{a,b}.txt")])
        .err()
        .is_some_and(|e| e.contains("braces")));
    // Terraform's documented examples.
    assert_eq!(
        ok("uuidv5", vec![s("dns"), s("www.terraform.io")]),
        s("a5008fae-b28c-5ba5-96cd-82b4c53552d6")
    );
    assert_eq!(
        ok("uuidv5", vec![s("url"), s("https://www.terraform.io/")]),
        s("9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5")
    );
    assert_eq!(
        ok("uuidv5", vec![s("oid"), s("1.3.6.1.4")]),
        s("af9d40a5-7a36-5c07-b23a-851cd99fbfa5")
    );
    assert!(err("uuidv5", vec![s("nope"), s("x")]).contains("namespace"));
    let home = std::env::var("HOME").unwrap_or_default();
    assert_eq!(
        ok("pathexpand", vec![s("~/.ssh/id_rsa")]),
        Value::String(format!("{home}/.ssh/id_rsa"))
    );
    assert_eq!(ok("pathexpand", vec![s("/etc/resolv.conf")]), s("/etc/resolv.conf"));
    let cwd = std::env::current_dir().expect("cwd");
    assert_eq!(
        ok("abspath", vec![s("a/../b/./c")]),
        Value::String(cwd.join("b/c").to_string_lossy().into_owned())
    );
}

mod dates_and_yaml;
mod text;
