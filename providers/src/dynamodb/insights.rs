//! aws_dynamodb_contributor_insights: CloudWatch Contributor Insights turned on for a table or
//! one of its global secondary indexes. Every argument replaces it; destroy turns it off.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, invalid, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_dynamodb::types::{ContributorInsightsAction, ContributorInsightsMode, ContributorInsightsStatus};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct ContributorInsights;

/// The AWS provider's limit for the create and the delete.
const FIVE_MINUTES: Duration = Duration::from_secs(300);

/// The AWS provider's ID: `name:TABLE/index:INDEX/ACCOUNT`.
fn insights_id(table: &str, index: Option<&str>, account: &str) -> String {
    format!("name:{table}/index:{}/{account}", index.unwrap_or_default())
}

/// The table and index an ID names.
fn parse_id(id: &str) -> Option<(String, Option<String>)> {
    let parts: Vec<&str> = id.split('/').collect();
    if parts.len() != 3 || parts[0].is_empty() || parts[2].is_empty() {
        return None;
    }
    let table = parts[0].trim_start_matches("name:").to_string();
    let index = parts[1].trim_start_matches("index:");
    Some((table, (!index.is_empty()).then(|| index.to_string())))
}

impl ContributorInsights {
    /// Contributor Insights' status for the table or index; `None` when off or gone.
    fn status(
        &self,
        ctx: &Ctx,
        table: &str,
        index: Option<&str>,
    ) -> Result<Option<(String, Option<String>)>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading the Contributor Insights of DynamoDB Table ({table})"),
            ctx.dynamodb
                .describe_contributor_insights()
                .table_name(table)
                .set_index_name(index.map(str::to_string))
                .send(),
        ))?;
        Ok(out
            .filter(|o| o.contributor_insights_status() != Some(&ContributorInsightsStatus::Disabled))
            .map(|o| {
                (
                    o.contributor_insights_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    o.contributor_insights_mode().map(|m| m.as_str().to_string()),
                )
            }))
    }

    fn fetch(
        &self,
        ctx: &Ctx,
        table: &str,
        index: Option<&str>,
        prior: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let Some((_, mode)) = self.status(ctx, table, index)? else {
            return Ok(None);
        };
        let account = ctx.caller_account()?.0;
        let mut st: State = into_state(prior);
        st.put("id", insights_id(table, index, &account));
        st.put("table_name", table);
        st.put("index_name", index);
        st.put("mode", mode);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn switch(
        &self,
        ctx: &Ctx,
        table: &str,
        index: Option<&str>,
        planned: &Value,
        on: bool,
    ) -> Result<(), ProviderError> {
        let what = if on { "turning on" } else { "turning off" };
        call(
            ctx,
            &format!("{what} the Contributor Insights of DynamoDB Table ({table})"),
            ctx.dynamodb
                .update_contributor_insights()
                .table_name(table)
                .set_index_name(index.map(str::to_string))
                .contributor_insights_action(if on {
                    ContributorInsightsAction::Enable
                } else {
                    ContributorInsightsAction::Disable
                })
                .set_contributor_insights_mode(sref(planned, "mode").filter(|_| on).map(ContributorInsightsMode::from))
                .send(),
        )
        .map(drop)
    }

    fn wait(
        &self,
        ctx: &Ctx,
        table: &str,
        index: Option<&str>,
        on: bool,
        limit: Duration,
        step: &Step<'_>,
    ) -> Result<(), ProviderError> {
        Waiter::new(format!("the Contributor Insights of DynamoDB Table ({table})"), limit)
            .progress(step.progress)
            .wait(|| {
                Ok(match (self.status(ctx, table, index)?, on) {
                    (Some((s, _)), true) if s == "ENABLED" => Poll::Ready(()),
                    (Some((s, _)), true) if s == "FAILED" => {
                        return Err(ProviderError::new(
                            "ContributorInsightsFailed",
                            format!("Contributor Insights of DynamoDB Table ({table}) failed to turn on"),
                        ))
                    }
                    (None, false) => Poll::Ready(()),
                    (Some((s, _)), _) => Poll::Pending(s),
                    (None, true) => Poll::Pending("DISABLED".into()),
                })
            })
    }
}

