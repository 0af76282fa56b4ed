//! Unit tests of the script interpreter: each construct, error positions,
//! and the bounds.

use super::*;

/// The default limits, but time: a test asserts which bound stops a
/// script, and a loaded machine must not change the answer.
fn limits() -> Limits {
    Limits {
        time: std::time::Duration::from_secs(3_600),
        ..Limits::default()
    }
}

/// Run `body` with `scope` = `text` and return `matches` as
/// (begin, end, message) triples.
fn run(body: &str, text: &str) -> Vec<(usize, usize, Option<String>)> {
    run_with(body, text, limits()).unwrap_or_else(|e| panic!("{e}"))
}

fn run_with(
    body: &str,
    text: &str,
    limits: Limits,
) -> Result<Vec<(usize, usize, Option<String>)>, ScriptError> {
    let script = Script::compile(body)?;
    Ok(script
        .run(text, limits)?
        .into_iter()
        .map(|m| (m.begin, m.end, m.message))
        .collect())
}

/// The value of expression `expr`, as text, through a match's message.
fn value(expr: &str) -> String {
    let body = format!(
        "text := import(\"text\")\nmatches := [{{begin: 0, end: 0, message: string({expr})}}]"
    );
    run(&body, "")[0]
        .2
        .clone()
        .unwrap_or_else(|| "<undefined>".to_owned())
}

fn failure(body: &str) -> ScriptError {
    match run_with(body, "some text", limits()) {
        Ok(found) => panic!("expected an error, got {found:?}"),
        Err(error) => error,
    }
}

#[test]
fn literals_and_arithmetic() {
    assert_eq!(value("1 + 2 * 3 - 4 / 2"), "5");
    assert_eq!(value("7 % 3"), "1");
    assert_eq!(value("-7 / 2"), "-3");
    assert_eq!(value("1.5 + 1"), "2.5");
    assert_eq!(value("0x10 + 0b11 + 0o7"), "26");
    assert_eq!(value("\"a\\tb\" + `c\\n`"), "a\tbc\\n");
    assert_eq!(value("'x'"), "x");
    assert_eq!(value("'a' + 1"), "b");
    assert_eq!(value("\"n=\" + 3"), "n=3");
    assert_eq!(value("[1, \"two\"]"), "[1, \"two\"]");
    assert_eq!(value("{b: 2, \"a\": 1}"), "{a: 1, b: 2}");
    assert_eq!(value("[1] + [2, 3]"), "[1, 2, 3]");
    assert_eq!(value("undefined"), "<undefined>");
    assert_eq!(value("true && 0"), "0");
    assert_eq!(value("0 || \"x\""), "x");
    assert_eq!(value("!\"\""), "true");
    assert_eq!(value("3 > 2 ? \"yes\" : \"no\""), "yes");
    assert_eq!(value("1 == 1.0"), "false");
    assert_eq!(value("[1, [2]] == [1, [2]]"), "true");
    assert_eq!(value("\"abc\" < \"abd\""), "true");
    assert_eq!(value("1 << 4 | 1"), "17");
}

#[test]
fn variables_blocks_and_assignment() {
    let body = r#"
        x := 1
        x += 4
        x -= 2
        x *= 3
        x++
        s := "a"
        s += "b"
        m := {count: 0}
        m.count += 2
        m["other"] = "o"
        a := [0, 0]
        a[1] = 9
        {
            x := 100 // shadows in this block only
            x++
        }
        matches := [{begin: 0, end: 0, message: string(x) + s + string(m.count) + m.other + string(a[1])}]
    "#;
    assert_eq!(run(body, "")[0].2.as_deref(), Some("10ab2o9"));
}

