//! Module versions and Terraform's version constraints (`= 1.2.0`, `>= 1.0, < 2.0`, `~> 1.2`).

/// A semantic version; a pre-release (`1.0.0-beta`) sorts before its release.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    numbers: [u64; 3],
    /// Releases sort after pre-releases: `None` > `Some(..)` is arranged by the sort key.
    release: bool,
    pre: String,
}

impl Version {
    /// Parses `1`, `1.2`, `1.2.3`, `v1.2.3`, `1.2.3-rc1`.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim().trim_start_matches('v');
        let (core, pre) = match text.split_once('-') {
            Some((c, p)) => (c, p.to_string()),
            None => (text, String::new()),
        };
        let core = core.split('+').next().unwrap_or(core);
        let mut numbers = [0u64; 3];
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        for (i, p) in parts.iter().enumerate() {
            numbers[i] = p.parse().ok()?;
        }
        Some(Version {
            numbers,
            release: pre.is_empty(),
            pre,
        })
    }

    /// Whether it is a pre-release.
    pub fn is_pre(&self) -> bool {
        !self.release
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [a, b, c] = self.numbers;
        write!(f, "{a}.{b}.{c}")?;
        if !self.release {
            write!(f, "-{}", self.pre)?;
        }
        Ok(())
    }
}

/// One `OP VERSION` of a constraint, with how many parts the version was written with (for `~>`).
struct Term {
    op: String,
    version: Version,
    parts: usize,
}

/// A version constraint: every term must hold.
pub struct Constraint(Vec<Term>);

impl Constraint {
    /// Parses a constraint string.
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let mut terms = Vec::new();
        for raw in text.split(',') {
            let raw = raw.trim();
            let op_len = raw.find(|c: char| c.is_ascii_digit() || c == 'v').unwrap_or(raw.len());
            let (op, v) = raw.split_at(op_len);
            let op = match op.trim() {
                "" => "=",
                o @ ("=" | "!=" | ">" | ">=" | "<" | "<=" | "~>") => o,
                other => return Err(format!("\"{other}\" is not a version constraint operator")),
            };
            let version = Version::parse(v).ok_or_else(|| format!("\"{raw}\" is not a version constraint"))?;
            let parts = v.split('-').next().unwrap_or(v).split('.').count();
            terms.push(Term {
                op: op.to_string(),
                version,
                parts,
            });
        }
        Ok(Constraint(terms))
    }

    /// Whether `v` satisfies every term. Pre-releases match only a term naming exactly them.
    pub fn allows(&self, v: &Version) -> bool {
        if v.is_pre() && !self.0.iter().any(|t| t.op == "=" && t.version == *v) {
            return false;
        }
        self.0.iter().all(|t| match t.op.as_str() {
            "=" => *v == t.version,
            "!=" => *v != t.version,
            ">" => *v > t.version,
            ">=" => *v >= t.version,
            "<" => *v < t.version,
            "<=" => *v <= t.version,
            // ~> 1.2 allows >= 1.2, < 2.0; ~> 1.2.3 allows >= 1.2.3, < 1.3.0.
            _ => {
                let [a, b, _] = t.version.numbers;
                let upper = if t.parts <= 2 { [a + 1, 0, 0] } else { [a, b + 1, 0] };
                *v >= t.version && v.numbers < upper
            }
        })
    }
}

/// The highest version `constraint` allows (any release when there is none).
pub fn highest<'a>(
    versions: impl IntoIterator<Item = &'a str>,
    constraint: Option<&str>,
) -> Result<Option<String>, String> {
    let constraint = constraint.map(Constraint::parse).transpose()?;
    Ok(versions
        .into_iter()
        .filter_map(|text| Version::parse(text).map(|v| (v, text)))
        .filter(|(v, _)| match &constraint {
            Some(c) => c.allows(v),
            None => !v.is_pre(),
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, text)| text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_choose_as_terraform_does() {
        let all = ["1.0.0", "1.1.0", "1.2.3", "1.3.0-beta", "2.0.0"];
        let pick = |c: &str| highest(all, Some(c)).expect("valid");
        assert_eq!(pick("~> 1.0").as_deref(), Some("1.2.3"));
        assert_eq!(pick("~> 1.1.0").as_deref(), Some("1.1.0"));
        assert_eq!(pick(">= 1.0, < 1.2").as_deref(), Some("1.1.0"));
        assert_eq!(pick("1.0.0").as_deref(), Some("1.0.0"));
        assert_eq!(pick("!= 2.0.0").as_deref(), Some("1.2.3"));
        assert_eq!(pick("= 1.3.0-beta").as_deref(), Some("1.3.0-beta"));
        assert_eq!(pick("> 3").as_deref(), None);
        assert_eq!(highest(all, None).expect("valid").as_deref(), Some("2.0.0"));
        assert!(Constraint::parse("=> 1").is_err());
    }
}
