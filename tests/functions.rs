//! Lambda through the binary against the emulator: a function from a zip file (environment,
//! memory, reserved concurrency, published versions, tags, a layer), a public URL with CORS, a
//! permission in its policy and an alias on its newest version; a function's asynchronous
//! invocation settings. Create, no-op re-plan, new code and configuration in place (a new
//! version, the alias following it), replacement, a change made outside, import and destroy,
//! each read back through the SDK.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

/// A zip archive holding one file, stored (not compressed), as a function's code.
pub(crate) fn zip_of(name: &str, content: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let (crc, size, name_len) = (crc32(content), content.len() as u32, name.len() as u16);
    let mut local = Vec::new();
    local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 0, 0, 0x21] {
        local.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        local.extend_from_slice(&v.to_le_bytes());
    }
    local.extend_from_slice(&name_len.to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes());
    local.extend_from_slice(name.as_bytes());
    local.extend_from_slice(content);
    let mut central = Vec::new();
    central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    for v in [20u16, 20, 0, 0, 0, 0x21] {
        central.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        central.extend_from_slice(&v.to_le_bytes());
    }
    for v in [name_len, 0, 0, 0, 0] {
        central.extend_from_slice(&v.to_le_bytes());
    }
    central.extend_from_slice(&0u32.to_le_bytes());
    central.extend_from_slice(&0u32.to_le_bytes());
    central.extend_from_slice(name.as_bytes());
    let mut out = local.clone();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&(local.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn config(memory: u32, stage: &str, sid: &str) -> String {
    with_layer(memory, stage, sid, "shared code", "https://example.com")
}

fn with_layer(memory: u32, stage: &str, sid: &str, layer: &str, origin: &str) -> String {
    format!(
        r#"
resource "aws_lambda_layer_version" "libs" {{
  layer_name          = "shared-libs"
  filename            = "layer.zip"
  description         = "{layer}"
  compatible_runtimes = ["python3.12"]
}}

resource "aws_lambda_function_url" "api" {{
  function_name      = aws_lambda_function.api.function_name
  authorization_type = "NONE"
  cors {{
    allow_origins = ["{origin}"]
    allow_methods = ["GET", "POST"]
    max_age       = 300
  }}
}}

resource "aws_iam_role" "fn" {{
  name               = "fn-runner"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}] }})
}}

resource "aws_lambda_function" "api" {{
  function_name                  = "orders-api"
  role                           = aws_iam_role.fn.arn
  filename                       = "fn.zip"
  source_code_hash               = filebase64sha256("fn.zip")
  handler                        = "main.handler"
  runtime                        = "python3.12"
  memory_size                    = {memory}
  timeout                        = 10
  publish                        = true
  reserved_concurrent_executions = 5
  layers                         = [aws_lambda_layer_version.libs.arn]
  environment {{
    variables = {{ STAGE = "{stage}" }}
  }}
  tags = {{ team = "orders" }}
}}

resource "aws_lambda_permission" "s3" {{
  statement_id   = "{sid}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.api.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = "arn:aws:s3:::orders-uploads"
  source_account = "123456789012"
}}

resource "aws_lambda_alias" "live" {{
  name             = "live"
  function_name    = aws_lambda_function.api.function_name
  function_version = aws_lambda_function.api.version
  description      = "what callers use"
}}
"#
    )
}

/// The layer version's ARN as state records it.
fn layer_arn(ws: &crate::util::Workspace) -> String {
    let state = ws.state();
    state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["type"] == "aws_lambda_layer_version")
        .and_then(|r| r["instances"][0]["attributes"]["arn"].as_str())
        .expect("the layer version in state")
        .to_string()
}

/// The first version of a function's code, `fn.zip` in the workspace.
fn write_first_code(ws: &crate::util::Workspace) {
    std::fs::write(
        ws.path("fn.zip"),
        zip_of("main.py", b"def handler(e, c):\n    return 1\n"),
    )
    .expect("zip");
}

fn lambda(moto: &Moto) -> aws_sdk_lambda::Client {
    aws_sdk_lambda::Client::new(&moto.sdk_config())
}

