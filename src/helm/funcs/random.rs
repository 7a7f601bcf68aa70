//! Random strings, UUIDs, passwords and certificates, all drawn from the
//! render's seeded generator so that a render is reproducible.
//!
//! Certificates and keys are real DER structures of the sizes Sprig's are
//! (X.509 v3 with the subject, validity, key usages and alternative names
//! Sprig sets; PKCS#1 RSA keys of 2048 bits, or 4096 for `genPrivateKey`), but
//! their numbers are random bytes: no RSA key is generated and no signature
//! is computed. harden only reads rendered manifests, so what matters is the
//! text's shape and length; generating real RSA keys would cost seconds per
//! render and a crypto dependency.

use std::collections::BTreeMap;

use super::args::{int, string, want};
use super::encoding::base64_encode;
use super::strings::MAX_STRING;
use crate::helm::value::{FuncCx, Value};

fn random_from(cx: &mut FuncCx, count: i64, alphabet: &[u8]) -> Result<Value, String> {
    if count < 0 {
        return Err(format!(
            "Requested random string length {count} is less than 0."
        ));
    }
    if count as u64 > MAX_STRING as u64 {
        return Err(format!(
            "random string of {count} characters is longer than the {MAX_STRING}-character limit"
        ));
    }
    let mut out = String::with_capacity(count as usize);
    for _ in 0..count {
        let i = (cx.next_u64() % alphabet.len() as u64) as usize;
        out.push(alphabet[i] as char);
    }
    Ok(Value::str(out))
}

const ALPHA: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const NUMERIC: &[u8] = b"0123456789";

pub fn rand_alpha_num(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("randAlphaNum", a, 1)?;
    random_from(cx, int(&a[0])?, ALNUM)
}

pub fn rand_alpha(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("randAlpha", a, 1)?;
    random_from(cx, int(&a[0])?, ALPHA)
}

pub fn rand_numeric(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("randNumeric", a, 1)?;
    random_from(cx, int(&a[0])?, NUMERIC)
}

pub fn rand_ascii(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("randAscii", a, 1)?;
    let printable: Vec<u8> = (32u8..=126).collect();
    random_from(cx, int(&a[0])?, &printable)
}

fn random_bytes(cx: &mut FuncCx, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        out.extend_from_slice(&cx.next_u64().to_le_bytes());
    }
    out.truncate(n);
    out
}

pub fn rand_bytes(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("randBytes", a, 1)?;
    let n = int(&a[0])?;
    if n < 0 || n as u64 > (MAX_STRING / 2) as u64 {
        return Err(format!("randBytes: count {n} is out of range"));
    }
    Ok(Value::str(base64_encode(&random_bytes(cx, n as usize))))
}

