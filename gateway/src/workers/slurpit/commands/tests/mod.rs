//! What a person sees of the slurpit sub-commands: the pure `render_*`
//! functions, fed with answers shaped as Slurpit gives them. The worker
//! behind the router, against the fake Slurpit, is tested in `slurpit/tests`.

use serde_json::json;

use super::planning::{latest_of, render_data, render_plannings};
use super::{devices, flag, shown, sites};
use crate::model::{Block, Reply};

/// The rows of the reply's one table.
fn rows(reply: &Reply) -> Vec<Vec<String>> {
    let Reply::Message(message) = reply else {
        panic!("a message, not {reply:?}");
    };
    message
        .blocks
        .iter()
        .find_map(|block| match block {
            Block::Table(table) => Some(table.rows.clone()),
            _ => None,
        })
        .expect("a table")
}

#[test]
fn values_read_as_text_and_missing_ones_as_a_dash() {
    assert_eq!(shown(Some(&json!("AMS-HQ"))), "AMS-HQ");
    assert_eq!(shown(Some(&json!(22))), "22");
    assert_eq!(shown(Some(&json!(null))), "—");
    assert_eq!(shown(Some(&json!(""))), "—");
    assert_eq!(shown(None), "—");
    assert_eq!(
        (flag(Some(&json!(1))), flag(Some(&json!(0)))),
        ("yes".to_owned(), "no".to_owned())
    );
}

#[test]
fn latest_is_true_or_false_or_yes_or_no() {
    assert_eq!(latest_of("TRUE"), Some(true));
    assert_eq!(latest_of("no"), Some(false));
    assert_eq!(latest_of("maybe"), None);
}

#[test]
fn empty_lists_are_said_in_words() {
    for reply in [
        devices::render_devices(&[], None),
        sites::render_sites(&[], None),
        render_plannings(&[], None),
        render_data(&[], &[], "x".to_owned(), "Nothing here.", None),
    ] {
        let Reply::Message(message) = &reply else {
            panic!("a message");
        };
        assert!(matches!(message.blocks[0], Block::Text(_)), "{reply:?}");
    }
}

#[test]
fn data_is_headed_by_the_hostname_and_the_planning_columns_in_order() {
    let columns = vec!["state".to_owned(), "neighbor".to_owned()];
    let reply = render_data(
        &columns,
        &[json!({"hostname": "ams-edge-01", "neighbor": "10.0.0.1", "state": "Established", "extra": 1})],
        "BGP".to_owned(),
        "none",
        Some("cut".to_owned()),
    );
    assert_eq!(rows(&reply), [["ams-edge-01", "Established", "10.0.0.1"]]);
}

#[test]
fn a_device_missing_fields_shows_dashes() {
    let reply = devices::render_device(&json!({"hostname": "x", "disabled": 1}), None);
    let rows = rows(&reply);
    assert!(rows.contains(&vec!["Disabled".to_owned(), "yes".to_owned()]));
    assert!(rows.contains(&vec!["Serial".to_owned(), "—".to_owned()]));
}
