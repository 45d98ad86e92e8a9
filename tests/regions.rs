//! The per-resource `region` argument (AWS provider v6) through the binary: objects of one
//! configuration in three regions, each checked through an SDK client of its region.

use crate::util::output;
use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

const THREE_REGIONS: &str = r#"
resource "aws_ssm_parameter" "home" {
  name  = "/regions/home"
  type  = "String"
  value = "primary"
}

resource "aws_ssm_parameter" "dr" {
  name   = "/regions/dr"
  type   = "String"
  value  = "standby"
  region = "us-west-2"
}

resource "aws_s3_bucket" "dr" {
  bucket = "infinstor-dr-copy"
  region = "us-west-2"
}

output "dr_arn" {
  value = aws_ssm_parameter.dr.arn
}

output "home_region" {
  value = aws_ssm_parameter.home.region
}
"#;

pub(crate) fn ssm_in(moto: &Moto, region: &str) -> aws_sdk_ssm::Client {
    let conf = aws_sdk_ssm::config::Builder::from(&moto.sdk_config())
        .region(aws_config::Region::new(region.to_string()))
        .build();
    aws_sdk_ssm::Client::from_conf(conf)
}

/// The parameter's value in `region`, if it exists there.
pub(crate) fn parameter(moto: &Moto, region: &str, name: &str) -> Option<String> {
    block_on(async {
        ssm_in(moto, region)
            .get_parameter()
            .name(name)
            .send()
            .await
            .ok()
            .and_then(|p| p.parameter().and_then(|p| p.value().map(str::to_string)))
    })
}

#[test]
fn objects_go_to_the_region_they_name_and_move_by_replacement() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", THREE_REGIONS);
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    let shows_region = |region: &str| {
        plan.stdout.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("+ region ") && l.ends_with(&format!("= \"{region}\""))
        })
    };
    assert!(shows_region("us-west-2"), "{}", plan.stdout);
    assert!(shows_region("us-east-1"), "the provider's region: {}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(parameter(&moto, "us-west-2", "/regions/dr").as_deref(), Some("standby"));
    assert_eq!(
        parameter(&moto, "us-east-1", "/regions/dr"),
        None,
        "not in the provider's region"
    );
    assert_eq!(
        parameter(&moto, "us-east-1", "/regions/home").as_deref(),
        Some("primary")
    );
    assert!(
        output(&ws, "dr_arn").starts_with("arn:aws:ssm:us-west-2:"),
        "{}",
        output(&ws, "dr_arn")
    );
    assert_eq!(output(&ws, "home_region"), "us-east-1");
    let location = block_on(async {
        let s3 = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&moto.sdk_config())
                .force_path_style(true)
                .build(),
        );
        s3.get_bucket_location()
            .bucket("infinstor-dr-copy")
            .send()
            .await
            .expect("bucket location")
    });
    assert_eq!(location.location_constraint().map(|c| c.as_str()), Some("us-west-2"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A change in place stays in its region.
    ws.write("main.tf", &THREE_REGIONS.replace("\"standby\"", "\"standby-2\""));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        parameter(&moto, "us-west-2", "/regions/dr").as_deref(),
        Some("standby-2")
    );

    // Another region is a new object there, and the old one is deleted.
    let moved = THREE_REGIONS.replace("\"standby\"", "\"standby-2\"").replace(
        "region = \"us-west-2\"\n}\n\nresource \"aws_s3_bucket\"",
        "region = \"eu-west-1\"\n}\n\nresource \"aws_s3_bucket\"",
    );
    ws.write("main.tf", &moved);
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_ssm_parameter.dr must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("\"us-west-2\" -> \"eu-west-1\" # forces replacement"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        parameter(&moto, "eu-west-1", "/regions/dr").as_deref(),
        Some("standby-2")
    );
    assert_eq!(parameter(&moto, "us-west-2", "/regions/dr"), None);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // `ID@region` imports from another region than the provider's.
    reimport(&ws, "aws_ssm_parameter.dr", "/regions/dr@eu-west-1");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let destroy = ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(destroy.stdout.contains("3 destroyed"), "{}", destroy.stdout);
    for region in ["us-east-1", "us-west-2", "eu-west-1"] {
        for name in ["/regions/home", "/regions/dr"] {
            assert_eq!(parameter(&moto, region, name), None, "{name} in {region}");
        }
    }
}

#[test]
fn global_types_take_no_region() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_role" "r" {
  name               = "global"
  region             = "us-west-2"
  assume_role_policy = "{}"
}
"#,
    );
    let out = ws.run(&["validate"]).expect_code(1);
    assert!(
        out.stderr.contains("An argument named \"region\" is not expected here"),
        "{}",
        out.stderr
    );
}
