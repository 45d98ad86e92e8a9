//! The binary's test helpers: the workspace harness (`test_support`) running this crate's
//! `infinstor`, and direct SDK clients on the emulator for checks.

#![allow(dead_code)]

pub mod case;
pub mod terraform;

pub use case::output;
pub use test_support::{block_on, Moto, Workspace};

/// A workspace that runs the real `infinstor` binary; `moto` (if given) is its AWS endpoint.
pub fn workspace(moto: Option<&Moto>) -> Workspace {
    Workspace::new(env!("CARGO_BIN_EXE_infinstor"), moto)
}

/// The emulator, with ACM validating certificates after one second (as AWS does once the
/// validation records exist).
pub fn start_moto() -> Moto {
    Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "1")])
}

/// Direct SDK clients on the emulator, for checking what a run did.
pub trait Clients {
    /// S3 (path-style).
    fn s3(&self) -> aws_sdk_s3::Client;
    /// Route53.
    fn route53(&self) -> aws_sdk_route53::Client;
    /// ACM.
    fn acm(&self) -> aws_sdk_acm::Client;
    /// CloudFormation.
    fn cloudformation(&self) -> aws_sdk_cloudformation::Client;
    /// IAM.
    fn iam(&self) -> aws_sdk_iam::Client;
    /// KMS.
    fn kms(&self) -> aws_sdk_kms::Client;
    /// SSM.
    fn ssm(&self) -> aws_sdk_ssm::Client;
    /// DynamoDB.
    fn dynamodb(&self) -> aws_sdk_dynamodb::Client;
    /// API Gateway.
    fn apigateway(&self) -> aws_sdk_apigateway::Client;
    /// EC2.
    fn ec2(&self) -> aws_sdk_ec2::Client;
}

impl Clients for Moto {
    fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk_config())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    fn route53(&self) -> aws_sdk_route53::Client {
        aws_sdk_route53::Client::new(&self.sdk_config())
    }

    fn acm(&self) -> aws_sdk_acm::Client {
        aws_sdk_acm::Client::new(&self.sdk_config())
    }

    fn cloudformation(&self) -> aws_sdk_cloudformation::Client {
        aws_sdk_cloudformation::Client::new(&self.sdk_config())
    }

    fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.sdk_config())
    }

    fn kms(&self) -> aws_sdk_kms::Client {
        aws_sdk_kms::Client::new(&self.sdk_config())
    }

    fn ssm(&self) -> aws_sdk_ssm::Client {
        aws_sdk_ssm::Client::new(&self.sdk_config())
    }

    fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.sdk_config())
    }

    fn apigateway(&self) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.sdk_config())
    }

    fn ec2(&self) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::new(&self.sdk_config())
    }
}

/// The emulator's bucket names, sorted.
pub fn bucket_names(moto: &Moto) -> Vec<String> {
    let out = block_on(async { moto.s3().list_buckets().send().await.expect("list buckets") });
    let mut names: Vec<String> = out
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_string))
        .collect();
    names.sort();
    names
}

/// Forgets `address` from state and imports it again by `id`; the plan after must show no
/// change, which is what an import that reads back everything the configuration sets gives.
pub fn reimport(ws: &Workspace, address: &str, id: &str) {
    ws.run(&["state", "rm", address]).expect_code(0);
    ws.run(&["import", address, id]).expect_code(0);
    let plan = ws.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "after importing {address} by {id:?}:\n{}{}",
        plan.stdout, plan.stderr
    );
}

/// Embeds an inline policy `added-by-hand` (s3:ListBucket) in `role` through IAM, as someone
/// outside the configuration would.
pub fn embed_policy_by_hand(moto: &Moto, role: &str) {
    block_on(async {
        moto.iam()
            .put_role_policy()
            .role_name(role)
            .policy_name("added-by-hand")
            .policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#,
            )
            .send()
            .await
            .expect("put outside");
    });
}

/// This machine's host name, as a state lock records its holder's.
pub fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .expect("host name")
}

/// Runs `plan -detailed-exitcode`, which must plan changes (exit 2) and print `summary`.
pub fn planned_changes(ws: &Workspace, summary: &str) -> test_support::Run {
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(plan.stdout.contains(summary), "{summary} in\n{}", plan.stdout);
    plan
}

