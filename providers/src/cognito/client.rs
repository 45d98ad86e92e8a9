//! aws_cognito_user_pool_client: an app client of a user pool — its OAuth flows, scopes and
//! URLs, token lifetimes, the attributes it reads and writes, and the secret Cognito makes
//! for it when asked.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, invalid, problem, set_of_strings, set_value,
    sref, string_set, with_default, Put, State,
};
use crate::support::error::found;
use crate::support::wait::Waiter;
use aws_sdk_cognitoidentityprovider::types::{
    AnalyticsConfigurationType, ExplicitAuthFlowsType, FeatureType, OAuthFlowType, PreventUserExistenceErrorTypes,
    RefreshTokenRotationType, TimeUnitsType, TokenValidityUnitsType, UserPoolClientType,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct UserPoolClient;

const FLOWS: &[&str] = &["code", "implicit", "client_credentials"];
const AUTH_FLOWS: &[&str] = &[
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];
const UNITS: &[&str] = &["seconds", "minutes", "hours", "days"];

/// Each token's lifetime attribute, its unit's key in `token_validity_units`, the unit when
/// none is given, the shortest and longest lifetime Cognito accepts in seconds, and that range
/// as a person says it.
const LIFETIMES: &[(&str, &str, &str, u64, u64, &str)] = &[
    (
        "access_token_validity",
        "access_token",
        "hours",
        300,
        86_400,
        "5 minutes to 1 day",
    ),
    (
        "id_token_validity",
        "id_token",
        "hours",
        300,
        86_400,
        "5 minutes to 1 day",
    ),
    (
        "refresh_token_validity",
        "refresh_token",
        "days",
        3_600,
        315_360_000,
        "1 hour to 10 years",
    ),
];

/// The attributes that are sets of strings, with the API's name for each.
const SETS: &[&str] = &[
    "allowed_oauth_flows",
    "allowed_oauth_scopes",
    "callback_urls",
    "explicit_auth_flows",
    "logout_urls",
    "read_attributes",
    "supported_identity_providers",
    "write_attributes",
];

fn seconds(unit: &str) -> u64 {
    match unit {
        "seconds" => 1,
        "minutes" => 60,
        "hours" => 3_600,
        _ => 86_400,
    }
}

fn keys(value: &Value) -> Option<(&str, &str)> {
    sref(value, "user_pool_id").zip(sref(value, "id"))
}

/// The units block as planned: each unit left out is the default.
fn units_with_defaults(block: &Value) -> Value {
    LIFETIMES.iter().fold(block.clone(), |b, (_, key, default, _, _, _)| {
        with_default(&b, key, Value::string(*default))
    })
}

fn is_default_units(u: &TokenValidityUnitsType) -> bool {
    u.access_token() == Some(&TimeUnitsType::Hours)
        && u.id_token() == Some(&TimeUnitsType::Hours)
        && u.refresh_token() == Some(&TimeUnitsType::Days)
}

/// The request's values, from the planned state: what is unknown or empty is not sent, so
/// Cognito keeps or chooses it.
struct Settings {
    sets: Vec<(&'static str, Option<Vec<String>>)>,
    name: String,
    access: Option<i32>,
    id: Option<i32>,
    refresh: Option<i32>,
    session: Option<i32>,
    units: Option<TokenValidityUnitsType>,
    redirect: Option<String>,
    prevent: Option<PreventUserExistenceErrorTypes>,
    revocation: Option<bool>,
    propagate: Option<bool>,
    oauth_client: Option<bool>,
    analytics: Option<AnalyticsConfigurationType>,
    rotation: Option<RefreshTokenRotationType>,
}

impl Settings {
    fn of(planned: &Value, prior: Option<&Value>) -> Settings {
        let int = |key: &str| crate::support::attrs::int32(planned, key).filter(|n| *n != 0);
        let text = |key: &str| sref(planned, key).filter(|s| !s.is_empty()).map(str::to_string);
        let boolean = |key: &str| planned.get(key).as_bool();
        let sets = SETS
            .iter()
            .map(|key| {
                let v = planned.get(key);
                (*key, (!v.is_unknown() && !v.is_null()).then(|| string_set(&v)))
            })
            .collect();
        let units_block = first_block(planned, "token_validity_units");
        let unit =
            |key: &str, default: TimeUnitsType| sref(&units_block, key).map(TimeUnitsType::from).unwrap_or(default);
        // Units taken out of the configuration go back to Cognito's defaults.
        let had_units = prior.is_some_and(|p| !block_items(p, "token_validity_units").is_empty());
        let units = (!units_block.is_null() || had_units).then(|| {
            TokenValidityUnitsType::builder()
                .access_token(unit("access_token", TimeUnitsType::Hours))
                .id_token(unit("id_token", TimeUnitsType::Hours))
                .refresh_token(unit("refresh_token", TimeUnitsType::Days))
                .build()
        });
        let analytics = Some(first_block(planned, "analytics_configuration"))
            .filter(|a| !a.is_null())
            .map(|a| {
                AnalyticsConfigurationType::builder()
                    .set_application_arn(sref(&a, "application_arn").map(str::to_string))
                    .set_application_id(sref(&a, "application_id").map(str::to_string))
                    .set_external_id(sref(&a, "external_id").map(str::to_string))
                    .set_role_arn(sref(&a, "role_arn").filter(|r| !r.is_empty()).map(str::to_string))
                    .set_user_data_shared(a.get("user_data_shared").as_bool())
                    .build()
            });
        let rotation = Some(first_block(planned, "refresh_token_rotation"))
            .filter(|r| !r.is_null())
            .and_then(|r| {
                RefreshTokenRotationType::builder()
                    .feature(FeatureType::from(sref(&r, "feature").unwrap_or("DISABLED")))
                    .set_retry_grace_period_seconds(crate::support::attrs::int32(&r, "retry_grace_period_seconds"))
                    .build()
                    .ok()
            });
        Settings {
            sets,
            name: sref(planned, "name").unwrap_or_default().to_string(),
            access: int("access_token_validity"),
            id: int("id_token_validity"),
            refresh: int("refresh_token_validity"),
            session: int("auth_session_validity"),
            units,
            redirect: text("default_redirect_uri"),
            prevent: text("prevent_user_existence_errors").map(|p| PreventUserExistenceErrorTypes::from(p.as_str())),
            revocation: boolean("enable_token_revocation"),
            propagate: boolean("enable_propagate_additional_user_context_data"),
            oauth_client: boolean("allowed_oauth_flows_user_pool_client"),
            analytics,
            rotation,
        }
    }

    fn set(&self, key: &str) -> Option<Vec<String>> {
        self.sets.iter().find(|(k, _)| *k == key).and_then(|(_, v)| v.clone())
    }
}

/// Sets the fields a create and an update share on either request builder.
macro_rules! apply_settings {
    ($builder:expr, $s:expr) => {{
        let s = $s;
        $builder
            .client_name(s.name.clone())
            .set_access_token_validity(s.access)
            .set_id_token_validity(s.id)
            .set_refresh_token_validity(s.refresh)
            .set_auth_session_validity(s.session)
            .set_token_validity_units(s.units.clone())
            .set_read_attributes(s.set("read_attributes"))
            .set_write_attributes(s.set("write_attributes"))
            .set_explicit_auth_flows(
                s.set("explicit_auth_flows")
                    .map(|v| v.iter().map(|f| ExplicitAuthFlowsType::from(f.as_str())).collect()),
            )
            .set_supported_identity_providers(s.set("supported_identity_providers"))
            .set_callback_urls(s.set("callback_urls"))
            .set_logout_urls(s.set("logout_urls"))
            .set_default_redirect_uri(s.redirect.clone())
            .set_allowed_o_auth_flows(
                s.set("allowed_oauth_flows")
                    .map(|v| v.iter().map(|f| OAuthFlowType::from(f.as_str())).collect()),
            )
            .set_allowed_o_auth_scopes(s.set("allowed_oauth_scopes"))
            .set_allowed_o_auth_flows_user_pool_client(s.oauth_client)
            .set_analytics_configuration(s.analytics.clone())
            .set_prevent_user_existence_errors(s.prevent.clone())
            .set_enable_token_revocation(s.revocation)
            .set_enable_propagate_additional_user_context_data(s.propagate)
            .set_refresh_token_rotation(s.rotation.clone())
    }};
}

impl UserPoolClient {
    fn state(&self, c: &UserPoolClientType, pool: &str, prior: &Value) -> Value {
        let mut st: State = into_state(prior);
        st.put("id", c.client_id());
        st.put("user_pool_id", c.user_pool_id().unwrap_or(pool));
        st.put("name", c.client_name());
        st.put("client_secret", c.client_secret().unwrap_or_default());
        // Cognito does not say whether a secret was asked for: an imported client with a
        // secret was made with `generate_secret = true`.
        if prior.get("generate_secret").is_null() && c.client_secret().is_some_and(|s| !s.is_empty()) {
            st.put("generate_secret", true);
        }
        let list = |items: Vec<String>| set_value(&items);
        st.put(
            "allowed_oauth_flows",
            list(
                c.allowed_o_auth_flows()
                    .iter()
                    .map(|f| f.as_str().to_string())
                    .collect(),
            ),
        );
        st.put("allowed_oauth_scopes", list(c.allowed_o_auth_scopes().to_vec()));
        st.put("callback_urls", list(c.callback_urls().to_vec()));
        st.put("logout_urls", list(c.logout_urls().to_vec()));
        st.put(
            "explicit_auth_flows",
            list(c.explicit_auth_flows().iter().map(|f| f.as_str().to_string()).collect()),
        );
        st.put("read_attributes", list(c.read_attributes().to_vec()));
        st.put("write_attributes", list(c.write_attributes().to_vec()));
        st.put(
            "supported_identity_providers",
            list(c.supported_identity_providers().to_vec()),
        );
        st.put(
            "allowed_oauth_flows_user_pool_client",
            c.allowed_o_auth_flows_user_pool_client().unwrap_or(false),
        );
        st.put(
            "access_token_validity",
            i64::from(c.access_token_validity().unwrap_or(0)),
        );
        st.put("id_token_validity", i64::from(c.id_token_validity().unwrap_or(0)));
        st.put("refresh_token_validity", i64::from(c.refresh_token_validity()));
        st.put(
            "auth_session_validity",
            i64::from(c.auth_session_validity().unwrap_or(0)),
        );
        st.put("default_redirect_uri", c.default_redirect_uri().unwrap_or_default());
        st.put(
            "prevent_user_existence_errors",
            c.prevent_user_existence_errors()
                .map(|p| p.as_str())
                .unwrap_or_default(),
        );
        st.put("enable_token_revocation", c.enable_token_revocation().unwrap_or(false));
        st.put(
            "enable_propagate_additional_user_context_data",
            c.enable_propagate_additional_user_context_data().unwrap_or(false),
        );
        // Cognito's default units stand for a block that is not written.
        let units = c
            .token_validity_units()
            .filter(|u| u.access_token().is_some() || u.id_token().is_some() || u.refresh_token().is_some());
        let written = !block_items(prior, "token_validity_units").is_empty();
        st.put(
            "token_validity_units",
            Value::List(
                units
                    .filter(|u| written || !is_default_units(u))
                    .map(|u| {
                        vec![map([
                            ("access_token", Value::from(u.access_token().map(|t| t.as_str()))),
                            ("id_token", Value::from(u.id_token().map(|t| t.as_str()))),
                            ("refresh_token", Value::from(u.refresh_token().map(|t| t.as_str()))),
                        ])]
                    })
                    .unwrap_or_default()
                    .into(),
            ),
        );
        st.put(
            "analytics_configuration",
            Value::List(
                c.analytics_configuration()
                    .map(|a| {
                        vec![map([
                            ("application_arn", Value::from(a.application_arn())),
                            ("application_id", Value::from(a.application_id())),
                            ("external_id", Value::from(a.external_id())),
                            ("role_arn", Value::from(a.role_arn())),
                            ("user_data_shared", Value::from(a.user_data_shared())),
                        ])]
                    })
                    .unwrap_or_default()
                    .into(),
            ),
        );
        st.put(
            "refresh_token_rotation",
            Value::List(
                c.refresh_token_rotation()
                    .map(|r| {
                        vec![map([
                            ("feature", Value::string(r.feature().as_str())),
                            (
                                "retry_grace_period_seconds",
                                Value::from(r.retry_grace_period_seconds().map(i64::from)),
                            ),
                        ])]
                    })
                    .unwrap_or_default()
                    .into(),
            ),
        );
        finish(&self.schema(), st)
    }

    fn fetch(&self, ctx: &Ctx, pool: &str, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Cognito User Pool Client ({id})"),
            ctx.cognito
                .describe_user_pool_client()
                .user_pool_id(pool)
                .client_id(id)
                .send(),
        ))?;
        Ok(out.and_then(|o| o.user_pool_client().map(|c| self.state(c, pool, prior))))
    }
}

