//! The CRD YAML checked in under `crds/yaml/` must be exactly what the types generate.
//! When this fails, run `cargo run -p chatops-operator -- crdgen crds/yaml` and commit.

use std::{collections::BTreeSet, fs, path::Path};

use chatops_crds::{AccessGrant, ChatPlatform, crd};
use kube::CustomResourceExt;

#[test]
fn checked_in_crds_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("yaml");
    let expected: BTreeSet<String> = crd::all().iter().map(crd::file_name).collect();
    let present: BTreeSet<String> = fs::read_dir(&dir)
        .expect("crds/yaml exists")
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        present, expected,
        "crds/yaml holds other files than the generated ones"
    );

    for definition in crd::all() {
        let name = crd::file_name(&definition);
        let on_disk = fs::read_to_string(dir.join(&name)).unwrap();
        assert!(
            on_disk == crd::to_yaml(&definition),
            "crds/yaml/{name} differs from the types: run `cargo run -p chatops-operator -- crdgen crds/yaml`"
        );
    }
}

#[test]
fn every_crd_has_status_columns_short_names_and_the_chatops_category() {
    for definition in crd::all() {
        let names = &definition.spec.names;
        assert_eq!(definition.spec.group, "chatops.dev");
        assert_eq!(definition.spec.scope, "Namespaced");
        assert_eq!(
            names.categories.as_deref(),
            Some(&["chatops".to_owned()][..]),
            "{}",
            names.kind
        );
        assert!(
            names.short_names.as_ref().is_some_and(|s| !s.is_empty()),
            "{}",
            names.kind
        );
        let version = &definition.spec.versions[0];
        assert_eq!(version.name, "v1alpha1");
        assert!(
            version
                .subresources
                .as_ref()
                .and_then(|s| s.status.as_ref())
                .is_some(),
            "{}",
            names.kind
        );
        let columns: Vec<&str> = version
            .additional_printer_columns
            .iter()
            .flatten()
            .map(|c| c.name.as_str())
            .collect();
        assert!(
            columns.contains(&"Ready") && columns.contains(&"Age"),
            "{}: {columns:?}",
            names.kind
        );
    }
}

#[test]
fn access_grant_columns_make_kubectl_get_useful() {
    let grant = AccessGrant::crd();
    let names: Vec<String> = grant.spec.versions[0]
        .additional_printer_columns
        .iter()
        .flatten()
        .filter(|c| c.priority.unwrap_or(0) == 0)
        .map(|c| c.name.clone())
        .collect();
    assert_eq!(
        names,
        ["Command", "Subcommand", "Type", "Name", "Value", "Ready", "Age"]
    );
}

#[test]
fn nautobot_chatops_settings_have_the_same_defaults() {
    let platform = ChatPlatform::crd();
    let schema = serde_json::to_value(&platform.spec.versions[0].schema).unwrap();
    let spec = &schema["openAPIV3Schema"]["properties"]["spec"]["properties"];
    assert_eq!(spec["deleteInputOnSubmission"]["default"], false);
    assert_eq!(spec["restrictHelp"]["default"], false);
    assert_eq!(spec["sendAllMessagesPrivate"]["default"], false);
    assert_eq!(spec["fallbackUser"]["default"], "chatbot");
    assert_eq!(spec["sessionCacheTimeoutSeconds"]["default"], 86400);
    assert_eq!(spec["commandPrefix"]["default"], "/");
}
