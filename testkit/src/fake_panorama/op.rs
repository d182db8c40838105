//! The operational commands (`type=op&cmd=<xml>`) the fake knows, on
//! Panorama or, with `target=`, on a managed firewall:
//! - `<show><system><info/></system></show>` (both)
//! - `<show><devices><all/></devices></show>` (and `<connected/>`),
//!   `<show><devicegroups/></show>`, `<show><dg-hierarchy/></show>` (Panorama)
//! - `<show><jobs><id>N</id></jobs></show>` (both)
//! - `<request><system><software><check/>|<info/>|<download><version>V</version></download>|<install><version>V</version></install></software></system></request>` (both)
//! - `<test><security-policy-match>…</security-policy-match></test>` and
//!   `<show><interface>all</interface></show>` (or one by name) (firewall)
//! - `<debug><dataplane><packet-diag><set|clear|show>…</…></packet-diag></dataplane></debug>`
//!   and `<delete><debug-filter><file>F</file></debug-filter></delete>` (firewall)
//!
//! Anything else is PAN-OS's code 17, `<first> -> <second>  is unexpected`.

use axum::response::Response;

use super::{
    Panorama, chain,
    data::PANORAMA_HOSTNAME,
    data::PANORAMA_SERIAL,
    done, error,
    policy::{self, Query, Scopes},
    refused, success,
    xml::El,
};

fn unexpected(words: &[&str]) -> Response {
    error(17, &format!(" {}  is unexpected", words.join(" -> ")))
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The node down `path` of child names under `cmd` (whose own name is the first).
fn node<'a>(cmd: &'a El, path: &[&str]) -> Option<&'a El> {
    let (first, rest) = path.split_first()?;
    if cmd.name != *first {
        return None;
    }
    rest.iter().try_fold(cmd, |el, name| el.find(name))
}

/// The text of a job result's `<msg><line>` and `<job>`.
fn enqueued(message: &str, id: u32) -> Response {
    success(
        Some(19),
        El::new("result")
            .child(El::new("msg").child(El::text("line", message)))
            .child(El::text("job", &id.to_string())),
    )
}

/// The rules of `scope`'s rulebase `base` (`pre-rulebase`, `rulebase`, `post-rulebase`).
fn rules_of<'a>(scope: Option<&'a El>, base: &str) -> Vec<&'a El> {
    scope
        .and_then(|s| s.at(&format!("{base}/security/rules")))
        .map(|r| r.children.iter().collect())
        .unwrap_or_default()
}

