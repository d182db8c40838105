//! Validating a manifest the way `kubectl apply` (server-side, field
//! validation Strict) has the API server validate it, for the modes with no
//! API server in front: the gateway's `--manifests DIR` and tests.
//!
//! For an object of one of our kinds, in the API server's order:
//!
//! 1. `apiVersion` must be `{group}/{version}` of a served version and `kind`
//!    the CRD's kind; `metadata` must be an object with a valid `name` (RFC 1123
//!    subdomain) and, optionally, `namespace` (RFC 1123 label). The rest of
//!    `metadata` is not looked at.
//! 2. `status` is dropped: the kinds have a status subresource, so the API
//!    server ignores it on create, and GitOps manifests carry none.
//! 3. Nulls the schema does not allow are dropped and defaults filled in, as
//!    the API server does while decoding (a required field set to `null` is
//!    then missing; an optional one is absent; one with a default takes it).
//! 4. The `openAPIV3Schema` checks: types, `nullable`, `required`, `enum`,
//!    `pattern`, lengths (in code points), ranges, item counts, list-map key
//!    uniqueness, `date-time`, and unknown fields, which strict field
//!    validation refuses unless `x-kubernetes-preserve-unknown-fields` or
//!    `additionalProperties` allows them.
//! 5. The CEL rules (`x-kubernetes-validations`), through kube-cel, unless
//!    step 4 found a wrong type, a missing field, a value outside an enum or
//!    something too long: the API server then skips the rules, and says so.
//!
//! Every violation found is returned, each with the field's path and a
//! message worded like the API server's:
//! `spec.grantType: Unsupported value: "team": supported values: "organization", "channel", "user"`.
//!
//! Each CRD's schema is parsed and its CEL rules compiled once, then cached by
//! group and kind. Nothing here panics on any input.

mod cel;
mod node;
mod normalize;
mod object_meta;
mod structural;
mod violation;

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, Mutex, PoisonError},
};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceDefinition, CustomResourceDefinitionSpec,
};
use kube::core::cel::{CompiledSchema, RootContext, compile_schema};
use serde_json::Value;

pub use violation::SchemaViolation;
use violation::{ErrorKind, FieldError, type_name};

use self::node::Node;

/// Validates an object (already parsed from YAML/JSON into `serde_json::Value`)
/// whose apiVersion/kind is one of ours against that CRD's openAPIV3Schema:
/// structure and CEL rules. Returns every violation found.
///
/// An object of another kind (a `v1` Secret, say) is refused with a violation
/// on `kind`: callers pick out our kinds first.
pub fn validate_object(object: &Value) -> Result<(), Vec<SchemaViolation>> {
    admit(object).map(drop)
}

/// Same as [`validate_object`], against a given CRD: the version named by the
/// object's apiVersion, or the first served version when it names none served
/// (after reporting that).
pub fn validate_against(crd: &CustomResourceDefinition, object: &Value) -> Result<(), Vec<SchemaViolation>> {
    admit_against(crd, object).map(drop)
}

/// Validates like [`validate_object`] and returns the object as the API server
/// would store it: `status` dropped, disallowed nulls dropped, defaults filled
/// in, whole numbers written as floats (`30.0`) in integer fields made integers.
///
/// Deserialise this rather than the raw document: `restrictHelp: null` is
/// valid (it takes its default, `false`), but would not deserialise as a `bool`.
pub fn admit(object: &Value) -> Result<Value, Vec<SchemaViolation>> {
    let kind = object.get("kind").and_then(Value::as_str);
    match OURS.iter().find(|crd| Some(crd.spec.names.kind.as_str()) == kind) {
        Some(crd) => admit_against(crd, object),
        None => Err(not_ours(object)),
    }
}

/// [`admit`] against a given CRD, as [`validate_against`].
pub fn admit_against(crd: &CustomResourceDefinition, object: &Value) -> Result<Value, Vec<SchemaViolation>> {
    if !object.is_object() {
        return Err(vec![not_an_object(object)]);
    }
    let compiled = compiled(crd);
    let spec = &compiled.spec;
    let served: Vec<&CompiledVersion> = compiled.versions.iter().filter(|v| v.served).collect();
    let api_versions: Vec<String> = served
        .iter()
        .map(|v| format!("{}/{}", spec.group, v.name))
        .collect();

    let mut errors =
        object_meta::check_type_meta(object, &api_versions, std::slice::from_ref(&spec.names.kind));
    let requested = object.get("apiVersion").and_then(Value::as_str);
    let Some(version) = served
        .iter()
        .zip(&api_versions)
        .find(|(_, api_version)| Some(api_version.as_str()) == requested)
        .map(|(version, _)| *version)
        .or_else(|| served.first().copied())
    else {
        return Err(into_violations(errors));
    };
    errors.extend(object_meta::check_metadata(
        object.get("metadata"),
        spec.scope == "Namespaced",
    ));

    let mut body = object.clone();
    if let Some(fields) = body.as_object_mut() {
        fields.remove("status");
    }
    normalize::normalize(&version.node, &mut body);

    let schema_errors = check_structure(&version.node, &body);
    let blocked = schema_errors.iter().any(FieldError::blocks_cel);
    errors.extend(schema_errors);
    if blocked {
        errors.push(FieldError::invalid(
            "",
            &Value::Null,
            "some validation rules were not checked because the object was invalid; \
             correct the existing errors to complete validation",
        ));
    } else {
        let root = RootContext {
            api_version: format!("{}/{}", spec.group, version.name),
            api_group: spec.group.clone(),
            kind: spec.names.kind.clone(),
        };
        let for_rules = normalize::without_nulls(&version.node, &body);
        errors.extend(cel::check(&version.rules, &for_rules, Some(&root)));
    }

    if errors.is_empty() {
        Ok(body)
    } else {
        Err(into_violations(errors))
    }
}

