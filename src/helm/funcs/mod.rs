//! Sprig's and Helm's template functions, by name.
//!
//! The engine owns Go's builtins (`and`, `or`, `not`, `eq`, `len`, `index`,
//! `print`, `printf`, …) and the functions that need it (`include`, `tpl`,
//! `template`); everything else a chart calls is here, behind `lookup`.
//!
//! Errors are the message alone, with Go's or Sprig's text; the engine says
//! where. Messages that `text/template` itself gives when it checks arguments
//! start with `wrong number of args for`, `wrong type for value`: the engine
//! prints those without the `error calling NAME:` prefix it puts before the
//! others.
//!
//! Where a render here differs from Helm's, on purpose:
//! - Nothing depends on the machine or the moment: `now` is `FuncCx::clock`,
//!   random strings, UUIDs, passwords, keys and certificates come from the
//!   seeded generator, dates are in UTC whatever zone is named, and
//!   `getHostByName` resolves nothing.
//! - Certificates and keys are well-formed DER of Sprig's sizes with random
//!   numbers in them: no RSA key is generated and nothing is signed (see
//!   `random`). `encryptAES` gives ciphertext of the right length;
//!   `decryptAES` gives an empty string.
//! - `keys` and `values` come in key order; Go's map order is random.
//! - Lists are `[]interface {}` to `typeOf`, also where Sprig returns a
//!   `[]string` (`splitList`, `keys`, `sortAlpha`, `toStrings`).
//! - A nil argument to a map parameter is a nil map, as Go treats a
//!   parenthesised pipeline that gave nothing; Go rejects a bare missing
//!   field there, which this cannot tell apart.
//! - `snakecase`, `kebabcase` and `camelcase` split words like xstrings for
//!   identifiers; punctuation and runs of `_` are not kept as xstrings keeps
//!   them. `nospace` works on characters where goutils works on bytes.

mod args;
mod dates;
mod dicts;
mod encoding;
mod flow;
mod json;
mod lists;
mod math;
mod misc;
mod random;
mod regex;
mod semver;
mod strings;
mod yaml_out;

use crate::helm::value::{Func, FuncCx, Value};

pub use json::encode as to_json_text;
pub use yaml_out::to_yaml as to_yaml_text;

/// The function a template calls by `name`.
pub fn lookup(name: &str) -> Option<Func> {
    TABLE
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| TABLE[i].1)
}

/// Every name, sorted (a test checks it).
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|(n, _)| *n)
}

fn to_yaml(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    args::want("toYaml", a, 1)?;
    Ok(match yaml_out::to_yaml(cx, &a[0]) {
        Ok(s) => Value::Str(s),
        Err(_) => Value::str(""),
    })
}

fn must_to_yaml(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    args::want("mustToYaml", a, 1)?;
    Ok(Value::Str(yaml_out::to_yaml(cx, &a[0])?))
}

fn to_yaml_pretty(cx: &mut FuncCx, a: &[Value]) -> Result<Value, String> {
    args::want("toYamlPretty", a, 1)?;
    Ok(match yaml_out::to_yaml_pretty(cx, &a[0]) {
        Ok(s) => Value::Str(s),
        Err(_) => Value::str(""),
    })
}

