//! What is asked for when a variable is missing or wrong (a menu of its
//! choices, a form for a free value), resumed in the asked variable's place
//! with the options kept; and what help says of each panel.

use super::*;

#[tokio::test]
async fn a_missing_variable_is_asked_with_a_menu_of_its_choices_and_resumed() {
    let (fake, fixture) = grafana().await;

    let asked = fixture
        .typed(USER, "grafana get-interface-traffic width=640")
        .await;
    let menu = prompted(&asked);
    assert_eq!(menu.text, "Which Device?");
    assert_eq!(choice_values(menu), ["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]);
    assert!(
        fake.requests().is_empty(),
        "Grafana is not asked for a menu of fixed choices"
    );

    let answered = fixture.answer(USER, &menu.continuation, &["ams-sw-01"]).await;
    assert_eq!(
        size_of(&picture(&answered).bytes),
        (640, 500),
        "the option typed before is kept"
    );
    let (_, params) = the_render(&fake);
    assert_eq!(params["var-device"], "ams-sw-01");
}

#[tokio::test]
async fn a_value_not_among_the_choices_is_asked_again() {
    let (fake, fixture) = grafana().await;

    let asked = fixture
        .typed(USER, "grafana get-interface-traffic lon-rtr-09 Ethernet3")
        .await;
    let menu = prompted(&asked);
    assert_eq!(
        menu.text,
        "`lon-rtr-09` is not one of the Device choices. Which Device?"
    );
    assert_eq!(choice_values(menu), ["nyc-rtr-01", "nyc-rtr-02", "ams-sw-01"]);

    let answered = fixture.answer(USER, &menu.continuation, &["nyc-rtr-02"]).await;
    picture(&answered);
    let (_, params) = the_render(&fake);
    assert_eq!(
        (params["var-device"].as_str(), params["var-interface"].as_str()),
        ("nyc-rtr-02", "Ethernet1"),
        "the wrong value is dropped, and what followed it is asked again"
    );
    // The choices match in any case, and the choice's own spelling is sent.
    let typed = fixture
        .typed(USER, "grafana get-interface-traffic NYC-RTR-01")
        .await;
    picture(&typed);
    assert_eq!(fake_grafana::params(&fake.renders()[1])[2].1, "nyc-rtr-01");
}

#[tokio::test]
async fn a_missing_free_variable_is_asked_with_a_form_after_a_default_before_it() {
    let (fake, fixture) = grafana().await;

    let asked = fixture.typed(USER, "grafana get-rtr1-errors theme=light").await;
    let Reply::Prompt(Prompt::Form(form)) = &asked.reply else {
        panic!("a form: {:?}", asked.reply);
    };
    assert_eq!(form.title, "Which Interface?");
    assert_eq!(form.fields[0].label, "Interface");

    let answered = fixture.answer(USER, &form.continuation, &["Ethernet7"]).await;
    picture(&answered);
    let (_, params) = the_render(&fake);
    assert_eq!(
        (params["var-interface"].as_str(), params["theme"].as_str()),
        ("Ethernet7", "light")
    );
}

#[tokio::test]
async fn help_shows_each_panel_with_its_dashboard_and_the_usage_its_variables_and_options() {
    let (fake, fixture) = grafana().await;

    let list = text(&fixture.typed(USER, "grafana").await);
    assert!(
        list.contains(
            "- `/grafana get-interface-traffic [device] [interface] [width=…] [height=…] [theme=…] [timespan=…] \
             [timezone=…]`  Show the panel Traffic in / out of the dashboard Interface traffic"
        ),
        "{list}"
    );
    assert!(list.contains("`/grafana get-firewall-drops [firewall]"), "{list}");
    let usage = text(&fixture.typed(USER, "grafana get-rtr1-errors help").await);
    assert!(
        usage.starts_with(
            "Usage: `/grafana get-rtr1-errors [interface] [width=…] [height=…] [theme=…] [timespan=…] [timezone=…]`\n\
             Show the panel rtr1-errors of the dashboard Interface traffic\nParameters:\n\
             - `interface`  Interface\nOptions:\n\
             - `width=`  Width in pixels, 100 to 4000 (default 1000)\n"
        ),
        "a variable not asked is no parameter: {usage}"
    );
    let traffic = text(&fixture.typed(USER, "grafana get-interface-traffic help").await);
    assert!(
        traffic.contains(
            "Parameters:\n- `device`  Device: one of nyc-rtr-01, nyc-rtr-02, ams-sw-01\n\
             - `interface` (optional)  Interface (default Ethernet1)\n"
        ),
        "{traffic}"
    );
    assert!(usage.contains("- `timespan=`  How far back, ending now: `6h`, `7d`, `1M`, or ISO 8601 such as `P1DT12H` (default 6h)"), "{usage}");
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn a_variable_left_to_its_default_before_the_asked_one_keeps_its_default() {
    let (fake, fixture) = grafana().await;

    let asked = fixture.typed(USER, "grafana get-bgp-prefixes").await;
    let menu = prompted(&asked);
    assert_eq!(menu.text, "Which Address family?");
    let answered = fixture.answer(USER, &menu.continuation, &["ipv6"]).await;
    picture(&answered);
    let (_, params) = the_render(&fake);
    assert_eq!(
        (params["var-device"].as_str(), params["var-afi"].as_str()),
        ("nyc-rtr-01", "ipv6"),
        "the answer is the address family, and the device its default"
    );
}