#[test]
fn control_flow() {
    let body = r#"
        out := ""
        for i := 0; i < 10; i++ {
            if i == 2 { continue }
            if i > 4 { break }
            out += string(i)
        }
        n := 0
        for n < 3 { n++ }
        for v in ["a", "b"] { out += v }
        for i, v in ["c", "d"] { out += string(i) + v }
        for k, v in {y: 1, x: 2} { out += k + string(v) }
        for i, c in "hé" { out += string(i) + string(c) }
        if n == 1 {
            out += "one"
        } else if n == 3 {
            out += "three"
        } else {
            out += "other"
        }
        if y := n * 2; y == 6 { out += "six" }
        for { break }
        matches := [{begin: 0, end: 0, message: out}]
    "#;
    assert_eq!(
        run(body, "")[0].2.as_deref(),
        Some("0134ab0c1dx2y10h1éthreesix")
    );
}

#[test]
fn functions_and_closures() {
    let body = r#"
        add := func(a, b) { return a + b }
        counter := 0
        bump := func() { counter++ }
        bump()
        bump()
        fib := func(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }
        matches := [{begin: 0, end: 0, message: string(add(2, 3)) + string(counter) + string(fib(10))}]
    "#;
    assert_eq!(run(body, "")[0].2.as_deref(), Some("5255"));
}

#[test]
fn builtins() {
    assert_eq!(value("len(\"héllo\")"), "6");
    assert_eq!(value("len([1, 2]) + len({a: 1})"), "3");
    assert_eq!(value("append([1], 2, 3)"), "[1, 2, 3]");
    assert_eq!(value("int(\"42\") + int(2.9)"), "44");
    assert_eq!(value("int(\"x\", -1)"), "-1");
    assert_eq!(value("type_name({})"), "map");
    assert_eq!(value("is_string(\"a\") && !is_int(\"a\")"), "true");
    assert_eq!(value("\"hello\"[1:3] + \"hello\"[4:]"), "elo");
    assert_eq!(value("[1, 2, 3][:2]"), "[1, 2]");
    assert_eq!(value("\"héllo\"[1]"), "é");
    // Reading past the end, or into undefined, is undefined (as in Tengo).
    assert_eq!(
        value("is_undefined([1][5]) && is_undefined(undefined[0].x)"),
        "true"
    );
    // Arrays and maps are shared, as in Tengo; copy() is not.
    let body = r#"
        a := [1]
        b := a
        b[0] = 2
        c := copy(a)
        c[0] = 3
        m := {k: 1}
        delete(m, "k")
        matches := [{begin: 0, end: 0, message: string(a[0]) + string(c[0]) + string(len(m))}]
    "#;
    assert_eq!(run(body, "")[0].2.as_deref(), Some("230"));
}

