//! aws_cloudwatch_metric_alarm: an alarm on one metric, or on metric math (`metric_query`),
//! with its actions and tags. Every change is one PutMetricAlarm of the whole alarm, as
//! CloudWatch has no partial update.

use super::{alarm_tags, tag_sync};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, is_set, map_of_strings, problem,
    set_of_strings, set_value, sref, string_map, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_cloudwatch::types::{
    AlarmType, ComparisonOperator, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat, StandardUnit,
    Statistic, Tag,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

pub(super) struct Alarm;

/// The comparisons of a static threshold, then those of an anomaly detection band.
const COMPARISONS: [&str; 7] = [
    "GreaterThanOrEqualToThreshold",
    "GreaterThanThreshold",
    "LessThanThreshold",
    "LessThanOrEqualToThreshold",
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

const STATISTICS: [&str; 5] = ["SampleCount", "Average", "Sum", "Minimum", "Maximum"];

const MISSING_DATA: [&str; 4] = ["missing", "ignore", "breaching", "notBreaching"];

fn number(v: &Value, key: &str) -> Option<f64> {
    v.get(key).as_f64()
}

fn int(v: &Value, key: &str) -> Option<i32> {
    number(v, key).map(|n| n as i32)
}

fn dimensions(v: &Value) -> Option<Vec<Dimension>> {
    let dims = string_map(&v.get("dimensions"));
    (!dims.is_empty()).then(|| {
        dims.into_iter()
            .map(|(name, value)| Dimension::builder().name(name).value(value).build())
            .collect()
    })
}

fn dimensions_value(dims: &[Dimension]) -> Value {
    if dims.is_empty() {
        return Value::Null;
    }
    let m: BTreeMap<String, String> = dims
        .iter()
        .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
        .collect();
    crate::support::attrs::map_value(&m)
}

fn query(q: &Value) -> MetricDataQuery {
    let metric = first_block(q, "metric");
    let stat = (!metric.is_null()).then(|| {
        MetricStat::builder()
            .set_metric(Some(
                Metric::builder()
                    .set_metric_name(sref(&metric, "metric_name").map(str::to_string))
                    .set_namespace(sref(&metric, "namespace").map(str::to_string))
                    .set_dimensions(dimensions(&metric))
                    .build(),
            ))
            .set_period(int(&metric, "period"))
            .set_stat(sref(&metric, "stat").map(str::to_string))
            .set_unit(sref(&metric, "unit").map(StandardUnit::from))
            .build()
    });
    MetricDataQuery::builder()
        .set_id(sref(q, "id").map(str::to_string))
        .set_account_id(sref(q, "account_id").map(str::to_string))
        .set_expression(sref(q, "expression").map(str::to_string))
        .set_label(sref(q, "label").map(str::to_string))
        .set_period(int(q, "period"))
        .set_return_data(q.get("return_data").as_bool())
        .set_metric_stat(stat)
        .build()
}

fn query_value(q: &MetricDataQuery) -> Value {
    let metric = q.metric_stat().map(|s| {
        let m = s.metric();
        map([
            ("metric_name", m.and_then(|m| m.metric_name()).into()),
            ("namespace", m.and_then(|m| m.namespace()).into()),
            (
                "dimensions",
                dimensions_value(m.map(|m| m.dimensions()).unwrap_or_default()),
            ),
            ("period", s.period().map(i64::from).into()),
            ("stat", Value::from(s.stat())),
            ("unit", s.unit().map(|u| u.as_str()).into()),
        ])
    });
    map([
        ("id", Value::from(q.id())),
        ("account_id", q.account_id().into()),
        ("expression", q.expression().into()),
        ("label", q.label().into()),
        ("period", q.period().map(i64::from).into()),
        ("return_data", q.return_data().into()),
        ("metric", Value::List(metric.into_iter().collect::<Vec<_>>().into())),
    ])
}

impl Alarm {
    fn describe(&self, ctx: &Ctx, name: &str) -> Result<Option<MetricAlarm>, ProviderError> {
        let out = call(
            ctx,
            &format!("reading CloudWatch Metric Alarm ({name})"),
            ctx.cloudwatch
                .describe_alarms()
                .alarm_names(name)
                .alarm_types(AlarmType::MetricAlarm)
                .send(),
        )?;
        Ok(out
            .metric_alarms()
            .iter()
            .find(|a| a.alarm_name() == Some(name))
            .cloned())
    }

    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(a) = self.describe(ctx, name)? else {
            return Ok(None);
        };
        let arn = a.alarm_arn().unwrap_or_default().to_string();
        let mut st: State = into_state(prior);
        st.put("alarm_name", name);
        st.put("id", name);
        st.put("arn", arn.as_str());
        st.put("alarm_description", a.alarm_description());
        st.put("actions_enabled", a.actions_enabled().unwrap_or(true));
        for (key, list) in [
            ("alarm_actions", a.alarm_actions()),
            ("ok_actions", a.ok_actions()),
            ("insufficient_data_actions", a.insufficient_data_actions()),
        ] {
            st.put(key, if list.is_empty() { Value::Null } else { set_value(list) });
        }
        st.put("metric_name", a.metric_name());
        st.put("namespace", a.namespace());
        st.put("statistic", a.statistic().map(|s| s.as_str()));
        st.put("extended_statistic", a.extended_statistic());
        st.put("dimensions", dimensions_value(a.dimensions()));
        st.put("period", a.period().map(i64::from));
        st.put("unit", a.unit().map(|u| u.as_str()));
        st.put("evaluation_periods", a.evaluation_periods().map(i64::from));
        st.put("datapoints_to_alarm", a.datapoints_to_alarm().map(i64::from));
        st.put("threshold", a.threshold());
        st.put("threshold_metric_id", a.threshold_metric_id());
        st.put("comparison_operator", a.comparison_operator().map(|c| c.as_str()));
        st.put("treat_missing_data", a.treat_missing_data().unwrap_or("missing"));
        st.put(
            "evaluate_low_sample_count_percentiles",
            a.evaluate_low_sample_count_percentile(),
        );
        st.put(
            "metric_query",
            Value::List(a.metrics().iter().map(query_value).collect::<Vec<_>>().into()),
        );
        let (tags, all) = split_tags(ctx, &prior.get("tags"), alarm_tags(ctx, &arn)?);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    /// Creates or replaces the whole alarm as `planned` has it.
    fn put(&self, ctx: &Ctx, planned: &Value, tags: Option<Vec<Tag>>) -> Result<String, ProviderError> {
        let Some(name) = sref(planned, "alarm_name") else {
            return Err(crate::support::attrs::invalid(
                "putting CloudWatch Metric Alarm: alarm_name must be known",
            ));
        };
        let list = |key: &str| {
            let items = string_set(&planned.get(key));
            (!items.is_empty()).then_some(items)
        };
        let queries: Vec<MetricDataQuery> = block_items(planned, "metric_query").iter().map(query).collect();
        call(
            ctx,
            &format!("putting CloudWatch Metric Alarm ({name})"),
            ctx.cloudwatch
                .put_metric_alarm()
                .alarm_name(name)
                .set_alarm_description(sref(planned, "alarm_description").map(str::to_string))
                .set_actions_enabled(planned.get("actions_enabled").as_bool())
                .set_alarm_actions(list("alarm_actions"))
                .set_ok_actions(list("ok_actions"))
                .set_insufficient_data_actions(list("insufficient_data_actions"))
                .set_metric_name(sref(planned, "metric_name").map(str::to_string))
                .set_namespace(sref(planned, "namespace").map(str::to_string))
                .set_statistic(sref(planned, "statistic").map(Statistic::from))
                .set_extended_statistic(sref(planned, "extended_statistic").map(str::to_string))
                .set_dimensions(dimensions(planned))
                .set_period(int(planned, "period"))
                .set_unit(sref(planned, "unit").map(StandardUnit::from))
                .set_evaluation_periods(int(planned, "evaluation_periods"))
                .set_datapoints_to_alarm(int(planned, "datapoints_to_alarm"))
                .set_threshold(number(planned, "threshold"))
                .set_threshold_metric_id(sref(planned, "threshold_metric_id").map(str::to_string))
                .set_comparison_operator(sref(planned, "comparison_operator").map(ComparisonOperator::from))
                .set_treat_missing_data(sref(planned, "treat_missing_data").map(str::to_string))
                .set_evaluate_low_sample_count_percentile(
                    sref(planned, "evaluate_low_sample_count_percentiles").map(str::to_string),
                )
                .set_metrics((!queries.is_empty()).then_some(queries))
                .set_tags(tags)
                .send(),
        )?;
        Ok(name.to_string())
    }
}

impl ResourceType for Alarm {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_metric_alarm"
    }

    fn schema(&self) -> Schema {
        let metric = Schema::new()
            .attr("metric_name", Attribute::required(Type::String))
            .attr("namespace", Attribute::required(Type::String))
            .attr("period", Attribute::required(Type::Number))
            .attr("stat", Attribute::required(Type::String))
            .attr("unit", Attribute::optional(Type::String))
            .attr("dimensions", Attribute::optional(map_of_strings()));
        let query = Schema::new()
            .attr("id", Attribute::required(Type::String))
            .attr("account_id", Attribute::optional(Type::String))
            .attr("expression", Attribute::optional(Type::String))
            .attr("label", Attribute::optional(Type::String))
            .attr("period", Attribute::optional(Type::Number))
            .attr("return_data", Attribute::optional(Type::Bool))
            .block("metric", Nesting::Single, metric);
        Schema::new()
            .version(1)
            .attr("alarm_name", Attribute::required(Type::String).force_new())
            .attr(
                "comparison_operator",
                Attribute::required(Type::String).one_of(&COMPARISONS),
            )
            .attr("evaluation_periods", Attribute::required(Type::Number))
            .attr("metric_name", Attribute::optional(Type::String))
            .attr("namespace", Attribute::optional(Type::String))
            .attr("period", Attribute::optional(Type::Number))
            .attr("statistic", Attribute::optional(Type::String).one_of(&STATISTICS))
            .attr("extended_statistic", Attribute::optional(Type::String))
            .attr("threshold", Attribute::optional(Type::Number))
            .attr("threshold_metric_id", Attribute::optional(Type::String))
            .attr("unit", Attribute::optional(Type::String))
            .attr("dimensions", Attribute::optional(map_of_strings()))
            .attr("actions_enabled", Attribute::optional_computed(Type::Bool))
            .attr("alarm_actions", Attribute::optional(set_of_strings()))
            .attr("ok_actions", Attribute::optional(set_of_strings()))
            .attr("insufficient_data_actions", Attribute::optional(set_of_strings()))
            .attr("alarm_description", Attribute::optional(Type::String))
            .attr("datapoints_to_alarm", Attribute::optional(Type::Number))
            .attr(
                "treat_missing_data",
                Attribute::optional_computed(Type::String).one_of(&MISSING_DATA),
            )
            .attr(
                "evaluate_low_sample_count_percentiles",
                Attribute::optional_computed(Type::String).one_of(&["ignore", "evaluate"]),
            )
            .block("metric_query", Nesting::Set, query)
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        // As Terraform's, the rules hold only for what is known: a value known at apply (a
        // module's variable at `validate`) neither conflicts nor is missing.
        let given = |k: &str| is_set(&config.get(k));
        let missing = |k: &str| config.get(k).is_null();
        if config.get("metric_query").contains_unknown() {
            return out;
        }
        let queries = block_items(config, "metric_query");
        if queries.is_empty() {
            for key in ["metric_name", "namespace", "period"] {
                if missing(key) {
                    out.push(problem(
                        key,
                        format!("an alarm on one metric needs {key} (or give metric_query blocks for metric math)"),
                    ));
                }
            }
            if missing("statistic") && missing("extended_statistic") {
                out.push(problem(
                    "statistic",
                    "an alarm on one metric needs statistic or extended_statistic",
                ));
            }
        } else {
            for key in [
                "metric_name",
                "namespace",
                "period",
                "statistic",
                "extended_statistic",
                "dimensions",
                "unit",
            ] {
                if given(key) {
                    out.push(problem(
                        key,
                        format!("{key} cannot be used with metric_query: give it in the query's metric block"),
                    ));
                }
            }
            let returning = queries
                .iter()
                .filter(|q| q.get("return_data").as_bool() == Some(true))
                .count();
            if returning > 1 {
                out.push(problem(
                    "metric_query",
                    "exactly one metric_query may set return_data = true: the one the alarm watches",
                ));
            }
            for q in queries.iter().filter(|q| !q.get("expression").is_unknown()) {
                let has_metric = !first_block(q, "metric").is_null();
                if has_metric == is_set(&q.get("expression")) {
                    out.push(problem(
                        "metric_query",
                        format!(
                            "metric_query {:?} needs either a metric block or an expression, not both and not neither",
                            q.get("id").as_str().unwrap_or("")
                        ),
                    ));
                }
            }
        }
        if given("statistic") && given("extended_statistic") {
            out.push(problem(
                "extended_statistic",
                "\"statistic\" and \"extended_statistic\" cannot both be set: remove one of them",
            ));
        }
        if let Some(p) = config.get("period").as_f64() {
            if !(p == 10.0 || p == 30.0 || (p >= 60.0 && p % 60.0 == 0.0)) {
                out.push(problem("period", "period is 10, 30 or a multiple of 60 seconds"));
            }
        }
        let comparison = config.get("comparison_operator");
        let anomaly = comparison.as_str().is_some_and(|c| COMPARISONS[4..].contains(&c));
        if comparison.as_str().is_some() && !anomaly && queries.is_empty() && missing("threshold") {
            out.push(problem(
                "threshold",
                "a static-threshold alarm needs threshold (an anomaly detection alarm uses threshold_metric_id)",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st: State = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "actions_enabled", Value::Bool(true));
        crate::support::attrs::default_to(&mut st, "treat_missing_data", Value::string("missing"));
        if st
            .get("evaluate_low_sample_count_percentiles")
            .is_some_and(Value::is_unknown)
        {
            // CloudWatch reports it only for percentile alarms.
            st.insert(
                "evaluate_low_sample_count_percentiles".into(),
                match prior {
                    Some(p) => p.get("evaluate_low_sample_count_percentiles"),
                    None if proposed.get("extended_statistic").is_null() => Value::Null,
                    None => Value::UNKNOWN,
                },
            );
        }
        st.put("id", proposed.get("alarm_name"));
        if prior.is_none() {
            st.insert("arn".into(), Value::UNKNOWN);
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let tags: Option<Vec<Tag>> = super::tag_list(&string_map(&planned.get("tags_all")));
        if let Some(name) = sref(planned, "alarm_name") {
            (step.intent)(name);
        }
        match self.put(ctx, planned, tags) {
            Ok(name) => created_outcome(
                &self.schema(),
                planned,
                &[("id", Value::string(&name))],
                self.fetch(ctx, &name, planned),
                || {
                    ProviderError::new(
                        "ResourceNotFound",
                        format!("CloudWatch Metric Alarm ({name}) is gone after its create"),
                    )
                },
            ),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "alarm_name").unwrap_or_default().to_string();
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let result = self
            .put(ctx, planned, None)
            .and_then(|_| tag_sync(ctx, &arn, prior, planned));
        update_outcome(prior, result, self.fetch(ctx, &name, planned), || {
            ProviderError::new("ResourceNotFound", format!("CloudWatch Metric Alarm ({name}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "alarm_name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Metric Alarm ({name})"),
            ctx.cloudwatch.delete_alarms().alarm_names(name).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "alarm_name").or_else(|| sref(prior, "id")) {
            Some(name) => self.fetch(ctx, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the alarm's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
