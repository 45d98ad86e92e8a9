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

#[cfg(test)]
mod tests {
    #[test]
    fn decimal_of_big_endian_bytes() {
        assert_eq!(super::decimal(&[]), "0");
        assert_eq!(super::decimal(&[1, 0]), "256");
        assert_eq!(super::decimal(&[0xff; 8]), u64::MAX.to_string());
    }
}