impl ResourceType for ContributorInsights {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_contributor_insights"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("table_name", Attribute::required(Type::String).force_new())
            .attr("index_name", Attribute::optional(Type::String).force_new())
            .attr(
                "mode",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&["ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS"]),
            )
            .attr("id", Attribute::computed(Type::String))
            .timeouts(&["create", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        timeouts::check(config)
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if prior.is_none() {
            st.insert("id".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(table) = sref(planned, "table_name") else {
            return ApplyOutcome::failed(invalid("turning on Contributor Insights: table_name must be known"));
        };
        let index = sref(planned, "index_name");
        (step.intent)(&insights_id(table, index, ""));
        let limit = timeouts::limit(planned, "create", FIVE_MINUTES);
        if let Err(e) = self
            .switch(ctx, table, index, planned, true)
            .and_then(|_| self.wait(ctx, table, index, true, limit, step))
        {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, table, index, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("the Contributor Insights of DynamoDB Table ({table}) are off after the create"),
                )
            },
        )
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, _planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument replaces it: nothing changes in place.
        ApplyOutcome::Done(prior.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(table) = sref(prior, "table_name") else {
            return Ok(());
        };
        let index = sref(prior, "index_name");
        if found(self.switch(ctx, table, index, prior, false).map(|_| ()))?.is_none() {
            return Ok(());
        }
        self.wait(
            ctx,
            table,
            index,
            false,
            timeouts::limit(prior, "delete", FIVE_MINUTES),
            step,
        )
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "table_name") {
            Some(table) => self.fetch(ctx, table, sref(prior, "index_name"), prior),
            None => Ok(None),
        }
    }

    /// Import ID: `name:TABLE/index:INDEX/ACCOUNT_ID` (the index part empty for the table).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((table, index)) = parse_id(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_dynamodb_contributor_insights: write it as name:TABLE/index:INDEX/ACCOUNT_ID (index: empty for the table)"),
            ));
        };
        self.fetch(ctx, &table, index.as_deref(), &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    //! The emulator has no Contributor Insights: these run against DynamoDB's documented
    //! answers through the SDK's replay client (every request checked).
    use super::*;
    use crate::replay::{ctx, sent, Answer};
    use engine::core::value::map;

    fn json(body: serde_json::Value) -> Answer {
        Answer {
            status: 200,
            content_type: "application/x-amz-json-1.0",
            body: body.to_string(),
            headers: Vec::new(),
        }
    }

    fn status(s: &str) -> Answer {
        json(
            serde_json::json!({"TableName": "orders", "IndexName": "by-day", "ContributorInsightsStatus": s, "ContributorInsightsRuleList": []}),
        )
    }

    #[test]
    fn insights_on_an_index_are_turned_on_waited_for_read_imported_and_turned_off() {
        let (ctx, replay) = ctx(vec![
            json(
                serde_json::json!({"TableName": "orders", "IndexName": "by-day", "ContributorInsightsStatus": "ENABLING"}),
            ),
            status("ENABLING"),
            status("ENABLED"),
            status("ENABLED"),
            status("ENABLED"),
            json(
                serde_json::json!({"TableName": "orders", "IndexName": "by-day", "ContributorInsightsStatus": "DISABLING"}),
            ),
            status("DISABLED"),
        ]);
        let kind = ContributorInsights;
        let config = map([
            ("table_name", Value::from("orders")),
            ("index_name", Value::from("by-day")),
            ("mode", Value::UNKNOWN),
            ("id", Value::UNKNOWN),
        ]);
        let (planned, _) = kind.plan(&ctx, None, config).expect("plan");
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(state.get("id"), Value::from("name:orders/index:by-day/123456789012"));

        let imported = kind
            .import(&ctx, "name:orders/index:by-day/123456789012")
            .expect("import")
            .expect("found");
        assert_eq!(imported.get("index_name"), Value::from("by-day"));
        assert!(
            kind.import(&ctx, "orders").is_err(),
            "an ID of another shape is refused"
        );

        kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
        let sent = sent(&replay);
        assert_eq!(sent.len(), 7, "{sent:?}");
        assert!(
            sent[0].2.contains(r#""ContributorInsightsAction":"ENABLE""#),
            "{}",
            sent[0].2
        );
        assert!(sent[0].2.contains(r#""IndexName":"by-day""#), "{}", sent[0].2);
        assert!(
            sent[5].2.contains(r#""ContributorInsightsAction":"DISABLE""#),
            "{}",
            sent[5].2
        );
    }
}
