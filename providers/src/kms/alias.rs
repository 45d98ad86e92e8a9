//! aws_kms_alias.

use crate::kms::{describe_key, found, key_id_of, settled};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, get, into_state, is_set, prior_id, problem, sref, State};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct KmsAlias;

/// An alias and the key it points to, as KMS lists it.
pub(super) struct AliasEntry {
    pub(super) arn: String,
    pub(super) target_key_id: String,
}

pub(super) fn find_alias(ctx: &Ctx, name: &str) -> Result<Option<AliasEntry>, ProviderError> {
    let mut marker: Option<String> = None;
    loop {
        let page = call(
            ctx,
            "listing KMS Aliases",
            ctx.kms.list_aliases().set_marker(marker.clone()).send(),
        )?;
        if let Some(a) = page.aliases().iter().find(|a| a.alias_name() == Some(name)) {
            return Ok(Some(AliasEntry {
                arn: a.alias_arn().unwrap_or_default().to_string(),
                target_key_id: a.target_key_id().unwrap_or_default().to_string(),
            }));
        }
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

pub(super) fn alias_name_problem(attribute: &str, name: &str, prefix: bool) -> Option<ValidateProblem> {
    if !name.starts_with("alias/") {
        return Some(problem(
            attribute,
            format!(
                "\"{attribute}\" must begin with \"alias/\" (for example \"alias/mlflow-artifacts\"), not {name:?}"
            ),
        ));
    }
    if name.starts_with("alias/aws/") {
        return Some(problem(
            attribute,
            format!("\"{attribute}\" cannot begin with \"alias/aws/\": that prefix is reserved for AWS managed keys"),
        ));
    }
    let max = if prefix { 256 - 26 } else { 256 };
    if name.len() > max || (!prefix && name.len() <= "alias/".len()) {
        return Some(problem(
            attribute,
            format!("\"{attribute}\" must be 7 to {max} characters long"),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'))
    {
        return Some(problem(
            attribute,
            format!("\"{attribute}\" may contain only letters, digits, \"/\", \"_\" and \"-\""),
        ));
    }
    None
}

impl KmsAlias {
    fn state(&self, name: &str, entry: &AliasEntry, prior: &Value) -> Value {
        let mut st = State::new();
        st.insert("name".into(), Value::string(name));
        st.insert("id".into(), Value::string(name));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert("arn".into(), Value::string(&entry.arn));
        // The configuration may name the key by ARN; keep it while it is the same key.
        let target = match prior.get("target_key_id").as_str() {
            Some(p) if key_id_of(p) == entry.target_key_id => Value::string(p),
            _ => Value::string(&entry.target_key_id),
        };
        st.insert("target_key_id".into(), target);
        let key_arn = match entry.arn.rsplit_once(":alias/") {
            Some((base, _)) => Value::string(format!("{base}:key/{}", entry.target_key_id)),
            None => Value::Null,
        };
        st.insert("target_key_arn".into(), key_arn);
        finish(&self.schema(), st)
    }
}

impl ResourceType for KmsAlias {
    fn type_name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("target_key_id", Attribute::required(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("target_key_arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let name = config.get("name");
        let prefix = config.get("name_prefix");
        if is_set(&name) && is_set(&prefix) {
            out.push(problem(
                "name_prefix",
                "\"name\" and \"name_prefix\" cannot both be set: remove one of them",
            ));
        }
        if let Some(p) = name.as_str().and_then(|n| alias_name_problem("name", n, false)) {
            out.push(p);
        }
        if let Some(p) = prefix.as_str().and_then(|n| alias_name_problem("name_prefix", n, true)) {
            out.push(p);
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = match get(&st, "name") {
            Value::String(n) => Value::string(n),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        let target = get(&st, "target_key_id").clone();
        let same_target = prior
            .map(|p| p.get("target_key_id").as_str().map(key_id_of) == target.as_str().map(key_id_of))
            .unwrap_or(false);
        let key_arn = match target.as_str() {
            Some(t) if t.starts_with("arn:") => Value::string(t),
            _ if same_target => prior.map(|p| p.get("target_key_arn")).unwrap_or(Value::UNKNOWN),
            _ => Value::UNKNOWN,
        };
        st.insert("target_key_arn".into(), key_arn);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = match sref(planned, "name") {
            Some(n) => n.to_string(),
            None => crate::support::naming::prefixed_unique_id(sref(planned, "name_prefix").unwrap_or("alias/")),
        };
        let Some(target) = sref(planned, "target_key_id") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                format!("creating KMS Alias ({name}): target_key_id is required"),
            ));
        };
        (step.progress)(&format!("creating KMS Alias {name}"));
        (step.intent)(&name);
        let created = settled(|| {
            call(
                ctx,
                &format!("creating KMS Alias ({name})"),
                ctx.kms.create_alias().alias_name(&name).target_key_id(target).send(),
            )
        });
        match created {
            Ok(_) => {}
            Err(e) if e.code == "AlreadyExistsException" => {
                // Ours when it already points at the key (an interrupted create); anyone else's
                // alias is never taken over.
                let existing = match find_alias(ctx, &name) {
                    Ok(Some(a)) => a,
                    Ok(None) => return ApplyOutcome::failed(e),
                    Err(e2) => return ApplyOutcome::failed(e2),
                };
                let wanted = match describe_key(ctx, target) {
                    Ok(Some(m)) => m.key_id().to_string(),
                    _ => key_id_of(target).to_string(),
                };
                if existing.target_key_id != wanted {
                    return ApplyOutcome::failed(ProviderError::new(
                        e.code,
                        format!(
                            "creating KMS Alias ({name}): the alias already exists and points at key {}, not \
                                 at {target}. Import it (import ID: {name}) to manage it, or choose another `name`.",
                            existing.target_key_id
                        ),
                    ));
                }
            }
            Err(e) => return ApplyOutcome::failed(e),
        }
        let id = Value::string(&name);
        created_outcome(
            &self.schema(),
            planned,
            &[("name", id.clone()), ("id", id)],
            find_alias(ctx, &name).map(|e| e.map(|e| self.state(&name, &e, planned))),
            || {
                ProviderError::new(
                    "NotFoundException",
                    format!("KMS Alias ({name}) is not listed after it was created"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = match prior_id(prior, &["name", "id"], "updating KMS Alias") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        if let Some(target) = sref(planned, "target_key_id") {
            if let Err(e) = call(
                ctx,
                &format!("updating KMS Alias ({name})"),
                ctx.kms.update_alias().alias_name(&name).target_key_id(target).send(),
            ) {
                return ApplyOutcome::partial(prior.clone(), e);
            }
        }
        match find_alias(ctx, &name) {
            Ok(Some(entry)) => ApplyOutcome::Done(self.state(&name, &entry, planned)),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NotFoundException",
                format!("updating KMS Alias ({name}): the alias no longer exists"),
            )),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting KMS Alias ({name})"),
            ctx.kms.delete_alias().alias_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        Ok(find_alias(ctx, name)?.map(|entry| self.state(name, &entry, prior)))
    }

    /// Import ID: the alias name (`alias/NAME`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(find_alias(ctx, id)?.map(|entry| self.state(id, &entry, &Value::Null)))
    }
}