pub fn uuidv4(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("uuidv4", a, 0)?;
    let mut b = random_bytes(cx, 16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    Ok(Value::str(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

/// `htpasswd`: `user:` and a bcrypt hash of Go's shape (`$2a$10$` and 53
/// characters of bcrypt's alphabet).
pub fn htpasswd(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("htpasswd", a, 2)?;
    let user = string(&a[0])?;
    string(&a[1])?;
    if user.contains(':') {
        return Ok(Value::str(format!("invalid username: {user}")));
    }
    let alphabet = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let Value::Str(hash) = random_from(cx, 53, alphabet)? else {
        return Err("htpasswd: internal error".into());
    };
    Ok(Value::str(format!("{user}:$2a$10${}", hash.as_str())))
}

/// `bcrypt`: a hash of bcrypt's shape, as `htpasswd` makes.
pub fn bcrypt(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("bcrypt", a, 1)?;
    string(&a[0])?;
    let alphabet = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let Value::Str(hash) = random_from(cx, 53, alphabet)? else {
        return Err("bcrypt: internal error".into());
    };
    Ok(Value::str(format!("$2a$10${}", hash.as_str())))
}

/// `derivePassword`: a password of the requested template class, drawn from
/// the generator (Sprig derives it from the master password algorithm).
pub fn derive_password(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("derivePassword", a, 5)?;
    let class = string(&a[1])?;
    let template = match class {
        "maximum" => "anoxxxxxxxxxxxxxxxxx",
        "long" => "CvcvnoCvcvCvcv",
        "medium" => "CvcnoCvc",
        "short" => "Cvcn",
        "basic" => "aaanaaan",
        "pin" => "nnnn",
        _ => return Err(format!("cannot find password template {class}")),
    };
    let mut out = String::new();
    for t in template.chars() {
        let set: &[u8] = match t {
            'V' => b"AEIOU",
            'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
            'v' => b"aeiou",
            'c' => b"bcdfghjklmnpqrstvwxyz",
            'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
            'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
            'n' => b"0123456789",
            'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
            _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
        };
        out.push(set[(cx.next_u64() % set.len() as u64) as usize] as char);
    }
    Ok(Value::str(out))
}

// ---- DER ----

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
    der(0x30, &parts.concat())
}

/// A positive INTEGER of `bytes` random bytes with the top bit set.
fn big_int(cx: &mut FuncCx, bytes: usize) -> Vec<u8> {
    let mut b = random_bytes(cx, bytes);
    if let Some(first) = b.first_mut() {
        *first |= 0x80;
    }
    let mut content = vec![0u8];
    content.extend(b);
    der(0x02, &content)
}

fn small_int(n: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = n
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|b| *b == 0)
        .collect();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    der(0x02, &bytes)
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut chunk = vec![(arc & 0x7f) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(((rest & 0x7f) as u8) | 0x80);
            rest >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    der(0x06, &body)
}

fn name(cn: &str) -> Vec<u8> {
    if cn.is_empty() {
        return seq(&[]);
    }
    let attr = seq(&[oid(&[2, 5, 4, 3]), der(0x13, cn.as_bytes())]);
    seq(&[der(0x31, &attr)])
}

fn utc_time(secs: i64) -> Vec<u8> {
    let t = super::dates::Time { secs, nanos: 0 };
    let year: i64 = t.format("2006").parse().unwrap_or(2000);
    if (1950..2050).contains(&year) {
        der(0x17, t.format("060102150405Z").as_bytes())
    } else {
        der(0x18, t.format("20060102150405Z").as_bytes())
    }
}

fn rsa_public_key(cx: &mut FuncCx, bits: usize) -> Vec<u8> {
    let key = seq(&[big_int(cx, bits / 8), small_int(65537)]);
    let mut bit_string = vec![0u8];
    bit_string.extend(key);
    seq(&[
        seq(&[oid(&[1, 2, 840, 113_549, 1, 1, 1]), vec![0x05, 0x00]]),
        der(0x03, &bit_string),
    ])
}

fn rsa_private_key(cx: &mut FuncCx, bits: usize) -> Vec<u8> {
    let (n, half) = (bits / 8, bits / 16);
    seq(&[
        small_int(0),
        big_int(cx, n),
        small_int(65537),
        big_int(cx, n),
        big_int(cx, half),
        big_int(cx, half),
        big_int(cx, half),
        big_int(cx, half),
        big_int(cx, half),
    ])
}

fn pem(kind: &str, der: &[u8]) -> String {
    let b64 = base64_encode(der);
    let mut out = format!("-----BEGIN {kind}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {kind}-----\n"));
    out
}

struct CertSpec<'a> {
    cn: &'a str,
    issuer: &'a str,
    days: i64,
    is_ca: bool,
    ips: Vec<String>,
    dns: Vec<String>,
}

fn extension(id: &[u64], critical: bool, value: Vec<u8>) -> Vec<u8> {
    let mut parts = vec![oid(id)];
    if critical {
        parts.push(vec![0x01, 0x01, 0xff]);
    }
    parts.push(der(0x04, &value));
    seq(&parts)
}

fn ip_bytes(ip: &str) -> Option<Vec<u8>> {
    if let Ok(v4) = ip.parse::<std::net::Ipv4Addr>() {
        return Some(v4.octets().to_vec());
    }
    ip.parse::<std::net::Ipv6Addr>()
        .ok()
        .map(|v6| v6.octets().to_vec())
}

fn certificate(cx: &mut FuncCx, spec: &CertSpec) -> Vec<u8> {
    let sha256_rsa = seq(&[oid(&[1, 2, 840, 113_549, 1, 1, 11]), vec![0x05, 0x00]]);
    let not_before = cx.clock;
    let not_after = not_before.saturating_add(spec.days.saturating_mul(86_400));
    let key_usage: Vec<u8> = if spec.is_ca {
        der(0x03, &[0x02, 0xa4])
    } else {
        der(0x03, &[0x05, 0xa0])
    };
    let mut exts = vec![extension(&[2, 5, 29, 15], true, key_usage)];
    if !spec.is_ca {
        exts.push(extension(
            &[2, 5, 29, 37],
            false,
            seq(&[
                oid(&[1, 3, 6, 1, 5, 5, 7, 3, 1]),
                oid(&[1, 3, 6, 1, 5, 5, 7, 3, 2]),
            ]),
        ));
    }
    exts.push(extension(
        &[2, 5, 29, 19],
        true,
        if spec.is_ca {
            seq(&[vec![0x01, 0x01, 0xff]])
        } else {
            seq(&[])
        },
    ));
    if spec.is_ca {
        let id = random_bytes(cx, 20);
        exts.push(extension(&[2, 5, 29, 14], false, der(0x04, &id)));
    } else if spec.issuer != spec.cn {
        // Signed by a CA, which has a key id: Go names it.
        let id = random_bytes(cx, 20);
        exts.push(extension(&[2, 5, 29, 35], false, seq(&[der(0x80, &id)])));
    }
    let mut sans: Vec<Vec<u8>> = spec.dns.iter().map(|d| der(0x82, d.as_bytes())).collect();
    sans.extend(
        spec.ips
            .iter()
            .filter_map(|ip| ip_bytes(ip))
            .map(|b| der(0x87, &b)),
    );
    if !sans.is_empty() {
        exts.push(extension(&[2, 5, 29, 17], false, seq(&sans)));
    }
    let mut serial = random_bytes(cx, 16);
    serial[0] &= 0x7f;
    serial[0] |= 0x40;
    let tbs = seq(&[
        der(0xa0, &small_int(2)),
        der(0x02, &serial),
        sha256_rsa.clone(),
        name(spec.issuer),
        seq(&[utc_time(not_before), utc_time(not_after)]),
        name(spec.cn),
        rsa_public_key(cx, 2048),
        der(0xa3, &seq(&exts)),
    ]);
    let mut signature = vec![0u8];
    signature.extend(random_bytes(cx, 256));
    seq(&[tbs, sha256_rsa, der(0x03, &signature)])
}

fn cert_value(cert: String, key: String) -> Value {
    let mut m = BTreeMap::new();
    m.insert("Cert".to_string(), Value::str(cert));
    m.insert("Key".to_string(), Value::str(key));
    Value::map(m)
}

fn strings_of(v: &Value) -> Result<Vec<String>, String> {
    match v {
        Value::Nil => Ok(Vec::new()),
        Value::List(l) => Ok(l.borrow().iter().map(Value::go_string).collect()),
        other => Err(super::args::wrong_type("[]interface {}", other)),
    }
}

fn make(cx: &mut FuncCx, spec: CertSpec, key: Option<&str>) -> Value {
    let key = match key {
        Some(k) => k.to_string(),
        None => pem("RSA PRIVATE KEY", &rsa_private_key(cx, 2048)),
    };
    let cert = pem("CERTIFICATE", &certificate(cx, &spec));
    cert_value(cert, key)
}

/// `genCA CN DAYS`: a self-signed CA certificate.
fn ca_spec(a: &[Value]) -> Result<CertSpec<'_>, String> {
    let cn = string(&a[0])?;
    Ok(CertSpec {
        cn,
        issuer: cn,
        days: int(&a[1])?,
        is_ca: true,
        ips: Vec::new(),
        dns: Vec::new(),
    })
}

