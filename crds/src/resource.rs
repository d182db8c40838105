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

/// Declares a resource's status: the `conditions` (their doc comes before the
/// `conditions;` line) and the `observedGeneration` every status carries,
/// then the resource's own fields (what a look-up found: each an optional
/// string, left out while unset), and [`condition`](crate::ResourceStatus::condition)
/// to read one condition.
macro_rules! chatops_status {
    (
        $(#[doc = $doc:tt])*
        pub struct $name:ident {
            $(#[doc = $conditions_doc:tt])*
            conditions;
            $( $(#[doc = $field_doc:tt])* $field:ident, )*
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(#[doc = $conditions_doc])*
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            #[schemars(schema_with = "crate::common::conditions_schema")]
            pub conditions: Vec<crate::common::Condition>,
            /// The `metadata.generation` the operator last acted on.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub observed_generation: Option<i64>,
            $(
                $(#[doc = $field_doc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<String>,
            )*
        }

        impl $name {
            /// The condition of type `type_`, if stored.
            pub fn condition(&self, type_: crate::common::ConditionType) -> Option<&crate::common::Condition> {
                self.conditions.iter().find(|c| c.type_ == type_)
            }
        }
    };
}

/// Declares a field-less enum whose every variant has a fixed name: the
/// variant's own (`Accepted`) or the string after `=` (`Organization =
/// "organization"`). Adds `ALL` (every variant, in the order declared),
/// `as_str()` (its doc follows the enum) and `Display`. The enum's attributes
/// pass unchanged, so its serde form and schema are what they declare.
macro_rules! named_enum {
    (
        $(#[$attr:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:tt])* $variant:ident $(= $text:literal)?, )+
        }
        $(#[doc = $as_str_doc:tt])*
        fn as_str;
    ) => {
        $(#[$attr])*
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl $name {
            /// Every variant, in the order declared.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            $(#[doc = $as_str_doc])*
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => named_enum!(@text $variant $($text)?), )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    (@text $variant:ident $text:literal) => { $text };
    (@text $variant:ident) => { stringify!($variant) };
}

#[cfg(test)]
mod tests {
    use crate::{ConditionType, GrantType, IntegrationType, Kind, PlatformType, Reason};

    /// Each variant's name is the one serde writes, so a name in a message,
    /// a label or a manifest is always the one the API takes.
    fn named_as_serialized<T: serde::Serialize + std::fmt::Display>(all: &[T]) {
        for variant in all {
            assert_eq!(serde_json::to_value(variant).unwrap(), variant.to_string());
        }
    }

    #[test]
    fn every_name_is_the_serialized_one() {
        named_as_serialized(&GrantType::ALL);
        named_as_serialized(&PlatformType::ALL);
        named_as_serialized(&IntegrationType::ALL);
        named_as_serialized(&ConditionType::ALL);
        named_as_serialized(&Kind::ALL);
        named_as_serialized(&Reason::ALL);
    }
}
