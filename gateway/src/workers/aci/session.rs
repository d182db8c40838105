//! One sub-command run: the toolkit's session with the APIC client, acting
//! as one APIC login, and the class and managed-object queries on it.

use serde_json::json;

use super::client::AciClient;
use super::error::AciError;
use super::mo::{Imdata, Mo};
use crate::workers::toolkit::{self, credentials::Credential, paging};

/// A sub-command being run against APIC as one user.
pub type Session<'a> = toolkit::session::Session<'a, AciClient, Credential>;

/// The DN under which switches are registered.
pub const NODE_IDENT_POLICY: &str = "uni/controller/nodeidentpol";

/// The `query-target-filter` of the switches waiting for registration, as
/// APIC's own GUI asks: DHCP clients without an address, of a switch role.
pub const PENDING_FILTER: &str = r#"and(not(wcard(dhcpClient.dn,"__ui_")),and(or(eq(dhcpClient.ip,"0.0.0.0")),or(eq(dhcpClient.nodeRole,"spine"),eq(dhcpClient.nodeRole,"leaf"),eq(dhcpClient.nodeRole,"unsupported"))))"#;

/// A query option.
fn opt(name: &'static str, value: impl Into<String>) -> (&'static str, String) {
    (name, value.into())
}

impl Session<'_> {
    /// The objects of `class` in the fabric, by `order` (`fvTenant.name`).
    pub async fn class(&self, class: &str, extra: &[(&'static str, String)]) -> Result<Vec<Mo>, AciError> {
        let answer = self
            .client
            .get(&self.who, &format!("node/class/{class}"), extra, class)
            .await?;
        Ok(answer.objects)
    }

    /// The objects of `class` in `tenant`, or in every tenant when `None`,
    /// ordered by name.
    pub async fn in_tenant(&self, tenant: Option<&str>, class: &str) -> Result<Vec<Mo>, AciError> {
        self.under(tenant.map(|t| format!("uni/tn-{t}")).as_deref(), class, &[])
            .await
    }

    /// The objects of `class` under `dn` (anywhere when `None`), by name,
    /// with `extra` options.
    pub async fn under(
        &self,
        dn: Option<&str>,
        class: &str,
        extra: &[(&'static str, String)],
    ) -> Result<Vec<Mo>, AciError> {
        let mut query = vec![opt("order-by", format!("{class}.dn"))];
        query.extend(extra.iter().cloned());
        match dn {
            None => self.class(class, &query).await,
            Some(dn) => {
                query.push(opt("query-target", "subtree"));
                query.push(opt("target-subtree-class", class));
                let answer = self
                    .client
                    .get(&self.who, &format!("node/mo/{dn}"), &query, dn)
                    .await?;
                Ok(answer.objects)
            }
        }
    }

    /// The managed object `dn` with its children (of `classes`, all when
    /// empty); `None` when APIC has none.
    pub async fn mo(&self, dn: &str, classes: &[&str]) -> Result<Option<Mo>, AciError> {
        let mut query = vec![opt("rsp-subtree", "children")];
        if !classes.is_empty() {
            query.push(opt("rsp-subtree-class", classes.join(",")));
        }
        let answer = self
            .client
            .get(&self.who, &format!("node/mo/{dn}"), &query, dn)
            .await?;
        Ok(answer.objects.into_iter().next())
    }

    /// The tenants, by name.
    pub async fn tenants(&self) -> Result<Vec<Mo>, AciError> {
        self.class("fvTenant", &[opt("order-by", "fvTenant.name")]).await
    }

    /// The switches waiting for registration.
    pub async fn pending_nodes(&self) -> Result<Vec<Mo>, AciError> {
        self.class(
            "dhcpClient",
            &[
                opt("query-target-filter", PENDING_FILTER),
                opt("order-by", "dhcpClient.id"),
            ],
        )
        .await
    }

    /// The fabric's nodes (`fabricNode`) and their systems (`topSystem`):
    /// the controllers, or the switches.
    pub async fn nodes(&self, controllers: bool) -> Result<(Vec<Mo>, Vec<Mo>), AciError> {
        let op = if controllers { "eq" } else { "ne" };
        let nodes = self
            .class(
                "fabricNode",
                &[
                    opt(
                        "query-target-filter",
                        format!(r#"{op}(fabricNode.role,"controller")"#),
                    ),
                    opt("order-by", "fabricNode.id"),
                ],
            )
            .await?;
        let systems = self
            .class(
                "topSystem",
                &[opt(
                    "query-target-filter",
                    format!(r#"{op}(topSystem.role,"controller")"#),
                )],
            )
            .await?;
        Ok((nodes, systems))
    }

    /// The physical interfaces of `node` in `pod` with their operational
    /// state, those in `state` (`up`, `down`; all when `None`), read a page
    /// at a time up to the client's limit: the interfaces and how many APIC has.
    pub async fn interfaces(
        &self,
        pod: &str,
        node: &str,
        state: Option<&str>,
    ) -> Result<(Vec<Mo>, usize), AciError> {
        let limits = self.client.limits;
        let path = format!("node/class/topology/pod-{pod}/node-{node}/l1PhysIf");
        let object = format!("the interfaces of node {node}");
        let mut base = vec![
            opt("rsp-subtree", "children"),
            opt("rsp-subtree-class", "ethpmPhysIf"),
            opt("order-by", "l1PhysIf.id"),
            opt("page-size", limits.page_size.to_string()),
        ];
        if let Some(state) = state {
            base.push(opt(
                "rsp-subtree-filter",
                format!(r#"eq(ethpmPhysIf.operSt,"{state}")"#),
            ));
        }
        let (read, total) = paging::follow(0usize, limits.max_objects, |page| {
            let mut query = base.clone();
            query.push(opt("page", page.to_string()));
            let (path, object) = (&path, &object);
            async move {
                let Imdata { objects, total } = self.client.get(&self.who, path, &query, object).await?;
                let seen = (page + 1) * limits.page_size;
                let next = (seen < total && !objects.is_empty()).then_some(page + 1);
                Ok::<_, AciError>(paging::PageOf {
                    results: objects,
                    count: total,
                    next,
                })
            }
        })
        .await?;
        Ok((read, total))
    }

    /// Registers the switch `serial` as node `node_id` named `name`.
    pub async fn register(&self, serial: &str, node_id: &str, name: &str) -> Result<(), AciError> {
        let body = json!({"fabricNodeIdentP": {"attributes": {
            "dn": format!("{NODE_IDENT_POLICY}/nodep-{serial}"),
            "serial": serial,
            "nodeId": node_id,
            "name": name,
        }}});
        self.client
            .post(
                &self.who,
                NODE_IDENT_POLICY,
                &body,
                "register",
                &format!("switch {serial}"),
            )
            .await?;
        Ok(())
    }
}