#[test]
fn the_text_module() {
    assert_eq!(
        value("text.split(\"a,b,,c\", \",\")"),
        "[\"a\", \"b\", \"\", \"c\"]"
    );
    assert_eq!(
        value("text.split_n(\"a,b,c\", \",\", 2)"),
        "[\"a\", \"b,c\"]"
    );
    assert_eq!(value("text.split_after(\"a,b\", \",\")"), "[\"a,\", \"b\"]");
    assert_eq!(
        value("text.fields(\"  a b\\n c \")"),
        "[\"a\", \"b\", \"c\"]"
    );
    assert_eq!(value("text.has_prefix(\"# Title\", \"#\")"), "true");
    assert_eq!(value("text.has_suffix(\"x.md\", \".txt\")"), "false");
    assert_eq!(value("text.index(\"héllo\", \"l\")"), "3");
    assert_eq!(value("text.last_index(\"hello\", \"l\")"), "3");
    assert_eq!(value("text.index(\"hello\", \"z\")"), "-1");
    assert_eq!(value("text.contains(\"hello\", \"ell\")"), "true");
    assert_eq!(value("text.trim_space(\" \\t x \\n\")"), "x");
    assert_eq!(value("text.trim(\"--x--\", \"-\")"), "x");
    assert_eq!(value("text.replace(\"aaa\", \"a\", \"b\", 2)"), "bba");
    assert_eq!(value("text.replace(\"aaa\", \"a\", \"b\", -1)"), "bbb");
    assert_eq!(value("text.to_lower(\"ÀB\") + text.to_upper(\"c\")"), "àbC");
    assert_eq!(value("text.join([\"a\", \"b\"], \"-\")"), "a-b");
    assert_eq!(value("text.repeat(\"ab\", 3)"), "ababab");
    assert_eq!(value("text.count(\"cheese\", \"e\")"), "3");
    assert_eq!(value("text.substr(\"hello\", 1, 3)"), "el");
    assert_eq!(value("text.pad_left(\"7\", 3, \"0\")"), "007");
    assert_eq!(value("text.atoi(\"12\") + 1"), "13");
    assert_eq!(value("text.format_int(255, 16)"), "ff");
    assert_eq!(value("text.title(\"hello world\")"), "Hello World");
    assert_eq!(value("text.re_match(\"^[a-z]+$\", \"abc\")"), "true");
    assert_eq!(
        value("text.re_replace(\"(\\\\w+)@(\\\\w+)\", \"me@home you@work\", \"$2:$1\")"),
        "home:me work:you"
    );
    assert_eq!(
        value("text.re_replace(\"(?s) *(\\n```.*?```\\n)\", \"a\\n```\\ncode\\n```\\nb\", \"\")"),
        "ab"
    );
    assert_eq!(
        value("text.re_find(\"(b)(x)?\", \"abc\")"),
        "[[{begin: 1, end: 2, text: \"b\"}, {begin: 1, end: 2, text: \"b\"}, {begin: -1, end: -1, text: \"\"}]]"
    );
    assert_eq!(
        value("text.re_find(\"a\", \"aXa\", -1)"),
        "[[{begin: 0, end: 1, text: \"a\"}], [{begin: 2, end: 3, text: \"a\"}]]"
    );
    assert_eq!(value("text.re_find(\"z\", \"abc\")"), "<undefined>");
    assert_eq!(
        value("text.re_split(\"\\\\s*,\\\\s*\", \"a , b,c\")"),
        "[\"a\", \"b\", \"c\"]"
    );
    // A bad pattern is an error value, as in Tengo, not a crash.
    assert_eq!(value("is_error(text.re_match(\"(\", \"x\"))"), "true");
}

#[test]
fn the_math_and_fmt_modules() {
    let with = |expr: &str| {
        let body = format!(
            "math := import(\"math\")\nfmt := import(\"fmt\")\nmatches := [{{begin: 0, end: 0, message: string({expr})}}]"
        );
        run(&body, "")[0].2.clone().unwrap_or_default()
    };
    assert_eq!(with("math.floor(2.7) + math.sqrt(16) + math.abs(-1)"), "7");
    assert_eq!(with("math.max(2, 3.5)"), "3.5");
    assert_eq!(with("math.pi > 3.14 && math.pi < 3.15"), "true");
    assert_eq!(with("math.is_nan(math.nan())"), "true");
    assert_eq!(
        with("fmt.sprintf(\"%d of %s: %.2f%% %q %v\", 3, \"ten\", 30.0, \"x\", [1])"),
        "3 of ten: 30.00% \"x\" [1]"
    );
    assert_eq!(with("fmt.sprintf(\"%d\", \"a\")"), "%!d(string=a)");
    assert_eq!(with("fmt.sprintf(\"%s and %s\", 1)"), "1 and %!s(MISSING)");
    // Printing goes nowhere, and says nothing.
    assert_eq!(with("is_undefined(fmt.println(\"debug\"))"), "true");
    let error = failure("math := import(\"math\")\nx := math.nope(1)");
    assert!(
        error
            .message
            .contains("math.nope is not in Tengo's math module"),
        "{error}"
    );
}

