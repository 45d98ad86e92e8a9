//! aws_lambda_function_url: a function's HTTPS endpoint, with its auth type and CORS. A URL
//! open to everyone (`authorization_type = "NONE"`) also needs the policy statement that lets
//! anyone invoke it, which the create adds as the AWS provider does.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, invalid, set_of_strings, set_value, sref, string_set, Put,
    State,
};
use crate::support::error::found;
use aws_sdk_lambda::types::{Cors, FunctionUrlAuthType, InvokeMode};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

pub(super) struct FunctionUrl;

/// The statement the AWS provider adds for a public URL.
const PUBLIC_STATEMENT: &str = "FunctionURLAllowPublicAccess";

fn cors(planned: &Value) -> Option<Cors> {
    let c = first_block(planned, "cors");
    if c.is_null() {
        return None;
    }
    let list = |k: &str| Some(string_set(&c.get(k))).filter(|l| !l.is_empty());
    Some(
        Cors::builder()
            .set_allow_credentials(c.get("allow_credentials").as_bool())
            .set_allow_headers(list("allow_headers"))
            .set_allow_methods(list("allow_methods"))
            .set_allow_origins(list("allow_origins"))
            .set_expose_headers(list("expose_headers"))
            .set_max_age(c.get("max_age").as_f64().map(|n| n as i32))
            .build(),
    )
}

fn url_id(function: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) => format!("{function}/{q}"),
        None => function.to_string(),
    }
}

