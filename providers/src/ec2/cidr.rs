//! CIDR blocks as EC2 takes them, checked before any call.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Whether `text` is an IPv4 block `a.b.c.d/n` with `min <= n <= max` and no host bits set.
pub(super) fn is_ipv4_block(text: &str, min: u8, max: u8) -> bool {
    let Some((addr, len)) = text.split_once('/') else {
        return false;
    };
    let (Ok(addr), Ok(len)) = (addr.parse::<Ipv4Addr>(), len.parse::<u8>()) else {
        return false;
    };
    if len < min || len > max {
        return false;
    }
    let bits = u32::from(addr);
    let host = u32::MAX.checked_shr(u32::from(len)).unwrap_or(0);
    bits & host == 0
}

/// Whether `text` is an IPv6 block `addr/n` with no host bits set.
pub(super) fn is_ipv6_block(text: &str) -> bool {
    let Some((addr, len)) = text.split_once('/') else {
        return false;
    };
    let (Ok(addr), Ok(len)) = (addr.parse::<Ipv6Addr>(), len.parse::<u8>()) else {
        return false;
    };
    if len > 128 {
        return false;
    }
    let bits = u128::from(addr);
    let host = u128::MAX.checked_shr(u32::from(len)).unwrap_or(0);
    bits & host == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_checked_for_form_size_and_host_bits() {
        assert!(is_ipv4_block("10.0.0.0/16", 16, 28));
        assert!(is_ipv4_block("10.0.1.0/24", 16, 28));
        assert!(!is_ipv4_block("10.0.1.0/16", 16, 28));
        assert!(!is_ipv4_block("10.0.0.0/8", 16, 28));
        assert!(!is_ipv4_block("10.0.0.0", 16, 28));
        assert!(!is_ipv4_block("10.0.0.300/24", 16, 28));
        assert!(is_ipv4_block("0.0.0.0/0", 0, 32));
        assert!(is_ipv6_block("2600:1f18::/56"));
        assert!(!is_ipv6_block("2600:1f18::1/56"));
        assert!(!is_ipv6_block("10.0.0.0/16"));
    }
}
