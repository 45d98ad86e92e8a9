//! Seed 004 through `examples/tetrascience` (modules/tetrascience/{disaster-recovery,layers,sso}):
//! the DR stack in the DR account and region, the data layer taking its outputs, the service
//! layer taking the data layer's stack, every parameter typed with the seed's defaults and
//! checked against stand-in templates at plan time; stacks checked through the SDK in each
//! account.

use crate::util::{block_on, stack_parameters as parameters, start_moto, workspace, Moto};

const DR_ACCOUNT: &str = "222222222222";
const DR_ROLE: &str = "arn:aws:iam::222222222222:role/tetrascience-dr-deployer";

/// A template declaring `params` (each a String with an empty default unless required) and
/// outputs echoing constants.
fn template(params: &[&str], outputs: &[(&str, &str)]) -> String {
    let mut t = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n");
    for p in params {
        t.push_str(&format!("  {p}:\n    Type: String\n"));
    }
    t.push_str("Resources:\n  Marker:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: !Sub \"/tdp/${AWS::StackName}/deployed\"\n      Type: String\n      Value: deployed\n");
    if !outputs.is_empty() {
        t.push_str("Outputs:\n");
        for (k, v) in outputs {
            t.push_str(&format!("  {k}:\n    Value: {v}\n"));
        }
    }
    t
}

const DATA_PARAMS: &[&str] = &[
    "CFTemplateBucket",
    "CFTemplateVersion",
    "InfrastructureName",
    "Environment",
    "IAMRolePrefix",
    "IAMBoundaryPolicy",
    "EnableDR",
    "DRAWSAccountId",
    "DRDatalakeKMSKey",
    "DRDatalakeBucket",
    "DRStreamBucket",
    "DRBackupBucket",
    "DRLocalArtifactsBucket",
    "EnableElasticsearch",
    "EnableLogging",
    "EsMasterInstanceType",
    "EsDatanodeInstanceType",
    "EsDatanodeInstanceCount",
    "EsDatanodeVolumeSize",
    "EsBackupInterval",
    "InstanceTypeRDS",
    "RDSBackupInterval",
    "RDSBackupSchedule",
    "RDSBackupRetentionDays",
    "RDSSnapShot",
    "CreateVPC",
    "VpcCIDR",
    "VPCID",
    "PublicSubnetIds",
    "PrivateSubnetIds",
    "IsolatedSubnetIds",
    "LogsEndpoint",
    "MonitoringEndpoint",
    "SqsEndpoint",
    "CloudformationEndpoint",
    "NotificationEmail",
    "SourceNotificationEmail",
    "LogRetentionDays",
    "LambdaPrefix",
    "STBucket",
    "DLBucket",
];

const SERVICE_PARAMS: &[&str] = &[
    "CFTemplateVersion",
    "Branch",
    "DataStack",
    "EnableLogging",
    "ClusterType",
    "InstanceTypeECS",
    "ConnectorMaxMemory",
    "TaskThroughput",
    "EnableWinTaskScriptService",
    "WindowsInstanceType",
    "PublicDomain",
    "ExposedOnInternet",
    "NoDNSWeb",
    "PublicDomainZoneId",
    "Certificate",
    "PrivateDomain",
    "MinCapacity",
    "MaxCapacity",
    "LambdaPrefix",
    "AthenaCreateIamUser",
    "UserAuditLogGroupSuffix",
];

const SNAPSHOT_PARAMS: &[&str] = &[
    "CodeBucket",
    "CrossAccountCopy",
    "DeleteOldSnapshots",
    "DestinationRegion",
    "KmsKeyDestination",
    "KMSKeySource",
    "LambdaCWLogRetention",
    "LogLevel",
    "RetentionDays",
    "SnapshotPattern",
    "SourceRegionOverride",
];

