//! Resource and data source schemas.
//!
//! Validation, diffing and rendering are driven by the schema of a type, never by special cases
//! on type names: a provider declares which attributes are required, computed, force a
//! replacement, are sensitive, or hold JSON documents that must be compared semantically (and,
//! for documents such as IAM policies, by the provider's own rules: [`Canonical`]).

use std::collections::BTreeMap;

/// A provider's canonical form of a kind of document (IAM policies: statements as lists,
/// actions sorted, ...), so that two documents that mean the same are equal; `None` when the
/// text is not such a document.
#[derive(Clone, Copy)]
pub struct Canonical(pub fn(&str) -> Option<serde_json::Value>);

impl std::fmt::Debug for Canonical {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Canonical")
    }
}

impl PartialEq for Canonical {
    fn eq(&self, other: &Canonical) -> bool {
        // The same function, by address: schemas compare equal when built from the same code.
        self.0 as usize == other.0 as usize
    }
}

pub use crate::core::types::Type;

/// One attribute of a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// The value type.
    pub ty: Type,
    /// Must be set in configuration.
    pub required: bool,
    /// May be set in configuration.
    pub optional: bool,
    /// Set by the provider (when also optional: defaulted by the provider if not configured).
    pub computed: bool,
    /// A change of this attribute replaces the object.
    pub force_new: bool,
    /// The value is hidden in all output.
    pub sensitive: bool,
    /// The value is a JSON document, compared and shown by meaning rather than by text.
    pub json: bool,
    /// The provider's canonical form for this document (see [`Attribute::document`]); without
    /// one, a JSON document's canonical form is the JSON with its object keys sorted.
    pub canonical: Option<Canonical>,
    /// State keeps only a digest of this secret (see [`Attribute::stored_as_digest`]); a
    /// value and its digest compare equal.
    pub digest: Option<Digest>,
    /// The only values the attribute takes (for a list or set of strings: its elements), checked
    /// without calling the provider, so `validate` reports them (see [`Attribute::one_of`]).
    pub one_of: Option<&'static [&'static str]>,
    /// A one-line description, used in diagnostics.
    pub description: &'static str,
    /// Sent to the provider when the object is created or updated, never planned, shown or
    /// recorded (see [`Attribute::write_only`]).
    pub write_only: bool,
}

impl Attribute {
    fn new(ty: Type) -> Attribute {
        Attribute {
            ty,
            required: false,
            optional: false,
            computed: false,
            force_new: false,
            sensitive: false,
            json: false,
            canonical: None,
            digest: None,
            one_of: None,
            description: "",
            write_only: false,
        }
    }

    /// A required attribute.
    pub fn required(ty: Type) -> Attribute {
        Attribute {
            required: true,
            ..Attribute::new(ty)
        }
    }

    /// An optional attribute.
    pub fn optional(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            ..Attribute::new(ty)
        }
    }

    /// An optional attribute the provider fills in when it is not configured.
    pub fn optional_computed(ty: Type) -> Attribute {
        Attribute {
            optional: true,
            computed: true,
            ..Attribute::new(ty)
        }
    }

    /// A read-only attribute set by the provider.
    pub fn computed(ty: Type) -> Attribute {
        Attribute {
            computed: true,
            ..Attribute::new(ty)
        }
    }

    /// Marks the attribute as forcing replacement.
    pub fn force_new(mut self) -> Attribute {
        self.force_new = true;
        self
    }

    /// Marks the attribute as sensitive.
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Marks the attribute as a JSON document.
    pub fn json(mut self) -> Attribute {
        self.json = true;
        self
    }

    /// Marks the attribute as a document that the provider puts into canonical form, and
    /// whose changes it reviews ([`crate::core::provider::ProviderFactory::review`]).
    pub fn document(mut self, canonical: fn(&str) -> Option<serde_json::Value>) -> Attribute {
        self.json = true;
        self.canonical = Some(Canonical(canonical));
        self
    }

    /// Restricts the attribute to `values` (case-sensitive, as the AWS APIs take them); another
    /// known value is an error at its expression, with the closest allowed value suggested.
    pub fn one_of(mut self, values: &'static [&'static str]) -> Attribute {
        self.one_of = Some(values);
        self
    }

    /// Marks a write-only argument (Terraform's `WriteOnly`, such as `secret_string_wo`): its
    /// value goes from the configuration, evaluated at apply, to the provider's create or
    /// update and nowhere else. Plans, plan files and state hold `null`, so changing the value
    /// alone changes nothing; a companion `*_wo_version` argument says when to send it again.
    /// Only top-level attributes are write-only (as in every AWS type that has one).
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }

    /// Marks a secret that state records only as a digest, never in clear: `digest` maps a
    /// value, or a digest already taken, to the digest; the planned clear value and the
    /// recorded digest are then the same value.
    pub fn stored_as_digest(mut self, digest: fn(&str) -> String) -> Attribute {
        self.digest = Some(Digest(digest));
        self
    }
}