static TABLE: &[(&str, Func)] = &[
    ("abbrev", strings::abbrev),
    ("abbrevboth", strings::abbrevboth),
    ("add", math::add),
    ("add1", math::add1),
    ("add1f", math::add1f),
    ("addf", math::addf),
    ("adler32sum", encoding::adler32sum),
    ("ago", dates::ago),
    ("all", flow::all),
    ("any", flow::any),
    ("append", lists::push),
    ("atoi", flow::atoi),
    ("b32dec", encoding::b32dec),
    ("b32enc", encoding::b32enc),
    ("b64dec", encoding::b64dec),
    ("b64enc", encoding::b64enc),
    ("base", strings::base),
    ("bcrypt", random::bcrypt),
    ("biggest", math::max),
    ("buildCustomCert", random::build_custom_cert),
    ("camelcase", strings::camelcase),
    ("cat", strings::cat),
    ("ceil", math::ceil),
    ("chunk", lists::chunk),
    ("clean", strings::clean),
    ("coalesce", flow::coalesce),
    ("compact", lists::compact),
    ("concat", lists::concat),
    ("contains", strings::contains),
    ("date", dates::date),
    ("dateInZone", dates::date_in_zone),
    ("dateModify", dates::date_modify),
    ("date_in_zone", dates::date_in_zone),
    ("date_modify", dates::date_modify),
    ("decryptAES", random::decrypt_aes),
    ("deepCopy", dicts::deep_copy),
    ("deepEqual", flow::deep_equal_fn),
    ("default", flow::default),
    ("derivePassword", random::derive_password),
    ("dict", dicts::dict),
    ("dig", dicts::dig),
    ("dir", strings::dir),
    ("div", math::div),
    ("divf", math::divf),
    ("duration", dates::duration),
    ("durationRound", dates::duration_round),
    ("empty", flow::empty),
    ("encryptAES", random::encrypt_aes),
    ("ext", strings::ext),
    ("fail", flow::fail),
    ("first", lists::first),
    ("float64", flow::to_float64),
    ("floor", math::floor),
    ("fromJson", json::from_json),
    ("fromJsonArray", json::from_json_array),
    ("fromYaml", json::from_yaml),
    ("fromYamlArray", json::from_yaml_array),
    ("genCA", random::gen_ca),
    ("genCAWithKey", random::gen_ca_with_key),
    ("genPrivateKey", random::gen_private_key),
    ("genSelfSignedCert", random::gen_self_signed_cert),
    (
        "genSelfSignedCertWithKey",
        random::gen_self_signed_cert_with_key,
    ),
    ("genSignedCert", random::gen_signed_cert),
    ("genSignedCertWithKey", random::gen_signed_cert_with_key),
    ("get", dicts::get),
    ("getHostByName", misc::get_host_by_name),
    ("has", lists::has),
    ("hasKey", dicts::has_key),
    ("hasPrefix", strings::has_prefix),
    ("hasSuffix", strings::has_suffix),
    ("hello", misc::hello),
    ("htmlDate", dates::html_date),
    ("htmlDateInZone", dates::html_date_in_zone),
    ("htpasswd", random::htpasswd),
    ("indent", strings::indent),
    ("initial", lists::initial),
    ("initials", strings::initials),
    ("int", flow::to_int),
    ("int64", flow::to_int64),
    ("isAbs", strings::is_abs),
    ("join", strings::join),
    ("kebabcase", strings::kebabcase),
    ("keys", dicts::keys),
    ("kindIs", flow::kind_is),
    ("kindOf", flow::kind_of),
    ("last", lists::last),
    ("list", lists::list),
    ("lookup", flow::lookup),
    ("lower", strings::lower),
    ("max", math::max),
    ("maxf", math::maxf),
    ("merge", dicts::merge),
    ("mergeOverwrite", dicts::merge_overwrite),
    ("min", math::min),
    ("minf", math::minf),
    ("mod", math::modulo),
    ("mul", math::mul),
    ("mulf", math::mulf),
    ("mustAppend", lists::push),
    ("mustChunk", lists::chunk),
    ("mustCompact", lists::compact),
    ("mustDateModify", dates::must_date_modify),
    ("mustDeepCopy", dicts::deep_copy),
    ("mustFirst", lists::first),
    ("mustFromJson", json::must_from_json),
    ("mustHas", lists::has),
    ("mustInitial", lists::initial),
    ("mustLast", lists::last),
    ("mustMerge", dicts::must_merge),
    ("mustMergeOverwrite", dicts::must_merge_overwrite),
    ("mustPrepend", lists::prepend),
    ("mustPush", lists::push),
    ("mustRegexFind", regex::regex_find),
    ("mustRegexFindAll", regex::regex_find_all),
    ("mustRegexMatch", regex::must_regex_match),
    ("mustRegexReplaceAll", regex::regex_replace_all),
    (
        "mustRegexReplaceAllLiteral",
        regex::regex_replace_all_literal,
    ),
    ("mustRegexSplit", regex::regex_split),
    ("mustRest", lists::rest),
    ("mustReverse", lists::reverse),
    ("mustSlice", lists::slice),
    ("mustToDate", dates::must_to_date),
    ("mustToJson", json::must_to_json),
    ("mustToPrettyJson", json::must_to_pretty_json),
    ("mustToRawJson", json::must_to_raw_json),
    ("mustToYaml", must_to_yaml),
    ("mustUniq", lists::uniq),
    ("mustWithout", lists::without),
    ("must_date_modify", dates::must_date_modify),
    ("nindent", strings::nindent),
    ("nospace", strings::nospace),
    ("now", dates::now),
    ("omit", dicts::omit),
    ("osBase", strings::base),
    ("osClean", strings::clean),
    ("osDir", strings::dir),
    ("osExt", strings::ext),
    ("osIsAbs", strings::is_abs),
    ("pick", dicts::pick),
    ("pluck", dicts::pluck),
    ("plural", strings::plural),
    ("prepend", lists::prepend),
    ("push", lists::push),
    ("quote", strings::quote),
    ("randAlpha", random::rand_alpha),
    ("randAlphaNum", random::rand_alpha_num),
    ("randAscii", random::rand_ascii),
    ("randBytes", random::rand_bytes),
    ("randInt", math::rand_int),
    ("randNumeric", random::rand_numeric),
    ("regexFind", regex::regex_find),
    ("regexFindAll", regex::regex_find_all),
    ("regexMatch", regex::regex_match),
    ("regexQuoteMeta", regex::regex_quote_meta),
    ("regexReplaceAll", regex::regex_replace_all),
    ("regexReplaceAllLiteral", regex::regex_replace_all_literal),
    ("regexSplit", regex::regex_split),
    ("repeat", strings::repeat),
    ("replace", strings::replace),
    ("required", flow::required),
    ("rest", lists::rest),
    ("reverse", lists::reverse),
    ("round", math::round),
    ("semver", semver::semver),
    ("semverCompare", semver::semver_compare),
    ("seq", strings::seq),
    ("set", dicts::set),
    ("sha1sum", encoding::sha1sum),
    ("sha256sum", encoding::sha256sum),
    ("sha512sum", encoding::sha512sum),
    ("shuffle", strings::shuffle),
    ("slice", lists::slice),
    ("snakecase", strings::snakecase),
    ("sortAlpha", strings::sort_alpha),
    ("split", strings::split),
    ("splitList", strings::split_list),
    ("splitn", strings::splitn),
    ("squote", strings::squote),
    ("sub", math::sub),
    ("subf", math::subf),
    ("substr", strings::substr),
    ("swapcase", strings::swapcase),
    ("ternary", flow::ternary),
    ("title", strings::title),
    ("toDate", dates::to_date),
    ("toDecimal", flow::to_decimal),
    ("toJson", json::to_json),
    ("toPrettyJson", json::to_pretty_json),
    ("toRawJson", json::to_raw_json),
    ("toString", strings::to_string),
    ("toStrings", strings::to_strings),
    ("toToml", misc::to_toml),
    ("toYaml", to_yaml),
    ("toYamlPretty", to_yaml_pretty),
    ("trim", strings::trim),
    ("trimAll", strings::trim_all),
    ("trimPrefix", strings::trim_prefix),
    ("trimSuffix", strings::trim_suffix),
    ("trimall", strings::trim_all),
    ("trunc", strings::trunc),
    ("tuple", lists::list),
    ("typeIs", flow::type_is),
    ("typeIsLike", flow::type_is_like),
    ("typeOf", flow::type_of),
    ("uniq", lists::uniq),
    ("unixEpoch", dates::unix_epoch),
    ("unset", dicts::unset),
    ("until", lists::until),
    ("untilStep", lists::until_step_fn),
    ("untitle", strings::untitle),
    ("upper", strings::upper),
    ("urlJoin", misc::url_join),
    ("urlParse", misc::url_parse),
    ("uuidv4", random::uuidv4),
    ("values", dicts::values),
    ("without", lists::without),
    ("wrap", strings::wrap),
    ("wrapWith", strings::wrap_with),
];

#[cfg(test)]
mod tests;
