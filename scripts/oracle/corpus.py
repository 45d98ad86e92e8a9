#!/usr/bin/env python3
"""Writes the expression corpus that infinstor is compared on against Terraform.

The corpus is deterministic (no randomness without a fixed seed), so regenerating it changes
tests/oracle/expressions.txt only when this file changes. Each line of the output is
`CLASS<TAB>EXPRESSION`; an expression is one line of `terraform console` input.
"""

import itertools
import pathlib
import random
import sys

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "oracle" / "expressions.txt"

# Values of every kind, for functions of one argument and for operators.
VALUES = [
    "null", "true", "false",
    "0", "1", "-1", "2", "1.5", "-2.5", "0.1", "1e3", "1e21", "0.000001",
    "9007199254740993", "123456789012345678901",
    '""', '"a"', '"abc"', '"1"', '"1.5"', '"true"', '" x "', '"a,b"', '"Hello World"',
    '"straße"', '"👍🏽"', '"e\\u0301"', '"日本語"', '"a\\nb\\n"',
    "[]", "[1, 2]", '["a", "b"]', '[1, "a"]', "[[1], [2]]", '["b", "a", "b"]', "[true, false]",
    "[null]", "{}", "{a = 1}", '{a = "x", b = "y"}', '{a = 1, b = "x"}', "{a = [1]}",
    "tolist([])", 'tolist(["a"])', 'toset(["b", "a"])', "tomap({a = 1})", "toset([])",
    'sensitive("s")', "sensitive(1)",
]

# A smaller pool for operators of two operands.
OPERANDS = [
    "null", "true", "0", "-1", "1.5", "0.1", "1e21",
    '""', '"1"', '"a"', "[1]", "tolist([1])", "{a = 1}",
]

BINARY = ["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"]

# Functions of one argument (or used with one here).
UNARY = [
    "abs", "ceil", "floor", "signum", "tonumber", "tostring", "tobool", "tolist", "toset", "tomap",
    "length", "keys", "values", "reverse", "sort", "distinct", "flatten", "compact", "sum",
    "alltrue", "anytrue", "one", "upper", "lower", "title", "strrev", "chomp", "trimspace",
    "base64encode", "base64decode", "base64gzip", "base64sha256", "base64sha512", "md5", "sha1",
    "sha256", "sha512", "urlencode", "jsonencode", "jsondecode", "yamlencode", "yamldecode",
    "csvdecode", "textencodebase64_utf8", "max", "min", "coalesce", "coalescelist", "concat",
    "merge", "setunion", "transpose", "type_tostring", "issensitive", "nonsensitive", "can",
    "try_fallback", "basename", "dirname", "cidrnetmask", "uuidv5_dns",
]

