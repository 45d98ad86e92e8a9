//! aws_ec2_managed_prefix_list: a named set of CIDR blocks that security group rules and
//! routes refer to by one ID.

use super::kit::{create_tags, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{block_items, call, created_outcome, finish, into_state, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ec2::types::{AddPrefixListEntry, ManagedPrefixList, RemovePrefixListEntry};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct PrefixList;

/// The entries of a value: CIDR block to description.
fn entries(v: &Value) -> BTreeMap<String, Option<String>> {
    block_items(v, "entry")
        .iter()
        .filter_map(|e| Some((sref(e, "cidr")?.to_string(), sref(e, "description").map(str::to_string))))
        .collect()
}

impl PrefixList {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<ManagedPrefixList>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Managed Prefix List ({id})"),
            ctx.ec2.describe_managed_prefix_lists().prefix_list_ids(id).send(),
        ))?;
        Ok(out
            .and_then(|o| o.prefix_lists().first().cloned())
            .filter(|l| l.state().map(|s| s.as_str()) != Some("delete-complete")))
    }

    fn state(&self, ctx: &Ctx, l: &ManagedPrefixList, prior: &Value) -> Result<Value, ProviderError> {
        let id = l.prefix_list_id().unwrap_or_default();
        let out = call(
            ctx,
            &format!("reading the entries of EC2 Managed Prefix List ({id})"),
            ctx.ec2.get_managed_prefix_list_entries().prefix_list_id(id).send(),
        )?;
        let items: Vec<Value> = out
            .entries()
            .iter()
            .map(|e| {
                map([
                    ("cidr", Value::from(e.cidr())),
                    ("description", Value::from(e.description().filter(|d| !d.is_empty()))),
                ])
            })
            .collect();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", l.prefix_list_arn());
        st.put("name", l.prefix_list_name());
        st.put("address_family", l.address_family());
        st.put("max_entries", l.max_entries().map(i64::from));
        st.put("version", l.version());
        st.put("owner_id", l.owner_id());
        st.put("entry", Value::from(items));
        put_tags(ctx, &mut st, prior, l.tags());
        Ok(finish(&self.schema(), st))
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match self.describe(ctx, id)? {
            Some(l) => self.state(ctx, &l, prior).map(Some),
            None => Ok(None),
        }
    }

    /// Waits for a create or change to settle; a failed one is an error with EC2's reason.
    fn settle(&self, ctx: &Ctx, id: &str, step: &Step<'_>) -> Result<(), ProviderError> {
        Waiter::new(
            format!("EC2 Managed Prefix List ({id}) to settle"),
            Duration::from_secs(300),
        )
        .progress(step.progress)
        .wait(|| {
            let Some(l) = self.describe(ctx, id)? else {
                return Ok(Poll::Pending("not visible yet".into()));
            };
            let state = l.state().map(|s| s.as_str().to_string()).unwrap_or_default();
            if state.ends_with("-failed") {
                return Err(ProviderError::new(
                    "PrefixListFailed",
                    format!(
                        "EC2 Managed Prefix List ({id}) is {state}: {}",
                        l.state_message().unwrap_or("EC2 gave no reason")
                    ),
                ));
            }
            Ok(if state.ends_with("-in-progress") {
                Poll::Pending(state)
            } else {
                Poll::Ready(())
            })
        })
    }
}

