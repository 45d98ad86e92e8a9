//! `aws_cloudformation_stack` and the CloudFormation data sources against a private moto
//! server: change sets planned and executed, stack events streamed, parameters validated
//! against the template, exports read back. Every result is checked with the AWS SDK directly.

mod common;

use common::Harness;
use engine::core::provider::{ApplyRequest, PlanResponse, ReadDataRequest};
use engine::core::value::{map, Value};
use std::sync::Mutex;

/// The shared harness, with a provider that sends every service to moto (the shared one routes
/// only S3, IAM and STS there).
fn harness() -> Harness {
    Harness::new().with_endpoints(&["s3", "iam", "sts", "cloudformation", "ssm", "dynamodb", "kms"])
}

/// Applies one change with the plan's private data; returns the new state and the error.
fn apply_change(
    h: &Harness,
    type_name: &str,
    prior: Option<&Value>,
    planned: Option<&Value>,
    private: Option<&str>,
) -> (Option<Value>, Option<engine::core::provider::ProviderError>) {
    let response = h.provider.apply(engine::core::provider::ApplyRequest {
        type_name,
        prior,
        planned,
        journal: &h.journal,
        progress: &|_| {},
        private,
    });
    (response.new_state, response.error)
}

/// Attributes and blocks whose planned value differs from the prior, as the engine sees it.
fn changed_attrs(h: &Harness, type_name: &str, prior: &Value, planned: &Value) -> Vec<String> {
    engine::plan::diff::changed_attributes(&h.schema(type_name), prior, planned)
}

const STACK: &str = "aws_cloudformation_stack";
const EXPORT: &str = "infinstor-test-topic-arn";

fn cfn(h: &Harness) -> aws_sdk_cloudformation::Client {
    aws_sdk_cloudformation::Client::new(&h.sdk_config())
}

/// The first template: a topic named after two parameters, its ARN exported.
fn template_v1() -> String {
    serde_json::json!({
        "Parameters": {
            "Env": {"Type": "String", "AllowedValues": ["dev", "prod"]},
            "Prefix": {"Type": "String", "AllowedPattern": "[a-z]+", "Default": "app"}
        },
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Prefix}-${Env}"}}}
        },
        "Outputs": {
            "TopicArn": {"Value": {"Ref": "Topic"}, "Export": {"Name": EXPORT}},
            "EnvName": {"Value": {"Ref": "Env"}}
        }
    })
    .to_string()
}

/// The second template: the first plus a queue.
fn template_v2() -> String {
    let mut t: serde_json::Value = serde_json::from_str(&template_v1()).expect("json");
    t["Resources"]["Queue"] = serde_json::json!({
        "Type": "AWS::SQS::Queue",
        "Properties": {"QueueName": {"Fn::Sub": "${Prefix}-queue"}}
    });
    serde_json::to_string_pretty(&t).expect("json")
}

fn params(pairs: &[(&str, &str)]) -> Value {
    map(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}

fn stack_config(name: &str, template: &str, parameters: Value) -> Value {
    map([
        ("name", Value::from(name)),
        ("template_body", Value::from(template)),
        ("parameters", parameters),
        ("tags", map([("team", Value::from("platform"))])),
    ])
}

/// Plans through the provider the way the engine does.
fn plan(h: &Harness, prior: Option<&Value>, config: &Value) -> PlanResponse {
    h.plan(STACK, prior, config).unwrap_or_else(|e| panic!("plan: {e}"))
}

/// Applies a planned change with its private data, collecting the progress lines.
fn apply(h: &Harness, prior: Option<&Value>, planned: Option<&Value>, private: Option<&str>) -> (Value, Vec<String>) {
    let lines = Mutex::new(Vec::new());
    let progress = |m: &str| lines.lock().expect("lines").push(m.to_string());
    let response = h.provider.apply(ApplyRequest {
        type_name: STACK,
        prior,
        planned,
        journal: &h.journal,
        progress: &progress,
        private,
    });
    if let Some(e) = response.error {
        panic!("apply: {e}");
    }
    let lines = lines.into_inner().expect("lines");
    (response.new_state.unwrap_or(Value::Null), lines)
}

fn param<'a>(stack: &'a aws_sdk_cloudformation::types::Stack, key: &str) -> Option<&'a str> {
    stack
        .parameters()
        .iter()
        .find(|p| p.parameter_key() == Some(key))
        .and_then(|p| p.parameter_value())
}

fn changed(h: &Harness, prior: &Value, planned: &Value) -> Vec<String> {
    changed_attrs(&h, STACK, prior, planned)
}

