//! The objects a rule names (addresses, address groups, services, service
//! groups), said with their values, looked up in the nearest scope that has
//! them: the firewall's device group, its parents, then `shared`.

use crate::workers::panorama::xml::El;

/// The object `name` of list `list` (`address`, `service-group`) in the
/// nearest scope that has it.
fn object<'s>(scopes: &'s [(String, El)], list: &str, name: &str) -> Option<&'s El> {
    scopes
        .iter()
        .find_map(|(_, scope)| scope.find(list)?.entries().find(|e| e.key() == name))
}

/// An address member by name with its value: `dns-google (8.8.8.8/32)`,
/// a group with its members' values, `any` and literals as they are.
pub fn address_value(name: &str, scopes: &[(String, El)], depth: u8) -> String {
    if let Some(address) = object(scopes, "address", name) {
        let value = ["ip-netmask", "ip-range", "fqdn", "ip-wildcard"]
            .iter()
            .map(|kind| address.text_at(kind))
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        return format!("{name} ({value})");
    }
    if let Some(group) = object(scopes, "address-group", name)
        && depth < 8
    {
        let members: Vec<String> = group
            .members("static")
            .iter()
            .map(|m| value_only(&address_value(m, scopes, depth + 1)))
            .collect();
        return format!("{name} ({})", members.join(", "));
    }
    name.to_owned()
}

/// A service member by name with its value: `tcp-8443 (tcp/8443)`.
pub fn service_value(name: &str, scopes: &[(String, El)], depth: u8) -> String {
    if let Some(service) = object(scopes, "service", name) {
        let value = ["tcp", "udp", "sctp"]
            .iter()
            .find_map(|proto| {
                let port = service.text_at(&format!("protocol/{proto}/port"));
                (!port.is_empty()).then(|| format!("{proto}/{port}"))
            })
            .unwrap_or_default();
        return format!("{name} ({value})");
    }
    if let Some(group) = object(scopes, "service-group", name)
        && depth < 8
    {
        let members: Vec<String> = group
            .members("members")
            .iter()
            .map(|m| value_only(&service_value(m, scopes, depth + 1)))
            .collect();
        return format!("{name} ({})", members.join(", "));
    }
    name.to_owned()
}

/// `name (value)` → `value`; a bare name stays.
fn value_only(named: &str) -> String {
    match named.split_once(" (") {
        Some((_, value)) => value.trim_end_matches(')').to_owned(),
        None => named.to_owned(),
    }
}
