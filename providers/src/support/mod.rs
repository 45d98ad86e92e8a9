//! Helpers every service uses: attribute access and state completion ([`attrs`]), types whose
//! object is a map of AWS attributes ([`attribute_map`]), tags
//! ([`tags`]), SDK errors ([`error`]), dates ([`dates`]), the one waiter ([`wait`]), the
//! names and tokens of creates ([`naming`]), the `timeouts` block ([`timeouts`]), policy documents ([`policy`]), numbers ([`number`]), ARNs ([`arn`]),
//! file digests ([`digest`]), what their
//! changes mean to a reviewer ([`access`]) and secrets made here ([`secret`]). No service imports from another service.

pub(crate) mod access;
mod account;
pub(crate) mod arn;
pub(crate) mod attribute_map;
pub(crate) mod attrs;
pub(crate) mod dates;
pub(crate) mod digest;
pub(crate) mod error;
pub(crate) mod lost_answer;
pub(crate) mod naming;
pub(crate) mod number;
pub(crate) mod partition;
pub(crate) mod pgp;
pub(crate) mod policy;
pub(crate) mod secret;
pub(crate) mod tags;
pub(crate) mod timeouts;
pub(crate) mod wait;
