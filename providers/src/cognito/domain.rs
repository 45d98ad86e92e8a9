//! aws_cognito_user_pool_domain: the hosted sign-in domain of a user pool, a prefix under
//! `auth.REGION.amazoncognito.com` or a custom domain served by CloudFront with an ACM
//! certificate (which must be in us-east-1).

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::partition::cloudfront_zone;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_cognitoidentityprovider::types::{CustomDomainConfigType, DomainDescriptionType, DomainStatusType};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct UserPoolDomain;

fn certificate(value: &Value) -> Option<&str> {
    sref(value, "certificate_arn").filter(|c| !c.is_empty())
}

/// Waits a minute for a prefix domain, an hour for a custom one (CloudFront deploys it), as
/// the AWS provider does.
fn limit(custom: bool) -> Duration {
    Duration::from_secs(if custom { 3600 } else { 60 })
}

impl UserPoolDomain {
    fn state(&self, ctx: &Ctx, d: &DomainDescriptionType, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        let domain = d.domain().unwrap_or_default();
        st.put("id", domain);
        st.put("domain", domain);
        st.put("user_pool_id", d.user_pool_id());
        st.put("aws_account_id", d.aws_account_id());
        st.put(
            "certificate_arn",
            d.custom_domain_config()
                .map(|c| c.certificate_arn())
                .or(sref(prior, "certificate_arn").is_some().then_some("")),
        );
        // The AWS provider gives the distribution's domain name as its "ARN" too.
        st.put("cloudfront_distribution", d.cloud_front_distribution());
        st.put("cloudfront_distribution_arn", d.cloud_front_distribution());
        st.put("cloudfront_distribution_zone_id", cloudfront_zone(&ctx.region));
        st.put("managed_login_version", d.managed_login_version().map(i64::from));
        st.put("s3_bucket", d.s3_bucket());
        st.put("version", d.version());
        finish(&self.schema(), st)
    }

    fn describe(&self, ctx: &Ctx, domain: &str) -> Result<Option<DomainDescriptionType>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Cognito User Pool Domain ({domain})"),
            ctx.cognito.describe_user_pool_domain().domain(domain).send(),
        ))?;
        // A domain that does not exist is an empty description, not an error.
        Ok(out
            .and_then(|o| o.domain_description().cloned())
            .filter(|d| d.status().is_some()))
    }

    fn fetch(&self, ctx: &Ctx, domain: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, domain)?.map(|d| self.state(ctx, &d, prior)))
    }

    /// Waits until the domain is active, or gone when `gone`.
    fn settle(
        &self,
        ctx: &Ctx,
        domain: &str,
        gone: bool,
        limit: Duration,
        step: &Step<'_>,
    ) -> Result<(), ProviderError> {
        let what = if gone { "deleted" } else { "ACTIVE" };
        Waiter::new(format!("Cognito User Pool Domain ({domain}) to be {what}"), limit)
            .progress(step.progress)
            .delays(Duration::from_secs(1), Duration::from_secs(15))
            .wait(|| {
                let status = self.describe(ctx, domain)?.and_then(|d| d.status().cloned());
                match (status, gone) {
                    (None, true) => Ok(Poll::Ready(())),
                    (None, false) => Err(ProviderError::new(
                        "ResourceNotFoundException",
                        format!("Cognito User Pool Domain ({domain}) is gone"),
                    )),
                    (Some(DomainStatusType::Active), false) => Ok(Poll::Ready(())),
                    (Some(DomainStatusType::Failed), _) => Err(ProviderError::new(
                        "DomainFailed",
                        format!("Cognito User Pool Domain ({domain}) failed: check that the certificate is an issued ACM certificate in us-east-1 that covers the domain, and that the parent domain has an A record"),
                    )),
                    (Some(s), _) => Ok(Poll::Pending(s.as_str().to_string())),
                }
            })
    }
}

