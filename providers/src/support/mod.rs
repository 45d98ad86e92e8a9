//! Helpers every service uses: attribute access and state completion ([`attrs`]), tags
//! ([`tags`]), SDK errors ([`error`]), dates ([`dates`]), the one waiter ([`wait`]) and the
//! names and tokens of creates ([`naming`]). No service imports from another service.

pub(crate) mod attrs;
pub(crate) mod dates;
pub(crate) mod error;
pub(crate) mod naming;
pub(crate) mod tags;
pub(crate) mod wait;
