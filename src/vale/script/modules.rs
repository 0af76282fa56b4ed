//! The modules a script may import, as Vale allows them: `text` (see
//! [`super::text_module`]), `math` and `fmt`. Nothing here reads or writes
//! anything outside the run: `fmt`'s print functions print nothing (Vale's
//! output is its report, and a script has no say in it).

use super::eval::{Interp, Value};
use super::{Pos, ScriptError, text_module};

/// The modules, by the name `import` takes.
pub const MODULES: &[&str] = &["text", "math", "fmt"];

const MATH_FUNCTIONS: &[&str] = &[
    "abs",
    "acos",
    "asin",
    "atan",
    "atan2",
    "cbrt",
    "ceil",
    "cos",
    "cosh",
    "exp",
    "exp2",
    "floor",
    "hypot",
    "inf",
    "is_inf",
    "is_nan",
    "log",
    "log10",
    "log1p",
    "log2",
    "max",
    "min",
    "mod",
    "nan",
    "pow",
    "pow10",
    "remainder",
    "signbit",
    "sin",
    "sinh",
    "sqrt",
    "tan",
    "tanh",
    "trunc",
];

const MATH_CONSTANTS: &[(&str, f64)] = &[
    ("e", std::f64::consts::E),
    ("pi", std::f64::consts::PI),
    ("phi", 1.618_033_988_749_895),
    ("sqrt2", std::f64::consts::SQRT_2),
    ("sqrtE", 1.648_721_270_700_128_2),
    ("sqrtPi", 1.772_453_850_905_516),
    ("ln2", std::f64::consts::LN_2),
    ("log2E", std::f64::consts::LOG2_E),
    ("ln10", std::f64::consts::LN_10),
    ("log10E", std::f64::consts::LOG10_E),
];

const FMT_FUNCTIONS: &[&str] = &["print", "printf", "println", "sprintf"];

/// Whether `module` has `member`.
pub fn has(module: &str, member: &str) -> bool {
    match module {
        "text" => text_module::FUNCTIONS.contains(&member),
        "math" => {
            MATH_FUNCTIONS.contains(&member) || MATH_CONSTANTS.iter().any(|(n, _)| *n == member)
        }
        "fmt" => FMT_FUNCTIONS.contains(&member),
        _ => false,
    }
}

/// `module.member`: a function, or one of `math`'s constants.
pub fn member(module: &'static str, member: &str) -> Option<Value> {
    if let Some((_, value)) = MATH_CONSTANTS
        .iter()
        .find(|(n, _)| module == "math" && *n == member)
    {
        return Some(Value::Float(*value));
    }
    let functions = match module {
        "text" => text_module::FUNCTIONS,
        "math" => MATH_FUNCTIONS,
        "fmt" => FMT_FUNCTIONS,
        _ => return None,
    };
    functions
        .iter()
        .find(|f| **f == member)
        .map(|name| Value::ModFn(module, name))
}

/// Call `module.name` with `args`.
pub fn call(
    interp: &mut Interp,
    module: &str,
    name: &'static str,
    args: Vec<Value>,
    pos: Pos,
) -> Result<Value, ScriptError> {
    match module {
        "text" => text_module::call(interp, name, args, pos),
        "math" => math(name, &args, pos),
        _ => fmt(interp, name, &args, pos),
    }
}

