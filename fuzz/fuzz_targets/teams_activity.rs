//! Microsoft Teams: an activity's JSON, after its token was checked, then
//! its triage (a typed command, a card's submit or execute) and the card's
//! prompt answer, as `server::teams` reads them.
#![no_main]

use chatops_gateway::platforms::teams::{
    activity::{self, Triage},
    cards, verify,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let Ok(activity) = activity::parse(body) else {
        return;
    };
    activity.user();
    activity.grant_channel();
    activity.is_personal();
    activity.reply_context();
    activity::command_text(&activity);
    match activity::triage(&activity) {
        Triage::Submit(value) | Triage::Execute(value) => drop(cards::prompt_answer(&value)),
        Triage::Command(text) => drop(chatops_gateway::commands::parse_command_text(&text)),
        Triage::Ignore(_) => {}
    }
    // The verified token is bound to the activity: its serviceUrl and channel.
    let verified = verify::Verified {
        claims: verify::Claims {
            issuer: "https://api.botframework.com".to_owned(),
            audience: "00000000-1111-2222-3333-444444444444".to_owned(),
            service_url: Some("https://smba.trafficmanager.net/teams/".to_owned()),
            expires_at: 1_700_003_600,
            tenant: None,
        },
        endorsements: vec!["msteams".to_owned()],
        requires_service_url: true,
    };
    let _ = verify::check_activity(&verified, &activity.service_url, &activity.channel_id);
});
