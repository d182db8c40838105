//! The `ipfabric` integration end to end: the real gateway binary, compiled
//! from resource manifests in standalone mode, answering Slack and
//! Mattermost slash commands against the fake IP Fabric of the test kit
//! (`FakeIpFabric`) and, for `ssot-sync-to-nautobot`, a fake Nautobot's jobs
//! API (`FakeNautobotJobs`). Every sub-command is checked for what IP Fabric
//! holds; then the menus, and the snapshot chosen with `set-snapshot`
//! carried through a menu's signed continuation into what is read next; the
//! confirmation of a sync; IP Fabric's own refusals (a read-only role, a
//! token it does not know); IP Fabric down, slow and answering garbage; and
//! two `ipfabric` Integrations with different default snapshots side by side.
//!
//! The fake's network changes between snapshots: `lon-ap-02` is only in
//! `$last`, `sin-sw-01` is in `$last` and `$prev` but not in the locked
//! baseline; the answers are checked against the fake's own rows
//! (`fake_ipfabric::rows_in`) of the snapshot each one should have read.
//!
//! Who acts as whom (see `world::manifests`): an unlinked chat user acts as the
//! platform's fallback user `chatbot` with the Integration's token (the
//! fake's admin token); the operator is linked, on each platform, to a token
//! of their own, the fake's read-only one, which IP Fabric refuses the end
//! hosts and wireless clients, so that IP Fabric, not the gateway, refuses
//! them those.
//!
//! One module per group of cases, each with its own gateway and fakes
//! (`world::World`), so that they run side by side.

mod answers;
mod failures;
mod menus;
mod paths;
mod side_by_side;
mod sync;
mod world;
