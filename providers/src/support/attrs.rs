//! Reading attributes of [`Value`]s and building state maps, shared by every service module.

use crate::resource::{ApplyOutcome, Ctx};
use crate::support::error::from_sdk;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Schema, Type};
use engine::core::value::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;

/// A resource's state (or configuration) as a mutable map of attributes.
pub(crate) type State = BTreeMap<String, Value>;

/// Runs one SDK call, turning its error into a [`ProviderError`] that names the operation.
pub(crate) fn call<T, E, R>(
    ctx: &Ctx,
    op: &str,
    fut: impl Future<Output = Result<T, SdkError<E, R>>>,
) -> Result<T, ProviderError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: Debug + 'static,
{
    ctx.block_on(fut).map_err(|e| from_sdk(op, e))
}

/// A known string attribute.
pub(crate) fn sref<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get_ref(key).and_then(Value::as_str)
}

/// The value as a mutable state map, without sensitive marks (the engine marks again).
pub(crate) fn into_state(v: &Value) -> State {
    v.deep_unmark().as_map().cloned().unwrap_or_default()
}

/// An attribute of a state map (`Null` when absent).
pub(crate) fn get<'a>(st: &'a State, key: &str) -> &'a Value {
    st.get(key).unwrap_or(&Value::Null)
}

/// Keeps the prior state's value of each of `keys` the planned state leaves unknown or null:
/// identifiers and read-only attributes an update does not change.
pub(crate) fn keep_prior(st: &mut State, prior: &Value, keys: &[&str]) {
    for key in keys {
        if get(st, key).contains_unknown() || get(st, key).is_null() {
            st.insert((*key).to_string(), prior.get(key));
        }
    }
}

/// Completes a state to its schema, at every depth: every attribute present and nothing
/// unknown (a null is the honest answer for what AWS did not report), every block a list of
/// complete objects. The engine expects a state to hold each attribute of the schema.
pub(crate) fn finish(schema: &Schema, st: State) -> Value {
    fill(schema, st, false)
}

/// Completes a planned value to its schema like [`finish`], except that what is not known
/// until apply stays unknown.
pub(crate) fn complete_planned(schema: &Schema, st: State) -> Value {
    fill(schema, st, true)
}

fn fill(schema: &Schema, mut st: State, keep_unknown: bool) -> Value {
    for name in schema.attributes.keys() {
        let v = st.entry(name.clone()).or_insert(Value::Null);
        if !keep_unknown && v.contains_unknown() {
            *v = Value::Null;
        }
    }
    for (name, block) in &schema.blocks {
        let items = match st.get(name) {
            Some(Value::Unknown(_)) if keep_unknown => continue,
            Some(v) => v.as_list().map(<[Value]>::to_vec).unwrap_or_default(),
            None => Vec::new(),
        };
        let items = items
            .iter()
            .map(|item| fill(&block.schema, into_state(item), keep_unknown))
            .collect();
        st.insert(name.clone(), Value::List(items));
    }
    Value::Map(st.into())
}

/// Sets `key` to `value` when it is null or unknown (a default, or a value the provider knows
/// better than "known after apply").
pub(crate) fn default_to(st: &mut State, key: &str, value: Value) {
    let current = get(st, key);
    if current.is_null() || current.is_unknown() {
        st.insert(key.to_string(), value);
    }
}

/// The string, number and boolean entries of a map value, written as templates write them;
/// other entries are skipped.
pub(crate) fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.to_template_string().map(|s| (k.clone(), s)))
                .collect()
        })
        .unwrap_or_default()
}

/// A map value of strings.
pub(crate) fn map_value(m: &BTreeMap<String, String>) -> Value {
    Value::Map(m.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect())
}

/// The known strings of a list or set value, sorted and without duplicates.
pub(crate) fn string_set(v: &Value) -> Vec<String> {
    let set: BTreeSet<String> = v
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect();
    set.into_iter().collect()
}

/// The known strings of a list value, in its order.
pub(crate) fn string_list(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect()
}

/// A set of strings as state stores it: sorted, so that order never shows as a difference.
pub(crate) fn set_value<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    let set: BTreeSet<String> = items.into_iter().map(|i| i.as_ref().to_string()).collect();
    Value::List(set.into_iter().map(Value::String).collect())
}

/// The items of a nested block (a list; a bare object counts as one item).
pub(crate) fn block_items(value: &Value, key: &str) -> Vec<Value> {
    let block = value.get(key);
    match block.unmark().0 {
        Value::List(items) => items.clone().into(),
        Value::Map(_) => vec![block.unmark().0.clone()],
        _ => Vec::new(),
    }
}

/// Whether any of these nested blocks is not known yet (a `dynamic` block over a collection
/// known only at apply): rules about which blocks are present wait until they are known, as
/// Terraform's do.
pub(crate) fn blocks_unknown(value: &Value, keys: &[&str]) -> bool {
    keys.iter().any(|k| value.get(k).is_unknown())
}

