//! The `tls` provider through the binary: seed 004's self-generated certificate imported into
//! ACM and an SSH key registered with EC2 in one apply (checked through the SDK), and a private
//! CA signing a request (checked by an independent X.509 parser, which verifies the signatures,
//! and an independent OpenSSH key parser).

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use crate::util::output;
use crate::util::{block_on, planned_changes, start_moto, workspace, Clients, Moto};

const SEED_004_WEB: &str = r#"
resource "tls_private_key" "web" {
  algorithm = "RSA"
}

resource "tls_self_signed_cert" "web" {
  private_key_pem = tls_private_key.web.private_key_pem
  subject {
    common_name  = "tdp.research.example.com"
    organization = "Example Research"
    country      = "US"
  }
  dns_names             = ["tdp.research.example.com"]
  validity_period_hours = 8760
  early_renewal_hours   = 24
  allowed_uses          = ["key_encipherment", "digital_signature", "server_auth"]
}

resource "aws_acm_certificate" "web" {
  private_key      = tls_private_key.web.private_key_pem
  certificate_body = tls_self_signed_cert.web.cert_pem
}

resource "tls_private_key" "admin" {
  algorithm = "ED25519"
}

resource "aws_key_pair" "admin" {
  key_name   = "tetrascience-admin"
  public_key = tls_private_key.admin.public_key_openssh
}

output "certificate_arn" {
  value = aws_acm_certificate.web.arn
}

output "private_key_pem" {
  value     = tls_private_key.web.private_key_pem
  sensitive = true
}

output "fingerprint" {
  value = tls_private_key.admin.public_key_fingerprint_sha256
}
"#;

/// ACM's description of an imported certificate.
fn described(moto: &Moto, arn: &str) -> aws_sdk_acm::types::CertificateDetail {
    let answer = block_on(async {
        moto.acm()
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .expect("describe certificate")
    });
    answer.certificate().cloned().expect("certificate")
}

