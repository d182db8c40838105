//! `chatops_crds::schema` judges manifests as `kubectl apply` would have the
//! API server judge them.
//!
//! - Every chatops document under `examples/` and `tests/fixtures/valid/` is valid.
//! - Every file under `tests/fixtures/invalid/` is refused with exactly the
//!   violations its `# expect: {path}: {message fragment}` lines name, no more.
//!   There is one such file per schema rule, and one per CEL rule in the CRDs
//!   (a test checks that no CEL rule is left without one).
//! - Every CEL rule in the generated CRDs compiles.
//! - Arbitrary JSON never makes the validator panic.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use chatops_crds::{
    AccessGrant, Integration, crd,
    schema::{SchemaViolation, admit, validate_against, validate_object},
};
use kube::CustomResourceExt;
use proptest::prelude::*;
use serde_json::{Value, json};

const API_VERSION: &str = "chatops.dev/v1alpha1";

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures(kind: &str) -> PathBuf {
    crate_dir().join("tests/fixtures").join(kind)
}

/// Every `*.yaml`/`*.yml` file below `dir`, in path order; none when `dir` does not exist.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(yaml_files(&path));
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
    files.sort();
    files
}

fn documents(path: &Path) -> Vec<Value> {
    let text = fs::read_to_string(path).unwrap();
    serde_saphyr::from_multiple::<Value>(&text)
        .unwrap_or_else(|err| panic!("{} is not YAML: {err}", path.display()))
        .into_iter()
        .filter(|document| !document.is_null())
        .collect()
}

fn show(violations: &[SchemaViolation]) -> String {
    violations.iter().map(|v| format!("\n  {v}")).collect()
}

/// Validates every chatops document of `files`; returns how many there were of each kind.
fn check_valid(files: &[PathBuf]) -> BTreeMap<String, usize> {
    let mut per_kind = BTreeMap::new();
    for path in files {
        for document in documents(path) {
            if document["apiVersion"] != API_VERSION {
                continue;
            }
            let kind = document["kind"].as_str().unwrap_or("?").to_owned();
            let name = document["metadata"]["name"].as_str().unwrap_or("?");
            if let Err(violations) = validate_object(&document) {
                panic!(
                    "{}: {kind} {name} is invalid:{}",
                    path.display(),
                    show(&violations)
                );
            }
            *per_kind.entry(kind).or_insert(0) += 1;
        }
    }
    per_kind
}

#[test]
fn examples_and_valid_fixtures_are_valid() {
    let examples = yaml_files(&crate_dir().join("../examples"));
    let from_examples = check_valid(&examples);
    if !examples.is_empty() {
        assert!(
            !from_examples.is_empty(),
            "examples/ exists but holds no {API_VERSION} document: the check would be vacuous"
        );
    }
    let mut per_kind = check_valid(&yaml_files(&fixtures("valid")));
    for (kind, count) in from_examples {
        *per_kind.entry(kind).or_insert(0) += count;
    }
    let total: usize = per_kind.values().sum();
    assert!(total >= 4, "only {total} documents checked");
    for definition in crd::all() {
        let kind = &definition.spec.names.kind;
        assert!(
            per_kind.get(kind).is_some_and(|n| *n > 0),
            "no valid {kind} was checked"
        );
    }
}

