//! `type=config` (`get`, `show`, `set`, `edit`, `delete` at an `xpath=`)
//! over Panorama's configuration or, with a target, a firewall's own, and
//! `type=commit`, which turns the changes into a `Commit` job.

use axum::{http::StatusCode, response::Response};

use super::{Panorama, done, error, param, refused, result_error, success, xml, xml::El, xpath};

impl Panorama {
    /// Answers `type=config` for `user`, on the firewall `target` or Panorama.
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
        let tree = match target {
            Some(i) => &mut self.firewalls[i].local,
            None => &mut self.config,
        };
        let written = match action {
            "get" | "show" => return read(tree, &paths, action == "show"),
            "set" | "edit" | "delete" if !self.users[user].writes => {
                return refused(&format!("config {action}"));
            }
            "set" | "edit" => write(tree, &paths, action == "edit", param(params, "element")),
            "delete" => {
                for path in &paths {
                    xpath::remove(tree, path);
                }
                Ok(())
            }
            other => {
                return result_error(
                    StatusCode::OK,
                    400,
                    &format!("Illegal value for parameter \"action\" [{other}]."),
                );
            }
        };
        match written {
            Ok(()) => {
                // Only Panorama's own changes wait for its commit (a firewall's are its own).
                self.dirty |= target.is_none();
                done(20, "command succeeded")
            }
            Err(refusal) => *refusal,
        }
    }

    /// Answers `type=commit`: a `Commit` job for Panorama's pending changes.
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

/// `get` (`<result total-count count>`, code 19; code 7 when nothing is
/// there) or `show` (the nodes; error 7 `No such node`) of `paths`.
fn read(tree: &El, paths: &[xpath::Path], show: bool) -> Response {
    let found = xpath::select(tree, paths);
    match (found.is_empty(), show) {
        (true, true) => error(7, "No such node"),
        (true, false) => success(Some(7), El::new("result")),
        (false, true) => {
            let mut result = El::new("result");
            result.children = found;
            success(None, result)
        }
        (false, false) => {
            let count = found.len().to_string();
            let mut result = El::new("result")
                .attr("total-count", &count)
                .attr("count", &count);
            result.children = found;
            success(Some(19), result)
        }
    }
}

/// Writes `element` at the one path of `paths`: `set` merges it into the
/// node (made where missing), `edit` replaces the node with it.
fn write(
    tree: &mut El,
    paths: &[xpath::Path],
    edit: bool,
    element: Option<&str>,
) -> Result<(), Box<Response>> {
    let [path] = paths else {
        return Err(Box::new(error(6, "Bad Xpath: one path is written at a time")));
    };
    let Some(element) = element else {
        return Err(Box::new(result_error(
            StatusCode::OK,
            400,
            "Missing 'element' parameter",
        )));
    };
    // `set` takes a fragment (several siblings); a root makes it one document.
    let given = xml::parse(&format!("<given>{element}</given>"))
        .map_err(|bad| Box::new(error(12, &format!("Invalid object: {}", bad.0))))?;
    let named = match path.last() {
        Some(xpath::Step::Element { name, .. }) => name.as_str(),
        _ => "",
    };
    if edit && !matches!(given.children.as_slice(), [one] if one.name == named) {
        return Err(Box::new(error(
            12,
            "Invalid object: edit takes the one element its xpath names",
        )));
    }
    let node = xpath::locate_or_make(tree, path).ok_or_else(|| Box::new(error(6, "Bad Xpath")))?;
    if edit {
        let keys = std::mem::take(&mut node.attrs);
        *node = given.children.into_iter().next().unwrap_or_default();
        for (name, value) in keys {
            if node.get_attr(&name).is_none() {
                node.attrs.push((name, value));
            }
        }
    } else {
        for child in given.children {
            merge(node, child);
        }
    }
    Ok(())
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
