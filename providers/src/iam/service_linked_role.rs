//! aws_iam_service_linked_role.
//!
//! A service-linked role is created by IAM on behalf of a service, which also chooses its name
//! (`AWSServiceRoleForElasticBeanstalk`, optionally with `_` and a custom suffix) and path
//! (`/aws-service-role/SERVICE/`). Its ARN, the Terraform import ID, is therefore not known
//! before the create call; the create intent records `SERVICE` or `SERVICE:SUFFIX` instead,
//! which [`ResourceType::import`] also accepts and resolves by listing the roles on that path.
//!
//! Deletion is asynchronous: IAM first checks that no resource of the service still uses the
//! role, so delete polls the deletion task and reports which resources block it.

use super::{sdk_tags, tag_map};
use crate::iam::tagging::Tagged;
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, get, into_state, invalid, map_of_strings, sref, string_map, State};
use crate::support::dates::rfc3339;
use crate::support::error::is_not_found;
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_iam::types::{DeletionTaskStatusType, Role};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

/// How long IAM may take to delete a service-linked role.
const DELETE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

const PATH_PREFIX: &str = "/aws-service-role/";

/// `(service, custom suffix)` of a service-linked role, from its path and name.
fn service_and_suffix(path: &str, name: &str) -> (Option<String>, Option<String>) {
    let service = path
        .strip_prefix(PATH_PREFIX)
        .map(|s| s.trim_end_matches('/').to_string())
        .filter(|s| !s.is_empty());
    let suffix = name
        .split_once('_')
        .map(|(_, s)| s.to_string())
        .filter(|s| !s.is_empty());
    (service, suffix)
}

/// The role name in a role ARN (`arn:aws:iam::123:role/aws-service-role/svc/NAME`).
fn name_from_arn(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let path = resource.strip_prefix("role/")?;
    path.rsplit('/').next().filter(|n| !n.is_empty())
}

pub(super) struct ServiceLinkedRole;