/// An SDK configuration in `region`, as the DR role when `dr`.
fn config(moto: &Moto, region: &str, dr: bool) -> aws_config::SdkConfig {
    let base = moto.sdk_config();
    let mut b = base.to_builder().region(aws_config::Region::new(region.to_string()));
    if dr {
        let creds = block_on(async {
            aws_sdk_sts::Client::new(&base)
                .assume_role()
                .role_arn(DR_ROLE)
                .role_session_name("check")
                .send()
                .await
                .expect("assume role")
                .credentials
                .expect("credentials")
        });
        b = b.credentials_provider(aws_sdk_s3::config::SharedCredentialsProvider::new(
            aws_sdk_s3::config::Credentials::new(
                creds.access_key_id(),
                creds.secret_access_key(),
                Some(creds.session_token().to_string()),
                None,
                "dr",
            ),
        ));
    }
    b.build()
}

fn upload(conf: &aws_config::SdkConfig, bucket: &str, key: &str, body: &str) -> String {
    let s3 = aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(conf).force_path_style(true).build());
    block_on(async {
        let _ = s3.create_bucket().bucket(bucket).send().await;
        s3.put_object()
            .bucket(bucket)
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .expect("upload")
    });
    format!("https://s3.amazonaws.com/{bucket}/{key}")
}

/// Publishes the example's four templates (data and service layers in the main account, the
/// DR templates in the DR account) and returns the `-var` arguments that plan or apply
/// examples/tetrascience with them.
pub(crate) fn example_vars(moto: &Moto) -> Vec<String> {
    let main = config(moto, "us-east-1", false);
    let dr_main = config(moto, "us-east-1", true);
    let dr_outputs = [
        ("DRDatalakeKMSKey", "arn:aws:kms:us-east-2:222222222222:key/dr-datalake"),
        ("DRDatalakeBucket", "acme-tdp-dr-datalake"),
        ("DRStreamBucket", "acme-tdp-dr-stream"),
        ("DRBackupBucket", "acme-tdp-dr-backup"),
        ("DRLocalArtifactsBucket", "acme-tdp-dr-artifacts"),
        ("DRRDSKMSKey", "arn:aws:kms:us-east-2:222222222222:key/dr-rds"),
    ];
    let templates = [
        (
            "data_layer",
            upload(
                &main,
                "tdp-templates",
                "v1.0.0/data-layer.yml",
                &template(DATA_PARAMS, &[]),
            ),
        ),
        (
            "service_layer",
            upload(
                &main,
                "tdp-templates",
                "v1.0.0/service-layer.yml",
                &template(SERVICE_PARAMS, &[]),
            ),
        ),
        (
            "dr",
            upload(
                &dr_main,
                "tdp-dr-templates",
                "dr.yml",
                &template(&["InfrastructureName", "Environment", "ProdAWSAccountId"], &dr_outputs),
            ),
        ),
        (
            "snapshot_tool",
            upload(
                &dr_main,
                "tdp-dr-templates-main",
                "snapshots_tool_rds_dest.json",
                &template(SNAPSHOT_PARAMS, &[]),
            ),
        ),
    ];
    let map: Vec<String> = templates.iter().map(|(k, v)| format!("{k} = \"{v}\"")).collect();
    vec![
        format!("-var=dr_role_arn={DR_ROLE}"),
        "-var=prod_account_id=123456789012".to_string(),
        format!("-var=templates={{{}}}", map.join(", ")),
        "-var=identity_provider_metadata_url=https://idp.acme.example.com/metadata".to_string(),
        "-var=web_certificate_arn=arn:aws:acm:us-east-1:123456789012:certificate/web".to_string(),
    ]
}

