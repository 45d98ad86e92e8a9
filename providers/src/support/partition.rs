//! Partitions: which one a region is in, and its DNS names.

/// (partition, DNS suffix, reverse DNS prefix) of a region.
pub(crate) fn partition_of(region: &str) -> (&'static str, &'static str, &'static str) {
    if region.starts_with("cn-") {
        ("aws-cn", "amazonaws.com.cn", "cn.com.amazonaws")
    } else if region.starts_with("us-gov-") {
        ("aws-us-gov", "amazonaws.com", "com.amazonaws")
    } else if region.starts_with("us-isob-") {
        ("aws-iso-b", "sc2s.sgov.gov", "gov.sgov.sc2s")
    } else if region.starts_with("us-iso-") {
        ("aws-iso", "c2s.ic.gov", "gov.ic.c2s")
    } else if region.starts_with("eu-isoe-") {
        ("aws-iso-e", "cloud.adc-e.uk", "uk.adc-e.cloud")
    } else if region.starts_with("us-isof-") {
        ("aws-iso-f", "csp.hci.ic.gov", "gov.ic.hci.csp")
    } else {
        ("aws", "amazonaws.com", "com.amazonaws")
    }
}

/// The hosted zone of every CloudFront distribution in the region's partition, which alias
/// records name (a distribution's, a Cognito custom domain's).
pub(crate) fn cloudfront_zone(region: &str) -> &'static str {
    if partition_of(region).0 == "aws-cn" {
        "Z3RFFRIM2A3IF5"
    } else {
        "Z2FDTNDATAQYW2"
    }
}