impl ServiceLinkedRole {
    fn state(&self, ctx: &Ctx, role: &Role, prior: &Value) -> Value {
        let (service, suffix) = service_and_suffix(role.path(), role.role_name());
        let mut st = State::new();
        st.insert("id".into(), Value::string(role.arn()));
        st.insert("arn".into(), Value::string(role.arn()));
        st.insert("name".into(), Value::string(role.role_name()));
        st.insert("path".into(), Value::string(role.path()));
        st.insert("unique_id".into(), Value::string(role.role_id()));
        st.insert("create_date".into(), rfc3339(role.create_date()));
        st.insert(
            "aws_service_name".into(),
            service
                .map(Value::String)
                .unwrap_or_else(|| prior.get("aws_service_name")),
        );
        st.insert("custom_suffix".into(), suffix.map(Value::String).unwrap_or(Value::Null));
        let description = match role.description() {
            Some("") | None if prior.get("description").as_str() != Some("") => Value::Null,
            Some(d) => Value::string(d),
            None => Value::Null,
        };
        st.insert("description".into(), description);
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tag_map(role.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert(
            "adopt_existing".into(),
            Value::Bool(prior.get("adopt_existing").as_bool().unwrap_or(false)),
        );
        st.insert(
            "adopted".into(),
            Value::Bool(prior.get("adopted").as_bool().unwrap_or(false)),
        );
        finish(&self.schema(), st)
    }

    fn get_role(&self, ctx: &Ctx, name: &str) -> Result<Option<Role>, ProviderError> {
        match call(
            ctx,
            &format!("reading IAM Service-Linked Role ({name})"),
            ctx.iam.get_role().role_name(name).send(),
        ) {
            Ok(out) => Ok(out.role().cloned()),
            Err(e) if is_not_found(&e.code) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The service-linked role of `service` with `suffix`, found by listing its path.
    fn find(&self, ctx: &Ctx, service: &str, suffix: Option<&str>) -> Result<Option<Role>, ProviderError> {
        let prefix = format!("{PATH_PREFIX}{service}/");
        let mut marker: Option<String> = None;
        loop {
            let out = call(
                ctx,
                &format!("listing IAM Service-Linked Roles of {service}"),
                ctx.iam
                    .list_roles()
                    .path_prefix(&prefix)
                    .set_marker(marker.clone())
                    .send(),
            )?;
            for role in out.roles() {
                let (_, role_suffix) = service_and_suffix(role.path(), role.role_name());
                if role.path() == prefix && role_suffix.as_deref() == suffix {
                    // ListRoles leaves out tags and descriptions; GetRole has them.
                    return self.get_role(ctx, role.role_name());
                }
            }
            if out.is_truncated() {
                marker = out.marker().map(str::to_string);
                if marker.is_none() {
                    break;
                }
            } else {
                break;
            }
        }
        Ok(None)
    }

    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.get_role(ctx, name)?.map(|r| self.state(ctx, &r, prior)))
    }
}

impl ResourceType for ServiceLinkedRole {
    fn type_name(&self) -> &'static str {
        "aws_iam_service_linked_role"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("aws_service_name", Attribute::required(Type::String).force_new())
            .attr("custom_suffix", Attribute::optional(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("name", Attribute::computed(Type::String))
            .attr("path", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("adopt_existing", Attribute::optional(Type::Bool))
            .attr("adopted", Attribute::computed(Type::Bool))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(s) = config.get("aws_service_name").as_str() {
            if !s.ends_with(".amazonaws.com") || s.contains('/') {
                out.push(ValidateProblem {
                    not_yet: false,
                    attribute: Some("aws_service_name".into()),
                    message: format!(
                        "aws_service_name must be a service principal such as \"elasticbeanstalk.amazonaws.com\", \
                         not {s:?}"
                    ),
                });
            }
        }
        if let Some(s) = config.get("custom_suffix").as_str() {
            let ok =
                !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@-_".contains(c));
            if !ok {
                out.push(ValidateProblem {
                    not_yet: false,
                    attribute: Some("custom_suffix".into()),
                    message: "custom_suffix must be 1 to 64 letters, digits or +=,.@-_".into(),
                });
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.insert("tags_all".into(), tags_all(ctx, get(&st, "tags")));
        if get(&st, "adopt_existing").is_null() {
            st.insert("adopt_existing".into(), Value::Bool(false));
        }
        st.insert(
            "adopted".into(),
            prior
                .map(|p| p.get("adopted"))
                .filter(|v| !v.is_null())
                .unwrap_or(Value::UNKNOWN),
        );
        if prior.is_none() {
            for key in ["id", "arn", "name", "path", "unique_id", "create_date"] {
                st.insert(key.into(), Value::UNKNOWN);
            }
            if let Value::String(service) = get(&st, "aws_service_name").clone() {
                st.insert("path".into(), Value::string(format!("{PATH_PREFIX}{service}/")));
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(service) = sref(planned, "aws_service_name") else {
            return ApplyOutcome::failed(invalid(
                "creating IAM Service-Linked Role: aws_service_name is required",
            ));
        };
        let suffix = sref(planned, "custom_suffix");
        let op = format!("creating IAM Service-Linked Role ({service})");
        (step.intent)(&match suffix {
            Some(s) => format!("{service}:{s}"),
            None => service.to_string(),
        });
        let created = call(
            ctx,
            &op,
            ctx.iam
                .create_service_linked_role()
                .aws_service_name(service)
                .set_description(sref(planned, "description").map(str::to_string))
                .set_custom_suffix(suffix.map(str::to_string))
                .send(),
        );
        let role = match created {
            Ok(out) => match out.role().cloned() {
                Some(r) => r,
                None => {
                    return ApplyOutcome::failed(ProviderError::new(
                        "InvalidResponse",
                        format!("{op}: no role returned"),
                    ))
                }
            },
            // The account has the role already (services create theirs on first use): with
            // adopt_existing it is managed from now on, and destroying only forgets it.
            Err(e) if taken(&e) && planned.get("adopt_existing").as_bool() == Some(true) => {
                let mut adopted = into_state(planned);
                adopted.insert("adopted".into(), Value::Bool(true));
                let adopted = Value::Map(adopted.into());
                return match self.find(ctx, service, suffix) {
                    Ok(Some(role)) => match self.fetch(ctx, role.role_name(), &adopted) {
                        Ok(Some(st)) => ApplyOutcome::Done(st),
                        Ok(None) => ApplyOutcome::failed(e),
                        Err(e2) => ApplyOutcome::failed(e2),
                    },
                    Ok(None) => ApplyOutcome::failed(e),
                    Err(e2) => ApplyOutcome::failed(e2),
                };
            }
            Err(e) if taken(&e) => {
                let hint = match self.find(ctx, service, suffix) {
                    Ok(Some(r)) => format!("import it with its ARN ({})", r.arn()),
                    _ => "import it with its ARN".to_string(),
                };
                return ApplyOutcome::failed(ProviderError::new(
                    "EntityAlreadyExists",
                    format!(
                        "{}\n\nThis account already has the service-linked role of {service} (services often \
                             create theirs on first use): {hint}, set adopt_existing = true to manage it from now on \
                             (destroying then only forgets it), or set a custom_suffix if the service allows several.",
                        e.message
                    ),
                ));
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let name = role.role_name().to_string();
        let tags = string_map(&planned.get("tags_all"));
        let tagged = if tags.is_empty() {
            Ok(())
        } else {
            sdk_tags(&tags).and_then(|t| {
                call(
                    ctx,
                    &format!("tagging IAM Service-Linked Role ({name})"),
                    ctx.iam.tag_role().role_name(&name).set_tags(Some(t)).send(),
                )
                .map(|_| ())
            })
        };
        let state = match self.fetch(ctx, &name, planned) {
            Ok(Some(s)) => s,
            _ => self.state(ctx, &role, planned),
        };
        ApplyOutcome::from_parts(Some(state), tagged.err())
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(prior, "name") else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating IAM Service-Linked Role: the state has no name"),
            );
        };
        let result = (|| {
            if planned.get("description").deep_unmark() != prior.get("description").deep_unmark() {
                call(
                    ctx,
                    &format!("updating IAM Service-Linked Role ({name})"),
                    ctx.iam
                        .update_role()
                        .role_name(name)
                        .description(sref(planned, "description").unwrap_or(""))
                        .send(),
                )?;
            }
            Tagged::Role(name).sync(ctx, prior, planned)
        })();
        match (self.fetch(ctx, name, planned), result) {
            (Ok(Some(s)), r) => ApplyOutcome::from_parts(Some(s), r.err()),
            (Ok(None), _) => ApplyOutcome::failed(ProviderError::new(
                "NotFound",
                format!("updating IAM Service-Linked Role ({name}): the role no longer exists"),
            )),
            (Err(e), Ok(())) => ApplyOutcome::partial(prior.clone(), e),
            (Err(_), Err(e)) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "arn").and_then(name_from_arn)) else {
            return Ok(());
        };
        if prior.get("adopted").as_bool() == Some(true) {
            // It was there before infinstor managed it; other deployments may rely on it.
            (step.progress)(&format!(
                "IAM Service-Linked Role {name} was adopted, not created: forgotten, not deleted"
            ));
            return Ok(());
        }
        let op = format!("deleting IAM Service-Linked Role ({name})");
        let task = match call(ctx, &op, ctx.iam.delete_service_linked_role().role_name(name).send()) {
            Ok(out) => out.deletion_task_id().to_string(),
            Err(e) if is_not_found(&e.code) => return Ok(()),
            Err(e) => return Err(e),
        };
        let show = |status: &str| (step.progress)(&format!("deletion task is {status}; waiting for IAM"));
        let waited = Waiter::new(op.clone(), DELETE_TIMEOUT)
            .delays(Duration::from_secs(1), Duration::from_secs(5))
            .progress(&show)
            .timeout_message(|_| format!(
                        "{op}: the deletion task {task} did not finish in {} minutes",
                        DELETE_TIMEOUT.as_secs() / 60
                    ))
            .wait(|| {
                let out = call(
                    ctx,
                    &op,
                    ctx.iam
                        .get_service_linked_role_deletion_status()
                        .deletion_task_id(&task)
                        .send(),
                )?;
                match out.status() {
                    DeletionTaskStatusType::Succeeded => Ok(Poll::Ready(())),
                    DeletionTaskStatusType::Failed => {
                        let reason = out.reason();
                        let why = reason.and_then(|r| r.reason()).unwrap_or("IAM gave no reason");
                        let users: Vec<String> = reason
                            .map(|r| {
                                r.role_usage_list()
                                    .iter()
                                    .map(|u| format!("{}: {}", u.region().unwrap_or("?"), u.resources().join(", ")))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let used = if users.is_empty() {
                            String::new()
                        } else {
                            format!("\nResources still using the role: {}", users.join("; "))
                        };
                        Err(ProviderError::new(
                            "DeletionFailed",
                            format!(
                                "{op}: {why}{used}\nDelete or reconfigure those resources first, then destroy the role again."
                            ),
                        ))
                    }
                    other => Ok(Poll::Pending(other.as_str().to_string())),
                }
            });
        waited
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "arn").and_then(name_from_arn)) else {
            return Ok(None);
        };
        self.fetch(ctx, name, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if id.starts_with("arn:") {
            let Some(name) = name_from_arn(id) else {
                return Err(ProviderError::new(
                    "InvalidImportId",
                    format!("importing IAM Service-Linked Role: {id:?} is not a role ARN"),
                ));
            };
            return self.fetch(ctx, name, &Value::Null);
        }
        // SERVICE or SERVICE:SUFFIX, as recorded by an interrupted create.
        let (service, suffix) = match id.split_once(':') {
            Some((s, x)) => (s, Some(x)),
            None => (id, None),
        };
        if !service.ends_with(".amazonaws.com") {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "importing IAM Service-Linked Role: {id:?} is not a role ARN \
                     (arn:aws:iam::123456789012:role/aws-service-role/SERVICE/NAME)"
                ),
            ));
        }
        Ok(self
            .find(ctx, service, suffix)?
            .map(|role| self.state(ctx, &role, &Value::Null)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_arns_and_paths() {
        assert_eq!(
            name_from_arn("arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling_x"),
            Some("AWSServiceRoleForAutoScaling_x")
        );
        assert_eq!(name_from_arn("arn:aws:iam::123456789012:policy/p"), None);
        assert_eq!(
            service_and_suffix(
                "/aws-service-role/autoscaling.amazonaws.com/",
                "AWSServiceRoleForAutoScaling_x"
            ),
            (Some("autoscaling.amazonaws.com".to_string()), Some("x".to_string()))
        );
        assert_eq!(
            service_and_suffix(
                "/aws-service-role/autoscaling.amazonaws.com/",
                "AWSServiceRoleForAutoScaling"
            ),
            (Some("autoscaling.amazonaws.com".to_string()), None)
        );
    }
}

/// AWS's answer when the account has the service's role already ("Service role name ... has
/// been taken in this account"); some endpoints answer EntityAlreadyExists.
fn taken(e: &ProviderError) -> bool {
    (e.code == "InvalidInput" && e.message.contains("has been taken")) || e.code == "EntityAlreadyExists"
}
