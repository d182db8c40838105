//! What a person sees of every nautobot sub-command: the pure `render_*`
//! functions, fed with answers shaped as Nautobot 3.2 gives them (REST lists
//! with `?depth=1`, GraphQL `data`), read through the same serde structs the
//! sub-commands use. The worker behind the router, against a fake Nautobot,
//! is tested in `nautobot/tests`.

mod about;
mod circuits;
mod devices;
mod interfaces;
mod jobs;
mod manufacturers;
mod racks;
mod vlans;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::{cut_note, error};
use crate::model::{Block, Level, Message, Reply, Table};
use crate::workers::nautobot::Page;
use crate::workers::nautobot::visibility::Nulls;

/// Nautobot's web address in the tests.
const WEB: &str = "https://nautobot.example.net";

/// `value` read as the sub-commands read Nautobot's answers.
fn read<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).unwrap_or_else(|err| panic!("not read as Nautobot's answer: {err}"))
}

/// A REST list (`{count, next, previous, results}`) as the client hands it on.
fn page<T: DeserializeOwned>(list: Value) -> Page<T> {
    Page {
        count: usize::try_from(list["count"].as_u64().expect("a count")).unwrap(),
        results: read(list["results"].clone()),
    }
}

/// A REST list under `list` (`dcim/devices`) of `results`, `count` objects
/// matching in all.
fn rest_list(list: &str, count: usize, results: Vec<Value>) -> Value {
    let next =
        (results.len() < count).then(|| format!("{WEB}/api/{list}/?limit=1000&offset={}", results.len()));
    json!({"count": count, "next": next, "previous": null, "results": results})
}

/// A stable UUID for `seed`, so objects look like Nautobot's.
fn uuid(seed: &str) -> String {
    let hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        hash >> 32,
        (hash >> 16) & 0xffff,
        (hash >> 4) & 0xfff,
        hash & 0xfff,
        hash & 0xffff_ffff_ffff
    )
}

/// An object of `object_type` (`dcim.device`) under `list` (`dcim/devices`)
/// as REST gives it: `id`, `object_type`, `display`, `url` and the rest of
/// what Nautobot adds to every object, then `fields`.
fn object(object_type: &str, list: &str, display: &str, fields: Value) -> Value {
    let id = uuid(&format!("{object_type}:{display}"));
    let mut object = json!({
        "id": id,
        "object_type": object_type,
        "display": display,
        "url": format!("{WEB}/api/{list}/{id}/"),
        "natural_slug": format!("{}_{}", display.to_lowercase(), &id[..4]),
        "created": "2026-11-30T09:06:16.123456Z",
        "last_updated": "2026-11-30T09:06:16.123456Z",
        "notes_url": format!("{WEB}/api/{list}/{id}/notes/"),
        "custom_fields": {},
    });
    let Value::Object(fields) = fields else {
        panic!("fields are an object");
    };
    object.as_object_mut().unwrap().extend(fields);
    object
}

/// A related object as `?depth=1` nests it one level further down: a brief
/// reference without a name.
fn brief(object_type: &str, list: &str, seed: &str) -> Value {
    let id = uuid(&format!("{object_type}:{seed}"));
    json!({"id": id, "object_type": object_type, "url": format!("{WEB}/api/{list}/{id}/")})
}

/// A named object nested by `?depth=1` (status, role, location, tenant, …).
fn named(object_type: &str, list: &str, name: &str) -> Value {
    object(object_type, list, name, json!({"name": name, "description": ""}))
}

/// The message of a reply.
#[track_caller]
fn message(reply: &Reply) -> &Message {
    match reply {
        Reply::Message(message) => message,
        Reply::Prompt(prompt) => panic!("a message, not a prompt: {prompt:?}"),
    }
}

/// The one block of a reply that `pick` picks, named `kind` in a failure.
#[track_caller]
fn the_one<'r, T: ?Sized>(reply: &'r Reply, kind: &str, pick: impl Fn(&'r Block) -> Option<&'r T>) -> &'r T {
    let picked: Vec<&T> = message(reply).blocks.iter().filter_map(pick).collect();
    assert_eq!(picked.len(), 1, "one {kind} in {reply:?}");
    picked[0]
}

/// The one table of a reply.
#[track_caller]
fn table(reply: &Reply) -> &Table {
    the_one(reply, "table", |block| match block {
        Block::Table(table) => Some(table),
        _ => None,
    })
}

/// The text blocks of a reply, in order.
fn texts(reply: &Reply) -> Vec<&str> {
    crate::commands::tests::fixtures::text_blocks(message(reply))
}

/// The one code block of a reply.
#[track_caller]
fn code(reply: &Reply) -> &str {
    the_one(reply, "code block", |block| match block {
        Block::Code(code) => Some(code.as_str()),
        _ => None,
    })
}

/// A table's column headings.
fn headings(table: &Table) -> Vec<&str> {
    table.columns.iter().map(String::as_str).collect()
}

/// The one table of a reply, titled `title` as its message is, with
/// `columns` written on one line, separated by ` | `.
#[track_caller]
fn titled_table<'r>(reply: &'r Reply, title: &str, columns: &str) -> &'r Table {
    assert_eq!(message(reply).title.as_deref(), Some(title), "{reply:?}");
    let table = table(reply);
    assert_eq!(table.title, title);
    assert_eq!(headings(table), columns.split(" | ").collect::<Vec<_>>());
    table
}

/// A table's rows, as `&str`s for comparing with literals.
fn rows(table: &Table) -> Vec<Vec<&str>> {
    table
        .rows
        .iter()
        .map(|row| row.iter().map(String::as_str).collect())
        .collect()
}

/// Rows written one a line, their cells separated by ` | `.
fn lines<'a>(rows: &[&'a str]) -> Vec<Vec<&'a str>> {
    rows.iter().map(|row| row.split(" | ").collect()).collect()
}

/// `nulls` are asked about in one GraphQL `query` with `variables`; `why`
/// says which rows are asked about.
#[track_caller]
fn assert_asks(nulls: &Nulls, query: &str, variables: &Value, why: &str) {
    let (asked, with) = nulls.query().expect("the nulls are asked about");
    assert_eq!(asked, query, "{why}");
    assert_eq!(&with, variables, "{why}");
}

/// The reply is one plain text message saying `text` at `level`, public.
#[track_caller]
fn assert_said(reply: &Reply, level: Level, text: &str) {
    let message = message(reply);
    assert_eq!(message.level, level, "{reply:?}");
    assert_eq!(message.blocks, vec![Block::Text(text.to_owned())], "{reply:?}");
    assert!(!message.private, "an answer everyone may see: {reply:?}");
}

#[test]
fn cut_note_says_how_many_of_how_many_only_when_a_list_was_cut() {
    assert_eq!(
        cut_note(10_000, 12_345).as_deref(),
        Some("Showing the first 10000 of 12345; narrow the filter to see the rest.")
    );
    assert_eq!(cut_note(3, 3), None);
    assert_eq!(cut_note(0, 0), None);
}

#[test]
fn an_error_is_said_privately_at_error_level() {
    let reply = error("`mars01` is not a location.");
    let message = message(&reply);
    assert_eq!(message.level, Level::Error);
    assert!(message.private);
    assert_eq!(
        message.blocks,
        vec![Block::Text("`mars01` is not a location.".to_owned())]
    );
}
