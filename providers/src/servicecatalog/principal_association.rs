//! aws_servicecatalog_principal_portfolio_association: an IAM user, group or role (or an ARN
//! pattern) given access to a portfolio's products: seed 004's "add the administrator to the
//! imported portfolio". Every argument replaces it; it is found again by listing the
//! portfolio's principals.

use super::language;
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_servicecatalog::types::PrincipalType;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct PrincipalAssociation;

/// The association's parts: language, principal ARN, portfolio, principal type.
struct Parts {
    lang: String,
    principal: String,
    portfolio: String,
    kind: String,
}

impl Parts {
    fn of(value: &Value) -> Option<Parts> {
        Some(Parts {
            lang: language(value),
            principal: sref(value, "principal_arn")?.to_string(),
            portfolio: sref(value, "portfolio_id")?.to_string(),
            kind: sref(value, "principal_type").unwrap_or("IAM").to_string(),
        })
    }

    /// The ID the AWS provider gives it: the four parts, comma-separated.
    fn id(&self) -> String {
        format!("{},{},{},{}", self.lang, self.principal, self.portfolio, self.kind)
    }

    fn state(&self) -> Value {
        let mut st = State::new();
        st.put("id", self.id());
        st.put("accept_language", self.lang.as_str());
        st.put("principal_arn", self.principal.as_str());
        st.put("portfolio_id", self.portfolio.as_str());
        st.put("principal_type", self.kind.as_str());
        finish(&PrincipalAssociation.schema(), st)
    }

    /// Whether the portfolio lists the principal (with its type), page by page.
    fn exists(&self, ctx: &Ctx) -> Result<Option<bool>, ProviderError> {
        let mut token: Option<String> = None;
        loop {
            let Some(out) = found(call(
                ctx,
                &format!(
                    "listing the principals of Service Catalog Portfolio ({})",
                    self.portfolio
                ),
                ctx.servicecatalog
                    .list_principals_for_portfolio()
                    .portfolio_id(&self.portfolio)
                    .accept_language(&self.lang)
                    .set_page_token(token.clone())
                    .send(),
            ))?
            else {
                // The portfolio is gone, and the association with it.
                return Ok(None);
            };
            if out.principals().iter().any(|p| {
                p.principal_arn() == Some(self.principal.as_str())
                    && p.principal_type().map(|t| t.as_str()) == Some(self.kind.as_str())
            }) {
                return Ok(Some(true));
            }
            match out.next_page_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(Some(false)),
            }
        }
    }

    fn fetch(&self, ctx: &Ctx) -> Result<Option<Value>, ProviderError> {
        Ok(match self.exists(ctx)? {
            Some(true) => Some(self.state()),
            _ => None,
        })
    }
}

impl ResourceType for PrincipalAssociation {
    fn type_name(&self) -> &'static str {
        "aws_servicecatalog_principal_portfolio_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("portfolio_id", Attribute::required(Type::String).force_new())
            .attr("principal_arn", Attribute::required(Type::String).force_new())
            .attr(
                "accept_language",
                Attribute::optional_computed(Type::String)
                    .one_of(&["en", "jp", "zh"])
                    .force_new(),
            )
            .attr(
                "principal_type",
                Attribute::optional_computed(Type::String)
                    .one_of(&["IAM", "IAM_PATTERN"])
                    .force_new(),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("portfolio_id").as_str() {
            Some(id) if !id.starts_with("port-") => vec![problem(
                "portfolio_id",
                format!("portfolio IDs look like port-68656c6c6f (the Service Catalog console's Portfolios list), got {id:?}"),
            )],
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        for (key, default) in [("accept_language", "en"), ("principal_type", "IAM")] {
            // Unset, it is unknown in what the engine proposes on a create (it is computed).
            if st.get(key).is_none_or(|v| v.is_null() || v.is_unknown()) {
                st.put(key, default);
            }
        }
        let planned = Value::Map(st.clone().into());
        let known = ["portfolio_id", "principal_arn", "accept_language", "principal_type"]
            .iter()
            .all(|k| !planned.get(k).is_unknown());
        let id = match Parts::of(&planned) {
            Some(p) if known => Value::string(p.id()),
            _ => Value::UNKNOWN,
        };
        st.put("id", id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(parts) = Parts::of(planned) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "creating Service Catalog Principal Portfolio Association: portfolio_id and principal_arn are required",
            ));
        };
        (step.intent)(&parts.id());
        let made = call(
            ctx,
            &format!(
                "associating {} with Service Catalog Portfolio ({})",
                parts.principal, parts.portfolio
            ),
            ctx.servicecatalog
                .associate_principal_with_portfolio()
                .accept_language(&parts.lang)
                .portfolio_id(&parts.portfolio)
                .principal_arn(&parts.principal)
                .principal_type(PrincipalType::from(parts.kind.as_str()))
                .send(),
        );
        match made {
            Ok(_) => ApplyOutcome::Done(parts.state()),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, _planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument replaces it: nothing changes in place.
        ApplyOutcome::Done(prior.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(parts) = Parts::of(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!(
                "disassociating {} from Service Catalog Portfolio ({})",
                parts.principal, parts.portfolio
            ),
            ctx.servicecatalog
                .disassociate_principal_from_portfolio()
                .accept_language(&parts.lang)
                .portfolio_id(&parts.portfolio)
                .principal_arn(&parts.principal)
                .principal_type(PrincipalType::from(parts.kind.as_str()))
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match Parts::of(prior) {
            Some(parts) => parts.fetch(ctx),
            None => Ok(None),
        }
    }

    /// Import ID: `LANGUAGE,PRINCIPAL_ARN,PORTFOLIO_ID` and optionally `,PRINCIPAL_TYPE`, as
    /// the AWS provider takes it.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let parts: Vec<&str> = id.split(',').collect();
        let (lang, principal, portfolio, kind) = match parts[..] {
            [l, a, p] => (l, a, p, "IAM"),
            [l, a, p, k] => (l, a, p, k),
            _ => {
                return Err(ProviderError::new(
                    "InvalidImportId",
                    format!("importing a Service Catalog Principal Portfolio Association: {id:?} is not LANGUAGE,PRINCIPAL_ARN,PORTFOLIO_ID[,PRINCIPAL_TYPE] (for example en,arn:aws:iam::123456789012:user/Eleanor,port-68656c6c6f)"),
                ))
            }
        };
        Parts {
            lang: lang.to_string(),
            principal: principal.to_string(),
            portfolio: portfolio.to_string(),
            kind: kind.to_string(),
        }
        .fetch(ctx)
    }
}
