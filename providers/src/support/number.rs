//! Numbers written out as Terraform's providers write them.

/// The decimal form of big-endian bytes (random_id's `dec`, a certificate's serial number as its `id`).
pub(crate) fn decimal(bytes: &[u8]) -> String {
    let mut digits = vec![0u8];
    for &b in bytes {
        let mut carry = b as u32;
        for d in digits.iter_mut() {
            let v = (*d as u32) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

/// CRC-32 (IEEE), as Terraform's `create.StringHashcode` takes it for the IDs it makes up
/// (a route's, an older security group rule's, a policy document's, a subscription filter's).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// A float as Go's `%g` writes it (the AWS provider's text of a float held in a string
/// attribute): the shortest digits that read back the same, in exponent form (`1e+06`) when
/// the exponent is below -4 or at least 6.
pub(crate) fn go_g(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return if f == 0.0 { "0".to_string() } else { f.to_string() };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return f.to_string();
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_matches_known_values() {
        assert_eq!(super::crc32(b""), 0);
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn floats_as_go_writes_them() {
        for (f, text) in [
            (0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1e21, "1e+21"),
        ] {
            assert_eq!(super::go_g(f), text, "{f}");
        }
    }

    #[test]
    fn decimal_of_big_endian_bytes() {
        assert_eq!(super::decimal(&[]), "0");
        assert_eq!(super::decimal(&[1, 0]), "256");
        assert_eq!(super::decimal(&[0xff; 8]), u64::MAX.to_string());
    }
}