#[test]
fn valid_fixtures_cover_every_platform_and_integration_type() {
    let documents: Vec<Value> = yaml_files(&fixtures("valid"))
        .iter()
        .flat_map(|p| documents(p))
        .collect();
    let types_of = |kind: &str| -> Vec<String> {
        let mut types: Vec<String> = documents
            .iter()
            .filter(|d| d["kind"] == kind)
            .filter_map(|d| d["spec"]["type"].as_str().map(str::to_owned))
            .collect();
        types.sort();
        types.dedup();
        types
    };
    let enum_of = |kind: &str| -> Vec<String> {
        let definition = crd::all()
            .into_iter()
            .find(|c| c.spec.names.kind == kind)
            .unwrap();
        let schema = serde_json::to_value(&definition.spec.versions[0].schema).unwrap();
        let mut values: Vec<String> =
            schema["openAPIV3Schema"]["properties"]["spec"]["properties"]["type"]["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
        values.sort();
        values
    };
    assert_eq!(types_of("ChatPlatform"), enum_of("ChatPlatform"));
    assert_eq!(types_of("Integration"), enum_of("Integration"));
}

// --- refused manifests -------------------------------------------------------

/// One `# expect:` line of an invalid fixture: the exact path, and a fragment of the message.
#[derive(Debug)]
struct Expected {
    path: String,
    fragment: String,
}

fn expectations(text: &str) -> Vec<Expected> {
    text.lines()
        .filter_map(|line| line.strip_prefix("# expect: "))
        .map(|line| {
            let (path, fragment) = line.split_once(": ").expect("`# expect: {path}: {message}`");
            Expected {
                path: path.to_owned(),
                fragment: fragment.to_owned(),
            }
        })
        .collect()
}

/// Asserts that the one document of `tests/fixtures/invalid/{file}` is refused
/// with exactly the violations its `# expect:` lines name.
fn assert_refused(file: &str) {
    let path = fixtures("invalid").join(file);
    let text = fs::read_to_string(&path).unwrap();
    let expected = expectations(&text);
    assert!(!expected.is_empty(), "{file} has no `# expect:` line");
    let [document] = &documents(&path)[..] else {
        panic!("{file} should hold one document")
    };
    let violations = validate_object(document).expect_err(&format!("{file} should be refused"));

    let mut unmatched: Vec<&SchemaViolation> = violations.iter().collect();
    for want in &expected {
        let found = unmatched
            .iter()
            .position(|v| v.path == want.path && v.message.contains(&want.fragment))
            .unwrap_or_else(|| {
                panic!(
                    "{file}: no violation `{}: {}…` in:{}",
                    want.path,
                    want.fragment,
                    show(&violations)
                )
            });
        unmatched.remove(found);
    }
    assert!(
        unmatched.is_empty(),
        "{file}: unexpected violations:{}",
        show(&violations)
    );
}

macro_rules! refused {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                assert_refused($file);
            }
        )*
        /// Every invalid fixture, so that a file cannot sit there untested.
        const INVALID_FIXTURES: &[&str] = &[$($file),*];
    };
}

