//! Lists, maps and sets.

use super::*;

pub(super) fn length(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let n = match &a[0] {
        // A list's length is known even when its elements are not.
        Value::Unknown(_) => return Ok(Value::UNKNOWN),
        // Terraform counts what a reader sees as one character (grapheme clusters).
        Value::String(s) if s.is_ascii() => s.len(),
        Value::String(s) => unicode_segmentation::UnicodeSegmentation::graphemes(s.as_str(), true).count(),
        Value::List(items) => items.len(),
        Value::Map(map) => map.len(),
        Value::Null => return Err(invalid("argument 1 must not be null.")),
        other => return Err(wrong_type(0, "a string, list or map", other)),
    };
    Ok(Value::from(n as i64))
}

pub(super) fn concat(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    if a.is_empty() {
        return Err(invalid("at least one argument is required."));
    }
    let mut out = Vec::new();
    for (i, arg) in a.iter().enumerate() {
        match arg {
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            // A set has no order to keep, so Terraform takes none.
            Value::List(items) if items.kind == SeqKind::Set => {
                return Err(invalid("all arguments must be lists or tuples; got a set."))
            }
            Value::List(items) => out.extend(items.iter().cloned()),
            other => return Err(wrong_type(i, "a list", other)),
        }
    }
    // Lists stay a list; a tuple among them makes a tuple, as Terraform's result type says.
    Ok(Value::List(Seq::new(kind_of_all(a, SeqKind::List), out)))
}

/// `kind` when every argument is a sequence of that kind, a tuple otherwise.
fn kind_of_all(a: &[Value], kind: SeqKind) -> SeqKind {
    if a.iter()
        .all(|v| matches!(v.unmark().0, Value::List(s) if s.kind == kind))
    {
        kind
    } else {
        SeqKind::Tuple
    }
}

/// The one element type of a collection argument (`dynamic` when it has none).
fn element_of(v: &Value) -> Shape {
    match shape_of(v) {
        Shape::List(t) | Shape::Set(t) | Shape::Map(t) => *t,
        Shape::Tuple(ts) => unify(&ts).unwrap_or(Shape::Dynamic),
        Shape::Object(ts) => unify(&ts.into_values().collect::<Vec<_>>()).unwrap_or(Shape::Dynamic),
        _ => Shape::Dynamic,
    }
}

/// What an ordered result taken from a sequence of `kind` is: a tuple stays a tuple, a list or
/// a set gives a list (`reverse`, `slice`).
fn ordered(kind: SeqKind) -> SeqKind {
    match kind {
        SeqKind::Tuple => SeqKind::Tuple,
        _ => SeqKind::List,
    }
}

/// The sequence `keys` and `values` make of a mapping of `kind`: a map's is a list, an
/// object's a tuple.
fn sequence_of(kind: MappingKind) -> SeqKind {
    match kind {
        MappingKind::Map => SeqKind::List,
        MappingKind::Object => SeqKind::Tuple,
    }
}

/// The kind of argument `i` when it is a sequence (a tuple otherwise).
fn seq_kind(a: &[Value], i: usize) -> SeqKind {
    match a[i].unmark().0 {
        Value::List(s) => s.kind,
        _ => SeqKind::Tuple,
    }
}

pub(super) fn merge(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = BTreeMap::new();
    for (i, arg) in a.iter().enumerate() {
        match arg {
            // Its keys are unknown, so the result's keys are too.
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            Value::Null => {}
            Value::Map(map) => out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => return Err(wrong_type(i, "a map", other)),
        }
    }
    // Maps merge into a map; an object among them makes the result an object.
    let maps = a.iter().any(|v| !v.is_null())
        && a.iter()
            .all(|v| v.is_null() || matches!(v.unmark().0, Value::Map(m) if m.kind == MappingKind::Map));
    let kind = if maps { MappingKind::Map } else { MappingKind::Object };
    Ok(Value::Map(Mapping::new(kind, out)))
}

pub(super) fn lookup(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    if a[0].is_unknown() || a[1].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let map = map_arg(a, 0)?;
    let key = string_arg(a, 1)?;
    match (map.get(&key), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(invalid(format!("lookup failed to find key {}.", c.show(&key)))),
    }
}