fn check_set(config: &Value, key: &str, max: usize, allowed: Option<&[&str]>, problems: &mut Vec<ValidateProblem>) {
    let Some(items) = config.get(key).as_list().map(|l| l.to_vec()) else {
        return;
    };
    if items.len() > max {
        problems.push(problem(key, format!("at most {max} values")));
    }
    for item in items.iter().filter_map(Value::as_str) {
        match allowed {
            Some(allowed) if !allowed.contains(&item) => {
                problems.push(problem(key, format!("{item:?} is not one of {}", allowed.join(", "))))
            }
            None if !(1..=1024).contains(&item.chars().count()) => {
                problems.push(problem(key, format!("{item:?}: each value is 1 to 1024 characters")))
            }
            _ => {}
        }
    }
}

impl ResourceType for UserPoolClient {
    fn type_name(&self) -> &'static str {
        "aws_cognito_user_pool_client"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("user_pool_id", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String))
            .attr("generate_secret", Attribute::optional(Type::Bool).force_new())
            .attr("client_secret", Attribute::computed(Type::String).sensitive())
            .attr("access_token_validity", Attribute::optional_computed(Type::Number))
            .attr("id_token_validity", Attribute::optional_computed(Type::Number))
            .attr("refresh_token_validity", Attribute::optional_computed(Type::Number))
            .attr("auth_session_validity", Attribute::optional_computed(Type::Number))
            .attr(
                "allowed_oauth_flows_user_pool_client",
                Attribute::optional_computed(Type::Bool),
            )
            .attr("default_redirect_uri", Attribute::optional_computed(Type::String))
            .attr(
                "prevent_user_existence_errors",
                Attribute::optional_computed(Type::String),
            )
            .attr("enable_token_revocation", Attribute::optional_computed(Type::Bool))
            .attr(
                "enable_propagate_additional_user_context_data",
                Attribute::optional_computed(Type::Bool),
            )
            .attr("id", Attribute::computed(Type::String));
        for key in SETS {
            s = s.attr(key, Attribute::optional_computed(set_of_strings()));
        }
        s.block(
            "token_validity_units",
            Nesting::Single,
            Schema::new()
                .attr("access_token", Attribute::optional_computed(Type::String).one_of(UNITS))
                .attr("id_token", Attribute::optional_computed(Type::String).one_of(UNITS))
                .attr(
                    "refresh_token",
                    Attribute::optional_computed(Type::String).one_of(UNITS),
                ),
        )
        .block(
            "analytics_configuration",
            Nesting::Single,
            Schema::new()
                .attr("application_arn", Attribute::optional(Type::String))
                .attr("application_id", Attribute::optional(Type::String))
                .attr("external_id", Attribute::optional(Type::String))
                .attr("role_arn", Attribute::optional_computed(Type::String))
                .attr("user_data_shared", Attribute::optional_computed(Type::Bool)),
        )
        .block(
            "refresh_token_rotation",
            Nesting::Single,
            Schema::new()
                .attr(
                    "feature",
                    Attribute::required(Type::String).one_of(&["ENABLED", "DISABLED"]),
                )
                .attr("retry_grace_period_seconds", Attribute::optional(Type::Number)),
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = super::check_pool_id(config);
        if let Some(name) = sref(config, "name") {
            let ok = (1..=128).contains(&name.chars().count())
                && name
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c.is_whitespace() || "+=,.@-".contains(c));
            if !ok {
                problems.push(problem(
                    "name",
                    "a client name is 1 to 128 letters, digits, spaces or _+=,.@-",
                ));
            }
        }
        check_set(config, "allowed_oauth_flows", 3, Some(FLOWS), &mut problems);
        check_set(
            config,
            "explicit_auth_flows",
            usize::MAX,
            Some(AUTH_FLOWS),
            &mut problems,
        );
        check_set(config, "allowed_oauth_scopes", 50, None, &mut problems);
        check_set(config, "callback_urls", 100, None, &mut problems);
        check_set(config, "logout_urls", 100, None, &mut problems);
        if let Some(v) = config.get("auth_session_validity").as_f64() {
            if !(3.0..=15.0).contains(&v) {
                problems.push(problem(
                    "auth_session_validity",
                    "auth_session_validity is 3 to 15 minutes",
                ));
            }
        }
        if let Some(p) = sref(config, "prevent_user_existence_errors") {
            if p != "LEGACY" && p != "ENABLED" {
                problems.push(problem(
                    "prevent_user_existence_errors",
                    "prevent_user_existence_errors is LEGACY or ENABLED",
                ));
            }
        }
        let units = first_block(config, "token_validity_units");
        for (key, unit_key, default, min, max, range) in LIFETIMES {
            let (Some(n), unit) = (config.get(key).as_f64(), units.get(unit_key)) else {
                continue;
            };
            if unit.is_unknown() {
                continue;
            }
            let unit = unit.as_str().unwrap_or(default);
            let total = n.max(0.0) as u64 * seconds(unit);
            if n < 0.0 || total < *min || total > *max {
                problems.push(problem(
                    key,
                    format!("{n} {unit} is outside what Cognito allows ({range})"),
                ));
            }
        }
        let analytics = block_items(config, "analytics_configuration");
        for a in &analytics {
            let has = |k: &str| !a.get(k).is_null();
            if has("application_arn") == has("application_id") {
                problems.push(problem(
                    "analytics_configuration",
                    "give exactly one of application_arn and application_id",
                ));
            }
            if has("application_arn") && (has("external_id") || has("role_arn")) {
                problems.push(problem(
                    "analytics_configuration.application_arn",
                    "with application_arn, leave out external_id and role_arn (Cognito uses a service-linked role)",
                ));
            }
            if has("application_id") && !(has("external_id") && has("role_arn")) {
                problems.push(problem(
                    "analytics_configuration.application_id",
                    "application_id needs external_id and role_arn too",
                ));
            }
        }
        let rotation = block_items(config, "refresh_token_rotation");
        for r in &rotation {
            if r.get("retry_grace_period_seconds")
                .as_f64()
                .is_some_and(|n| !(0.0..=60.0).contains(&n))
            {
                problems.push(problem(
                    "refresh_token_rotation.retry_grace_period_seconds",
                    "retry_grace_period_seconds is 0 to 60",
                ));
            }
        }
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        match prior {
            None => {
                st.put("id", Value::UNKNOWN);
                st.put("client_secret", Value::UNKNOWN);
            }
            Some(p) => {
                // Cognito makes the secret once; a new client is a new secret.
                st.put("client_secret", p.get("client_secret"));
            }
        }
        let units = block_items(&proposed, "token_validity_units");
        if !units.is_empty() {
            st.put(
                "token_validity_units",
                Value::List(units.iter().map(units_with_defaults).collect::<Vec<_>>().into()),
            );
        }
        // What AWS fills in an analytics block (the role, whether user data is shared) is kept
        // from the last read while the configuration leaves it out.
        let prior_analytics = prior
            .map(|p| first_block(p, "analytics_configuration"))
            .unwrap_or(Value::Null);
        let analytics: Vec<Value> = block_items(&proposed, "analytics_configuration")
            .iter()
            .map(|a| {
                let mut m = into_state(a);
                for (key, fresh) in [("role_arn", Value::UNKNOWN), ("user_data_shared", Value::from(false))] {
                    if m.get(key).is_none_or(Value::is_null) {
                        let kept = prior_analytics.get(key);
                        m.insert(key.to_string(), if kept.is_null() { fresh } else { kept });
                    }
                }
                Value::Map(m.into())
            })
            .collect();
        if !analytics.is_empty() {
            st.put("analytics_configuration", Value::List(analytics.into()));
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(pool) = sref(planned, "user_pool_id") else {
            return ApplyOutcome::failed(invalid("creating Cognito User Pool Client: user_pool_id must be known"));
        };
        let settings = Settings::of(planned, None);
        let name = settings.name.clone();
        (step.intent)(&format!("{pool}/{name}"));
        let builder = ctx
            .cognito
            .create_user_pool_client()
            .user_pool_id(pool)
            .set_generate_secret(planned.get("generate_secret").as_bool());
        let made = call(
            ctx,
            &format!("creating Cognito User Pool Client ({name})"),
            apply_settings!(builder, &settings).send(),
        );
        let id = match made {
            Ok(out) => out
                .user_pool_client()
                .and_then(|c| c.client_id())
                .unwrap_or_default()
                .to_string(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.fetch(ctx, pool, &id, planned),
            crate::support::attrs::gone_after_create(format!(
                "Cognito User Pool Client ({id}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((pool, id)) = keys(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Cognito User Pool Client: the prior state has no id"),
            );
        };
        // UpdateUserPoolClient resets what it is not sent: every setting goes, as planned.
        let settings = Settings::of(planned, Some(prior));
        let op = format!("updating Cognito User Pool Client ({id})");
        let result = Waiter::new(op.clone(), Duration::from_secs(120)).retry(
            |e| e.code == "ConcurrentModificationException",
            || {
                let builder = ctx.cognito.update_user_pool_client().user_pool_id(pool).client_id(id);
                call(ctx, &op, apply_settings!(builder, &settings).send()).map(drop)
            },
        );
        update_outcome(prior, result, self.fetch(ctx, pool, id, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Cognito User Pool Client ({id}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((pool, id)) = keys(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting Cognito User Pool Client ({id})"),
            ctx.cognito
                .delete_user_pool_client()
                .user_pool_id(pool)
                .client_id(id)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match keys(prior) {
            Some((pool, id)) => self.fetch(ctx, pool, id, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `USER_POOL_ID/CLIENT_ID`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (pool, client) = crate::support::attrs::import_split(id, '/', self.type_name(), "USER_POOL_ID/CLIENT_ID")?;
        self.fetch(ctx, pool, client, &map([("user_pool_id", Value::string(pool))]))
    }
}
