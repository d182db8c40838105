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
    let status = Command::new(env!("CARGO"))
        .args([
            "build",
            "--quiet",
            "-p",
            "chatops-gateway",
            "--bin",
            "chatops-gateway",
        ])
        .current_dir(workspace_root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building chatops-gateway failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("debug").join("chatops-gateway")
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

impl Gateway {
    /// Starts the gateway on `manifests` with the Slack API at `slack_api_url`,
    /// and waits until it is ready.
    pub async fn start(manifests: &Path, slack_api_url: &str, extra: &[&str]) -> Gateway {
        let addr = free_port();
        let admin = free_port();
        let child = Command::new(gateway_binary())
            .arg("--manifests")
            .arg(manifests)
            .args([
                "--namespace",
                "chatops",
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
