//! aws_iam_saml_provider: an identity provider for federated sign-in with SAML 2.0. The name
//! forces a new provider; the metadata document and tags change in place.

use crate::iam::tagging::Tagged;
use crate::iam::{replacing, reset_for_replace, sdk_tags, string_map, tag_map, validate_names_and_docs};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, get, into_state, map_of_strings, prior_id, problem, sref, State,
};
use crate::support::dates::rfc3339;
use crate::support::error::found;
use crate::support::tags::{split_tags_by, tags_all_by};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct SamlProvider;

impl SamlProvider {
    fn get(
        &self,
        ctx: &Ctx,
        arn: &str,
    ) -> Result<Option<aws_sdk_iam::operation::get_saml_provider::GetSamlProviderOutput>, ProviderError> {
        found(call(
            ctx,
            &format!("reading IAM SAML Provider ({arn})"),
            ctx.iam.get_saml_provider().saml_provider_arn(arn).send(),
        ))
    }

    fn state(
        &self,
        ctx: &Ctx,
        arn: &str,
        out: &aws_sdk_iam::operation::get_saml_provider::GetSamlProviderOutput,
        prior: &Value,
    ) -> Value {
        let mut st = State::new();
        let name = arn.rsplit('/').next().unwrap_or(arn);
        st.insert("name".into(), Value::string(name));
        // The configured document is kept while AWS stores the same text (it may re-indent).
        let remote = out.saml_metadata_document().unwrap_or_default();
        let document = match sref(prior, "saml_metadata_document") {
            Some(p) if p.trim() == remote.trim() => Value::string(p),
            _ => Value::string(remote),
        };
        st.insert("saml_metadata_document".into(), document);
        st.insert(
            "valid_until".into(),
            out.valid_until().map(rfc3339).unwrap_or(Value::Null),
        );
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), tag_map(out.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert("arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(arn));
        finish(&self.schema(), st)
    }
}

impl ResourceType for SamlProvider {
    fn type_name(&self) -> &'static str {
        "aws_iam_saml_provider"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("saml_metadata_document", Attribute::required(Type::String))
            .attr("valid_until", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = validate_names_and_docs(config, 128, &[]);
        if let Some(doc) = config.get("saml_metadata_document").as_str() {
            if doc.len() < 1000 || !doc.contains("EntityDescriptor") {
                problems.push(problem(
                    "saml_metadata_document",
                    "saml_metadata_document must be the identity provider's SAML metadata XML (an EntityDescriptor, at least 1,000 characters)",
                ));
            }
        }
        problems
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if replacing(&self.schema(), prior, &st) || prior.is_none() {
            reset_for_replace(&mut st, &["arn", "id", "valid_until"]);
            // The ARN follows from the account and the name, so dependents see it when planning.
            if let Some(name) = sref(&proposed, "name") {
                let (account, partition) = ctx.caller_account()?;
                let arn = Value::string(format!("arn:{partition}:iam::{account}:saml-provider/{name}"));
                st.insert("arn".into(), arn.clone());
                st.insert("id".into(), arn);
            }
        }
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, get(&st, "tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(name), Some(document)) = (sref(planned, "name"), sref(planned, "saml_metadata_document")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidInput",
                "aws_iam_saml_provider: name and saml_metadata_document are required",
            ));
        };
        let arn = match ctx.caller_account() {
            Ok((account, partition)) => format!("arn:{partition}:iam::{account}:saml-provider/{name}"),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let tags = match sdk_tags(&string_map(&planned.get("tags_all"))) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(&arn);
        let made = call(
            ctx,
            &format!("creating IAM SAML Provider ({name})"),
            ctx.iam
                .create_saml_provider()
                .name(name)
                .saml_metadata_document(document)
                .set_tags((!tags.is_empty()).then_some(tags))
                .send(),
        );
        if let Err(e) = made {
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
                    format!("creating IAM SAML Provider ({arn}): not readable after creation"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = match prior_id(prior, &["arn", "id"], "updating IAM SAML Provider") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let result = (|| {
            let document = sref(planned, "saml_metadata_document");
            if document.is_some() && document != sref(prior, "saml_metadata_document") {
                call(
                    ctx,
                    &format!("updating IAM SAML Provider ({arn})"),
                    ctx.iam
                        .update_saml_provider()
                        .saml_provider_arn(&arn)
                        .saml_metadata_document(document.unwrap_or_default())
                        .send(),
                )?;
            }
            Tagged::SamlProvider(&arn).sync(ctx, prior, planned)
        })();
        let read = self
            .get(ctx, &arn)
            .map(|o| o.map(|o| self.state(ctx, &arn, &o, planned)));
        crate::resource::update_outcome(prior, result, read, || {
            ProviderError::new(
                "NoSuchEntity",
                format!("updating IAM SAML Provider ({arn}): it no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM SAML Provider ({arn})"),
            ctx.iam.delete_saml_provider().saml_provider_arn(arn).send(),
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