/// The tags of a type whose tags change in place: `config(team)` declares the object with
/// `tags = { Team = team }` and `tags()` reads what AWS holds. Applied with `ml`, changed to
/// `platform` by an update (nothing destroyed), each re-planned clean, then destroyed.
pub fn tags_change_in_place(ws: &Workspace, config: impl Fn(&str) -> String, tags: impl Fn() -> Vec<String>) {
    ws.write("main.tf", &config("ml"));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(tags(), ["Team=ml"]);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.write("main.tf", &config("platform"));
    planned_changes(ws, "1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(tags(), ["Team=platform"]);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}

/// Writes `config` as main.tf and runs `command`, which must refuse it (exit 1) with `message`
/// on stderr.
pub fn refused(ws: &Workspace, config: &str, command: &str, message: &str) {
    ws.write("main.tf", config);
    let run = ws.run(&[command]).expect_code(1);
    assert!(run.stderr.contains(message), "{message} in\n{}", run.stderr);
}

/// The `<Status>` of a response body the SDK could not decode: the emulator names some
/// documents' root element differently from S3 (versioning, acceleration), so the test reads the
/// status from the body itself.
pub fn status_in(body: Option<&[u8]>) -> Option<String> {
    let body = String::from_utf8_lossy(body?);
    let start = body.find("<Status>")? + "<Status>".len();
    let end = body[start..].find("</Status>")? + start;
    Some(body[start..end].to_string())
}

/// The address of a resource entry of a state file (Terraform's format names it by module,
/// mode, type and name).
pub fn resource_address(r: &serde_json::Value) -> String {
    let text = |k: &str| r[k].as_str().unwrap_or_default().to_string();
    let mut out = String::new();
    if !text("module").is_empty() {
        out.push_str(&text("module"));
        out.push('.');
    }
    if text("mode") == "data" {
        out.push_str("data.");
    }
    out.push_str(&format!("{}.{}", text("type"), text("name")));
    out
}

/// SAML metadata as an identity provider publishes it (the certificate is a placeholder the
/// emulator does not check).
pub fn saml_metadata(entity: &str) -> String {
    let certificate = "MIIC".to_string() + &"A".repeat(900);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{entity}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"#
    )
}

/// Runs a package installer (`pip`, `npm`) built by `command`, once more if the first try fails
/// (a registry's hiccup must not fail the suite), and fails showing the installer's own output
/// when the second try fails too.
pub fn install(what: &str, command: impl Fn() -> std::process::Command) {
    let mut output = None;
    for _ in 0..2 {
        let out = command()
            .output()
            .unwrap_or_else(|e| panic!("cannot run the installer for {what}: {e}"));
        if out.status.success() {
            return;
        }
        output = Some(out);
    }
    let out = output.expect("a failed try");
    panic!(
        "installing {what} failed twice; the installer said:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The parameters of a CloudFormation stack, read through `conf` (its account and region);
/// `None` when there is no such stack.
pub fn stack_parameters(
    conf: &aws_config::SdkConfig,
    stack: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    block_on(async {
        let out = aws_sdk_cloudformation::Client::new(conf)
            .describe_stacks()
            .stack_name(stack)
            .send()
            .await
            .ok()?;
        Some(
            out.stacks()
                .first()?
                .parameters()
                .iter()
                .map(|p| {
                    (
                        p.parameter_key().unwrap_or_default().to_string(),
                        p.parameter_value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        )
    })
}

/// Every file of the workspace but `except` that holds `text`.
pub fn files_holding(dir: &std::path::Path, text: &str, except: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("workspace").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_holding(&path, text, except));
        } else if !path.ends_with(except)
            && std::fs::read(&path).is_ok_and(|b| b.windows(text.len()).any(|w| w == text.as_bytes()))
        {
            out.push(path);
        }
    }
    out
}

/// The `Sid`s of a policy document's statements, in order.
pub fn statement_sids(policy: &serde_json::Value) -> Vec<String> {
    policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .filter_map(|s| s["Sid"].as_str().map(str::to_string))
        .collect()
}