impl ResourceType for UserPoolDomain {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_pool_domain"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("domain", Attribute::required(Type::String).force_new())
            .attr("user_pool_id", Attribute::required(Type::String).force_new())
            .attr("certificate_arn", Attribute::optional(Type::String))
            .attr("managed_login_version", Attribute::optional_computed(Type::Number))
            .attr("aws_account_id", Attribute::computed(Type::String))
            .attr("cloudfront_distribution", Attribute::computed(Type::String))
            .attr("cloudfront_distribution_arn", Attribute::computed(Type::String))
            .attr("cloudfront_distribution_zone_id", Attribute::computed(Type::String))
            .attr("s3_bucket", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = super::check_pool_id(config);
        if config
            .get("domain")
            .as_str()
            .is_some_and(|d| !(1..=63).contains(&d.chars().count()))
        {
            problems.push(problem(
                "domain",
                "a domain is 1 to 63 characters (a prefix, or a custom domain with certificate_arn)",
            ));
        }
        if let Some(v) = config.get("managed_login_version").as_f64() {
            if v != 1.0 && v != 2.0 {
                problems.push(problem(
                    "managed_login_version",
                    "managed_login_version is 1 (the classic hosted UI) or 2 (managed login)",
                ));
            }
        }
        problems.extend(super::check_arn(config, "certificate_arn"));
        problems
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("domain"));
        st.put("cloudfront_distribution_zone_id", cloudfront_zone(&ctx.region));
        let mut replace = Vec::new();
        match prior {
            None => {
                for key in [
                    "aws_account_id",
                    "cloudfront_distribution",
                    "cloudfront_distribution_arn",
                    "s3_bucket",
                    "version",
                ] {
                    st.put(key, Value::UNKNOWN);
                }
            }
            Some(p) => {
                // A prefix domain cannot become a custom one or back: only a certificate
                // changed for another is done in place.
                let (old, new) = (certificate(p), proposed.get("certificate_arn"));
                let new_set = new.is_unknown() || new.as_str().is_some_and(|c| !c.is_empty());
                if old.is_some() != new_set {
                    replace.push("certificate_arn".to_string());
                }
                if p.get("certificate_arn") != new {
                    st.put("version", Value::UNKNOWN);
                }
            }
        }
        Ok((Value::Map(st.into()), replace))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(domain), Some(pool)) = (sref(planned, "domain"), sref(planned, "user_pool_id")) else {
            return ApplyOutcome::failed(invalid(
                "creating Cognito User Pool Domain: domain and user_pool_id must be known",
            ));
        };
        let cert = certificate(planned);
        (step.intent)(domain);
        let made = call(
            ctx,
            &format!("creating Cognito User Pool Domain ({domain})"),
            ctx.cognito
                .create_user_pool_domain()
                .domain(domain)
                .user_pool_id(pool)
                .set_custom_domain_config(
                    cert.and_then(|c| CustomDomainConfigType::builder().certificate_arn(c).build().ok()),
                )
                .set_managed_login_version(crate::support::attrs::int32(&planned, "managed_login_version"))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        if let Err(e) = self.settle(ctx, domain, false, limit(cert.is_some()), step) {
            let mut st = into_state(planned);
            st.put("id", domain);
            return ApplyOutcome::partial(finish(&self.schema(), st), e);
        }
        created_outcome(&self.schema(), planned, &[], self.fetch(ctx, domain, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito User Pool Domain ({domain}) is gone after its create"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(domain), Some(pool)) = (sref(prior, "domain"), sref(prior, "user_pool_id")) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Cognito User Pool Domain: the prior state has no domain"),
            );
        };
        let cert = certificate(planned);
        // Cognito tells a custom domain from a prefix by the certificate: it goes with every
        // update of a custom domain.
        let result = call(
            ctx,
            &format!("updating Cognito User Pool Domain ({domain})"),
            ctx.cognito
                .update_user_pool_domain()
                .domain(domain)
                .user_pool_id(pool)
                .set_custom_domain_config(
                    cert.and_then(|c| CustomDomainConfigType::builder().certificate_arn(c).build().ok()),
                )
                .set_managed_login_version(crate::support::attrs::int32(&planned, "managed_login_version"))
                .send(),
        )
        .map(drop)
        .and_then(|()| {
            let custom = cert.is_some();
            self.settle(
                ctx,
                domain,
                false,
                if custom { limit(true) } else { Duration::from_secs(300) },
                step,
            )
        });
        update_outcome(prior, result, self.fetch(ctx, domain, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito User Pool Domain ({domain}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(domain), Some(pool)) = (sref(prior, "domain"), sref(prior, "user_pool_id")) else {
            return Ok(());
        };
        let result = call(
            ctx,
            &format!("deleting Cognito User Pool Domain ({domain})"),
            ctx.cognito
                .delete_user_pool_domain()
                .domain(domain)
                .user_pool_id(pool)
                .send(),
        );
        match found(result) {
            Err(e) if e.code == "InvalidParameterException" && e.message.contains("No such domain") => return Ok(()),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        self.settle(ctx, domain, true, limit(false), step)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "domain") {
            Some(domain) => self.fetch(ctx, domain, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the domain.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