/// (memory, STAGE, reserved concurrency) of the function, if it exists.
fn function(moto: &Moto) -> Option<(i32, String, Option<i32>)> {
    block_on(async {
        let out = lambda(moto)
            .get_function()
            .function_name("orders-api")
            .send()
            .await
            .ok()?;
        let c = out.configuration()?;
        Some((
            c.memory_size()?,
            c.environment()
                .and_then(|e| e.variables())
                .and_then(|v| v.get("STAGE"))
                .cloned()
                .unwrap_or_default(),
            out.concurrency().and_then(|c| c.reserved_concurrent_executions()),
        ))
    })
}

fn alias_version(moto: &Moto) -> Option<String> {
    block_on(async {
        let out = lambda(moto)
            .get_alias()
            .function_name("orders-api")
            .name("live")
            .send()
            .await
            .ok()?;
        out.function_version().map(str::to_string)
    })
}

fn policy(moto: &Moto) -> String {
    block_on(async {
        lambda(moto)
            .get_policy()
            .function_name("orders-api")
            .send()
            .await
            .map(|o| o.policy().unwrap_or_default().to_string())
            .unwrap_or_default()
    })
}

#[test]
fn a_function_its_layer_url_permission_and_alias_live_through_new_code_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    write_first_code(&ws);
    std::fs::write(ws.path("layer.zip"), zip_of("python/libs.py", b"X = 1\n")).expect("zip");
    ws.write("main.tf", &config(256, "test", "AllowS3"));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(function(&moto), Some((256, "test".into(), Some(5))));
    assert_eq!(alias_version(&moto).as_deref(), Some("1"));
    assert!(policy(&moto).contains("AllowS3"), "{}", policy(&moto));
    assert!(
        policy(&moto).contains("FunctionURLAllowPublicAccess"),
        "a public URL's statement: {}",
        policy(&moto)
    );
    let url = ws.run(&["state", "show", "aws_lambda_function_url.api"]);
    assert!(url.stdout.contains(".lambda-url.us-east-1.on.aws"), "{}", url.stdout);
    let show = ws.run(&["state", "show", "aws_lambda_function.api"]);
    assert!(
        show.stdout.contains("invoke_arn")
            && show
                .stdout
                .contains("apigateway:us-east-1:lambda:path/2015-03-31/functions/"),
        "{}",
        show.stdout
    );

    // Import: the permission by FUNCTION/STATEMENT, the alias by FUNCTION/ALIAS, the function by
    // name. As in Terraform, what Lambda does not keep (the zip's file name, `publish`, the
    // hash given for the code) is not imported: the next apply uploads the code again and
    // publishes it.
    reimport(&ws, "aws_lambda_permission.s3", "orders-api/AllowS3");
    reimport(&ws, "aws_lambda_alias.live", "orders-api/live");
    reimport(&ws, "aws_lambda_function_url.api", "orders-api");

    ws.run(&["state", "rm", "aws_lambda_function.api"]).expect_code(0);
    ws.run(&["import", "aws_lambda_function.api", "orders-api"])
        .expect_code(0);
    let plan = planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    assert!(
        plan.stdout.contains("~ filename             = null -> \"fn.zip\""),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(alias_version(&moto).as_deref(), Some("2"));

    // New code and configuration: one update of the function, a new version, the alias follows.
    std::fs::write(
        ws.path("fn.zip"),
        zip_of("main.py", b"def handler(e, c):\n    return 2\n"),
    )
    .expect("zip");
    ws.write("main.tf", &config(512, "prod", "AllowS3"));
    let plan = planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    assert!(plan.stdout.contains("~ source_code_hash"), "{}", plan.stdout);
    assert!(
        plan.stdout.contains("version") && plan.stdout.contains("(known after apply)"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(function(&moto), Some((512, "prod".into(), Some(5))));
    assert_eq!(alias_version(&moto).as_deref(), Some("3"));

    // Outside: memory changed by hand is put back.
    block_on(async {
        lambda(&moto)
            .update_function_configuration()
            .function_name("orders-api")
            .memory_size(1024)
            .send()
            .await
            .expect("by hand")
    });
    let plan = planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    assert!(plan.stdout.contains("1024 -> 512"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(function(&moto).map(|f| f.0), Some(512));

    // A new statement ID replaces the permission.
    ws.write("main.tf", &config(512, "prod", "AllowUploads"));
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let now = policy(&moto);
    assert!(now.contains("AllowUploads") && !now.contains("AllowS3"), "{now}");

    // A new layer description is a new layer version; the function takes it in place. The
    // URL's CORS changes in place.
    ws.write(
        "main.tf",
        &with_layer(512, "prod", "AllowUploads", "shared code v2", "https://example.org"),
    );
    planned_changes(&ws, "Plan: 1 to add, 3 to change, 1 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let layers = block_on(async {
        let out = lambda(&moto)
            .get_function()
            .function_name("orders-api")
            .send()
            .await
            .expect("function");
        let c = out.configuration().expect("configuration");
        c.layers()
            .iter()
            .filter_map(|l| l.arn().map(str::to_string))
            .collect::<Vec<_>>()
    });
    assert!(
        layers.len() == 1 && layers[0].ends_with(":layer:shared-libs:2"),
        "{layers:?}"
    );

    // A missing zip file is an error that names it.
    std::fs::remove_file(ws.path("fn.zip")).expect("remove");
    let broken = ws.run(&["plan"]);
    assert_ne!(broken.code, 0);
    assert!(broken.stderr.contains("fn.zip"), "{}", broken.stderr);
    std::fs::write(
        ws.path("fn.zip"),
        zip_of("main.py", b"def handler(e, c):\n    return 2\n"),
    )
    .expect("zip");

    // A layer version is imported by its ARN; as in Terraform, its file name is not known
    // from AWS, so the plan after shows the replacement the configuration's file asks for.
    let arn = layer_arn(&ws);
    ws.run(&["state", "rm", "aws_lambda_layer_version.libs"]).expect_code(0);
    ws.run(&["import", "aws_lambda_layer_version.libs", &arn])
        .expect_code(0);
    let plan = ws.run(&["plan"]);
    assert!(
        plan.stdout
            .contains("filename                    = null -> \"layer.zip\" # forces replacement"),
        "{}",
        plan.stdout
    );

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(function(&moto), None);
}

/// A function `name` (resource `resource`) running fn.zip's `main.handler` as role `role`.
pub(crate) fn function_from_zip(resource: &str, name: &str, role: &str) -> String {
    format!(
        r#"
resource "aws_iam_role" "fn" {{
  name               = "{role}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}] }})
}}

resource "aws_lambda_function" "{resource}" {{
  function_name    = "{name}"
  role             = aws_iam_role.fn.arn
  filename         = "fn.zip"
  source_code_hash = filebase64sha256("fn.zip")
  handler          = "main.handler"
  runtime          = "python3.12"
}}
"#
    )
}

fn mapping(batch: u32, enabled: bool) -> String {
    let function = function_from_zip("worker", "jobs-worker", "fn-reader");
    format!(
        r#"

resource "aws_sqs_queue" "jobs" {{
  name = "jobs"
}}

{function}
resource "aws_lambda_event_source_mapping" "jobs" {{
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.function_name
  batch_size       = {batch}
  enabled          = {enabled}
  filter_criteria {{
    filter {{
      pattern = jsonencode({{ body = {{ kind = ["order"] }} }})
    }}
  }}
  scaling_config {{
    maximum_concurrency = 5
  }}
}}
"#
    )
}

/// (batch size, state) of the worker's one mapping, if any.
fn mapping_of(moto: &Moto) -> Option<(i32, String)> {
    block_on(async {
        let out = lambda(moto)
            .list_event_source_mappings()
            .function_name("jobs-worker")
            .send()
            .await
            .ok()?;
        let m = out.event_source_mappings().first()?;
        Some((m.batch_size()?, m.state()?.to_string()))
    })
}

#[test]
fn a_queue_feeds_a_function_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    write_first_code(&ws);
    ws.write("main.tf", &mapping(5, true));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(mapping_of(&moto), Some((5, "Enabled".into())));

    // Import by the mapping's UUID.
    let uuid = block_on(async {
        let out = lambda(&moto)
            .list_event_source_mappings()
            .send()
            .await
            .expect("mappings");
        out.event_source_mappings()[0].uuid().expect("uuid").to_string()
    });
    reimport(&ws, "aws_lambda_event_source_mapping.jobs", &uuid);

    // In place: the batch size, and the mapping turned off.
    ws.write("main.tf", &mapping(8, false));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(mapping_of(&moto), Some((8, "Disabled".into())));

    // Outside: a batch size changed by hand is put back.
    block_on(async {
        lambda(&moto)
            .update_event_source_mapping()
            .uuid(&uuid)
            .batch_size(2)
            .send()
            .await
            .expect("by hand")
    });
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(plan.stdout.contains("2 -> 8"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(mapping_of(&moto).map(|m| m.0), Some(8));

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(mapping_of(&moto), None);
}

fn shipping(pattern: &str) -> String {
    let function = function_from_zip("shipper", "log-shipper", "log-shipper");
    format!(
        r#"

{function}
resource "aws_lambda_permission" "logs" {{
  statement_id  = "AllowLogs"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.shipper.function_name
  principal     = "logs.amazonaws.com"
  source_arn    = "${{aws_cloudwatch_log_group.app.arn}}:*"
}}

resource "aws_cloudwatch_log_group" "app" {{
  name = "/app/orders"
}}

resource "aws_cloudwatch_log_subscription_filter" "errors" {{
  name            = "errors"
  log_group_name  = aws_cloudwatch_log_group.app.name
  filter_pattern  = "{pattern}"
  destination_arn = aws_lambda_function.shipper.arn
  depends_on      = [aws_lambda_permission.logs]
}}
"#
    )
}

fn filter_pattern(moto: &Moto) -> Option<String> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    block_on(async {
        let out = logs
            .describe_subscription_filters()
            .log_group_name("/app/orders")
            .send()
            .await
            .ok()?;
        out.subscription_filters()
            .first()
            .and_then(|f| f.filter_pattern().map(str::to_string))
    })
}

#[test]
fn a_log_groups_errors_are_shipped_to_a_function_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    write_first_code(&ws);
    ws.write("main.tf", &shipping("ERROR"));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(filter_pattern(&moto).as_deref(), Some("ERROR"));

    // Import: LOG_GROUP|FILTER.
    reimport(
        &ws,
        "aws_cloudwatch_log_subscription_filter.errors",
        "/app/orders|errors",
    );

    // In place: the pattern.
    ws.write("main.tf", &shipping("?ERROR ?FATAL"));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(filter_pattern(&moto).as_deref(), Some("?ERROR ?FATAL"));

    // Outside: a pattern changed by hand is put back.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    let function_arn = "arn:aws:lambda:us-east-1:123456789012:function:log-shipper";
    block_on(async {
        logs.put_subscription_filter()
            .log_group_name("/app/orders")
            .filter_name("errors")
            .filter_pattern("WARN")
            .destination_arn(function_arn)
            .send()
            .await
            .expect("by hand")
    });
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(plan.stdout.contains("\"WARN\" -> \"?ERROR ?FATAL\""), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(filter_pattern(&moto), None);
}

fn async_config(retries: u32, failure_destination: bool) -> String {
    let destination = if failure_destination {
        "  destination_config {\n    on_failure {\n      destination = aws_sqs_queue.failed.arn\n    }\n  }\n"
    } else {
        ""
    };
    format!(
        r#"
resource "aws_iam_role" "fn" {{
  name               = "worker-runner"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ Service = "lambda.amazonaws.com" }} }}] }})
}}