impl Panorama {
    /// Runs `cmd` for `user` on Panorama or the firewall `target`.
    pub(super) fn op(&mut self, user: usize, target: Option<usize>, cmd: &El) -> Response {
        let words = chain(cmd);
        let writes = self.users[user].writes;
        let name = self.users[user].name;
        match (target, words.as_slice()) {
            (_, ["show", "system", "info"]) => {
                success(None, El::new("result").child(self.system_info(target)))
            }
            (None, ["show", "devices", which @ ("all" | "connected")]) => {
                self.show_devices(*which == "connected")
            }
            (None, ["show", "devicegroups"]) => self.show_devicegroups(),
            (None, ["show", "dg-hierarchy"]) => self.show_dg_hierarchy(),
            (_, ["show", "jobs", "id"]) => {
                let id = cmd.text_at("jobs/id").trim().parse::<u32>();
                let software = match target {
                    Some(i) => &mut self.firewalls[i].software,
                    None => &mut self.software,
                };
                match id.ok().and_then(|id| software.look(id)) {
                    Some(job) => success(None, El::new("result").child(job)),
                    None => error(17, &format!("job {} not found", cmd.text_at("jobs/id").trim())),
                }
            }
            (_, ["request", "system", "software", verb, ..]) => {
                let Some(verb_el) = node(cmd, &["request", "system", "software", verb]) else {
                    return unexpected(&words);
                };
                let version = verb_el.text_at("version").trim().to_owned();
                let software = match target {
                    Some(i) => &mut self.firewalls[i].software,
                    None => &mut self.software,
                };
                match *verb {
                    "check" | "info" => success(None, El::new("result").child(software.versions())),
                    "download" | "install" if !writes => refused(&format!("request system software {verb}")),
                    "download" | "install" if version.is_empty() => error(
                        17,
                        &format!(" request -> system -> software -> {verb}  version is missing"),
                    ),
                    "download" => match software.download(&version, name) {
                        Ok(id) => enqueued(&format!("Download job enqueued with jobid {id}"), id),
                        Err(why) => error(17, &why),
                    },
                    "install" => match software.install(&version, name) {
                        Ok(id) => enqueued(
                            &format!(
                                "Software install job enqueued with jobid {id}. Run 'show jobs id {id}' to monitor its status. Please reboot the device after the installation is done."
                            ),
                            id,
                        ),
                        Err(why) => error(17, &why),
                    },
                    _ => unexpected(&words),
                }
            }
            (Some(i), ["test", "security-policy-match", ..]) => {
                let asked = node(cmd, &["test", "security-policy-match"]).expect("matched above");
                match Query::parse(asked) {
                    Ok(query) => self.policy_match(i, &query),
                    Err(why) => error(17, &why),
                }
            }
            (Some(i), ["debug", "dataplane", "packet-diag", verb, ..]) => {
                if *verb != "show" && !writes {
                    return refused(&format!("debug dataplane packet-diag {verb}"));
                }
                let diag = node(cmd, &["debug", "dataplane", "packet-diag"]).expect("matched above");
                let verb = diag.children.first().expect("matched above");
                let fw = &mut self.firewalls[i];
                let interfaces: Vec<&str> = fw.interfaces.iter().map(|f| f.name.as_str()).collect();
                match fw.capture.run(verb, &interfaces) {
                    Ok(text) => success(None, El::text("result", &text)),
                    Err(why) => error(17, &why),
                }
            }
            (Some(i), ["show", "interface", ..]) => self.show_interface(i, cmd.text_at("interface").trim()),
            (Some(i), ["delete", "debug-filter", ..]) => {
                if !writes {
                    return refused("delete debug-filter");
                }
                let file = cmd.text_at("debug-filter/file").trim().to_owned();
                if self.firewalls[i].capture.delete(&file) {
                    done(19, &format!("{file} deleted"))
                } else {
                    error(17, &format!("File {file} not found"))
                }
            }
            _ => unexpected(&words[..words.len().min(2)]),
        }
    }

    /// `show interface all` (or one interface by name): the `<ifnet>` (logical) and `<hw>` lists.
    fn show_interface(&self, i: usize, which: &str) -> Response {
        let fw = &self.firewalls[i];
        let chosen: Vec<(usize, &super::data::Interface)> = fw
            .interfaces
            .iter()
            .enumerate()
            .filter(|(_, f)| which == "all" || f.name == which)
            .collect();
        if chosen.is_empty() {
            return error(
                17,
                &format!(" show -> interface '{which}' is not a valid interface"),
            );
        }
        let (mut ifnet, mut hw) = (El::new("ifnet"), El::new("hw"));
        for (n, interface) in chosen {
            let id = (16 + n).to_string();
            let zoned = !interface.zone.is_empty();
            ifnet = ifnet.child(
                El::new("entry")
                    .child(El::text("name", &interface.name))
                    .child(El::text("zone", &interface.zone))
                    .child(El::text("fwd", if zoned { "vr:default" } else { "ha" }))
                    .child(El::text("vsys", "1"))
                    .child(El::new("dyn-addr"))
                    .child(El::new("addr6"))
                    .child(El::text("tag", "0"))
                    .child(El::text("ip", &interface.ip))
                    .child(El::text("id", &id))
                    .child(El::new("addr")),
            );
            hw = hw.child(
                El::new("entry")
                    .child(El::text("name", &interface.name))
                    .child(El::text("duplex", "full"))
                    .child(El::text("type", "0"))
                    .child(El::text("state", "up"))
                    .child(El::text("st", "1000/full/up"))
                    .child(El::text("mac", &format!("{}:{:02x}", &fw.mac[..14], 16 + n)))
                    .child(El::text("mode", "(autoneg)"))
                    .child(El::text("speed", "1000"))
                    .child(El::text("id", &id)),
            );
        }
        success(None, El::new("result").child(ifnet).child(hw))
    }

