//! Hidden versus empty, as every sub-command shows it.

use std::collections::HashMap;

use serde_json::json;

use super::{Empties, Id, Link, Nulls, Seen, Shown, hidden, shown_list};
use crate::workers::nautobot::NautobotError;
use crate::workers::nautobot::objects::{Related, shown};

const RACK: Link = Link::optional("devices", "dcim.rack", "rack__isnull: true");
const TENANT: Link = Link::optional("devices", "tenancy.tenant", "tenant__isnull: true");
const LOCATION: Link = Link::required("devices", "dcim.location");
const TERMINATION_LOCATION: Link =
    Link::optional("circuit_terminations", "dcim.location", "location__isnull: true");

#[test]
fn a_value_reads_as_itself_none_as_a_dash_and_a_hidden_one_names_the_permission() {
    assert_eq!(Shown::Value("ams01".to_owned()).text(), "ams01");
    assert_eq!(Shown::Empty.text(), "—");
    assert_eq!(Shown::Value(String::new()).text(), "—", "a blank name is none");
    assert_eq!(
        Shown::Hidden("dcim.location".to_owned()).to_string(),
        "hidden (you may not view dcim.location)"
    );
    assert_eq!(hidden("extras.role"), "hidden (you may not view extras.role)");
    assert_eq!(Shown::of(Some("")), Shown::Empty);
    assert_eq!(
        Shown::of(Some("10.1.0.1/24")).map(|ip| ip.replace("/24", "")),
        Shown::Value("10.1.0.1".to_owned())
    );
    assert_eq!(
        Shown::Hidden("ipam.ipaddress".to_owned()).map(|ip| ip + "!"),
        Shown::Hidden("ipam.ipaddress".to_owned()),
        "nothing to change in a hidden value"
    );
}

#[test]
fn only_nulls_of_fields_that_may_be_empty_are_asked_about() {
    let mut nulls = Nulls::default();

    assert_eq!(
        nulls.seen(&RACK, "d-1", Some("ams01-r1")),
        Shown::Value("ams01-r1".to_owned())
    );
    assert_eq!(
        nulls.seen(&LOCATION, "d-1", None),
        Shown::Hidden("dcim.location".to_owned()),
        "Nautobot requires a device's location: a null is hidden, nothing to ask"
    );
    assert_eq!(nulls.query(), None, "nothing to ask yet");

    assert_eq!(
        nulls.seen(&RACK, "d-2", None),
        Shown::Empty,
        "taken as empty meanwhile"
    );
    nulls.seen(&RACK, "d-1", None);
    nulls.seen(&TENANT, "d-2", None);
    nulls.seen(&TERMINATION_LOCATION, "t-1", None);
    nulls.seen(&RACK, "d-2", None);

    let (query, variables) = nulls.query().expect("something to ask");
    assert_eq!(
        query,
        "query ($q0: [String], $q1: [String], $q2: [String]) { \
         q0: circuit_terminations(id: $q0, location__isnull: true) { id } \
         q1: devices(id: $q1, rack__isnull: true) { id } \
         q2: devices(id: $q2, tenant__isnull: true) { id } }",
        "one request: one list per list and filter, of the rows' own ids"
    );
    assert_eq!(
        variables,
        json!({"q0": ["t-1"], "q1": ["d-1", "d-2"], "q2": ["d-2"]}),
        "each row once"
    );
}

#[test]
fn what_nautobot_answers_tells_the_empty_rows_from_the_hidden_ones() {
    let mut nulls = Nulls::default();
    for id in ["d-1", "d-2"] {
        nulls.seen(&RACK, id, None);
    }
    nulls.seen(&TENANT, "d-2", None);
    let answer: HashMap<String, Vec<Id>> = serde_json::from_value(json!({
        "q0": [{"id": "d-2"}],
        "q1": []
    }))
    .unwrap();

    let empties = nulls.answered(&answer).unwrap();

    assert_eq!(empties.shown(&RACK, "d-2", None), Shown::Empty);
    assert_eq!(
        empties.shown(&RACK, "d-1", None),
        Shown::Hidden("dcim.rack".to_owned())
    );
    assert_eq!(
        empties.shown(&TENANT, "d-2", None),
        Shown::Hidden("tenancy.tenant".to_owned())
    );
    assert_eq!(
        empties.shown(&RACK, "d-1", Some("ams01-r1")),
        Shown::Value("ams01-r1".to_owned())
    );
    assert_eq!(
        empties.shown(&LOCATION, "d-2", None),
        Shown::Hidden("dcim.location".to_owned())
    );
    assert_eq!(
        empties,
        Empties::default().with(&RACK, &["d-2"]).with(&TENANT, &[]),
        "what tests say directly is what Nautobot's answer says"
    );

    let mut seen = &empties;
    assert_eq!(seen.seen(&RACK, "d-2", None), Shown::Empty);
}

#[test]
fn an_answer_without_one_of_the_lists_asked_for_cannot_be_read() {
    let mut nulls = Nulls::default();
    nulls.seen(&RACK, "d-1", None);
    nulls.seen(&TENANT, "d-1", None);
    let answer: HashMap<String, Vec<Id>> = serde_json::from_value(json!({"q0": []})).unwrap();

    let err = nulls.answered(&answer).unwrap_err();

    assert!(matches!(err, NautobotError::Malformed(_)), "{err:?}");
    assert!(err.to_string().contains("q1"), "{err}");
}

#[test]
fn a_list_shows_its_names_and_how_many_more_are_hidden() {
    let location = "dcim.location";
    assert_eq!(shown_list(&[], Some(0), location), "—");
    assert_eq!(shown_list(&[], None, location), "—", "not counted: taken whole");
    assert_eq!(
        shown_list(&[], Some(1), location),
        "hidden (you may not view dcim.location)"
    );
    assert_eq!(
        shown_list(&[], Some(3), location),
        "3 hidden (you may not view dcim.location)"
    );
    assert_eq!(shown_list(&["ams01", "nyc01"], Some(2), location), "ams01, nyc01");
    assert_eq!(shown_list(&["ams01", "nyc01"], None, location), "ams01, nyc01");
    assert_eq!(
        shown_list(&["ams01"], Some(2), location),
        "ams01, 1 more hidden (you may not view dcim.location)"
    );
}

#[test]
fn rest_names_a_related_object_the_user_may_not_view_and_says_null_is_none() {
    // `?depth=1`, as Nautobot 3.2.7 gives it: in full, downgraded to its
    // display for a user who may not view it, or a bare reference at the
    // depth limit.
    let read = |value| serde_json::from_value::<Option<Related>>(value).unwrap();
    let full =
        read(json!({"id": "l-1", "object_type": "dcim.location", "name": "ams01", "display": "ams01"}));
    let downgraded =
        read(json!({"id": "l-1", "object_type": "dcim.location", "url": "…", "display": "ams01"}));
    let bare = read(json!({"id": "l-1", "object_type": "dcim.location", "url": "…"}));

    assert_eq!(shown(&full), Shown::Value("ams01".to_owned()));
    assert_eq!(shown(&downgraded), Shown::Value("ams01".to_owned()));
    assert_eq!(shown(&bare), Shown::Hidden("dcim.location".to_owned()));
    assert_eq!(shown(&None), Shown::Empty);
}