#[test]
fn stack_lifecycle_with_change_sets_events_and_exports() {
    let h = harness();
    let cf = cfn(&h);
    let name = "infinstor-stack";
    let config = stack_config(name, &template_v1(), params(&[("Env", "dev")]));
    assert!(
        h.validate(STACK, &config).is_empty(),
        "{:?}",
        h.validate(STACK, &config)
    );

    // Create: a plan against no state makes no change set; apply streams the stack's events.
    let planned = plan(&h, None, &config);
    assert_eq!(planned.private, None);
    assert!(planned.details.is_empty());
    assert_eq!(planned.planned.get("outputs"), Value::UNKNOWN);
    let (state, lines) = apply(&h, None, Some(&planned.planned), None);
    common::assert_complete(&h.schema(STACK), &state);
    assert_eq!(h.intents(), vec![name.to_string()]);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("CREATE_COMPLETE") && l.contains("AWS::CloudFormation::Stack")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("CREATE_IN_PROGRESS")), "{lines:?}");
    let stack_id = state.get("id").as_str().expect("id").to_string();
    assert!(stack_id.starts_with("arn:aws:cloudformation:us-east-1:"), "{stack_id}");
    assert_eq!(state.get("stack_status"), Value::from("CREATE_COMPLETE"));
    assert_eq!(state.get("parameters"), params(&[("Env", "dev")]));
    let topic_arn = "arn:aws:sns:us-east-1:123456789012:app-dev";
    assert_eq!(
        state.get("outputs"),
        params(&[("TopicArn", topic_arn), ("EnvName", "dev")])
    );
    assert_eq!(state.get("tags_all"), params(&[("team", "platform")]));

    // What AWS has, seen through the SDK.
    let described =
        h.rt.block_on(cf.describe_stacks().stack_name(name).send())
            .expect("describe");
    let stack = &described.stacks()[0];
    assert_eq!(stack.stack_id(), Some(stack_id.as_str()));
    assert_eq!(param(stack, "Env"), Some("dev"));
    assert_eq!(stack.tags()[0].key(), Some("team"));

    // No drift and no change: not even for a reformatted template.
    assert_eq!(h.read(STACK, &state), Some(state.clone()));
    let reformatted: serde_json::Value = serde_json::from_str(&template_v1()).expect("json");
    let reformatted = serde_json::to_string_pretty(&reformatted).expect("json");
    let same = plan(
        &h,
        Some(&state),
        &stack_config(name, &reformatted, params(&[("Env", "dev")])),
    );
    assert!(
        changed(&h, &state, &same.planned).is_empty(),
        "{:?}",
        changed(&h, &state, &same.planned)
    );
    assert_eq!(same.private, None);
    assert!(same.details.is_empty());

    // Exports and the stack itself through the data sources.
    let export = h
        .provider
        .read_data(ReadDataRequest {
            type_name: "aws_cloudformation_export",
            config: &map([("name", Value::from(EXPORT))]),
        })
        .expect("export");
    assert_eq!(export.get("value"), Value::from(topic_arn));
    assert_eq!(export.get("exporting_stack_id"), Value::from(stack_id.as_str()));
    let missing = h.provider.read_data(ReadDataRequest {
        type_name: "aws_cloudformation_export",
        config: &map([("name", Value::from("no-such-export"))]),
    });
    assert!(missing.is_err_and(|e| e.message.contains("no-such-export")));
    let data = h
        .provider
        .read_data(ReadDataRequest {
            type_name: STACK,
            config: &map([("name", Value::from(name))]),
        })
        .expect("stack data source");
    assert_eq!(data.get("outputs").get("EnvName"), Value::from("dev"));
    assert_eq!(data.get("parameters").get("Prefix"), Value::from("app"));

    // Update: the plan makes a change set, shows its resource changes, and apply executes it.
    let config2 = stack_config(name, &template_v2(), params(&[("Env", "prod")]));
    let planned2 = plan(&h, Some(&state), &config2);
    let arn = planned2.private.clone().expect("a change set ARN");
    assert!(arn.contains(":changeSet/infinstor-"), "{arn}");
    assert!(
        planned2
            .details
            .iter()
            .any(|l| l == "CloudFormation: Add AWS::SQS::Queue Queue"),
        "{:?}",
        planned2.details
    );
    assert_eq!(planned2.planned.get("outputs"), Value::UNKNOWN);
    let cs =
        h.rt.block_on(cf.describe_change_set().change_set_name(&arn).send())
            .expect("change set");
    assert_eq!(cs.status().map(|s| s.as_str()), Some("CREATE_COMPLETE"));
    assert!(
        cs.parameters()
            .iter()
            .any(|p| p.parameter_key() == Some("Env") && p.parameter_value() == Some("prod")),
        "{:?}",
        cs.parameters()
    );
    // Planning the same change again finds the same change set.
    let again = plan(&h, Some(&state), &config2);
    assert_eq!(again.private.as_deref(), Some(arn.as_str()));

    let (updated, lines) = apply(&h, Some(&state), Some(&planned2.planned), Some(&arn));
    assert!(lines.iter().any(|l| l.contains("UPDATE_COMPLETE")), "{lines:?}");
    let cs =
        h.rt.block_on(cf.describe_change_set().change_set_name(&arn).send())
            .expect("change set");
    assert_eq!(cs.execution_status().map(|s| s.as_str()), Some("EXECUTE_COMPLETE"));
    assert_eq!(updated.get("stack_status"), Value::from("UPDATE_COMPLETE"));
    assert_eq!(updated.get("parameters"), params(&[("Env", "prod")]));
    // (moto keeps the outputs it computed before ExecuteChangeSet, so they are checked after
    // the UpdateStack below, which recomputes them.)
    assert_eq!(updated.get("template_body"), Value::from(template_v2()));
    let described =
        h.rt.block_on(cf.describe_stacks().stack_name(name).send())
            .expect("describe");
    assert_eq!(param(&described.stacks()[0], "Env"), Some("prod"));
    assert_eq!(h.read(STACK, &updated), Some(updated.clone()));

    // Import by name: every parameter, defaults included.
    let imported = h.import(STACK, name).expect("imported");
    assert_eq!(imported.get("id"), Value::from(stack_id.as_str()));
    assert_eq!(imported.get("parameters").get("Prefix"), Value::from("app"));
    // A configuration that leaves a defaulted parameter out does not plan its removal.
    let after_import = plan(&h, Some(&imported), &config2);
    assert_eq!(after_import.planned.get("parameters"), imported.get("parameters"));

    // Without a change set (a plan made elsewhere), the update falls back to UpdateStack.
    let config3 = map([
        ("name", Value::from(name)),
        ("template_body", Value::from(template_v2())),
        ("parameters", params(&[("Env", "prod"), ("Prefix", "web")])),
        ("tags", map([("team", Value::from("data"))])),
    ]);
    let planned3 = plan(&h, Some(&updated), &config3);
    let (tagged, _) = apply(&h, Some(&updated), Some(&planned3.planned), None);
    assert_eq!(tagged.get("tags"), params(&[("team", "data")]));
    let described =
        h.rt.block_on(cf.describe_stacks().stack_name(name).send())
            .expect("describe");
    assert_eq!(described.stacks()[0].tags()[0].value(), Some("data"));
    assert_eq!(param(&described.stacks()[0], "Prefix"), Some("web"));
    assert_eq!(tagged.get("outputs").get("EnvName"), Value::from("prod"));

    // Delete: streamed, and the stack is gone.
    let (gone, lines) = apply(&h, Some(&tagged), None, None);
    assert_eq!(gone, Value::Null);
    assert!(lines.iter().any(|l| l.contains("DELETE_COMPLETE")), "{lines:?}");
    let described =
        h.rt.block_on(cf.describe_stacks().stack_name(&stack_id).send())
            .expect("describe by id");
    assert_eq!(
        described.stacks()[0].stack_status().map(|s| s.as_str()),
        Some("DELETE_COMPLETE")
    );
    assert_eq!(h.read(STACK, &tagged), None);
    // Deleting what is gone is success.
    h.destroy(STACK, &tagged);
}

