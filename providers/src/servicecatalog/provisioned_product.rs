//! aws_servicecatalog_provisioned_product.
//!
//! Service Catalog does not tell what parameter values a product was provisioned with, so
//! `provisioning_parameters` are kept as applied; the product, version (provisioning
//! artifact), launch path, tags, status and outputs are read back, and a change made outside
//! infinstor to any of them shows in the next plan.

use super::{language, record_failure, wait_for_record};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::is_set;
use crate::support::attrs::{
    block_items, call, default_to, finish, get, into_state, invalid, list_of_strings, map_of_strings, problem,
    set_of_strings, set_value, sref, string_map, State,
};
use crate::support::dates::rfc3339;
use crate::support::error::found;
use crate::support::naming::intent_token;
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_servicecatalog::types::{ProvisioningParameter, RecordDetail, Tag, UpdateProvisioningParameter};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use engine::plan::diff::changed_attributes;
use std::time::Duration;

pub(super) struct ProvisionedProduct;

/// Terraform's default for each of the type's timeouts.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Each identifier argument and the name that may stand for it; a configuration sets one.
const PAIRS: [(&str, &str); 3] = [
    ("product_id", "product_name"),
    ("provisioning_artifact_id", "provisioning_artifact_name"),
    ("path_id", "path_name"),
];

/// What a provisioning record changes: unknown in the plan until the record has run.
const RECORD_ATTRS: [&str; 6] = [
    "outputs",
    "last_record_id",
    "last_provisioning_record_id",
    "last_successful_provisioning_record_id",
    "status",
    "status_message",
];

/// Arguments Service Catalog does not report back: kept as configured.
const KEPT: [&str; 5] = [
    "accept_language",
    "ignore_errors",
    "notification_arns",
    "provisioning_parameters",
    "retain_physical_resources",
];

fn schema() -> Schema {
    Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr(
            "accept_language",
            Attribute::optional_computed(Type::String).one_of(&["en", "jp", "zh"]),
        )
        .attr("ignore_errors", Attribute::optional(Type::Bool))
        .attr("notification_arns", Attribute::optional(list_of_strings()).force_new())
        .attr("path_id", Attribute::optional_computed(Type::String))
        .attr("path_name", Attribute::optional_computed(Type::String))
        .attr("product_id", Attribute::optional_computed(Type::String))
        .attr("product_name", Attribute::optional_computed(Type::String))
        .attr("provisioning_artifact_id", Attribute::optional_computed(Type::String))
        .attr("provisioning_artifact_name", Attribute::optional_computed(Type::String))
        .attr("retain_physical_resources", Attribute::optional(Type::Bool))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::computed(map_of_strings()))
        .attr("cloudwatch_dashboard_names", Attribute::computed(set_of_strings()))
        .attr("created_time", Attribute::computed(Type::String))
        .attr("last_provisioning_record_id", Attribute::computed(Type::String))
        .attr("last_record_id", Attribute::computed(Type::String))
        .attr(
            "last_successful_provisioning_record_id",
            Attribute::computed(Type::String),
        )
        .attr("launch_role_arn", Attribute::computed(Type::String))
        .attr("outputs", Attribute::computed(Type::List(Box::new(map_of_strings()))))
        .attr("status", Attribute::computed(Type::String))
        .attr("status_message", Attribute::computed(Type::String))
        .attr("type", Attribute::computed(Type::String))
        .block(
            "provisioning_parameters",
            Nesting::List,
            Schema::new()
                .attr("key", Attribute::required(Type::String))
                .attr("value", Attribute::optional(Type::String))
                .attr("use_previous_value", Attribute::optional(Type::Bool)),
        )
        .timeouts(&["create", "read", "update", "delete"])
        .not_yet(
            "stack_set_provisioning_preferences",
            "provision StackSet products from the Service Catalog console or CLI meanwhile",
        )
}

/// The `timeouts` entry `which` ("create"), or Terraform's default.
fn timeout(value: &Value, which: &str) -> Duration {
    value
        .get("timeouts")
        .as_list()
        .and_then(|l| l.first())
        .and_then(|t| t.get(which).as_str().and_then(crate::config::parse_duration))
        .unwrap_or(DEFAULT_TIMEOUT)
}

