//! Secrets made here: uniform choices from the operating system's randomness, and passwords.

use engine::core::provider::ProviderError;

/// A uniformly random index below `n` (rejection sampling over OS randomness).
pub(crate) fn below(n: usize) -> Result<usize, ProviderError> {
    let n = n.max(1) as u64;
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let mut b = [0u8; 8];
        getrandom::getrandom(&mut b).map_err(|e| ProviderError::new("RandomnessUnavailable", e.to_string()))?;
        let v = u64::from_le_bytes(b);
        if v < zone {
            return Ok((v % n) as usize);
        }
    }
}

/// Shuffles in place (Fisher-Yates over OS randomness).
pub(crate) fn shuffle<T>(items: &mut [T]) -> Result<(), ProviderError> {
    for i in (1..items.len()).rev() {
        let j = below(i + 1)?;
        items.swap(i, j);
    }
    Ok(())
}

/// A password of `length` characters with at least one upper-case letter, lower-case letter,
/// digit and symbol, which satisfies IAM's default and most custom password policies.
pub(crate) fn password(length: usize) -> Result<String, ProviderError> {
    const CLASSES: [&str; 4] = [
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789",
        "!@#$%^&*()_+-=[]{}|'",
    ];
    let all: Vec<char> = CLASSES.iter().flat_map(|c| c.chars()).collect();
    let mut out: Vec<char> = Vec::with_capacity(length);
    for class in CLASSES {
        let chars: Vec<char> = class.chars().collect();
        out.push(chars[below(chars.len())?]);
    }
    while out.len() < length {
        out.push(all[below(all.len())?]);
    }
    shuffle(&mut out)?;
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_have_every_class_and_differ() {
        let a = password(20).expect("password");
        let b = password(20).expect("password");
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, b);
        assert!(a.chars().any(|c| c.is_ascii_uppercase()), "{a}");
        assert!(a.chars().any(|c| c.is_ascii_lowercase()), "{a}");
        assert!(a.chars().any(|c| c.is_ascii_digit()), "{a}");
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()), "{a}");
    }
}