#[test]
fn dr_then_data_layer_then_service_layer() {
    let moto = start_moto();
    let main = config(&moto, "us-east-1", false);
    let dr = config(&moto, "us-east-2", true);
    let dr_main = config(&moto, "us-east-1", true);
    let vars = example_vars(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/tetrascience");
    let run = |base: &[&str], extra: &[String], code: i32| {
        let a: Vec<&str> = base
            .iter()
            .copied()
            .chain(vars.iter().map(String::as_str))
            .chain(extra.iter().map(String::as_str))
            .collect();
        ws.run(&a).expect_code(code)
    };
    // What the data layer makes for RDS snapshots (the stand-in template makes no key).
    let rds_key = block_on(async {
        let kms = aws_sdk_kms::Client::new(&main);
        let key = kms.create_key().send().await.expect("key");
        let key = key
            .key_metadata()
            .map(|m| m.arn().unwrap_or_default().to_string())
            .expect("arn");
        kms.create_alias()
            .alias_name("alias/ts-rds-production")
            .target_key_id(&key)
            .send()
            .await
            .expect("alias");
        key
    });
    run(&["apply", "-auto-approve"], &[], 0);

    let data = parameters(&main, "acme-tdp-data").expect("data layer in the main account");
    assert_eq!(data["EnableDR"], "true");
    assert_eq!(data["DRAWSAccountId"], DR_ACCOUNT);
    assert_eq!(data["DRDatalakeBucket"], "acme-tdp-dr-datalake");
    assert_eq!(
        data["EsMasterInstanceType"], "t3.medium.elasticsearch",
        "the seed's default"
    );
    assert_eq!(data["RDSBackupSchedule"], "0 1 * ?");
    assert_eq!(data["EsDatanodeInstanceCount"], "2");
    assert_eq!(data["CreateVPC"], "true");
    assert_eq!(data["PrivateSubnetIds"], "");
    let service = parameters(&main, "acme-tdp-service").expect("service layer");
    assert_eq!(service["DataStack"], "acme-tdp-data");
    assert_eq!(service["PrivateDomain"], "ts-dip.internal");
    assert_eq!(service["MaxCapacity"], "4");
    assert_eq!(
        service["Certificate"], "arn:aws:acm:us-east-1:123456789012:certificate/web",
        "pre-deployment's web certificate"
    );
    crate::tetrascience_sso::sso_is_set_up(&moto);
    let dr_params = parameters(&dr, "acme-tdp-dr").expect("DR stack in the DR account and region");
    assert_eq!(dr_params["Environment"], "dr");
    assert_eq!(dr_params["ProdAWSAccountId"], "123456789012");
    assert!(parameters(&main, "acme-tdp-dr").is_none(), "not in the main account");
    // After the data layer, in the same apply: the snapshot tool in the DR account, in the main
    // region, with the key the data layer made, found by its alias.
    let tool = parameters(&dr_main, "acme-tdp-rds-snapshot-tool").expect("snapshot tool");
    assert_eq!(tool["KMSKeySource"], rds_key);
    assert_eq!(
        tool["KmsKeyDestination"],
        "arn:aws:kms:us-east-2:222222222222:key/dr-rds"
    );
    assert_eq!(tool["DestinationRegion"], "us-east-2");
    assert_eq!(tool["SnapshotPattern"], "ts-platform.*");
    let checklist = ws
        .run(&["output", "-json", "post_deployment_checklist"])
        .expect_code(0)
        .stdout;
    assert!(checklist.contains("Subscription Confirmation"), "{checklist}");
    let key: [String; 0] = [];
    run(&["plan", "-detailed-exitcode"], &key, 0);
    // The seed: the data layer takes two to three hours, so each layer is waited for three.
    for layer in ["data", "service"] {
        let shown = ws
            .run(&[
                "state",
                "show",
                &format!("module.platform.aws_cloudformation_stack.{layer}[0]"),
            ])
            .expect_code(0)
            .stdout;
        assert!(shown.contains("create = \"3h\""), "{shown}");
    }

    // A wrong value is stopped by the module's validation, before anything is read.
    ws.write("override-vars.auto.tfvars", "infrastructure_name = \"Acme_TDP\"\n");
    let bad = run(&["plan"], &key, 1);
    assert!(
        bad.stderr
            .contains("infrastructure_name must be 2 to 40 lower-case letters"),
        "{}",
        bad.stderr
    );
    std::fs::remove_file(ws.path("override-vars.auto.tfvars")).expect("remove");

    run(&["destroy", "-auto-approve"], &key, 0);
    assert!(parameters(&main, "acme-tdp-data").is_none());
    assert!(parameters(&dr, "acme-tdp-dr").is_none());
}

#[test]
fn the_data_layer_template_must_declare_what_the_module_passes() {
    let moto = start_moto();
    let main = config(&moto, "us-east-1", false);
    let mut fewer: Vec<&str> = DATA_PARAMS.to_vec();
    fewer.retain(|p| *p != "RDSSnapShot");
    let url = upload(&main, "tdp-templates", "old/data-layer.yml", &template(&fewer, &[]));
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        &format!(
            r#"module "platform" {{
  source                     = "./layers"
  infrastructure_name        = "acme-tdp"
  template_version           = "v0.9.0"
  data_layer_template_url    = "{url}"
  service_layer_template_url = "{url}"
  data_layer = {{
    VpcCIDR                 = "10.200.0.0/16"
    NotificationEmail       = "a@acme.example.com"
    SourceNotificationEmail = "b@acme.example.com"
  }}
  service_layer = {{
    PublicDomain = "tdp.acme.example.com"
  }}
}}
"#
        ),
    );
    let layers = test_support::repo_root().join("modules/tetrascience/layers");
    for f in ["main.tf", "variables.tf", "outputs.tf"] {
        ws.write(
            &format!("layers/{f}"),
            &std::fs::read_to_string(layers.join(f)).expect("module file"),
        );
    }
    let plan = ws.run(&["plan"]).expect_code(1);
    assert!(plan.stderr.contains("RDSSnapShot"), "{}", plan.stderr);
    assert!(plan.stderr.contains("do not match the template"), "{}", plan.stderr);
}

