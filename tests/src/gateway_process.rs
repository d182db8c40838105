//! The real `chatops-gateway` binary, started for a test and stopped when dropped.

use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::workspace_root;

/// A running gateway.
pub struct Gateway {
    child: Child,
    /// The webhook address.
    pub addr: SocketAddr,
    /// The admin address (`/healthz`, `/readyz`, `/metrics`).
    pub admin: SocketAddr,
}

/// Builds the gateway binary (a no-op when it is up to date) and returns its path.
///
/// Tests of this crate run the binary as an operator would, so they need it
/// built even when only this crate's tests were asked for.
pub fn gateway_binary() -> PathBuf {
    workspace_binary("chatops-gateway", "chatops-gateway")
}

/// Builds the operator binary (a no-op when it is up to date) and returns its path,
/// for tests that run `chatops-operator render` as a user or a GitOps pipeline would.
pub fn operator_binary() -> PathBuf {
    workspace_binary("chatops-operator", "chatops-operator")
}

/// Builds binary `bin` of workspace package `package` in the debug profile and
/// returns its path. Cargo exposes only a package's own binaries to its tests
/// (`CARGO_BIN_EXE_*`), so this crate builds the other components' itself.
fn workspace_binary(package: &str, bin: &str) -> PathBuf {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .current_dir(workspace_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building {bin} failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join(bin)
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

/// Where a started gateway takes its configuration from.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// `--manifests DIR --namespace chatops`: a directory of resource manifests,
    /// compiled in process (standalone mode).
    Manifests(&'a Path),
    /// `--config DIR`: the operator's rendered ConfigMap and Secret, mounted as
    /// `DIR/config` and `DIR/secrets` (see [`crate::kubelet::mount`]).
    Config(&'a Path),
}

impl Gateway {
    /// Starts the gateway on `manifests` with the Slack API at `slack_api_url`,
    /// and waits until it is ready.
    pub async fn start(manifests: &Path, slack_api_url: &str, extra: &[&str]) -> Gateway {
        Gateway::start_from(Source::Manifests(manifests), slack_api_url, extra).await
    }

    /// Starts the gateway on `source` with the Slack API at `slack_api_url`,
    /// and waits until it is ready.
    pub async fn start_from(source: Source<'_>, slack_api_url: &str, extra: &[&str]) -> Gateway {
        let addr = free_port();
        let admin = free_port();
        let mut command = Command::new(gateway_binary());
        match source {
            Source::Manifests(dir) => command
                .arg("--manifests")
                .arg(dir)
                .args(["--namespace", "chatops"]),
            Source::Config(dir) => command.arg("--config").arg(dir),
        };
        let child = command
            .args([
                "--listen",
                &addr.to_string(),
                "--admin-listen",
                &admin.to_string(),
            ])
            .args(["--slack-api-url", slack_api_url, "--log-format", "json"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("CHATOPS_TEST_LOGS").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("the gateway starts");
        let gateway = Gateway { child, addr, admin };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            let ready = client.get(format!("http://{admin}/readyz")).send().await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return gateway;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the gateway did not become ready");
    }

    /// The URL of a webhook path, e.g. `/hooks/slack/commands`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends SIGTERM and waits for the process to exit; returns whether it exited cleanly.
    pub fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let status = self.child.wait().expect("the gateway exits");
        std::mem::forget(self);
        status.success()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
