//! Base64, base32 and the hash sums.

use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::args::{string, want};
use crate::helm::value::{FuncCx, Value};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `base64.StdEncoding.DecodeString`, with Go's error text. Go skips `\r`
/// and `\n`.
pub fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut quad = [0u8; 4];
    let mut n = 0;
    let mut pad = 0;
    let mut block_start = 0;
    let bytes = s.as_bytes();
    let err = |i: usize| format!("illegal base64 data at input byte {i}");
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\r' || c == b'\n' {
            i += 1;
            continue;
        }
        if n == 0 {
            block_start = i;
        }
        if c == b'=' {
            if n < 2 {
                return Err(err(i));
            }
            pad = 4 - n;
            // The rest of the block must be padding too.
            let mut need = pad - 1;
            let mut j = i + 1;
            while need > 0 {
                while j < bytes.len() && (bytes[j] == b'\r' || bytes[j] == b'\n') {
                    j += 1;
                }
                if j >= bytes.len() || bytes[j] != b'=' {
                    return Err(err(j.min(bytes.len())));
                }
                j += 1;
                need -= 1;
            }
            while j < bytes.len() && (bytes[j] == b'\r' || bytes[j] == b'\n') {
                j += 1;
            }
            if j < bytes.len() {
                return Err(err(j));
            }
            i = j;
            break;
        }
        let Some(v) = B64.iter().position(|&b| b == c) else {
            return Err(err(i));
        };
        quad[n] = v as u8;
        n += 1;
        if n == 4 {
            out.push((quad[0] << 2) | (quad[1] >> 4));
            out.push((quad[1] << 4) | (quad[2] >> 2));
            out.push((quad[2] << 6) | quad[3]);
            n = 0;
        }
        i += 1;
    }
    let _ = i;
    if pad > 0 {
        let have = 4 - pad;
        if have >= 2 {
            out.push((quad[0] << 2) | (quad[1] >> 4));
        }
        if have >= 3 {
            out.push((quad[1] << 4) | (quad[2] >> 2));
        }
        return Ok(out);
    }
    if n != 0 {
        return Err(err(block_start));
    }
    Ok(out)
}

pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = buf.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let chars = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < chars {
                out.push(B32[((n >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base32_decode(s: &str) -> Result<Vec<u8>, String> {
    let clean: Vec<(usize, u8)> = s
        .bytes()
        .enumerate()
        .filter(|(_, c)| *c != b'\r' && *c != b'\n')
        .collect();
    if !clean.len().is_multiple_of(8) {
        let at = clean.len() / 8 * 8;
        return Err(format!(
            "illegal base32 data at input byte {}",
            clean.get(at).map_or(s.len(), |(i, _)| *i)
        ));
    }
    let mut out = Vec::new();
    for block in clean.chunks(8) {
        let mut n = 0u64;
        let mut have = 0;
        let mut padded = false;
        for (i, c) in block {
            if *c == b'=' {
                padded = true;
                n <<= 5;
                continue;
            }
            if padded {
                return Err(format!("illegal base32 data at input byte {i}"));
            }
            let Some(v) = B32.iter().position(|b| b == c) else {
                return Err(format!("illegal base32 data at input byte {i}"));
            };
            n = (n << 5) | v as u64;
            have += 1;
        }
        let bytes = match have {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => {
                return Err(format!(
                    "illegal base32 data at input byte {}",
                    block.first().map_or(0, |(i, _)| *i)
                ));
            }
        };
        for k in 0..bytes {
            out.push((n >> (32 - 8 * k)) as u8);
        }
    }
    Ok(out)
}

fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub fn b64enc(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("b64enc", a, 1)?;
    Ok(Value::str(base64_encode(string(&a[0])?.as_bytes())))
}

/// Sprig returns the decoding error as the result.
pub fn b64dec(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("b64dec", a, 1)?;
    Ok(Value::str(match base64_decode(string(&a[0])?) {
        Ok(bytes) => lossy(bytes),
        Err(e) => e,
    }))
}

pub fn b32enc(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("b32enc", a, 1)?;
    Ok(Value::str(base32_encode(string(&a[0])?.as_bytes())))
}

pub fn b32dec(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("b32dec", a, 1)?;
    Ok(Value::str(match base32_decode(string(&a[0])?) {
        Ok(bytes) => lossy(bytes),
        Err(e) => e,
    }))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

pub fn sha1sum(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("sha1sum", a, 1)?;
    Ok(Value::str(hex(&Sha1::digest(string(&a[0])?.as_bytes()))))
}

pub fn sha256sum(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("sha256sum", a, 1)?;
    Ok(Value::str(hex(&Sha256::digest(string(&a[0])?.as_bytes()))))
}

pub fn sha512sum(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("sha512sum", a, 1)?;
    Ok(Value::str(hex(&Sha512::digest(string(&a[0])?.as_bytes()))))
}

pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

pub fn adler32sum(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("adler32sum", a, 1)?;
    Ok(Value::str(adler32(string(&a[0])?.as_bytes()).to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip() {
        for s in ["", "f", "fo", "foo", "foob", "fooba", "foobar", "héllo"] {
            assert_eq!(
                base64_decode(&base64_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
            assert_eq!(
                base32_decode(&base32_encode(s.as_bytes())).unwrap(),
                s.as_bytes()
            );
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI======");
        assert_eq!(
            base64_decode("Zm9v!").unwrap_err(),
            "illegal base64 data at input byte 4"
        );
        assert_eq!(
            base64_decode("Zm9").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn hashes() {
        let mut cx = FuncCx::default();
        let v = sha256sum(&mut cx, &[Value::str("abc")]).unwrap();
        assert_eq!(
            v.go_string(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let v = sha1sum(&mut cx, &[Value::str("abc")]).unwrap();
        assert_eq!(v.go_string(), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }
}
