//! aws_kms_key_policy.

use crate::kms::{
    default_policy, describe_key, get_policy, gone, keep_prior_policy, key_id_of, policy_problems, put_policy, settled,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{default_to, finish, get, into_state, prior_id, sref, State};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct KmsKeyPolicy;

impl KmsKeyPolicy {
    fn read_key(&self, ctx: &Ctx, key_id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(meta) = describe_key(ctx, key_id)? else {
            return Ok(None);
        };
        let doc = get_policy(ctx, meta.key_id())?;
        let mut st = State::new();
        // The configuration may name the key by ARN; keep the form it used.
        let id = match prior.get("key_id").as_str() {
            Some(p) if key_id_of(p) == meta.key_id() => p.to_string(),
            _ => key_id.to_string(),
        };
        st.insert("key_id".into(), Value::string(&id));
        st.insert("id".into(), Value::string(&id));
        st.insert("policy".into(), keep_prior_policy(&prior.get("policy"), &doc));
        st.insert(
            "bypass_policy_lockout_safety_check".into(),
            Value::Bool(
                prior
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false),
            ),
        );
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for KmsKeyPolicy {
    fn type_name(&self) -> &'static str {
        "aws_kms_key_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("key_id", Attribute::required(Type::String).force_new())
            .attr(
                "policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        policy_problems(config, "policy", &mut out);
        out
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        default_to(&mut st, "bypass_policy_lockout_safety_check", Value::Bool(false));
        let id = match get(&st, "key_id") {
            Value::String(k) => Value::string(k),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(key_id), Some(doc)) = (sref(planned, "key_id"), sref(planned, "policy")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "setting KMS Key Policy: key_id and policy are required",
            ));
        };
        let bypass = planned
            .get("bypass_policy_lockout_safety_check")
            .as_bool()
            .unwrap_or(false);
        (step.intent)(key_id);
        if let Err(e) = settled(|| put_policy(ctx, key_id, doc, bypass, step.progress)) {
            return ApplyOutcome::failed(e);
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(key_id));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let key_id = match prior_id(prior, &["key_id"], "updating KMS Key Policy") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        if let Some(doc) = sref(planned, "policy") {
            let unchanged = prior
                .get("policy")
                .as_str()
                .map(|p| crate::support::policy::equivalent(p, doc))
                .unwrap_or(false);
            let bypass = planned
                .get("bypass_policy_lockout_safety_check")
                .as_bool()
                .unwrap_or(false);
            if !unchanged {
                if let Err(e) = put_policy(ctx, &key_id, doc, bypass, step.progress) {
                    return ApplyOutcome::partial(prior.clone(), e);
                }
            }
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(&key_id));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(key_id) = sref(prior, "key_id") else {
            return Ok(());
        };
        // The key itself stays; it gets back the policy KMS gives a new key.
        let Some(meta) = describe_key(ctx, key_id)? else {
            return Ok(());
        };
        let Some(arn) = meta.arn() else {
            return Ok(());
        };
        let bypass = prior
            .get("bypass_policy_lockout_safety_check")
            .as_bool()
            .unwrap_or(false);
        match put_policy(ctx, meta.key_id(), &default_policy(arn), bypass, step.progress) {
            Ok(()) => Ok(()),
            Err(e) if gone(&e.code) || e.code == "KMSInvalidStateException" => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.read_key(ctx, key_id, prior)
    }

    /// Import ID: the key ID (or ARN).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.read_key(ctx, id, &Value::Null)
    }
}