# Hand-written cases, by class: the functions' documented behaviour and their edges.
CASES = {
    "numbers": [
        "0.1 + 0.2", "9007199254740993 + 0", "1 / 3", "2 / 3", "10 / 4", "-7 % 3", "7 % -3",
        "7.5 % 2", "pow(2, 64)", "pow(2, 10)", "pow(2, 0.5)", "pow(-8, 1/3)", "pow(0, 0)",
        "pow(10, -2)", "log(8, 2)", "log(100, 10)", "log(0, 10)", "log(-1, 10)", "log(16, 4)",
        "ceil(1e308 * 10)", "floor(-0.5)", "ceil(-0.5)", "abs(-0)", "signum(-0)", "1e308 * 10",
        "-1e308 * 10", "1 / 0", "0 / 0", "-1 / 0", "max()", "min()", "max(1, 2.5, -3)",
        "min(1, 2.5, -3)", 'max("1", 2)', "max([1, 2]...)", "min([]...)", "sum([])",
        "sum([1, 2.5])", 'sum(["1", 2])', "sum([0.1, 0.2])", "jsonencode(1e21)",
        "jsonencode(0.000001)", "jsonencode(1e-7)", "jsonencode(123456789.123456789)",
        "jsonencode(pow(2, 64))", "jsonencode(1 / 3)", "123456789012345678901",
        "123456789012345678901 + 1", "1e400", 'jsondecode("1e400")', 'jsondecode("1.0")',
        'jsondecode("-0")', 'tonumber("0x10")', 'tonumber("1e3")', 'tonumber(" 1")',
        'tonumber("1_000")', 'tonumber("+1")', 'tonumber(".5")', 'tonumber("5.")',
        'tonumber("Infinity")', 'tonumber("NaN")', 'parseint("100", 10)', 'parseint("FF", 16)',
        'parseint("-10", 2)', 'parseint("zz", 36)', 'parseint("12", 1)', 'parseint("12", 37)',
        'parseint("1.5", 10)', 'parseint("", 10)', 'parseint("0x10", 16)', 'parseint("ff", 16)',
        'parseint("123456789012345678901234567890", 10)', "floor(1e21)", "ceil(2.000000001)",
        "floor(9007199254740993)", "0.1 * 3", "1.1 * 1.1", "100 * 1.1", "3.0", "3.10",
        "-0", "0.0", "1e0", "1E2", "5e-1", "tostring(0.1 + 0.2)", "tostring(1e21)",
        "tostring(1 / 3)", '"${0.1 + 0.2}"', '"${1e21}"', '"${1 / 3}"', "format(\"%d\", 1.5)",
        "format(\"%f\", 1 / 3)", "format(\"%.2f\", 2.675)", "format(\"%e\", 12345)",
        "format(\"%g\", 0.000012345)", "format(\"%d\", 1e21)", "2 - 3", "-(-1)", "!true",
        "10 % 3.5", "1e21 % 7", "1 == 1.0", "0.3 == 0.1 + 0.2", "1e21 == 1e21 + 1",
        "9007199254740993 == 9007199254740992", "-1 < -0.5", "abs(-1e21)", "signum(-2.5)",
        "ceil(1.0000000000000001)", "floor(-1e-30)", "log(1, 10)", "pow(1e10, 40)",
        "range(3)", "range(1, 4)", "range(1, 5, -1)", "range(5, 1, -1)", "range(0, 1, 0.25)",
        "range(0)", "range(-3)", "range(1, 1)", "range(0, 10, 0)", "range(1025)", "range(1024)",
        "range(0.5, 2)", "range(3, 1)",
    ],
    "strings": [
        'upper("straße")', 'lower("ÀÉÎ")', 'title("hello world")', 'title("héllo wörld")',
        'length("👍🏽")', 'length("e\\u0301")', 'length("日本語")', 'length("")',
        'strrev("👍🏽a")', 'strrev("e\\u0301x")', 'substr("hello world", 1, 4)',
        'substr("hello", -3, -1)', 'substr("hello", 10, 1)', 'substr("hello", 0, 100)',
        'substr("👍🏽👍", 1, 1)', 'substr("hello", -10, 2)', 'split(",", "a,b,c")',
        'split(",", "")', 'split("", "abc")', 'split(",", ",")', 'join(",", ["a", "b"])',
        'join(",", [])', 'join(",", ["a", 1, true])', 'join(",", [["a"]])', 'join("-", [null])',
        'join(",", ["a"], ["b", "c"])', 'replace("hello", "l", "L")', 'replace("a.b.c", ".", "-")',
        'replace("hello", "/l+/", "L")', 'replace("hello", "/(h)(e)/", "$2$1")',
        'replace("abc", "/[/", "x")', 'replace("abc", "", "-")', 'trim("?!hello?!", "!?")',
        'trim("  x  ", " ")', 'trimprefix("helloworld", "hello")', 'trimsuffix("helloworld", "world")',
        'trimprefix("hello", "")', 'trimspace("\\n\\t x \\r\\n")', 'chomp("x\\n\\n")',
        'chomp("x\\r\\n")', 'indent(2, "a\\nb\\n")', 'indent(2, "")', 'indent(-1, "a\\nb")',
        'startswith("hello", "he")', 'startswith("hello", "")', 'endswith("hello", "lo")',
        'strcontains("hello", "ell")', 'strcontains("hello", "")', 'regex("[a-z]+", "53453453.345345aaabbbccc23454")',
        'regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")',
        'regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")',
        'regex("[a-z]+", "123")', 'regexall("[a-z]+", "1234abcd5678efgh9")',
        'regexall("[a-z]+", "123")', 'regexall("(a)(b)?", "ab a")', 'regex("(", "x")',
        'regex("a(?i)b", "aB")', 'format("Hello, %s!", "Ander")', 'format("There are %d lights", 4)',
        'format("%q", "x\\"y")', 'format("%v", [1, "a"])', 'format("%#v", {a = 1})', 'format("%5s|", "ab")',
        'format("%-5s|", "ab")', 'format("%05d", 42)', 'format("%x", 255)', 'format("%X", 255)',
        'format("%o", 8)', 'format("%b", 5)', 'format("%t", true)', 'format("%%")', 'format("%s")',
        'format("%d", "x")', 'format("%s", null)', 'format("%v", null)', 'format("%[2]s %[1]s", "a", "b")',
        'format("%s %s", "a")', 'format("%z", 1)', 'format("%s", 1)', 'format("%d", "12")',
        'format("%.3s", "abcdef")', 'format("%q", 1)', 'format("%v", true)',
        'formatlist("Hello, %s!", ["Valentina", "Ander"])', 'formatlist("%s=%s", ["a", "b"], ["1", "2"])',
        'formatlist("%s=%s", ["a", "b"], "x")', 'formatlist("%s", [])', 'formatlist("%s=%s", ["a"], ["1", "2"])',
        'templatestring("Hello ${name}", {name = "x"})', '"%{if true}yes%{else}no%{endif}"',
        '"%{for x in [1, 2]}${x},%{endfor}"', '"%{for k, v in {a = 1}}${k}=${v}%{endfor}"',
        '"a ~}b"', '"x ${"y"} z"', '"${1 + 1}"', '"${true}"', '"${null}"', '"${[1]}"',
        '"$${x}"', '"%%{x}"', '"\\u00e9"', '"\\U0001F44D"', '"tab\\there"', '"a\\\\b"',
        '"%{ if false }x%{ endif }"', '"%{for x in []}y%{endfor}"', '"${~ " a " ~}"',
        'upper("ǅ")', 'lower("İ")', 'upper("ﬁ")', 'title("ǆa")', 'title("o\'neil")',
        'title("hello-world_foo")', 'lower("ΣΑΣ")', 'upper("ß") == "SS"', 'length(upper("straße"))',
        '"é" == "e\\u0301"', 'length("\\u0065\\u0301\\u0302")', 'sort(["é", "e\\u0301z", "f"])',
        'substr("e\\u0301abc", 0, 2)', 'strrev("")', 'trimspace("\\u00a0x\\u00a0")',
        'split("", "")', 'replace("aaa", "a", "")', 'replace("", "", "x")', 'join("", [])',
    ],
    "collections": [
        'contains([1, 2], "1")', 'contains(["1"], 1)', "contains([1, 2], 2)", 'contains(["a"], null)',
        'contains(toset(["a"]), "a")', "contains([[1]], [1])", "contains([{a = 1}], {a = 1})",
        'distinct([1, 1, 2, "2"])', 'distinct(["a", "b", "a"])', "distinct([[1], [1]])",
        'tolist(["a", 1])', "tolist([1, true])", 'tolist([1, "a", true])', "tolist([null, 1])",
        'tomap({a = 1, b = "x"})', "tomap({a = 1, b = [1]})", "tomap({a = null, b = 1})",
        'toset([1, "1"])', 'toset(["a", "b", "a"])', "toset([3, 1, 2])", "toset([true, false])",
        'toset([[1], [1]])', "toset([{a = 1}, {a = 1}])", "toset([null])",
        "[1] == tolist([1])", "tolist([1]) == tolist([1])", "{a = 1} == tomap({a = 1})",
        '[1, 2] == [1, 2]', '["a"] == ["a"]', "[] == []", "{} == {}", "null == null",
        'null == ""', "1 == \"1\"", 'true == "true"', "[1] == [1.0]", "toset([1, 2]) == toset([2, 1])",
        'true ? 1 : "a"', "true ? 1 : null", "false ? [1] : []", 'true ? [1] : ["a"]',
        "true ? {a = 1} : {}", 'false ? {a = 1} : {b = "x"}', "true ? tolist([1]) : [2]",
        'null ? 1 : 2', '"true" ? 1 : 2', '"yes" ? 1 : 2', "1 ? 1 : 2",
        "concat()", "concat([1], [2])", 'concat([1], ["a"])', "concat([], [])", 'concat(["a"], tolist(["b"]))',
        "concat([1], toset([2]))", "concat([1], 2)", "coalesce()", 'coalesce("", "a")', "coalesce(null, 1)",
        'coalesce(1, "a")', 'coalesce(null, null)', 'coalesce([], [1])', 'coalescelist([], [1])',
        "coalescelist()", "coalescelist([], [])", "compact([\"a\", \"\", null, \"b\"])", "compact([])",
        "compact([1, null])", "chunklist([1, 2, 3, 4, 5], 2)", "chunklist([1, 2], 0)", "chunklist([], 2)",
        "chunklist([1], -1)", "element([1, 2, 3], 5)", "element([1, 2, 3], -1)", "element([], 0)",
        'element(["a"], 1.5)', "flatten([[1, [2]], 3])", "flatten([])", "flatten([[], [[]]])",
        "flatten(toset([[1]]))", "index([1, 2], 2)", 'index(["a"], "b")', 'index([1], "1")',
        'keys({b = 1, a = 2})', "keys({})", 'keys(tomap({b = 1}))', "values({b = 1, a = 2})",
        "length([1, 2])", "length({a = 1})", "length(null)", "length(1)", 'length(toset([1, 1]))',
        'lookup({a = 1}, "a")', 'lookup({a = 1}, "b")', 'lookup({a = 1}, "b", "x")',
        'lookup({a = 1}, "b", null)', 'lookup({}, "a", [])', 'lookup({a = {b = 1}}, "a")',
        'matchkeys(["i-1", "i-2", "i-3"], ["us-1", "us-2", "us-1"], ["us-1"])',
        "matchkeys([1], [1, 2], [1])", 'merge({a = 1}, {a = "x"})', "merge({a = 1}, null)",
        "merge()", "merge({a = 1}, {b = [1]})", 'merge({a = 1}, ["x"])', 'merge(tomap({a = 1}), {b = "x"})',
        "one([])", "one([1])", "one([1, 2])", "one(toset([]))", "one(null)",
        "reverse([1, 2, 3])", "reverse([])", "reverse(toset([1, 2]))",
        "setintersection(toset([1, 2]), toset([2, 3]))", 'setintersection(["a"], ["a", "b"])',
        "setproduct([\"a\", \"b\"], [1, 2])", "setproduct()", "setproduct([], [1])",
        "setsubtract([1, 2], [2])", 'setunion(["a"], ["b"], ["a"])', "setunion([1], [\"1\"])",
        "slice([1, 2, 3, 4], 1, 3)", "slice([1, 2], 2, 1)", "slice([1, 2], 0, 5)", "slice([], 0, 0)",
        'sort(["b", "a", "10", "9"])', "sort([3, 1, 2])", "sort([])", 'sort(["a", null])',
        "sum([1, 2, 3])", 'transpose({a = ["1", "2"], b = ["2"]})', "transpose({})",
        'transpose({a = [1]})', 'zipmap(["a", "b"], [1, 2])', 'zipmap(["a"], [1, 2])',
        'zipmap(["a", "a"], [1, 2])', "zipmap([], [])", 'zipmap([1], ["x"])',
        "alltrue([])", "anytrue([])", 'alltrue(["true", true])', "alltrue([true, null])",
        "anytrue([null, true])", "list()", "map()", "[for x in [1, 2] : x * 2]",
        "{for x in [\"a\", \"b\"] : x => upper(x)}", '{for x in ["a", "a"] : x => x...}',
        '{for x in ["a", "a"] : x => x}', "[for k, v in {a = 1} : \"${k}${v}\"]",
        "[for i, v in [\"a\"] : i]", "[for x in [1, 2, 3] : x if x > 1]",
        "[for x in toset([\"b\", \"a\"]) : x]", "{for k, v in {b = 1, a = 2} : v => k}",
        "[for x in null : x]", "[for x in 1 : x]", "{for x in [1] : x => x}",
        "[for x in [1, \"a\"] : x]", "{for x in [1, 2] : \"k\" => x...}",
        "[{a = 1}, {a = 2}][*].a", "[{a = 1}, {a = 2}].*.a", "{a = 1}[*]", "null[*]", "[1][*]",
        "[[1, 2], [3]][*][0]", "tolist([{a = 1}])[*].a", "toset([{a = 1}])[*].a",
        "[1, 2][0]", "[1, 2][2]", "[1, 2][-1]", '[1, 2]["0"]', '{a = 1}["a"]', "{a = 1}.a",
        "{a = 1}.b", '{a = 1}["b"]', "[1, 2][1.5]", "null[0]", "{a = {b = [1]}}.a.b[0]",
        '{"a b" = 1}', "{(\"x\") = 1}", "{1 = 2}", "{true = 1}", "{null = 1}", "{a = 1, a = 2}",
        "[...[1]]", "max([1, 5]...)", "max(toset([1, 5])...)", "max({a = 1}...)",
    ],
    "conversion": [
        'tobool("true")', 'tobool("false")', 'tobool("yes")', "tobool(1)", "tobool(null)",
        'tostring(true)', "tostring(null)", "tostring([])", "tostring(1.50)", 'tonumber("1.50")',
        "tonumber(true)", "tonumber(null)", 'tolist("a")', "tolist(null)", "tolist({a = 1})",
        "tomap([])", "tomap(null)", "toset(null)", 'tomap({a = {b = 1}, c = {d = "x"}})',
        'tomap({a = [1], b = ["x"]})', "tolist([[1], [\"a\"]])", "tolist([{a = 1}, {a = \"x\"}])",
        "tolist([{a = 1}, {b = 1}])", "tolist([[], [1]])", "tolist([{}, {a = 1}])",
        'tolist([tolist(["a"]), [1]])', "can(1 / 0)", "can(tonumber(\"x\"))", "can([][0])",
        'try(tonumber("x"), 0)', "try([][0], \"none\")", "try(1, \"x\")", "try()",
        "try(local.undeclared, \"x\")", "can(local.undeclared)", "try(var.nope, 1)",
        'nonsensitive("x")', 'issensitive(sensitive("x"))', 'sensitive(sensitive(1))',
        'sensitive("x") == "x"', 'length(sensitive([1, 2]))', 'upper(sensitive("x"))',
        'tostring(sensitive(1))', '[sensitive(1), 2]', 'jsonencode(sensitive({a = 1}))',
        'nonsensitive(sensitive("x"))', "type(1)", "ephemeralasnull(1)",
        'tolist(toset(["b", "a"]))', 'tomap({"1" = 1})', "tostring(-0)", 'tonumber("-0")',
        'tobool("TRUE")', 'tobool(" true")', "tostring(1e21)", "tostring(0.000001)",
    ],
    "encoding": [
        'base64gzip("hello")', 'base64gzip("")', 'base64decode("aGVsbG8=")', 'base64decode("aGVsbG8")',
        'base64decode("!!")', 'base64decode("/w==")', 'base64encode("✓")', 'textencodebase64("hello", "UTF-16LE")',
        'textencodebase64("hello", "UTF-8")', 'textencodebase64("x", "NOPE")',
        'textdecodebase64("aABlAGwAbABvAA==", "UTF-16LE")', 'textdecodebase64("aGVsbG8=", "ISO-8859-1")',
        'urlencode("Hello World!")', 'urlencode("a/b?c=d&e=f")', 'urlencode("é~-_.")', 'urlencode("")',
        'jsonencode({b = 1, a = [true, null, "x"]})', 'jsonencode("<>&")', 'jsonencode("\\u2028")',
        'jsonencode("é")', 'jsonencode(toset(["b", "a"]))', "jsonencode(null)", 'jsonencode(tomap({}))',
        'jsondecode("{\\"a\\": 1, \\"b\\": [1, \\"x\\"]}")', 'jsondecode("[1, \\"a\\"]")', 'jsondecode("")',
        'jsondecode("{")', 'jsondecode("null")', 'jsondecode("1 2")', 'jsondecode("\\"\\\\u00e9\\"")',
        'jsondecode("{\\"a\\": 1, \\"a\\": 2}")', 'jsondecode("1.5e3")', 'jsondecode("12345678901234567890")',
        'yamldecode("yes")', 'yamldecode("no")', 'yamldecode("on")', 'yamldecode("True")',
        'yamldecode("~")', 'yamldecode("")', 'yamldecode("1.0")', 'yamldecode("0x10")', 'yamldecode("0o10")',
        'yamldecode("010")', 'yamldecode("1e3")', 'yamldecode(".inf")', 'yamldecode(".nan")',
        'yamldecode("a: &x 1\\nb: *x")', 'yamldecode("- a\\n- b")', 'yamldecode("a: [1, \\"x\\"]")',
        'yamldecode("{a: 1}")', 'yamldecode("!!str 1")', 'yamldecode("2001-12-14")', 'yamldecode("a: b: c")',
        'yamldecode("---\\na: 1\\n---\\nb: 2")', 'yamldecode("\\"x\\"")', "yamldecode(\"'x'\")",
        'yamldecode("a:\\n  - 1\\n  - 2")', 'yamldecode("null")', 'yamldecode("Null")', 'yamldecode("+1")',
        'yamlencode("a\\nb")', 'yamlencode("a\\nb\\n")', 'yamlencode({a = "x\\ny", b = [1, "yes"]})',
        'yamlencode("yes")', 'yamlencode("1")', 'yamlencode("")', 'yamlencode(null)', 'yamlencode([])',
        'yamlencode({})', 'yamlencode(1.5)', 'yamlencode("a: b")', 'yamlencode(" x")', 'yamlencode("é")',
        'yamlencode({b = {c = [1, {d = true}]}, a = null})', 'yamlencode(["- x", "#"])', 'yamlencode(1e21)',
        'csvdecode("a,b\\n1,2\\n3,4")', 'csvdecode("a,b\\n1")', 'csvdecode("")', 'csvdecode("a\\n")',
        'csvdecode("a,a\\n1,2")', 'csvdecode("\\"x,y\\",b\\n1,2")',
        'base64encode(base64gzip("x"))', 'length(base64decode(base64gzip("x")))',
    ],
    "hashes": [
        'md5("hello world")', 'sha1("hello world")', 'sha256("hello world")', 'sha512("")',
        'base64sha256("hello world")', 'base64sha512("hello world")', 'md5("é")',
        'uuidv5("dns", "www.terraform.io")', 'uuidv5("url", "https://www.terraform.io/")',
        'uuidv5("oid", "1.2.3")', 'uuidv5("x500", "CN=x")', 'uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x")',
        'uuidv5("nope", "x")', 'length(uuid())', 'length(bcrypt("x"))', 'sha256(sensitive("x"))',
        'filebase64sha256("/nonexistent")', 'rsadecrypt("x", "y")',
    ],
    "network": [
        'cidrhost("10.12.112.0/20", 16)', 'cidrhost("10.12.112.0/20", 268)', 'cidrhost("10.0.0.0/8", -1)',
        'cidrhost("10.0.0.0/30", 4)', 'cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)',
        'cidrnetmask("172.16.0.0/12")', 'cidrnetmask("fd00::/8")', 'cidrsubnet("172.16.0.0/12", 4, 2)',
        'cidrsubnet("10.1.2.0/24", 4, 15)', 'cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)',
        'cidrsubnet("10.0.0.0/8", 30, 0)', 'cidrsubnet("10.0.0.0/8", 4, 16)', 'cidrsubnet("10.0.0.1/8", 8, 1)',
        'cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)', 'cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)',
        'cidrsubnets("10.0.0.0/8")', 'cidrsubnets("10.0.0.0/30", 1, 1, 1)', 'cidrhost("x", 1)',
        'cidrhost("010.0.0.0/8", 1)', 'cidrnetmask("10.0.0.0/33")', 'cidrsubnet("10.0.0.0/8", 0, 0)',
    ],
    "time": [
        'formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")', 'formatdate("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z")',
        'formatdate("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00")', 'formatdate("MMM DD, YYYY", "2018-01-02T23:12:01Z")',
        'formatdate("HH:mm:ss", "2018-01-02T23:12:01Z")', "formatdate(\"h:mmaa\", \"2018-01-02T23:12:01Z\")",
        "formatdate(\"'quoted' YYYY\", \"2018-01-02T23:12:01Z\")", 'formatdate("Z ZZZZ ZZZZZ", "2018-01-02T23:12:01+05:30")',
        'formatdate("YYYY", "2018-01-02")', 'formatdate("YY M D H m s", "2018-01-02T03:04:05Z")',
        'formatdate("A", "2018-01-02T03:04:05Z")', 'formatdate("YYYY-MM-DD", "2018-01-02T23:12:01.123456Z")',
        'timeadd("2017-11-22T00:00:00Z", "10m")', 'timeadd("2017-11-22T00:00:00Z", "-1h30m")',
        'timeadd("2017-11-22T00:00:00Z", "1.5h")', 'timeadd("2017-11-22T00:00:00Z", "1d")',
        'timeadd("2017-11-22T00:00:00+01:00", "1s")', 'timeadd("2017-11-22T00:00:00Z", "100ms")',
        'timeadd("2017-11-22T00:00:00Z", "")', 'timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")',
        'timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")', 'timecmp("2017-11-22T01:00:00+01:00", "2017-11-22T00:00:00Z")',
        'timecmp("2017-11-22", "2017-11-22T00:00:00Z")', 'formatdate("YYYY", "bad")',
    ],
    "files": [
        'basename("/a/b/c.txt")', 'basename("a/")', 'basename("")', 'dirname("/a/b/c.txt")', 'dirname("a")',
        'dirname("/")', 'dirname("a/b/")', 'pathexpand("/x")', 'abspath("/a/../b")', 'file("/nonexistent/x")',
        'fileexists("/nonexistent/x")', 'fileset("/nonexistent", "*")', 'filebase64("/nonexistent")',
        'templatefile("/nonexistent.tpl", {})', 'basename("C:\\\\x")',
    ],
    "syntax": [
        "1 +", "(1", "[1, 2,]", "{a = 1,}", "{a = 1 b = 2}", "1 ? 2", "a", "var", "local",
        "unknownfn(1)", "upper()", 'upper("a", "b")', "upper(1)", "!1", "-\"1\"", "-\"a\"", "!\"true\"",
        "1 + true", '"a" + 1', '"1" + 1', '"1.5" * 2', "true && \"true\"", '"false" || false',
        "null + 1", "[1] + [2]", "{} + 1", "1 < \"2\"", '"a" < "b"', "1 == true", "!null",
        "heredoc", '"unterminated', "[for x in [1] x]", "{for x in [1] : x}",
        "[for x in [1] : x => x]", "1..2", "1 = 1", "self.x", "count.index", "each.key", "path.module",
        "terraform.workspace", "abc.def", "data.x.y", "module.x", "resource.x",
    ],
}