#[test]
fn matches_are_read_as_vale_reads_them() {
    let body = r#"
        text := import("text")
        matches := []
        for line in text.split(scope, "\n") {
            if text.has_prefix(line, "TODO") {
                start := text.index(scope, line)
                matches = append(matches, {begin: start, end: start + len(line)})
            }
        }
        matches = append(matches, {begin: 0, end: 2, message: "custom"})
    "#;
    let text = "intro\nTODO one\nbody\nTODO two";
    assert_eq!(
        run(body, text),
        [
            (6, 14, None),
            (20, 28, None),
            (0, 2, Some("custom".to_owned()))
        ]
    );
    // No `matches` at all is no matches.
    assert_eq!(run("x := 1", text), []);
    // An offset outside the text is an error, not a crash.
    let error = run_with("matches := [{begin: 0, end: 99}]", "short", limits()).unwrap_err();
    assert!(
        error.message.contains("end 99 is outside the text"),
        "{error}"
    );
    let error = run_with("matches := [{begin: \"0\", end: 1}]", "short", limits()).unwrap_err();
    assert!(error.message.contains("begin must be an int"), "{error}");
    // An offset inside a character takes the whole character.
    assert_eq!(run("matches := [{begin: 1, end: 2}]", "é!"), [(0, 2, None)]);
}

#[test]
fn compile_errors_name_line_and_column() {
    let error = failure("x := 1\ny := z + 1");
    assert_eq!(
        (error.kind, error.pos.line, error.pos.column),
        (ErrorKind::Compile, 2, 6)
    );
    assert!(
        error.message.contains("unresolved reference “z”"),
        "{error}"
    );
    let error = failure("x := 1\nx := 2");
    assert!(error.message.contains("redeclared"), "{error}");
    assert_eq!(error.pos.line, 2);
    let error = failure("if x := 1 {\n}");
    assert_eq!(error.kind, ErrorKind::Compile);
    let error = failure("x := [1, 2");
    assert_eq!(error.pos.line, 1);
    assert!(error.message.contains("expected"), "{error}");
    let error = failure("break");
    assert!(error.message.contains("outside a loop"), "{error}");
    let error = failure("y = 3");
    assert!(
        error.message.contains("unresolved reference “y”"),
        "{error}"
    );
}

#[test]
fn only_the_text_module_is_available() {
    for module in ["os", "times", "rand"] {
        let error = failure(&format!("m := import(\"{module}\")"));
        assert_eq!(error.kind, ErrorKind::Compile);
        assert!(error.message.contains("refused"), "{error}");
        assert!(error.message.contains(module), "{error}");
    }
    let error = failure("m := import(\"json\")");
    assert!(error.message.contains("not supported"), "{error}");
    let error = failure("text := import(\"text\")\n\nx := text.no_such_thing(scope)");
    assert_eq!((error.pos.line, error.pos.column), (3, 6));
    assert!(error.message.contains("text.no_such_thing"), "{error}");
}

#[test]
fn runtime_errors_name_the_place() {
    let error = failure("a := [1]\na[5] = 2");
    assert_eq!((error.kind, error.pos.line), (ErrorKind::Runtime, 2));
    assert!(error.message.contains("out of bounds"), "{error}");
    let error = failure("x := 1 / 0");
    assert!(error.message.contains("division by zero"), "{error}");
    let error = failure("x := 1 + \"a\"");
    assert!(
        error.message.contains("invalid operation: int + string"),
        "{error}"
    );
    let error = failure("f := 3\nf()");
    assert!(error.message.contains("cannot be called"), "{error}");
}

#[test]
fn an_endless_loop_is_stopped() {
    let error = failure("for {}");
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("10000000 steps"), "{error}");
    let error = failure("i := 0\nfor i >= 0 { i++ }");
    assert_eq!(error.kind, ErrorKind::Limit);
    // A small budget stops sooner; a script within it runs.
    let limits = Limits {
        steps: 1_000,
        ..limits()
    };
    assert!(run_with("for i := 0; i < 10; i++ {}", "", limits).is_ok());
    let error = run_with("for i := 0; i < 1000; i++ {}", "", limits).unwrap_err();
    assert!(error.message.contains("1000 steps"), "{error}");
    // Time is a backstop: with none at all, the first reading stops it.
    let no_time = Limits {
        time: std::time::Duration::ZERO,
        ..limits
    };
    let error = run_with(
        "x := 0\nfor {\n  x++\n}",
        "",
        Limits {
            steps: 1_000_000,
            ..no_time
        },
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("ran longer than 0 s"), "{error}");
    assert!(error.pos.line >= 2, "{error}");
}

