//! The AWS services the provider covers, one row each: the SDK's name for the service, whether
//! its objects live in one region, and the types its folder implements. Dispatch, the
//! per-resource `region` argument and the endpoint named in connection errors all come from this
//! table, so covering a new service is one folder and one row.

use crate::resource::{DataType, ResourceType};
use crate::{
    acm, apigateway, autoscaling, builtin, cloudformation, cloudfront, cloudwatch, cognito, dynamodb, ec2, ecr, elb,
    events, iam, kms, lambda, logs, meta, route53, s3, s3control, secretsmanager, servicecatalog, sesv2, sns, sqs, ssm,
};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One AWS service and the types of its folder.
pub(crate) struct Service {
    /// The SDK's name for the service (its endpoint prefix, `AWS_ENDPOINT_URL_<NAME>`); `None`
    /// for types that call no AWS service.
    pub(crate) name: Option<&'static str>,
    /// Whether its objects live in one region, so that its types take `region` (AWS provider
    /// v6). IAM, STS and Route 53 are global, and so are their types.
    pub(crate) regional: bool,
    /// The managed resource types.
    pub(crate) resources: fn() -> Vec<Box<dyn ResourceType>>,
    /// The data sources.
    pub(crate) data_sources: fn() -> Vec<Box<dyn DataType>>,
    /// The ephemeral resource types (`ephemeral "TYPE" "NAME"`): read like a data source, in
    /// each plan and apply, and kept nowhere.
    pub(crate) ephemeral: fn() -> Vec<Box<dyn DataType>>,
}

fn no_resources() -> Vec<Box<dyn ResourceType>> {
    Vec::new()
}

fn no_data_sources() -> Vec<Box<dyn DataType>> {
    Vec::new()
}

const fn service(
    name: &'static str,
    regional: bool,
    resources: fn() -> Vec<Box<dyn ResourceType>>,
    data_sources: fn() -> Vec<Box<dyn DataType>>,
) -> Service {
    Service {
        name: Some(name),
        regional,
        resources,
        data_sources,
        ephemeral: no_data_sources,
    }
}

/// Every service, in the order their types are listed.
pub(crate) const SERVICES: &[Service] = &[
    service("s3", true, s3::resources, s3::data_sources),
    service("iam", false, iam::resources, iam::data_sources),
    service("route53", false, route53::resources, route53::data_sources),
    service("acm", true, acm::resources, acm::data_sources),
    service(
        "cloudformation",
        true,
        cloudformation::resources,
        cloudformation::data_sources,
    ),
    service("kms", true, kms::resources, kms::data_sources),
    Service {
        ephemeral: ssm::ephemeral_resources,
        ..service("ssm", true, ssm::resources, ssm::data_sources)
    },
    service("dynamodb", true, dynamodb::resources, dynamodb::data_sources),
    service("ec2", true, ec2::resources, ec2::data_sources),
    service("sesv2", true, sesv2::resources, no_data_sources),
    service("logs", true, logs::resources, logs::data_sources),
    service(
        "servicecatalog",
        true,
        servicecatalog::resources,
        servicecatalog::data_sources,
    ),
    service("s3control", true, s3control::resources, no_data_sources),
    service("sns", true, sns::resources, no_data_sources),
    service("sqs", true, sqs::resources, no_data_sources),
    service("cloudwatch", true, cloudwatch::resources, no_data_sources),
    Service {
        ephemeral: secretsmanager::ephemeral_resources,
        ..service("secretsmanager", true, secretsmanager::resources, no_data_sources)
    },
    service("apigateway", true, no_resources, apigateway::data_sources),
    service("applicationautoscaling", true, autoscaling::resources, no_data_sources),
    service("ecr", true, ecr::resources, no_data_sources),
    service("events", true, events::resources, no_data_sources),
    service("lambda", true, lambda::resources, no_data_sources),
    service("cognitoidp", true, cognito::resources, no_data_sources),
    // CloudFront is global: its types take no `region`.
    service("cloudfront", false, cloudfront::resources, no_data_sources),
    // `aws_lb_hosted_zone_id` is a table lookup with its own `region` argument.
    service("elasticloadbalancing", false, no_resources, elb::data_sources),
    // The account, region and partition the provider runs in.
    service("sts", false, no_resources, meta::data_sources),
    // Terraform's built-in provider's data sources, served by a default AWS provider.
    Service {
        name: None,
        regional: false,
        resources: no_resources,
        data_sources: builtin::data_sources,
        ephemeral: no_data_sources,
    },
];

/// Every managed resource type of every service.
pub(crate) fn all_resources() -> Vec<Box<dyn ResourceType>> {
    SERVICES.iter().flat_map(|s| (s.resources)()).collect()
}

/// Every ephemeral resource type of every service.
pub(crate) fn all_ephemeral() -> Vec<Box<dyn DataType>> {
    SERVICES.iter().flat_map(|s| (s.ephemeral)()).collect()
}

/// Every data source of every service.
pub(crate) fn all_data_sources() -> Vec<Box<dyn DataType>> {
    SERVICES.iter().flat_map(|s| (s.data_sources)()).collect()
}

/// The service whose folder implements the resource or data source type `type_name`.
pub(crate) fn of(type_name: &str) -> Option<&'static Service> {
    static OWNERS: OnceLock<BTreeMap<&'static str, usize>> = OnceLock::new();
    let owners = OWNERS.get_or_init(|| {
        let mut owners = BTreeMap::new();
        for (i, s) in SERVICES.iter().enumerate() {
            owners.extend((s.resources)().iter().map(|r| (r.type_name(), i)));
            owners.extend((s.data_sources)().iter().map(|d| (d.type_name(), i)));
            owners.extend((s.ephemeral)().iter().map(|e| (e.type_name(), i)));
        }
        owners
    });
    owners.get(type_name).map(|&i| &SERVICES[i])
}

/// Whether objects of `type_name` live in one region and so take `region`.
pub(crate) fn regional(type_name: &str) -> bool {
    of(type_name).is_some_and(|s| s.regional)
}

/// The SDK's name for the service `type_name` calls.
pub(crate) fn name_of(type_name: &str) -> Option<&'static str> {
    of(type_name).and_then(|s| s.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_belongs_to_exactly_one_service() {
        // A name may be both a resource and a data source (`aws_iam_role`), of one service.
        let mut seen = BTreeMap::new();
        for s in SERVICES {
            let names = (s.resources)()
                .iter()
                .map(|r| (r.type_name(), false))
                .chain((s.data_sources)().iter().map(|d| (d.type_name(), true)))
                .collect::<Vec<_>>();
            for name in names {
                if let Some(other) = seen.insert(name, s.name) {
                    panic!("{name:?} is declared by both {other:?} and {:?}", s.name);
                }
                assert_eq!(of(name.0).map(|o| o.name), Some(s.name), "{name:?}");
            }
        }
        assert!(seen.len() > 60, "only {} types", seen.len());
        assert_eq!(name_of("aws_s3_account_public_access_block"), Some("s3control"));
        assert_eq!(name_of("aws_caller_identity"), Some("sts"));
        assert!(regional("aws_s3_bucket"));
        assert!(!regional("aws_iam_role"));
        assert!(!regional("aws_route53_record"));
        assert_eq!(name_of("terraform_remote_state"), None);
        assert!(of("aws_no_such_thing").is_none());
    }
}
