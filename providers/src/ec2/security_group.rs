//! aws_security_group: a VPC security group and, when the configuration has `ingress` or
//! `egress` blocks, its rules. Without such blocks the rules are left to whoever manages them
//! (`aws_vpc_security_group_ingress_rule`, another tool), as in Terraform.

use super::kit::{arn, create_tags, flag, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use super::permission::{grants, grants_of, normalise, permission, rule_schema, rules_for, Grant};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{block_items, call, created_outcome, finish, into_state, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::naming::{check_names, name_for_create, prefix_of};
use crate::support::timeouts;
use crate::support::wait::Waiter;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeSet;
use std::time::Duration;

pub(super) struct SecurityGroup;

const DIRECTIONS: [&str; 2] = ["ingress", "egress"];

impl SecurityGroup {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::SecurityGroup>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Security Group ({id})"),
            ctx.ec2.describe_security_groups().group_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.security_groups().first().cloned()))
    }

    fn state(&self, ctx: &Ctx, g: &aws_sdk_ec2::types::SecurityGroup, prior: &Value) -> Value {
        let id = g.group_id().unwrap_or_default();
        let name = g.group_name().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", arn(ctx, g.owner_id(), "security-group", id));
        st.put("name", name);
        st.put(
            "name_prefix",
            prior
                .get("name_prefix")
                .as_str()
                .map(str::to_string)
                .or_else(|| prefix_of(name).map(str::to_string)),
        );
        st.put("description", g.description());
        st.put("vpc_id", g.vpc_id());
        st.put("owner_id", g.owner_id());
        st.put(
            "revoke_rules_on_delete",
            prior.get("revoke_rules_on_delete").as_bool().unwrap_or(false),
        );
        let read = [
            grants_of(g.ip_permissions(), id),
            grants_of(g.ip_permissions_egress(), id),
        ];
        for (direction, found) in DIRECTIONS.iter().zip(read) {
            st.put(
                direction,
                Value::List(rules_for(&found, &block_items(prior, direction), id).into()),
            );
        }
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, g.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|g| self.state(ctx, &g, prior)))
    }

    /// Revokes `gone` and authorizes `new` grants of one direction.
    fn change(
        &self,
        ctx: &Ctx,
        id: &str,
        direction: &str,
        gone: &[&Grant],
        new: &[&Grant],
    ) -> Result<(), ProviderError> {
        let ingress = direction == "ingress";
        if !gone.is_empty() {
            let perms = gone.iter().map(|g| permission(g, id)).collect();
            let op = format!("revoking {direction} rules of EC2 Security Group ({id})");
            let sent = if ingress {
                call(
                    ctx,
                    &op,
                    ctx.ec2
                        .revoke_security_group_ingress()
                        .group_id(id)
                        .set_ip_permissions(Some(perms))
                        .send(),
                )
                .map(|_| ())
            } else {
                call(
                    ctx,
                    &op,
                    ctx.ec2
                        .revoke_security_group_egress()
                        .group_id(id)
                        .set_ip_permissions(Some(perms))
                        .send(),
                )
                .map(|_| ())
            };
            found(sent)?;
        }
        if !new.is_empty() {
            let perms = new.iter().map(|g| permission(g, id)).collect();
            let op = format!("authorizing {direction} rules of EC2 Security Group ({id})");
            if ingress {
                call(
                    ctx,
                    &op,
                    ctx.ec2
                        .authorize_security_group_ingress()
                        .group_id(id)
                        .set_ip_permissions(Some(perms))
                        .send(),
                )?;
            } else {
                call(
                    ctx,
                    &op,
                    ctx.ec2
                        .authorize_security_group_egress()
                        .group_id(id)
                        .set_ip_permissions(Some(perms))
                        .send(),
                )?;
            }
        }
        Ok(())
    }

    /// Brings each direction's rules from `from` to `to`.
    fn sync_rules(&self, ctx: &Ctx, id: &str, from: &Value, to: &Value) -> Result<(), ProviderError> {
        for direction in DIRECTIONS {
            let have = grants(&block_items(from, direction), id);
            let want = grants(&block_items(to, direction), id);
            let gone: Vec<&Grant> = have.difference(&want).collect();
            let new: Vec<&Grant> = want.difference(&have).collect();
            self.change(ctx, id, direction, &gone, &new)?;
        }
        Ok(())
    }
}

/// The egress rule EC2 gives every new VPC group, which the AWS provider takes away so that a
/// group allows only what its configuration says.
fn default_egress() -> Value {
    let rule = engine::core::value::map([
        ("from_port", Value::from(0i64)),
        ("to_port", Value::from(0i64)),
        ("protocol", Value::from("-1")),
        ("cidr_blocks", Value::from(vec!["0.0.0.0/0"])),
    ]);
    engine::core::value::map([("egress", Value::List(vec![rule].into()))])
}

