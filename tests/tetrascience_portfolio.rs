//! Seed 004's "add the deployer to the imported portfolio" (modules/tetrascience/pre-deployment,
//! `portfolio_principals`). The emulator keeps portfolios but has no
//! AssociatePrincipalWithPortfolio, so the binary is checked up to the plan here, and the calls
//! against Service Catalog's documented answers in the provider's replay tests
//! (providers/src/servicecatalog/tests.rs).

use crate::util::{start_moto, workspace};

#[test]
fn the_deployer_is_added_to_the_imported_portfolio_and_a_name_for_its_id_is_refused() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let module = test_support::repo_root().join("modules/tetrascience/pre-deployment");
    for f in ["main.tf", "variables.tf", "outputs.tf"] {
        ws.write(
            &format!("pre/{f}"),
            &std::fs::read_to_string(module.join(f)).expect("module file"),
        );
    }
    let config = |portfolio: &str| {
        format!(
            r#"
module "pre" {{
  source = "./pre"

  admin_public_key          = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJxa9xtm+ciuV/Ipc8iZ1KdzOA21aoOn2f+OJCkem1KG admin@acme"
  source_notification_email = "tdp-noreply@acme.example.com"
  web_domain                = "tdp.acme.example.com"
  web_certificate           = "self-signed"
  portfolio_principals = {{
    portfolio_id   = "{portfolio}"
    principal_arns = ["arn:aws:iam::123456789012:user/tdp-deployer"]
  }}
}}

output "manual_steps" {{
  value = module.pre.manual_steps
}}
"#
        )
    };
    ws.write("main.tf", &config("port-tdp12345"));
    ws.run(&["validate"]).expect_code(0);
    let plan = ws.run(&["plan"]).expect_code(0);
    for shown in [
        "# module.pre.aws_servicecatalog_principal_portfolio_association.deployer[\"arn:aws:iam::123456789012:user/tdp-deployer\"] will be created",
        "+ portfolio_id    = \"port-tdp12345\"",
        "+ principal_type  = \"IAM\"",
        "(portfolio_principals adds the deployer to it)",
    ] {
        assert!(plan.stdout.contains(shown), "{shown} in\n{}", plan.stdout);
    }

    // The portfolio's name where its ID belongs: refused by the module, before any call.
    ws.write("main.tf", &config("TetraScience Platform"));
    let refused = ws.run(&["plan"]).expect_code(1);
    assert!(
        refused
            .stderr
            .contains("portfolio_principals.portfolio_id looks like port-abcd1234efgh5"),
        "{}",
        refused.stderr
    );
}
