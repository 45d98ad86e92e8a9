//! Who is in an IAM group: aws_iam_group_membership (every user of one group: exclusive, as in
//! Terraform, so a user added elsewhere is a change) and aws_iam_user_group_membership (some
//! groups of one user, leaving the user's other groups alone).

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, finish, into_state, problem, set_of_strings, set_value, sref, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::naming::prefixed_unique_id;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

fn add(ctx: &Ctx, user: &str, group: &str) -> Result<(), ProviderError> {
    call(
        ctx,
        &format!("adding IAM User ({user}) to IAM Group ({group})"),
        ctx.iam.add_user_to_group().user_name(user).group_name(group).send(),
    )
    .map(|_| ())
}

fn remove(ctx: &Ctx, user: &str, group: &str) -> Result<(), ProviderError> {
    found(call(
        ctx,
        &format!("removing IAM User ({user}) from IAM Group ({group})"),
        ctx.iam
            .remove_user_from_group()
            .user_name(user)
            .group_name(group)
            .send(),
    ))
    .map(|_| ())
}

/// The users of a group; `None` when the group is gone.
fn users_of(ctx: &Ctx, group: &str) -> Result<Option<Vec<String>>, ProviderError> {
    let mut users = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = found(call(
            ctx,
            &format!("reading IAM Group ({group})"),
            ctx.iam.get_group().group_name(group).set_marker(marker.clone()).send(),
        ))?;
        let Some(out) = out else { return Ok(None) };
        users.extend(out.users().iter().map(|u| u.user_name().to_string()));
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    users.sort();
    Ok(Some(users))
}

/// The groups of a user; `None` when the user is gone.
fn groups_of(ctx: &Ctx, user: &str) -> Result<Option<Vec<String>>, ProviderError> {
    let mut groups = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let out = found(call(
            ctx,
            &format!("listing the groups of IAM User ({user})"),
            ctx.iam
                .list_groups_for_user()
                .user_name(user)
                .set_marker(marker.clone())
                .send(),
        ))?;
        let Some(out) = out else { return Ok(None) };
        groups.extend(out.groups().iter().map(|g| g.group_name().to_string()));
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => break,
        }
    }
    Ok(Some(groups))
}

/// `aws_iam_group_membership`.
pub(super) struct GroupMembership;