/// The schema checks of the whole object. `apiVersion`, `kind` and `metadata`
/// are implicit in every CRD (checked by [`object_meta`]), so they are not
/// unknown fields unless the schema describes them itself.
fn check_structure(node: &Node, body: &Value) -> Vec<FieldError> {
    let mut view = body.clone();
    if let Some(fields) = view.as_object_mut() {
        for implicit in ["apiVersion", "kind", "metadata"] {
            if !node.properties.contains_key(implicit) {
                fields.remove(implicit);
            }
        }
    }
    let mut errors = Vec::new();
    structural::check(node, &view, "", &mut errors);
    errors
}

fn into_violations(errors: Vec<FieldError>) -> Vec<SchemaViolation> {
    errors.into_iter().map(FieldError::into_violation).collect()
}

fn not_an_object(object: &Value) -> SchemaViolation {
    FieldError::new(
        "",
        ErrorKind::TypeInvalid {
            actual: type_name(object),
            expected: "object".to_owned(),
        },
    )
    .into_violation()
}

/// The violations of an object whose kind is none of ours.
fn not_ours(object: &Value) -> Vec<SchemaViolation> {
    if !object.is_object() {
        return vec![not_an_object(object)];
    }
    let mut api_versions: Vec<String> = OURS
        .iter()
        .flat_map(|crd| {
            crd.spec
                .versions
                .iter()
                .filter(|v| v.served)
                .map(|v| format!("{}/{}", crd.spec.group, v.name))
        })
        .collect();
    api_versions.dedup();
    let kinds: Vec<String> = OURS.iter().map(|crd| crd.spec.names.kind.clone()).collect();

    // `kind` is none of ours here, so whatever it is, it is not supported.
    into_violations(object_meta::check_type_meta(object, &api_versions, &kinds))
}

/// Our CRDs, generated once.
static OURS: LazyLock<Vec<CustomResourceDefinition>> = LazyLock::new(crate::crd::all);

/// A CRD made ready to validate against: its schemas parsed, its rules compiled.
struct CompiledCrd {
    /// The spec it was compiled from, to tell a cached entry from a changed CRD.
    spec: CustomResourceDefinitionSpec,
    versions: Vec<CompiledVersion>,
}

struct CompiledVersion {
    name: String,
    served: bool,
    node: Node,
    rules: CompiledSchema,
}

impl CompiledCrd {
    fn new(spec: &CustomResourceDefinitionSpec) -> Self {
        let versions = spec
            .versions
            .iter()
            .map(|version| {
                // A version without a schema validates nothing: the node and the
                // rules of `null` accept anything.
                let schema = version
                    .schema
                    .as_ref()
                    .and_then(|s| s.open_api_v3_schema.as_ref())
                    .and_then(|s| serde_json::to_value(s).ok())
                    .unwrap_or(Value::Null);
                CompiledVersion {
                    name: version.name.clone(),
                    served: version.served,
                    node: Node::parse(&schema),
                    rules: compile_schema(&schema),
                }
            })
            .collect();
        Self {
            spec: spec.clone(),
            versions,
        }
    }
}

/// Compiled CRDs by group and kind.
type Cache = HashMap<(String, String), Arc<CompiledCrd>>;

/// The compiled form of `crd`, from the cache when the same CRD was seen before.
fn compiled(crd: &CustomResourceDefinition) -> Arc<CompiledCrd> {
    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Default::default);

    let key = (crd.spec.group.clone(), crd.spec.names.kind.clone());
    // A panic elsewhere while holding the lock leaves the map intact: keep using it.
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(entry) = cache.get(&key)
        && entry.spec == crd.spec
    {
        return Arc::clone(entry);
    }
    let entry = Arc::new(CompiledCrd::new(&crd.spec));
    cache.insert(key, Arc::clone(&entry));
    entry
}