/// Whether the planned object differs from the prior in what a provisioning record changes.
fn provisioning_changes(prior: &Value, planned: &Value) -> bool {
    // Compared as the plan compares them, so the provider's recorded forms (`false` for an
    // unset `use_previous_value`, `""` for an unset name) are no change.
    let changed = changed_attributes(&schema(), prior, planned);
    PAIRS
        .iter()
        .flat_map(|(id, name)| [*id, *name])
        .chain(["provisioning_parameters", "tags_all"])
        .any(|k| changed.iter().any(|c| c == k))
}

/// A known string of the planned object, for a request.
fn known(planned: &Value, key: &str) -> Option<String> {
    sref(planned, key).map(str::to_string)
}

/// What a request names the product, version and path by: each ID when known, else its name.
struct Named {
    product_id: Option<String>,
    product_name: Option<String>,
    artifact_id: Option<String>,
    artifact_name: Option<String>,
    path_id: Option<String>,
    path_name: Option<String>,
}

impl Named {
    fn of(planned: &Value) -> Named {
        let pick = |(id, name): (&str, &str)| match known(planned, id) {
            Some(id) => (Some(id), None),
            None => (None, known(planned, name)),
        };
        let [(product_id, product_name), (artifact_id, artifact_name), (path_id, path_name)] = PAIRS.map(pick);
        Named {
            product_id,
            product_name,
            artifact_id,
            artifact_name,
            path_id,
            path_name,
        }
    }
}

/// `(key, value, use_previous_value)` of each `provisioning_parameters` block.
fn parameters(planned: &Value) -> Vec<(String, Option<String>, Option<bool>)> {
    block_items(planned, "provisioning_parameters")
        .iter()
        .filter_map(|p| {
            let key = sref(p, "key")?.to_string();
            Some((
                key,
                p.get("value").to_template_string(),
                p.get("use_previous_value").as_bool(),
            ))
        })
        .collect()
}

fn tags(value: &Value) -> Result<Vec<Tag>, ProviderError> {
    string_map(&value.get("tags_all"))
        .into_iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag: {e}")))
        })
        .collect()
}

