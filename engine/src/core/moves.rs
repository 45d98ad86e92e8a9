//! Where an instance goes when `state mv` (and later `moved` blocks) renames a module, a
//! resource or one instance.

use crate::core::addr::{InstanceAddr, InstanceKey, Target};

/// Why a move is not possible as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// A module and a resource cannot stand for each other.
    #[error("cannot move {from} to {to}: one is a module and the other a resource; move a module to a module and a resource to a resource")]
    KindMismatch {
        /// The source as given.
        from: String,
        /// The destination as given.
        to: String,
    },
    /// The resource types differ.
    #[error("cannot move {from} to {to}: an object keeps its resource type; only the name, key and module can change")]
    TypeMismatch {
        /// The source as given.
        from: String,
        /// The destination as given.
        to: String,
    },
}

/// A rename of state addresses: what `from` names goes to `to`.
#[derive(Debug, Clone)]
pub struct Move {
    from: Target,
    to: Target,
}

impl Move {
    /// Checks the two ends are of the same kind (module or resource, same type).
    pub fn new(from: Target, to: Target) -> Result<Move, MoveError> {
        let mismatch = |f: &Target, t: &Target| MoveError::KindMismatch {
            from: f.to_string(),
            to: t.to_string(),
        };
        match (&from.resource, &to.resource) {
            (Some((a, _)), Some((b, _))) if a.type_ != b.type_ || a.mode != b.mode => Err(MoveError::TypeMismatch {
                from: from.to_string(),
                to: to.to_string(),
            }),
            (Some(_), None) | (None, Some(_)) => Err(mismatch(&from, &to)),
            _ => Ok(Move { from, to }),
        }
    }

    /// The new address of `addr`, or `None` when the move does not concern it. A source named
    /// without a key moves every instance and keeps its key (`aws_s3_bucket.b` ->
    /// `aws_s3_bucket.c` takes `b["x"]` to `c["x"]`); with a key it moves that one instance to
    /// the destination's key.
    pub fn apply(&self, addr: &InstanceAddr) -> Option<InstanceAddr> {
        match (&self.from.resource, &self.to.resource) {
            (Some((from_res, from_key)), Some((to_res, to_key))) => {
                if addr.module != self.from.module || addr.resource != *from_res {
                    return None;
                }
                let key = match from_key {
                    InstanceKey::None if *to_key == InstanceKey::None => addr.key.clone(),
                    InstanceKey::None if addr.key == InstanceKey::None => to_key.clone(),
                    InstanceKey::None => return None,
                    k if *k == addr.key => to_key.clone(),
                    _ => return None,
                };
                Some(InstanceAddr {
                    module: self.to.module.clone(),
                    resource: to_res.clone(),
                    key,
                })
            }
            (None, None) => {
                let n = self.from.module.len();
                if addr.module.len() < n {
                    return None;
                }
                let mut module = self.to.module.clone();
                for (i, ((want_name, want_key), (name, key))) in self.from.module.iter().zip(&addr.module).enumerate() {
                    if want_name != name || (*want_key != InstanceKey::None && want_key != key) {
                        return None;
                    }
                    // The last call of a keyless source keeps each instance's key.
                    if i == n - 1 && *want_key == InstanceKey::None {
                        if let Some(last) = module.last_mut() {
                            if last.1 == InstanceKey::None {
                                last.1 = key.clone();
                            }
                        }
                    }
                }
                module.extend(addr.module[n..].iter().cloned());
                Some(InstanceAddr {
                    module,
                    resource: addr.resource.clone(),
                    key: addr.key.clone(),
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(from: &str, to: &str, addr: &str) -> Option<String> {
        let m = Move::new(from.parse().expect("from"), to.parse().expect("to")).expect("move");
        m.apply(&addr.parse().expect("addr")).map(|a| a.to_string())
    }

    #[test]
    fn resources_instances_and_modules_move() {
        let b = "aws_s3_bucket.b";
        assert_eq!(
            moved(b, "aws_s3_bucket.c", r#"aws_s3_bucket.b["x"]"#).as_deref(),
            Some(r#"aws_s3_bucket.c["x"]"#)
        );
        assert_eq!(moved(b, "aws_s3_bucket.c", b).as_deref(), Some("aws_s3_bucket.c"));
        assert_eq!(
            moved(b, r#"aws_s3_bucket.c["k"]"#, b).as_deref(),
            Some(r#"aws_s3_bucket.c["k"]"#)
        );
        assert_eq!(
            moved(r#"aws_s3_bucket.b[0]"#, b, "aws_s3_bucket.b[0]").as_deref(),
            Some(b)
        );
        assert_eq!(moved(r#"aws_s3_bucket.b[0]"#, b, "aws_s3_bucket.b[1]"), None);
        assert_eq!(moved(b, "aws_s3_bucket.c", "aws_s3_bucket.other"), None);
        assert_eq!(
            moved("module.a", "module.b", r#"module.a["x"].module.c.aws_s3_bucket.b"#).as_deref(),
            Some(r#"module.b["x"].module.c.aws_s3_bucket.b"#)
        );
        assert_eq!(
            moved(r#"module.a["x"]"#, "module.solo", r#"module.a["x"].aws_s3_bucket.b"#).as_deref(),
            Some("module.solo.aws_s3_bucket.b")
        );
        assert_eq!(
            moved(r#"module.a["x"]"#, "module.solo", r#"module.a["y"].aws_s3_bucket.b"#),
            None
        );
        assert_eq!(moved("module.a", "module.b", "aws_s3_bucket.b"), None);
        assert_eq!(
            moved(b, "module.m.aws_s3_bucket.b", b).as_deref(),
            Some("module.m.aws_s3_bucket.b")
        );
    }

    #[test]
    fn kinds_and_types_must_match() {
        let new = |f: &str, t: &str| Move::new(f.parse().expect("f"), t.parse().expect("t")).err();
        assert!(matches!(
            new("module.a", "aws_s3_bucket.b"),
            Some(MoveError::KindMismatch { .. })
        ));
        assert!(matches!(
            new("aws_s3_bucket.b", "aws_iam_role.b"),
            Some(MoveError::TypeMismatch { .. })
        ));
    }
}