    fn system_info(&self, target: Option<usize>) -> El {
        let Some(i) = target else {
            return El::new("system")
                .child(El::text("hostname", PANORAMA_HOSTNAME))
                .child(El::text("ip-address", "10.0.0.5"))
                .child(El::text("netmask", "255.255.255.0"))
                .child(El::text("default-gateway", "10.0.0.1"))
                .child(El::text("ipv6-address", "unknown"))
                .child(El::text("mac-address", "00:50:56:a1:4e:07"))
                .child(El::text("time", "Thu Dec  3 21:40:11 2026"))
                .child(El::text("uptime", "63 days, 4:18:40"))
                .child(El::text("devicename", PANORAMA_HOSTNAME))
                .child(El::text("family", "pc"))
                .child(El::text("model", "Panorama"))
                .child(El::text("serial", PANORAMA_SERIAL))
                .child(El::text("vm-mode", "VMware ESXi"))
                .child(El::text("sw-version", &self.software.current))
                .child(El::text("app-version", "8912-9163"))
                .child(El::text("av-version", "5022-5540"))
                .child(El::text("wildfire-version", "0"))
                .child(El::text("logdb-version", "11.1.2"))
                .child(El::text("system-mode", "panorama"))
                .child(El::text("licensed-device-capacity", "25"))
                .child(El::text("device-certificate-status", "Valid"))
                .child(El::text("operational-mode", "normal"));
        };
        let fw = &self.firewalls[i];
        let gateway = fw
            .ip
            .rsplit_once('.')
            .map(|(net, _)| format!("{net}.1"))
            .unwrap_or_default();
        El::new("system")
            .child(El::text("hostname", &fw.hostname))
            .child(El::text("ip-address", &fw.ip))
            .child(El::text("public-ip-address", "unknown"))
            .child(El::text("netmask", "255.255.255.0"))
            .child(El::text("default-gateway", &gateway))
            .child(El::text("is-dhcp", "no"))
            .child(El::text("ipv6-address", "unknown"))
            .child(El::text("mac-address", &fw.mac))
            .child(El::text("time", "Thu Dec  3 21:40:11 2026"))
            .child(El::text("uptime", "41 days, 3:12:09"))
            .child(El::text("devicename", &fw.hostname))
            .child(El::text("family", &fw.family))
            .child(El::text("model", &fw.model))
            .child(El::text("serial", &fw.serial))
            .child(El::text("cloud-mode", "non-cloud"))
            .child(El::text("sw-version", &fw.software.current))
            .child(El::text("app-version", &fw.app_version))
            .child(El::text("app-release-date", "2024/12/02 17:25:41 PST"))
            .child(El::text("av-version", "5022-5540"))
            .child(El::text("threat-version", "8912-9163"))
            .child(El::text("wildfire-version", "923345-927098"))
            .child(El::text("url-filtering-version", "20241203.20183"))
            .child(El::text("vpn-disable-mode", "off"))
            .child(El::text("multi-vsys", "off"))
            .child(El::text("operational-mode", "normal"))
            .child(El::text("device-certificate-status", "Valid"))
    }

    /// One firewall's `<entry>` of `show devices` (`with_vsys`) or of `show devicegroups`.
    fn device_entry(&self, i: usize, with_vsys: bool) -> El {
        let fw = &self.firewalls[i];
        let mut entry = El::entry(&fw.serial)
            .child(El::text("serial", &fw.serial))
            .child(El::text("connected", yes_no(fw.connected)))
            .child(El::text("unsupported-version", "no"))
            .child(El::text("deactivated", "no"))
            .child(El::text("hostname", &fw.hostname))
            .child(El::text("ip-address", &fw.ip))
            .child(El::text("ipv6-address", "unknown"))
            .child(El::text("mac-addr", &fw.mac))
            .child(El::text(
                "uptime",
                if fw.connected { "41 days, 3:12:09" } else { "" },
            ))
            .child(El::text("family", &fw.family))
            .child(El::text("model", &fw.model))
            .child(El::text("sw-version", &fw.software.current))
            .child(El::text("app-version", &fw.app_version))
            .child(El::text("av-version", "5022-5540"))
            .child(El::text("threat-version", "8912-9163"))
            .child(El::text("multi-vsys", "no"))
            .child(El::text("operational-mode", "normal"));
        if let Some((state, peer)) = &fw.ha {
            entry = entry.child(
                El::new("ha")
                    .child(El::text("state", state))
                    .child(El::new("peer").child(El::text("serial", peer))),
            );
        }
        let policy = if fw.connected { "In Sync" } else { "Out of Sync" };
        if with_vsys {
            entry.child(
                El::new("vsys").child(
                    El::entry("vsys1")
                        .child(El::text("display-name", "vsys1"))
                        .child(El::text("shared-policy-status", policy)),
                ),
            )
        } else {
            entry.child(El::text("shared-policy-status", policy))
        }
    }

