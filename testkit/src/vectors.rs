//! The chat-protocol test vectors of `shared/vectors/` (beside the
//! repository's root folder), recorded with each platform's official SDK:
//! the one loader and the accessors every platform's vector tests share.

use std::path::PathBuf;

use serde_json::Value;

/// The vector file of `platform` (`slack`, `teams`, `webex`, `mattermost`).
pub fn path(platform: &str) -> PathBuf {
    crate::workspace_root().join(format!("../shared/vectors/{platform}.json"))
}

/// The whole vector file of `platform`.
pub fn file(platform: &str) -> Value {
    let path = path(platform);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (shared/ must sit beside the repository)", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{platform}.json is not JSON: {e}"))
}

/// The inbound cases of `platform`'s file. Fewer than `min_cases` means the
/// file was truncated or replaced: the tests must not pass by checking nothing.
pub fn inbound(platform: &str, min_cases: usize) -> Vec<Value> {
    let cases = file(platform)["inbound"]
        .as_array()
        .unwrap_or_else(|| panic!("{platform}.json has inbound cases"))
        .clone();
    assert!(
        cases.len() >= min_cases,
        "only {} inbound cases in {}",
        cases.len(),
        path(platform).display()
    );
    cases
}

/// The string at the JSON `pointer` of `case`; a panic naming the case if there is none.
pub fn str_at<'a>(case: &'a Value, pointer: &str) -> &'a str {
    case.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{}: no string at {pointer}", name(case)))
}

/// The case's `name`, which says what its verdict hinges on (`NEG_` cases are refused).
pub fn name(case: &Value) -> &str {
    case["name"].as_str().unwrap_or("?")
}

/// A header of the case's recorded request by name, ignoring case as HTTP does.
pub fn header<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    case["headers"]
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))?
        .1
        .as_str()
}
