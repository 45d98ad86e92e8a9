//! Terraform's JSON syntax (`.tf.json`) and override files, through the binary: a
//! configuration written in JSON (a root module and a child module called with another
//! provider configuration) is planned, applied, re-planned clean, updated and destroyed against
//! the emulator; override files merge by Terraform's rules; mistakes in JSON are shown in the
//! JSON file.

use crate::regions::{parameter, ssm_in};
use crate::util::{block_on, start_moto, workspace, Clients, Moto};

const ROOT: &str = r#"{
  "//": "A bucket with CORS rules, and a parameter in another region through a module.",
  "terraform": {
    "required_providers": {"aws": {"source": "hashicorp/aws", "version": ">= 5.0"}}
  },
  "provider": {
    "aws": [{"region": "us-east-1"}, {"alias": "west", "region": "us-west-2"}]
  },
  "variable": {
    "name": {"type": "string", "default": "infinstor-json"},
    "origins": {"type": "list(string)", "default": ["https://a.example.com"]}
  },
  "locals": {"tags": {"Team": "ml", "Name": "${var.name}"}},
  "resource": {
    "aws_s3_bucket": {
      "b": {"bucket": "${var.name}", "tags": "${local.tags}", "lifecycle": {"ignore_changes": ["tags_all"]}}
    },
    "aws_s3_bucket_cors_configuration": {
      "c": {
        "bucket": "${aws_s3_bucket.b.id}",
        "depends_on": ["aws_s3_bucket.b"],
        "cors_rule": [{"allowed_methods": ["GET"], "allowed_origins": ["*"]}],
        "dynamic": {
          "cors_rule": {
            "for_each": "${var.origins}",
            "iterator": "origin",
            "content": {"allowed_methods": ["PUT"], "allowed_origins": ["${origin.value}"]}
          }
        }
      }
    }
  },
  "module": {
    "west": {"source": "./m", "providers": {"aws": "aws.west"}, "value": "${upper(var.name)}"}
  },
  "output": {
    "arn": {"value": "${aws_s3_bucket.b.arn}"},
    "parameter": {"value": "${module.west.name}"}
  }
}
"#;

const CHILD: &str = r#"{
  "variable": {"value": {"type": "string"}},
  "resource": {
    "aws_ssm_parameter": {"p": {"name": "/json/p", "type": "String", "value": "${var.value}"}}
  },
  "output": {"name": {"value": "${aws_ssm_parameter.p.name}"}}
}
"#;

/// The bucket's CORS rules as (methods, origins), in order.
fn cors(moto: &Moto) -> Vec<(Vec<String>, Vec<String>)> {
    let out = block_on(async { moto.s3().get_bucket_cors().bucket("infinstor-json").send().await });
    out.map(|o| {
        o.cors_rules()
            .iter()
            .map(|r| (r.allowed_methods().to_vec(), r.allowed_origins().to_vec()))
            .collect()
    })
    .unwrap_or_default()
}

fn rule(method: &str, origin: &str) -> (Vec<String>, Vec<String>) {
    (vec![method.to_string()], vec![origin.to_string()])
}

#[test]
fn a_configuration_in_json_syntax_applies_replans_clean_updates_and_destroys() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf.json", ROOT);
    ws.write("m/main.tf.json", CHILD);
    ws.run(&["validate"]).expect_code(0);
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 3 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(
        cors(&moto),
        vec![rule("GET", "*"), rule("PUT", "https://a.example.com")],
        "the static rule, then the dynamic one, as the JSON object orders them"
    );
    assert_eq!(
        parameter(&moto, "us-west-2", "/json/p").as_deref(),
        Some("INFINSTOR-JSON")
    );
    assert_eq!(
        parameter(&moto, "us-east-1", "/json/p"),
        None,
        "the module's provider is aws.west"
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    let plan = ws
        .run(&[
            "plan",
            "--detailed-exitcode",
            "--var",
            r#"origins=["https://a.example.com", "https://b.example.com"]"#,
        ])
        .expect_code(2);
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&[
        "apply",
        "--auto-approve",
        "--var",
        r#"origins=["https://a.example.com", "https://b.example.com"]"#,
    ])
    .expect_code(0);
    assert_eq!(
        cors(&moto),
        vec![
            rule("GET", "*"),
            rule("PUT", "https://a.example.com"),
            rule("PUT", "https://b.example.com")
        ]
    );

    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert_eq!(cors(&moto), Vec::new());
    assert_eq!(parameter(&moto, "us-west-2", "/json/p"), None);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const BASE: &str = r#"
