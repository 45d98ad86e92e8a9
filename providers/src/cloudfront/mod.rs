//! CloudFront: distributions, origin access controls, and cache and origin request policies.
//! CloudFront is global: its objects have no region and every call goes to us-east-1.
//! Each object carries an ETag that a change or delete must name (`IfMatch`).

use crate::resource::{Ctx, ResourceType};
use engine::core::provider::ProviderError;

mod access_control;
mod distribution;
mod distribution_request;
mod distribution_state;
mod policy;
#[cfg(test)]
mod replayed;

/// Every CloudFront resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(distribution::Distribution),
        Box::new(access_control::OriginAccessControl),
        Box::new(policy::Policy::CACHE),
        Box::new(policy::Policy::ORIGIN_REQUEST),
    ]
}

/// The ARN of a CloudFront object (`distribution/E2QWRUHEXAMPLE`): global, so no region.
fn arn(ctx: &Ctx, resource: &str) -> Result<String, ProviderError> {
    let (account, partition) = ctx.caller_account()?;
    Ok(format!("arn:{partition}:cloudfront::{account}:{resource}"))
}
