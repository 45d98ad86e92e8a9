//! ACM certificate arguments beyond the DNS-validated install of seed 000 (tested in
//! infinstor_dns.rs): approval emails sent to a parent domain (`validation_option`), and
//! exportable public certificates (`options.export`).

use crate::util::{block_on, start_moto, workspace, Clients, Moto};

// The emulator (moto 5) reports every certificate as DNS-validated (its DescribeCertificate
// hard-codes ValidationMethod "DNS"), so an EMAIL-validated certificate cannot re-plan cleanly
// against it; the options are exercised with DNS validation, which takes them as well.
const WITH_VALIDATION_OPTION: &str = r#"
resource "aws_acm_certificate" "portal" {
  domain_name       = "portal.research.example.com"
  validation_method = "DNS"
  validation_option {
    domain_name       = "portal.research.example.com"
    validation_domain = "example.com"
  }
}

output "arn" {
  value = aws_acm_certificate.portal.arn
}
"#;

/// What ACM says of the certificate `arn`.
fn describe(moto: &Moto, arn: &str) -> aws_sdk_acm::types::CertificateDetail {
    block_on(async {
        moto.acm()
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .expect("describe certificate")
    })
    .certificate()
    .cloned()
    .expect("certificate")
}

#[test]
fn a_validation_option_is_sent_and_changing_it_requests_a_new_certificate() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", WITH_VALIDATION_OPTION);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let arn = ws.run(&["output", "-raw", "arn"]).expect_code(0).stdout;
    let detail = describe(&moto, &arn);
    assert_eq!(detail.domain_name(), Some("portal.research.example.com"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.write(
        "main.tf",
        &WITH_VALIDATION_OPTION.replace(
            "validation_domain = \"example.com\"",
            "validation_domain = \"research.example.com\"",
        ),
    );
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_acm_certificate.portal must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("validation_domain"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let listed = block_on(async { moto.acm().list_certificates().send().await.expect("list") });
    assert!(listed.certificate_summary_list().is_empty(), "{listed:?}");
}

/// `options { export = "ENABLED" }` requests an exportable public certificate; ACM records it,
/// a re-plan is clean, and changing it requests a new certificate (ACM cannot change it).
#[test]
fn an_exportable_certificate_is_requested_as_one_and_changing_it_replaces_it() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |export: &str| {
        format!(
            r#"
resource "aws_acm_certificate" "portal" {{
  domain_name       = "portal.research.example.com"
  validation_method = "DNS"
  options {{
    export = "{export}"
  }}
}}

output "arn" {{
  value = aws_acm_certificate.portal.arn
}}
"#
        )
    };
    ws.write("main.tf", &config("ENABLED"));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let arn = ws.run(&["output", "-raw", "arn"]).expect_code(0).stdout;
    let export = describe(&moto, &arn)
        .options()
        .and_then(|o| o.export())
        .map(|e| e.as_str().to_string());
    assert_eq!(export.as_deref(), Some("ENABLED"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.write("main.tf", &config("DISABLED"));
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_acm_certificate.portal must be replaced"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}
