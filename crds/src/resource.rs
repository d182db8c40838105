//! What the four resources declare alike: group, version, category and
//! `PartialEq`, and the `Ready`, `Reason` and `Age` columns that close every
//! `kubectl get` listing.

/// Declares a spec as a `chatops.dev/v1alpha1` custom resource.
///
/// `kube(…)` holds what is the resource's own (kind, status type, short
/// name, doc, its columns, each followed by a comma); `reason(…)` what the
/// `Reason` column adds (`, priority = 1` to show it only with `-o wide`).
/// The attributes after it (`x_kube`, `serde`) and the struct pass unchanged.
macro_rules! chatops_resource {
    (
        $(#[doc = $doc:tt])*
        kube($($kube:tt)*)
        reason($($reason:tt)*)
        $(#[$($attr:tt)*])*
        pub struct $spec:ident $body:tt
    ) => {
        $(#[doc = $doc])*
        #[derive(kube::CustomResource, kube::KubeSchema, Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[kube(
            group = "chatops.dev",
            version = "v1alpha1",
            namespaced,
            category = "chatops",
            $($kube)*
            printcolumn(
                name = "Ready",
                type_ = "string",
                json_path = ".status.conditions[?(@.type==\"Ready\")].status"
            ),
            printcolumn(
                name = "Reason",
                type_ = "string",
                json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
                $($reason)*
            ),
            printcolumn(name = "Age", type_ = "date", json_path = ".metadata.creationTimestamp"),
            derive = "PartialEq"
        )]
        $(#[$($attr)*])*
        pub struct $spec $body
    };
}
