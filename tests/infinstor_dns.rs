//! modules/infinstor-service through examples/infinstor-dns (seed 000) end to end against the
//! emulator, all four scenarios: plan -> apply -> plan (no changes) -> destroy, checking
//! records, certificate and stack through the AWS API.

use crate::util::{block_on, start_moto, workspace, Clients, Moto, Workspace};

#[test]
fn certificate_stack_and_five_subdomains_in_one_apply() {
    let moto = start_moto();
    let r53 = moto.route53();
    let zone_id = hosted_zone(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");

    let plan = ws
        .run(&["plan", "--out", "tfplan", "--detailed-exitcode"])
        .expect_code(2);
    assert!(
        plan.stdout
            .contains("module.service.aws_route53_record.validation[\"*.infinstor.example.com\"] will be created"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("module.service.aws_route53_record.subdomain[\"mlflowui\"] will be created"),
        "{}",
        plan.stdout
    );

    let apply = ws.run(&["apply", "tfplan"]).expect_code(0);
    assert!(apply.stdout.contains("Apply complete!"), "{}", apply.stdout);

    let requested = block_on(async {
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
        summary.certificate_arn().map(str::to_string)
    });
    assert_eq!(stack_parameter(&moto, "CertificateArn"), requested);

    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    // Renewing the certificate (create_before_destroy): every user of its ARN is updated
    // first, and the old certificate is destroyed last, when nothing refers to it any more.
    let cert = "module.service.aws_acm_certificate.service[0]";
    let plan = ws.run(&["plan", "--replace", cert]).expect_code(0);
    assert!(
        plan.stdout
            .contains("module.service.aws_cloudformation_stack.root will be updated in-place"),
        "{}",
        plan.stdout
    );
    let renew = ws.run(&["apply", "--auto-approve", "--replace", cert]).expect_code(0);
    let at = |needle: &str| {
        renew
            .stdout
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing from\n{}", renew.stdout))
    };
    assert!(
        at("module.service.aws_cloudformation_stack.root: Modifying...")
            < at(&format!("{cert} (deposed object): Destroying...")),
        "{}",
        renew.stdout
    );
    let arns = block_on(async {
        let certs = moto.acm().list_certificates().send().await.expect("certs");
        let arns: Vec<String> = certs
            .certificate_summary_list()
            .iter()
            .filter_map(|c| c.certificate_arn().map(str::to_string))
            .collect();
        assert_eq!(arns.len(), 1, "the old certificate is gone: {arns:?}");
        arns
    });
    assert_eq!(
        stack_parameter(&moto, "CertificateArn").as_ref(),
        arns.first(),
        "the stack uses the new certificate"
    );
    assert!(!ws.read("infinstor.state.json").contains("\"deposed\""));
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

pub(crate) fn hosted_zone(moto: &Moto) -> String {
    block_on(async {
        let zone = moto
            .route53()
            .create_hosted_zone()
            .name("example.com")
            .caller_reference("infinstor-dns-test")
            .send()
            .await
            .expect("hosted zone");
        zone.hosted_zone()
            .map(|z| z.id().trim_start_matches("/hostedzone/").to_string())
            .unwrap_or_default()
    })
}

/// A wildcard certificate already in ACM, as a person brings to scenarios #2 and #4.
fn existing_certificate(moto: &Moto) -> String {
    block_on(async {
        let out = moto
            .acm()
            .request_certificate()
            .domain_name("*.infinstor.example.com")
            .send()
            .await
            .expect("certificate");
        out.certificate_arn().unwrap_or_default().to_string()
    })
}

/// Record name -> (type, values) of a zone.
fn records(moto: &Moto, zone_id: &str) -> Vec<(String, String)> {
    block_on(async {
        let out = moto
            .route53()
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .send()
            .await
            .expect("records");
        out.resource_record_sets()
            .iter()
            .filter(|r| r.r#type().as_str() == "CNAME")
            .map(|r| (r.name().to_string(), r.resource_records()[0].value().to_string()))
            .collect()
    })
}

fn stack_parameter(moto: &Moto, key: &str) -> Option<String> {
    block_on(async {
        let out = moto
            .cloudformation()
            .describe_stacks()
            .stack_name("infinstor")
            .send()
            .await
            .expect("stack");
        out.stacks()[0]
            .parameters()
            .iter()
            .find(|p| p.parameter_key() == Some(key))
            .and_then(|p| p.parameter_value().map(str::to_string))
    })
}

fn apply_replan_destroy(ws: &Workspace, vars: &[&str], check: impl FnOnce()) {
    ws.run(&[&["apply", "--auto-approve"][..], vars].concat())
        .expect_code(0);
    check();
    ws.run(&[&["plan", "--detailed-exitcode"][..], vars].concat())
        .expect_code(0);
    ws.run(&[&["destroy", "--auto-approve"][..], vars].concat())
        .expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

#[test]
fn scenario_2_route53_with_a_certificate_already_in_acm() {
    let moto = start_moto();
    let zone_id = hosted_zone(&moto);
    let arn = existing_certificate(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");
    let var = format!("certificate_arn={arn}");
    let vars = ["--var", var.as_str()];
    // The root stack's parameter names are the template's own, checked against it: one it does
    // not declare stops the plan, naming it.
    let main = std::fs::read_to_string(ws.path("main.tf")).expect("main.tf");
    ws.write(
        "main.tf",
        &main.replace("certificate_arn = \"CertificateArn\"", "certificate_arn = \"CertArn\""),
    );
    let refused = ws.run(&[&["plan"][..], &vars].concat()).expect_code(1);
    assert!(
        refused
            .stderr
            .contains("parameter \"CertArn\" is not declared in the template's Parameters section"),
        "{}",
        refused.stderr
    );
    ws.write("main.tf", &main);
    apply_replan_destroy(&ws, &vars, || {
        let names: Vec<String> = records(&moto, &zone_id).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names.len(),
            5,
            "the five subdomains and no validation record: {names:?}"
        );
        assert!(names.iter().all(|n| !n.starts_with('_')), "{names:?}");
        assert_eq!(stack_parameter(&moto, "CertificateArn"), Some(arn.clone()));
        let listed = ws.run(&["state", "list"]).expect_code(0).stdout;
        assert!(!listed.contains("aws_acm_certificate"), "{listed}");
    });
}

#[test]
fn scenario_3_dns_elsewhere_with_a_certificate_requested_here() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");
    let vars = ["--var", "dns=manual"];
    apply_replan_destroy(&ws, &vars, || {
        let out = ws
            .run(&["output", "--raw", "dns_records_to_create"])
            .expect_code(0)
            .stdout;
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6, "one validation CNAME and five subdomains:\n{out}");
        assert!(
            lines[0].starts_with('_') && lines[0].contains(" 300 IN CNAME "),
            "{out}"
        );
        assert!(
            lines.contains(&"mlflowui.infinstor.example.com. 300 IN CNAME d1mlflowui.cloudfront.net."),
            "{out}"
        );
        let zones = block_on(async { moto.route53().list_hosted_zones().send().await.expect("zones") });
        assert!(zones.hosted_zones().is_empty(), "nothing written to Route 53");
    });
}

#[test]
fn scenario_4_dns_elsewhere_with_a_certificate_already_in_acm() {
    let moto = start_moto();
    let arn = existing_certificate(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");
    let var = format!("certificate_arn={arn}");
    let vars = ["--var", "dns=manual", "--var", var.as_str()];
    apply_replan_destroy(&ws, &vars, || {
        let out = ws
            .run(&["output", "--raw", "dns_records_to_create"])
            .expect_code(0)
            .stdout;
        insta::assert_snapshot!(out);
        assert_eq!(stack_parameter(&moto, "CertificateArn"), Some(arn.clone()));
    });
}

#[test]
fn the_root_stack_can_own_the_five_records_and_then_the_module_creates_none() {
    let moto = start_moto();
    let zone_id = hosted_zone(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");
    ws.write(
        "main.tf",
        &ws.read("main.tf").replace(
            "  template_body   = file(\"${path.module}/infinstor-root.json\")",
            "  template_body   = file(\"${path.module}/infinstor-root.json\")\n  records_created_by_stack = true",
        ),
    );
    apply_replan_destroy(&ws, &[], || {
        let names: Vec<String> = records(&moto, &zone_id).into_iter().map(|(n, _)| n).collect();
        assert!(
            names.iter().all(|n| n.starts_with('_')),
            "only validation records: {names:?}"
        );
        assert_eq!(stack_parameter(&moto, "HostedZoneId"), Some(zone_id.clone()));
    });
}

#[test]
fn at_the_bare_domain_the_records_take_their_names_from_the_stack_and_the_certificate_is_in_us_east_1() {
    let moto = start_moto();
    let zone_id = hosted_zone(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/infinstor-dns");
    // The stack names the service's front end "portal", not "service".
    ws.write(
        "infinstor-root.json",
        &ws.read("infinstor-root.json")
            .replace("\"Value\": \"service\"", "\"Value\": \"portal\""),
    );
    // The service in eu-west-1, its certificate where CloudFront takes it from.
    let vars = ["--var", "subdomain=", "--var", "region=eu-west-1"];
    apply_replan_destroy(&ws, &vars, || {
        let names: Vec<String> = records(&moto, &zone_id)
            .into_iter()
            .map(|(n, _)| n)
            .filter(|n| !n.starts_with('_'))
            .collect();
        let mut names = names;
        names.sort();
        assert_eq!(
            names,
            [
                "api.example.com.",
                "mlflow.example.com.",
                "mlflowstatic.example.com.",
                "mlflowui.example.com.",
                "portal.example.com."
            ]
        );
        let cert = ws.run(&["output", "--raw", "certificate_arn"]).expect_code(0).stdout;
        assert!(cert.starts_with("arn:aws:acm:us-east-1:"), "{cert}");
        let in_region = moto
            .sdk_config()
            .to_builder()
            .region(aws_config::Region::new("eu-west-1"))
            .build();
        let parameters = crate::util::stack_parameters(&in_region, "infinstor").expect("the root stack in eu-west-1");
        assert_eq!(parameters["DomainName"], "example.com");
        let policy = ws
            .run(&["output", "--raw", "installer_policy_json"])
            .expect_code(0)
            .stdout;
        let policy: serde_json::Value = serde_json::from_str(&policy).expect("a policy document");
        let sids: Vec<&str> = policy["Statement"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["Sid"].as_str())
            .collect();
        assert_eq!(
            sids,
            [
                "DnsEntries",
                "FindHostedZone",
                "Certificates",
                "ServerlessApplications",
                "DynamoDbTables",
                "MlflowProjectsInstances"
            ]
        );
    });

    // A certificate from another region is refused before anything is read.
    let other = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
    let plan = ws
        .run(&["plan", "--var", &format!("certificate_arn={other}")])
        .expect_code(1);
    assert!(
        plan.stderr
            .contains("certificate_arn must be a certificate in us-east-1"),
        "{}",
        plan.stderr
    );
}