impl ResourceType for PrefixList {
    fn type_name(&self) -> &'static str {
        "aws_ec2_managed_prefix_list"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr(
                "address_family",
                Attribute::required(Type::String).force_new().one_of(&["IPv4", "IPv6"]),
            )
            .attr("max_entries", Attribute::required(Type::Number))
            .block(
                "entry",
                Nesting::Set,
                Schema::new()
                    .attr("cidr", Attribute::required(Type::String))
                    .attr("description", Attribute::optional(Type::String)),
            )
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::Number))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if config
            .get("name")
            .as_str()
            .is_some_and(|n| n.starts_with("com.amazonaws"))
        {
            out.push(problem(
                "name",
                "a prefix list's name cannot start with \"com.amazonaws\" (AWS's own lists use it)",
            ));
        }
        if let Some(max) = config.get("max_entries").as_f64() {
            if !(1.0..=1000.0).contains(&max) {
                out.push(problem("max_entries", "max_entries is from 1 to 1000"));
            }
            let n = block_items(config, "entry").len();
            if !config.get("entry").is_unknown() && n as f64 > max {
                out.push(problem(
                    "entry",
                    format!("{n} entries do not fit in max_entries = {max}"),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // Each change of the list makes a new version.
        let changed = prior.is_some_and(|p| {
            ["name", "max_entries"].iter().any(|k| p.get(k) != proposed.get(k))
                || proposed.get("entry").contains_unknown()
                || entries(p) != entries(&proposed)
        });
        if changed {
            st.insert("version".into(), Value::UNKNOWN);
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = sref(planned, "name").unwrap_or_default().to_string();
        let (spec, token) = create_tags(ctx, planned, aws_sdk_ec2::types::ResourceType::PrefixList, step, &name);
        (step.progress)(&format!("creating EC2 Managed Prefix List {name}"));
        let adds: Vec<AddPrefixListEntry> = entries(planned)
            .into_iter()
            .map(|(cidr, desc)| AddPrefixListEntry::builder().cidr(cidr).set_description(desc).build())
            .collect();
        let out = call(
            ctx,
            &format!("creating EC2 Managed Prefix List ({name})"),
            ctx.ec2
                .create_managed_prefix_list()
                .prefix_list_name(&name)
                .address_family(sref(planned, "address_family").unwrap_or("IPv4"))
                .max_entries(planned.get("max_entries").as_f64().unwrap_or(1.0) as i32)
                .set_entries((!adds.is_empty()).then_some(adds))
                .client_token(&token)
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.prefix_list().and_then(|l| l.prefix_list_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 Managed Prefix List", &name),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let read = self
            .settle(ctx, &id, step)
            .and_then(|()| self.read_id(ctx, &id, planned));
        created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
            ProviderError::new(
                "NotFound",
                format!("EC2 Managed Prefix List ({id}) is gone right after its create"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = (|| {
            let (old, new) = (entries(prior), entries(planned));
            let add = |items: Vec<(&String, &Option<String>)>| -> Vec<AddPrefixListEntry> {
                items
                    .into_iter()
                    .map(|(c, d)| AddPrefixListEntry::builder().cidr(c).set_description(d.clone()).build())
                    .collect()
            };
            // A new description of an entry that stays is a remove and then an add: EC2
            // changes no entry in place.
            let redescribed: Vec<(&String, &Option<String>)> = new
                .iter()
                .filter(|(c, d)| old.get(*c).is_some_and(|o| o != *d))
                .collect();
            let fresh = add(new.iter().filter(|(c, _)| !old.contains_key(*c)).collect());
            let removes: Vec<RemovePrefixListEntry> = old
                .keys()
                .filter(|c| !new.contains_key(*c) || redescribed.iter().any(|(r, _)| r == c))
                .map(|c| RemovePrefixListEntry::builder().cidr(c).build())
                .collect();
            // Without new descriptions everything goes in one call; with them, the removes go
            // first and every add after.
            let (adds, later_adds) = if redescribed.is_empty() {
                (fresh, Vec::new())
            } else {
                (Vec::new(), [fresh, add(redescribed)].concat())
            };
            let version =
                || -> Result<Option<i64>, ProviderError> { Ok(self.describe(ctx, &id)?.and_then(|l| l.version())) };
            // Every call names the list: a call without a name must not leave it without one.
            let name = sref(planned, "name").map(str::to_string);
            let max = planned.get("max_entries").as_f64().map(|m| m as i32);
            let grow = max > prior.get("max_entries").as_f64().map(|m| m as i32);
            // EC2 takes a new maximum in a call of its own: before the entries when it grows,
            // after them when it shrinks.
            let resize = |ctx: &Ctx| -> Result<(), ProviderError> {
                call(
                    ctx,
                    &format!("resizing EC2 Managed Prefix List ({id})"),
                    ctx.ec2
                        .modify_managed_prefix_list()
                        .prefix_list_id(&id)
                        .set_prefix_list_name(name.clone())
                        .set_max_entries(max)
                        .send(),
                )?;
                self.settle(ctx, &id, step)
            };
            let max_changed = prior.get("max_entries") != planned.get("max_entries");
            if max_changed && grow {
                resize(ctx)?;
            }
            let renamed = prior.get("name") != planned.get("name");
            if renamed || !adds.is_empty() || !removes.is_empty() {
                call(
                    ctx,
                    &format!("changing EC2 Managed Prefix List ({id})"),
                    ctx.ec2
                        .modify_managed_prefix_list()
                        .prefix_list_id(&id)
                        .set_current_version(if adds.is_empty() && removes.is_empty() {
                            None
                        } else {
                            version()?
                        })
                        .set_prefix_list_name(name.clone())
                        .set_add_entries((!adds.is_empty()).then_some(adds))
                        .set_remove_entries((!removes.is_empty()).then_some(removes))
                        .send(),
                )?;
                self.settle(ctx, &id, step)?;
            }
            if !later_adds.is_empty() {
                call(
                    ctx,
                    &format!("adding entries to EC2 Managed Prefix List ({id})"),
                    ctx.ec2
                        .modify_managed_prefix_list()
                        .prefix_list_id(&id)
                        .set_prefix_list_name(name.clone())
                        .set_current_version(version()?)
                        .set_add_entries(Some(later_adds))
                        .send(),
                )?;
                self.settle(ctx, &id, step)?;
            }
            if max_changed && !grow {
                resize(ctx)?;
            }
            update_tags(ctx, &id, "EC2 Managed Prefix List", prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 Managed Prefix List ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 Managed Prefix List {id}"));
        found(call(
            ctx,
            &format!("deleting EC2 Managed Prefix List ({id})"),
            ctx.ec2.delete_managed_prefix_list().prefix_list_id(id).send(),
        ))?;
        Waiter::new(
            format!("EC2 Managed Prefix List ({id}) to be deleted"),
            Duration::from_secs(300),
        )
        .progress(step.progress)
        .wait(|| match self.describe(ctx, id)? {
            None => Ok(Poll::Ready(())),
            Some(l) => Ok(Poll::Pending(
                l.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
            )),
        })
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the prefix list's ID (`pl-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 Managed Prefix List by its intent tag",
                ctx.ec2
                    .describe_managed_prefix_lists()
                    .filters(intent_filter(token))
                    .send(),
            )?;
            return match out.prefix_lists().first() {
                Some(l) => self.state(ctx, l, &Value::Null).map(Some),
                None => Ok(None),
            };
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
