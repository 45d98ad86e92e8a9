//! aws_cloudwatch_dashboard: a dashboard's JSON body, put whole on every change.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, invalid, json_object, problem, same_json, sref, Put, State,
};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct Dashboard;

impl Dashboard {
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading CloudWatch Dashboard ({name})"),
            ctx.cloudwatch.get_dashboard().dashboard_name(name).send(),
        ))?
        else {
            return Ok(None);
        };
        let body = out.dashboard_body().unwrap_or_default();
        let mut st: State = into_state(prior);
        st.put("dashboard_name", name);
        st.put("id", name);
        st.put("dashboard_arn", out.dashboard_arn());
        // CloudWatch rewrites the JSON: the body as written stays while it means the same.
        st.put(
            "dashboard_body",
            match sref(prior, "dashboard_body") {
                Some(p) if same_json(p, body) => p,
                _ => body,
            },
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<String, ProviderError> {
        let (Some(name), Some(body)) = (sref(planned, "dashboard_name"), sref(planned, "dashboard_body")) else {
            return Err(invalid(
                "putting CloudWatch Dashboard: dashboard_name and dashboard_body must be known",
            ));
        };
        let out = call(
            ctx,
            &format!("putting CloudWatch Dashboard ({name})"),
            ctx.cloudwatch
                .put_dashboard()
                .dashboard_name(name)
                .dashboard_body(body)
                .send(),
        )?;
        // CloudWatch accepts a body with problems and says which: they are errors here.
        let problems: Vec<String> = out
            .dashboard_validation_messages()
            .iter()
            .map(|m| {
                format!(
                    "{}: {}",
                    m.data_path().unwrap_or("body"),
                    m.message().unwrap_or_default()
                )
            })
            .collect();
        if !problems.is_empty() {
            return Err(ProviderError::new(
                "InvalidParameterInput",
                format!("CloudWatch Dashboard ({name}) has problems: {}", problems.join("; ")),
            ));
        }
        Ok(name.to_string())
    }
}

impl ResourceType for Dashboard {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_dashboard"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("dashboard_name", Attribute::required(Type::String).force_new())
            .attr("dashboard_body", Attribute::required(Type::String).json())
            .attr("dashboard_arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(body) = config.get("dashboard_body").as_str() {
            if !json_object(body) {
                out.push(problem(
                    "dashboard_body",
                    "dashboard_body must be a JSON object (use jsonencode)",
                ));
            }
        }
        if let Some(name) = config.get("dashboard_name").as_str() {
            if name.is_empty()
                || name.len() > 255
                || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                out.push(problem(
                    "dashboard_name",
                    "a dashboard's name is 1 to 255 letters, digits, '-' and '_'",
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("dashboard_name"));
        if prior.is_none() {
            st.insert("dashboard_arn".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if let Some(name) = sref(planned, "dashboard_name") {
            (step.intent)(name);
        }
        match self.put(ctx, planned) {
            Ok(name) => created_outcome(
                &self.schema(),
                planned,
                &[("id", Value::string(&name))],
                self.fetch(ctx, &name, planned),
                || {
                    ProviderError::new(
                        "ResourceNotFound",
                        format!("CloudWatch Dashboard ({name}) is gone after its create"),
                    )
                },
            ),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "dashboard_name").unwrap_or_default().to_string();
        let result = self.put(ctx, planned).map(drop);
        update_outcome(prior, result, self.fetch(ctx, &name, planned), || {
            ProviderError::new("ResourceNotFound", format!("CloudWatch Dashboard ({name}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "dashboard_name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Dashboard ({name})"),
            ctx.cloudwatch.delete_dashboards().dashboard_names(name).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "dashboard_name").or_else(|| sref(prior, "id")) {
            Some(name) => self.fetch(ctx, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the dashboard's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
