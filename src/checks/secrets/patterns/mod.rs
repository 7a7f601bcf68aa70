//! What secrets look like, shared by every rule that looks for them (in
//! Kubernetes objects today, in other inputs later): names that say a value
//! is a secret, token formats of well-known services, private key blocks,
//! and a measure of how random a string is.
//!
//! Everything here works on plain text and byte offsets into it; callers
//! turn offsets into spans.

mod base64;
mod entropy;
mod names;
mod pem;
mod tokens;

pub use entropy::{Limits as EntropyLimits, high_entropy_strings};
pub use names::{NameRules, inert_value, name_words, placeholder_for};
pub use pem::{PrivateKey, private_keys};
pub use tokens::{assignments, vendor_tokens};

/// A secret as messages may show it: its first few characters and a mask,
/// never the whole value. Short values show less, so that a guessable rest
/// is not given away.
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    let shown = (count / 8).clamp(1, 4);
    let prefix: String = secret.chars().take(shown).collect();
    format!("{prefix}****")
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_a_short_prefix() {
        assert_eq!(mask("0123456789abcdefghijABCDEFGHIJ012345"), "0123****");
        assert_eq!(mask("hunter2"), "h****");
        assert_eq!(mask("x"), "x****");
        assert_eq!(mask("pässwörter-und-mehr"), "pä****");
    }
}