# Texts long and varied enough that the compressor's choices show (back-references, block kinds,
# Huffman code lengths, a window that slides past 64 KiB), compared through a hash of the result
# so the fixtures stay small.
GZIP_TEXTS = [
    'join(",", range(500))',
    'join(",", flatten([for i in range(20) : range(i * 1000, i * 1000 + 1000)]))',
    'join("\\n", [for i in range(1000) : "line ${i}: the quick brown fox jumps over the lazy dog"])',
    'join("", [for i in range(1000) : sha256(tostring(i))])',
    'join(" ", [for i in range(1000) : element(["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"], parseint(substr(md5(tostring(i)), 0, 4), 16) % 8)])',
    'join("", flatten([for j in range(12) : [for i in range(1000) : element(["alpha", "beta", "ü", "ж", "語", "🎉"], parseint(substr(md5("${j}-${i}"), 0, 4), 16) % 6)]]))',
    'join("", flatten([for j in range(30) : [for i in range(1000) : substr(sha1("${j}/${i}"), 0, parseint(substr(md5("${i}${j}"), 0, 1), 16) % 6)]]))',
    'join("", flatten([for j in range(70) : [for i in range(1000) : substr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,;:!?-_=+()", ((j * 1000 + i) * (j * 1000 + i) * 31 % 95) % 75, 1)]]))',
    'join("", [for i in range(1000) : substr("ab", i % 2, 1)])',
    'jsonencode({for i in range(300) : "key${i}" => {name = "n${i}", value = i * 3, tags = ["a", "b", "c${i % 7}"]}})',
    'join("\\n", [for i in range(700) : jsonencode({id = i, name = "resource-${i % 37}", arn = "arn:aws:s3:::bucket-${sha1(tostring(i % 50))}"})])',
]
CASES["encoding"] += [f"sha256(base64gzip({t}))" for t in GZIP_TEXTS] + [
    'base64gzip("123456789012345678901")', 'base64gzip("abcabcabcabcabcabcabcabcabc")',
    'yamldecode("123456789012345678901")', 'yamldecode("1.00000000000000000000001")', 'yamldecode("-.inf")',
    'yamldecode("1e400")', 'yamldecode("[.inf, -.Inf, +.INF]")', 'yamldecode("a: 1e-400")',
    'jsondecode("[1e400, -1e400, 2]")', 'jsondecode("{\\"a\\": 1e-400}")', 'jsondecode("[01]")',
    'jsondecode("[1e400, 01]")',
]
CASES["strings"] += ['format("%s %d", null, 1)', 'format("%s", "a", null)', 'format("x%s", [null])',
                     'length(timestamp())', 'upper(uuid()) == uuid()']
