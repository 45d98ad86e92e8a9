//! ARNs, read as AWS's SDKs read them.

/// (partition, service, region, account, resource) of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`;
/// the resource may hold `:` and `/`. `None` when the text is not an ARN.
pub(crate) fn parts(arn: &str) -> Option<[&str; 5]> {
    let mut it = arn.splitn(6, ':');
    let (prefix, partition, service, region, account, resource) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    (prefix == "arn" && !partition.is_empty() && !service.is_empty() && !resource.is_empty())
        .then_some([partition, service, region, account, resource])
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_arn_is_read_in_its_parts_and_its_resource_keeps_colons() {
        assert_eq!(
            super::parts("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            Some(["aws", "lambda", "us-east-1", "123456789012", "function:f:live"])
        );
        assert_eq!(
            super::parts("arn:aws:s3:::bucket/key"),
            Some(["aws", "s3", "", "", "bucket/key"])
        );
        assert_eq!(super::parts("bucket"), None);
        assert_eq!(super::parts("arn:aws:s3:::"), None);
    }
}
