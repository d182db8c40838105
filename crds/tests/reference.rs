//! `docs/reference.md` must be exactly what `reference::markdown` makes of the CRDs.
//! When this fails, run `cargo run -p chatops-operator -- crdgen --reference docs/reference.md`
//! and commit.

use std::{fs, path::Path};

use chatops_crds::{crd, reference};

#[test]
fn checked_in_reference_matches_the_crds() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/reference.md");
    let on_disk = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == reference::markdown(&crd::all()),
        "docs/reference.md differs from the CRDs: run `{}`",
        reference::REGENERATE
    );
}

#[test]
fn every_kind_and_rule_is_in_the_reference() {
    let text = reference::markdown(&crd::all());
    for definition in crd::all() {
        assert!(text.contains(&format!("\n## {}\n", definition.spec.names.kind)));
    }
    for path in [
        "`spec.msteams.extraIssuers[].issuer`",
        "`spec.mattermost.slashTokenRefs[].key`",
        "`spec.tls.insecureSkipVerify`",
        "`status.conditions[].reason`",
    ] {
        assert!(text.contains(path), "{path} missing");
    }
    assert!(text.contains("caRef and insecureSkipVerify exclude each other"));
    assert!(text.contains("spec.slack is required when type is slack and not allowed otherwise"));
}