#[test]
fn work_inside_text_functions_counts() {
    // Few statements, but each scans a long text: the steps add up.
    let body =
        "text := import(\"text\")\nfor i := 0; i < 100000; i++ { text.index(scope, \"needle\") }";
    let text = "hay ".repeat(100_000);
    let error = run_with(body, &text, limits()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit, "{error}");
}

#[test]
fn a_string_doubled_in_a_loop_is_stopped() {
    let error = failure("s := \"x\"\nfor { s += s }");
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("64 MiB"), "{error}");
    assert_eq!(error.pos.line, 2);
    let error = failure("text := import(\"text\")\nx := text.repeat(\"ab\", 1000000000)");
    assert_eq!(error.kind, ErrorKind::Limit);
    let error = failure("a := [1]\nfor { a = a + a }");
    assert_eq!(error.kind, ErrorKind::Limit);
    let error = failure(
        "text := import(\"text\")\ns := text.repeat(\"a\", 1000000)\nfor { s = text.replace(s, \"a\", \"aa\", -1) }",
    );
    assert_eq!(error.kind, ErrorKind::Limit);
    // Splitting a long text into characters would need more than the limit
    // for the array alone: stopped before every part is made.
    let error = failure(
        "text := import(\"text\")\ns := text.repeat(\"ab\", 5000000)\nparts := text.split(s, \"\")",
    );
    assert_eq!(error.kind, ErrorKind::Limit);
    assert_eq!(error.pos.line, 3);
}

#[test]
fn deep_nesting_is_refused_not_a_crash() {
    let deep = format!("x := {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let error = failure(&deep);
    assert_eq!(error.kind, ErrorKind::Compile);
    assert!(error.message.contains("nests more than"), "{error}");
    let deep = format!("x := {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(failure(&deep).kind, ErrorKind::Compile);
    // A long sum is a deep tree too (each `+` holds the sum before it).
    let deep = format!("x := 1{}", " + 1".repeat(10_000));
    assert_eq!(failure(&deep).kind, ErrorKind::Compile);
    assert!(Script::compile(&format!("x := 1{}", " + 1".repeat(30))).is_ok());
    let deep = format!("x := {}1", "-".repeat(10_000));
    assert_eq!(failure(&deep).kind, ErrorKind::Compile);
    let deep = format!("{}{}", "if true {".repeat(10_000), "}".repeat(10_000));
    assert_eq!(failure(&deep).kind, ErrorKind::Compile);
    let deep = format!("m := {{}}\nx := m{}", ".a".repeat(10_000));
    assert_eq!(failure(&deep).kind, ErrorKind::Compile);
    // Just inside the limit it runs (the evaluator follows the same tree).
    let inside = parse::MAX_DEPTH - 1;
    let ok = format!("x := {}1{}", "(".repeat(inside), ")".repeat(inside));
    assert!(run_with(&ok, "", limits()).is_ok());
}

#[test]
fn deep_recursion_is_stopped() {
    let error = failure("f := func(n) { return f(n + 1) }\nf(0)");
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("256 function calls"), "{error}");
    // Calls that each nest deeply meet the evaluation depth first.
    let inner = format!("{}f(n + 1){}", "(1 + ".repeat(20), ")".repeat(20));
    let body = format!("f := func(n) {{ if n > 200 {{ return 0 }}\nreturn {inner} }}\nf(0)");
    let error = failure(&body);
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("levels of evaluation"), "{error}");
    // Within both, recursion works.
    assert!(
        run_with(
            "f := func(n) { return n == 0 ? 0 : f(n - 1) }\nx := f(200)",
            "",
            limits()
        )
        .is_ok()
    );
}

