//! Types whose AWS object is a map of named string attributes (SNS topics and subscriptions,
//! SQS queues): one table per type names each argument's AWS attribute, its kind and AWS's
//! default, and drives the schema, the plan's defaults, the create request, the read and the
//! update, so such a type is its table plus what is its own.

use crate::support::attrs::{default_to, State};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

/// How an attribute's text is read and written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// A string, as it is.
    Text,
    /// A whole number, written in decimal.
    Number,
    /// `true` or `false`.
    Flag,
    /// An IAM policy document, compared by meaning.
    Policy,
    /// A JSON document, compared by value.
    Json,
}

/// One argument of the type and the AWS attribute that holds it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    /// The argument's name (`visibility_timeout_seconds`).
    pub(crate) name: &'static str,
    /// The AWS attribute's name (`VisibilityTimeout`).
    pub(crate) aws: &'static str,
    /// How its text reads.
    pub(crate) kind: Kind,
    /// What AWS uses when it is not set (and the plan shows), as AWS writes it.
    pub(crate) default: Option<&'static str>,
    /// AWS decides it when not set (a policy AWS writes, a FIFO queue's scope).
    pub(crate) computed: bool,
    /// Changing it makes a new object.
    pub(crate) force_new: bool,
}

impl Field {
    /// An optional argument AWS leaves unset.
    pub(crate) const fn new(name: &'static str, aws: &'static str, kind: Kind) -> Field {
        Field {
            name,
            aws,
            kind,
            default: None,
            computed: false,
            force_new: false,
        }
    }

    /// With AWS's default.
    pub(crate) const fn default(mut self, text: &'static str) -> Field {
        self.default = Some(text);
        self.computed = true;
        self
    }

    /// Decided by AWS when not set.
    pub(crate) const fn computed(mut self) -> Field {
        self.computed = true;
        self
    }

    /// Changing it replaces the object.
    pub(crate) const fn force_new(mut self) -> Field {
        self.force_new = true;
        self
    }

    fn attribute(&self) -> Attribute {
        let ty = match self.kind {
            Kind::Number => Type::Number,
            Kind::Flag => Type::Bool,
            Kind::Text | Kind::Policy | Kind::Json => Type::String,
        };
        let mut a = if self.computed {
            Attribute::optional_computed(ty)
        } else {
            Attribute::optional(ty)
        };
        if self.force_new {
            a = a.force_new();
        }
        match self.kind {
            Kind::Policy => a.document(crate::support::policy::canonical),
            Kind::Json => a.json(),
            _ => a,
        }
    }

    /// The value AWS's text means.
    fn value(&self, text: &str) -> Value {
        match self.kind {
            Kind::Number => text.trim().parse::<i64>().map(Value::from).unwrap_or(Value::Null),
            Kind::Flag => Value::Bool(text.eq_ignore_ascii_case("true")),
            Kind::Text | Kind::Policy | Kind::Json => Value::string(text),
        }
    }

    /// The text AWS takes for a known value; `None` for null or unknown.
    fn text(&self, v: &Value) -> Option<String> {
        if v.is_null() || v.contains_unknown() {
            return None;
        }
        match (self.kind, v) {
            (Kind::Number, Value::Number(_)) => v.as_f64().map(|n| format!("{}", n as i64)),
            (Kind::Flag, Value::Bool(b)) => Some(b.to_string()),
            _ => v.as_str().map(str::to_string),
        }
    }

    /// Whether two texts of this attribute mean the same.
    fn same(&self, a: &str, b: &str) -> bool {
        match self.kind {
            Kind::Policy => crate::support::policy::equivalent(a, b),
            Kind::Json => crate::support::attrs::same_json(a, b),
            _ => self.value(a) == self.value(b),
        }
    }
}