/// `genSelfSignedCert CN IPS DNS DAYS`: a self-signed leaf certificate.
fn self_signed_spec(a: &[Value]) -> Result<CertSpec<'_>, String> {
    let cn = string(&a[0])?;
    Ok(CertSpec {
        cn,
        issuer: cn,
        days: int(&a[3])?,
        is_ca: false,
        ips: strings_of(&a[1])?,
        dns: strings_of(&a[2])?,
    })
}

pub fn gen_ca(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genCA", a, 2)?;
    let spec = ca_spec(a)?;
    Ok(make(cx, spec, None))
}

pub fn gen_ca_with_key(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genCAWithKey", a, 3)?;
    let spec = ca_spec(a)?;
    Ok(make(cx, spec, Some(string(&a[2])?)))
}

pub fn gen_self_signed_cert(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genSelfSignedCert", a, 4)?;
    let spec = self_signed_spec(a)?;
    Ok(make(cx, spec, None))
}

pub fn gen_self_signed_cert_with_key(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genSelfSignedCertWithKey", a, 5)?;
    let spec = self_signed_spec(a)?;
    Ok(make(cx, spec, Some(string(&a[4])?)))
}

fn ca_subject(ca: &Value) -> Result<String, String> {
    match ca {
        Value::Map(m) if m.borrow().contains_key("Cert") => Ok(String::new()),
        other => Err(super::args::wrong_type("sprig.certificate", other)),
    }
}

