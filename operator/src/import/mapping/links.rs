//! The original's account links to AccountLinks: the Nautobot username
//! becomes `user`, the chat user ID `chatUserId`, on the ChatPlatform
//! imported for the link's platform.

use chatops_crds::{AccountLink, AccountLinkSpec, schema};
use kube::api::ObjectMeta;

use super::{Names, PlatformNames, dns_label, platform_from_original};
use crate::import::notes::Notes;
use crate::import::source::RawLink;

/// The links as AccountLinks in `namespace`, on the platforms in `platforms`.
pub fn map(
    links: &[RawLink],
    platforms: &PlatformNames,
    namespace: &str,
    notes: &mut Notes,
) -> Vec<AccountLink> {
    let mut sorted: Vec<&RawLink> = links.iter().collect();
    sorted.sort_by(|a, b| (&a.platform, &a.user_id).cmp(&(&b.platform, &b.user_id)));
    let mut names = Names::default();
    let mut out = Vec::new();
    for link in sorted {
        let user = link.username.clone().unwrap_or_default();
        let what = format!("account link of {user:?} ({} {})", link.platform, link.user_id);
        let Some(platform_type) = platform_from_original(&link.platform) else {
            notes.skip(
                what,
                format!("the platform {:?} is not one this project serves", link.platform),
            );
            continue;
        };
        let Some(platform) = platforms.get(&platform_type) else {
            notes.skip(
                what,
                format!("no {platform_type} ChatPlatform is imported (see --platform)"),
            );
            continue;
        };
        if user.is_empty() {
            notes.skip(what, "its Nautobot user cannot be resolved");
            continue;
        }
        let email = link.email.trim();
        let email = (!email.is_empty() && email.contains('@') && !email.contains(char::is_whitespace))
            .then(|| email.to_owned());
        let name = names.claim(
            dns_label(&[&user, platform]),
            &format!("{}\0{}", link.platform, link.user_id),
        );
        let spec = AccountLinkSpec {
            platform: platform.clone(),
            chat_user_id: Some(link.user_id.trim().to_owned()),
            email,
            user: user.clone(),
            tokens: Vec::new(),
        };
        let mut resource = AccountLink::new(&name, spec);
        resource.metadata = ObjectMeta {
            name: Some(name),
            namespace: Some(namespace.to_owned()),
            ..ObjectMeta::default()
        };
        match serde_json::to_value(&resource).map(|v| schema::validate_object(&v)) {
            Ok(Ok(())) => out.push(resource),
            Ok(Err(violations)) => {
                let why: Vec<String> = violations.iter().map(ToString::to_string).collect();
                notes.skip(what, format!("not a valid AccountLink here: {}", why.join("; ")));
            }
            Err(err) => notes.skip(what, err.to_string()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chatops_crds::PlatformType;

    use super::*;
    use crate::import::source::UserRef;

    fn link(platform: &str, user_id: &str, username: Option<&str>, email: &str) -> RawLink {
        RawLink {
            id: "i".into(),
            nautobot_user: UserRef::Text("u".into()),
            platform: platform.into(),
            user_id: user_id.into(),
            email: email.into(),
            username: username.map(str::to_owned),
        }
    }

    #[test]
    fn links_land_on_the_imported_platform_by_name() {
        let platforms = PlatformNames::from([
            (PlatformType::Slack, "slack-prod".to_owned()),
            (PlatformType::Msteams, "teams".to_owned()),
        ]);
        let mut notes = Notes::default();
        let out = map(
            &[
                link("slack", "U1", Some("alice"), "alice@example.com"),
                link("microsoft_teams", "aad-1", Some("alice"), "not an email"),
                link("webex", "P1", Some("bob"), ""),
                link("slack", "U2", None, ""),
                link("irc", "x", Some("carol"), ""),
            ],
            &platforms,
            "default",
            &mut notes,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].spec.platform, "slack-prod");
        assert_eq!(out[1].metadata.name.as_deref(), Some("alice-slack-prod"));
        assert_eq!(out[1].spec.email.as_deref(), Some("alice@example.com"));
        assert_eq!(out[0].spec.email, None);
        assert_eq!(notes.skipped.len(), 3, "{:?}", notes.skipped);
    }
}