/// A workspace holding the layers module and a call of it with `inputs` (the deployment path).
pub(crate) fn layers_call(moto: &Moto, inputs: &str) -> crate::util::Workspace {
    let ws = workspace(Some(moto));
    ws.write(
        "main.tf",
        &format!(
            r#"module "platform" {{
  source              = "./layers"
  infrastructure_name = "acme-tdp"
  template_version    = "v1.0.0"
{inputs}
  data_layer = {{
    VpcCIDR                 = "10.200.0.0/16"
    NotificationEmail       = "a@acme.example.com"
    SourceNotificationEmail = "b@acme.example.com"
  }}
  service_layer = {{
    PublicDomain = "tdp.acme.example.com"
  }}
}}

output "data_stack_name" {{
  value = module.platform.data_stack_name
}}
"#
        ),
    );
    let layers = test_support::repo_root().join("modules/tetrascience/layers");
    for f in ["main.tf", "variables.tf", "outputs.tf"] {
        ws.write(
            &format!("layers/{f}"),
            &std::fs::read_to_string(layers.join(f)).expect("module file"),
        );
    }
    ws
}

#[test]
fn layers_are_launched_as_service_catalog_products_or_stacks_and_one_way_must_be_chosen() {
    let moto = start_moto();
    // The seed's path: the products of the shared portfolio, at the template version.
    let ws = layers_call(
        &moto,
        r#"  service_catalog = {
    data_layer_product_id    = "prod-data4tdp1234"
    service_layer_product_id = "prod-svc4tdp12345"
  }"#,
    );
    ws.run(&["validate"]).expect_code(0);
    // Planning reads each product's launch paths from Service Catalog. The emulator keeps
    // portfolios but has no ListLaunchPaths (the provider's replay tests cover the answers),
    // so here the plan stops there, naming the product it asked about.
    let plan = ws.run(&["plan"]).expect_code(1);
    assert!(
        plan.stderr
            .contains("listing Service Catalog launch paths of product prod-data4tdp1234"),
        "{}",
        plan.stderr
    );

    // A product name where the ID belongs is refused before anything is read.
    let ws = layers_call(
        &moto,
        r#"  service_catalog = {
    data_layer_product_id    = "TDP Data Layer"
    service_layer_product_id = "prod-svc4tdp12345"
  }"#,
    );
    let bad = ws.run(&["plan"]).expect_code(1);
    assert!(
        bad.stderr.contains("service_catalog product IDs look like prod-"),
        "{}",
        bad.stderr
    );

    // Neither products nor templates: nothing would be deployed, and the plan says so.
    let ws = layers_call(&moto, "");
    let neither = ws.run(&["plan"]).expect_code(1);
    assert!(
        neither.stderr.contains("Deploy the layers one way"),
        "{}",
        neither.stderr
    );

    // Extra parameters are for what the module does not set: one it sets is refused.
    let ws = layers_call(
        &moto,
        "  data_layer_extra_parameters    = { InfrastructureName = \"other\", EsWarmEnabled = \"true\" }\n  service_layer_extra_parameters = { DataStack = \"other\" }",
    );
    let twice = ws.run(&["plan"]).expect_code(1);
    for refused in [
        "data_layer_extra_parameters may only hold parameters the module does not set",
        "service_layer_extra_parameters may only hold parameters the module does not set",
    ] {
        assert!(twice.stderr.contains(refused), "{refused} in\n{}", twice.stderr);
    }
}