impl GroupMembership {
    fn read_group(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(group) = sref(prior, "group") else {
            return Ok(None);
        };
        let Some(users) = users_of(ctx, group)? else {
            return Ok(None);
        };
        let mut st = State::new();
        st.insert("name".into(), prior.get("name"));
        st.insert("id".into(), prior.get("name"));
        st.put("group", group);
        st.put("users", set_value(&users));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl GroupMembership {
    /// The state after a create or update: the users it set, when the group has them all. A
    /// user another resource adds at the same moment is for the next plan to show, not a
    /// result that differs from this one's plan.
    fn applied(&self, ctx: &Ctx, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let read = self.read_group(ctx, planned)?;
        Ok(read.map(|state| {
            let (have, want) = (string_set(&state.get("users")), string_set(&planned.get("users")));
            if want.iter().all(|u| have.contains(u)) {
                let mut st = into_state(&state);
                st.put("users", set_value(&want));
                Value::Map(st.into())
            } else {
                state
            }
        }))
    }
}

impl ResourceType for GroupMembership {
    fn type_name(&self) -> &'static str {
        "aws_iam_group_membership"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("group", Attribute::required(Type::String).force_new())
            .attr("users", Attribute::required(set_of_strings()))
            .attr("id", Attribute::computed(Type::String))
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.insert("id".into(), proposed.get("name"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(group) = sref(planned, "group") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidConfiguration",
                "the membership has no group",
            ));
        };
        (step.intent)(sref(planned, "name").unwrap_or(group));
        (step.progress)(&format!("adding users to IAM Group {group}"));
        let added = string_set(&planned.get("users"))
            .iter()
            .try_for_each(|u| add(ctx, u, group));
        match (added, self.applied(ctx, planned)) {
            (Ok(()), Ok(Some(state))) => ApplyOutcome::Done(state),
            (Ok(()), Ok(None)) => ApplyOutcome::failed(ProviderError::new(
                "NoSuchEntity",
                format!("IAM Group ({group}) is gone right after users were added to it"),
            )),
            (Err(e), Ok(Some(state))) => ApplyOutcome::partial(state, e),
            (Err(e), _) | (Ok(()), Err(e)) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(group) = sref(prior, "group") else {
            return ApplyOutcome::Done(prior.clone());
        };
        let (old, new) = (string_set(&prior.get("users")), string_set(&planned.get("users")));
        let result = new
            .iter()
            .filter(|u| !old.contains(u))
            .try_for_each(|u| add(ctx, u, group))
            .and_then(|()| {
                old.iter()
                    .filter(|u| !new.contains(u))
                    .try_for_each(|u| remove(ctx, u, group))
            });
        update_outcome(prior, result, self.applied(ctx, planned), || {
            ProviderError::new("NoSuchEntity", format!("IAM Group ({group}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(group) = sref(prior, "group") else {
            return Ok(());
        };
        (step.progress)(&format!("removing users from IAM Group {group}"));
        string_set(&prior.get("users"))
            .iter()
            .try_for_each(|u| remove(ctx, u, group))
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        self.read_group(ctx, prior)
    }

    /// Not importable, as in the AWS provider.
    fn import(&self, _ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Err(ProviderError::new(
            "ImportNotSupported",
            format!("aws_iam_group_membership cannot be imported ({id}), as in the AWS provider: declare it and apply, which adds the users the group does not have yet"),
        ))
    }
}

/// `aws_iam_user_group_membership`.
pub(super) struct UserGroupMembership;

impl UserGroupMembership {
    /// The user's groups among `mine` (the others are not this resource's).
    fn read_user(&self, ctx: &Ctx, user: &str, mine: &[String], id: Value) -> Result<Option<Value>, ProviderError> {
        let Some(groups) = groups_of(ctx, user)? else {
            return Ok(None);
        };
        let kept: Vec<&String> = groups.iter().filter(|g| mine.contains(g)).collect();
        let mut st = State::new();
        st.put("user", user);
        st.put("groups", set_value(&kept));
        st.insert("id".into(), id);
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for UserGroupMembership {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_group_membership"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user", Attribute::required(Type::String).force_new())
            .attr("groups", Attribute::required(set_of_strings()))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        if config.get("groups").as_list().is_some_and(<[Value]>::is_empty) {
            return vec![problem("groups", "groups needs at least one group")];
        }
        Vec::new()
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        if prior.is_some() {
            return Ok((proposed, Vec::new()));
        }
        // Terraform's ID is a unique one made at the create.
        let mut st = into_state(&proposed);
        st.insert("id".into(), Value::UNKNOWN);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(user) = sref(planned, "user") else {
            return ApplyOutcome::failed(ProviderError::new("InvalidConfiguration", "the membership has no user"));
        };
        let groups = string_set(&planned.get("groups"));
        // The import ID finds what an interrupted create did.
        (step.intent)(
            &std::iter::once(user.to_string())
                .chain(groups.iter().cloned())
                .collect::<Vec<_>>()
                .join("/"),
        );
        let id = prefixed_unique_id("terraform-");
        (step.progress)(&format!("adding IAM User {user} to its groups"));
        let added = groups.iter().try_for_each(|g| add(ctx, user, g));
        match (added, self.read_user(ctx, user, &groups, Value::string(&id))) {
            (Ok(()), Ok(Some(state))) => ApplyOutcome::Done(state),
            (Ok(()), Ok(None)) => ApplyOutcome::failed(ProviderError::new(
                "NoSuchEntity",
                format!("IAM User ({user}) is gone right after it was added to its groups"),
            )),
            (Err(e), Ok(Some(state))) => ApplyOutcome::partial(state, e),
            (Err(e), _) | (Ok(()), Err(e)) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(user) = sref(prior, "user") else {
            return ApplyOutcome::Done(prior.clone());
        };
        let (old, new) = (string_set(&prior.get("groups")), string_set(&planned.get("groups")));
        let result = new
            .iter()
            .filter(|g| !old.contains(g))
            .try_for_each(|g| add(ctx, user, g))
            .and_then(|()| {
                old.iter()
                    .filter(|g| !new.contains(g))
                    .try_for_each(|g| remove(ctx, user, g))
            });
        update_outcome(prior, result, self.read_user(ctx, user, &new, prior.get("id")), || {
            ProviderError::new("NoSuchEntity", format!("IAM User ({user}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(user) = sref(prior, "user") else { return Ok(()) };
        (step.progress)(&format!("removing IAM User {user} from its groups"));
        string_set(&prior.get("groups"))
            .iter()
            .try_for_each(|g| remove(ctx, user, g))
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(user) = sref(prior, "user") else {
            return Ok(None);
        };
        self.read_user(ctx, user, &string_set(&prior.get("groups")), prior.get("id"))
    }

    /// Import ID: `USER/GROUP1/GROUP2...`, the groups this resource is to hold (the state's ID
    /// is a new unique one, as in the AWS provider).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let mut parts = id.split('/');
        let (Some(user), groups) = (
            parts.next().filter(|u| !u.is_empty()),
            parts.map(str::to_string).collect::<Vec<_>>(),
        ) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_iam_user_group_membership: write it as USER/GROUP1/GROUP2"),
            ));
        };
        if groups.is_empty() {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_iam_user_group_membership: name at least one group after the user (USER/GROUP1)"),
            ));
        }
        self.read_user(ctx, user, &groups, Value::string(prefixed_unique_id("terraform-")))
    }
}