/// A provider's digest of a secret attribute (see [`Attribute::stored_as_digest`]).
#[derive(Clone, Copy)]
pub struct Digest(pub fn(&str) -> String);

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Digest")
    }
}

impl PartialEq for Digest {
    fn eq(&self, other: &Digest) -> bool {
        self.0 as usize == other.0 as usize
    }
}

/// How a nested block repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one block (stored as a list of zero or one element, like Terraform's MaxItems=1).
    Single,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
}

/// A nested block type (`rule { ... }`).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockType {
    /// How the block repeats.
    pub nesting: Nesting,
    /// The block's own attributes and blocks.
    pub schema: Schema,
    /// At least this many blocks are required.
    pub min_items: usize,
    /// A change inside the block replaces the object.
    pub force_new: bool,
    /// State records the block as an object (or `null`), not as a list of one: Terraform's
    /// `timeouts` block is nested singly, where the AWS provider's other one-block kinds are
    /// lists of at most one.
    pub object_in_state: bool,
}

/// The schema of a resource type, data source type, or nested block.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Attributes by name.
    pub attributes: BTreeMap<String, Attribute>,
    /// Nested block types by name.
    pub blocks: BTreeMap<String, BlockType>,
    /// Arguments and blocks Terraform has here that infinstor does not support yet, with what
    /// to do instead: using one is an error that says so, not "not expected here".
    pub not_yet: BTreeMap<String, &'static str>,
    /// The version of this schema that state records (`schema_version`): the AWS provider's
    /// own for the type, so that states Terraform wrote read as the same version.
    pub version: u64,
}

impl Schema {
    /// An empty schema.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Gives an object of this schema (as a provider or the state wrote it) the collection
    /// kinds Terraform's schema types give it: list and set attributes and blocks, maps. What
    /// expressions read of a resource then has the types Terraform's would.
    pub fn give_kinds(&self, v: &mut crate::core::value::Value) {
        use crate::core::value::{SeqKind, Value};
        let v = match v {
            Value::Sensitive(inner) => inner.as_mut(),
            other => other,
        };
        let Value::Map(m) = v else {
            return;
        };
        for (k, item) in m.iter_mut() {
            if let Some(a) = self.attributes.get(k) {
                a.ty.give_kinds(item);
            } else if let Some(b) = self.blocks.get(k) {
                if let Value::List(seq) = item {
                    seq.kind = if b.nesting == Nesting::Set {
                        SeqKind::Set
                    } else {
                        SeqKind::List
                    };
                    seq.iter_mut().for_each(|o| b.schema.give_kinds(o));
                }
            }
        }
    }

    /// Sets the schema version state records (the AWS provider's `SchemaVersion` for the type).
    pub fn version(mut self, version: u64) -> Schema {
        self.version = version;
        self
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: &str, attribute: Attribute) -> Schema {
        self.attributes.insert(name.to_string(), attribute);
        self
    }

    /// Adds a nested block type.
    pub fn block(self, name: &str, nesting: Nesting, schema: Schema) -> Schema {
        self.with_block(name, nesting, schema, 0, false)
    }

