//! `type=config` (`get`, `show`, `set`, `edit`, `delete` at an `xpath=`)
//! over Panorama's configuration or, with a target, a firewall's own, and
//! `type=commit`, which turns the changes into a `Commit` job.

use axum::{http::StatusCode, response::Response};

use super::{Panorama, done, error, param, refused, result_error, success, xml, xml::El, xpath};

impl Panorama {
    pub(super) fn config(
        &mut self,
        user: usize,
        target: Option<usize>,
        params: &[(String, String)],
    ) -> Response {
        let action = param(params, "action").unwrap_or("get");
        let Some(xpath) = param(params, "xpath") else {
            return result_error(StatusCode::OK, 400, "Missing 'xpath' parameter");
        };
        let paths = match xpath::parse(xpath) {
            Ok(paths) => paths,
            Err(bad) => return error(6, &format!("Bad Xpath: {}", bad.0)),
        };
        let writes = matches!(action, "set" | "edit" | "delete");
        if writes && !self.users[user].writes {
            return refused(&format!("config {action}"));
        }
        let tree = match target {
            Some(i) => &mut self.firewalls[i].local,
            None => &mut self.config,
        };
        match action {
            "get" | "show" => {
                let found = xpath::select(tree, &paths);
                if found.is_empty() {
                    return if action == "get" {
                        success(Some(7), El::new("result"))
                    } else {
                        error(7, "No such node")
                    };
                }
                let count = found.len().to_string();
                let mut result = El::new("result");
                if action == "get" {
                    result = result.attr("total-count", &count).attr("count", &count);
                }
                result.children = found;
                success(if action == "get" { Some(19) } else { None }, result)
            }
            "set" | "edit" => {
                let [path] = paths.as_slice() else {
                    return error(6, "Bad Xpath: one path is written at a time");
                };
                let Some(element) = param(params, "element") else {
                    return result_error(StatusCode::OK, 400, "Missing 'element' parameter");
                };
                let given = match xml::parse(&format!("<given>{element}</given>")) {
                    Ok(given) => given,
                    Err(bad) => return error(12, &format!("Invalid object: {}", bad.0)),
                };
                if action == "edit" {
                    let written = match given.children.as_slice() {
                        [one] if matches!(path.last(), Some(xpath::Step::Element { name, .. }) if *name == one.name) => {
                            one.clone()
                        }
                        _ => return error(12, "Invalid object: edit takes the one element its xpath names"),
                    };
                    let Some(node) = xpath::locate_or_make(tree, path) else {
                        return error(6, "Bad Xpath");
                    };
                    let keys = node.attrs.clone();
                    *node = written;
                    for (name, value) in keys {
                        if node.get_attr(&name).is_none() {
                            node.attrs.push((name, value));
                        }
                    }
                } else {
                    let Some(node) = xpath::locate_or_make(tree, path) else {
                        return error(6, "Bad Xpath");
                    };
                    for child in given.children {
                        merge(node, child);
                    }
                }
                self.dirty = true;
                done(20, "command succeeded")
            }
            "delete" => {
                for path in &paths {
                    xpath::remove(tree, path);
                }
                self.dirty = true;
                done(20, "command succeeded")
            }
            other => result_error(
                StatusCode::OK,
                400,
                &format!("Illegal value for parameter \"action\" [{other}]."),
            ),
        }
    }

    pub(super) fn commit(&mut self, user: usize, target: Option<usize>) -> Response {
        if !self.users[user].writes {
            return refused("commit");
        }
        if target.is_some() || !self.dirty {
            return done(19, "There are no changes to commit.");
        }
        self.dirty = false;
        let id = self.software.commit(self.users[user].name);
        success(
            Some(19),
            El::new("result")
                .child(
                    El::new("msg").child(El::text("line", &format!("Commit job enqueued with jobid {id}"))),
                )
                .child(El::text("job", &id.to_string())),
        )
    }
}

/// Merges `given` into `node`, as a `set` does: an entry or element already
/// there takes the given one's attributes, text and children in turn.
fn merge(node: &mut El, given: El) {
    let same = node
        .children
        .iter()
        .position(|c| c.name == given.name && (given.name != "entry" || c.key() == given.key()));
    match same {
        None => node.children.push(given),
        Some(at) => {
            let existing = &mut node.children[at];
            for (name, value) in given.attrs {
                match existing.attrs.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = value,
                    None => existing.attrs.push((name, value)),
                }
            }
            if !given.text.is_empty() || given.children.is_empty() {
                existing.text = given.text;
            }
            // A `member` list is a value, not a set of keys: a given one is added.
            for child in given.children {
                if child.name == "member" {
                    if !existing.children.contains(&child) {
                        existing.children.push(child);
                    }
                } else {
                    merge(existing, child);
                }
            }
        }
    }
}
