use super::*;

fn families(key: Option<&str>, text: &str) -> Vec<(&'static str, String)> {
    vendor_tokens(key, text)
        .into_iter()
        .map(|t| (t.family, text[t.start..t.end].to_string()))
        .collect()
}

fn one(text: &str) -> &'static str {
    let found = families(None, text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found[0].0
}

#[test]
fn every_family_is_recognised() {
    let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
               eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.\
               SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    let azure = format!(
        "DefaultEndpointsProtocol=https;AccountKey={}==",
        "a1B2".repeat(21) + "xy"
    );
    let cases: Vec<(String, &str)> = vec![
        ("AKIAIOSFODNN7EXAMPLE".into(), "AWS access key ID"),
        (format!("ghp_{}", "a1".repeat(18)), "GitHub token"),
        (format!("github_pat_{}", "A1b2_".repeat(17)), "GitHub token"),
        ("glpat-xxxxXXXX1234yyyyYYYY".into(), "GitLab token"),
        (
            format!("AIza{}", "Sy-_a1".repeat(5) + "abcde"),
            "Google API key",
        ),
        (
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx".into(),
            "Slack token",
        ),
        (
            format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc"),
            "Stripe secret key",
        ),
        (format!("npm_{}", "a1B2c3".repeat(6)), "npm token"),
        (
            format!("sq0atp-{}", "a1B2c3_-d4E".repeat(2)),
            "Square access token",
        ),
        (
            format!("sq0csp-{}", "a1B2c3_-d4E".repeat(3) + "0123456789"),
            "Square OAuth secret",
        ),
        (
            format!("SK{}", "0123456789abcdef".repeat(2)),
            "Twilio API key",
        ),
        (
            format!("AKCp{}", "8abcDEF123".repeat(6) + "xyz1234ab"),
            "Artifactory API key",
        ),
        (
            format!("cmVmdGtuOjAxOj{}", "E2NDQ1MzI3".repeat(5)),
            "Artifactory reference token",
        ),
        (
            format!("{}-us14", "0123456789abcdef".repeat(2)),
            "Mailchimp API key",
        ),
        (azure, "Azure storage account key"),
        (
            "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx".into(),
            "Slack webhook URL",
        ),
        (jwt.replace(' ', ""), "JSON Web Token"),
        (
            "//registry.npmjs.org/:_authToken=abcd1234-ef56".into(),
            "npm auth token",
        ),
        (
            "postgres://app:hunter2@db.internal:5432/app".into(),
            "password in a URL",
        ),
        (
            "https://admin:s3cret@acme.cloudant.com".into(),
            "Cloudant credentials",
        ),
    ];
    for (text, family) in &cases {
        assert_eq!(one(text), *family, "{text}");
    }
}

#[test]
fn keyed_families_need_the_vendor_in_the_key() {
    let ibm = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1_-";
    assert_eq!(ibm.len(), 44);
    assert_eq!(
        families(Some("IBM_CLOUD_API_KEY"), ibm)[0].0,
        "IBM Cloud IAM API key"
    );
    assert!(families(Some("SESSION_ID"), ibm).is_empty());
    let hex64 = "0123456789abcdef".repeat(4);
    assert_eq!(
        families(Some("softlayer_api_key"), &hex64)[0].0,
        "SoftLayer API key"
    );
    assert_eq!(
        families(Some("cloudantPassword"), &hex64)[0].0,
        "Cloudant password"
    );
    assert!(families(Some("checksum/config"), &hex64).is_empty());
    let hex48 = "0123456789abcdef".repeat(3);
    assert_eq!(
        families(Some("cos_hmac_secret_access_key"), &hex48)[0].0,
        "IBM Cloud Object Storage HMAC secret"
    );
    let config = format!("[default]\nsoftlayer_api_key = {hex64}\nregion = eu\n");
    let found = vendor_tokens(None, &config);
    assert_eq!(found.len(), 1);
    let config = format!("[default]\napi_key = {hex64}\n");
    assert!(vendor_tokens(Some("settings.ini"), &config).is_empty());
    let found = vendor_tokens(Some("softlayer.ini"), &config);
    assert_eq!(found.len(), 1);
    assert_eq!(&config[found[0].start..found[0].end], hex64);
}

#[test]
fn digests_hashes_and_near_misses_are_not_tokens() {
    let digest = format!("nginx@sha256:{}", "0123456789abcdef".repeat(4));
    for text in [
        digest.as_str(),
        "5f4dcc3b5aa765d61d8327deb882cf99",
        "123e4567-e89b-12d3-a456-426614174000",
        "AKIAIOSFODNN7EXAMPLEX",
        "myAKIAIOSFODNN7EXAMPLE",
        "ghp_short",
        "xoxb-not-a-real-token-at-all",
        "eyJub3QiOiJhIGp3dCJ9.eyJ4IjoxfQ.sig",
        "https://user@example.com/path",
        "redis://:${REDIS_PASSWORD}@redis:6379",
        "https://app:****@db.example.com",
        "SKIP_TLS_VERIFY",
    ] {
        assert!(families(None, text).is_empty(), "{text}");
    }
}

#[test]
fn assignments_in_configuration_text() {
    let text = "a.password = hunter2\n\"token\": \"abc\",\nexport KEY='v'\nnot an assignment\n";
    let found: Vec<_> = assignments(text)
        .into_iter()
        .map(|(n, v, at)| (n, v, &text[at..at + v.len()]))
        .collect();
    assert_eq!(
        found,
        [
            ("a.password", "hunter2", "hunter2"),
            ("token", "abc", "abc"),
            ("KEY", "v", "v"),
        ]
    );
}

/// Every prefix begins with a letter or digit and cannot overlap itself
/// across a word start, which is what lets `prefixed` look only at word
/// starts; a new prefix that breaks this fails here.
#[test]
fn prefixes_start_words_and_do_not_overlap_themselves() {
    for pattern in PREFIXED {
        for prefix in pattern.prefixes {
            let bytes = prefix.as_bytes();
            assert!(bytes[0].is_ascii_alphanumeric(), "{prefix}");
            for k in 0..bytes.len().saturating_sub(1) {
                if !bytes[k].is_ascii_alphanumeric() {
                    assert!(!bytes.starts_with(&bytes[k + 1..]), "{prefix}");
                }
            }
        }
    }
}

/// The same tokens as searching every prefix through the whole text.
#[test]
fn word_starts_find_what_a_full_search_finds() {
    let texts = [
        "AKIAIOSFODNN7EXAMPLE",
        "x=AKIAIOSFODNN7EXAMPLE;AKIAIOSFODNN7EXAMPLF",
        "xAKIAIOSFODNN7EXAMPLE ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "token: ghp_ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "é AIzaSyA-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa xoxb-1234-abcd sk_live_aaaaaaaaaaaaaaaaaaaaaaaa",
        "SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa npm_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ];
    for text in texts {
        let bytes = text.as_bytes();
        let mut expected = Vec::new();
        for pattern in PREFIXED {
            for prefix in pattern.prefixes {
                for (at, _) in text.match_indices(prefix) {
                    if boundary_before(bytes, at)
                        && let Some(token) = prefixed_at(pattern, prefix, bytes, at)
                    {
                        expected.push((token.family, token.start, token.end));
                    }
                }
            }
        }
        let mut found = Vec::new();
        prefixed(text, &mut found);
        let found: Vec<_> = found.iter().map(|t| (t.family, t.start, t.end)).collect();
        assert!(!found.is_empty(), "{text}");
        assert_eq!(found, expected, "{text}");
    }
}