/// Whether an argument counts as given for rules between arguments ("conflicts with", "one
/// of"): known and not null. Terraform checks such rules only on such values, so a variable
/// that defaults to `null`, or a value known only at apply, never makes a conflict.
pub(crate) fn is_set(v: &Value) -> bool {
    !v.is_null() && !v.is_unknown()
}

/// A validation problem about one attribute.
pub(crate) fn problem(attribute: &str, message: impl Into<String>) -> ValidateProblem {
    ValidateProblem {
        not_yet: false,
        attribute: Some(attribute.to_string()),
        message: message.into(),
    }
}

/// A problem about one attribute whose value asks for what the provider documents and infinstor
/// does not do yet.
pub(crate) fn not_yet_problem(attribute: &str, message: impl Into<String>) -> ValidateProblem {
    ValidateProblem {
        not_yet: true,
        ..problem(attribute, message)
    }
}

/// An error about a resource's configuration that only shows at apply time.
pub(crate) fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidConfiguration", message)
}

/// Schema type: a set of strings.
pub(crate) fn set_of_strings() -> Type {
    Type::Set(Box::new(Type::String))
}

/// Schema type: a list of strings.
pub(crate) fn list_of_strings() -> Type {
    Type::List(Box::new(Type::String))
}

/// Schema type: a map of strings (tags, parameters).
pub(crate) fn map_of_strings() -> Type {
    Type::Map(Box::new(Type::String))
}

/// The identifier an update works on: the first of `keys` the prior state holds as a string.
/// Without one, the outcome to return at once: the prior state kept, and an error that says
/// what `op` (`updating IAM Role`) is missing.
pub(crate) fn prior_id(prior: &Value, keys: &[&str], op: &str) -> Result<String, ApplyOutcome> {
    keys.iter()
        .find_map(|k| sref(prior, k))
        .map(str::to_string)
        .ok_or_else(|| {
            let wanted = keys.first().copied().unwrap_or("id");
            ApplyOutcome::partial(
                prior.clone(),
                ProviderError::new("InvalidState", format!("{op}: the prior state has no {wanted}")),
            )
        })
}

/// What a create returns from the read after it: the object as read; when it cannot be read,
/// the plan's values with the identifiers the create learnt (`ids`), so that state records an
/// object that exists and the next refresh reads the rest; `missing` is the error to report
/// when the read finds nothing.
pub(crate) fn created_outcome(
    schema: &Schema,
    planned: &Value,
    ids: &[(&str, Value)],
    read: Result<Option<Value>, ProviderError>,
    missing: impl FnOnce() -> ProviderError,
) -> ApplyOutcome {
    match read {
        Ok(Some(state)) => ApplyOutcome::Done(state),
        Ok(None) => ApplyOutcome::failed(missing()),
        Err(e) => {
            let mut st = into_state(planned);
            for (k, v) in ids {
                st.insert((*k).to_string(), v.clone());
            }
            ApplyOutcome::partial(finish(schema, st), e)
        }
    }
}

/// The error [`created_outcome`] reports when the read right after a create finds nothing;
/// `message` says what is gone.
pub(crate) fn gone_after_create(message: String) -> impl FnOnce() -> ProviderError {
    move || ProviderError::new("ResourceNotFoundException", message)
}

/// The two parts of an import ID written `FIRST:SECOND` (`shape` names them for the error:
/// `LOG_GROUP_NAME:NAME`); the second may itself contain `:`.
pub(crate) fn import_pair<'a>(id: &'a str, type_name: &str, shape: &str) -> Result<(&'a str, &'a str), ProviderError> {
    import_split(id, ':', type_name, shape)
}

/// The two parts of an import ID written `FIRST<sep>SECOND`, neither empty; the second may
/// itself contain `sep`.
pub(crate) fn import_split<'a>(
    id: &'a str,
    sep: char,
    type_name: &str,
    shape: &str,
) -> Result<(&'a str, &'a str), ProviderError> {
    match id.split_once(sep) {
        Some((first, second)) if !first.is_empty() && !second.is_empty() => Ok((first, second)),
        _ => Err(ProviderError::new(
            "InvalidImportId",
            format!("import ID {id:?} of {type_name}: write it as {shape}"),
        )),
    }
}

/// Sets the attributes of a state being built, from anything that makes a value:
/// `st.put("name", name)`, `st.put("kms_key_id", group.kms_key_id())` (null when `None`).
pub(crate) trait Put {
    /// Sets `key` to `value`.
    fn put(&mut self, key: &str, value: impl Into<Value>);
}

impl Put for State {
    fn put(&mut self, key: &str, value: impl Into<Value>) {
        self.insert(key.to_string(), value.into());
    }
}

/// The planned value of a nested block that is AWS's to decide when not configured (the AWS
/// provider's optional and computed blocks): `None` when the configuration gives the block,
/// else the prior's block, or unknown for a new object (known once made).
pub(crate) fn aws_decided_block(proposed: &Value, prior: Option<&Value>, key: &str) -> Option<Value> {
    let unset = block_items(proposed, key).is_empty() && !proposed.get(key).is_unknown();
    unset.then(|| prior.map(|p| p.get(key)).unwrap_or(Value::UNKNOWN))
}