impl ProvisionedProduct {
    /// The object as Service Catalog reports it, by ID (`pp-...`) or name; `prior` gives the
    /// arguments Service Catalog does not report.
    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let lang = language(prior);
        let mut req = ctx.servicecatalog.describe_provisioned_product().accept_language(&lang);
        req = if id.starts_with("pp-") {
            req.id(id)
        } else {
            req.name(id)
        };
        let Some(out) = found(call(
            ctx,
            &format!("reading Service Catalog Provisioned Product ({id})"),
            req.send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(detail) = out.provisioned_product_detail() else {
            return Ok(None);
        };
        let s = |v: Option<&str>| v.map(Value::string).unwrap_or(Value::Null);
        let mut st = State::new();
        st.insert("id".into(), s(detail.id()));
        st.insert("arn".into(), s(detail.arn()));
        st.insert("name".into(), s(detail.name()));
        st.insert("type".into(), s(detail.r#type()));
        st.insert("status".into(), s(detail.status().map(|x| x.as_str())));
        st.insert("status_message".into(), s(detail.status_message()));
        st.insert(
            "created_time".into(),
            detail.created_time().map(rfc3339).unwrap_or(Value::Null),
        );
        st.insert("last_record_id".into(), s(detail.last_record_id()));
        st.insert(
            "last_provisioning_record_id".into(),
            s(detail.last_provisioning_record_id()),
        );
        st.insert(
            "last_successful_provisioning_record_id".into(),
            s(detail.last_successful_provisioning_record_id()),
        );
        st.insert("launch_role_arn".into(), s(detail.launch_role_arn()));
        st.insert("product_id".into(), s(detail.product_id()));
        st.insert("provisioning_artifact_id".into(), s(detail.provisioning_artifact_id()));
        let dashboards: Vec<&str> = out.cloud_watch_dashboards().iter().filter_map(|d| d.name()).collect();
        st.insert("cloudwatch_dashboard_names".into(), set_value(&dashboards));
        for key in KEPT {
            st.insert(key.to_string(), prior.get(key));
        }
        st.insert("accept_language".into(), Value::string(&lang));
        if let Some(timeouts) = prior.get_ref("timeouts") {
            st.insert("timeouts".into(), timeouts.clone());
        }
        if let Some(record_id) = detail.last_provisioning_record_id() {
            self.read_record(ctx, record_id, &lang, prior, &mut st)?;
        }
        if let Some(product_id) = detail.product_id() {
            self.read_names(ctx, product_id, &lang, &mut st)?;
        }
        Ok(Some(finish(&schema(), st)))
    }

    /// Path, tags and outputs: what the last provisioning record holds.
    fn read_record(
        &self,
        ctx: &Ctx,
        record_id: &str,
        lang: &str,
        prior: &Value,
        st: &mut State,
    ) -> Result<(), ProviderError> {
        let mut outputs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = call(
                ctx,
                &format!("reading Service Catalog record ({record_id})"),
                ctx.servicecatalog
                    .describe_record()
                    .id(record_id)
                    .accept_language(lang)
                    .set_page_token(token.clone())
                    .send(),
            )?;
            if token.is_none() {
                if let Some(detail) = out.record_detail() {
                    st.insert(
                        "path_id".into(),
                        detail.path_id().map(Value::string).unwrap_or(Value::Null),
                    );
                    let remote = detail
                        .record_tags()
                        .iter()
                        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
                        .collect();
                    let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
                    st.insert("tags".into(), tags);
                    st.insert("tags_all".into(), all);
                }
            }
            for o in out.record_outputs() {
                let mut m = std::collections::BTreeMap::new();
                m.insert(
                    "key".to_string(),
                    o.output_key().map(Value::string).unwrap_or(Value::Null),
                );
                m.insert(
                    "value".to_string(),
                    o.output_value().map(Value::string).unwrap_or(Value::Null),
                );
                m.insert(
                    "description".to_string(),
                    o.description().map(Value::string).unwrap_or(Value::Null),
                );
                outputs.push(Value::Map(m.into()));
            }
            match out.next_page_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        st.insert("outputs".into(), Value::List(outputs.into()));
        Ok(())
    }

    /// The names of the product, its version and the launch path, which a configuration may
    /// use instead of their IDs.
    fn read_names(&self, ctx: &Ctx, product_id: &str, lang: &str, st: &mut State) -> Result<(), ProviderError> {
        // A product no longer shared with this account cannot be described; its names stay unknown.
        let Some(out) = found(call(
            ctx,
            &format!("reading Service Catalog Product ({product_id})"),
            ctx.servicecatalog
                .describe_product()
                .id(product_id)
                .accept_language(lang)
                .send(),
        ))?
        else {
            return Ok(());
        };
        let product = out.product_view_summary().and_then(|p| p.name());
        st.insert("product_name".into(), product.map(Value::string).unwrap_or(Value::Null));
        let artifact = get(st, "provisioning_artifact_id").as_str().and_then(|id| {
            out.provisioning_artifacts()
                .iter()
                .find(|a| a.id() == Some(id))
                .and_then(|a| a.name())
        });
        st.insert(
            "provisioning_artifact_name".into(),
            artifact.map(Value::string).unwrap_or(Value::Null),
        );
        let path = get(st, "path_id").as_str().and_then(|id| {
            out.launch_paths()
                .iter()
                .find(|p| p.id() == Some(id))
                .and_then(|p| p.name())
        });
        st.insert("path_name".into(), path.map(Value::string).unwrap_or(Value::Null));
        Ok(())
    }

    /// After a record ended: the object as read, and the record's failure if it failed.
    fn settled(&self, ctx: &Ctx, id: &str, planned: &Value, doing: &str, record: &RecordDetail) -> ApplyOutcome {
        let name = sref(planned, "name").unwrap_or(id);
        let failed =
            (record.status().map(|s| s.as_str()) == Some("FAILED")).then(|| record_failure(doing, name, record));
        match self.fetch(ctx, id, planned) {
            Ok(Some(state)) => ApplyOutcome::from_parts(Some(state), failed),
            Ok(None) => ApplyOutcome::failed(failed.unwrap_or_else(|| {
                ProviderError::new(
                    "NotFound",
                    format!("{doing} Service Catalog Provisioned Product ({name}): it no longer exists"),
                )
            })),
            Err(e) => {
                let mut st = into_state(planned);
                st.insert("id".into(), Value::string(id));
                ApplyOutcome::partial(finish(&schema(), st), failed.unwrap_or(e))
            }
        }
    }
}

impl ResourceType for ProvisionedProduct {
    fn type_name(&self) -> &'static str {
        "aws_servicecatalog_provisioned_product"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            let ok = (1..=128).contains(&name.len())
                && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !ok {
                out.push(problem(
                    "name",
                    format!(
                        "provisioned product name {name:?} must be 1 to 128 letters, digits, '.', '_' and '-', \
                         starting with a letter or digit"
                    ),
                ));
            }
        }
        for (id, name) in PAIRS {
            let (has_id, has_name) = (!config.get(id).is_null(), !config.get(name).is_null());
            if is_set(&config.get(id)) && is_set(&config.get(name)) {
                out.push(problem(name, format!("`{id}` and `{name}` conflict: set one of them")));
            } else if !has_id && !has_name && id != "path_id" {
                out.push(problem(id, format!("set `{id}` or `{name}`")));
            }
        }
        if let Some(t) = config.get("timeouts").as_list().and_then(|l| l.first()) {
            for which in ["create", "read", "update", "delete"] {
                if let Some(text) = t.get(which).as_str() {
                    if crate::config::parse_duration(text).is_none() {
                        out.push(problem(
                            "timeouts",
                            format!(
                                "timeouts.{which} {text:?} is not a duration: write it like \"3h\", \"90m\" or \"45s\""
                            ),
                        ));
                    }
                }
            }
        }
        for p in block_items(config, "provisioning_parameters") {
            if p.get("use_previous_value").as_bool() == Some(true) && !p.get("value").is_null() {
                out.push(problem(
                    "provisioning_parameters",
                    format!(
                        "parameter {:?}: `value` and `use_previous_value = true` conflict: set one of them",
                        p.get("key").as_str().unwrap_or("?")
                    ),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        default_to(&mut st, "accept_language", Value::string("en"));
        st.insert("tags_all".into(), tags_all(ctx, get(&st, "tags")));
        match prior {
            None => {
                for key in RECORD_ATTRS.iter().chain(&[
                    "id",
                    "arn",
                    "type",
                    "created_time",
                    "launch_role_arn",
                    "cloudwatch_dashboard_names",
                ]) {
                    st.insert((*key).to_string(), Value::UNKNOWN);
                }
                for (id, name) in PAIRS {
                    default_to(&mut st, id, Value::UNKNOWN);
                    default_to(&mut st, name, Value::UNKNOWN);
                }
            }
            Some(prior) => {
                // The configuration sets an ID or its name; the other comes from the prior
                // state, and no longer holds when the one set changed.
                let changed = changed_attributes(&schema(), prior, &Value::Map(st.clone().into()));
                for (id, name) in PAIRS {
                    let id_changed = changed.iter().any(|c| c == id);
                    let name_changed = changed.iter().any(|c| c == name);
                    if name_changed && !id_changed {
                        st.insert(id.to_string(), Value::UNKNOWN);
                    } else if id_changed && !name_changed {
                        st.insert(name.to_string(), Value::UNKNOWN);
                    }
                }
                if provisioning_changes(prior, &Value::Map(st.clone().into())) {
                    for key in RECORD_ATTRS {
                        st.insert(key.to_string(), Value::UNKNOWN);
                    }
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(invalid(
                "creating Service Catalog Provisioned Product: name is required",
            ));
        };
        let op = format!("provisioning Service Catalog Product as {name}");
        let tags = match tags(planned) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let params = parameters(planned)
            .into_iter()
            .map(|(k, v, _)| ProvisioningParameter::builder().key(k).set_value(v).build())
            .collect();
        let named = Named::of(planned);
        let req = ctx
            .servicecatalog
            .provision_product()
            .accept_language(language(planned))
            .provisioned_product_name(name)
            .set_product_id(named.product_id)
            .set_product_name(named.product_name)
            .set_provisioning_artifact_id(named.artifact_id)
            .set_provisioning_artifact_name(named.artifact_name)
            .set_path_id(named.path_id)
            .set_path_name(named.path_name)
            .set_provisioning_parameters(Some(params))
            .set_tags(Some(tags))
            .set_notification_arns(
                planned
                    .get("notification_arns")
                    .as_list()
                    .map(|l| l.iter().filter_map(|a| a.as_str().map(str::to_string)).collect()),
            )
            .provision_token(intent_token(&[name]));
        // The name finds the product again if this run stops before it is recorded.
        (step.intent)(name);
        let record = match call(ctx, &op, req.send()) {
            Ok(out) => out
                .record_detail()
                .cloned()
                .unwrap_or_else(|| RecordDetail::builder().build()),
            Err(e) if e.code == "DuplicateResourceException" => {
                return ApplyOutcome::failed(ProviderError::new(
                    e.code.clone(),
                    format!(
                        "{}\n\nA provisioned product named {name} already exists. Import it (import ID: its \
                             ID, pp-..., or its name) or choose another name.",
                        e.message
                    ),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let (Some(record_id), Some(id)) = (record.record_id(), record.provisioned_product_id()) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidResponse",
                format!("{op}: Service Catalog answered without a record or provisioned product ID"),
            ));
        };
        (step.progress)(&format!("provisioning {name} ({id}, record {record_id})"));
        match wait_for_record(
            ctx,
            record_id,
            name,
            "creating",
            timeout(planned, "create"),
            step.progress,
        ) {
            Ok(done) => self.settled(ctx, id, planned, "creating", &done),
            // The product exists even when the wait failed: record it so it is not orphaned.
            Err(e) => match self.fetch(ctx, id, planned) {
                Ok(Some(state)) => ApplyOutcome::partial(state, e),
                _ => {
                    let mut st = into_state(planned);
                    st.insert("id".into(), Value::string(id));
                    ApplyOutcome::partial(finish(&schema(), st), e)
                }
            },
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id") else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Service Catalog Provisioned Product: the state has no ID"),
            );
        };
        let name = sref(prior, "name").unwrap_or(id).to_string();
        if !provisioning_changes(prior, planned) {
            // Only arguments infinstor keeps (ignore_errors, timeouts, ...): nothing to send or
            // read, since the plan kept everything Service Catalog reports.
            return ApplyOutcome::Done(finish(&schema(), into_state(planned)));
        }
        let tags_changed = planned.get("tags_all").deep_unmark() != prior.get("tags_all").deep_unmark();
        let tags = match tags_changed.then(|| tags(planned)).transpose() {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::partial(prior.clone(), e),
        };
        let params = parameters(planned)
            .into_iter()
            .map(|(k, v, previous)| {
                UpdateProvisioningParameter::builder()
                    .key(k)
                    .set_value(v)
                    .set_use_previous_value(previous)
                    .build()
            })
            .collect();
        let named = Named::of(planned);
        let req = ctx
            .servicecatalog
            .update_provisioned_product()
            .accept_language(language(planned))
            .provisioned_product_id(id)
            .set_product_id(named.product_id)
            .set_product_name(named.product_name)
            .set_provisioning_artifact_id(named.artifact_id)
            .set_provisioning_artifact_name(named.artifact_name)
            .set_path_id(named.path_id)
            .set_path_name(named.path_name)
            .set_provisioning_parameters(Some(params))
            .set_tags(tags)
            .update_token(intent_token(&[id]));
        let op = format!("updating Service Catalog Provisioned Product ({name})");
        let record = match call(ctx, &op, req.send()) {
            Ok(out) => out
                .record_detail()
                .cloned()
                .unwrap_or_else(|| RecordDetail::builder().build()),
            Err(e) => return ApplyOutcome::partial(prior.clone(), e),
        };
        let Some(record_id) = record.record_id() else {
            return ApplyOutcome::partial(
                prior.clone(),
                ProviderError::new(
                    "InvalidResponse",
                    format!("{op}: Service Catalog answered without a record ID"),
                ),
            );
        };
        match wait_for_record(
            ctx,
            record_id,
            &name,
            "updating",
            timeout(planned, "update"),
            step.progress,
        ) {
            Ok(done) => self.settled(ctx, id, planned, "updating", &done),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else {
            return Ok(());
        };
        let name = sref(prior, "name").unwrap_or(id).to_string();
        let out = found(call(
            ctx,
            &format!("terminating Service Catalog Provisioned Product ({name})"),
            ctx.servicecatalog
                .terminate_provisioned_product()
                .accept_language(language(prior))
                .provisioned_product_id(id)
                .set_ignore_errors(prior.get("ignore_errors").as_bool())
                .set_retain_physical_resources(prior.get("retain_physical_resources").as_bool())
                .terminate_token(intent_token(&[id]))
                .send(),
        ))?;
        let Some(record_id) = out.as_ref().and_then(|o| o.record_detail()).and_then(|r| r.record_id()) else {
            return Ok(());
        };
        let done = wait_for_record(
            ctx,
            record_id,
            &name,
            "destroying",
            timeout(prior, "delete"),
            step.progress,
        )?;
        match done.status().map(|s| s.as_str()) {
            Some("SUCCEEDED") => Ok(()),
            _ => Err(record_failure("destroying", &name, &done)),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(None);
        };
        self.fetch(ctx, id, prior)
    }

    /// Import ID: the provisioned product's ID (`pp-...`) or its name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
