//! aws_ssm_parameter.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::ssm::{digest, is_hash, not_found, sdk_tags, value_hash, DATA_TYPES, PUT_ATTRIBUTES, TIERS, TYPES};
use crate::support::attrs::{
    call, created_outcome, finish, get, into_state, invalid, is_set, map_of_strings, problem, sref, string_map, State,
};
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_ssm::types::{ParameterStringFilter, ParameterTier, ParameterType, ResourceTypeForTagging};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct SsmParameter;

/// What DescribeParameters and ListTagsForResource report of a parameter, beside what
/// GetParameter does.
struct Metadata {
    description: Option<String>,
    allowed_pattern: Option<String>,
    tier: Option<String>,
    key_id: Option<String>,
    data_type: Option<String>,
    tags: BTreeMap<String, String>,
}

/// The alias of the AWS managed key SSM encrypts SecureString parameters with by default.
const MANAGED_KEY: &str = "alias/aws/ssm";

/// GetParameter's parameter, `None` when it does not exist.
fn found_parameter(
    got: Result<aws_sdk_ssm::operation::get_parameter::GetParameterOutput, ProviderError>,
) -> Result<Option<aws_sdk_ssm::types::Parameter>, ProviderError> {
    match got {
        Ok(out) => Ok(out.parameter().cloned()),
        Err(e) if not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

impl SsmParameter {
    /// Reads a parameter; `prior` says whether `insecure_value` is in use.
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let op = format!("reading SSM Parameter ({name})");
        let filter = ParameterStringFilter::builder()
            .key("Name")
            .option("Equals")
            .values(name)
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        // One call at a time: `-parallelism` bounds the calls in flight, not the objects.
        let got = call(
            ctx,
            &op,
            ctx.ssm.get_parameter().name(name).with_decryption(true).send(),
        );
        let Some(param) = found_parameter(got)? else {
            return Ok(None);
        };
        let described = call(ctx, &op, ctx.ssm.describe_parameters().parameter_filters(filter).send())?;
        let meta = described.parameters().iter().find(|m| m.name() == Some(name));
        let tags: BTreeMap<String, String> = call(
            ctx,
            &format!("listing tags of SSM Parameter ({name})"),
            ctx.ssm
                .list_tags_for_resource()
                .resource_type(ResourceTypeForTagging::Parameter)
                .resource_id(name)
                .send(),
        )?
        .tag_list()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
        let owned = |v: Option<&str>| v.map(str::to_string);
        let metadata = Metadata {
            description: owned(meta.and_then(|m| m.description())),
            allowed_pattern: owned(meta.and_then(|m| m.allowed_pattern())),
            tier: owned(meta.and_then(|m| m.tier()).map(|t| t.as_str())),
            key_id: owned(meta.and_then(|m| m.key_id())),
            data_type: owned(meta.and_then(|m| m.data_type())),
            tags,
        };
        Ok(Some(self.state_of(ctx, name, &param, metadata, prior)))
    }

    /// Reads back a parameter this run has just created with `planned`'s settings: its value,
    /// type, version and ARN from GetParameter; its description, pattern, key, tier and tags are
    /// what the create sent (`tier` as PutParameter answered), so they are not read again.
    fn fetch_created(
        &self,
        ctx: &Ctx,
        name: &str,
        planned: &Value,
        tier: Option<String>,
    ) -> Result<Option<Value>, ProviderError> {
        let op = format!("reading SSM Parameter ({name})");
        let got = call(
            ctx,
            &op,
            ctx.ssm.get_parameter().name(name).with_decryption(true).send(),
        );
        let Some(param) = found_parameter(got)? else {
            return Ok(None);
        };
        let secure = param.r#type().is_some_and(|t| t.as_str() == "SecureString");
        let metadata = Metadata {
            description: sref(planned, "description").map(str::to_string),
            allowed_pattern: sref(planned, "allowed_pattern").map(str::to_string),
            tier: tier.or_else(|| sref(planned, "tier").map(str::to_string)),
            // SSM encrypts with its AWS managed key when the create names none.
            key_id: secure.then(|| sref(planned, "key_id").unwrap_or(MANAGED_KEY).to_string()),
            data_type: sref(planned, "data_type").map(str::to_string),
            tags: string_map(&planned.get("tags_all")),
        };
        Ok(Some(self.state_of(ctx, name, &param, metadata, planned)))
    }

    /// The state of a parameter from GetParameter's answer and its `metadata`.
    fn state_of(
        &self,
        ctx: &Ctx,
        name: &str,
        param: &aws_sdk_ssm::types::Parameter,
        meta: Metadata,
        prior: &Value,
    ) -> Value {
        let clear = param.value().unwrap_or_default();
        let ty = param.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
        let mut st = State::new();
        st.insert("name".into(), Value::string(param.name().unwrap_or(name)));
        st.insert("id".into(), Value::string(param.name().unwrap_or(name)));
        st.insert("type".into(), Value::string(&ty));
        st.insert("value".into(), Value::string(value_hash(clear)));
        st.insert(
            "insecure_value".into(),
            if prior.get("insecure_value").is_null() {
                Value::Null
            } else {
                Value::string(clear)
            },
        );
        st.insert("arn".into(), param.arn().map(Value::string).unwrap_or(Value::Null));
        st.insert("version".into(), Value::Number((param.version() as f64).into()));
        st.insert(
            "data_type".into(),
            param
                .data_type()
                .or(meta.data_type.as_deref())
                .map(Value::string)
                .unwrap_or_else(|| Value::from("text")),
        );
        let key_id = match (ty.as_str(), meta.key_id) {
            ("SecureString", Some(k)) => Value::string(k),
            _ => Value::Null,
        };
        st.insert("key_id".into(), key_id);
        let description = match meta.description.as_deref() {
            Some("") | None if prior.get("description").as_str() != Some("") => Value::Null,
            Some(d) => Value::string(d),
            None => Value::Null,
        };
        st.insert("description".into(), description);
        st.insert(
            "allowed_pattern".into(),
            meta.allowed_pattern
                .filter(|p| !p.is_empty())
                .map(Value::string)
                .unwrap_or(Value::Null),
        );
        let tier = meta.tier.unwrap_or_else(|| "Standard".to_string());
        // With Intelligent-Tiering AWS reports the tier it chose; the configured choice stands.
        let tier = match prior.get("tier").as_str() {
            Some("Intelligent-Tiering") => "Intelligent-Tiering".to_string(),
            _ => tier,
        };
        st.insert("tier".into(), Value::string(tier));
        st.insert("overwrite".into(), prior.get("overwrite"));
        let (own, all) = split_tags(ctx, &prior.get("tags"), meta.tags);
        st.insert("tags".into(), own);
        st.insert("tags_all".into(), all);
        finish(&self.schema(), st)
    }

    /// The clear value to send: the planned one, or (when the plan kept the digest because the
    /// value did not change) the value AWS holds now.
    fn clear_value(&self, ctx: &Ctx, planned: &Value, name: &str) -> Result<String, ProviderError> {
        if let Some(v) = sref(planned, "insecure_value") {
            return Ok(v.to_string());
        }
        match sref(planned, "value") {
            Some(v) if !is_hash(v) => Ok(v.to_string()),
            _ => {
                let out = call(
                    ctx,
                    &format!("reading SSM Parameter ({name})"),
                    ctx.ssm.get_parameter().name(name).with_decryption(true).send(),
                )?;
                Ok(out.parameter().and_then(|p| p.value()).unwrap_or_default().to_string())
            }
        }
    }

    /// PutParameter with every planned setting. `overwrite`: update an existing parameter.
    /// PutParameter; returns the tier SSM gave the parameter.
    fn put(
        &self,
        ctx: &Ctx,
        planned: &Value,
        name: &str,
        value: &str,
        overwrite: bool,
    ) -> Result<Option<String>, ProviderError> {
        let ty = sref(planned, "type").unwrap_or("String");
        let mut req = ctx
            .ssm
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(ParameterType::from(ty))
            .overwrite(overwrite)
            .set_allowed_pattern(sref(planned, "allowed_pattern").map(str::to_string))
            .set_data_type(sref(planned, "data_type").map(str::to_string));
        if let Some(tier) = sref(planned, "tier") {
            req = req.tier(ParameterTier::from(tier));
        }
        if ty == "SecureString" {
            req = req.set_key_id(sref(planned, "key_id").map(str::to_string));
        }
        if overwrite {
            // An update clears a removed description; AWS keeps the old one when none is sent.
            req = req.description(sref(planned, "description").unwrap_or(""));
        } else {
            req = req.set_description(sref(planned, "description").map(str::to_string));
            let tags = string_map(&planned.get("tags_all"));
            if !tags.is_empty() {
                req = req.set_tags(Some(sdk_tags(&tags)?));
            }
        }
        let verb = if overwrite { "updating" } else { "creating" };
        call(ctx, &format!("{verb} SSM Parameter ({name})"), req.send())
            .map(|out| out.tier().map(|t| t.as_str().to_string()))
    }

    fn update_tags(&self, ctx: &Ctx, name: &str, old: &Value, new: &Value) -> Result<(), ProviderError> {
        let old = string_map(old);
        let new = string_map(new);
        let set: BTreeMap<String, String> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let remove: Vec<String> = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
        let op = format!("tagging SSM Parameter ({name})");
        if !remove.is_empty() {
            call(
                ctx,
                &op,
                ctx.ssm
                    .remove_tags_from_resource()
                    .resource_type(ResourceTypeForTagging::Parameter)
                    .resource_id(name)
                    .set_tag_keys(Some(remove))
                    .send(),
            )?;
        }
        if !set.is_empty() {
            call(
                ctx,
                &op,
                ctx.ssm
                    .add_tags_to_resource()
                    .resource_type(ResourceTypeForTagging::Parameter)
                    .resource_id(name)
                    .set_tags(Some(sdk_tags(&set)?))
                    .send(),
            )?;
        }
        Ok(())
    }
}

impl ResourceType for SsmParameter {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("type", Attribute::required(Type::String).one_of(&TYPES))
            .attr(
                "value",
                Attribute::optional_computed(Type::String)
                    .sensitive()
                    .stored_as_digest(digest),
            )
            .attr("insecure_value", Attribute::optional(Type::String))
            .attr("key_id", Attribute::optional_computed(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("tier", Attribute::optional_computed(Type::String).one_of(&TIERS))
            .attr("allowed_pattern", Attribute::optional(Type::String))
            .attr(
                "data_type",
                Attribute::optional_computed(Type::String).one_of(&DATA_TYPES),
            )
            .attr("overwrite", Attribute::optional(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::Number))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let ty = config.get("type");
        let value = config.get("value");
        let insecure = config.get("insecure_value");
        if is_set(&value) && is_set(&insecure) {
            out.push(problem(
                "insecure_value",
                "`value` and `insecure_value` conflict: set one of them",
            ));
        } else if value.is_null() && insecure.is_null() {
            out.push(problem(
                "value",
                "set `value` (kept out of state and output) or `insecure_value` (shown in plans)",
            ));
        }
        if ty.as_str() == Some("SecureString") && !insecure.is_null() {
            out.push(problem(
                "insecure_value",
                "a SecureString's value is secret: use `value` instead of `insecure_value`",
            ));
        }
        if !config.get("key_id").is_null() && ty.as_str().is_some_and(|t| t != "SecureString") {
            out.push(problem(
                "key_id",
                "key_id only applies to parameters of type SecureString",
            ));
        }
        if let Some(name) = config.get("name").as_str() {
            if name.is_empty() || name.len() > 2048 {
                out.push(problem("name", "name must be 1 to 2048 characters long"));
            } else if name.contains('/') && !name.starts_with('/') {
                out.push(problem(
                    "name",
                    format!("a hierarchical parameter name must start with \"/\": use \"/{name}\""),
                ));
            }
        }
        if let (Some(pattern), Some(v)) = (
            config.get("allowed_pattern").as_str(),
            value.as_str().or_else(|| insecure.as_str()),
        ) {
            if let Ok(re) = regex::Regex::new(pattern) {
                if !re.is_match(v) {
                    let attr = if value.is_null() { "insecure_value" } else { "value" };
                    out.push(problem(
                        attr,
                        format!("the value does not match allowed_pattern {pattern}"),
                    ));
                }
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.insert("tags_all".into(), tags_all(ctx, get(&st, "tags")));
        st.insert("id".into(), get(&st, "name").clone());
        let prior_value = prior.map(|p| p.get("value")).unwrap_or(Value::Null);
        let value = match (get(&st, "insecure_value").clone(), get(&st, "value").clone()) {
            (Value::String(insecure), _) => Value::string(value_hash(&insecure)),
            (Value::Unknown(_), _) => Value::UNKNOWN,
            (_, Value::String(v)) => {
                let hashed = value_hash(&v);
                let unchanged = (is_hash(&v) && prior_value.as_str() == Some(v.as_str()))
                    || prior_value.as_str() == Some(hashed.as_str());
                if unchanged {
                    prior_value.clone()
                } else {
                    Value::String(v)
                }
            }
            (_, other) => other,
        };
        st.insert("value".into(), value.clone());
        let secure = get(&st, "type").as_str() == Some("SecureString");
        if !secure {
            st.insert("key_id".into(), Value::Null);
        } else if get(&st, "key_id").is_null() {
            st.insert("key_id".into(), Value::UNKNOWN);
        }
        match prior {
            None => {
                if get(&st, "tier").is_unknown() {
                    st.insert("tier".into(), Value::from("Standard"));
                }
                if get(&st, "data_type").is_unknown() {
                    st.insert("data_type".into(), Value::from("text"));
                }
                st.insert("arn".into(), Value::UNKNOWN);
                st.insert("version".into(), Value::UNKNOWN);
            }
            Some(prior) => {
                let value_changed = value.contains_unknown() || value.deep_unmark() != prior.get("value").deep_unmark();
                let settings_changed = PUT_ATTRIBUTES.iter().any(|k| {
                    let new = get(&st, k);
                    !new.is_unknown() && new.deep_unmark() != prior.get(k).deep_unmark()
                });
                if value_changed || settings_changed {
                    st.insert("version".into(), Value::UNKNOWN);
                }
                if get(&st, "tier").is_null() {
                    st.insert("tier".into(), prior.get("tier"));
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(invalid("creating SSM Parameter: name is required"));
        };
        let value = match (sref(planned, "insecure_value"), sref(planned, "value")) {
            (Some(v), _) => v.to_string(),
            (None, Some(v)) if !is_hash(v) => v.to_string(),
            _ => {
                return ApplyOutcome::failed(invalid(format!(
                    "creating SSM Parameter ({name}): the value is not known; set `value` or `insecure_value`"
                )))
            }
        };
        (step.intent)(name);
        let created = self.put(ctx, planned, name, &value, false);
        if let Ok(tier) = created {
            // State keeps the value's digest, never the value.
            return created_outcome(
                &self.schema(),
                planned,
                &[("value", Value::string(value_hash(&value)))],
                self.fetch_created(ctx, name, planned, tier),
                || {
                    ProviderError::new(
                        "NotFound",
                        format!("creating SSM Parameter ({name}): the parameter is not there after creating it"),
                    )
                },
            );
        }
        if let Err(e) = created {
            if e.code != "ParameterAlreadyExists" || planned.get("overwrite").as_bool() != Some(true) {
                let e = if e.code == "ParameterAlreadyExists" {
                    ProviderError::new(
                        e.code.clone(),
                        format!(
                            "{}\n\nImport the existing parameter (import ID: its name), or set overwrite = true to \
                             take it over.",
                            e.message
                        ),
                    )
                    .with_outcome_unknown(e.outcome_unknown)
                } else {
                    e
                };
                return ApplyOutcome::failed(e);
            }
            // overwrite = true takes over an existing parameter, as in Terraform.
            let taken = self
                .put(ctx, planned, name, &value, true)
                .and_then(|_| self.update_tags(ctx, name, &Value::Null, &planned.get("tags_all")));
            if let Err(e) = taken {
                return ApplyOutcome::failed(e);
            }
        }
        // A parameter taken over may have had settings and tags of its own: read all of it.
        created_outcome(
            &self.schema(),
            planned,
            &[("value", Value::string(value_hash(&value)))],
            self.fetch(ctx, name, planned),
            || {
                ProviderError::new(
                    "NotFound",
                    format!("creating SSM Parameter ({name}): the parameter is not there after creating it"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(prior, "name") else {
            return ApplyOutcome::partial(prior.clone(), invalid("updating SSM Parameter: the state has no name"));
        };
        let value_changed = planned.get("value").deep_unmark() != prior.get("value").deep_unmark();
        let settings_changed = PUT_ATTRIBUTES
            .iter()
            .any(|k| planned.get(k).deep_unmark() != prior.get(k).deep_unmark() && !planned.get(k).is_null());
        let description_removed = planned.get("description").is_null() && !prior.get("description").is_null();
        let result = (|| {
            if value_changed || settings_changed || description_removed {
                let value = self.clear_value(ctx, planned, name)?;
                self.put(ctx, planned, name, &value, true)?;
            }
            self.update_tags(ctx, name, &prior.get("tags_all"), &planned.get("tags_all"))
        })();
        let state = self.fetch(ctx, name, planned);
        update_outcome(prior, result, state, || {
            ProviderError::new(
                "NotFound",
                format!("updating SSM Parameter ({name}): the parameter no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        match call(
            ctx,
            &format!("deleting SSM Parameter ({name})"),
            ctx.ssm.delete_parameter().name(name).send(),
        ) {
            Ok(_) => Ok(()),
            Err(e) if not_found(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.fetch(ctx, name, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