const ADMIN_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJxa9xtm+ciuV/Ipc8iZ1KdzOA21aoOn2f+OJCkem1KG admin@acme";

#[test]
fn pre_deployment_adopts_existing_roles_and_prepares_the_account() {
    let moto = crate::util::Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "1")]);
    let main = config(&moto, "us-east-1", false);
    let iam = aws_sdk_iam::Client::new(&main);
    // ECS made its role on first use, before this deployment.
    let ecs_role = block_on(async {
        iam.create_service_linked_role()
            .aws_service_name("ecs.amazonaws.com")
            .send()
            .await
            .expect("role")
            .role()
            .map(|r| r.role_name().to_string())
            .expect("name")
    });
    let zone = block_on(async {
        aws_sdk_route53::Client::new(&main)
            .create_hosted_zone()
            .name("acme.example.com")
            .caller_reference("tdp")
            .send()
            .await
            .expect("zone")
            .hosted_zone()
            .map(|z| z.id().trim_start_matches("/hostedzone/").to_string())
            .expect("id")
    });
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/tetrascience-pre-deployment");
    let vars = [
        format!("-var=admin_public_key={ADMIN_KEY}"),
        format!("-var=web_zone_id={zone}"),
        "-var=box_client_id=box-client-secret-id-42".to_string(),
        "-var=box_client_secret=box-secret-43".to_string(),
        "-var=egnyte_client_id=egnyte-id-44".to_string(),
        "-var=integration_parameters={\"/uat/ECS/ts-service-web/INT_EGNYTE_ENDPOINT\" = \"https://acme.egnyte.com\", \"ts-service-web/LOG_LEVEL\" = \"info\"}".to_string(),
    ];
    let run = |base: &[&str], code: i32| {
        let a: Vec<&str> = base.iter().copied().chain(vars.iter().map(String::as_str)).collect();
        ws.run(&a).expect_code(code)
    };
    let plan = run(&["plan"], 0);
    assert!(!plan.stdout.contains("box-client-secret-id-42"), "{}", plan.stdout);
    run(&["apply", "-auto-approve"], 0);

    let roles: serde_json::Value = serde_json::from_str(
        &ws.run(&["output", "-json", "service_linked_roles"])
            .expect_code(0)
            .stdout,
    )
    .expect("json");
    assert_eq!(roles["ecs.amazonaws.com"]["adopted"], true, "{roles}");
    assert_eq!(roles["es.amazonaws.com"]["adopted"], false, "{roles}");
    block_on(async {
        let ec2 = aws_sdk_ec2::Client::new(&main);
        let keys = ec2
            .describe_key_pairs()
            .key_names("tetrascience-admin")
            .send()
            .await
            .expect("key pair");
        assert_eq!(keys.key_pairs().len(), 1);
        let ses = aws_sdk_sesv2::Client::new(&main);
        ses.get_email_identity()
            .email_identity("tdp-noreply@acme.example.com")
            .send()
            .await
            .expect("identity");
        let logs = aws_sdk_cloudwatchlogs::Client::new(&main);
        let policies = logs.describe_resource_policies().send().await.expect("policies");
        let p = policies
            .resource_policies()
            .iter()
            .find(|p| p.policy_name() == Some("es2cloudwatch"))
            .expect("es2cloudwatch");
        assert!(p.policy_document().unwrap_or_default().contains("es.amazonaws.com"));
        let ssm = aws_sdk_ssm::Client::new(&main);
        let box_id = ssm
            .get_parameter()
            .name("/tetrascience/production/ECS/ts-service-link-file/BOX_CLIENT_ID")
            .with_decryption(true)
            .send()
            .await
            .expect("parameter");
        assert_eq!(
            box_id.parameter().and_then(|p| p.value()),
            Some("box-client-secret-id-42")
        );
        // The seed's other Box rows, from the one typed input, its Egnyte row, and settings by
        // their path under the environment or in full (the seed's table puts two under /uat/).
        for (name, value) in [
            ("ts-service-web/INT_BOX_CLIENT_ID", "box-client-secret-id-42"),
            ("ts-service-link-file/BOX_CLIENT_SECRET", "box-secret-43"),
            ("ts-service-web/INT_EGNYTE_CLIENT_ID", "egnyte-id-44"),
            ("ts-service-web/LOG_LEVEL", "info"),
            ("/uat/ECS/ts-service-web/INT_EGNYTE_ENDPOINT", "https://acme.egnyte.com"),
        ] {
            let path = if name.starts_with('/') {
                name.to_string()
            } else {
                format!("/tetrascience/production/ECS/{name}")
            };
            let got = ssm
                .get_parameter()
                .name(path)
                .with_decryption(true)
                .send()
                .await
                .expect("parameter");
            assert_eq!(got.parameter().and_then(|p| p.value()), Some(value), "{name}");
        }
    });
    let cert = ws.run(&["output", "-raw", "web_certificate_arn"]).expect_code(0).stdout;
    assert!(cert.starts_with("arn:aws:acm:us-east-1:"), "{cert}");
    // The seed: the certificate covers the domain and its api. subdomain.
    let names = block_on(async {
        aws_sdk_acm::Client::new(&config(&moto, "us-east-1", false))
            .describe_certificate()
            .certificate_arn(&cert)
            .send()
            .await
            .expect("certificate")
            .certificate()
            .map(|c| c.subject_alternative_names().to_vec())
            .unwrap_or_default()
    });
    assert!(names.iter().any(|n| n == "api.tdp.acme.example.com"), "{names:?}");
    run(&["plan", "-detailed-exitcode"], 0);

    // Destroy: the adopted ECS role stays (others rely on it); what was created goes.
    run(&["destroy", "-auto-approve"], 0);
    block_on(async {
        iam.get_role()
            .role_name(&ecs_role)
            .send()
            .await
            .expect("the adopted role stays");
        let ec2 = aws_sdk_ec2::Client::new(&main);
        let keys = ec2.describe_key_pairs().send().await.expect("key pairs");
        assert!(keys
            .key_pairs()
            .iter()
            .all(|k| k.key_name() != Some("tetrascience-admin")));
    });
}

