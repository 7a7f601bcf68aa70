//! A small base64 decoder (standard and URL-safe alphabets, padding
//! optional), enough to read Secret data and token segments.

fn value(byte: u8) -> Option<u32> {
    Some(match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    } as u32)
}

/// Decodes base64, ignoring line breaks and spaces (Secret data is often
/// folded); `None` when anything else is not base64.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    let mut padding = 0;
    for byte in text.bytes() {
        if byte.is_ascii_whitespace() {
            continue;
        }
        if byte == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        buffer = (buffer << 6) | value(byte)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    (padding <= 2).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_both_alphabets_with_or_without_padding() {
        assert_eq!(decode("cGFzc3dvcmQ=").unwrap(), b"password");
        assert_eq!(decode("cGFzc3dvcmQ").unwrap(), b"password");
        assert_eq!(decode("c3ViamVjdHM_\n").unwrap(), b"subjects?");
        assert_eq!(decode("c3ViamVjdHM/").unwrap(), b"subjects?");
        assert_eq!(decode("").unwrap(), b"");
        assert!(decode("not base64!").is_none());
        assert!(decode("ab=c").is_none());
    }
}