resource "aws_sqs_queue" "failed" {{
  name = "worker-failures"
}}

resource "aws_lambda_function" "worker" {{
  function_name    = "orders-worker"
  role             = aws_iam_role.fn.arn
  filename         = "fn.zip"
  source_code_hash = filebase64sha256("fn.zip")
  handler          = "main.handler"
  runtime          = "python3.12"
}}

resource "aws_lambda_function_event_invoke_config" "worker" {{
  function_name                = aws_lambda_function.worker.function_name
  maximum_event_age_in_seconds = 3600
  maximum_retry_attempts       = {retries}
{destination}}}
"#
    )
}

/// (retries, age, on-failure destination) as Lambda holds them; `None` when there is no
/// configuration.
fn async_settings(moto: &Moto) -> Option<(i32, Option<i32>, Option<String>)> {
    block_on(async {
        let out = lambda(moto)
            .get_function_event_invoke_config()
            .function_name("orders-worker")
            .send()
            .await
            .ok()?;
        Some((
            out.maximum_retry_attempts().unwrap_or(-1),
            out.maximum_event_age_in_seconds(),
            out.destination_config()
                .and_then(|d| d.on_failure())
                .and_then(|f| f.destination())
                .map(str::to_string),
        ))
    })
}

#[test]
fn asynchronous_invocation_settings_live_through_create_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    write_first_code(&ws);
    ws.write("main.tf", &async_config(1, true));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (retries, age, failure) = async_settings(&moto).expect("the settings");
    assert_eq!((retries, age), (1, Some(3600)));
    assert!(failure.is_some_and(|d| d.ends_with(":worker-failures")));

    // In place (fewer retries, no destination) is checked against Lambda's documented answers
    // in the provider's unit tests (lambda/event_invoke_config.rs): the emulator adds a second
    // configuration on a second put instead of replacing the first.

    // Import by the function's name; a wrong ID says how to write it.
    reimport(&ws, "aws_lambda_function_event_invoke_config.worker", "orders-worker");
    ws.run(&["state", "rm", "aws_lambda_function_event_invoke_config.worker"])
        .expect_code(0);
    let bad = ws
        .run(&["import", "aws_lambda_function_event_invoke_config.worker", "a:b:c"])
        .expect_code(1);
    assert!(bad.stderr.contains("FUNCTION_NAME:QUALIFIER"), "{}", bad.stderr);
    ws.run(&[
        "import",
        "aws_lambda_function_event_invoke_config.worker",
        "orders-worker",
    ])
    .expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A bad value is refused before anything is sent.
    ws.write("main.tf", &async_config(3, false));
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(
        bad.stderr.contains("maximum_retry_attempts is 0, 1 or 2"),
        "{}",
        bad.stderr
    );

    ws.write("main.tf", &async_config(0, false));
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(async_settings(&moto), None);
}

