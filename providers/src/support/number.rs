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

/// Eight tables so the main loop can fold eight bytes per step.
const CRC_TABLES: [[u32; 256]; 8] = {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut j = 1;
    while j < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[j - 1][i];
            t[j][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            i += 1;
        }
        j += 1;
    }
    t
};

/// CRC-32 (IEEE): the checksum of zip entries, and what Terraform's `create.StringHashcode`
/// takes for the IDs it makes up (a route's, an older security group rule's, a policy
/// document's, a subscription filter's).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let t = &CRC_TABLES;
    let mut crc = !0u32;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let lo = crc ^ u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        crc = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][c[4] as usize]
            ^ t[2][c[5] as usize]
            ^ t[1][c[6] as usize]
            ^ t[0][c[7] as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ b as u32) & 0xff) as usize];
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