#[test]
fn values_nested_a_million_deep_or_shared_stay_bounded() {
    // Dropping a deeply nested array does not recurse (it would overflow
    // any stack), during the run or after it.
    let body = "a := []\nfor i := 0; i < 300000; i++ { a = [a] }\na = 0\nb := []\nfor i := 0; i < 300000; i++ { b = [b] }";
    assert!(run_with(body, "", limits()).is_ok());
    // A chain of closures, each holding the one before.
    let body = "f := func() { return 0 }\nfor i := 0; i < 300000; i++ { g := f\nf = func() { return g() } }\nf = 0";
    assert!(run_with(body, "", limits()).is_ok());
    // An array that shares its halves doubles in print at each step: the
    // text is cut, not built forever.
    let body = "a := [\"x\"]\nfor i := 0; i < 40; i++ { a = [a, a] }\ns := string(a)\nmatches := [{begin: 0, end: 0, message: string(len(s) < 5000000)}]";
    assert_eq!(run(body, "")[0].2.as_deref(), Some("true"));
    // Comparing such values runs out of steps instead of forever.
    let body =
        "a := [1]\nb := [1]\nfor i := 0; i < 60; i++ { a = [a, a]\nb = [b, b] }\nx := a == b";
    assert_eq!(failure(body).kind, ErrorKind::Limit);
    // Values that hold each other compare to a depth, then stop.
    let body = "a := [0]\nb := [a]\na[0] = b\nc := [0]\nd := [c]\nc[0] = d\nx := a == c";
    let error = failure(body);
    assert_eq!(error.kind, ErrorKind::Limit);
    assert!(error.message.contains("nest too deeply"), "{error}");
    // And print to a depth.
    let body = "a := [0]\na[0] = a\nmatches := [{begin: 0, end: 0, message: string(a)}]";
    assert!(
        run(body, "")[0]
            .2
            .as_deref()
            .is_some_and(|s| s.contains("[...]"))
    );
}

#[test]
fn a_script_in_the_style_people_write() {
    // Helpers as closures over the module, fenced code blanked out with
    // spaces (so offsets keep), a walk back over characters, `if` with an
    // init statement, and per-match messages.
    let body = r#"
text := import("text")

matches := []

blank := func(said, pattern) {
  found := text.re_find(pattern, said, -1)
  if is_undefined(found) { return said }
  out := ""
  at := 0
  for one in found {
    m := one[0]
    out += said[at:m.begin] + text.repeat(" ", m.end - m.begin)
    at = m.end
  }
  return out + said[at:]
}

starts_sentence := func(said, at) {
  i := at - 1
  for i >= 0 {
    c := said[i:i+1]
    if c == " " || c == "\n" { i-- ; continue }
    return c == "." || c == "!" || c == "?"
  }
  return true
}

said := blank(scope, "(?s)```.*?```")
for part in text.re_split(`\n\n+`, said, -1) {
  if n := len(text.fields(part)); n > 12 {
    at := text.index(said, part)
    matches = append(matches, {begin: at, end: at + len(part), message: "Paragraph of " + string(n) + " words"})
  }
}
words := text.re_find(`[A-Za-z]+`, said, -1)
for one in words {
  m := one[0]
  if m.text == "Vale" && !starts_sentence(said, m.begin) {
    matches = append(matches, {begin: m.begin, end: m.end})
  }
}
"#;
    let text = "Short one.\n\n```\nVale inside code is blanked\n```\n\nWe run Vale here. Vale starts this sentence, and this paragraph has many words.\n";
    let found = run(body, text);
    let long = text.find("We run").unwrap();
    let vale = text.find("run Vale").unwrap() + 4;
    assert_eq!(
        found,
        [
            (long, text.len(), Some("Paragraph of 14 words".to_owned())),
            (vale, vale + 4, None)
        ]
    );
}