/// Provisioned concurrency and the recursion setting, which the emulator lacks (their calls are
/// checked on Lambda's documented answers in lambda/concurrency.rs): through the binary as far
/// as `validate` and `plan`.
#[test]
fn provisioned_concurrency_and_the_recursion_setting_validate_and_plan() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    write_first_code(&ws);
    let config = |n: i64, setting: &str| {
        async_config(1, false)
            + &format!(
                r#"
resource "aws_lambda_provisioned_concurrency_config" "worker" {{
  function_name                     = aws_lambda_function.worker.function_name
  qualifier                         = "live"
  provisioned_concurrent_executions = {n}
}}

resource "aws_lambda_function_recursion_config" "worker" {{
  function_name  = aws_lambda_function.worker.function_name
  recursive_loop = "{setting}"
}}
"#
            )
    };
    ws.write("main.tf", &config(2, "Allow"));
    ws.run(&["validate"]).expect_code(0);
    let plan = planned_changes(&ws, "Plan: 6 to add, 0 to change, 0 to destroy.");
    assert!(
        plan.stdout.contains("+ provisioned_concurrent_executions = 2"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("+ skip_destroy                      = false"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("+ recursive_loop = \"Allow\""), "{}", plan.stdout);
    ws.write("main.tf", &config(0, "Sometimes"));
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(
        bad.stderr
            .contains("provisioned_concurrent_executions is a whole number, 1 or more"),
        "{}",
        bad.stderr
    );
    assert!(
        bad.stderr.contains("recursive_loop is Allow or Terminate"),
        "{}",
        bad.stderr
    );
}