#[test]
fn pre_deployment_generates_and_imports_a_self_signed_web_certificate() {
    let moto = start_moto();
    let main = config(&moto, "us-east-1", false);
    let ws = workspace(Some(&moto));
    let module = test_support::repo_root().join("modules/tetrascience/pre-deployment");
    for f in ["main.tf", "variables.tf", "outputs.tf"] {
        ws.write(
            &format!("pre/{f}"),
            &std::fs::read_to_string(module.join(f)).expect("module file"),
        );
    }
    ws.write(
        "main.tf",
        r#"
resource "tls_private_key" "admin" {
  algorithm = "ED25519"
}

module "pre" {
  source = "./pre"

  admin_public_key          = tls_private_key.admin.public_key_openssh
  source_notification_email = "tdp-noreply@acme.example.com"
  web_domain                = "tdp.acme.example.com"
  web_certificate           = "self-signed"
}

output "web_certificate_arn" {
  value = module.pre.web_certificate_arn
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let arn = ws.run(&["output", "-raw", "web_certificate_arn"]).expect_code(0).stdout;
    let detail = block_on(async {
        aws_sdk_acm::Client::new(&main)
            .describe_certificate()
            .certificate_arn(&arn)
            .send()
            .await
            .expect("certificate")
    });
    let detail = detail.certificate().expect("certificate");
    assert_eq!(detail.domain_name(), Some("tdp.acme.example.com"));
    assert_eq!(detail.key_algorithm().map(|k| k.as_str()), Some("RSA_2048"));
    let names = detail.subject_alternative_names();
    assert!(names.iter().any(|n| n == "api.tdp.acme.example.com"), "{names:?}");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let listed = block_on(async {
        aws_sdk_acm::Client::new(&main)
            .list_certificates()
            .send()
            .await
            .expect("list")
    });
    assert!(listed.certificate_summary_list().is_empty());

    // An imported certificate must cover the api. subdomain: one for the domain alone stops
    // the apply, naming what it has.
    ws.write(
        "main.tf",
        r#"
resource "tls_private_key" "admin" {
  algorithm = "ED25519"
}

resource "tls_private_key" "web" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "tls_self_signed_cert" "web" {
  private_key_pem       = tls_private_key.web.private_key_pem
  dns_names             = ["tdp.acme.example.com"]
  validity_period_hours = 24
  allowed_uses          = ["server_auth"]
  subject {
    common_name = "tdp.acme.example.com"
  }
}

module "pre" {
  source = "./pre"

  admin_public_key          = tls_private_key.admin.public_key_openssh
  source_notification_email = "tdp-noreply@acme.example.com"
  web_domain                = "tdp.acme.example.com"
  web_certificate           = "import"
  certificate_body          = tls_self_signed_cert.web.cert_pem
  certificate_private_key   = tls_private_key.web.private_key_pem
}
"#,
    );
    let refused = ws.run(&["apply", "-auto-approve"]).expect_code(1);
    assert!(
        refused.stderr.contains(
            "The imported certificate does not cover api.tdp.acme.example.com, which the platform serves its API at"
        ) && refused.stderr.contains("It names tdp.acme.example.com."),
        "{}",
        refused.stderr
    );
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}

#[test]
fn disaster_recovery_needs_another_region_and_a_dr_stack_with_the_outputs_the_data_layer_takes() {
    let moto = start_moto();
    let vars = example_vars(&moto);
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/tetrascience");
    let run = |extra: &[&str], code: i32| {
        let a: Vec<&str> = extra.iter().copied().chain(vars.iter().map(String::as_str)).collect();
        ws.run(&a).expect_code(code)
    };
    let same = run(&["plan", "-var=dr_region=us-east-1"], 1);
    assert!(
        same.stderr
            .contains("dr_region is us-east-1, the main deployment's region too"),
        "{}",
        same.stderr
    );
    // A dr.yml whose outputs are named otherwise stops at the DR stack, before the data layer.
    let dr_main = config(&moto, "us-east-1", true);
    upload(
        &dr_main,
        "tdp-dr-templates",
        "dr.yml",
        &template(
            &["InfrastructureName", "Environment", "ProdAWSAccountId"],
            &[("DatalakeKey", "k"), ("DRDatalakeBucket", "b")],
        ),
    );
    let applied = run(&["apply", "-auto-approve"], 1);
    assert!(
        applied
            .stderr
            .contains("The DR stack has no output DRBackupBucket, DRDatalakeKMSKey, DRLocalArtifactsBucket, DRRDSKMSKey, DRStreamBucket; its outputs are DRDatalakeBucket, DatalakeKey"),
        "{}",
        applied.stderr
    );
    assert!(
        parameters(&config(&moto, "us-east-1", false), "acme-tdp-data").is_none(),
        "the data layer is not started"
    );
    // Told the names this dr.yml uses, the DR stack (made again from the template at the same
    // URL) passes its check.
    upload(
        &dr_main,
        "tdp-dr-templates",
        "dr.yml",
        &template(
            &["InfrastructureName", "Environment", "ProdAWSAccountId"],
            &[
                ("DatalakeKey", "k"),
                ("DRDatalakeBucket", "b"),
                ("StreamBucket", "s"),
                ("BackupBucket", "bk"),
                ("ArtifactsBucket", "a"),
                ("RdsKey", "r"),
            ],
        ),
    );
    let names = "-var=dr_output_names={DRDatalakeKMSKey = \"DatalakeKey\", DRStreamBucket = \"StreamBucket\", DRBackupBucket = \"BackupBucket\", DRLocalArtifactsBucket = \"ArtifactsBucket\", DRRDSKMSKey = \"RdsKey\"}";
    run(
        &[
            "apply",
            "-auto-approve",
            "-target=module.dr.aws_cloudformation_stack.dr",
            "-replace=module.dr.aws_cloudformation_stack.dr",
            names,
        ],
        0,
    );
}