impl ResourceType for SecurityGroup {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(1)
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional_computed(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String).force_new())
            .attr("vpc_id", Attribute::optional_computed(Type::String).force_new())
            .attr("revoke_rules_on_delete", Attribute::optional(Type::Bool))
            .block("ingress", Nesting::Set, rule_schema())
            .block("egress", Nesting::Set, rule_schema())
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .timeouts(&["create", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        out.extend(check_names(config, 255));
        if config.get("name").as_str().is_some_and(|n| n.starts_with("sg-")) {
            out.push(problem("name", "a security group's name cannot start with \"sg-\""));
        }
        if config.get("description").as_str() == Some("") {
            out.push(problem(
                "description",
                "description cannot be empty: remove it for \"Managed by Terraform\", or write one",
            ));
        }
        for direction in DIRECTIONS {
            for rule in block_items(config, direction) {
                if rule.contains_unknown() {
                    continue;
                }
                let r = normalise(&rule);
                let sources = ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"]
                    .iter()
                    .any(|k| r.get(k).as_list().is_some_and(|l| !l.is_empty()))
                    || r.get("self").as_bool() == Some(true);
                if !sources {
                    out.push(problem(
                        direction,
                        format!("each {direction} block needs one of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, security_groups or self = true"),
                    ));
                }
                let all = r.get("protocol").as_str() == Some("-1");
                let zero = r.get("from_port").as_f64() == Some(0.0) && r.get("to_port").as_f64() == Some(0.0);
                if all && !zero {
                    out.push(problem(
                        direction,
                        format!("an {direction} rule with protocol \"-1\" (all) covers every port: write from_port = 0 and to_port = 0"),
                    ));
                }
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st.get("description").is_none_or(Value::is_null) {
            st.put("description", "Managed by Terraform");
        }
        if st.get("revoke_rules_on_delete").is_none_or(Value::is_null) {
            st.put("revoke_rules_on_delete", false);
        }
        for direction in DIRECTIONS {
            let rules = block_items(&proposed, direction);
            match prior {
                // Without blocks, the rules are not this resource's to manage.
                Some(p) if rules.is_empty() && !proposed.get(direction).is_unknown() => {
                    st.insert(direction.into(), p.get(direction));
                }
                _ if proposed.get(direction).is_unknown() => {}
                _ => {
                    let rules: Vec<Value> = rules.iter().map(normalise).collect();
                    st.insert(direction.into(), Value::List(rules.into()));
                }
            }
        }
        if prior.is_none() && sref(&proposed, "name").is_some() && st.get("name_prefix").is_none_or(Value::is_unknown) {
            st.insert("name_prefix".into(), Value::Null);
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = name_for_create(planned);
        let (spec, _) = create_tags(
            ctx,
            planned,
            aws_sdk_ec2::types::ResourceType::SecurityGroup,
            step,
            &name,
        );
        (step.progress)(&format!("creating EC2 Security Group {name}"));
        let out = call(
            ctx,
            &format!("creating EC2 Security Group ({name})"),
            ctx.ec2
                .create_security_group()
                .group_name(&name)
                .description(sref(planned, "description").unwrap_or("Managed by Terraform"))
                .set_vpc_id(sref(planned, "vpc_id").map(str::to_string))
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.group_id().map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 Security Group", &name),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let ids = [("id", Value::string(&id)), ("name", Value::string(&name))];
        let limit = timeouts::limit(planned, "create", Duration::from_secs(600));
        // A group just made is not yet known to every EC2 endpoint.
        let settled = Waiter::new(format!("EC2 Security Group ({id}) to show"), limit)
            .retry(
                |e| e.code == "InvalidGroup.NotFound" || e.code == "NotFound",
                || match self.describe(ctx, &id)? {
                    Some(g) => Ok(g),
                    None => Err(ProviderError::new(
                        "NotFound",
                        format!("EC2 Security Group ({id}) is not visible yet"),
                    )),
                },
            )
            .and_then(|g| {
                let from = if g.vpc_id().is_some() {
                    default_egress()
                } else {
                    Value::Null
                };
                let mut to = into_state(planned);
                for direction in DIRECTIONS {
                    if to.get(direction).is_none_or(Value::is_unknown) {
                        to.insert(direction.into(), Value::List(Vec::new().into()));
                    }
                }
                self.sync_rules(ctx, &id, &from, &Value::Map(to.into()))
            });
        let read = settled.and_then(|()| self.read_id(ctx, &id, planned));
        created_outcome(&self.schema(), planned, &ids, read, || {
            ProviderError::new(
                "NotFound",
                format!("EC2 Security Group ({id}) is gone right after its create"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = self
            .sync_rules(ctx, &id, prior, planned)
            .and_then(|()| update_tags(ctx, &id, "EC2 Security Group", prior, planned));
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 Security Group ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 Security Group {id}"));
        if flag(prior, "revoke_rules_on_delete", false) {
            // Groups that name each other can only go once the rules between them have.
            if let Some(g) = self.describe(ctx, id)? {
                let ingress: BTreeSet<Grant> = grants_of(g.ip_permissions(), id);
                let egress: BTreeSet<Grant> = grants_of(g.ip_permissions_egress(), id);
                self.change(ctx, id, "ingress", &ingress.iter().collect::<Vec<_>>(), &[])?;
                self.change(ctx, id, "egress", &egress.iter().collect::<Vec<_>>(), &[])?;
            }
        }
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(900));
        super::kit::when_free(&format!("EC2 Security Group ({id})"), limit, || {
            found(call(
                ctx,
                &format!("deleting EC2 Security Group ({id})"),
                ctx.ec2.delete_security_group().group_id(id).send(),
            ))
        })
        .map(|_| ())
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the group's ID (`sg-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 Security Group by its intent tag",
                ctx.ec2.describe_security_groups().filters(intent_filter(token)).send(),
            )?;
            return Ok(out.security_groups().first().map(|g| self.state(ctx, g, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::super::permission::Source;
    use super::*;

    #[test]
    fn the_default_egress_rule_is_one_grant_to_everywhere() {
        let g = grants(&block_items(&default_egress(), "egress"), "sg-1");
        assert_eq!(g.len(), 1);
        let only = g.iter().next().map(|g| (g.protocol.clone(), g.source.clone()));
        assert_eq!(only, Some(("-1".to_string(), Source::Cidr("0.0.0.0/0".into()))));
    }
}
