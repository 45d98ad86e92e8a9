//! CloudFront through the binary against the emulator: an origin access control and a
//! distribution with an S3 origin and a custom origin, a default and an ordered cache
//! behaviour (one with forwarded values, one with a cache policy), an error page, tags and a
//! certificate. Create (waited for until deployed), no-op re-plan, update in place, a change
//! made outside, replacement, import and destroy (disabled, then deleted), each read back
//! through the SDK; an ACM certificate outside us-east-1 is refused at `validate`.

use crate::util::{block_on, output, planned_changes, reimport, start_moto, workspace, Moto};

struct Knobs<'a> {
    comment: &'a str,
    price_class: &'a str,
    certificate: &'a str,
    team: &'a str,
    staging: bool,
}

const FIRST: Knobs = Knobs {
    comment: "web front end",
    price_class: "PriceClass_100",
    certificate: "cloudfront_default_certificate = true",
    team: "ml",
    staging: false,
};

const ACM: &str = r#"acm_certificate_arn      = "arn:aws:acm:us-east-1:123456789012:certificate/0c8b4d4e-1d1a-4f1e-9f7e-2a4b6c8d0e1f"
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021""#;

fn config(k: &Knobs) -> String {
    let aliases = if k.certificate.contains("acm_") {
        r#"aliases = ["mlflow.example.com"]"#
    } else {
        ""
    };
    format!(
        r#"
resource "aws_cloudfront_origin_access_control" "assets" {{
  name                              = "assets"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}}

resource "aws_cloudfront_distribution" "web" {{
  enabled             = true
  comment             = "{comment}"
  default_root_object = "index.html"
  price_class         = "{price_class}"
  staging             = {staging}
  {aliases}

  origin {{
    origin_id   = "assets"
    domain_name = "assets.s3.us-east-1.amazonaws.com"
  }}

  origin {{
    origin_id   = "api"
    domain_name = "api.example.com"
    origin_path = "/v1"
    custom_header {{
      name  = "X-Origin-Token"
      value = "front"
    }}
    custom_origin_config {{
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }}
  }}

  default_cache_behavior {{
    target_origin_id       = "assets"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    compress               = true
    forwarded_values {{
      query_string = false
      cookies {{
        forward = "none"
      }}
    }}
  }}

  ordered_cache_behavior {{
    path_pattern           = "/api/*"
    target_origin_id       = "api"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
  }}

  custom_error_response {{
    error_code         = 404
    response_code      = 200
    response_page_path = "/index.html"
  }}

  restrictions {{
    geo_restriction {{
      restriction_type = "none"
    }}
  }}

  viewer_certificate {{
    {certificate}
  }}

  tags = {{ team = "{team}" }}
}}

output "id" {{
  value = aws_cloudfront_distribution.web.id
}}

output "oac" {{
  value = aws_cloudfront_origin_access_control.assets.id
}}

output "zone" {{
  value = aws_cloudfront_distribution.web.hosted_zone_id
}}
"#,
        comment = k.comment,
        price_class = k.price_class,
        certificate = k.certificate,
        team = k.team,
        staging = k.staging,
    )
}

fn cloudfront(moto: &Moto) -> aws_sdk_cloudfront::Client {
    aws_sdk_cloudfront::Client::new(&moto.sdk_config())
}

/// (enabled, comment, price class, origins, aliases) of a distribution, if it exists.
fn distribution(moto: &Moto, id: &str) -> Option<(bool, String, String, usize, Vec<String>)> {
    block_on(async {
        let out = cloudfront(moto).get_distribution().id(id).send().await.ok()?;
        let c = out.distribution()?.distribution_config()?.clone();
        Some((
            c.enabled(),
            c.comment().to_string(),
            c.price_class()?.as_str().to_string(),
            c.origins()?.items().len(),
            c.aliases().map(|a| a.items().to_vec()).unwrap_or_default(),
        ))
    })
}

#[test]
fn a_distribution_and_an_origin_access_control_live_through_create_update_drift_replace_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", &config(&FIRST));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let id = output(&ws, "id");
    assert_eq!(
        distribution(&moto, &id),
        Some((true, FIRST.comment.into(), FIRST.price_class.into(), 2, vec![]))
    );
    assert_eq!(output(&ws, "zone"), "Z2FDTNDATAQYW2");

    reimport(&ws, "aws_cloudfront_distribution.web", &id);
    reimport(&ws, "aws_cloudfront_origin_access_control.assets", &output(&ws, "oac"));

    // In place: the comment, the price class, an ACM certificate with an alias, a tag.
    let second = Knobs {
        comment: "MLflow front end",
        price_class: "PriceClass_200",
        certificate: ACM,
        team: "data",
        ..FIRST
    };
    ws.write("main.tf", &config(&second));
    planned_changes(&ws, "0 to add, 1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        distribution(&moto, &id),
        Some((
            true,
            second.comment.into(),
            second.price_class.into(),
            2,
            vec!["mlflow.example.com".to_string()]
        ))
    );
    let tags = block_on(async {
        let arn = format!("arn:aws:cloudfront::123456789012:distribution/{id}");
        let out = cloudfront(&moto)
            .list_tags_for_resource()
            .resource(arn)
            .send()
            .await
            .expect("tags");
        out.tags()
            .map(|t| {
                t.items()
                    .iter()
                    .filter(|t| t.key() == "team")
                    .map(|t| t.value().unwrap_or_default().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    assert_eq!(tags, ["data"]);

    // A change made outside: the distribution disabled by hand is planned back on.
    block_on(async {
        let c = cloudfront(&moto);
        let out = c.get_distribution_config().id(&id).send().await.expect("config");
        let mut config = out.distribution_config().cloned().expect("config");
        config.enabled = false;
        c.update_distribution()
            .id(&id)
            .if_match(out.e_tag().unwrap_or_default())
            .distribution_config(config)
            .send()
            .await
            .expect("disabled by hand");
    });
    planned_changes(&ws, "0 to add, 1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(distribution(&moto, &id).map(|d| d.0), Some(true));

    // Replacement: a staging distribution is another distribution.
    let third = Knobs {
        staging: true,
        ..second
    };
    ws.write("main.tf", &config(&third));
    planned_changes(&ws, "1 to add, 0 to change, 1 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let replaced = output(&ws, "id");
    assert_ne!(replaced, id);
    assert_eq!(distribution(&moto, &id), None, "the first distribution is deleted");

    // A certificate from another region never reaches CloudFront.
    let elsewhere = config(&Knobs {
        certificate: &ACM.replace("us-east-1", "eu-west-1"),
        ..third
    });
    ws.write("main.tf", &elsewhere);
    let refused = ws.run(&["validate"]).expect_code(1);
    assert!(
        refused.stderr.contains("only takes ACM certificates from us-east-1"),
        "{}",
        refused.stderr
    );

    ws.write("main.tf", &config(&third));
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(distribution(&moto, &replaced), None);
    let left = block_on(async {
        cloudfront(&moto)
            .list_origin_access_controls()
            .send()
            .await
            .expect("list")
            .origin_access_control_list()
            .map(|l| l.items().len())
            .unwrap_or(0)
    });
    assert_eq!(left, 0);
}
