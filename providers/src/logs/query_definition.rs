//! aws_cloudwatch_query_definition: a saved CloudWatch Logs Insights query, with the log groups
//! it runs over. Every argument changes in place (PutQueryDefinition with its ID).

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, list_of_strings, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_cloudwatchlogs::types::QueryDefinition as Saved;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct QueryDefinition;

fn groups(v: &Value) -> Option<Vec<String>> {
    let items: Vec<String> = v
        .get("log_group_names")
        .as_list()?
        .iter()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect();
    Some(items)
}

impl QueryDefinition {
    /// The saved query with this ID, among those whose name starts with `name`.
    fn find(&self, ctx: &Ctx, id: &str, name: Option<&str>) -> Result<Option<Saved>, ProviderError> {
        let mut token: Option<String> = None;
        loop {
            let page = found(call(
                ctx,
                &format!("reading CloudWatch Logs Query Definition ({id})"),
                ctx.logs
                    .describe_query_definitions()
                    .set_query_definition_name_prefix(name.map(str::to_string))
                    .set_next_token(token.clone())
                    .send(),
            ))?;
            let Some(page) = page else { return Ok(None) };
            if let Some(q) = page
                .query_definitions()
                .iter()
                .find(|q| q.query_definition_id() == Some(id))
            {
                return Ok(Some(q.clone()));
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
    }

    fn state(&self, q: &Saved, prior: &Value) -> Value {
        let mut st = State::new();
        st.put("id", q.query_definition_id());
        st.put("query_definition_id", q.query_definition_id());
        st.put("name", q.name());
        st.put("query_string", q.query_string());
        let names = q.log_group_names();
        // No groups reads as none: null when the configuration gave none.
        st.put(
            "log_group_names",
            if names.is_empty() && prior.get("log_group_names").is_null() {
                Value::Null
            } else {
                Value::from(names.to_vec())
            },
        );
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.find(ctx, id, sref(prior, "name"))?.map(|q| self.state(&q, prior)))
    }

    fn put(&self, ctx: &Ctx, v: &Value, id: Option<&str>) -> Result<Option<String>, ProviderError> {
        let name = sref(v, "name").unwrap_or_default();
        let out = call(
            ctx,
            &format!("saving CloudWatch Logs Query Definition ({name})"),
            ctx.logs
                .put_query_definition()
                .name(name)
                .query_string(sref(v, "query_string").unwrap_or_default())
                .set_log_group_names(groups(v))
                .set_query_definition_id(id.map(str::to_string))
                .send(),
        )?;
        Ok(out.query_definition_id().map(str::to_string))
    }
}

impl ResourceType for QueryDefinition {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_query_definition"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("query_string", Attribute::required(Type::String))
            .attr("log_group_names", Attribute::optional(list_of_strings()))
            .attr("query_definition_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            let bad = name.is_empty()
                || name.len() > 255
                || name.contains([':', '*'])
                || name.starts_with('/')
                || name.ends_with('/');
            if bad {
                out.push(problem(
                    "name",
                    "a query definition's name is 1 to 255 characters, without \":\" or \"*\", and neither starts nor ends with \"/\" (folders are written \"folder/name\")",
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if let Some(p) = prior {
            st.insert("id".into(), p.get("id"));
            st.insert("query_definition_id".into(), p.get("query_definition_id"));
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = sref(planned, "name").unwrap_or_default().to_string();
        (step.progress)(&format!("saving CloudWatch Logs Query Definition {name}"));
        let id = match self.put(ctx, planned, None) {
            Ok(Some(id)) => id,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("saving CloudWatch Logs Query Definition ({name}): no ID came back"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id)), ("query_definition_id", Value::string(&id))],
            self.read_id(ctx, &id, planned),
            || {
                ProviderError::new(
                    "NotFound",
                    format!("CloudWatch Logs Query Definition ({id}) is gone right after it was saved"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = self.put(ctx, planned, Some(&id)).map(|_| ());
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("CloudWatch Logs Query Definition ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting CloudWatch Logs Query Definition {id}"));
        found(call(
            ctx,
            &format!("deleting CloudWatch Logs Query Definition ({id})"),
            ctx.logs.delete_query_definition().query_definition_id(id).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the query definition's ARN
    /// (`arn:aws:logs:REGION:ACCOUNT:query-definition:ID`), as in the AWS provider.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some(uuid) = id
            .split(":query-definition:")
            .nth(1)
            .filter(|u| id.starts_with("arn:") && !u.is_empty())
        else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_cloudwatch_query_definition: write its ARN, arn:aws:logs:REGION:ACCOUNT:query-definition:ID"),
            ));
        };
        self.read_id(ctx, uuid, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    //! The emulator has no query definitions: these run against CloudWatch Logs' documented
    //! answers through the SDK's replay client (every request checked).
    use super::*;
    use crate::replay::{ctx, sent, Answer};
    use engine::core::value::map;

    fn listing(query: &str) -> Answer {
        Answer::json(
            200,
            serde_json::json!({"queryDefinitions": [
                {"queryDefinitionId": "other", "name": "errors/old", "queryString": "x"},
                {"queryDefinitionId": "q-1", "name": "errors/top", "queryString": query, "logGroupNames": ["/app"]}
            ]}),
        )
    }

    #[test]
    fn a_saved_query_is_created_read_changed_in_place_imported_and_deleted() {
        let (ctx, replay) = ctx(vec![
            Answer::json(200, serde_json::json!({"queryDefinitionId": "q-1"})),
            listing("fields @message"),
            Answer::json(200, serde_json::json!({"queryDefinitionId": "q-1"})),
            listing("fields @message | limit 10"),
            listing("fields @message | limit 10"),
            Answer::json(200, serde_json::json!({"success": true})),
            Answer::json(200, serde_json::json!({"queryDefinitions": []})),
        ]);
        let kind = QueryDefinition;
        let config = map([
            ("name", Value::from("errors/top")),
            ("query_string", Value::from("fields @message")),
            ("log_group_names", Value::from(vec!["/app"])),
            ("id", Value::UNKNOWN),
            ("query_definition_id", Value::UNKNOWN),
        ]);
        let (planned, _) = kind.plan(&ctx, None, config).expect("plan");
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(state.get("id"), Value::from("q-1"));
        assert_eq!(state.get("query_definition_id"), Value::from("q-1"));

        let changed = map([
            ("name", Value::from("errors/top")),
            ("query_string", Value::from("fields @message | limit 10")),
            ("log_group_names", Value::from(vec!["/app"])),
            ("id", Value::UNKNOWN),
            ("query_definition_id", Value::UNKNOWN),
        ]);
        let (planned, replace) = kind.plan(&ctx, Some(&state), changed).expect("plan");
        assert!(replace.is_empty());
        assert_eq!(planned.get("id"), Value::from("q-1"), "an update keeps the ID");
        let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        assert_eq!(
            updated.expect("state").get("query_string"),
            Value::from("fields @message | limit 10")
        );

        let imported = kind
            .import(&ctx, "arn:aws:logs:us-east-1:123456789012:query-definition:q-1")
            .expect("import")
            .expect("found");
        assert_eq!(imported.get("name"), Value::from("errors/top"));
        assert!(
            kind.import(&ctx, "q-1").is_err(),
            "an ID alone is refused with the ARN's form"
        );

        kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
        assert_eq!(kind.read(&ctx, &state).expect("read"), None);

        // Every answer was asked for: a put, a read, a put with the ID, two reads, a delete, a read.
        let sent = sent(&replay);
        assert_eq!(sent.len(), 7, "{sent:?}");
        assert!(
            sent[0].2.contains("\"queryString\":\"fields @message\"") && !sent[0].2.contains("queryDefinitionId"),
            "{}",
            sent[0].2
        );
        assert!(
            sent[1].2.contains("\"queryDefinitionNamePrefix\":\"errors/top\""),
            "{}",
            sent[1].2
        );
        assert!(sent[2].2.contains("\"queryDefinitionId\":\"q-1\""), "{}", sent[2].2);
        assert_eq!(sent[5].2, r#"{"queryDefinitionId":"q-1"}"#);
    }
}