/// Sets `key` to `default` in a block that leaves it null (an unknown block is left as it is).
pub(crate) fn with_default(block: &Value, key: &str, default: Value) -> Value {
    if block.is_unknown() {
        return block.clone();
    }
    let mut m = into_state(block);
    if m.get(key).is_none_or(Value::is_null) {
        m.insert(key.to_string(), default);
    }
    Value::Map(m.into())
}

/// The first (for a block of at most one, the only) item of a nested block, or null.
pub(crate) fn first_block(value: &Value, key: &str) -> Value {
    block_items(value, key).into_iter().next().unwrap_or(Value::Null)
}

/// Two string attributes that together name an object (`log_group_name` and `name`), when
/// both are known.
pub(crate) fn both<'a>(value: &'a Value, first: &str, second: &str) -> Option<(&'a str, &'a str)> {
    sref(value, first).zip(sref(value, second))
}

/// Whether `text` is a JSON object (a policy or settings document).
pub(crate) fn json_object(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object())
}

/// Whether two JSON documents hold the same value (key order and spacing aside); texts that do
/// not parse compare as text.
pub(crate) fn same_json(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<serde_json::Value>(a),
        serde_json::from_str::<serde_json::Value>(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// One configured block item as the AWS provider's SDK v2 state holds it: an optional argument
/// the configuration leaves null is its type's zero value (`false`, `0`, `""`, empty), and an
/// optional and computed one is the value in `prior` (the same block's item in state), or
/// unknown when there is none. Nested blocks are filled the same way, item by item.
pub(crate) fn sdk_block(schema: &Schema, item: &Value, prior: &Value) -> Value {
    if item.is_unknown() || item.is_null() {
        return item.clone();
    }
    let mut m = into_state(item);
    for (name, attr) in &schema.attributes {
        let given = m.get(name).cloned().unwrap_or(Value::Null);
        if !given.is_null() {
            continue;
        }
        let filled = if attr.computed {
            match prior.get(name) {
                Value::Null => Value::UNKNOWN,
                kept => kept,
            }
        } else {
            zero_of(&attr.ty)
        };
        m.insert(name.clone(), filled);
    }
    for (name, block) in &schema.blocks {
        let items = block_items(item, name);
        let priors = block_items(prior, name);
        let filled: Vec<Value> = items
            .iter()
            .enumerate()
            .map(|(i, it)| sdk_block(&block.schema, it, priors.get(i).unwrap_or(&Value::Null)))
            .collect();
        if !item.get(name).is_unknown() {
            m.insert(name.clone(), Value::List(filled.into()));
        }
    }
    Value::Map(m.into())
}

/// Each item of the block `key` of `proposed` filled by [`sdk_block`] against `prior`'s.
pub(crate) fn sdk_blocks(schema: &Schema, proposed: &Value, prior: Option<&Value>, key: &str) -> Value {
    let Some(block) = schema.blocks.get(key) else {
        return proposed.get(key);
    };
    if proposed.get(key).is_unknown() {
        return Value::UNKNOWN;
    }
    let priors = prior.map(|p| block_items(p, key)).unwrap_or_default();
    Value::List(
        block_items(proposed, key)
            .iter()
            .enumerate()
            .map(|(i, it)| sdk_block(&block.schema, it, priors.get(i).unwrap_or(&Value::Null)))
            .collect::<Vec<_>>()
            .into(),
    )
}

/// The SDK v2 zero value of a type.
pub(crate) fn zero_of(ty: &Type) -> Value {
    match ty {
        Type::Bool => Value::from(false),
        Type::Number => Value::from(0i64),
        Type::String => Value::string(""),
        Type::List(_) | Type::Set(_) => Value::List(Vec::new().into()),
        Type::Map(_) => Value::Map(BTreeMap::new().into()),
        _ => Value::Null,
    }
}

/// A whole-number argument as the `i32` AWS APIs take (null or unknown: `None`).
pub(crate) fn int32(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

/// Go's `encoding/json` escapes these even inside strings; doing the same keeps a rendered
/// document, and so its `id` hash, identical to Terraform's.
pub(crate) fn go_html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

/// The order the AWS provider's SDK v2 lists a set of strings in, which documents it renders
/// keep: by the CRC-32 of each value and `;`, compared as decimal text.
pub(crate) fn sdk_set_order(items: &[String]) -> Vec<String> {
    let mut keyed: Vec<(String, String)> = items
        .iter()
        .map(|i| {
            (
                crate::support::number::crc32(format!("{i};").as_bytes()).to_string(),
                i.clone(),
            )
        })
        .collect();
    keyed.sort();
    keyed.dedup();
    keyed.into_iter().map(|(_, i)| i).collect()
}
