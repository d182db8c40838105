//! What a dashboard's JSON model becomes, field by field.

use serde_json::json;

use super::*;

fn declare(answer: Value) -> (Option<GrafanaDashboard>, Vec<String>) {
    let mut warnings = Vec::new();
    let declared = dashboard("dash", &answer, &mut Commands::default(), &mut warnings);
    (declared, warnings)
}

fn with_variables(list: Value) -> Value {
    json!({
        "meta": {"slug": "dash"},
        "dashboard": {"title": "Dash", "panels": [{"id": 1, "type": "timeseries", "title": "One"}], "templating": {"list": list}},
    })
}

fn only_variable(variable: Value) -> PanelVariable {
    let (declared, _) = declare(with_variables(json!([variable])));
    declared.unwrap().panels[0].variables[0].clone()
}

#[test]
fn panels_in_collapsed_rows_count_and_rows_and_panels_without_id_do_not() {
    let (declared, warnings) = declare(json!({
        "meta": {"slug": "bgp-sessions"},
        "dashboard": {"title": "BGP sessions", "panels": [
            {"id": 1, "type": "stat", "title": "Established sessions"},
            {"type": "text", "title": "No id"},
            {"id": 3, "type": "row", "title": "Details", "collapsed": true, "panels": [
                {"id": 4, "type": "table", "title": "Session state"},
            ]},
            {"id": 5, "type": "row", "title": "Open row", "collapsed": false, "panels": []},
            {"id": 6, "type": "timeseries", "title": "Established sessions"},
            {"id": 1, "type": "stat", "title": "Copy"},
        ]},
    }));
    let declared = declared.unwrap();
    let panels: Vec<(u32, &str)> = declared
        .panels
        .iter()
        .map(|p| (p.id, p.command.as_str()))
        .collect();
    assert_eq!(
        panels,
        [
            (1, "established-sessions"),
            (4, "session-state"),
            (6, "established-sessions-2")
        ]
    );
    assert_eq!(declared.slug, "bgp-sessions");
    assert_eq!(declared.title.as_deref(), Some("BGP sessions"));
    assert_eq!(
        warnings,
        ["dashboard dash: panel id 1 appears twice; the second is left out"]
    );
}

#[test]
fn a_dashboard_without_panels_is_left_out_with_a_warning() {
    let (declared, warnings) = declare(
        json!({"meta": {"slug": "empty"}, "dashboard": {"title": "Empty", "panels": [
            {"id": 1, "type": "row", "title": "Only a row"},
        ]}}),
    );
    assert_eq!(declared, None);
    assert_eq!(warnings, ["dashboard dash has no panel to serve; left out"]);
}

#[test]
fn a_slug_the_schema_refuses_is_made_from_the_title() {
    let (declared, _) = declare(
        json!({"meta": {"slug": "trafic-réseau"}, "dashboard": {"title": "Trafic réseau", "panels": [{"id": 2}]}}),
    );
    assert_eq!(declared.unwrap().slug, "trafic-r-seau");
    let (declared, _) = declare(json!({"meta": {}, "dashboard": {"panels": [{"id": 2}]}}));
    let declared = declared.unwrap();
    assert_eq!(declared.slug, "dashboard");
    assert_eq!(declared.panels[0].command, "panel-2");
    assert_eq!(declared.panels[0].title, None);
}

#[test]
fn custom_variables_take_their_options_as_choices_and_current_value_as_default() {
    let variable = only_variable(json!({
        "name": "device", "label": "Device", "type": "custom", "hide": 0,
        "current": {"text": "nyc-rtr-02", "value": "nyc-rtr-02"},
        "options": [
            {"text": "All", "value": "$__all"},
            {"text": "nyc-rtr-01", "value": "nyc-rtr-01"},
            {"text": "nyc-rtr-02", "value": "nyc-rtr-02"},
            {"text": "nyc-rtr-01", "value": "nyc-rtr-01"},
        ],
    }));
    assert_eq!(
        variable,
        PanelVariable {
            name: "device".into(),
            title: Some("Device".into()),
            default: Some("nyc-rtr-02".into()),
            ask: true,
            choices: vec!["nyc-rtr-01".into(), "nyc-rtr-02".into()],
            nautobot: None,
        }
    );
}

