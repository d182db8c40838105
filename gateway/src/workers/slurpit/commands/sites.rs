//! `get-sites`: Slurpit's sites, with where they are.

use serde_json::Value;

use super::{note_of, shown};
use crate::model::Reply;
use crate::workers::slurpit::{Session, SlurpitError};
use crate::workers::toolkit::render::{info, table_message};

/// `get-sites`.
pub async fn get_sites(session: &Session<'_>) -> Result<Reply, SlurpitError> {
    let mut sites: Vec<Value> = session.list("sites").await?;
    let note = note_of(session, "admin/sites", &mut sites);
    Ok(render_sites(&sites, note))
}

/// The sites as a table: name, description, address, city, country, phone.
pub fn render_sites(sites: &[Value], note: Option<String>) -> Reply {
    if sites.is_empty() {
        return info("Sites: Slurpit has none.");
    }
    let rows = sites
        .iter()
        .map(|site| {
            let street = [site.get("street"), site.get("number")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            vec![
                shown(site.get("sitename")),
                shown(site.get("description")),
                shown(Some(&Value::String(street))),
                shown(site.get("zipcode")),
                shown(site.get("city")),
                shown(site.get("country")),
                shown(site.get("phonenumber")),
            ]
        })
        .collect();
    table_message(
        "Sites".to_owned(),
        &[
            "Name",
            "Description",
            "Street",
            "Zipcode",
            "City",
            "Country",
            "Phone",
        ],
        rows,
        note,
    )
}
