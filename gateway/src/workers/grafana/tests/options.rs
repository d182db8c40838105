//! The render options through the router: each taken and sent to Grafana,
//! anywhere among the arguments, and each bad value told before Grafana is asked.

use super::*;

#[tokio::test]
async fn every_option_is_sent_to_grafana_wherever_it_is_typed() {
    let (fake, fixture) = grafana().await;

    let routed = fixture
        .typed(
            USER,
            "grafana get-interface-traffic width=800 nyc-rtr-01 height=300 theme=light \
             timespan=P1DT12H Ethernet2 timezone=Europe/Paris",
        )
        .await;

    assert_eq!(size_of(&picture(&routed).bytes), (800, 300));
    let (_, params) = the_render(&fake);
    let got = |key: &str| params.get(key).map(String::as_str);
    assert_eq!(
        [
            got("var-device"),
            got("var-interface"),
            got("width"),
            got("height"),
            got("theme"),
            got("from"),
            got("to"),
            got("tz"),
        ],
        [
            Some("nyc-rtr-01"),
            Some("Ethernet2"),
            Some("800"),
            Some("300"),
            Some("light"),
            Some("now-36h"),
            Some("now"),
            Some("Europe/Paris"),
        ]
    );
    assert!(
        text(&routed).starts_with("device=nyc-rtr-01, interface=Ethernet2; the last 36h, in Europe/Paris."),
        "{}",
        text(&routed)
    );
}

#[tokio::test]
async fn grafana_spans_and_iso_months_and_years_are_sent_as_grafana_spans() {
    let (fake, fixture) = grafana().await;

    for (typed, from) in [
        ("7d", "now-7d"),
        ("P1M", "now-1M"),
        ("P1Y", "now-1y"),
        ("PT6H", "now-6h"),
    ] {
        let routed = fixture
            .typed(USER, &format!("grafana get-firewall-drops timespan={typed}"))
            .await;
        picture(&routed);
        let last = fake.renders().pop().unwrap();
        let params: BTreeMap<String, String> = fake_grafana::params(&last).into_iter().collect();
        assert_eq!(params["from"], from, "{typed}");
    }
}

#[tokio::test]
async fn a_bad_option_is_told_with_what_it_takes_and_grafana_is_not_asked() {
    let (fake, fixture) = grafana().await;

    for (typed, said) in [
        (
            "width=50",
            "`width=50` is not allowed: width takes a whole number of pixels from 100 to 4000.",
        ),
        (
            "height=tall",
            "`height=tall` is not allowed: height takes a whole number of pixels from 100 to 4000.",
        ),
        (
            "theme=blue",
            "`theme=blue` is not allowed: theme takes `dark` or `light`.",
        ),
        (
            "timespan=P1X",
            "`timespan=P1X` is not allowed: timespan takes a Grafana span such as `6h`, `7d` or `1M` \
             (units s, m, h, d, w, M, y), or an ISO 8601 duration such as `PT6H`, `P7D` or `P1DT12H`.",
        ),
        (
            "timezone=Mars/Olympus Mons",
            "`timezone=Mars/Olympus Mons` is not allowed: timezone takes a time zone name such as \
             `Europe/Paris`, `America/New_York` or `UTC`, or `browser`.",
        ),
    ] {
        let routed = fixture
            .typed(USER, &format!("grafana get-firewall-drops nyc-fw-01 \"{typed}\""))
            .await;
        assert_private_error(&routed, said);
        assert!(
            matches!(routed.outcome, Outcome::Failed(_)),
            "{:?}",
            routed.outcome
        );
    }
    assert!(
        fake.requests().is_empty(),
        "Grafana is not asked: {:?}",
        fake.method_paths()
    );
}

#[tokio::test]
async fn a_bad_option_is_told_before_a_missing_variable_is_asked_for() {
    let (_fake, fixture) = grafana().await;

    let routed = fixture
        .typed(USER, "grafana get-interface-traffic width=99999")
        .await;

    assert_private_error(
        &routed,
        "`width=99999` is not allowed: width takes a whole number of pixels from 100 to 4000.",
    );
}

#[tokio::test]
async fn a_wrong_default_of_the_integration_is_said_as_the_integration_s() {
    let fake = FakeGrafana::start().await;
    let mut broken = settings(None);
    broken.defaults.timespan = Some("forever".to_owned());
    let fixture = fixture_with(&fake.url(), ADMIN, broken, |_, _| {});

    let routed = fixture.typed(USER, "grafana get-firewall-drops").await;

    assert!(
        text(&routed).starts_with("The Integration's default is wrong: `timespan=forever` is not allowed"),
        "{}",
        text(&routed)
    );
    // Typing the option overrides the broken default.
    let typed = fixture
        .typed(USER, "grafana get-firewall-drops timespan=1h")
        .await;
    picture(&typed);
}