pub(super) fn keys(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        Value::Map(map) => {
            let kind = sequence_of(map.kind);
            Ok(Value::List(
                Seq::new(kind, map.keys().map(|k| Value::from(k.as_str())).collect()).of(&Shape::String),
            ))
        }
        other => Err(wrong_type(0, "a map", other)),
    }
}

pub(super) fn values(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        Value::Map(map) => {
            let kind = sequence_of(map.kind);
            Ok(Value::List(Seq {
                element: map.element,
                ..Seq::new(kind, map.values().cloned().collect())
            }))
        }
        other => Err(wrong_type(0, "a map", other)),
    }
}

pub(super) fn contains(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    if a[1].is_null() {
        return Err(invalid("argument must not be null."));
    }
    // Values of different types are never equal here, as in Terraform: "1" is not in [1, 2].
    Ok(Value::Bool(items.iter().any(|item| *item == a[1])))
}

pub(super) fn index(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    items
        .iter()
        .position(|item| *item == a[1])
        .map(|i| Value::from(i as i64))
        .ok_or_else(|| invalid("item not found."))
}

pub(super) fn coalesce(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    for arg in a {
        match arg {
            // It might be null or empty, so it cannot be skipped nor chosen.
            Value::Unknown(_) => return Ok(Value::UNKNOWN),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            chosen => {
                // Terraform unifies the argument types first: a string among primitives makes
                // the result a string, a tuple among lists a list.
                let shapes: Vec<Shape> = a.iter().map(shape_of).collect();
                return Ok(match unify(&shapes) {
                    Some(shape) => crate::eval::unify::convert(chosen.clone(), &shape),
                    None => chosen.clone(),
                });
            }
        }
    }
    Err(invalid("no non-null, non-empty-string arguments."))
}

pub(super) fn coalescelist(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    for i in 0..a.len() {
        if a[i].is_null() {
            continue;
        }
        if seq_kind(a, i) == SeqKind::Set {
            return Err("coalescelist arguments must be lists or tuples.".into());
        }
        if !list_arg(a, i)?.is_empty() {
            return Ok(a[i].clone());
        }
    }
    Err(invalid("no non-null arguments."))
}

pub(super) fn compact(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (j, item) in list_arg(a, 0)?.iter().enumerate() {
        match item {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            other => out.push(Value::from(other.to_template_string().ok_or_else(|| {
                invalid(format!("element {j} must be a string, got {}.", other.type_name()))
            })?)),
        }
    }
    Ok(Value::List(Seq::list(out).of(&Shape::String)))
}

pub(super) fn element(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    if a[0].is_unknown() || a[1].is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    let items = list_arg(a, 0)?;
    let i = int_arg(c, a, 1)?;
    if items.is_empty() {
        return Err(invalid("cannot use element function with an empty list."));
    }
    if i < 0 {
        return Err(invalid("cannot use element function with a negative index."));
    }
    Ok(items[(i as usize) % items.len()].clone())
}

pub(super) fn flatten(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    /// False when an unknown element might itself be a list of unknown length.
    fn walk(items: &[Value], out: &mut Vec<Value>) -> bool {
        for item in items {
            match item {
                Value::List(inner) => {
                    if !walk(inner, out) {
                        return false;
                    }
                }
                Value::Unknown(_) => return false,
                other => out.push(other.clone()),
            }
        }
        true
    }
    match &a[0] {
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        Value::List(items) => {
            let mut out = Vec::new();
            Ok(if walk(items, &mut out) {
                Value::List(out.into())
            } else {
                Value::UNKNOWN
            })
        }
        other => Err(wrong_type(0, "a list", other)),
    }
}

pub(super) fn distinct(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out: Vec<Value> = Vec::new();
    let items = crate::eval::unify::single_type(list_arg(a, 0)?.to_vec(), "tuple to list").map_err(invalid)?;
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(Value::List(Seq::list(out)))
}

pub(super) fn reverse(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let kind = ordered(seq_kind(a, 0));
    let element = match a[0].unmark().0 {
        Value::List(s) => s.element,
        _ => Default::default(),
    };
    Ok(Value::List(Seq {
        element,
        ..Seq::new(kind, list_arg(a, 0)?.iter().rev().cloned().collect())
    }))
}