refused! {
    unknown_field_is_refused => "unknown-field.yaml",
    unknown_nested_field_is_refused => "unknown-field-nested.yaml",
    unknown_top_level_field_is_refused => "unknown-field-top-level.yaml",
    grant_type_outside_the_enum_is_refused => "enum-grant-type.yaml",
    platform_type_outside_the_enum_is_refused => "enum-platform-type.yaml",
    command_not_matching_the_pattern_is_refused => "pattern-command.yaml",
    grant_value_with_a_partial_wildcard_is_refused => "pattern-grant-value.yaml",
    secret_name_not_matching_the_pattern_is_refused => "pattern-secret-name.yaml",
    url_without_scheme_is_refused => "pattern-url.yaml",
    email_without_at_is_refused => "pattern-email.yaml",
    missing_required_field_is_refused => "required-grant-name.yaml",
    channel_name_with_two_hashes_is_refused => "pattern-channel-name.yaml",
    missing_spec_is_refused => "required-spec.yaml",
    secret_ref_without_key_is_refused => "required-secret-key.yaml",
    null_required_field_is_missing => "required-null.yaml",
    string_for_integer_is_refused => "type-string-for-integer.yaml",
    fraction_for_integer_is_refused => "type-fraction-for-integer.yaml",
    string_for_boolean_is_refused => "type-string-for-boolean.yaml",
    list_for_object_is_refused => "type-list-for-object.yaml",
    number_below_minimum_is_refused => "range-below-minimum.yaml",
    number_above_maximum_is_refused => "range-above-maximum.yaml",
    negative_number_is_refused => "range-negative.yaml",
    session_cache_above_maximum_is_refused => "range-session-cache.yaml",
    too_long_string_is_refused => "max-length-command.yaml",
    empty_string_under_min_length_is_refused => "min-length-name.yaml",
    empty_list_under_min_items_is_refused => "min-items-slash-tokens.yaml",
    missing_name_is_refused => "metadata-name-missing.yaml",
    invalid_name_is_refused => "metadata-name-invalid.yaml",
    invalid_namespace_is_refused => "metadata-namespace-invalid.yaml",
    unserved_api_version_is_refused => "api-version-not-served.yaml",
    unknown_kind_is_refused => "kind-unknown.yaml",
    cel_slack_needs_its_block => "cel-slack-block-missing.yaml",
    cel_slack_webhooks_need_the_signing_secret => "cel-slack-webhooks-without-signing-secret.yaml",
    cel_slack_socket_mode_needs_the_app_token => "cel-slack-socket-without-app-token.yaml",
    cel_slack_app_token_is_for_socket_mode_only => "cel-slack-app-token-with-webhooks.yaml",
    cel_slack_socket_connections_are_for_socket_mode_only => "cel-slack-socket-connections-with-webhooks.yaml",
    slack_mode_outside_the_enum_is_refused => "enum-slack-mode.yaml",
    socket_connections_above_ten_are_refused => "range-socket-connections.yaml",
    cel_null_block_is_no_block => "cel-slack-block-null.yaml",
    cel_msteams_needs_its_block => "cel-msteams-block-missing.yaml",
    cel_webex_needs_its_block_and_no_other => "cel-webex-block-missing.yaml",
    cel_mattermost_needs_its_block => "cel-mattermost-block-missing.yaml",
    cel_second_block_is_refused => "cel-second-block.yaml",
    cel_wildcard_command_needs_wildcard_subcommand => "cel-grant-wildcard-command.yaml",
    cel_grant_needs_value_or_channel_name => "cel-grant-no-value.yaml",
    cel_grant_takes_value_or_channel_name_not_both => "cel-grant-value-and-channel-name.yaml",
    cel_channel_name_only_for_channel_grants => "cel-grant-channel-name-not-channel.yaml",
    cel_channel_name_needs_a_platform => "cel-grant-channel-name-no-platform.yaml",
    cel_account_link_needs_id_or_email => "cel-account-link-no-id.yaml",
    cel_endpoint_is_required_but_for_meraki => "cel-endpoint-missing.yaml",
    cel_chatops_command_is_reserved => "cel-reserved-command.yaml",
    cel_aci_needs_username_and_password => "cel-aci-credentials.yaml",
    cel_token_types_need_a_token => "cel-token-required.yaml",
    cel_awx_needs_token_or_username_and_password => "cel-awx-credentials.yaml",
    cel_panorama_needs_token_or_username_and_password => "cel-panorama-credentials.yaml",
    cel_cloudvision_needs_token_or_username_and_password => "cel-cloudvision-credentials.yaml",
    cel_tls_ca_and_skip_verify_exclude_each_other => "cel-tls-exclusive.yaml",
    duplicate_token_for_one_integration_is_refused => "list-map-duplicate-token.yaml",
    cel_awx_settings_only_for_awx => "cel-awx-settings-on-other-type.yaml",
    cel_nso_settings_only_for_nso => "cel-nso-settings-on-other-type.yaml",
    cel_nso_needs_a_login => "cel-nso-credentials.yaml",
    nso_command_sets_run_show_commands_only => "pattern-nso-command.yaml",
    cel_ipfabric_settings_only_for_ipfabric => "cel-ipfabric-settings-on-other-type.yaml",
    ipfabric_snapshot_is_a_name_or_an_id => "pattern-ipfabric-snapshot.yaml",
    cel_grafana_settings_only_for_grafana => "cel-grafana-settings-on-other-type.yaml",
    cel_grafana_needs_its_panels => "cel-grafana-settings-missing.yaml",
    cel_grafana_choices_and_nautobot_exclude_each_other => "cel-grafana-choices-and-nautobot.yaml",
    cel_grafana_variable_not_asked_needs_a_default => "cel-grafana-hidden-variable-without-default.yaml",
    cel_grafana_default_is_one_of_the_choices => "cel-grafana-default-not-a-choice.yaml",
    duplicate_panel_id_is_refused => "list-map-duplicate-panel.yaml",
    duplicate_variable_name_is_refused => "list-map-duplicate-variable.yaml",
}

