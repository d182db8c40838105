//! The values of the Secrets the resources name, read only when they change.
//!
//! The operator watches Secrets' metadata (names and resource versions, never
//! values) and GETs a Secret only when a resource names it and its resource
//! version moved since the last read. So it never holds the values of Secrets
//! it has no business with, and a render does not re-read unchanged Secrets.

use std::collections::HashMap;

use chatops_crds::compile::SecretName;
use k8s_openapi::api::core::v1::Secret;
use kube::{Api, Client};

/// A referenced Secret and the resource version the metadata watch last saw
/// (`None`: the Secret does not exist).
pub type WantedSecret = (SecretName, Option<String>);

/// Secrets read so far, by name, with the resource version they were read at.
#[derive(Default)]
pub struct SecretCache {
    cached: HashMap<SecretName, (String, Secret)>,
}

impl SecretCache {
    /// The wanted Secrets' current content, reading those not cached at their
    /// current version; forgets the rest.
    pub async fn refresh(
        &mut self,
        client: &Client,
        wanted: &[WantedSecret],
    ) -> Result<Vec<Secret>, kube::Error> {
        self.cached
            .retain(|name, _| wanted.iter().any(|(wanted_name, _)| wanted_name == name));
        let mut secrets = Vec::with_capacity(wanted.len());
        for (name, version) in wanted {
            let Some(version) = version else {
                self.cached.remove(name);
                continue;
            };
            if let Some((cached_version, secret)) = self.cached.get(name)
                && cached_version == version
            {
                secrets.push(secret.clone());
                continue;
            }
            let api: Api<Secret> = Api::namespaced(client.clone(), &name.namespace);
            match api.get_opt(&name.name).await? {
                Some(secret) => {
                    // Cache under the version actually read, which may be newer than the watch's.
                    let read_version = secret.metadata.resource_version.clone().unwrap_or_default();
                    self.cached.insert(name.clone(), (read_version, secret.clone()));
                    secrets.push(secret);
                }
                None => {
                    self.cached.remove(name);
                }
            }
        }
        Ok(secrets)
    }
}

#[cfg(test)]
mod tests {
    use http::StatusCode;

    use super::*;
    use crate::fixtures::{mock_client, secret};

    fn name(n: &str) -> SecretName {
        SecretName {
            namespace: "chatops".into(),
            name: n.into(),
        }
    }

    #[tokio::test]
    async fn a_secret_is_read_once_per_version_and_absent_ones_are_not_read() {
        let (client, mut api) = mock_client();
        let mut cache = SecretCache::default();
        let wanted = vec![(name("slack"), Some("7".to_owned())), (name("gone"), None)];

        let stored = serde_json::to_value(secret("slack", &[("bot-token", "xoxb")])).unwrap();
        let server = tokio::spawn(async move {
            let seen = api.answer(StatusCode::OK, Some(stored)).await;
            assert_eq!(seen.method, http::Method::GET);
            assert_eq!(seen.uri, "/api/v1/namespaces/chatops/secrets/slack");
            api
        });
        let first = cache.refresh(&client, &wanted).await.unwrap();
        assert_eq!(first.len(), 1);
        let api = server.await.unwrap();

        // Same version: served from the cache, no request.
        let second = cache.refresh(&client, &wanted).await.unwrap();
        assert_eq!(second, first);
        api.no_more_requests().await;
    }

    #[tokio::test]
    async fn a_new_version_is_read_again_and_a_vanished_secret_is_forgotten() {
        let (client, mut api) = mock_client();
        let mut cache = SecretCache::default();
        let v7 = serde_json::to_value(secret("slack", &[("bot-token", "old")])).unwrap();
        let mut v8 = serde_json::to_value(secret("slack", &[("bot-token", "new")])).unwrap();
        v8["metadata"]["resourceVersion"] = "8".into();
        let server = tokio::spawn(async move {
            api.answer(StatusCode::OK, Some(v7)).await;
            api.answer(StatusCode::OK, Some(v8)).await;
            api.not_found().await;
            api
        });
        cache
            .refresh(&client, &[(name("slack"), Some("7".into()))])
            .await
            .unwrap();
        let rotated = cache
            .refresh(&client, &[(name("slack"), Some("8".into()))])
            .await
            .unwrap();
        assert_eq!(rotated[0].data.as_ref().unwrap()["bot-token"].0, b"new");
        // Deleted between the watch event and the read.
        let gone = cache
            .refresh(&client, &[(name("slack"), Some("9".into()))])
            .await
            .unwrap();
        assert!(gone.is_empty());
        server.await.unwrap().no_more_requests().await;
    }
}