pub(super) fn sort(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (j, item) in list_arg(a, 0)?.iter().enumerate() {
        match item {
            Value::Null => {
                return Err(invalid(format!(
                    "given list element {j} is null; a null string cannot be sorted."
                )))
            }
            other => out.push(
                other
                    .to_template_string()
                    .ok_or_else(|| invalid(format!("element {j} must be a string, got {}.", other.type_name())))?,
            ),
        }
    }
    out.sort();
    Ok(Value::List(
        Seq::list(out.into_iter().map(Value::String).collect()).of(&Shape::String),
    ))
}

pub(super) fn slice(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    let start = int_arg(c, a, 1)?;
    let end = int_arg(c, a, 2)?;
    if start < 0 {
        return Err(invalid("the starting index must be greater than or equal to zero."));
    }
    if end > items.len() as i64 {
        return Err(invalid("the ending index must not exceed the list length."));
    }
    if start > end {
        return Err(invalid(
            "the starting index must be less than or equal to the ending index.",
        ));
    }
    let kind = ordered(seq_kind(a, 0));
    Ok(Value::List(Seq::new(
        kind,
        items[start as usize..end as usize].to_vec(),
    )))
}

pub(super) fn one(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match list_arg(a, 0)? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        _ => Err(invalid("must be a list with either zero or one elements.")),
    }
}

pub(super) fn chunklist(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    let size = int_arg(c, a, 1)?;
    if size < 0 {
        return Err(invalid("the size argument must be positive."));
    }
    if size == 0 {
        return Ok(Value::List(Seq::list(vec![Value::List(Seq::list(items.to_vec()))])));
    }
    let chunk = Shape::List(Box::new(element_of(&a[0])));
    Ok(Value::List(
        Seq::list(
            items
                .chunks(size as usize)
                .map(|ch| Value::List(Seq::list(ch.to_vec())))
                .collect(),
        )
        .of(&chunk),
    ))
}

