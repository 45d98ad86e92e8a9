//! The two collection shapes a value holds (generic over the element, so that this file needs
//! nothing of the value it is part of), each with the kind of
//! collection Terraform would say it is: a sequence is a tuple, a list or a set; a mapping is an
//! object or a map. The kind is what `type(...)` shows, what the language's `==` compares beside
//! the elements, and what later conversions start from; the elements are the same either way.
//!
//! Rust's `==` on these ignores the kind on purpose: the planner compares what a provider stored
//! with what the configuration says, and Terraform converts both to the schema's type before it
//! compares them, so `[1]` and `tolist([1])` are the same attribute value. The language's
//! type-aware equality lives with the operators.

use super::shape::{Element, Shape};
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Seq<T> {
    /// Tuple unless a conversion, a function or a type constraint said otherwise.
    #[serde(default, skip_serializing_if = "is_tuple")]
    pub kind: SeqKind,
    /// The elements.
    pub items: Vec<T>,
    /// A list's or set's element type while it has no elements to show it (`range(0)` is a
    /// list of numbers); elements, when there are any, say it themselves.
    #[serde(skip)]
    pub element: Element,
}

/// An object or map of values, ordered by key so that rendering is deterministic.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Mapping<T> {
    /// Object unless a conversion, a function or a type constraint said otherwise.
    #[serde(default, skip_serializing_if = "is_object")]
    pub kind: MappingKind,
    /// The entries.
    pub entries: BTreeMap<String, T>,
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

impl<T> Seq<T> {
    /// A sequence of `kind`.
    pub fn new(kind: SeqKind, items: Vec<T>) -> Seq<T> {
        Seq {
            kind,
            items,
            element: Element::DYNAMIC,
        }
    }

    /// The same, saying what type its elements have when it has none.
    pub fn of(mut self, element: &Shape) -> Seq<T> {
        self.element = Element::of(element);
        self
    }

    /// A list (elements of one type).
    pub fn list(items: Vec<T>) -> Seq<T> {
        Seq::new(SeqKind::List, items)
    }

    /// A set (the caller has made the elements distinct and ordered them).
    pub fn set(items: Vec<T>) -> Seq<T> {
        Seq::new(SeqKind::Set, items)
    }

    /// The elements, giving up the kind.
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<T> Mapping<T> {
    /// A mapping of `kind`.
    pub fn new(kind: MappingKind, entries: BTreeMap<String, T>) -> Mapping<T> {
        Mapping {
            kind,
            entries,
            element: Element::DYNAMIC,
        }
    }

    /// The same, saying what type its values have when it has none.
    pub fn of(mut self, element: &Shape) -> Mapping<T> {
        self.element = Element::of(element);
        self
    }

    /// A map (values of one type).
    pub fn map(entries: BTreeMap<String, T>) -> Mapping<T> {
        Mapping::new(MappingKind::Map, entries)
    }

    /// The entries, giving up the kind.
    pub fn into_entries(self) -> BTreeMap<String, T> {
        self.entries
    }
}

impl<T> Default for Seq<T> {
    fn default() -> Seq<T> {
        Seq::new(SeqKind::Tuple, Vec::new())
    }
}

impl<T> Default for Mapping<T> {
    fn default() -> Mapping<T> {
        Mapping::new(MappingKind::Object, BTreeMap::new())
    }
}

impl<T: PartialEq> PartialEq for Seq<T> {
    fn eq(&self, other: &Seq<T>) -> bool {
        self.items == other.items
    }
}

impl<T: PartialEq> PartialEq for Mapping<T> {
    fn eq(&self, other: &Mapping<T>) -> bool {
        self.entries == other.entries
    }
}

impl<T> Deref for Seq<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> DerefMut for Seq<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.items
    }
}

impl<T> Deref for Mapping<T> {
    type Target = BTreeMap<String, T>;
    fn deref(&self) -> &BTreeMap<String, T> {
        &self.entries
    }
}

impl<T> DerefMut for Mapping<T> {
    fn deref_mut(&mut self) -> &mut BTreeMap<String, T> {
        &mut self.entries
    }
}

impl<T> From<Vec<T>> for Seq<T> {
    /// A tuple of these elements.
    fn from(items: Vec<T>) -> Seq<T> {
        Seq::new(SeqKind::Tuple, items)
    }
}

impl<T> From<Seq<T>> for Vec<T> {
    fn from(s: Seq<T>) -> Vec<T> {
        s.items
    }
}

impl<T> From<BTreeMap<String, T>> for Mapping<T> {
    /// An object of these attributes.
    fn from(entries: BTreeMap<String, T>) -> Mapping<T> {
        Mapping::new(MappingKind::Object, entries)
    }
}

impl<T> From<Mapping<T>> for BTreeMap<String, T> {
    fn from(m: Mapping<T>) -> BTreeMap<String, T> {
        m.entries
    }
}

impl<T> FromIterator<T> for Seq<T> {
    /// A tuple: what is gathered element by element (a `for` expression, a splat) is one.
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Seq<T> {
        Seq::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl<T> FromIterator<(String, T)> for Mapping<T> {
    /// An object.
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Mapping<T> {
        Mapping::from(iter.into_iter().collect::<BTreeMap<_, _>>())
    }
}

impl<T> IntoIterator for Seq<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Seq<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Seq<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

impl<T> IntoIterator for Mapping<T> {
    type Item = (String, T);
    type IntoIter = std::collections::btree_map::IntoIter<String, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Mapping<T> {
    type Item = (&'a String, &'a T);
    type IntoIter = std::collections::btree_map::Iter<'a, String, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Mapping<T> {
    type Item = (&'a String, &'a mut T);
    type IntoIter = std::collections::btree_map::IterMut<'a, String, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter_mut()
    }
}
