//! Seed 001 through `examples/infinstor-subscriber` (modules/infinstor-subscriber): the
//! subscriber created through InfinStor's REST API (served here, on 127.0.0.1, exactly as the
//! seed documents the calls), its setup-customer stack from a template_url checked at plan
//! time, the customer managed key's policy for the stack's role, and users under it.

use crate::util::{block_on, start_moto, workspace, Clients, Moto, Workspace};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};

const SUPERADMIN: &str = "superadmin-id-token-77";
const SUBSCRIBER_TOKEN: &str = "subscriber-token-88";
const CUSTOM_TOKEN: &str = "custom-token-for-acme-99";

/// One request the service received: method, path, headers (lower-case names), body.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// The multi-tenant service's documented calls: add_subscriber and update_subscriber (JSON,
/// the superadmin's token as is), addsecondaryuser (a form, the subscriber's bearer token).
fn service() -> (String, Arc<Mutex<Vec<Received>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://127.0.0.1:{}", listener.local_addr().expect("addr").port());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) <= 2 {
                    break;
                }
                if let Some((k, v)) = line.trim_end().split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let length: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0u8; length];
            let _ = reader.read_exact(&mut body);
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let got = Received {
                path: path.clone(),
                headers,
                body: String::from_utf8_lossy(&body).to_string(),
            };
            let (status, answer) = match path.as_str() {
                "/api/2.0/mlflow/infinstor/add_subscriber" if got.header("authorization") == Some(SUPERADMIN) => {
                    ("200 OK", format!(r#"{{"customToken":"{CUSTOM_TOKEN}"}}"#))
                }
                "/api/2.0/mlflow/infinstor/update_subscriber" if got.header("authorization") == Some(SUPERADMIN) => {
                    ("200 OK", "{}".to_string())
                }
                "/addsecondaryuser" if got.header("authorization") == Some(&format!("Bearer {SUBSCRIBER_TOKEN}")) => {
                    ("200 OK", "Successfully created user".to_string())
                }
                _ => ("401 Unauthorized", r#"{"error":"not authorized"}"#.to_string()),
            };
            if let Ok(mut l) = log.lock() {
                l.push(got);
            }
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (url, seen)
}

/// Uploads the example's stand-in template where `build`'s template_url points.
pub(crate) fn publish_template(moto: &Moto, build: &str, text: &str) {
    block_on(async {
        let s3 = moto.s3();
        let _ = s3.create_bucket().bucket("infinstorcft").send().await;
        s3.put_object()
            .bucket("infinstorcft")
            .key(format!("{build}/infinstor-setup-customer.yaml"))
            .body(text.as_bytes().to_vec().into())
            .send()
            .await
            .expect("put template")
    });
}

fn key_policy(moto: &Moto, key: &str) -> serde_json::Value {
    block_on(async {
        let out = moto
            .kms()
            .get_key_policy()
            .key_id(key)
            .policy_name("default")
            .send()
            .await
            .expect("policy");
        serde_json::from_str(out.policy().expect("text")).expect("json")
    })
}

fn vars(ws: &Workspace, service: &str, key_arn: &str, email: &str) -> Vec<String> {
    let _ = ws;
    vec![
        format!("-var=mlflow_endpoint={service}"),
        format!("-var=api_endpoint={service}"),
        format!("-var=superadmin_token={SUPERADMIN}"),
        "-var=subscriber_password=Acme-pass-1".to_string(),
        format!("-var=subscriber_email={email}"),
        "-var=build=1.2.3".to_string(),
        "-var=s3_encryption=sse-kms-cmk".to_string(),
        format!("-var=s3_kms_key_arn={key_arn}"),
        "-var=users={alice = \"alice@acme.example.com\"}".to_string(),
        "-var=user_passwords={alice = \"Alice-pass-2\"}".to_string(),
        format!("-var=subscriber_token={SUBSCRIBER_TOKEN}"),
    ]
}

fn run(ws: &Workspace, base: &[&str], vars: &[String], code: i32) -> test_support::Run {
    let args: Vec<&str> = base.iter().copied().chain(vars.iter().map(String::as_str)).collect();
    ws.run(&args).expect_code(code)
}

#[test]
fn a_subscriber_its_stack_key_policy_and_users() {
    let moto = start_moto();
    let (url, seen) = service();
    let template = std::fs::read_to_string(
        test_support::repo_root().join("examples/infinstor-subscriber/infinstor-setup-customer.yaml"),
    )
    .expect("template");
    publish_template(&moto, "1.2.3", &template);
    let key_arn = block_on(async {
        let out = moto.kms().create_key().send().await.expect("key");
        out.key_metadata()
            .map(|m| m.arn().unwrap_or_default().to_string())
            .expect("arn")
    });
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-subscriber");
    let v = vars(&ws, &url, &key_arn, "mlops@acme.example.com");

    let plan = run(&ws, &["plan"], &v, 0);
    assert!(plan.stdout.contains("has no read API"), "{}", plan.stdout);
    assert!(
        seen.lock().expect("log").is_empty(),
        "plan calls nothing of the service"
    );
    run(&ws, &["apply", "-auto-approve"], &v, 0);

    // The service got exactly the documented calls.
    let calls = seen.lock().expect("log").clone();
    let paths: Vec<&str> = calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["/api/2.0/mlflow/infinstor/add_subscriber", "/addsecondaryuser"]
    );
    let add: serde_json::Value = serde_json::from_str(&calls[0].body).expect("json body");
    assert_eq!(
        add,
        serde_json::json!({"userName": "acme", "password": "Acme-pass-1", "emailId": "mlops@acme.example.com"})
    );
    assert_eq!(calls[0].header("content-type"), Some("application/json"));
    assert_eq!(
        calls[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        calls[1].body,
        "newuser=alice&email=alice%40acme.example.com&password=Alice-pass-2"
    );

    // The stack got the custom token; the key policy names the role the stack created.
    let params = block_on(async {
        let out = moto
            .cloudformation()
            .describe_stacks()
            .stack_name("infinstor-subscriber-acme")
            .send()
            .await
            .expect("stack");
        let stack = out.stacks()[0].clone();
        stack
            .parameters()
            .iter()
            .map(|p| {
                (
                    p.parameter_key().unwrap_or_default().to_string(),
                    p.parameter_value().unwrap_or_default().to_string(),
                )
            })
            .collect::<std::collections::BTreeMap<_, _>>()
    });
    assert_eq!(params["S3BucketEncryption"], "SSE-KMS-CMK");
    assert_eq!(params["S3KmsKeyArn"], key_arn);
    assert_eq!(params["DynamoDBEncryption"], "AWS_OWNED");
    let role_arn = ws.run(&["output", "-raw", "role_arn"]).expect_code(0).stdout;
    assert!(
        role_arn.ends_with(":role/RoleForInfinStorMlflowService-acme"),
        "{role_arn}"
    );
    let policy = key_policy(&moto, &key_arn);
    let sids = crate::util::statement_sids(&policy);
    assert_eq!(
        sids,
        vec![
            "Enable IAM User Permissions",
            "Allow use of the key",
            "Allow attachment of persistent resources"
        ]
    );
    assert_eq!(policy["Statement"][1]["Principal"]["AWS"], role_arn.as_str());
    assert_eq!(
        policy["Statement"][2]["Condition"]["Bool"]["kms:GrantIsForAWSResource"],
        "true"
    );

    // The custom token is sensitive wherever it is shown.
    let shown = ws
        .run(&["state", "show", "module.subscriber.infinstor_subscriber.this"])
        .expect_code(0);
    assert!(!shown.stdout.contains(CUSTOM_TOKEN), "{}", shown.stdout);
    assert_eq!(
        ws.run(&["output", "-raw", "custom_token"]).expect_code(0).stdout,
        CUSTOM_TOKEN
    );

    run(&ws, &["plan", "-detailed-exitcode"], &v, 0);

    // A new email: update_subscriber, nothing replaced.
    let changed = vars(&ws, &url, &key_arn, "platform@acme.example.com");
    let plan = run(&ws, &["plan", "-detailed-exitcode"], &changed, 2);
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    run(&ws, &["apply", "-auto-approve"], &changed, 0);
    let last = seen.lock().expect("log").last().cloned().expect("a call");
    assert_eq!(last.path, "/api/2.0/mlflow/infinstor/update_subscriber");
    assert!(last.body.contains("platform@acme.example.com"), "{}", last.body);

    // Nothing to import from: the service cannot be read.
    let import = run(
        &ws,
        &["import", "module.subscriber.infinstor_user.users[\"bob\"]", "bob"],
        &changed,
        1,
    );
    assert!(import.stderr.contains("cannot be imported"), "{}", import.stderr);

    // Destroy: the stack goes; the service's objects are only forgotten, and the plan says so.
    let calls_before = seen.lock().expect("log").len();
    let destroy = run(&ws, &["plan", "-destroy"], &changed, 0);
    assert!(
        destroy.stdout.contains("destroying this only forgets it in state"),
        "{}",
        destroy.stdout
    );
    run(&ws, &["destroy", "-auto-approve"], &changed, 0);
    assert_eq!(
        seen.lock().expect("log").len(),
        calls_before,
        "no call to the service on destroy"
    );
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

#[test]
fn parameters_the_template_does_not_declare_fail_the_plan() {
    let moto = start_moto();
    let (url, seen) = service();
    // An older build whose template has no DynamoDB parameters.
    let template = std::fs::read_to_string(
        test_support::repo_root().join("examples/infinstor-subscriber/infinstor-setup-customer.yaml"),
    )
    .expect("template");
    let old = template
        .replace(
            "  DynamoDBEncryption:\n    Type: String\n    AllowedValues: [AWS_OWNED, AWS_MANAGED, CUSTOMER_MANAGED]\n",
            "",
        )
        .replace("  DynamoDBKmsKeyArn:\n    Type: String\n    Default: \"\"\n", "");
    assert_ne!(old, template);
    publish_template(&moto, "1.0.0", &old);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-subscriber");
    let mut v = vars(&ws, &url, "unused", "mlops@acme.example.com");
    v.retain(|a| !a.contains("s3_"));
    v.retain(|a| !a.contains("build="));
    v.push("-var=build=1.0.0".to_string());
    // Checked in the first plan already (the custom token is not known yet; the names are).
    let plan = run(&ws, &["plan"], &v, 1);
    assert!(
        plan.stderr.contains(
            "do not match the template at https://s3.amazonaws.com/infinstorcft/1.0.0/infinstor-setup-customer.yaml"
        ),
        "{}",
        plan.stderr
    );
    assert!(plan.stderr.contains("DynamoDBEncryption"), "{}", plan.stderr);
    // The template's own names say which of the module's values it takes.
    let mut named = v.clone();
    named.push("-var=stack_parameter_names={dynamodb_encryption = \"\", dynamodb_kms_key_arn = \"\"}".to_string());
    let plan = run(&ws, &["plan"], &named, 0);
    assert!(!plan.stdout.contains("DynamoDBEncryption"), "{}", plan.stdout);
    // A build that does not exist says which URL it read.
    let mut missing = v.clone();
    missing.retain(|a| !a.contains("build="));
    missing.push("-var=build=9.9.9".to_string());
    let plan = run(&ws, &["plan"], &missing, 1);
    assert!(
        plan.stderr
            .contains("cannot read template_url https://s3.amazonaws.com/infinstorcft/9.9.9/"),
        "{}",
        plan.stderr
    );
    assert!(
        seen.lock().expect("log").is_empty(),
        "a plan calls nothing of the service"
    );
    // --target: the data source that needs the (untargeted) stack is not read.
    let mut good = v.clone();
    good.retain(|a| !a.contains("build="));
    good.push("-var=build=1.0.0".to_string());
    run(
        &ws,
        &[
            "apply",
            "-auto-approve",
            "-target=module.subscriber.infinstor_subscriber.this",
        ],
        &good,
        0,
    );
    assert_eq!(
        ws.run(&["state", "list"]).expect_code(0).stdout,
        "module.subscriber.infinstor_subscriber.this\n"
    );
    assert_eq!(seen.lock().expect("log").len(), 1, "only the targeted add_subscriber");
}

#[test]
fn a_key_keeps_the_statements_it_had_and_the_role_may_have_another_name() {
    let moto = start_moto();
    let (url, _) = service();
    // A template that names its role otherwise than the seed's example.
    let template = std::fs::read_to_string(
        test_support::repo_root().join("examples/infinstor-subscriber/infinstor-setup-customer.yaml"),
    )
    .expect("template")
    .replace(
        "RoleName: !Sub \"RoleForInfinStorMlflowService-${SubscriberName}\"",
        "RoleName: acme-infinstor-access",
    );
    publish_template(&moto, "1.2.3", &template);
    // A key whose policy already lets CloudTrail use it: the seed adds two statements to it.
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Let CloudTrail encrypt logs", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:GenerateDataKey*", "Resource": "*"}
        ]
    })
    .to_string();
    let key_arn = block_on(async {
        let out = moto.kms().create_key().policy(&policy).send().await.expect("key");
        out.key_metadata()
            .map(|m| m.arn().unwrap_or_default().to_string())
            .expect("arn")
    });
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-subscriber");
    ws.write(
        "key.auto.tfvars",
        &format!("role_name = \"acme-infinstor-access\"\nexisting_key_policies = {{\n  \"{key_arn}\" = <<-EOT\n{policy}\nEOT\n}}\n"),
    );
    let v = vars(&ws, &url, &key_arn, "mlops@acme.example.com");
    run(&ws, &["apply", "-auto-approve"], &v, 0);

    let role_arn = ws.run(&["output", "-raw", "role_arn"]).expect_code(0).stdout;
    assert!(role_arn.ends_with(":role/acme-infinstor-access"), "{role_arn}");
    let now = key_policy(&moto, &key_arn);
    let sids = crate::util::statement_sids(&now);
    assert_eq!(
        sids,
        vec![
            "Enable IAM User Permissions",
            "Let CloudTrail encrypt logs",
            "Allow use of the key",
            "Allow attachment of persistent resources"
        ]
    );
    assert_eq!(now["Statement"][2]["Principal"]["AWS"], role_arn.as_str());
    run(&ws, &["plan", "-detailed-exitcode"], &v, 0);
    run(&ws, &["destroy", "-auto-approve"], &v, 0);
}
