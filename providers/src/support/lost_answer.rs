//! Calls whose answer was lost. An attempt that reached AWS and got a server error or timed out
//! may have been carried out all the same; when the SDK's retry of it then fails (typically
//! with "already exists"), the error says so ([`ProviderError::outcome_unknown`]), and the
//! engine looks for the object the lost attempt made instead of failing a create whose object
//! exists. A create that makes a new object on every call (KMS `CreateKey`) is not retried
//! after a lost answer at all: a retry would make a second key.
//!
//! [`ProviderError::outcome_unknown`]: engine::core::provider::ProviderError::outcome_unknown

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, FinalizerInterceptorContextRef, InterceptorContext,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction, RetryClassifierPriority};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// Set on the answer of a retry that followed a lost answer, so the error built from it knows.
pub(crate) const HEADER: &str = "x-infinstor-after-lost-answer";

/// True for an HTTP status that may follow a carried-out call (503 is a refusal: not done).
pub(crate) fn lost_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 504)
}

/// True when an attempt that ended with `status` (or without an answer, with `error`) may
/// have been carried out: a server error, or no whole answer (a timeout, a connection that
/// broke; a refused connection is counted too, as it cannot be told apart here).
fn lost<E>(status: Option<u16>, error: Option<&OrchestratorError<E>>) -> bool {
    match status {
        Some(status) => lost_status(status),
        None => error.is_some_and(|e| {
            e.is_timeout_error()
                || e.is_response_error()
                || e.as_connector_error()
                    .is_some_and(|c| c.is_timeout() || c.is_io() || c.is_other())
        }),
    }
}

#[derive(Debug, Clone)]
struct LostAnswer;

impl Storable for LostAnswer {
    type Storer = StoreReplace<Self>;
}

/// The interceptor that marks the answers of retries after a lost answer.
#[derive(Debug)]
pub(crate) struct MarkLostAnswers;

impl Intercept for MarkLostAnswers {
    fn name(&self) -> &'static str {
        "MarkLostAnswers"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<LostAnswer>().is_some() {
            context.response_mut().headers_mut().insert(HEADER, "1");
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let status = context.response().map(|r| r.status().as_u16());
        if lost(status, context.output_or_error().and_then(Result::err)) {
            cfg.interceptor_state().store_put(LostAnswer);
        }
        Ok(())
    }
}

/// The retry classifier of a create that makes a new object on every call: no retry after a
/// lost answer (throttling and refusals are still retried). Set on the one operation with
/// `customize().config_override(...)`.
#[derive(Debug)]
pub(crate) struct NoBlindRepeat;

impl ClassifyRetry for NoBlindRepeat {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let status = ctx.response().map(|r| r.status().as_u16());
        if lost(status, ctx.output_or_error().and_then(Result::err)) {
            RetryAction::RetryForbidden
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "NoBlindRepeat"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}