#[test]
fn parameters_are_checked_against_the_template() {
    let h = harness();
    let check = |parameters: Value| {
        let config = stack_config("infinstor-validate", &template_v1(), parameters);
        h.validate(STACK, &config)
    };
    assert!(check(params(&[("Env", "prod"), ("Prefix", "web")])).is_empty());

    let missing = check(Value::Null);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].attribute.as_deref(), Some("parameters.Env"));
    assert!(missing[0].message.contains("required"), "{}", missing[0].message);

    let unknown = check(params(&[("Env", "dev"), ("Stage", "x")]));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].attribute.as_deref(), Some("parameters.Stage"));
    assert!(unknown[0].message.contains("not declared"), "{}", unknown[0].message);
    assert!(unknown[0].message.contains("Env, Prefix"), "{}", unknown[0].message);

    let not_allowed = check(params(&[("Env", "staging")]));
    assert_eq!(not_allowed[0].attribute.as_deref(), Some("parameters.Env"));
    assert!(
        not_allowed[0]
            .message
            .contains("\"staging\" is not one of the allowed values (dev, prod)"),
        "{}",
        not_allowed[0].message
    );

    let bad_pattern = check(params(&[("Env", "dev"), ("Prefix", "Web-1")]));
    assert_eq!(bad_pattern[0].attribute.as_deref(), Some("parameters.Prefix"));
    assert!(
        bad_pattern[0].message.contains("allowed pattern [a-z]+"),
        "{}",
        bad_pattern[0].message
    );

    // A value known only at apply is checked then.
    assert!(check(map([("Env", Value::UNKNOWN)])).is_empty());

    // YAML templates are checked the same way.
    let yaml = "Parameters:\n  Env:\n    Type: String\n    AllowedValues: [dev, prod]\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n";
    let problems = h.validate(
        STACK,
        &map([
            ("name", Value::from("infinstor-yaml")),
            ("template_body", Value::from(yaml)),
            ("parameters", params(&[("Env", "qa")])),
        ]),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].attribute.as_deref(), Some("parameters.Env"));

    // Broken JSON and conflicting arguments.
    let problems = h.validate(
        STACK,
        &map([
            ("name", Value::from("infinstor-bad")),
            ("template_body", Value::from("{\"Resources\": ")),
            ("on_failure", Value::from("DELETE")),
            ("disable_rollback", Value::Bool(true)),
        ]),
    );
    let attrs: Vec<_> = problems.iter().filter_map(|p| p.attribute.clone()).collect();
    assert!(attrs.contains(&"template_body".to_string()), "{problems:?}");
    assert!(attrs.contains(&"on_failure".to_string()), "{problems:?}");
}

