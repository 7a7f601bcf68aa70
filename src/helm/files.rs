//! `.Files`: a chart's files other than its templates, readable by name.
//!
//! Names are exact chart-relative paths; nothing outside the loaded chart is
//! reachable, so `.Files.Get "../../etc/passwd"` is the empty string, as in
//! Helm.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use super::chart::ChartFile;
use super::value::{GoObject, Value};

/// Renders a map of file names to text as YAML (`toYaml`), for `AsConfig`
/// and `AsSecrets`.
pub type ToYaml = fn(&BTreeMap<String, String>) -> String;

#[derive(Clone, Debug, Default)]
pub struct Files {
    files: BTreeMap<String, Arc<[u8]>>,
}

impl Files {
    pub fn new(files: &[ChartFile]) -> Files {
        Files {
            files: files
                .iter()
                .map(|f| (f.name.clone(), f.data.clone()))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.files.get(name).map(|d| &d[..])
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Files whose name matches `pattern` (`*` within a path segment, `**`
    /// across them, `{a,b}`, as gobwas/glob with `/` as separator).
    pub fn glob(&self, pattern: &str) -> Files {
        let matcher = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .or_else(|_| globset::Glob::new("**"))
            .map(|g| g.compile_matcher());
        let files = match matcher {
            Ok(m) => self
                .files
                .iter()
                .filter(|(name, _)| m.is_match(name.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            Err(_) => BTreeMap::new(),
        };
        Files { files }
    }

    fn text(&self, name: &str) -> String {
        self.get(name)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    }

    /// The lines of a file, without the last newline; empty when absent.
    pub fn lines(&self, name: &str) -> Vec<String> {
        let Some(data) = self.get(name) else {
            return Vec::new();
        };
        let text = String::from_utf8_lossy(data);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        text.split('\n').map(str::to_string).collect()
    }

    /// Base names mapped to the text (`AsConfig`) or base64 (`AsSecrets`).
    pub fn by_base_name(&self, base64: bool) -> BTreeMap<String, String> {
        self.files
            .iter()
            .map(|(name, data)| {
                let base = name.rsplit('/').next().unwrap_or(name).to_string();
                let value = if base64 {
                    encode_base64(data)
                } else {
                    String::from_utf8_lossy(data).into_owned()
                };
                (base, value)
            })
            .collect()
    }
}

/// `.Files` as a template sees it, with the `toYaml` that `AsConfig` uses.
#[derive(Debug)]
pub struct FilesObject {
    pub files: Files,
    pub to_yaml: Option<ToYamlFn>,
}

/// A function pointer wrapper so that the object stays `Debug`.
#[derive(Clone, Copy)]
pub struct ToYamlFn(pub ToYaml);

impl std::fmt::Debug for ToYamlFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("toYaml")
    }
}

fn string_arg(method: &str, args: &[Value]) -> Result<String, String> {
    match args {
        [Value::Str(s)] => Ok(s.as_str().to_string()),
        [other] => Err(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        )),
        _ => Err(format!(
            "wrong number of args for {method}: want 1 got {}",
            args.len()
        )),
    }
}

impl GoObject for FilesObject {
    fn type_name(&self) -> &str {
        "common.Files"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "AsConfig" | "AsSecrets" => self.call(name, &[]).and_then(Result::ok),
            _ => None,
        }
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        Some(match method {
            "Get" | "GetBytes" => string_arg(method, args).map(|n| Value::str(self.files.text(&n))),
            "Lines" => string_arg(method, args)
                .map(|n| Value::list(self.files.lines(&n).into_iter().map(Value::str).collect())),
            "Glob" => string_arg(method, args).map(|p| {
                Value::Object(Rc::new(FilesObject {
                    files: self.files.glob(&p),
                    to_yaml: self.to_yaml,
                }))
            }),
            "AsConfig" | "AsSecrets" => {
                if !args.is_empty() {
                    return Some(Err(format!(
                        "wrong number of args for {method}: want 0 got {}",
                        args.len()
                    )));
                }
                if self.files.files.is_empty() {
                    return Some(Ok(Value::str("")));
                }
                let map = self.files.by_base_name(method == "AsSecrets");
                match self.to_yaml {
                    Some(ToYamlFn(f)) => Ok(Value::str(f(&map))),
                    None => Err(format!("{method} is not available")),
                }
            }
            _ => return None,
        })
    }

    fn display(&self) -> String {
        let names: Vec<String> = self
            .files
            .files
            .iter()
            .map(|(k, v)| format!("{k}:{:?}", &v[..]))
            .collect();
        format!("map[{}]", names.join(" "))
    }
}

/// Standard base64 with padding.
pub fn encode_base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> FilesObject {
        let f = |name: &str, text: &str| ChartFile {
            name: name.to_string(),
            data: Arc::from(text.as_bytes()),
        };
        FilesObject {
            files: Files::new(&[
                f("config/a.conf", "a=1\nb=2\n"),
                f("config/sub/b.conf", "x"),
                f("README.md", "hi"),
            ]),
            to_yaml: None,
        }
    }

    fn call(obj: &FilesObject, method: &str, arg: &str) -> Value {
        obj.call(method, &[Value::str(arg)]).unwrap().unwrap()
    }

    #[test]
    fn get_and_escape() {
        let f = files();
        assert_eq!(call(&f, "Get", "README.md").go_string(), "hi");
        assert_eq!(call(&f, "Get", "missing").go_string(), "");
        assert_eq!(call(&f, "Get", "../../etc/passwd").go_string(), "");
        assert_eq!(call(&f, "Lines", "config/a.conf").go_string(), "[a=1 b=2]");
        assert_eq!(call(&f, "Lines", "nope").go_string(), "[]");
    }

    #[test]
    fn glob() {
        let f = files();
        let Value::Object(g) = call(&f, "Glob", "config/*") else {
            panic!()
        };
        assert!(g.display().contains("config/a.conf"));
        assert!(!g.display().contains("sub/b.conf"));
        let Value::Object(g) = call(&f, "Glob", "config/**") else {
            panic!()
        };
        assert!(g.display().contains("sub/b.conf"));
    }

    #[test]
    fn base64() {
        assert_eq!(encode_base64(b""), "");
        assert_eq!(encode_base64(b"f"), "Zg==");
        assert_eq!(encode_base64(b"fo"), "Zm8=");
        assert_eq!(encode_base64(b"foo"), "Zm9v");
        assert_eq!(encode_base64(b"hello world"), "aGVsbG8gd29ybGQ=");
    }
}