    fn show_devices(&self, connected_only: bool) -> Response {
        let devices = (0..self.firewalls.len())
            .filter(|i| !connected_only || self.firewalls[*i].connected)
            .map(|i| self.device_entry(i, true));
        success(
            None,
            El::new("result").child(devices.fold(El::new("devices"), El::child)),
        )
    }

    /// The device groups' `<entry>` elements of the configuration.
    fn group_entries(&self) -> Vec<&El> {
        self.config
            .at("devices")
            .and_then(|d| d.entry_named("localhost.localdomain"))
            .and_then(|l| l.find("device-group"))
            .map(|g| g.children.iter().collect())
            .unwrap_or_default()
    }

    fn show_devicegroups(&self) -> Response {
        let groups = self.group_entries().into_iter().map(|group| {
            let members = group
                .find("devices")
                .map(|d| d.children.iter().filter_map(|e| e.key()).collect::<Vec<_>>())
                .unwrap_or_default();
            let devices = members
                .iter()
                .filter_map(|serial| self.firewalls.iter().position(|f| f.serial == *serial))
                .map(|i| self.device_entry(i, false))
                .fold(El::new("devices"), El::child);
            El::entry(group.key().unwrap_or_default())
                .child(El::text(
                    "shared-policy-md5sum",
                    "8d2a1b4f0c39e6a7b5d4c3e2f1a09876",
                ))
                .child(devices)
        });
        success(
            None,
            El::new("result").child(groups.fold(El::new("devicegroups"), El::child)),
        )
    }

    /// The parent of device group `name` (`None`: under `shared`), as the readonly part keeps it.
    pub(super) fn parent_of(&self, name: &str) -> Option<String> {
        let parent = self
            .config
            .at("readonly/devices")?
            .entry_named("localhost.localdomain")?
            .find("device-group")?
            .entry_named(name)?
            .text_at("parent-dg")
            .to_owned();
        (!parent.is_empty()).then_some(parent)
    }

    fn show_dg_hierarchy(&self) -> Response {
        let names: Vec<String> = self
            .group_entries()
            .iter()
            .filter_map(|g| g.key().map(str::to_owned))
            .collect();
        fn under(pano: &Panorama, names: &[String], parent: Option<&str>, depth: u8) -> Vec<El> {
            names
                .iter()
                .enumerate()
                .filter(|(_, n)| pano.parent_of(n).as_deref() == parent)
                .map(|(i, n)| {
                    let dg = El::new("dg").attr("name", n).attr("dg_id", &(11 + i).to_string());
                    let children = if depth < 16 {
                        under(pano, names, Some(n), depth + 1)
                    } else {
                        Vec::new()
                    };
                    children.into_iter().fold(dg, El::child)
                })
                .collect()
        }
        let tree = under(self, &names, None, 0)
            .into_iter()
            .fold(El::new("dg-hierarchy"), El::child);
        success(None, El::new("result").child(tree))
    }

    fn policy_match(&self, i: usize, query: &Query) -> Response {
        let fw = &self.firewalls[i];
        let mut chain = Vec::new();
        let mut group = Some(fw.device_group.clone());
        while let Some(name) = group {
            if chain.contains(&name) || chain.len() > 16 {
                break;
            }
            group = self.parent_of(&name);
            chain.push(name);
        }
        let groups: Vec<&El> = chain
            .iter()
            .filter_map(|name| {
                self.group_entries()
                    .into_iter()
                    .find(|g| g.key() == Some(name.as_str()))
            })
            .collect();
        let shared = self.config.find("shared");
        let vsys = fw
            .local
            .at("devices")
            .and_then(|d| d.entry_named("localhost.localdomain"))
            .and_then(|l| l.find("vsys"))
            .and_then(|v| v.entry_named("vsys1"));
        let mut rules: Vec<&El> = rules_of(shared, "pre-rulebase");
        for group in groups.iter().rev() {
            rules.extend(rules_of(Some(group), "pre-rulebase"));
        }
        rules.extend(rules_of(vsys, "rulebase"));
        for group in &groups {
            rules.extend(rules_of(Some(group), "post-rulebase"));
        }
        rules.extend(rules_of(shared, "post-rulebase"));
        let scopes = Scopes(
            vsys.into_iter()
                .chain(groups.iter().copied())
                .chain(shared)
                .collect(),
        );
        success(
            None,
            El::new("result").child(policy::answer(&rules, &scopes, query)),
        )
    }
}
