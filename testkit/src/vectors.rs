//! The chat-protocol test vectors, recorded with each platform's official SDK:
//! the one loader and the accessors every platform's vector tests share.
//!
//! They are `testkit/vectors/`, a copy of the team's `shared/vectors/` (which
//! sits beside the repository on the team's machines) kept in the repository so
//! that a clone alone, such as the GitHub Actions CI, runs every vector.
//! [`tests::the_copy_is_the_shared_vectors`] fails when the two drift apart.

use std::path::PathBuf;

use serde_json::Value;

/// The vector file of `platform` (`slack`, `teams`, `webex`, `mattermost`).
pub fn path(platform: &str) -> PathBuf {
    crate::workspace_root().join(format!("testkit/vectors/{platform}.json"))
}

/// The whole vector file of `platform`.
pub fn file(platform: &str) -> Value {
    let path = path(platform);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The team's `shared/vectors/` beside the repository, where it is there.
    fn shared_dir() -> Option<PathBuf> {
        let dir = crate::workspace_root().join("../shared/vectors");
        dir.is_dir().then_some(dir)
    }

    #[test]
    fn the_copy_is_the_shared_vectors() {
        // A clone on its own (GitHub Actions) has no shared/ to compare with.
        let Some(shared) = shared_dir() else { return };
        for platform in ["slack", "teams", "webex", "mattermost"] {
            let theirs = std::fs::read(shared.join(format!("{platform}.json"))).expect("shared vector file");
            let ours = std::fs::read(path(platform)).expect("testkit vector file");
            assert!(
                theirs == ours,
                "testkit/vectors/{platform}.json differs from shared/vectors/{platform}.json: copy it again"
            );
        }
    }

    #[test]
    fn every_platform_has_its_vectors() {
        for platform in ["slack", "teams", "webex", "mattermost"] {
            assert!(!inbound(platform, 3).is_empty());
        }
    }
}