#[test]
fn a_self_generated_certificate_is_imported_into_acm_in_one_apply() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", SEED_004_WEB);
    planned_changes(&ws, "Plan: 5 to add, 0 to change, 0 to destroy.");
    let apply = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let key = output(&ws, "private_key_pem");
    assert!(
        key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"),
        "PKCS#1, as Terraform writes RSA keys"
    );
    assert!(!apply.stdout.contains("PRIVATE KEY") && !apply.stderr.contains("PRIVATE KEY"));
    for address in ["tls_private_key.web", "tls_self_signed_cert.web"] {
        let shown = ws.run(&["state", "show", address]).expect_code(0).stdout;
        assert!(!shown.contains("PRIVATE KEY"), "{address} shows its key: {shown}");
        assert!(shown.contains("(sensitive value)"), "{shown}");
    }

    let arn = output(&ws, "certificate_arn");
    let detail = described(&moto, &arn);
    assert_eq!(detail.domain_name(), Some("tdp.research.example.com"));
    assert_eq!(detail.r#type().map(|t| t.as_str()), Some("IMPORTED"));
    assert_eq!(detail.key_algorithm().map(|k| k.as_str()), Some("RSA_2048"));
    let (Some(from), Some(to)) = (detail.not_before(), detail.not_after()) else {
        panic!("no validity in {detail:?}");
    };
    assert_eq!(to.secs() - from.secs(), 8760 * 3600);
    let keys = block_on(async { moto.ec2().describe_key_pairs().send().await.expect("key pairs") });
    let names: Vec<&str> = keys.key_pairs().iter().filter_map(|k| k.key_name()).collect();
    assert_eq!(names, vec!["tetrascience-admin"]);
    assert!(output(&ws, "fingerprint").starts_with("SHA256:"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // early_renewal_hours changes in place; once it reaches into the validity, the certificate
    // is due and replaced, and ACM re-imports the new one under the same ARN.
    ws.write(
        "main.tf",
        &SEED_004_WEB.replace("early_renewal_hours   = 24", "early_renewal_hours   = 48"),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let old_serial = detail.serial().map(str::to_string);
    ws.write(
        "main.tf",
        &SEED_004_WEB.replace("early_renewal_hours   = 24", "early_renewal_hours   = 9000"),
    );
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("tls_self_signed_cert.web must be replaced"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("ready_for_renewal"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(output(&ws, "certificate_arn"), arn, "re-imported in place");
    assert_ne!(
        described(&moto, &arn).serial().map(str::to_string),
        old_serial,
        "a new certificate"
    );

    let destroy = ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(destroy.stdout.contains("5 destroyed"), "{}", destroy.stdout);
    let listed = block_on(async { moto.acm().list_certificates().send().await.expect("list") });
    assert!(listed.certificate_summary_list().is_empty());
    let keys = block_on(async { moto.ec2().describe_key_pairs().send().await.expect("key pairs") });
    assert!(keys.key_pairs().is_empty());
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const PRIVATE_CA: &str = r#"
resource "tls_private_key" "ca" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P384"
}

resource "tls_self_signed_cert" "ca" {
  private_key_pem       = tls_private_key.ca.private_key_pem
  is_ca_certificate     = true
  set_subject_key_id    = true
  validity_period_hours = 87600
  allowed_uses          = ["cert_signing", "crl_signing"]
  subject {
    common_name    = "Example Research Root"
    street_address = ["1 Main St"]
  }
}

resource "tls_private_key" "service" {
  algorithm = "RSA"
  rsa_bits  = 3072
}

resource "tls_cert_request" "service" {
  private_key_pem = tls_private_key.service.private_key_pem
  dns_names       = ["api.research.internal"]
  ip_addresses    = ["10.0.0.7"]
  subject {
    common_name = "api.research.internal"
  }
}

resource "tls_locally_signed_cert" "service" {
  cert_request_pem      = tls_cert_request.service.cert_request_pem
  ca_private_key_pem    = tls_private_key.ca.private_key_pem
  ca_cert_pem           = tls_self_signed_cert.ca.cert_pem
  validity_period_hours = 720
  allowed_uses          = ["digital_signature", "key_encipherment", "server_auth", "client_auth"]
}

resource "tls_private_key" "ssh" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

output "ca" {
  value = tls_self_signed_cert.ca.cert_pem
}

output "leaf" {
  value = tls_locally_signed_cert.service.cert_pem
}

output "ca_key_algorithm" {
  value = tls_locally_signed_cert.service.ca_key_algorithm
}

output "ssh_private" {
  value     = tls_private_key.ssh.private_key_openssh
  sensitive = true
}

output "ssh_public" {
  value = tls_private_key.ssh.public_key_openssh
}

output "rsa_private" {
  value     = tls_private_key.service.private_key_openssh
  sensitive = true
}

output "rsa_public" {
  value = tls_private_key.service.public_key_openssh
}

output "rsa_md5" {
  value = tls_private_key.service.public_key_fingerprint_md5
}

output "rsa_sha256" {
  value = tls_private_key.service.public_key_fingerprint_sha256
}
"#;

fn der_of(pem_text: &str) -> Vec<u8> {
    let (_, pem) = x509_parser::pem::parse_x509_pem(pem_text.as_bytes()).expect("PEM");
    pem.contents
}

fn sans_of<'a>(cert: &'a X509Certificate<'_>) -> Vec<GeneralName<'a>> {
    let sans = cert.subject_alternative_name().expect("extension").expect("SANs");
    sans.value.general_names.clone()
}

#[test]
fn a_private_ca_signs_a_request_and_keys_open_in_openssh_form() {
    let ws = workspace(None);
    ws.write("main.tf", PRIVATE_CA);
    let apply = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(apply.stdout.contains("6 added"), "{}", apply.stdout);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let ca_der = der_of(&output(&ws, "ca"));
    let leaf_der = der_of(&output(&ws, "leaf"));
    let (_, ca) = x509_parser::parse_x509_certificate(&ca_der).expect("CA certificate");
    let (_, leaf) = x509_parser::parse_x509_certificate(&leaf_der).expect("leaf certificate");
    ca.verify_signature(None).expect("the CA signed itself");
    leaf.verify_signature(Some(ca.public_key()))
        .expect("the CA signed the leaf");
    assert_eq!(leaf.issuer(), ca.subject());
    assert!(ca.is_ca());
    assert!(!leaf.is_ca());
    assert!(
        ca.subject().to_string().contains("Example Research Root"),
        "{}",
        ca.subject()
    );
    assert!(ca.subject().to_string().contains("1 Main St"), "{}", ca.subject());
    assert_eq!(
        sans_of(&leaf),
        vec![
            GeneralName::DNSName("api.research.internal"),
            GeneralName::IPAddress(&[10, 0, 0, 7])
        ]
    );
    let validity = leaf.validity();
    assert_eq!(
        validity.not_after.timestamp() - validity.not_before.timestamp(),
        720 * 3600
    );
    assert_eq!(output(&ws, "ca_key_algorithm"), "ECDSA");

    // An OpenSSH implementation reads the private keys. The ECDSA key signs and the public key
    // given beside it verifies; the RSA key's fields make a valid RSA key (checked by the rsa
    // crate: the primes multiply to the modulus and the exponents match) with the given modulus.
    // ssh-key 0.6 reads an ECDSA scalar only at the curve's full width, where OpenSSH (and Go's
    // encoder, which Terraform uses) writes the minimal mpint: a key whose scalar starts with a
    // zero byte, one in 256, is one that crate cannot read. Such a key is made again.
    let mut attempts = 0;
    let ecdsa = loop {
        match ssh_key::PrivateKey::from_openssh(output(&ws, "ssh_private")) {
            Ok(key) => break key,
            // The crate does not name its encoding errors' type; its debug form says which.
            Err(e) if format!("{e:?}") == "Encoding(Length)" && attempts < 3 => {
                attempts += 1;
                ws.run(&["apply", "-auto-approve", "--replace", "tls_private_key.ssh"])
                    .expect_code(0);
            }
            Err(e) => panic!("an OpenSSH private key: {e:?}"),
        }
    };
    let given = ssh_key::PublicKey::from_openssh(output(&ws, "ssh_public").trim()).expect("an OpenSSH public key");
    let signature = ecdsa
        .sign("infinstor-test", ssh_key::HashAlg::Sha256, b"signed")
        .expect("the ECDSA key signs");
    given
        .verify("infinstor-test", b"signed", &signature)
        .expect("its public key verifies the signature");
    let rsa_key = ssh_key::PrivateKey::from_openssh(output(&ws, "rsa_private")).expect("an OpenSSH private key");
    let given = ssh_key::PublicKey::from_openssh(output(&ws, "rsa_public").trim()).expect("an OpenSSH public key");
    let pair = rsa_key.key_data().rsa().expect("an RSA key");
    let big = |m: &ssh_key::Mpint| rsa::BigUint::from_bytes_be(m.as_positive_bytes().expect("positive"));
    rsa::RsaPrivateKey::from_components(
        big(&pair.public.n),
        big(&pair.public.e),
        big(&pair.private.d),
        vec![big(&pair.private.p), big(&pair.private.q)],
    )
    .expect("a valid RSA key");
    assert_eq!(Some(&pair.public), given.key_data().rsa());
    let rsa = ssh_key::PublicKey::from_openssh(output(&ws, "rsa_public").trim()).expect("public key");
    assert_eq!(
        rsa.fingerprint(ssh_key::HashAlg::Sha256).to_string(),
        output(&ws, "rsa_sha256"),
        "the SHA-256 fingerprint OpenSSH shows"
    );
    let md5 = output(&ws, "rsa_md5");
    assert!(
        md5.split(':').count() == 16 && md5.split(':').all(|pair| pair.len() == 2),
        "MD5 as 16 hex pairs: {md5}"
    );

    // A new request is signed anew; the CA stays.
    ws.write("main.tf", &PRIVATE_CA.replace("10.0.0.7", "10.0.0.8"));
    planned_changes(&ws, "Plan: 2 to add, 0 to change, 2 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let renewed_der = der_of(&output(&ws, "leaf"));
    let (_, renewed) = x509_parser::parse_x509_certificate(&renewed_der).expect("new leaf");
    renewed
        .verify_signature(Some(ca.public_key()))
        .expect("the same CA signed it");
    assert!(sans_of(&renewed).contains(&GeneralName::IPAddress(&[10, 0, 0, 8])));
    assert_eq!(der_of(&output(&ws, "ca")), ca_der, "the CA is kept");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let destroy = ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(destroy.stdout.contains("6 destroyed"), "{}", destroy.stdout);
}

#[test]
fn keys_infinstor_cannot_generate_are_refused_at_their_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "tls_private_key" "small" {
  algorithm = "RSA"
  rsa_bits  = 1024
}

resource "tls_private_key" "default_curve" {
  algorithm = "ECDSA"
}

resource "tls_self_signed_cert" "c" {
  private_key_pem       = "not a key"
  validity_period_hours = 1
  allowed_uses          = ["server_auth", "serve_lunch"]
  subject {
    street_address = ["1 Main St", "Floor 2"]
  }
}
"#,
    );
    let out = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(out.stderr);
}

/// A key pair's tags are set when it is imported into EC2 and changed in place, as in the AWS
/// provider (every other argument replaces it).
#[test]
fn a_key_pairs_tags_are_set_and_changed_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |team: &str| {
        format!(
            r#"
resource "aws_key_pair" "k" {{
  key_name   = "tagged-admin"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJxa9xtm+ciuV/Ipc8iZ1KdzOA21aoOn2f+OJCkem1KG admin"
  tags = {{
    Team = "{team}"
  }}
}}
"#
        )
    };
    let tags = || {
        block_on(async {
            let keys = aws_sdk_ec2::Client::new(&moto.sdk_config())
                .describe_key_pairs()
                .key_names("tagged-admin")
                .send()
                .await
                .expect("key pairs");
            keys.key_pairs()
                .first()
                .map(|k| {
                    k.tags()
                        .iter()
                        .map(|t| format!("{}={}", t.key().unwrap_or_default(), t.value().unwrap_or_default()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    crate::util::tags_change_in_place(&ws, config, tags);
}