pub fn gen_signed_cert(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genSignedCert", a, 5)?;
    let cn = string(&a[0])?;
    ca_subject(&a[4])?;
    let spec = CertSpec {
        cn,
        issuer: "ca",
        days: int(&a[3])?,
        is_ca: false,
        ips: strings_of(&a[1])?,
        dns: strings_of(&a[2])?,
    };
    Ok(make(cx, spec, None))
}

pub fn gen_signed_cert_with_key(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genSignedCertWithKey", a, 6)?;
    let cn = string(&a[0])?;
    ca_subject(&a[4])?;
    let spec = CertSpec {
        cn,
        issuer: "ca",
        days: int(&a[3])?,
        is_ca: false,
        ips: strings_of(&a[1])?,
        dns: strings_of(&a[2])?,
    };
    Ok(make(cx, spec, Some(string(&a[5])?)))
}

pub fn gen_private_key(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("genPrivateKey", a, 1)?;
    let kind = string(&a[0])?;
    Ok(Value::str(match kind {
        "" | "rsa" => pem("RSA PRIVATE KEY", &rsa_private_key(cx, 4096)),
        "ecdsa" => {
            let key = seq(&[
                small_int(1),
                der(0x04, &random_bytes(cx, 32)),
                der(0xa0, &oid(&[1, 2, 840, 10_045, 3, 1, 7])),
                der(
                    0xa1,
                    &der(0x03, &[&[0u8, 4][..], &random_bytes(cx, 64)].concat()),
                ),
            ]);
            pem("EC PRIVATE KEY", &key)
        }
        "ed25519" => {
            let key = seq(&[
                small_int(0),
                seq(&[oid(&[1, 3, 101, 112])]),
                der(0x04, &der(0x04, &random_bytes(cx, 32))),
            ]);
            pem("PRIVATE KEY", &key)
        }
        "dsa" => {
            let key = seq(&[
                small_int(0),
                big_int(cx, 256),
                big_int(cx, 32),
                big_int(cx, 256),
                big_int(cx, 256),
                big_int(cx, 32),
            ]);
            pem("DSA PRIVATE KEY", &key)
        }
        other => format!("Unknown type {other}"),
    }))
}