#[test]
fn every_invalid_fixture_has_a_test() {
    let on_disk: Vec<String> = yaml_files(&fixtures("invalid"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let mut listed: Vec<String> = INVALID_FIXTURES.iter().map(|f| f.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "list every file of tests/fixtures/invalid/ in `refused!`"
    );
}

// --- CEL rules ------------------------------------------------------------------

/// Every `x-kubernetes-validations` entry of every generated CRD, with the kind it is in.
fn cel_rules() -> Vec<(String, Value)> {
    fn collect(kind: &str, schema: &Value, into: &mut Vec<(String, Value)>) {
        match schema {
            Value::Object(fields) => {
                for (key, value) in fields {
                    if key == "x-kubernetes-validations" {
                        for rule in value.as_array().into_iter().flatten() {
                            into.push((kind.to_owned(), rule.clone()));
                        }
                    } else {
                        collect(kind, value, into);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| collect(kind, item, into)),
            _ => {}
        }
    }
    let mut rules = Vec::new();
    for definition in crd::all() {
        for version in &definition.spec.versions {
            let schema = serde_json::to_value(&version.schema).unwrap();
            collect(&definition.spec.names.kind, &schema, &mut rules);
        }
    }
    rules
}

#[test]
fn every_cel_rule_compiles() {
    let rules = cel_rules();
    assert!(
        rules.len() >= 15,
        "expected the 15 rules of the four CRDs, found {}",
        rules.len()
    );
    for (kind, rule) in rules {
        let compiled = kube::core::cel::compile_schema(&json!({"x-kubernetes-validations": [rule.clone()]}));
        let errors: Vec<String> = compiled
            .compilation_errors()
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{kind}: rule {rule} does not compile: {errors:?}"
        );
        assert!(
            rule["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{kind}: rule {rule} has no message"
        );
    }
}

#[test]
fn every_cel_rule_is_broken_by_some_invalid_fixture() {
    let expected_messages: Vec<String> = INVALID_FIXTURES
        .iter()
        .flat_map(|file| expectations(&fs::read_to_string(fixtures("invalid").join(file)).unwrap()))
        .map(|e| e.fragment)
        .collect();
    for (kind, rule) in cel_rules() {
        let message = rule["message"].as_str().unwrap_or_default();
        assert!(
            expected_messages.iter().any(|m| m.contains(message)),
            "{kind}: no fixture in tests/fixtures/invalid/ breaks the rule {rule}"
        );
    }
}

// --- single behaviours, inline -----------------------------------------------------

fn nautobot() -> Value {
    json!({
        "apiVersion": API_VERSION,
        "kind": "Integration",
        "metadata": {"name": "nautobot", "namespace": "chatops"},
        "spec": {
            "type": "nautobot",
            "endpoint": "https://nautobot.example.com",
            "credentials": {"tokenRef": {"name": "nautobot", "key": "token"}},
        },
    })
}

fn violations(object: &Value) -> Vec<String> {
    match validate_object(object) {
        Ok(()) => Vec::new(),
        Err(violations) => violations.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_token_type_needs_a_token() {
    for integration_type in ["nautobot", "grafana", "ipfabric", "meraki", "slurpit"] {
        let mut object = nautobot();
        object["spec"]["type"] = json!(integration_type);
        object["spec"]["credentials"] = json!({});
        if integration_type == "grafana" {
            object["spec"]["grafana"] =
                grafana_with_variable(json!({"name": "device"}))["spec"]["grafana"].take();
        }
        assert_eq!(
            violations(&object),
            [r#"spec: Invalid value: "object": credentials.tokenRef is required for this type"#],
            "{integration_type}"
        );
    }
}

/// A grafana Integration whose one panel has the variable `variable`.
fn grafana_with_variable(variable: Value) -> Value {
    let mut object = nautobot();
    object["metadata"]["name"] = json!("grafana");
    object["spec"]["type"] = json!("grafana");
    object["spec"]["grafana"] = json!({"dashboards": [{
        "uid": "net-if-traffic",
        "slug": "interface-traffic",
        "panels": [{"command": "interface-traffic", "id": 1, "variables": [variable]}],
    }]});
    object
}

#[test]
fn grafana_variable_rules_hold_when_the_optional_fields_are_absent_or_empty() {
    for accepted in [
        json!({"name": "device"}),
        json!({"name": "device", "choices": []}),
        json!({"name": "device", "default": "nyc-rtr-01"}),
        json!({"name": "device", "default": "nyc-rtr-01", "choices": []}),
        json!({"name": "device", "default": "nyc-rtr-01", "choices": ["nyc-rtr-01"], "ask": false}),
        json!({"name": "device", "choices": [], "nautobot": {"integration": "nautobot", "objects": "devices"}}),
        json!({"name": "device", "ask": true}),
    ] {
        assert_eq!(
            violations(&grafana_with_variable(accepted.clone())),
            Vec::<String>::new(),
            "{accepted}"
        );
    }
    let at = "spec.grafana.dashboards[0].panels[0].variables[0]";
    for (refused, message) in [
        (
            json!({"name": "env", "ask": false}),
            "a variable that is not asked needs a default",
        ),
        (
            json!({"name": "env", "ask": false, "choices": ["prod"]}),
            "a variable that is not asked needs a default",
        ),
        (
            json!({"name": "afi", "default": "ipv5", "choices": ["ipv4"]}),
            "default must be one of choices",
        ),
        (
            json!({"name": "device", "choices": ["a"], "nautobot": {"integration": "nautobot", "objects": "devices"}}),
            "choices and nautobot exclude each other",
        ),
    ] {
        assert_eq!(
            violations(&grafana_with_variable(refused.clone())),
            [format!(r#"{at}: Invalid value: "object": {message}"#)],
            "{refused}"
        );
    }
}

#[test]
fn too_many_items_are_refused() {
    let tokens: Vec<Value> = (0..65)
        .map(|i| json!({"integration": format!("i{i}"), "tokenRef": {"name": "tokens", "key": format!("k{i}")}}))
        .collect();
    let link = json!({
        "apiVersion": API_VERSION,
        "kind": "AccountLink",
        "metadata": {"name": "alice"},
        "spec": {"platform": "slack", "chatUserId": "U1", "user": "alice", "tokens": tokens},
    });
    let found = violations(&link);
    assert_eq!(found[0], "spec.tokens: Too many: 65: must have at most 64 items");
    assert!(found[1].starts_with("<nil>: Invalid value: \"null\": some validation rules were not checked"));
}

#[test]
fn status_is_ignored() {
    let mut object = nautobot();
    object["status"] = json!({"conditions": "not even a list", "whatever": 1});
    assert_eq!(violations(&object), Vec::<String>::new());
    assert!(admit(&object).unwrap().get("status").is_none());
}

#[test]
fn whole_floats_are_integers_and_admitted_as_such() {
    let mut object = nautobot();
    object["spec"]["timeoutSeconds"] = json!(30.0);
    let admitted = admit(&object).unwrap();
    assert_eq!(admitted["spec"]["timeoutSeconds"], json!(30));
    assert!(admitted["spec"]["timeoutSeconds"].is_u64());
}

#[test]
fn defaults_are_applied_and_nulls_without_one_dropped() {
    let mut object = nautobot();
    object["spec"]["tls"] = json!({"caRef": null});
    object["spec"]["command"] = Value::Null;
    let admitted = admit(&object).expect("nullable fields may be null");
    assert_eq!(admitted["spec"]["timeoutSeconds"], json!(30));
    assert_eq!(
        admitted["spec"]["tls"],
        json!({"caRef": null, "insecureSkipVerify": false})
    );

    let grant = json!({
        "apiVersion": API_VERSION,
        "kind": "AccessGrant",
        "metadata": {"name": "g"},
        "spec": {"command": "nautobot", "grantType": "user", "name": "a", "value": "U1"},
    });
    assert_eq!(admit(&grant).unwrap()["spec"]["subcommand"], json!("*"));

    let platform = json!({
        "apiVersion": API_VERSION,
        "kind": "ChatPlatform",
        "metadata": {"name": "p"},
        "spec": {
            "type": "webex",
            "webex": {"botTokenRef": {"name": "w", "key": "b"}, "webhookSecretRef": {"name": "w", "key": "s"}},
            "restrictHelp": null,
        },
    });
    let admitted = admit(&platform).expect("a null with a default takes the default");
    assert_eq!(admitted["spec"]["restrictHelp"], json!(false));
    assert_eq!(admitted["spec"]["commandPrefix"], json!("/"));
    assert_eq!(admitted["spec"]["sessionCacheTimeoutSeconds"], json!(86400));
}

#[test]
fn other_kinds_and_non_objects_are_refused() {
    let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}});
    let found = violations(&secret);
    assert_eq!(found.len(), 2);
    assert!(
        found[0]
            .starts_with(r#"apiVersion: Unsupported value: "v1": supported values: "chatops.dev/v1alpha1""#)
    );
    assert!(found[1].starts_with(r#"kind: Unsupported value: "Secret""#));
    assert_eq!(
        violations(&json!({})),
        ["apiVersion: Required value", "kind: Required value"]
    );
    assert_eq!(
        violations(&json!("text")),
        [r#"<nil>: Invalid value: "string": must be of type object"#]
    );
    assert_eq!(
        violations(&Value::Null),
        [r#"<nil>: Invalid value: "null": must be of type object"#]
    );
}

#[test]
fn validate_against_checks_the_kind_of_the_given_crd() {
    let grants = AccessGrant::crd();
    let found = validate_against(&grants, &nautobot()).unwrap_err();
    assert!(
        found
            .iter()
            .any(|v| v.path == "kind" && v.message.contains(r#"supported values: "AccessGrant""#))
    );
    assert!(
        found
            .iter()
            .any(|v| v.path == "spec.type" && v.message == "unknown field")
    );
}

#[test]
fn validate_against_a_changed_crd_does_not_use_a_stale_cache() {
    let mut integrations = Integration::crd();
    assert!(validate_against(&integrations, &nautobot()).is_ok());
    let schema = integrations.spec.versions[0]
        .schema
        .as_mut()
        .unwrap()
        .open_api_v3_schema
        .as_mut()
        .unwrap();
    let spec = schema.properties.as_mut().unwrap().get_mut("spec").unwrap();
    spec.required.as_mut().unwrap().push("tls".to_owned());
    let found = validate_against(&integrations, &nautobot()).unwrap_err();
    assert_eq!(found[0].to_string(), "spec.tls: Required value");
    assert!(validate_object(&nautobot()).is_ok(), "our own CRD is unchanged");
}

#[test]
fn violations_display_as_path_and_message() {
    let violation = SchemaViolation {
        path: "spec.value".to_owned(),
        message: "Required value".to_owned(),
    };
    assert_eq!(violation.to_string(), "spec.value: Required value");
}

// --- never panics ----------------------------------------------------------------

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("*"),
            Just("slack"),
            Just("msteams"),
            Just("webex"),
            Just("mattermost"),
            Just("nautobot"),
            Just("awx"),
            Just("aci"),
            Just("meraki"),
            Just("chatops"),
            Just("user"),
            Just("https://x.example.com"),
            Just("")
        ]
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(field_name(), inner, 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Field names the schemas use, so that random objects reach deep into them, and some they do not.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "type",
            "slack",
            "msteams",
            "webex",
            "mattermost",
            "url",
            "slashTokenRefs",
            "botTokenRef",
            "signingSecretRef",
            "appId",
            "appPasswordRef",
            "webhookSecretRef",
            "name",
            "key",
            "command",
            "subcommand",
            "grantType",
            "value",
            "platform",
            "chatUserId",
            "email",
            "channelName",
            "user",
            "tokens",
            "integration",
            "tokenRef",
            "endpoint",
            "credentials",
            "usernameRef",
            "passwordRef",
            "tls",
            "caRef",
            "insecureSkipVerify",
            "timeoutSeconds",
            "commandPrefix",
            "fallbackUser",
            "restrictHelp",
            "sessionCacheTimeoutSeconds",
            "status",
            "conditions",
            "awx",
            "grafana",
            "dashboards",
            "panels",
            "variables",
            "choices",
            "default",
            "ask",
            "nautobot",
        ])
        .prop_map(str::to_owned),
        "[a-zA-Z.]{0,6}",
    ]
}

fn our_object() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["ChatPlatform", "AccessGrant", "AccountLink", "Integration"]),
        prop_oneof![Just(json!({"name": "x"})), any_json()],
        any_json(),
        any_json(),
    )
        .prop_map(|(kind, metadata, spec, status)| {
            json!({"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec, "status": status})
        })
}

/// Every JSON pointer into `value`, the root included.
fn pointers(value: &Value, at: String, into: &mut Vec<String>) {
    match value {
        Value::Object(fields) => fields
            .iter()
            .for_each(|(k, v)| pointers(v, format!("{at}/{k}"), into)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| pointers(v, format!("{at}/{i}"), into)),
        _ => {}
    }
    into.push(at);
}

/// A valid fixture with one value replaced by random JSON, or removed: close
/// enough to valid that the CEL rules run on odd data.
fn mutated_fixture() -> impl Strategy<Value = Value> {
    let valid: Vec<Value> = yaml_files(&fixtures("valid"))
        .iter()
        .flat_map(|p| documents(p))
        .collect();
    (
        prop::sample::select(valid),
        any::<prop::sample::Index>(),
        prop::option::of(any_json()),
    )
        .prop_map(|(mut document, index, replacement)| {
            let mut all = Vec::new();
            pointers(&document, String::new(), &mut all);
            let pointer = index.get(&all).clone();
            match (replacement, pointer.rsplit_once('/')) {
                (Some(value), _) => {
                    if let Some(slot) = document.pointer_mut(&pointer) {
                        *slot = value;
                    }
                }
                (None, Some((parent, key))) => match document.pointer_mut(parent) {
                    Some(Value::Object(fields)) => {
                        fields.remove(key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>() {
                            items.remove(i);
                        }
                    }
                    _ => {}
                },
                (None, None) => {}
            }
            document
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mutated_fixtures_never_panic(object in mutated_fixture()) {
        if let Err(violations) = validate_object(&object) {
            prop_assert!(!violations.is_empty());
            prop_assert!(
                violations.iter().all(|v| !v.message.contains("could not be checked")),
                "a rule failed to evaluate: {}", show(&violations)
            );
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        let _ = validate_object(&value);
    }

    #[test]
    fn arbitrary_specs_never_panic(object in our_object()) {
        if let Err(violations) = validate_object(&object) {
            prop_assert!(!violations.is_empty());
            prop_assert!(violations.iter().all(|v| !v.path.is_empty() && !v.message.is_empty()));
        }
    }
}
