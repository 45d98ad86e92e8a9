//! aws_lambda_alias: a name for a version of a function, optionally sharing traffic with
//! another version.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, first_block, into_state, invalid, sref, Put, State};
use crate::support::error::found;
use aws_sdk_lambda::types::{AliasConfiguration, AliasRoutingConfiguration};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) struct Alias;

fn routing(planned: &Value) -> AliasRoutingConfiguration {
    let weights: HashMap<String, f64> = first_block(planned, "routing_config")
        .get("additional_version_weights")
        .as_map()
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect())
        .unwrap_or_default();
    AliasRoutingConfiguration::builder()
        .set_additional_version_weights((!weights.is_empty()).then_some(weights))
        .build()
}

impl Alias {
    fn state(&self, a: &AliasConfiguration, function: &str, prior: &Value) -> Value {
        let arn = a.alias_arn().unwrap_or_default();
        let mut st: State = into_state(prior);
        st.put("id", arn);
        st.put("arn", arn);
        st.put("invoke_arn", super::invoke_arn(arn));
        st.put("name", a.name());
        st.put("function_name", sref(prior, "function_name").unwrap_or(function));
        st.put("function_version", a.function_version());
        st.put(
            "description",
            a.description()
                .filter(|d| !d.is_empty() || sref(prior, "description").is_some()),
        );
        let weights = a
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .filter(|w| !w.is_empty());
        st.put(
            "routing_config",
            Value::List(
                weights
                    .map(|w| {
                        let sorted: BTreeMap<String, Value> =
                            w.iter().map(|(k, v)| (k.clone(), Value::from(*v))).collect();
                        vec![map([("additional_version_weights", Value::Map(sorted.into()))])]
                    })
                    .unwrap_or_default()
                    .into(),
            ),
        );
        finish(&self.schema(), st)
    }

    fn fetch(&self, ctx: &Ctx, function: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Lambda Alias ({function}/{name})"),
            ctx.lambda.get_alias().function_name(function).name(name).send(),
        ))?;
        Ok(out.map(|o| {
            let a = AliasConfiguration::builder()
                .set_alias_arn(o.alias_arn().map(str::to_string))
                .set_name(o.name().map(str::to_string))
                .set_function_version(o.function_version().map(str::to_string))
                .set_description(o.description().map(str::to_string))
                .set_routing_config(o.routing_config().cloned())
                .build();
            self.state(&a, function, prior)
        }))
    }
}

fn parts(value: &Value) -> Option<(String, String)> {
    Some((
        sref(value, "function_name")?.to_string(),
        sref(value, "name")?.to_string(),
    ))
}

impl ResourceType for Alias {
    fn type_name(&self) -> &'static str {
        "aws_lambda_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("function_name", Attribute::required(Type::String).force_new())
            .attr("function_version", Attribute::required(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .block(
                "routing_config",
                Nesting::Single,
                Schema::new().attr(
                    "additional_version_weights",
                    Attribute::optional(Type::Map(Box::new(Type::Number))),
                ),
            )
            .attr("arn", Attribute::computed(Type::String))
            .attr("invoke_arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if prior.is_none() {
            for key in ["arn", "invoke_arn", "id"] {
                st.insert(key.into(), Value::UNKNOWN);
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((function, name)) = parts(planned) else {
            return ApplyOutcome::failed(invalid("creating Lambda Alias: function_name and name must be known"));
        };
        (step.intent)(&format!("{}/{name}", super::function_name_of(&function)));
        let made = call(
            ctx,
            &format!("creating Lambda Alias ({function}/{name})"),
            ctx.lambda
                .create_alias()
                .function_name(&function)
                .name(&name)
                .set_function_version(sref(planned, "function_version").map(str::to_string))
                .description(sref(planned, "description").unwrap_or_default())
                .routing_config(routing(planned))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, &function, &name, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Alias ({function}/{name}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((function, name)) = parts(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Lambda Alias: the prior state has no name"),
            );
        };
        let result = call(
            ctx,
            &format!("updating Lambda Alias ({function}/{name})"),
            ctx.lambda
                .update_alias()
                .function_name(&function)
                .name(&name)
                .set_function_version(sref(planned, "function_version").map(str::to_string))
                .description(sref(planned, "description").unwrap_or_default())
                .routing_config(routing(planned))
                .send(),
        )
        .map(drop);
        update_outcome(prior, result, self.fetch(ctx, &function, &name, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Lambda Alias ({function}/{name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((function, name)) = parts(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting Lambda Alias ({function}/{name})"),
            ctx.lambda.delete_alias().function_name(&function).name(&name).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match parts(prior) {
            Some((function, name)) => self.fetch(ctx, &function, &name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `FUNCTION_NAME/ALIAS_NAME`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((function, name)) = id
            .split_once('/')
            .filter(|(f, n)| !f.is_empty() && !n.is_empty() && !n.contains('/'))
        else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_lambda_alias: write it as FUNCTION_NAME/ALIAS_NAME"),
            ));
        };
        self.fetch(ctx, function, name, &map([("function_name", Value::string(function))]))
    }
}