CASES["hashes"] += ['substr(bcrypt("x"), 0, 7)', 'substr(bcrypt("x", 4), 0, 7)', 'substr(bcrypt("x", 3), 0, 7)', 'bcrypt("x", 32)',
                    'bcrypt("x", 4, 5)', 'bcrypt(join("", [for i in range(73) : "a"]))',
                    'length(bcrypt(join("", [for i in range(72) : "a"]), 4))', 'bcrypt("x") == bcrypt("x")']


def unary(fn, v):
    """One call of a function of one argument; some names stand for a common two-argument form."""
    special = {
        "textencodebase64_utf8": f'textencodebase64({v}, "UTF-8")',
        "type_tostring": f"tostring({v})",
        "try_fallback": f'try({v}, "fallback")',
        "uuidv5_dns": f"uuidv5(\"dns\", {v})",
    }
    return special.get(fn, f"{fn}({v})")


def generated(rng):
    """Expressions built from the same pieces, nested: calls of calls, operators over calls."""
    pieces = [v for v in VALUES if "sensitive" not in v]
    out = []
    wrappers = ["tolist", "toset", "tomap", "tostring", "tonumber", "length", "jsonencode",
                "distinct", "reverse", "flatten", "keys", "values", "compact", "sort"]
    for _ in range(400):
        inner = f"{rng.choice(wrappers)}({rng.choice(pieces)})"
        out.append(f"{rng.choice(wrappers)}({inner})")
    for _ in range(200):
        a, b = rng.choice(pieces), rng.choice(pieces)
        out.append(f"[{a}, {b}]")
        out.append(f"true ? {a} : {b}")
    for _ in range(150):
        a, b = rng.choice(pieces), rng.choice(pieces)
        out.append(f"concat([{a}], [{b}])")
        out.append(f"merge({{x = {a}}}, {{y = {b}}})")
    return out


def corpus():
    rows = []
    for cls, exprs in CASES.items():
        rows += [(cls, e) for e in exprs]
    rows += [("functions", unary(f, v)) for f, v in itertools.product(UNARY, VALUES)]
    rows += [("operators", f"{a} {op} {b}") for op in BINARY for a, b in itertools.product(OPERANDS, OPERANDS)]
    rows += [("generated", e) for e in generated(random.Random(26))]
    seen, unique = set(), []
    for cls, e in rows:
        if e not in seen:
            seen.add(e)
            unique.append((cls, e))
    return unique


def main():
    rows = corpus()
    for _, e in rows:
        assert "\t" not in e and "\n" not in e, e
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{c}\t{e}\n" for c, e in rows)
    OUT.write_text(text, encoding="utf-8")
    print(f"{len(text.splitlines())} expressions written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
