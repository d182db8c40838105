//! Writing to the API server: the gateway's Secret and ConfigMap, and the
//! status of each resource, with server-side apply under the operator's own
//! field manager, so GitOps tools that own `spec` never fight the operator
//! over `status`.

use chatops_crds::{AccessGrant, AccountLink, ChatPlatform, Condition, Diagnostic, Integration, Kind};
use kube::{
    Api, Client,
    api::{ApiResource, DynamicObject, Patch, PatchParams},
};

use crate::render::{CONFIG_HASH_ANNOTATION, Rendered, SECRET_HASH_ANNOTATION};
use crate::status::status_patch;

/// The field manager of everything the operator writes.
pub const FIELD_MANAGER: &str = "chatops-operator";

/// The API resource of a kind, for requests that do not need its Rust type.
pub fn api_resource(kind: Kind) -> ApiResource {
    match kind {
        Kind::ChatPlatform => ApiResource::erase::<ChatPlatform>(&()),
        Kind::AccessGrant => ApiResource::erase::<AccessGrant>(&()),
        Kind::AccountLink => ApiResource::erase::<AccountLink>(&()),
        Kind::Integration => ApiResource::erase::<Integration>(&()),
    }
}

/// Applies a resource's `Ready` condition and `observedGeneration` to its
/// status subresource. Forced: the operator is the only writer of these fields.
pub async fn write_status(
    client: &Client,
    diagnostic: &Diagnostic,
    condition: &Condition,
) -> Result<(), kube::Error> {
    let object = &diagnostic.object;
    let api: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), &object.namespace, &api_resource(object.kind));
    let params = PatchParams::apply(FIELD_MANAGER).force();
    api.patch_status(
        &object.name,
        &params,
        &Patch::Apply(status_patch(diagnostic, condition)),
    )
    .await?;
    Ok(())
}

/// The content hashes of a rendered pair: what was applied last, to skip
/// applying the same content again.
pub fn content_hashes(rendered: &Rendered) -> (String, String) {
    let annotation = |key: &str| {
        rendered
            .config_map
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(key))
            .cloned()
            .unwrap_or_default()
    };
    (
        annotation(CONFIG_HASH_ANNOTATION),
        annotation(SECRET_HASH_ANNOTATION),
    )
}

/// Applies one of the gateway's two objects (its Secret or its ConfigMap)
/// with server-side apply, forced, under the operator's field manager.
///
/// The caller applies the Secret first: the ConfigMap names the hash of the
/// Secret it needs, and a gateway that sees the new ConfigMap before the new
/// Secret waits for it, so in this order it never waits long and never serves
/// a mismatch.
pub async fn apply_object<K>(client: &Client, object: &K) -> Result<(), kube::Error>
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::Serialize
        + serde::de::DeserializeOwned,
{
    let meta = object.meta();
    let namespace = meta.namespace.as_deref().unwrap_or("default");
    let name = meta.name.as_deref().unwrap_or("chatops-gateway");
    // k8s-openapi writes `apiVersion` and `kind`, which server-side apply requires.
    let api: Api<K> = Api::namespaced(client.clone(), namespace);
    api.patch(
        name,
        &PatchParams::apply(FIELD_MANAGER).force(),
        &Patch::Apply(object),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chatops_crds::{ObjectKey, Reason};
    use http::StatusCode;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    use super::*;
    use crate::{fixtures::mock_client, status::ready_condition};

    #[tokio::test]
    async fn the_status_is_server_side_applied_under_the_operators_field_manager() {
        let (client, mut api) = mock_client();
        let diagnostic = Diagnostic::rejected(
            ObjectKey::new(Kind::Integration, "chatops", "nautobot"),
            Some(2),
            Reason::SecretNotFound,
            "Secret chatops/nautobot not found",
        );
        let condition = ready_condition(&diagnostic, None, Time("2026-11-25T08:00:00Z".parse().unwrap()));

        let server = tokio::spawn(async move {
            let stored = serde_json::json!({
                "apiVersion": "chatops.dev/v1alpha1", "kind": "Integration",
                "metadata": {"name": "nautobot", "namespace": "chatops"},
            });
            let patch = api.answer(StatusCode::OK, Some(stored)).await;
            assert_eq!(patch.method, http::Method::PATCH);
            assert_eq!(
                patch.uri,
                "/apis/chatops.dev/v1alpha1/namespaces/chatops/integrations/nautobot/status?&force=true&fieldManager=chatops-operator"
            );
            assert_eq!(
                patch.content_type.as_deref(),
                Some("application/apply-patch+yaml")
            );
            assert_eq!(patch.body["kind"], "Integration");
            assert_eq!(patch.body["status"]["conditions"][0]["reason"], "SecretNotFound");
            assert_eq!(patch.body["status"]["observedGeneration"], 2);
            api
        });
        write_status(&client, &diagnostic, &condition).await.unwrap();
        server.await.unwrap().no_more_requests().await;
    }

    #[tokio::test]
    async fn the_secret_is_applied_before_the_config_map_that_needs_it() {
        let (client, mut api) = mock_client();
        let compiled = chatops_crds::Compiled {
            secrets: chatops_crds::config::GatewaySecrets(
                [(chatops_crds::config::SecretKey("k".into()), "v".into())].into(),
            ),
            ..Default::default()
        };
        let target = crate::render::Target {
            namespace: "chatops".into(),
            name: "chatops-gateway".into(),
        };
        let rendered = crate::render::render(&compiled, &target).unwrap();
        let (_, secret_hash) = content_hashes(&rendered);
        assert!(secret_hash.starts_with("sha256:"));

        let server = tokio::spawn(async move {
            for expected in ["secrets", "configmaps"] {
                let object = api.ok().await;
                assert_eq!(object.method, http::Method::PATCH);
                assert_eq!(
                    object.uri,
                    format!(
                        "/api/v1/namespaces/chatops/{expected}/chatops-gateway?&force=true&fieldManager=chatops-operator"
                    )
                );
                assert_eq!(object.body["apiVersion"], "v1");
                assert_eq!(
                    object.body["metadata"]["annotations"]["chatops.dev/secret-hash"],
                    secret_hash
                );
            }
            api
        });
        apply_object(&client, &rendered.secret).await.unwrap();
        apply_object(&client, &rendered.config_map).await.unwrap();
        server.await.unwrap().no_more_requests().await;
    }
}