/// `buildCustomCert`: a certificate from base64 PEM texts.
pub fn build_custom_cert(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("buildCustomCert", a, 2)?;
    let decode = |v: &Value| -> Result<String, String> {
        let bytes = super::encoding::base64_decode(string(v)?)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    };
    Ok(cert_value(decode(&a[0])?, decode(&a[1])?))
}

/// `encryptAES`: base64 of a random IV and ciphertext of the padded length.
/// Not real encryption: see the module documentation.
pub fn encrypt_aes(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("encryptAES", a, 2)?;
    string(&a[0])?;
    let text = string(&a[1])?;
    let padded = (text.len() / 16 + 1) * 16;
    Ok(Value::str(base64_encode(&random_bytes(cx, 16 + padded))))
}

pub fn decrypt_aes(_: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    want("decryptAES", a, 2)?;
    string(&a[0])?;
    string(&a[1])?;
    Ok(Value::str(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem_body(p: &str) -> Vec<u8> {
        let b64: String = p.lines().filter(|l| !l.starts_with("-----")).collect();
        super::super::encoding::base64_decode(&b64).unwrap()
    }

    #[test]
    fn random_strings_are_reproducible() {
        let mut a = FuncCx::default();
        let mut b = FuncCx::default();
        let x = rand_alpha_num(&mut a, &[Value::Int(16)])
            .unwrap()
            .go_string();
        let y = rand_alpha_num(&mut b, &[Value::Int(16)])
            .unwrap()
            .go_string();
        assert_eq!(x, y);
        assert_eq!(x.len(), 16);
        assert!(x.bytes().all(|c| c.is_ascii_alphanumeric()));
        let n = rand_numeric(&mut a, &[Value::Int(5)]).unwrap().go_string();
        assert!(n.bytes().all(|c| c.is_ascii_digit()));
        assert!(rand_alpha(&mut a, &[Value::Int(-1)]).is_err());
        let u = uuidv4(&mut a, &[]).unwrap().go_string();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let h = htpasswd(&mut a, &[Value::str("admin"), Value::str("pw")])
            .unwrap()
            .go_string();
        assert!(h.starts_with("admin:$2a$10$") && h.len() == "admin:".len() + 60);
    }

    #[test]
    fn certificates_have_the_shape_of_sprigs() {
        let mut cx = FuncCx::default();
        let ca = gen_ca(
            &mut cx,
            &[Value::str("release-name-metrics-server"), Value::Int(365)],
        )
        .unwrap();
        let Value::Map(m) = &ca else { panic!() };
        let cert = m.borrow().get("Cert").unwrap().go_string();
        let key = m.borrow().get("Key").unwrap().go_string();
        assert!(cert.starts_with("-----BEGIN CERTIFICATE-----\nMII"));
        assert!(cert.ends_with("-----END CERTIFICATE-----\n"));
        assert!(key.starts_with("-----BEGIN RSA PRIVATE KEY-----\nMIIE"));
        // Sprig's 2048-bit PKCS#1 keys are 1190 to 1194 bytes of DER.
        let key_der = pem_body(&key).len();
        assert!((1190..=1194).contains(&key_der), "{key_der}");
        let cert_der = pem_body(&cert).len();
        assert!((700..1100).contains(&cert_der), "{cert_der}");
        let signed = gen_signed_cert(
            &mut cx,
            &[
                Value::str("svc"),
                Value::list(vec![Value::str("10.0.0.1")]),
                Value::list(vec![Value::str("svc.ns.svc")]),
                Value::Int(365),
                ca,
            ],
        )
        .unwrap();
        assert!(signed.go_string().contains("BEGIN CERTIFICATE"));
    }
}