fn math(name: &str, args: &[Value], pos: Pos) -> Result<Value, ScriptError> {
    let wrong = |what: String| ScriptError::runtime(pos, format!("math.{name}: {what}"));
    let float = |i: usize| -> Result<f64, ScriptError> {
        match args.get(i) {
            Some(Value::Int(n)) => Ok(*n as f64),
            Some(Value::Float(f)) => Ok(*f),
            Some(other) => Err(wrong(format!(
                "invalid type for argument {}: expected float(compatible), found {}",
                i + 1,
                other.type_name()
            ))),
            None => Err(wrong("wrong number of arguments".to_owned())),
        }
    };
    let int = |i: usize| -> Result<i64, ScriptError> {
        match args.get(i) {
            Some(Value::Int(n)) => Ok(*n),
            Some(other) => Err(wrong(format!(
                "invalid type for argument {}: expected int, found {}",
                i + 1,
                other.type_name()
            ))),
            None => Err(wrong("wrong number of arguments".to_owned())),
        }
    };
    let two = matches!(
        name,
        "atan2" | "hypot" | "max" | "min" | "mod" | "pow" | "remainder" | "is_inf"
    );
    let wanted = match name {
        "nan" => 0,
        "inf" | "pow10" => 1,
        _ if two => 2,
        _ => 1,
    };
    if args.len() != wanted {
        return Err(wrong(format!(
            "wrong number of arguments: want={wanted}, got={}",
            args.len()
        )));
    }
    Ok(Value::Float(match name {
        "nan" => f64::NAN,
        "inf" => {
            if int(0)? >= 0 {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            }
        }
        "pow10" => 10f64.powi(int(0)?.clamp(-400, 400) as i32),
        "is_nan" => return Ok(Value::Bool(float(0)?.is_nan())),
        "signbit" => return Ok(Value::Bool(float(0)?.is_sign_negative())),
        "is_inf" => {
            let (f, sign) = (float(0)?, int(1)?);
            return Ok(Value::Bool(
                (sign >= 0 && f == f64::INFINITY) || (sign <= 0 && f == f64::NEG_INFINITY),
            ));
        }
        "atan2" => float(0)?.atan2(float(1)?),
        "hypot" => float(0)?.hypot(float(1)?),
        "max" => float(0)?.max(float(1)?),
        "min" => float(0)?.min(float(1)?),
        "mod" => float(0)? % float(1)?,
        "remainder" => {
            let (x, y) = (float(0)?, float(1)?);
            x - (x / y).round_ties_even() * y
        }
        "pow" => float(0)?.powf(float(1)?),
        other => {
            let x = float(0)?;
            match other {
                "abs" => x.abs(),
                "acos" => x.acos(),
                "asin" => x.asin(),
                "atan" => x.atan(),
                "cbrt" => x.cbrt(),
                "ceil" => x.ceil(),
                "cos" => x.cos(),
                "cosh" => x.cosh(),
                "exp" => x.exp(),
                "exp2" => x.exp2(),
                "floor" => x.floor(),
                "log" => x.ln(),
                "log10" => x.log10(),
                "log1p" => x.ln_1p(),
                "log2" => x.log2(),
                "sin" => x.sin(),
                "sinh" => x.sinh(),
                "sqrt" => x.sqrt(),
                "tan" => x.tan(),
                "tanh" => x.tanh(),
                _ => x.trunc(),
            }
        }
    }))
}

fn fmt(interp: &mut Interp, name: &str, args: &[Value], pos: Pos) -> Result<Value, ScriptError> {
    if name != "sprintf" {
        // Printing goes nowhere: see the module docs.
        return Ok(Value::Undefined);
    }
    let Some(Value::Str(format)) = args.first() else {
        return Err(ScriptError::runtime(
            pos,
            "fmt.sprintf: the first argument must be a format string",
        ));
    };
    let text = sprintf(format, &args[1..]);
    interp.new_str(text, pos)
}

/// Go's `fmt.Sprintf` for the verbs scripts use: `%v`, `%s`, `%d`, `%f`
/// (with a precision, `%.2f`), `%q`, `%t`, `%c`, `%x`, `%%`; another verb,
/// or a missing argument, prints as Go prints it (`%!z(int=1)`,
/// `%!d(MISSING)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len() + 16);
    let mut next = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut digits = String::new();
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                digits.push(d);
                chars.next();
            }
            precision = Some(digits.parse().unwrap_or(0).min(64));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next += 1;
        let written = match (verb, arg) {
            ('v' | 's', value) => Some(value.display()),
            ('d', Value::Int(n)) => Some(n.to_string()),
            ('d', Value::Char(c)) => Some((*c as u32).to_string()),
            ('f' | 'F', Value::Float(f)) => Some(format!("{f:.*}", precision.unwrap_or(6))),
            ('f' | 'F', Value::Int(n)) => Some(format!("%!f(int={n})")),
            ('q', Value::Str(s)) => Some(super::eval::quote(s)),
            ('t', Value::Bool(b)) => Some(b.to_string()),
            ('c', Value::Char(c)) => Some(c.to_string()),
            ('c', Value::Int(n)) => u32::try_from(*n)
                .ok()
                .and_then(char::from_u32)
                .map(|c| c.to_string()),
            ('x', Value::Int(n)) => Some(format!("{n:x}")),
            ('x', Value::Str(s)) => Some(s.bytes().map(|b| format!("{b:02x}")).collect()),
            _ => None,
        };
        out.push_str(
            &written.unwrap_or_else(|| format!("%!{verb}({}={})", arg.type_name(), arg.display())),
        );
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), a.display()))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}