#[test]
fn a_hidden_constant_is_not_asked_and_a_hidden_variable_without_default_is() {
    let constant = only_variable(json!({
        "name": "env", "type": "constant", "hide": 2, "query": "prod",
        "current": {"value": "prod"}, "options": [{"value": "prod"}],
    }));
    assert_eq!((constant.ask, constant.default.as_deref()), (false, Some("prod")));
    assert_eq!(constant.choices, ["prod"]);
    let hidden_all =
        only_variable(json!({"name": "site", "type": "query", "hide": 2, "current": {"value": "$__all"}}));
    assert_eq!((hidden_all.ask, hidden_all.default), (true, None));
}

#[test]
fn query_variables_have_no_fixed_choices_and_multi_values_no_default() {
    let query = only_variable(json!({
        "name": "interface", "label": "Interface", "type": "query",
        "current": {"value": "Ethernet1"}, "options": [{"value": "Ethernet1"}, {"value": "Ethernet2"}],
    }));
    assert_eq!(query.choices, Vec::<String>::new());
    assert_eq!(query.default.as_deref(), Some("Ethernet1"));
    let multi = only_variable(
        json!({"name": "device", "type": "custom", "current": {"value": ["a", "b"]}, "options": [{"value": "a"}, {"value": "b"}]}),
    );
    assert_eq!((multi.default, multi.choices.len()), (None, 2));
}

#[test]
fn a_current_value_outside_the_options_is_no_default() {
    let variable = only_variable(json!({
        "name": "afi", "type": "custom", "hide": 2,
        "current": {"value": "ipv5"}, "options": [{"value": "ipv4"}, {"value": "ipv6"}],
    }));
    assert_eq!((variable.default, variable.ask), (None, true));
}

#[test]
fn ad_hoc_filters_and_names_the_schema_refuses_are_left_out() {
    let (declared, warnings) = declare(with_variables(json!([
        {"name": "Filters", "type": "adhoc"},
        {"name": "my-var", "type": "textbox", "current": {"value": "x"}},
        {"name": "ok_var", "type": "textbox", "label": "L".repeat(150), "current": {"value": "y".repeat(201)}},
    ])));
    let variables = &declared.unwrap().panels[0].variables;
    assert_eq!(variables.len(), 1);
    assert_eq!(variables[0].name, "ok_var");
    assert_eq!(variables[0].title.as_ref().unwrap().len(), 100);
    assert_eq!(variables[0].default, None, "too long a default is none");
    assert_eq!(
        warnings,
        ["dashboard dash: variable \"my-var\" is not a name the Integration takes; left out"]
    );
}

#[test]
fn too_many_options_leave_the_choices_open() {
    let options: Vec<Value> = (0..101).map(|i| json!({"value": format!("v{i}")})).collect();
    let (declared, warnings) = declare(with_variables(json!([
        {"name": "big", "type": "custom", "current": {"value": "v3"}, "options": options},
    ])));
    let variable = &declared.unwrap().panels[0].variables[0];
    assert_eq!(variable.choices, Vec::<String>::new());
    assert_eq!(variable.default.as_deref(), Some("v3"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
}

#[test]
fn titles_are_cut_at_a_character_boundary() {
    assert_eq!(cut("ééé", 3), "é");
    assert_eq!(cut("abc", 10), "abc");
}

#[test]
fn panels_and_variables_beyond_the_schemas_bounds_are_left_out_with_a_warning() {
    let panels: Vec<Value> = (1..=51)
        .map(|id| json!({"id": id, "title": format!("Panel {id}")}))
        .collect();
    let variables: Vec<Value> = (0..21)
        .map(|i| json!({"name": format!("v{i}"), "type": "textbox"}))
        .collect();
    let (declared, warnings) = declare(json!({
        "meta": {"slug": "big"},
        "dashboard": {"title": "Big", "panels": panels, "templating": {"list": variables}},
    }));
    let declared = declared.unwrap();
    assert_eq!(declared.panels.len(), MAX_PANELS);
    assert_eq!(declared.panels[49].command, "panel-50");
    assert_eq!(declared.panels[0].variables.len(), MAX_VARIABLES);
    assert_eq!(
        warnings,
        [
            "dashboard dash: only its first 20 variables are declared (the most a panel takes)",
            "dashboard dash: only its first 50 panels are declared (the most one dashboard takes)",
        ]
    );
}