pub(super) fn zipmap(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let ks = list_arg(a, 0)?;
    let vs = list_arg(a, 1)?;
    if ks.len() != vs.len() {
        return Err(invalid(format!(
            "number of keys ({}) does not match number of values ({}).",
            ks.len(),
            vs.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (j, (k, v)) in ks.iter().zip(vs).enumerate() {
        let k = k
            .to_template_string()
            .ok_or_else(|| invalid(format!("key {j} must be a string, got {}.", k.type_name())))?;
        out.insert(k, v.clone());
    }
    // A tuple of values makes an object (each keeps its type), a list a map.
    let kind = match seq_kind(a, 1) {
        SeqKind::Tuple => MappingKind::Object,
        _ => MappingKind::Map,
    };
    Ok(Value::Map(Mapping::new(kind, out)))
}

pub(super) fn transpose(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in map_arg(a, 0)? {
        let Value::List(items) = v else {
            return Err(invalid(format!(
                "element {k:?} must be a list of strings, got {}.",
                v.type_name()
            )));
        };
        for item in items {
            let s = item
                .to_template_string()
                .ok_or_else(|| invalid(format!("element {k:?} must be a list of strings.")))?;
            out.entry(s).or_default().push(Value::from(k.as_str()));
        }
    }
    Ok(Value::Map(
        Mapping::map(out.into_iter().map(|(k, v)| (k, Value::List(Seq::list(v)))).collect())
            .of(&Shape::List(Box::new(Shape::String))),
    ))
}

pub(super) fn toset(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::List(items) => Ok(Value::List(Seq::set(set_order(
            crate::eval::unify::single_type(items.to_vec(), "tuple to set").map_err(invalid)?,
        )))),
        other => Err(invalid(format!("cannot convert {} to set.", other.type_name()))),
    }
}

pub(super) fn setunion(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut all = Vec::new();
    for i in 0..a.len() {
        all.extend(list_arg(a, i)?.iter().cloned());
    }
    Ok(Value::List(Seq::set(set_order(all))))
}

pub(super) fn setintersection(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let sets = (0..a.len())
        .map(|i| list_arg(a, i).map(|items| set_order(items.to_vec())))
        .collect::<Result<Vec<_>, _>>()?;
    let (first, rest) = sets
        .split_first()
        .ok_or_else(|| invalid("at least one set is required."))?;
    let common = first
        .iter()
        .filter(|v| rest.iter().all(|s| s.contains(v)))
        .cloned()
        .collect();
    Ok(Value::List(Seq::set(set_order(common))))
}

pub(super) fn setsubtract(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let from = set_order(list_arg(a, 0)?.to_vec());
    let remove = set_order(list_arg(a, 1)?.to_vec());
    Ok(Value::List(Seq::set(
        from.into_iter().filter(|v| !remove.contains(v)).collect(),
    )))
}

pub(super) fn range(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let nums = (0..a.len())
        .map(|i| super::numbers::exact_arg(c, a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let zero = Number::int(0);
    let direction = |from: &Number, to: &Number| Number::int(if to < from { -1 } else { 1 });
    let (start, end, step) = match nums.as_slice() {
        [end] => (zero.clone(), end.clone(), direction(&zero, end)),
        [start, end] => (start.clone(), end.clone(), direction(start, end)),
        [start, end, step] => (start.clone(), end.clone(), step.clone()),
        _ => return Err(invalid("must have one, two, or three arguments.")),
    };
    if step.is_zero() {
        return Err(invalid("step must not be zero."));
    }
    let down = step.is_negative();
    if down && start < end {
        return Err(invalid("end must be less than start when step is negative."));
    }
    if !down && start > end {
        return Err(invalid("end must be greater than start when step is positive."));
    }
    let mut out = Vec::new();
    // Each value is the one before plus the step, exactly, as in Terraform.
    let mut v = start;
    while (!down && v < end) || (down && v > end) {
        if out.len() >= 1024 {
            return Err(invalid(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step.",
            ));
        }
        let next = v.add(&step).ok_or_else(|| invalid("the step has no value."))?;
        out.push(Value::Number(v));
        v = next;
    }
    Ok(Value::List(Seq::list(out).of(&Shape::Number)))
}

pub(super) fn alltrue(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    bools(a).map(|bs| Value::Bool(bs.iter().all(|b| *b)))
}

pub(super) fn anytrue(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    bools(a).map(|bs| Value::Bool(bs.iter().any(|b| *b)))
}

/// The list argument as booleans; null counts as false, as in Terraform.
pub(super) fn bools(a: &[Value]) -> Result<Vec<bool>, String> {
    list_arg(a, 0)?
        .iter()
        .enumerate()
        .map(|(j, v)| match v {
            Value::Null => Ok(false),
            other => {
                to_bool(other).ok_or_else(|| invalid(format!("element {j} must be a bool, got {}.", other.type_name())))
            }
        })
        .collect()
}

/// The elements of the first list whose counterparts in the second list are among the keys.
pub(super) fn matchkeys(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let (values, keys, search) = (list_arg(a, 0)?, list_arg(a, 1)?, list_arg(a, 2)?);
    if values.len() != keys.len() {
        return Err(invalid("length of keys and values should be equal."));
    }
    Ok(Value::List(Seq::list(
        values
            .iter()
            .zip(keys)
            .filter(|(_, k)| search.iter().any(|s| loose_eq(s, k)))
            .map(|(v, _)| v.clone())
            .collect(),
    )))
}

/// Every combination of one element of each list, in order.
pub(super) fn setproduct(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    if a.len() < 2 {
        return Err(invalid("at least two arguments are required."));
    }
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for i in 0..a.len() {
        let items = list_arg(a, i)?;
        out = out
            .into_iter()
            .flat_map(|prefix| {
                items.iter().map(move |item| {
                    let mut combo = prefix.clone();
                    combo.push(item.clone());
                    combo
                })
            })
            .collect();
    }
    // Each combination is a tuple; they are gathered in a set when every argument is a set.
    let kind = match kind_of_all(a, SeqKind::Set) {
        SeqKind::Set => SeqKind::Set,
        _ => SeqKind::List,
    };
    let combo = Shape::Tuple(a.iter().map(element_of).collect());
    Ok(Value::List(
        Seq::new(
            kind,
            out.into_iter().map(|combo| Value::List(Seq::from(combo))).collect(),
        )
        .of(&combo),
    ))
}