variable "name" {
  type    = string
  default = "base"
}

locals {
  suffix = "base"
}

locals {
  prefix = "p"
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_ssm_parameter" "p" {
  provider = aws.west
  name     = "/override/${local.prefix}"
  type     = "String"
  value    = "${var.name}-${local.suffix}"
  tags     = { Kept = "yes" }
  lifecycle {
    ignore_changes        = [tags]
    create_before_destroy = false
  }
}

resource "aws_s3_bucket_cors_configuration" "c" {
  bucket = "b"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
  }
  cors_rule {
    allowed_methods = ["HEAD"]
    allowed_origins = ["*"]
  }
}

"#;

/// Overrides in both syntaxes, read in name order: `a_override.tf`, then `override.tf.json`.
const FIRST_OVERRIDE: &str = r#"
variable "name" {
  default = "first"
}

locals {
  suffix = "over"
}

resource "aws_ssm_parameter" "p" {
  tags = { Kept = "yes", Added = "by override" }
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_s3_bucket_cors_configuration" "c" {
  cors_rule {
    allowed_methods = ["PUT"]
    allowed_origins = ["https://x.example.com"]
  }
}
"#;

const SECOND_OVERRIDE: &str = r#"{
  "variable": {"name": {"default": "second"}},
  "provider": {"aws": {"alias": "west", "region": "eu-west-1"}},
  "resource": {
    "aws_s3_bucket_cors_configuration": {
      "c": {"cors_rule": [{"allowed_methods": ["POST"], "allowed_origins": ["https://y.example.com"]}]}
    }
  }
}
"#;

