//! aws_ecr_lifecycle_policy and aws_ecr_repository_policy: a document kept on a repository,
//! named by the repository. A new lifecycle policy replaces the resource (as in the AWS
//! provider); a new access policy is set in place.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, invalid, json_object, problem, sref, Put, State,
};
use crate::support::error::found;
use crate::support::wait::Waiter;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

/// Which document.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Lifecycle,
    Access,
}

pub(super) struct Document {
    kind: Kind,
}

impl Document {
    pub(super) const LIFECYCLE: Document = Document { kind: Kind::Lifecycle };
    pub(super) const ACCESS: Document = Document { kind: Kind::Access };

    fn what(&self) -> &'static str {
        match self.kind {
            Kind::Lifecycle => "ECR Lifecycle Policy",
            Kind::Access => "ECR Repository Policy",
        }
    }

    fn same(&self, a: &str, b: &str) -> bool {
        match self.kind {
            Kind::Lifecycle => super::lifecycle::equivalent(a, b),
            Kind::Access => crate::support::policy::equivalent(a, b),
        }
    }

    /// The document and the registry it is in; `None` when the repository or its document is gone.
    fn get(&self, ctx: &Ctx, repository: &str) -> Result<Option<(String, String)>, ProviderError> {
        let op = format!("reading {} ({repository})", self.what());
        Ok(match self.kind {
            Kind::Lifecycle => found(call(
                ctx,
                &op,
                ctx.ecr.get_lifecycle_policy().repository_name(repository).send(),
            ))?
            .map(|o| {
                (
                    o.lifecycle_policy_text().unwrap_or_default().to_string(),
                    o.registry_id().unwrap_or_default().to_string(),
                )
            }),
            Kind::Access => found(call(
                ctx,
                &op,
                ctx.ecr.get_repository_policy().repository_name(repository).send(),
            ))?
            .map(|o| {
                (
                    o.policy_text().unwrap_or_default().to_string(),
                    o.registry_id().unwrap_or_default().to_string(),
                )
            }),
        })
    }

    fn fetch(&self, ctx: &Ctx, repository: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some((text, registry)) = self.get(ctx, repository)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", repository);
        st.put("repository", repository);
        st.put("registry_id", registry);
        // The document as written stays while it means the same.
        st.put(
            "policy",
            match sref(prior, "policy") {
                Some(p) if self.same(p, &text) => p.to_string(),
                _ => text,
            },
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, repository: &str, policy: &str) -> Result<(), ProviderError> {
        let op = format!("setting {} ({repository})", self.what());
        match self.kind {
            Kind::Lifecycle => call(
                ctx,
                &op,
                ctx.ecr
                    .put_lifecycle_policy()
                    .repository_name(repository)
                    .lifecycle_policy_text(policy)
                    .send(),
            )
            .map(drop),
            // A principal made a moment before is not known to ECR until IAM propagates: ECR
            // then calls the policy invalid, and the AWS provider tries again for two minutes.
            // A malformed policy gets the same answer, so its error too shows after the two
            // minutes, as in the AWS provider.
            Kind::Access => Waiter::new(op.clone(), Duration::from_secs(120)).retry(
                |e| e.code == "InvalidParameterException" && e.message.contains("Invalid repository policy provided"),
                || {
                    call(
                        ctx,
                        &op,
                        ctx.ecr
                            .set_repository_policy()
                            .repository_name(repository)
                            .policy_text(policy)
                            .send(),
                    )
                    .map(drop)
                },
            ),
        }
    }
}

impl ResourceType for Document {
    fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Lifecycle => "aws_ecr_lifecycle_policy",
            Kind::Access => "aws_ecr_repository_policy",
        }
    }

    fn schema(&self) -> Schema {
        let policy = match self.kind {
            Kind::Lifecycle => Attribute::required(Type::String).force_new().json(),
            Kind::Access => Attribute::required(Type::String).document(crate::support::policy::canonical),
        };
        Schema::new()
            .attr("repository", Attribute::required(Type::String).force_new())
            .attr("policy", policy)
            .attr("registry_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy").as_str() {
            Some(text) if !json_object(text) => vec![problem(
                "policy",
                match self.kind {
                    Kind::Lifecycle => "the lifecycle policy must be a JSON object (use jsonencode or aws_ecr_lifecycle_policy_document)",
                    Kind::Access => "the policy must be a JSON object (use jsonencode or aws_iam_policy_document)",
                },
            )],
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("repository"));
        // A lifecycle policy that means the same as the one in state is no change (the
        // access policy's document canonical form does this for it).
        if let (Some(p), Some(new)) = (prior, sref(&proposed, "policy")) {
            if let Some(old) = sref(p, "policy") {
                if self.kind == Kind::Lifecycle && self.same(old, new) {
                    st.put("policy", old);
                }
            }
        }
        if prior.is_none() {
            st.insert("registry_id".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(repository), Some(policy)) = (sref(planned, "repository"), sref(planned, "policy")) else {
            return ApplyOutcome::failed(invalid(format!(
                "creating {}: repository and policy must be known",
                self.what()
            )));
        };
        (step.intent)(repository);
        if let Err(e) = self.put(ctx, repository, policy) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(repository))],
            self.fetch(ctx, repository, planned),
            || {
                ProviderError::new(
                    "NotFound",
                    format!("{} ({repository}) is gone after its create", self.what()),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let repository = sref(prior, "repository").unwrap_or_default().to_string();
        let result = match sref(planned, "policy") {
            Some(policy) => self.put(ctx, &repository, policy),
            None => Err(invalid(format!("updating {}: policy must be known", self.what()))),
        };
        update_outcome(prior, result, self.fetch(ctx, &repository, planned), || {
            ProviderError::new("NotFound", format!("{} ({repository}) is gone", self.what()))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(repository) = sref(prior, "repository") else {
            return Ok(());
        };
        let op = format!("deleting {} ({repository})", self.what());
        let sent = match self.kind {
            Kind::Lifecycle => call(
                ctx,
                &op,
                ctx.ecr.delete_lifecycle_policy().repository_name(repository).send(),
            )
            .map(drop),
            Kind::Access => call(
                ctx,
                &op,
                ctx.ecr
                    .delete_repository_policy()
                    .repository_name(repository)
                    .set_registry_id(sref(prior, "registry_id").filter(|r| !r.is_empty()).map(str::to_string))
                    .send(),
            )
            .map(drop),
        };
        found(sent).map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "repository").or_else(|| sref(prior, "id")) {
            Some(repository) => self.fetch(ctx, repository, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the repository's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
