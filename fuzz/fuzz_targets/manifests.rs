//! Manifests: a YAML stream as the gateway's `--manifests DIR` and
//! `chatops-operator render` read each file (schema and CEL checks of every
//! chatops document, Secrets), then `crds::compile` of what was accepted.
//! A bad document must be refused alone, never panic.
#![no_main]

use chatops_crds::manifests::Loaded;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut loaded = Loaded::default();
    if loaded.add_yaml("fuzz.yaml", text, "chatops").is_ok() {
        loaded.compile();
    }
});