/// The fields of a type.
pub(crate) struct Fields(pub(crate) &'static [Field]);

impl Fields {
    /// The schema with an attribute for each field.
    pub(crate) fn schema(&self, mut schema: Schema) -> Schema {
        for f in self.0 {
            schema = schema.attr(f.name, f.attribute());
        }
        schema
    }

    /// Fills each unset argument with AWS's default, as the plan shows it.
    pub(crate) fn plan_defaults(&self, st: &mut State) {
        for f in self.0 {
            if let Some(text) = f.default {
                default_to(st, f.name, f.value(text));
            }
        }
    }

    /// The AWS attributes of the known, set arguments of `planned` that `keep` accepts.
    pub(crate) fn to_aws(&self, planned: &Value, keep: impl Fn(&Field) -> bool) -> BTreeMap<String, String> {
        self.0
            .iter()
            .filter(|f| keep(f))
            .filter_map(|f| f.text(&planned.get(f.name)).map(|t| (f.aws.to_string(), t)))
            .collect()
    }

    /// Sets each field of `st` from AWS's attributes; a document that means what `prior` holds
    /// keeps the prior's text, and an attribute AWS leaves out is its default (or null).
    pub(crate) fn read(&self, aws: &BTreeMap<String, String>, prior: &Value, st: &mut State) {
        for f in self.0 {
            let value = match aws.get(f.aws) {
                Some(text) => match prior.get(f.name).as_str() {
                    Some(p) if matches!(f.kind, Kind::Policy | Kind::Json) && f.same(p, text) => Value::string(p),
                    _ => f.value(text),
                },
                None => f.default.map(|d| f.value(d)).unwrap_or(Value::Null),
            };
            st.insert(f.name.to_string(), value);
        }
    }

    /// The attributes an update sets (AWS attribute, text): each field `keep` accepts whose
    /// planned value differs from the prior one; an unset one goes back to its default, or to
    /// the empty text that clears it.
    pub(crate) fn changes(
        &self,
        prior: &Value,
        planned: &Value,
        keep: impl Fn(&Field) -> bool,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for f in self.0.iter().filter(|f| keep(f) && !f.force_new) {
            let new = planned.get(f.name);
            // What AWS decides stays as it is when the configuration leaves it out.
            if new.contains_unknown() || (new.is_null() && f.computed && f.default.is_none()) {
                continue;
            }
            let old = f.text(&prior.get(f.name));
            let new = f.text(&new);
            let differs = match (&old, &new) {
                (Some(a), Some(b)) => !f.same(a, b),
                (None, None) => false,
                _ => true,
            };
            if differs {
                let text = new.or_else(|| f.default.map(str::to_string)).unwrap_or_default();
                out.push((f.aws.to_string(), text));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::core::value::map;

    const FIELDS: Fields = Fields(&[
        Field::new("visibility_timeout_seconds", "VisibilityTimeout", Kind::Number).default("30"),
        Field::new("fifo_queue", "FifoQueue", Kind::Flag)
            .default("false")
            .force_new(),
        Field::new("policy", "Policy", Kind::Policy).computed(),
        Field::new("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    ]);

    #[test]
    fn defaults_reads_and_changes_follow_the_table() {
        let mut st = State::new();
        FIELDS.plan_defaults(&mut st);
        assert_eq!(st["visibility_timeout_seconds"], Value::from(30i64));
        assert_eq!(st["fifo_queue"], Value::Bool(false));
        assert!(!st.contains_key("policy"));

        let planned = map([
            ("visibility_timeout_seconds", Value::from(60i64)),
            ("kms_master_key_id", Value::from("alias/q")),
            ("fifo_queue", Value::Bool(false)),
        ]);
        let sent = FIELDS.to_aws(&planned, |_| true);
        assert_eq!(sent["VisibilityTimeout"], "60");
        assert_eq!(sent["FifoQueue"], "false");
        assert!(!sent.contains_key("Policy"));

        let prior_policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}"#;
        let aws: BTreeMap<String, String> = [
            ("VisibilityTimeout", "60"),
            (
                "Policy",
                r#"{"Statement":[{"Action":"sqs:SendMessage","Effect":"Allow","Principal":"*","Resource":"*"}],"Version":"2012-10-17"}"#,
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let mut read = State::new();
        FIELDS.read(&aws, &map([("policy", Value::from(prior_policy))]), &mut read);
        assert_eq!(
            read["policy"],
            Value::from(prior_policy),
            "the same policy keeps its text"
        );
        assert_eq!(read["fifo_queue"], Value::Bool(false), "absent: the default");
        assert_eq!(read["kms_master_key_id"], Value::Null);

        let prior = Value::Map(read.into());
        let changes = FIELDS.changes(&prior, &map([("visibility_timeout_seconds", Value::Null)]), |_| true);
        assert_eq!(changes, vec![("VisibilityTimeout".to_string(), "30".to_string())]);
        let cleared = FIELDS.changes(
            &map([("kms_master_key_id", Value::from("alias/q"))]),
            &map([("kms_master_key_id", Value::Null)]),
            |_| true,
        );
        assert_eq!(cleared, vec![("KmsMasterKeyId".to_string(), String::new())]);
    }
}