    /// Adds a nested block type that must appear at least `min_items` times.
    pub fn block_min(self, name: &str, nesting: Nesting, schema: Schema, min_items: usize) -> Schema {
        self.with_block(name, nesting, schema, min_items, false)
    }

    /// Adds a nested block type whose changes force replacement.
    pub fn block_force_new(self, name: &str, nesting: Nesting, schema: Schema) -> Schema {
        self.with_block(name, nesting, schema, 0, true)
    }

    /// Adds the `timeouts` block with these operations, recorded in state as Terraform does.
    pub fn timeouts(self, operations: &[&str]) -> Schema {
        let schema = operations
            .iter()
            .fold(Schema::new(), |s, op| s.attr(op, Attribute::optional(Type::String)));
        let mut out = self.with_block("timeouts", Nesting::Single, schema, 0, false);
        if let Some(b) = out.blocks.get_mut("timeouts") {
            b.object_in_state = true;
        }
        out
    }

    fn with_block(mut self, name: &str, nesting: Nesting, schema: Schema, min_items: usize, force_new: bool) -> Schema {
        self.blocks.insert(
            name.to_string(),
            BlockType {
                nesting,
                schema,
                min_items,
                force_new,
                object_in_state: false,
            },
        );
        self
    }

    /// Declares an argument or block Terraform has here that infinstor does not support yet;
    /// `instead` tells the user what to do.
    pub fn not_yet(mut self, name: &str, instead: &'static str) -> Schema {
        self.not_yet.insert(name.to_string(), instead);
        self
    }

    /// The write-only attributes' names.
    pub fn write_only_names(&self) -> impl Iterator<Item = &str> {
        self.attributes
            .iter()
            .filter(|(_, a)| a.write_only)
            .map(|(k, _)| k.as_str())
    }

    /// `object` with every write-only attribute `null` (marked, when the attribute is
    /// sensitive, as Terraform's plan marks it): what plans and state hold.
    pub fn without_write_only(&self, object: crate::core::value::Value) -> crate::core::value::Value {
        use crate::core::value::Value;
        match object {
            Value::Map(mut m) => {
                for (name, a) in self.attributes.iter().filter(|(_, a)| a.write_only) {
                    if let Some(v) = m.get_mut(name) {
                        *v = Value::Null.mark_if(a.sensitive);
                    }
                }
                Value::Map(m)
            }
            other => other,
        }
    }

    /// `planned` with the write-only attributes `config` sets: what the provider's create or
    /// update is sent, and only it.
    pub fn with_write_only(
        &self,
        planned: &crate::core::value::Value,
        config: &crate::core::value::Value,
    ) -> crate::core::value::Value {
        use crate::core::value::Value;
        let mut out = planned.clone();
        if let Value::Map(m) = &mut out {
            for name in self.write_only_names() {
                m.insert(name.to_string(), config.get(name));
            }
        }
        out
    }

    /// Names of every attribute and block, for "did you mean" suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.attributes.keys().chain(self.blocks.keys()).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::shape::Shape;
    use crate::core::value::shape_of;
    use crate::core::value::{map, Value};

    #[test]
    fn a_providers_object_takes_the_kinds_of_its_schema() {
        let rule = Schema::new().attr("id", Attribute::optional(Type::String));
        let schema = Schema::new()
            .attr("names", Attribute::optional(Type::List(Box::new(Type::String))))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .block("rule", Nesting::Set, rule);
        let mut v = map([
            ("names", Value::from(Vec::<Value>::new())),
            ("tags", map([("a", Value::from("b"))])),
            ("rule", Value::from(vec![map([("id", Value::from("x"))])])),
        ]);
        schema.give_kinds(&mut v);
        let Shape::Object(attrs) = shape_of(&v) else {
            panic!("an object: {v:?}");
        };
        assert_eq!(attrs["names"], Shape::List(Box::new(Shape::String)));
        assert_eq!(attrs["tags"], Shape::Map(Box::new(Shape::String)));
        let id = Shape::Object(BTreeMap::from([("id".to_string(), Shape::String)]));
        assert_eq!(attrs["rule"], Shape::Set(Box::new(id)));
    }
}
