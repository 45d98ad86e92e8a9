//! aws_cloudwatch_log_metric_filter: turns the log events of a group that match a pattern into
//! a CloudWatch metric.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, both, call, created_outcome, finish, first_block, import_pair, into_state, invalid, is_set,
    map_of_strings, map_value, problem, sref, string_map, Put,
};
use crate::support::error::found;
use aws_sdk_cloudwatchlogs::types::{MetricTransformation, StandardUnit};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

pub(super) struct MetricFilter;

impl MetricFilter {
    fn fetch(&self, ctx: &Ctx, group: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let page = found(call(
            ctx,
            &format!("reading CloudWatch Logs Metric Filter ({group}:{name})"),
            ctx.logs
                .describe_metric_filters()
                .log_group_name(group)
                .filter_name_prefix(name)
                .send(),
        ))?;
        // AWS keeps one filter per name. Some emulators keep every put of a name, the latest
        // last: the last is the one a put made.
        let Some(filter) = page
            .iter()
            .flat_map(|p| p.metric_filters())
            .filter(|f| f.filter_name() == Some(name))
            .last()
        else {
            return Ok(None);
        };
        let before = first_block(prior, "metric_transformation");
        let transformations = filter.metric_transformations().iter().take(1).map(|t| {
            // The configured text of the default value while it is the same number ("0" and "0.0").
            let default = match (t.default_value(), sref(&before, "default_value")) {
                (Some(v), Some(text)) if text.parse::<f64>().ok() == Some(v) => Value::from(text),
                (Some(v), _) => Value::string(v.to_string()),
                (None, _) => Value::Null,
            };
            let dimensions = t
                .dimensions()
                .map(|d| d.iter().map(|(k, v)| (k.clone(), v.clone())).collect());
            map([
                ("name", Value::string(t.metric_name())),
                ("namespace", Value::string(t.metric_namespace())),
                ("value", Value::string(t.metric_value())),
                ("default_value", default),
                (
                    "dimensions",
                    dimensions
                        .filter(|d: &std::collections::BTreeMap<_, _>| !d.is_empty())
                        .map_or(Value::Null, |d| map_value(&d)),
                ),
                ("unit", Value::string(t.unit().map_or("None", |u| u.as_str()))),
            ])
        });
        let mut st = into_state(prior);
        st.put("name", name);
        st.put("id", name);
        st.put("log_group_name", group);
        st.put("pattern", filter.filter_pattern().unwrap_or_default());
        st.put("metric_transformation", Value::List(transformations.collect()));
        st.put("apply_on_transformed_logs", filter.apply_on_transformed_logs());
        Ok(Some(finish(&self.schema(), st)))
    }

    /// Creates or replaces the filter (PutMetricFilter is both).
    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<(String, String), ProviderError> {
        let Some((group, name)) = both(planned, "log_group_name", "name") else {
            return Err(invalid(
                "aws_cloudwatch_log_metric_filter: name and log_group_name are required",
            ));
        };
        let op = format!("putting CloudWatch Logs Metric Filter ({group}:{name})");
        let t = first_block(planned, "metric_transformation");
        let default = match sref(&t, "default_value") {
            Some(text) => Some(
                text.parse::<f64>()
                    .map_err(|_| invalid(format!("{op}: default_value {text:?} is not a number")))?,
            ),
            None => None,
        };
        let dimensions = string_map(&t.get("dimensions"));
        let transformation = MetricTransformation::builder()
            .metric_name(sref(&t, "name").unwrap_or_default())
            .metric_namespace(sref(&t, "namespace").unwrap_or_default())
            .metric_value(sref(&t, "value").unwrap_or_default())
            .set_default_value(default)
            .set_dimensions((!dimensions.is_empty()).then(|| dimensions.into_iter().collect()))
            .unit(StandardUnit::from(sref(&t, "unit").unwrap_or("None")))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        call(
            ctx,
            &op,
            ctx.logs
                .put_metric_filter()
                .log_group_name(group)
                .filter_name(name)
                .filter_pattern(sref(planned, "pattern").unwrap_or_default())
                .metric_transformations(transformation)
                .set_apply_on_transformed_logs(planned.get("apply_on_transformed_logs").as_bool())
                .send(),
        )?;
        Ok((group.to_string(), name.to_string()))
    }
}

impl ResourceType for MetricFilter {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_metric_filter"
    }

    fn schema(&self) -> Schema {
        let transformation = Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("namespace", Attribute::required(Type::String))
            .attr("value", Attribute::required(Type::String))
            .attr("default_value", Attribute::optional(Type::String))
            .attr("dimensions", Attribute::optional(map_of_strings()))
            .attr("unit", Attribute::optional_computed(Type::String));
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("log_group_name", Attribute::required(Type::String).force_new())
            .attr("pattern", Attribute::required(Type::String))
            .attr("apply_on_transformed_logs", Attribute::optional_computed(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
            .block_min("metric_transformation", Nesting::Single, transformation, 1)
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        for t in block_items(config, "metric_transformation") {
            let dimensions = t.get("dimensions");
            if is_set(&t.get("default_value")) && is_set(&dimensions) {
                out.push(problem(
                    "metric_transformation",
                    "default_value and dimensions cannot both be set: CloudWatch emits no default for a metric with dimensions",
                ));
            }
            if dimensions.as_map().is_some_and(|d| d.len() > 3) {
                out.push(problem(
                    "metric_transformation",
                    "a metric filter has at most 3 dimensions",
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("name"));
        crate::support::attrs::default_to(&mut st, "apply_on_transformed_logs", Value::Bool(false));
        let transformations = block_items(&proposed, "metric_transformation").into_iter().map(|t| {
            let mut t = into_state(&t);
            crate::support::attrs::default_to(&mut t, "unit", Value::string("None"));
            Value::Map(t.into())
        });
        st.put("metric_transformation", Value::List(transformations.collect()));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if let Some((group, name)) = both(planned, "log_group_name", "name") {
            (step.intent)(&format!("{group}:{name}"));
        }
        let (group, name) = match self.put(ctx, planned) {
            Ok(ids) => ids,
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&name))],
            self.fetch(ctx, &group, &name, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("metric filter {group}:{name} is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (group, name) = (
            sref(prior, "log_group_name").unwrap_or_default(),
            sref(prior, "name").unwrap_or_default(),
        );
        let result = self.put(ctx, planned).map(drop);
        update_outcome(prior, result, self.fetch(ctx, group, name, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("metric filter {group}:{name} is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((group, name)) = both(prior, "log_group_name", "name") else {
            return Ok(());
        };
        let op = format!("deleting CloudWatch Logs Metric Filter ({group}:{name})");
        // One delete is enough on AWS; an emulator that kept each put of the name holds more,
        // deleted until none is left (a bounded number of times).
        for _ in 0..10 {
            found(call(
                ctx,
                &op,
                ctx.logs
                    .delete_metric_filter()
                    .log_group_name(group)
                    .filter_name(name)
                    .send(),
            ))?;
            if self.fetch(ctx, group, name, prior)?.is_none() {
                return Ok(());
            }
        }
        Err(ProviderError::new(
            "Timeout",
            format!("{op}: the filter is still listed after 10 deletes"),
        ))
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match both(prior, "log_group_name", "name") {
            Some((group, name)) => self.fetch(ctx, group, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `LOG_GROUP_NAME:NAME`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (group, name) = import_pair(id, self.type_name(), "LOG_GROUP_NAME:NAME")?;
        self.fetch(ctx, group, name, &Value::Null)
    }
}
