//! aws_iam_openid_connect_provider: an identity provider whose tokens roles can trust (GitHub
//! Actions, EKS clusters). The URL forces a new provider; client IDs, thumbprints and tags
//! change in place.

use crate::iam::tagging::Tagged;
use crate::iam::{replacing, reset_for_replace, sdk_tags, string_map, tag_map};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, get, into_state, map_of_strings, prior_id, problem, set_of_strings, set_value, sref,
    string_set, State,
};
use crate::support::error::found;
use crate::support::tags::{split_tags_by, tags_all_by};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct OidcProvider;

/// The provider's URL as IAM names it: without the scheme and trailing slash.
fn bare_url(url: &str) -> &str {
    url.trim_start_matches("https://").trim_end_matches('/')
}

impl OidcProvider {
    fn get(
        &self,
        ctx: &Ctx,
        arn: &str,
    ) -> Result<
        Option<aws_sdk_iam::operation::get_open_id_connect_provider::GetOpenIdConnectProviderOutput>,
        ProviderError,
    > {
        found(call(
            ctx,
            &format!("reading IAM OIDC Provider ({arn})"),
            ctx.iam
                .get_open_id_connect_provider()
                .open_id_connect_provider_arn(arn)
                .send(),
        ))
    }

    fn state(
        &self,
        ctx: &Ctx,
        arn: &str,
        out: &aws_sdk_iam::operation::get_open_id_connect_provider::GetOpenIdConnectProviderOutput,
        prior: &Value,
    ) -> Value {
        let mut st = State::new();
        let remote = out.url().unwrap_or_default();
        // The configured spelling (with https://) is kept while it names the same provider.
        let url = match sref(prior, "url") {
            Some(p) if bare_url(p) == bare_url(remote) => Value::string(p),
            _ => Value::string(format!("https://{}", bare_url(remote))),
        };
        st.insert("url".into(), url);
        let mut clients = out.client_id_list().to_vec();
        clients.sort();
        st.insert("client_id_list".into(), set_value(&clients));
        st.insert(
            "thumbprint_list".into(),
            Value::List(out.thumbprint_list().iter().map(Value::string).collect()),
        );
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), tag_map(out.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert("arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(arn));
        finish(&self.schema(), st)
    }
}

impl ResourceType for OidcProvider {
    fn type_name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("url", Attribute::required(Type::String).force_new())
            .attr("client_id_list", Attribute::required(set_of_strings()))
            .attr(
                "thumbprint_list",
                Attribute::optional_computed(Type::List(Box::new(Type::String))),
            )
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        if let Some(url) = config.get("url").as_str() {
            if !url.starts_with("https://") {
                problems.push(problem("url", format!("url {url:?} must start with https://")));
            }
        }
        for thumbprint in string_set(&config.get("thumbprint_list")) {
            if thumbprint.len() != 40 || !thumbprint.chars().all(|c| c.is_ascii_hexdigit()) {
                problems.push(problem(
                    "thumbprint_list",
                    format!("thumbprint {thumbprint:?} is not 40 hexadecimal characters (a SHA-1 fingerprint)"),
                ));
            }
        }
        problems
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // Terraform's provider records the URL without its scheme: the same provider.
        if let (Some(recorded), Some(url)) = (prior.and_then(|p| sref(p, "url")), sref(&proposed, "url")) {
            if recorded != url && bare_url(recorded) == bare_url(url) {
                st.insert("url".into(), Value::string(recorded));
            }
        }
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["arn", "id"]);
        }
        // The ARN follows from the account and the URL, so dependents see it when planning.
        if let (Value::Unknown(_) | Value::Null, Some(url)) = (get(&st, "arn").clone(), sref(&proposed, "url")) {
            let (account, partition) = ctx.caller_account()?;
            let arn = Value::string(format!(
                "arn:{partition}:iam::{account}:oidc-provider/{}",
                bare_url(url)
            ));
            st.insert("arn".into(), arn.clone());
            st.insert("id".into(), arn);
        }
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, get(&st, "tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(url) = sref(planned, "url") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidInput",
                "aws_iam_openid_connect_provider: url is required",
            ));
        };
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let arn = match ctx.caller_account() {
            Ok((account, partition)) => format!("arn:{partition}:iam::{account}:oidc-provider/{}", bare_url(url)),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let thumbprints = string_set(&planned.get("thumbprint_list"));
        let request = ctx
            .iam
            .create_open_id_connect_provider()
            .url(url)
            .set_client_id_list(Some(string_set(&planned.get("client_id_list"))))
            .set_thumbprint_list((!thumbprints.is_empty()).then_some(thumbprints))
            .set_tags((!tags.is_empty()).then_some(tags));
        (step.progress)(&format!("creating IAM OIDC Provider {url}"));
        (step.intent)(&arn);
        if let Err(e) = call(ctx, &format!("creating IAM OIDC Provider ({url})"), request.send()) {
            let e = if e.code == "EntityAlreadyExists" {
                ProviderError::new(
                    e.code.clone(),
                    format!(
                        "{}\n\nThis account already has a provider for {url}: import it (import ID: {arn}).",
                        e.message
                    ),
                )
                .with_outcome_unknown(e.outcome_unknown)
            } else {
                e
            };
            return ApplyOutcome::failed(e);
        }
        let id = Value::string(&arn);
        created_outcome(
            &self.schema(),
            planned,
            &[("arn", id.clone()), ("id", id)],
            self.get(ctx, &arn)
                .map(|o| o.map(|o| self.state(ctx, &arn, &o, planned))),
            || {
                ProviderError::new(
                    "NoSuchEntity",
                    format!("creating IAM OIDC Provider ({arn}): not readable after creation"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = match prior_id(prior, &["arn", "id"], "updating IAM OIDC Provider") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let result = (|| -> Result<(), ProviderError> {
            let (old, new) = (
                string_set(&prior.get("client_id_list")),
                string_set(&planned.get("client_id_list")),
            );
            for client in new.iter().filter(|c| !old.contains(c)) {
                call(
                    ctx,
                    &format!("adding client ID {client} to IAM OIDC Provider ({arn})"),
                    ctx.iam
                        .add_client_id_to_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .client_id(client)
                        .send(),
                )?;
            }
            for client in old.iter().filter(|c| !new.contains(c)) {
                call(
                    ctx,
                    &format!("removing client ID {client} from IAM OIDC Provider ({arn})"),
                    ctx.iam
                        .remove_client_id_from_open_id_connect_provider()
                        .open_id_connect_provider_arn(&arn)
                        .client_id(client)
                        .send(),
                )?;
            }
            let thumbprints = planned.get("thumbprint_list");
            if !thumbprints.is_unknown() && thumbprints != prior.get("thumbprint_list") {
                call(
                    ctx,
                    &format!("updating the thumbprints of IAM OIDC Provider ({arn})"),
                    ctx.iam
                        .update_open_id_connect_provider_thumbprint()
                        .open_id_connect_provider_arn(&arn)
                        .set_thumbprint_list(Some(string_set(&thumbprints)))
                        .send(),
                )?;
            }
            Tagged::OidcProvider(&arn).sync(ctx, prior, planned)
        })();
        let read = self
            .get(ctx, &arn)
            .map(|o| o.map(|o| self.state(ctx, &arn, &o, planned)));
        crate::resource::update_outcome(prior, result, read, || {
            ProviderError::new(
                "NoSuchEntity",
                format!("updating IAM OIDC Provider ({arn}): it no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM OIDC Provider ({arn})"),
            ctx.iam
                .delete_open_id_connect_provider()
                .open_id_connect_provider_arn(arn)
                .send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.get(ctx, arn)?.map(|o| self.state(ctx, arn, &o, prior)))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get(ctx, id)?.map(|o| self.state(ctx, id, &o, &Value::Null)))
    }
}
