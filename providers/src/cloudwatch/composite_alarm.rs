//! aws_cloudwatch_composite_alarm: an alarm whose state is a rule over other alarms' states.
//! Every change is one PutCompositeAlarm of the whole alarm, as for a metric alarm.

use super::{alarm_tags, tag_list, tag_sync};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, invalid, map_of_strings, problem, set_of_strings,
    set_value, sref, string_map, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_cloudwatch::types::{AlarmType, CompositeAlarm};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

pub(super) struct Composite;

const ACTIONS: [&str; 3] = ["alarm_actions", "ok_actions", "insufficient_data_actions"];

fn describe(ctx: &Ctx, name: &str) -> Result<Option<CompositeAlarm>, ProviderError> {
    let out = call(
        ctx,
        &format!("reading CloudWatch Composite Alarm ({name})"),
        ctx.cloudwatch
            .describe_alarms()
            .alarm_names(name)
            .alarm_types(AlarmType::CompositeAlarm)
            .send(),
    )?;
    Ok(out
        .composite_alarms()
        .iter()
        .find(|a| a.alarm_name() == Some(name))
        .cloned())
}

impl Composite {
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(a) = describe(ctx, name)? else {
            return Ok(None);
        };
        let arn = a.alarm_arn().unwrap_or_default().to_string();
        let mut st: State = into_state(prior);
        st.put("id", name);
        st.put("alarm_name", name);
        st.put("arn", arn.as_str());
        st.put("alarm_description", a.alarm_description());
        st.put("alarm_rule", a.alarm_rule());
        st.put("actions_enabled", a.actions_enabled().unwrap_or(true));
        for (key, list) in [
            (ACTIONS[0], a.alarm_actions()),
            (ACTIONS[1], a.ok_actions()),
            (ACTIONS[2], a.insufficient_data_actions()),
        ] {
            st.put(key, if list.is_empty() { Value::Null } else { set_value(list) });
        }
        let suppressor = a.actions_suppressor().map(|alarm| {
            map([
                ("alarm", Value::string(alarm)),
                (
                    "extension_period",
                    a.actions_suppressor_extension_period().map(i64::from).into(),
                ),
                ("wait_period", a.actions_suppressor_wait_period().map(i64::from).into()),
            ])
        });
        st.put(
            "actions_suppressor",
            Value::List(suppressor.into_iter().collect::<Vec<_>>().into()),
        );
        let (tags, all) = split_tags(ctx, &prior.get("tags"), alarm_tags(ctx, &arn)?);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    /// Creates or replaces the whole alarm as `planned` has it (tags only at create).
    fn put(&self, ctx: &Ctx, name: &str, planned: &Value, create: bool) -> Result<(), ProviderError> {
        let list = |key: &str| {
            let items = string_set(&planned.get(key));
            (!items.is_empty()).then_some(items)
        };
        let suppressor = first_block(planned, "actions_suppressor");
        let tags = if create {
            tag_list(&string_map(&planned.get("tags_all")))
        } else {
            None
        };
        call(
            ctx,
            &format!("putting CloudWatch Composite Alarm ({name})"),
            ctx.cloudwatch
                .put_composite_alarm()
                .alarm_name(name)
                .set_alarm_rule(sref(planned, "alarm_rule").map(str::to_string))
                .set_alarm_description(sref(planned, "alarm_description").map(str::to_string))
                .set_actions_enabled(planned.get("actions_enabled").as_bool())
                .set_alarm_actions(list(ACTIONS[0]))
                .set_ok_actions(list(ACTIONS[1]))
                .set_insufficient_data_actions(list(ACTIONS[2]))
                .set_actions_suppressor(sref(&suppressor, "alarm").map(str::to_string))
                .set_actions_suppressor_extension_period(suppressor.get("extension_period").as_f64().map(|n| n as i32))
                .set_actions_suppressor_wait_period(suppressor.get("wait_period").as_f64().map(|n| n as i32))
                .set_tags(tags)
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for Composite {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_composite_alarm"
    }

    fn schema(&self) -> Schema {
        let suppressor = Schema::new()
            .attr("alarm", Attribute::required(Type::String))
            .attr("extension_period", Attribute::required(Type::Number))
            .attr("wait_period", Attribute::required(Type::Number));
        let schema = Schema::new()
            .attr("alarm_name", Attribute::required(Type::String).force_new())
            .attr("alarm_rule", Attribute::required(Type::String))
            .attr("alarm_description", Attribute::optional(Type::String))
            .attr("actions_enabled", Attribute::optional(Type::Bool));
        ACTIONS
            .iter()
            .fold(schema, |s, k| s.attr(k, Attribute::optional(set_of_strings())))
            .block("actions_suppressor", Nesting::Single, suppressor)
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let length = |key: &str, min: usize, max: usize, out: &mut Vec<ValidateProblem>| {
            if let Some(v) = sref(config, key) {
                if v.len() < min || v.len() > max {
                    out.push(problem(key, format!("{key} is {min} to {max} characters")));
                }
            }
        };
        length("alarm_name", 1, 255, &mut out);
        length("alarm_rule", 1, 10240, &mut out);
        length("alarm_description", 0, 1024, &mut out);
        for key in ACTIONS {
            if config.get(key).as_list().is_some_and(|l| l.len() > 5) {
                out.push(problem(key, format!("{key} takes at most 5 actions")));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "actions_enabled", Value::Bool(true));
        st.put("id", proposed.get("alarm_name"));
        if prior.is_none() {
            st.insert("arn".into(), Value::UNKNOWN);
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "alarm_name") else {
            return ApplyOutcome::failed(invalid("putting CloudWatch Composite Alarm: alarm_name must be known"));
        };
        (step.intent)(name);
        if let Err(e) = self.put(ctx, name, planned, true) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(name))],
            self.fetch(ctx, name, planned),
            || {
                ProviderError::new(
                    "ResourceNotFound",
                    format!("CloudWatch Composite Alarm ({name}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "alarm_name").unwrap_or_default().to_string();
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let result = self
            .put(ctx, &name, planned, false)
            .and_then(|_| tag_sync(ctx, &arn, prior, planned));
        update_outcome(prior, result, self.fetch(ctx, &name, planned), || {
            ProviderError::new(
                "ResourceNotFound",
                format!("CloudWatch Composite Alarm ({name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "alarm_name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Composite Alarm ({name})"),
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

#[cfg(test)]
mod tests {
    //! The emulator has no composite alarms: these run against CloudWatch's documented (query
    //! protocol, XML) answers through the SDK's replay client (every request checked).
    use super::*;
    use crate::replay::{ctx, sent, Answer};

    const XMLNS: &str = "http://monitoring.amazonaws.com/doc/2010-08-01/";

    fn xml(body: String) -> Answer {
        Answer {
            status: 200,
            content_type: "text/xml",
            body,
            headers: Vec::new(),
        }
    }

    fn done(action: &str) -> Answer {
        xml(format!(
            "<{action}Response xmlns=\"{XMLNS}\"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        ))
    }

    fn described(rule: &str) -> Answer {
        xml(format!(
            "<DescribeAlarmsResponse xmlns=\"{XMLNS}\"><DescribeAlarmsResult><MetricAlarms/><CompositeAlarms><member>\
             <AlarmName>service-down</AlarmName>\
             <AlarmArn>arn:aws:cloudwatch:us-east-1:123456789012:alarm:service-down</AlarmArn>\
             <AlarmRule>{rule}</AlarmRule>\
             <ActionsEnabled>true</ActionsEnabled>\
             <AlarmActions><member>arn:aws:sns:us-east-1:123456789012:pager</member></AlarmActions>\
             <OKActions/><InsufficientDataActions/>\
             <ActionsSuppressor>maintenance</ActionsSuppressor>\
             <ActionsSuppressorWaitPeriod>120</ActionsSuppressorWaitPeriod>\
             <ActionsSuppressorExtensionPeriod>60</ActionsSuppressorExtensionPeriod>\
             </member></CompositeAlarms></DescribeAlarmsResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeAlarmsResponse>"
        ))
    }

    fn tags(team: &str) -> Answer {
        xml(format!(
            "<ListTagsForResourceResponse xmlns=\"{XMLNS}\"><ListTagsForResourceResult><Tags><member><Key>team</Key><Value>{team}</Value></member></Tags></ListTagsForResourceResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ListTagsForResourceResponse>"
        ))
    }

    fn config(rule: &str, team: &str) -> Value {
        map([
            ("alarm_name", Value::from("service-down")),
            ("alarm_rule", Value::from(rule)),
            ("alarm_description", Value::Null),
            ("actions_enabled", Value::Null),
            (
                "alarm_actions",
                Value::from(vec!["arn:aws:sns:us-east-1:123456789012:pager"]),
            ),
            ("ok_actions", Value::Null),
            ("insufficient_data_actions", Value::Null),
            (
                "actions_suppressor",
                Value::List(
                    vec![map([
                        ("alarm", Value::from("maintenance")),
                        ("wait_period", Value::from(120i64)),
                        ("extension_period", Value::from(60i64)),
                    ])]
                    .into(),
                ),
            ),
            ("tags", map([("team", Value::from(team))])),
            ("tags_all", Value::UNKNOWN),
            ("arn", Value::UNKNOWN),
            ("id", Value::UNKNOWN),
        ])
    }

    #[test]
    fn a_composite_alarm_is_put_read_changed_imported_and_deleted() {
        let first = "ALARM(api-5xx) OR ALARM(api-latency)";
        let second = "ALARM(api-5xx) AND NOT ALARM(maintenance)";
        let (ctx, replay) = ctx(vec![
            done("PutCompositeAlarm"),
            described(first),
            tags("ml"),
            done("PutCompositeAlarm"),
            done("TagResource"),
            described(second),
            tags("data"),
            described(second),
            tags("data"),
            done("DeleteAlarms"),
        ]);
        let kind = Composite;
        let (planned, _) = kind.plan(&ctx, None, config(first, "ml")).expect("plan");
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(
            state.get("arn"),
            Value::from("arn:aws:cloudwatch:us-east-1:123456789012:alarm:service-down")
        );
        assert_eq!(state.get("actions_enabled"), Value::Bool(true));
        assert_eq!(
            first_block(&state, "actions_suppressor").get("wait_period"),
            Value::from(120i64)
        );

        let (planned, replace) = kind.plan(&ctx, Some(&state), config(second, "data")).expect("plan");
        assert!(replace.is_empty());
        let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        assert_eq!(updated.expect("state").get("alarm_rule"), Value::from(second));

        let imported = kind.import(&ctx, "service-down").expect("import").expect("found");
        assert_eq!(imported.get("tags"), map([("team", Value::from("data"))]));
        kind.delete(&ctx, &state, &Step::QUIET).expect("delete");

        let sent = sent(&replay);
        assert_eq!(sent.len(), 10, "{sent:?}");
        assert!(sent[0].2.contains("Action=PutCompositeAlarm"), "{}", sent[0].2);
        assert!(
            sent[0].2.contains("Tags.member.1.Key=team"),
            "tags at create: {}",
            sent[0].2
        );
        assert!(sent[0].2.contains("ActionsSuppressorWaitPeriod=120"), "{}", sent[0].2);
        assert!(
            !sent[3].2.contains("Tags.member"),
            "no tags in an update's put: {}",
            sent[3].2
        );
        assert!(sent[4].2.contains("Action=TagResource"), "{}", sent[4].2);
        assert!(sent[9].2.contains("Action=DeleteAlarms"), "{}", sent[9].2);
    }
}
