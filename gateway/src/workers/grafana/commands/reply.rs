//! The answer to `get-<panel>`: the picture, titled with the panel and its
//! dashboard, with a line saying which variables and time range it shows
//! and a link to the panel in Grafana.

use reqwest::Url;

use super::options::RenderOptions;
use crate::model::{Block, Reply};
use crate::workers::toolkit::render::{image, titled};

/// A rendered panel and what it was rendered with.
pub struct Picture<'a> {
    /// The panel's command (`interface-traffic`): the file is named after it.
    pub command: &'a str,
    /// The panel's title.
    pub panel: &'a str,
    /// The dashboard's title.
    pub dashboard: &'a str,
    /// The variables' values, by name.
    pub variables: &'a [(String, String)],
    /// The render options.
    pub options: &'a RenderOptions,
    /// The panel in Grafana's web UI, if its address could be made.
    pub link: Option<String>,
    /// The PNG.
    pub png: Vec<u8>,
}

/// The message showing `picture`.
pub fn picture(picture: Picture<'_>) -> Reply {
    let title = format!("{} — {}", picture.panel, picture.dashboard);
    let shown = shown(picture.variables, picture.options);
    let mut line = shown.clone();
    if let Some(link) = &picture.link {
        line.push_str(&format!(" [Open in Grafana]({link})"));
    }
    let alt = format!("{title}: {shown}");
    titled(
        title,
        vec![
            Block::Text(line),
            image(format!("{}.png", picture.command), alt, picture.png),
        ],
    )
}

/// "device=nyc-rtr-01, interface=Ethernet1; the last 6h." or "The
/// dashboard's time range."
fn shown(variables: &[(String, String)], options: &RenderOptions) -> String {
    let range = options.time_range();
    if variables.is_empty() {
        let mut chars = range.chars();
        let first = chars
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default();
        return format!("{first}{}.", chars.as_str());
    }
    let values: Vec<String> = variables
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    format!("{}; {range}.", values.join(", "))
}

/// The panel alone in Grafana's web UI (`/d/{uid}/{slug}?viewPanel=…`),
/// with the same variables and time range as the picture.
pub fn link(web_url: &str, (uid, slug): (&str, &str), render: &[(String, String)]) -> Option<String> {
    let mut url = Url::parse(web_url).ok()?;
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(["d", uid, slug]);
    let kept = render.iter().filter_map(|(key, value)| {
        let key = match key.as_str() {
            "panelId" => "viewPanel",
            "orgId" | "from" | "to" | "tz" => key.as_str(),
            key if key.starts_with("var-") => key,
            _ => return None,
        };
        Some((key, value.as_str()))
    });
    url.query_pairs_mut().extend_pairs(kept);
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use chatops_crds::settings::RenderDefaults;

    use super::*;
    use crate::model::{Image, Message};

    fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_picture_is_titled_with_panel_and_dashboard_and_says_what_it_shows() {
        let mut options = RenderOptions::with(&RenderDefaults::default(), &[]).unwrap();
        options.set("timespan", "6h").unwrap();
        let variables = owned(&[("device", "nyc-rtr-01")]);
        let reply = picture(Picture {
            command: "interface-traffic",
            panel: "Traffic in / out",
            dashboard: "Interface traffic",
            variables: &variables,
            options: &options,
            link: Some("https://grafana.example/d/x/y?viewPanel=1".to_owned()),
            png: vec![0x89, b'P'],
        });
        let Reply::Message(Message {
            title,
            blocks,
            private,
            ..
        }) = reply
        else {
            panic!("a message");
        };
        assert_eq!(title.as_deref(), Some("Traffic in / out — Interface traffic"));
        assert!(!private, "a panel is shown to the conversation");
        assert_eq!(
            blocks,
            [
                Block::Text(
                    "device=nyc-rtr-01; the last 6h. [Open in Grafana](https://grafana.example/d/x/y?viewPanel=1)"
                        .to_owned()
                ),
                Block::Image(Image {
                    file_name: "interface-traffic.png".to_owned(),
                    alt_text: "Traffic in / out — Interface traffic: device=nyc-rtr-01; the last 6h.".to_owned(),
                    bytes: vec![0x89, b'P'],
                }),
            ]
        );
    }

    #[test]
    fn without_variables_the_line_is_the_time_range() {
        let options = RenderOptions::with(&RenderDefaults::default(), &[]).unwrap();
        assert_eq!(shown(&[], &options), "The dashboard's time range.");
    }

    #[test]
    fn the_link_opens_the_panel_with_the_same_variables_and_range() {
        let render = owned(&[
            ("orgId", "1"),
            ("panelId", "2"),
            ("var-device", "nyc rtr"),
            ("from", "now-6h"),
            ("to", "now"),
            ("width", "800"),
            ("theme", "dark"),
        ]);
        assert_eq!(
            link("https://example.com/grafana/", ("net-if", "traffic"), &render).as_deref(),
            Some(
                "https://example.com/grafana/d/net-if/traffic?orgId=1&viewPanel=2&var-device=nyc+rtr&from=now-6h&to=now"
            )
        );
    }
}
