//! One sub-command run: the toolkit's session with the Panorama client,
//! acting as one PAN-OS admin, and the XML API calls on it.

use super::client::{PanoramaClient, Request};
use super::error::PanoramaError;
use super::xml::{El, escape};
use crate::workers::toolkit::{self, credentials::Credential};

/// A sub-command being run against Panorama as one admin.
pub type Session<'a> = toolkit::session::Session<'a, PanoramaClient, Credential>;

/// A managed firewall as `show devices all` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// Its serial: what `target=` names.
    pub serial: String,
    /// Its host name: what people name it by.
    pub hostname: String,
    /// Whether it is connected to Panorama.
    pub connected: bool,
    /// Model (`PA-440`).
    pub model: String,
    /// Management address.
    pub ip: String,
    /// PAN-OS version.
    pub version: String,
    /// HA state, when in a pair.
    pub ha: String,
}

impl Device {
    fn of(entry: &El) -> Device {
        Device {
            serial: entry.text_at("serial").to_owned(),
            hostname: entry.text_at("hostname").to_owned(),
            connected: entry.text_at("connected") == "yes",
            model: entry.text_at("model").to_owned(),
            ip: entry.text_at("ip-address").to_owned(),
            version: entry.text_at("sw-version").to_owned(),
            ha: entry.text_at("ha/state").to_owned(),
        }
    }
}

/// An op command: `words` as nested elements around `inner` (`show system
/// info` → `<show><system><info/></system></show>`).
pub fn op_cmd(words: &[&str], inner: &str) -> String {
    let Some((last, outer)) = words.split_last() else {
        return inner.to_owned();
    };
    let mut cmd = if inner.is_empty() {
        format!("<{last}/>")
    } else {
        format!("<{last}>{inner}</{last}>")
    };
    for word in outer.iter().rev() {
        cmd = format!("<{word}>{cmd}</{word}>");
    }
    cmd
}

/// `<name>text</name>`, the text escaped.
pub fn element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

impl Session<'_> {
    /// Runs op command `cmd` on Panorama or the firewall `target`: its `<result>`.
    pub async fn op(
        &self,
        cmd: String,
        target: Option<&str>,
        action: &str,
        object: String,
    ) -> Result<El, PanoramaError> {
        self.client.op(&self.who, cmd, target, (action, object)).await
    }

    /// The managed firewalls, connected ones first, by host name.
    pub async fn devices(&self) -> Result<Vec<Device>, PanoramaError> {
        let result = self
            .op(
                op_cmd(&["show", "devices", "all"], ""),
                None,
                "view",
                "the devices".to_owned(),
            )
            .await?;
        let mut devices: Vec<Device> = result
            .find("devices")
            .map(|list| list.entries().map(Device::of).collect())
            .unwrap_or_default();
        devices.sort_by(|a, b| {
            b.connected
                .cmp(&a.connected)
                .then_with(|| a.hostname.cmp(&b.hostname))
        });
        Ok(devices)
    }

    /// The device groups with their firewalls (`show devicegroups`).
    pub async fn device_groups(&self) -> Result<Vec<(String, Vec<Device>)>, PanoramaError> {
        let result = self
            .op(
                op_cmd(&["show", "devicegroups"], ""),
                None,
                "view",
                "the device groups".to_owned(),
            )
            .await?;
        Ok(result
            .find("devicegroups")
            .map(|list| {
                list.entries()
                    .map(|group| {
                        let devices = group
                            .find("devices")
                            .map(|d| d.entries().map(Device::of).collect())
                            .unwrap_or_default();
                        (group.key().to_owned(), devices)
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The parents of device groups (`show dg-hierarchy`): (group, parent).
    pub async fn hierarchy(&self) -> Result<Vec<(String, Option<String>)>, PanoramaError> {
        let result = self
            .op(
                op_cmd(&["show", "dg-hierarchy"], ""),
                None,
                "view",
                "the device group hierarchy".to_owned(),
            )
            .await?;
        fn walk(el: &El, parent: Option<&str>, out: &mut Vec<(String, Option<String>)>) {
            for dg in el.children.iter().filter(|c| c.name == "dg") {
                let name = dg.attr("name").unwrap_or_default();
                out.push((name.to_owned(), parent.map(str::to_owned)));
                walk(dg, Some(name), out);
            }
        }
        let mut out = Vec::new();
        if let Some(tree) = result.find("dg-hierarchy") {
            walk(tree, None, &mut out);
        }
        Ok(out)
    }

    /// `show system info` of Panorama or the firewall `target`.
    pub async fn system_info(&self, target: Option<&str>, object: String) -> Result<El, PanoramaError> {
        let result = self
            .op(op_cmd(&["show", "system", "info"], ""), target, "view", object)
            .await?;
        Ok(result.find("system").cloned().unwrap_or_default())
    }

    /// Panorama's configuration at `xpath` (`action=get`): the `<result>`.
    pub async fn config(&self, xpath: &str, object: String) -> Result<El, PanoramaError> {
        let request = Request {
            params: vec![
                ("type", "config".to_owned()),
                ("action", "get".to_owned()),
                ("xpath", xpath.to_owned()),
            ],
            target: None,
            action: "view",
            object,
        };
        let response = self.client.send(&self.who, request).await?;
        Ok(response.find("result").cloned().unwrap_or_default())
    }

    /// The capture file `file` of the firewall `target`, as exported.
    pub async fn pcap(&self, target: &str, file: &str, object: String) -> Result<Vec<u8>, PanoramaError> {
        let request = Request {
            params: vec![
                ("type", "export".to_owned()),
                ("category", "filters-pcap".to_owned()),
                ("from", file.to_owned()),
            ],
            target: Some(target),
            action: "view",
            object,
        };
        self.client.download(&self.who, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_commands_nest_their_words() {
        assert_eq!(
            op_cmd(&["show", "system", "info"], ""),
            "<show><system><info/></system></show>"
        );
        assert_eq!(
            op_cmd(&["show", "jobs"], &element("id", "7")),
            "<show><jobs><id>7</id></jobs></show>"
        );
        assert_eq!(element("version", "<x>"), "<version>&lt;x&gt;</version>");
    }
}
