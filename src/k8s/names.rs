//! The syntax Kubernetes requires of label keys and values.

/// Why a label value is invalid, if it is: at most 63 characters,
/// alphanumerics with `-`, `_` and `.` between them, or empty.
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    qualified_name_part(value)
}

/// Why a label key is invalid, if it is: an optional DNS subdomain prefix
/// and `/`, then a name like a value (but not empty).
pub fn label_key_problem(key: &str) -> Option<String> {
    let name = match key.split_once('/') {
        Some((prefix, name)) => {
            if let Some(problem) = dns_subdomain_problem(prefix) {
                return Some(format!("its prefix {problem}"));
            }
            name
        }
        None => key,
    };
    if name.is_empty() {
        return Some("its name is empty".to_string());
    }
    qualified_name_part(name)
}

fn qualified_name_part(text: &str) -> Option<String> {
    let length = text.chars().count();
    if length > 63 {
        return Some(format!("is {length} characters long (at most 63)"));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '-' | '_' | '.'))
    {
        return Some(match bad {
            ' ' => "contains a space".to_string(),
            _ => format!("contains `{bad}`"),
        });
    }
    let edges = [text.chars().next(), text.chars().last()];
    if edges
        .into_iter()
        .flatten()
        .any(|c| !c.is_ascii_alphanumeric())
    {
        return Some("must begin and end with a letter or digit".to_string());
    }
    None
}

fn dns_subdomain_problem(prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some("is empty".to_string());
    }
    if prefix.len() > 253 {
        return Some(format!("is {} characters long (at most 253)", prefix.len()));
    }
    let valid_label = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !prefix.split('.').all(valid_label) {
        return Some(format!("`{prefix}` is not a lowercase DNS subdomain"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{label_key_problem, label_value_problem};

    #[test]
    fn values() {
        for good in ["", "web", "v1.2.3", "a_b-c", "0"] {
            assert_eq!(label_value_problem(good), None, "{good}");
        }
        for bad in ["-web", "web.", "a b", "a/b", &"x".repeat(64)] {
            assert!(label_value_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn keys() {
        for good in ["app", "app.kubernetes.io/name", "example.com/team_1"] {
            assert_eq!(label_key_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "/app",
            "Example.com/app",
            "a/",
            "a/b/c",
            "-x",
            "ex_ample.com/a",
        ] {
            assert!(label_key_problem(bad).is_some(), "{bad}");
        }
    }
}
