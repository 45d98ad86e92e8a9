//! Bucket names: the rules S3 enforces, checked at plan time, and names generated from a prefix.

use crate::support::partition::partition_of;
use engine::core::value::Value;
use std::collections::BTreeMap;

/// The Route 53 hosted zone of S3 website endpoints in a region.
pub(super) fn hosted_zone_id(region: &str) -> Option<&'static str> {
    Some(match region {
        "af-south-1" => "Z11KHD8FBVPUYU",
        "ap-east-1" => "ZNB98KWMFR0R6",
        "ap-northeast-1" => "Z2M4EHUR26P7ZW",
        "ap-northeast-2" => "Z3W03O7B5YMIYP",
        "ap-northeast-3" => "Z2YQB5RD63NC85",
        "ap-south-1" => "Z11RGJOFQNVJUP",
        "ap-south-2" => "Z02976202B4EZMXIPMXF7",
        "ap-southeast-1" => "Z3O0J2DXBE1FTB",
        "ap-southeast-2" => "Z1WCIGYICN2BYD",
        "ap-southeast-3" => "Z01846753K324LI26A3VV",
        "ap-southeast-4" => "Z0312387243XT5FE14WFO",
        "ca-central-1" => "Z1QDHH18159H29",
        "ca-west-1" => "Z03565811Z33SLEZTHOUL",
        "cn-north-1" => "Z5CN8UMXT92WN",
        "cn-northwest-1" => "Z282HJ1KT0DH03",
        "eu-central-1" => "Z21DNDUVLTQW6Q",
        "eu-central-2" => "Z030506016YDQGETNASS",
        "eu-north-1" => "Z3BAZG2TWCNX0D",
        "eu-south-1" => "Z3IXVV8C73GIO3",
        "eu-south-2" => "Z0081959F7139GRJC19J",
        "eu-west-1" => "Z1BKCTXD74EZPE",
        "eu-west-2" => "Z3GKZC51ZF0DB4",
        "eu-west-3" => "Z3R1K369G5AVDG",
        "il-central-1" => "Z09640613K4A3MN55U7GU",
        "me-central-1" => "Z06143092I8HRXZRUZROF",
        "me-south-1" => "Z1MPMWCPA7YB62",
        "sa-east-1" => "Z7KQH4QJS55SO",
        "us-east-1" => "Z3AQBSTGFYJSTF",
        "us-east-2" => "Z2O1EMRO9K5GLX",
        "us-gov-east-1" => "Z2NIFVYYW2VKV1",
        "us-gov-west-1" => "Z31GFT0UA1I2HV",
        "us-west-1" => "Z2F56UZL2M1ACD",
        "us-west-2" => "Z3BJ6K6RIION7M",
        _ => return None,
    })
}

/// Sets the attributes of `aws_s3_bucket` that follow from its name and region.
pub(super) fn derive_bucket_attributes(map: &mut BTreeMap<String, Value>, name: &str, region: &str) {
    let (partition, suffix, _) = partition_of(region);
    map.insert("bucket".into(), Value::from(name));
    map.insert("id".into(), Value::from(name));
    map.insert("arn".into(), Value::from(format!("arn:{partition}:s3:::{name}")));
    map.insert("bucket_domain_name".into(), Value::from(format!("{name}.s3.{suffix}")));
    map.insert(
        "bucket_regional_domain_name".into(),
        Value::from(format!("{name}.s3.{region}.{suffix}")),
    );
    map.insert("region".into(), Value::from(region));
    map.insert("bucket_region".into(), Value::from(region));
    map.insert("hosted_zone_id".into(), hosted_zone_id(region).map(Value::from).into());
    if map
        .get("bucket_namespace")
        .is_none_or(|v| v.is_null() || v.is_unknown())
    {
        map.insert("bucket_namespace".into(), Value::from(namespace_of(name, region)));
    }
}

/// The namespace a bucket name belongs to: an account-regional bucket's name ends in
/// `-<account ID>-<region>-an`, as S3 requires of it.
pub(super) fn namespace_of(name: &str, region: &str) -> &'static str {
    let account_regional = name
        .strip_suffix(&format!("-{region}-an"))
        .and_then(|rest| rest.rsplit_once('-'))
        .is_some_and(|(_, account)| account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()));
    if account_regional {
        ACCOUNT_REGIONAL
    } else {
        "global"
    }
}

/// `bucket_namespace` of a bucket whose name is unique only in its account and region.
pub(super) const ACCOUNT_REGIONAL: &str = "account-regional";

/// Problems with a bucket name under the rules for buckets created today.
pub(super) fn bucket_name_problem(name: &str) -> Option<String> {
    if name.len() < 3 || name.len() > 63 {
        return Some(format!("bucket name {name:?} must be between 3 and 63 characters long"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Some(format!(
            "bucket name {name:?} may only contain lowercase letters, digits, dots and hyphens"
        ));
    }
    let first_last_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !first_last_ok(name.chars().next()) || !first_last_ok(name.chars().last()) {
        return Some(format!(
            "bucket name {name:?} must begin and end with a letter or digit"
        ));
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return Some(format!(
            "bucket name {name:?} must not contain two adjacent dots or a dot next to a hyphen"
        ));
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return Some(format!("bucket name {name:?} must not be formatted as an IP address"));
    }
    None
}
