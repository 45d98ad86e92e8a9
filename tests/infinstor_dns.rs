//! examples/infinstor-dns (seed 000, scenario #1) end to end against the emulator:
//! plan -> apply -> plan (no changes) -> destroy, checking records, certificate and stack
//! through the AWS API.

use crate::util::{block_on, start_moto, workspace, Clients};

#[test]
fn certificate_stack_and_five_subdomains_in_one_apply() {
    let moto = start_moto();
    let r53 = moto.route53();
    let zone_id = block_on(async {
        let zone = r53
            .create_hosted_zone()
            .name("example.com")
            .caller_reference("infinstor-dns-test")
            .send()
            .await
            .expect("hosted zone");
        zone.hosted_zone()
            .map(|z| z.id().trim_start_matches("/hostedzone/").to_string())
            .unwrap_or_default()
    });
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");

    let plan = ws
        .run(&["plan", "--out", "tfplan", "--detailed-exitcode"])
        .expect_code(2);
    assert!(
        plan.stdout
            .contains("aws_route53_record.validation[\"*.infinstor.example.com\"] will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("aws_route53_record.subdomain[\"mlflowui\"] will be created"),
        "{}",
        plan.stdout
    );

    let apply = ws.run(&["apply", "tfplan"]).expect_code(0);
    assert!(apply.stdout.contains("Apply complete!"), "{}", apply.stdout);

    block_on(async {
        let records = r53
            .list_resource_record_sets()
            .hosted_zone_id(&zone_id)
            .send()
            .await
            .expect("records");
        for sub in ["api", "mlflow", "mlflowui", "mlflowstatic", "service"] {
            let name = format!("{sub}.infinstor.example.com.");
            let rr = records
                .resource_record_sets()
                .iter()
                .find(|r| r.name() == name && r.r#type().as_str() == "CNAME")
                .unwrap_or_else(|| panic!("CNAME {name} missing"));
            let value = rr.resource_records()[0].value().to_string();
            assert!(
                value.contains("execute-api") || value.ends_with("cloudfront.net"),
                "{name} -> {value}"
            );
        }
        let certs = moto.acm().list_certificates().send().await.expect("certs");
        let summary = certs
            .certificate_summary_list()
            .iter()
            .find(|c| c.domain_name() == Some("*.infinstor.example.com"))
            .expect("certificate requested");
        let cert = moto
            .acm()
            .describe_certificate()
            .certificate_arn(summary.certificate_arn().unwrap_or_default())
            .send()
            .await
            .expect("describe");
        assert_eq!(
            cert.certificate()
                .and_then(|c| c.status())
                .map(|s| s.as_str().to_string()),
            Some("ISSUED".to_string())
        );
        let stacks = moto
            .cloudformation()
            .describe_stacks()
            .stack_name("infinstor")
            .send()
            .await
            .expect("stack");
        let params = stacks.stacks()[0].parameters();
        let cert_param = params
            .iter()
            .find(|p| p.parameter_key() == Some("CertificateArn"))
            .and_then(|p| p.parameter_value());
        assert_eq!(cert_param, summary.certificate_arn());
    });

    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    let destroy = ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    assert!(destroy.stdout.contains("Destroy complete!"), "{}", destroy.stdout);
    block_on(async {
        let records = r53
            .list_resource_record_sets()
            .hosted_zone_id(&zone_id)
            .send()
            .await
            .expect("records");
        assert!(
            records
                .resource_record_sets()
                .iter()
                .all(|r| r.r#type().as_str() != "CNAME"),
            "records deleted"
        );
        let stacks = moto
            .cloudformation()
            .describe_stacks()
            .stack_name("infinstor")
            .send()
            .await;
        let gone = match stacks {
            Err(_) => true,
            Ok(s) => s.stacks().iter().all(|s| {
                s.stack_status()
                    .map(|x| x.as_str() == "DELETE_COMPLETE")
                    .unwrap_or(true)
            }),
        };
        assert!(gone, "stack deleted");
    });
}