impl FunctionUrl {
    fn fetch(
        &self,
        ctx: &Ctx,
        function: &str,
        qualifier: Option<&str>,
        prior: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading Lambda Function URL ({})", url_id(function, qualifier)),
            ctx.lambda
                .get_function_url_config()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_string))
                .send(),
        ))?
        else {
            return Ok(None);
        };
        let url = out.function_url().to_string();
        let mut st: State = into_state(prior);
        st.put("id", url_id(function, qualifier));
        st.put("function_name", sref(prior, "function_name").unwrap_or(function));
        st.put("qualifier", qualifier);
        st.put("function_arn", out.function_arn());
        st.put("authorization_type", out.auth_type().as_str());
        // The URL's ID is its host's first label.
        st.put(
            "url_id",
            url.trim_start_matches("https://").split('.').next().unwrap_or_default(),
        );
        st.put("function_url", url.as_str());
        st.put(
            "invoke_mode",
            out.invoke_mode()
                .map(|m| m.as_str().to_ascii_uppercase())
                .unwrap_or_else(|| "BUFFERED".into()),
        );
        let strings = |l: &[String]| if l.is_empty() { Value::Null } else { set_value(l) };
        st.put(
            "cors",
            Value::List(
                out.cors()
                    .map(|c| {
                        map([
                            ("allow_credentials", c.allow_credentials().into()),
                            ("allow_headers", strings(c.allow_headers())),
                            ("allow_methods", strings(c.allow_methods())),
                            ("allow_origins", strings(c.allow_origins())),
                            ("expose_headers", strings(c.expose_headers())),
                            ("max_age", c.max_age().map(i64::from).into()),
                        ])
                    })
                    .into_iter()
                    .collect::<Vec<_>>()
                    .into(),
            ),
        );
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for FunctionUrl {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function_url"
    }

    fn schema(&self) -> Schema {
        let cors = Schema::new()
            .attr("allow_credentials", Attribute::optional(Type::Bool))
            .attr("allow_headers", Attribute::optional(set_of_strings()))
            .attr("allow_methods", Attribute::optional(set_of_strings()))
            .attr("allow_origins", Attribute::optional(set_of_strings()))
            .attr("expose_headers", Attribute::optional(set_of_strings()))
            .attr("max_age", Attribute::optional(Type::Number));
        Schema::new()
            .attr("function_name", Attribute::required(Type::String).force_new())
            .attr("qualifier", Attribute::optional(Type::String).force_new())
            .attr(
                "authorization_type",
                Attribute::required(Type::String).one_of(&["AWS_IAM", "NONE"]),
            )
            .attr(
                "invoke_mode",
                Attribute::optional(Type::String).one_of(&["BUFFERED", "RESPONSE_STREAM"]),
            )
            .block("cors", Nesting::Single, cors)
            .attr("function_arn", Attribute::computed(Type::String))
            .attr("function_url", Attribute::computed(Type::String))
            .attr("url_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .timeouts(&["create"])
    }

    fn validate(&self, config: &Value) -> Vec<engine::core::provider::ValidateProblem> {
        crate::support::timeouts::check(config)
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "invoke_mode", Value::string("BUFFERED"));
        if let Some((f, q)) = super::function_and_qualifier(&proposed) {
            st.put("id", url_id(&f, q.as_deref()));
        }
        if prior.is_none() {
            for k in ["function_arn", "function_url", "url_id"] {
                st.insert(k.into(), Value::UNKNOWN);
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((function, qualifier)) = super::function_and_qualifier(planned) else {
            return ApplyOutcome::failed(invalid("creating Lambda Function URL: function_name must be known"));
        };
        let auth = sref(planned, "authorization_type").unwrap_or("AWS_IAM");
        let id = url_id(&function, qualifier.as_deref());
        (step.intent)(&id);
        let made = call(
            ctx,
            &format!("creating Lambda Function URL ({id})"),
            ctx.lambda
                .create_function_url_config()
                .function_name(&function)
                .set_qualifier(qualifier.clone())
                .auth_type(FunctionUrlAuthType::from(auth))
                .set_invoke_mode(sref(planned, "invoke_mode").map(InvokeMode::from))
                .set_cors(cors(planned))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        let mut result = Ok(());
        if auth == "NONE" {
            let added = call(
                ctx,
                &format!("allowing everyone to call Lambda Function URL ({id})"),
                ctx.lambda
                    .add_permission()
                    .function_name(&function)
                    .set_qualifier(qualifier.clone())
                    .statement_id(PUBLIC_STATEMENT)
                    .action("lambda:InvokeFunctionUrl")
                    .principal("*")
                    .function_url_auth_type(FunctionUrlAuthType::None)
                    .send(),
            );
            // Already there (a URL made before, by hand or by Terraform): nothing to add.
            result = match added {
                Err(e) if e.code == "ResourceConflictException" => Ok(()),
                other => other.map(drop),
            };
        }
        let read = self.fetch(ctx, &function, qualifier.as_deref(), planned);
        match result {
            Ok(()) => created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Function URL ({id}) is gone after its create"),
                )
            }),
            Err(e) => match read {
                Ok(Some(state)) => ApplyOutcome::partial(state, e),
                _ => ApplyOutcome::failed(e),
            },
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((function, qualifier)) = super::function_and_qualifier(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Lambda Function URL: the prior state has no function_name"),
            );
        };
        let id = url_id(&function, qualifier.as_deref());
        let result = call(
            ctx,
            &format!("updating Lambda Function URL ({id})"),
            ctx.lambda
                .update_function_url_config()
                .function_name(&function)
                .set_qualifier(qualifier.clone())
                .set_auth_type(sref(planned, "authorization_type").map(FunctionUrlAuthType::from))
                .set_invoke_mode(sref(planned, "invoke_mode").map(InvokeMode::from))
                // No block is no CORS: an empty configuration clears it.
                .cors(cors(planned).unwrap_or_else(|| Cors::builder().build()))
                .send(),
        )
        .map(drop);
        update_outcome(
            prior,
            result,
            self.fetch(ctx, &function, qualifier.as_deref(), planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Function URL ({id}) is gone"),
                )
            },
        )
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((function, qualifier)) = super::function_and_qualifier(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!(
                "deleting Lambda Function URL ({})",
                url_id(&function, qualifier.as_deref())
            ),
            ctx.lambda
                .delete_function_url_config()
                .function_name(&function)
                .set_qualifier(qualifier)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match super::function_and_qualifier(prior) {
            Some((f, q)) => self.fetch(ctx, &f, q.as_deref(), prior),
            None => Ok(None),
        }
    }

    /// Import ID: `FUNCTION_NAME` or `FUNCTION_NAME/QUALIFIER`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (function, qualifier) = match id.split_once('/') {
            Some((f, q)) if !f.is_empty() && !q.is_empty() => (f, Some(q)),
            None if !id.is_empty() => (id, None),
            _ => {
                return Err(ProviderError::new(
                    "InvalidImportId",
                    format!(
                    "import ID {id:?} of aws_lambda_function_url: write it as FUNCTION_NAME or FUNCTION_NAME/QUALIFIER"
                ),
                ))
            }
        };
        self.fetch(ctx, function, qualifier, &Value::Null)
    }
}