#[test]
fn yaml_stack_and_replacement_of_a_stack_that_cannot_be_updated() {
    let h = harness();
    let yaml = "\
# A topic
Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: yaml-topic
Outputs:
  Arn:
    Value: !Ref Topic
";
    let config = map([
        ("name", Value::from("infinstor-yaml")),
        ("template_body", Value::from(yaml)),
    ]);
    let state = h.create(STACK, config.clone());
    assert_eq!(
        state.get("outputs").get("Arn"),
        Value::from("arn:aws:sns:us-east-1:123456789012:yaml-topic")
    );
    assert_eq!(state.get("template_body"), Value::from(yaml));
    assert_eq!(h.read(STACK, &state), Some(state.clone()));
    // Other comments and quoting in a YAML template are no change.
    let reformatted = yaml
        .replace("# A topic", "# The topic, reformatted")
        .replace("TopicName: yaml-topic", "TopicName: \"yaml-topic\"  # quoted now");
    let same = plan(
        &h,
        Some(&state),
        &map([
            ("name", Value::from("infinstor-yaml")),
            ("template_body", Value::from(reformatted)),
        ]),
    );
    assert!(
        changed(&h, &state, &same.planned).is_empty(),
        "{:?}",
        changed(&h, &state, &same.planned)
    );

    // A stack whose create failed and rolled back cannot be updated: the plan replaces it,
    // without asking AWS (the status is in state).
    let mut stuck = state.as_map().expect("map").clone();
    stuck.insert("stack_status".into(), Value::from("ROLLBACK_COMPLETE"));
    let stuck = Value::Map(stuck.into());
    let planned = plan(&h, Some(&stuck), &config);
    assert_eq!(planned.requires_replace, vec!["stack_status".to_string()]);
    assert_eq!(planned.private, None);
    let changed = changed(&h, &stuck, &planned.planned);
    assert!(changed.contains(&"stack_status".to_string()), "{changed:?}");

    h.destroy(STACK, &state);

    // A template CloudFormation rejects outright fails the create with its reason, and leaves
    // nothing to record.
    let bad = map([
        ("name", Value::from("infinstor-bad")),
        (
            "template_body",
            Value::from(
                r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Fn::GetAtt": ["Missing", "Arn"]}}}}}"#,
            ),
        ),
    ]);
    let planned = plan(&h, None, &bad);
    let (state, error) = apply_change(&h, STACK, None, Some(&planned.planned), None);
    assert_eq!(state, None);
    let error = error.expect("an error");
    assert!(
        error.message.contains("creating CloudFormation Stack (infinstor-bad)"),
        "{}",
        error.message
    );
    assert!(error.message.contains("Missing"), "{}", error.message);
}