#[test]
fn override_files_merge_into_the_blocks_they_name() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", BASE);
    ws.write("a_override.tf", FIRST_OVERRIDE);
    ws.write("override.tf.json", SECOND_OVERRIDE);
    let plan = ws
        .run(&["plan", "--target", "aws_s3_bucket_cors_configuration.c"])
        .expect_code(0);
    // The nested block type named in an override replaces all blocks of that type: the base's
    // two rules, then the first override's, give way to the JSON override's one.
    assert!(plan.stdout.contains(r#""https://y.example.com""#), "{}", plan.stdout);
    for gone in [r#""HEAD""#, r#""https://x.example.com""#] {
        assert!(!plan.stdout.contains(gone), "{gone} in\n{}", plan.stdout);
    }

    ws.run(&["apply", "--auto-approve", "--target", "aws_ssm_parameter.p"])
        .expect_code(0);
    // The later override's default, the overridden local, the overridden provider's region.
    assert_eq!(
        parameter(&moto, "eu-west-1", "/override/p").as_deref(),
        Some("second-over")
    );
    assert_eq!(parameter(&moto, "us-west-2", "/override/p"), None);
    // The lifecycle block merges argument by argument: create_before_destroy from the
    // override, ignore_changes (the tags the override sets) kept from the base.
    ws.run(&["plan", "--detailed-exitcode", "--target", "aws_ssm_parameter.p"])
        .expect_code(0);
    let tags = block_on(async {
        ssm_in(&moto, "eu-west-1")
            .list_tags_for_resource()
            .resource_type(aws_sdk_ssm::types::ResourceTypeForTagging::Parameter)
            .resource_id("/override/p")
            .send()
            .await
            .expect("tags")
    });
    assert_eq!(tags.tag_list().len(), 2, "created with the override's tags: {tags:?}");
    ws.write(
        "main.tf",
        &BASE.replace("/override/${local.prefix}", "/override/${local.prefix}2"),
    );
    let plan = ws
        .run(&["plan", "--detailed-exitcode", "--target", "aws_ssm_parameter.p"])
        .expect_code(2);
    assert!(
        plan.stdout.contains("create replacement and then destroy"),
        "{}",
        plan.stdout
    );
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert_eq!(parameter(&moto, "eu-west-1", "/override/p"), None);
}

#[test]
fn override_mistakes_are_errors_at_their_place() {
    let ws = workspace(None);
    ws.write("main.tf", BASE);
    ws.write(
        "x_override.tf",
        r#"
resource "aws_ssm_parameter" "q" {
  type = "String"
}

resource "aws_ssm_parameter" "p" {
  depends_on = [aws_s3_bucket_cors_configuration.c]
}

locals {
  missing = 1
}

provider "aws" {
  alias = "east"
}

moved {
  from = aws_ssm_parameter.p
  to   = aws_ssm_parameter.r
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn json_mistakes_are_shown_in_the_json_file() {
    let ws = workspace(None);
    ws.write(
        "main.tf.json",
        r#"{
  "resource": {
    "aws_s3_bucket_cors_configuration": {
      "c": {
        "bucket": "${var.missing",
        "cors_rule": {"allowed_methods": ["GET"], "alowed_origins": ["*"]},
        "lifecycle": "all",
        "depends_on": ["no such thing"]
      }
    }
  },
  "variabel": {"x": {}}
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    let mut shown = run.stderr;
    // A provider's nested block is told from an argument by the type's schema.
    ws.write(
        "main.tf.json",
        r#"{
  "resource": {
    "aws_s3_bucket_cors_configuration": {
      "c": {
        "bucket": "b",
        "cors_rule": [{"allowed_methods": ["GET"], "alowed_origins": ["*"]}]
      }
    }
  }
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    shown.push_str(&run.stderr);
    ws.write("main.tf.json", "{\n  \"locals\": {\"a\": 1\n  \"b\": 2}\n}\n");
    let run = ws.run(&["validate"]).expect_code(1);
    shown.push_str(&run.stderr);
    insta::assert_snapshot!(shown);
}

/// What cdktf writes: a one-part provider source, `Fn.*` calls whose string literals are
/// escaped quotes inside `${...}` (Terraform decodes the JSON string before it reads the
/// template), and a module by absolute path.
#[test]
fn json_as_cdktf_writes_it_means_what_terraform_reads() {
    let ws = workspace(None);
    let module = ws.cwd().join("modules/echo");
    ws.write(
        "modules/echo/main.tf.json",
        r#"{"variable": {"in": {}}, "output": {"out": {"value": "${var.in}"}}}"#,
    );
    ws.write(
        "main.tf.json",
        &format!(
            r#"{{
  "terraform": {{"required_providers": {{"aws": {{"source": "aws", "version": "6.0.0"}}}}}},
  "provider": {{"aws": [{{"region": "us-east-1"}}]}},
  "locals": {{
    "upper": "${{upper(\"abc\")}}",
    "joined": "a-${{join(\",\", [\"x\", \"y\"])}}-b",
    "nested": "${{format(\"%s=\\\"%s\\\"\", \"k\", \"v\")}}",
    "literal": "$${{not.an.interpolation}} \"quoted\"",
    "unicode": "${{lower(\"\u00c9\")}}"
  }},
  "module": {{"echo": {{"source": "{module}", "in": "${{local.joined}}"}}}},
  "output": {{
    "upper": {{"value": "${{local.upper}}"}},
    "nested": {{"value": "${{local.nested}}"}},
    "literal": {{"value": "${{local.literal}}"}},
    "unicode": {{"value": "${{local.unicode}}"}},
    "echo": {{"value": "${{module.echo.out}}"}}
  }}
}}"#,
            module = module.display()
        ),
    );
    ws.run(&["validate"]).expect_code(0);
    let plan = ws.run(&["plan", "-no-color"]).expect_code(0);
    for line in [
        r#"+ upper   = "ABC""#,
        r#"+ nested  = "k=\"v\"""#,
        r#"+ literal = "${not.an.interpolation} \"quoted\"""#,
        r#"+ unicode = "é""#,
        r#"+ echo    = "a-x,y-b""#,
    ] {
        assert!(plan.stdout.contains(line), "{line} in\n{}", plan.stdout);
    }
}
