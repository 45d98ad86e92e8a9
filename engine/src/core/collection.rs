//! The two collection shapes a [`Value`](super::value::Value) holds, each with the kind of
//! collection Terraform would say it is: a sequence is a tuple, a list or a set; a mapping is an
//! object or a map. The kind is what `type(...)` shows, what the language's `==` compares beside
//! the elements, and what later conversions start from; the elements are the same either way.
//!
//! Rust's `==` on these ignores the kind on purpose: the planner compares what a provider stored
//! with what the configuration says, and Terraform converts both to the schema's type before it
//! compares them, so `[1]` and `tolist([1])` are the same attribute value. The language's
//! type-aware equality lives with the operators.

use super::shape::{Element, Shape};
use super::value::Value;
use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

/// Which kind of sequence a [`Seq`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SeqKind {
    /// A literal's kind (`[1, "a"]`): each element keeps its own type.
    #[default]
    Tuple,
    /// Elements of one type, in order.
    List,
    /// Elements of one type, without duplicates, in Terraform's set order.
    Set,
}

/// Which kind of mapping a [`Mapping`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum MappingKind {
    /// A literal's kind (`{a = 1}`): each attribute keeps its own type.
    #[default]
    Object,
    /// Values of one type under string keys.
    Map,
}

/// A tuple, list or set of values.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Seq {
    /// Tuple unless a conversion, a function or a type constraint said otherwise.
    #[serde(default, skip_serializing_if = "is_tuple")]
    pub kind: SeqKind,
    /// The elements.
    pub items: Vec<Value>,
    /// A list's or set's element type while it has no elements to show it (`range(0)` is a
    /// list of numbers); elements, when there are any, say it themselves.
    #[serde(skip)]
    pub element: Element,
}

/// An object or map of values, ordered by key so that rendering is deterministic.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Mapping {
    /// Object unless a conversion, a function or a type constraint said otherwise.
    #[serde(default, skip_serializing_if = "is_object")]
    pub kind: MappingKind,
    /// The entries.
    pub entries: BTreeMap<String, Value>,
    /// A map's value type while it has no entries to show it.
    #[serde(skip)]
    pub element: Element,
}

fn is_tuple(k: &SeqKind) -> bool {
    *k == SeqKind::Tuple
}

fn is_object(k: &MappingKind) -> bool {
    *k == MappingKind::Object
}

impl Seq {
    /// A sequence of `kind`.
    pub fn new(kind: SeqKind, items: Vec<Value>) -> Seq {
        Seq {
            kind,
            items,
            element: Element::DYNAMIC,
        }
    }

    /// The same, saying what type its elements have when it has none.
    pub fn of(mut self, element: &Shape) -> Seq {
        self.element = Element::of(element);
        self
    }

    /// A list (elements of one type).
    pub fn list(items: Vec<Value>) -> Seq {
        Seq::new(SeqKind::List, items)
    }

    /// A set (the caller has made the elements distinct and ordered them).
    pub fn set(items: Vec<Value>) -> Seq {
        Seq::new(SeqKind::Set, items)
    }

    /// The elements, giving up the kind.
    pub fn into_vec(self) -> Vec<Value> {
        self.items
    }
}

impl Mapping {
    /// A mapping of `kind`.
    pub fn new(kind: MappingKind, entries: BTreeMap<String, Value>) -> Mapping {
        Mapping {
            kind,
            entries,
            element: Element::DYNAMIC,
        }
    }

    /// The same, saying what type its values have when it has none.
    pub fn of(mut self, element: &Shape) -> Mapping {
        self.element = Element::of(element);
        self
    }

    /// A map (values of one type).
    pub fn map(entries: BTreeMap<String, Value>) -> Mapping {
        Mapping::new(MappingKind::Map, entries)
    }

    /// The entries, giving up the kind.
    pub fn into_entries(self) -> BTreeMap<String, Value> {
        self.entries
    }
}

impl PartialEq for Seq {
    fn eq(&self, other: &Seq) -> bool {
        self.items == other.items
    }
}

impl PartialEq for Mapping {
    fn eq(&self, other: &Mapping) -> bool {
        self.entries == other.entries
    }
}

impl Deref for Seq {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.items
    }
}

impl DerefMut for Seq {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.items
    }
}

impl Deref for Mapping {
    type Target = BTreeMap<String, Value>;
    fn deref(&self) -> &BTreeMap<String, Value> {
        &self.entries
    }
}

impl DerefMut for Mapping {
    fn deref_mut(&mut self) -> &mut BTreeMap<String, Value> {
        &mut self.entries
    }
}

impl From<Vec<Value>> for Seq {
    /// A tuple of these elements.
    fn from(items: Vec<Value>) -> Seq {
        Seq::new(SeqKind::Tuple, items)
    }
}

impl From<Seq> for Vec<Value> {
    fn from(s: Seq) -> Vec<Value> {
        s.items
    }
}

impl From<BTreeMap<String, Value>> for Mapping {
    /// An object of these attributes.
    fn from(entries: BTreeMap<String, Value>) -> Mapping {
        Mapping::new(MappingKind::Object, entries)
    }
}

impl From<Mapping> for BTreeMap<String, Value> {
    fn from(m: Mapping) -> BTreeMap<String, Value> {
        m.entries
    }
}

impl FromIterator<Value> for Seq {
    /// A tuple: what is gathered element by element (a `for` expression, a splat) is one.
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Seq {
        Seq::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl FromIterator<(String, Value)> for Mapping {
    /// An object.
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Mapping {
        Mapping::from(iter.into_iter().collect::<BTreeMap<_, _>>())
    }
}

impl IntoIterator for Seq {
    type Item = Value;
    type IntoIter = std::vec::IntoIter<Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Seq {
    type Item = &'a Value;
    type IntoIter = std::slice::Iter<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a> IntoIterator for &'a mut Seq {
    type Item = &'a mut Value;
    type IntoIter = std::slice::IterMut<'a, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl IntoIterator for Mapping {
    type Item = (String, Value);
    type IntoIter = std::collections::btree_map::IntoIter<String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::collections::btree_map::Iter<'a, String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl<'a> IntoIterator for &'a mut Mapping {
    type Item = (&'a String, &'a mut Value);
    type IntoIter = std::collections::btree_map::IterMut<'a, String, Value>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut()
    }
}
