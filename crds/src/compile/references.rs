//! Which Secrets the resources name, and which resources name each Secret.
//!
//! The operator reads only these Secrets (never every Secret of a namespace)
//! and re-renders when one of them changes; this is the map it uses for both.

use std::collections::{BTreeMap, BTreeSet};

use super::{Resources, identify, integrations, platforms::Block};
use crate::diagnostic::{Kind, ObjectKey};

/// A Secret by namespace and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SecretName {
    /// Namespace: always the namespace of the resource naming it.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// Each referenced Secret, with the resources that name it.
pub fn secret_users(resources: &Resources) -> BTreeMap<SecretName, BTreeSet<ObjectKey>> {
    let mut users: BTreeMap<SecretName, BTreeSet<ObjectKey>> = BTreeMap::new();
    let mut add = |object: &ObjectKey, secret: &str| {
        let name = SecretName {
            namespace: object.namespace.clone(),
            name: secret.to_owned(),
        };
        users.entry(name).or_default().insert(object.clone());
    };
    for platform in &resources.platforms {
        let (object, _) = identify(Kind::ChatPlatform, platform);
        // A platform without the block its type needs names no Secret; compile rejects it.
        if let Ok(block) = Block::of(&platform.spec) {
            block.references().iter().for_each(|(_, r)| add(&object, &r.name));
        }
    }
    for integration in &resources.integrations {
        let (object, _) = identify(Kind::Integration, integration);
        integrations::references(&integration.spec)
            .iter()
            .for_each(|(_, r)| add(&object, &r.name));
    }
    for link in &resources.account_links {
        let (object, _) = identify(Kind::AccountLink, link);
        link.spec
            .tokens
            .iter()
            .for_each(|t| add(&object, &t.token_ref.name));
    }
    users
}

/// Whether any resource names the Secret `namespace/name`.
pub fn is_referenced(users: &BTreeMap<SecretName, BTreeSet<ObjectKey>>, namespace: &str, name: &str) -> bool {
    users.contains_key(&SecretName {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use crate::{AccountLink, AccountLinkSpec, IntegrationToken, SecretKeyRef};

    use super::*;

    #[test]
    fn every_secret_a_link_names_maps_back_to_the_link() {
        let mut link = AccountLink::new(
            "alice",
            AccountLinkSpec {
                platform: "slack".into(),
                chat_user_id: Some("U1".into()),
                email: None,
                user: "alice".into(),
                tokens: vec![IntegrationToken {
                    integration: "nautobot".into(),
                    token_ref: SecretKeyRef::new("alice-tokens", "nautobot"),
                }],
            },
        );
        link.metadata.namespace = Some("chatops".into());
        let resources = Resources {
            account_links: vec![link],
            ..Default::default()
        };
        let users = secret_users(&resources);
        assert!(is_referenced(&users, "chatops", "alice-tokens"));
        assert!(!is_referenced(&users, "other", "alice-tokens"));
        assert_eq!(
            users.values().next().unwrap().iter().next().unwrap(),
            &ObjectKey::new(Kind::AccountLink, "chatops", "alice")
        );
    }
}
