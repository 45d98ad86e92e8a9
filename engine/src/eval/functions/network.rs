//! IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets, for IPv4 and IPv6, as
//! Terraform computes them (addresses as 128-bit numbers, prefixes extended by new bits).

use super::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed prefix: its network address as a number, its length, and the address width.
struct Prefix {
    base: u128,
    len: u32,
    bits: u32,
}

/// An IPv4 address whose parts have leading zeros (`010.0.0.0`), read as decimal as
/// Terraform's parser reads them.
fn decimal_v4(addr: &str) -> Option<Ipv4Addr> {
    let parts: Vec<u8> = addr
        .split('.')
        .map(|p| {
            (!p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    let [a, b, c, d] = parts[..] else {
        return None;
    };
    Some(Ipv4Addr::new(a, b, c, d))
}

fn prefix(s: &str) -> Result<Prefix, String> {
    let (addr, len) = s.split_once('/').ok_or_else(|| {
        invalid(format!(
            "invalid CIDR address {s:?}: it needs a prefix length, like 10.0.0.0/16."
        ))
    })?;
    let ip: IpAddr = addr
        .parse()
        .ok()
        .or_else(|| decimal_v4(addr).map(IpAddr::V4))
        .ok_or_else(|| invalid(format!("invalid CIDR address {s:?}: {addr:?} is not an IP address.")))?;
    let bits = if ip.is_ipv4() { 32 } else { 128 };
    let len: u32 = len.parse().ok().filter(|l| *l <= bits).ok_or_else(|| {
        invalid(format!(
            "invalid CIDR address {s:?}: the prefix length must be 0 to {bits}."
        ))
    })?;
    let value = match ip {
        IpAddr::V4(v) => u128::from(u32::from(v)),
        IpAddr::V6(v) => u128::from(v),
    };
    let host_bits = bits - len;
    let base = if host_bits >= 128 {
        0
    } else {
        value >> host_bits << host_bits
    };
    Ok(Prefix { base, len, bits })
}

fn show(value: u128, bits: u32) -> String {
    if bits == 32 {
        Ipv4Addr::from(value as u32).to_string()
    } else {
        Ipv6Addr::from(value).to_string()
    }
}

/// The size of a block of `host_bits` addresses, or `None` when it spans the whole space.
fn block(host_bits: u32) -> Option<u128> {
    1u128.checked_shl(host_bits)
}

pub(super) fn cidrhost(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let p = prefix(&string_arg(a, 0)?)?;
    let n = int_arg(c, a, 1)?;
    let size = block(p.bits - p.len);
    let offset = match (n >= 0, size) {
        (true, Some(size)) if (n as u128) < size => n as u128,
        (true, None) => n as u128,
        (false, Some(size)) if n.unsigned_abs() as u128 <= size => size - n.unsigned_abs() as u128,
        _ => return Err(invalid(format!("prefix of length {} has no host number {n}.", p.len))),
    };
    Ok(Value::String(show(p.base + offset, p.bits)))
}

pub(super) fn cidrnetmask(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let p = prefix(&string_arg(a, 0)?)?;
    if p.bits != 32 {
        return Err(invalid("only IPv4 prefixes have a netmask."));
    }
    let mask = if p.len == 0 { 0 } else { u32::MAX << (32 - p.len) };
    Ok(Value::String(Ipv4Addr::from(mask).to_string()))
}

fn subnet(p: &Prefix, newbits: i64, num: i64) -> Result<(u128, u32), String> {
    let newbits = u32::try_from(newbits).map_err(|_| invalid("newbits must not be negative."))?;
    let len = p.len + newbits;
    if len > p.bits {
        return Err(invalid(format!(
            "insufficient address space to extend prefix of {} by {newbits}.",
            p.len
        )));
    }
    let count = block(newbits).unwrap_or(u128::MAX);
    let num = u128::try_from(num).map_err(|_| invalid("netnum must not be negative."))?;
    if num >= count {
        return Err(invalid(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {num}."
        )));
    }
    let shift = p.bits - len;
    Ok((p.base + (num << shift), len))
}

pub(super) fn cidrsubnet(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let p = prefix(&string_arg(a, 0)?)?;
    let (base, len) = subnet(&p, int_arg(c, a, 1)?, int_arg(c, a, 2)?)?;
    Ok(Value::String(format!("{}/{len}", show(base, p.bits))))
}

/// Consecutive subnets of the given new-bit sizes, each aligned after the one before.
pub(super) fn cidrsubnets(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let p = prefix(&string_arg(a, 0)?)?;
    let mut next = p.base;
    let mut out = Vec::new();
    for i in 1..a.len() {
        let newbits = int_arg(c, a, i)?;
        let len = p.len + u32::try_from(newbits).map_err(|_| invalid("newbits must not be negative."))?;
        if len > p.bits {
            return Err(invalid(format!(
                "would extend prefix to {len} bits, which is too long for an IPv{} address.",
                if p.bits == 32 { 4 } else { 6 }
            )));
        }
        let size = block(p.bits - len).unwrap_or(u128::MAX);
        // Align up to the new subnet's size.
        let start = next.div_ceil(size).saturating_mul(size);
        let end_of_prefix = p.base.saturating_add(block(p.bits - p.len).unwrap_or(u128::MAX) - 1);
        if start < next || start > end_of_prefix || start.saturating_add(size - 1) > end_of_prefix {
            return Err(invalid(format!(
                "not enough remaining address space for a subnet with a prefix of {len} bits."
            )));
        }
        out.push(Value::String(format!("{}/{len}", show(start, p.bits))));
        next = start.saturating_add(size);
    }
    Ok(Value::List(Seq::list(out).of(&Shape::String)))
}
