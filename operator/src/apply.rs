//! Writing to the API server: the status of each resource, with server-side
//! apply under the operator's own field manager, so GitOps tools that own
//! `spec` never fight the operator over `status`.

use chatops_crds::{AccessGrant, AccountLink, ChatPlatform, Condition, Diagnostic, Integration, Kind};
use kube::{
    Api, Client,
    api::{ApiResource, DynamicObject, Patch, PatchParams},
};

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

#[cfg(test)]
mod tests {
    use chatops_crds::{ObjectKey, Reason};
    use http::{Request, Response};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
    use kube::client::Body;

    use super::*;
    use crate::status::ready_condition;

    #[tokio::test]
    async fn the_status_is_server_side_applied_under_the_operators_field_manager() {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
        let client = Client::new(service, "default");
        let diagnostic = Diagnostic::rejected(
            ObjectKey::new(Kind::Integration, "chatops", "nautobot"),
            Some(2),
            Reason::SecretNotFound,
            "Secret chatops/nautobot not found",
        );
        let condition = ready_condition(&diagnostic, None, Time("2026-11-25T08:00:00Z".parse().unwrap()));

        let api_server = tokio::spawn(async move {
            let (request, send) = handle.next_request().await.expect("one request");
            assert_eq!(request.method(), http::Method::PATCH);
            assert_eq!(
                request.uri().to_string(),
                "/apis/chatops.dev/v1alpha1/namespaces/chatops/integrations/nautobot/status?&force=true&fieldManager=chatops-operator"
            );
            assert_eq!(request.headers()["content-type"], "application/apply-patch+yaml");
            let body = request.into_body().collect_bytes().await.unwrap();
            let patch: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(patch["kind"], "Integration");
            assert_eq!(patch["status"]["conditions"][0]["reason"], "SecretNotFound");
            assert_eq!(patch["status"]["observedGeneration"], 2);
            let stored = serde_json::json!({
                "apiVersion": "chatops.dev/v1alpha1", "kind": "Integration",
                "metadata": {"name": "nautobot", "namespace": "chatops"}, "status": patch["status"]
            });
            send.send_response(
                Response::builder()
                    .body(Body::from(serde_json::to_vec(&stored).unwrap()))
                    .unwrap(),
            );
        });
        write_status(&client, &diagnostic, &condition).await.unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(1), api_server)
            .await
            .unwrap()
            .unwrap();
    }
}
