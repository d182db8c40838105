//! The real `chatops-gateway` binary started under a low open-file limit
//! (`ulimit -n`), as a container with a small `nofile` runs it: for tests of
//! what the gateway does when connections would use up its descriptors.
//! [`crate::gateway_process::Gateway`] starts the binary directly, so the limit
//! cannot be set there; this starts it through `sh`, which sets the limit
//! and then `exec`s the gateway (same process, same PID).

use std::{
    net::{SocketAddr, TcpListener},
    path::Path,
    process::{Child, Command, Stdio},
    sync::OnceLock,
    time::Duration,
};

use crate::gateway_process::gateway_binary;

/// A running gateway with a limited number of open files; killed when dropped.
pub struct LimitedGateway {
    child: Child,
    /// The webhook address.
    pub addr: SocketAddr,
    /// The admin address (`/healthz`, `/readyz`, `/metrics`).
    pub admin: SocketAddr,
    log: tempfile::NamedTempFile,
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

/// Whether the binary has `--allow-loopback-urls` (response URLs on
/// loopback, where the fake platforms listen, are refused without it).
fn allows_loopback_flag() -> bool {
    static HAS: OnceLock<bool> = OnceLock::new();
    *HAS.get_or_init(|| {
        Command::new(gateway_binary())
            .arg("--help")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).contains("--allow-loopback-urls"))
            .unwrap_or(false)
    })
}

impl LimitedGateway {
    /// Starts the gateway on the manifests in `manifests` with the Slack API at
    /// `slack_api_url`, at most `open_files` descriptors, and `extra`
    /// arguments; waits until it is ready.
    pub async fn start(
        manifests: &Path,
        slack_api_url: &str,
        open_files: u64,
        extra: &[&str],
    ) -> LimitedGateway {
        let addr = free_port();
        let admin = free_port();
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let binary = gateway_binary();
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!("ulimit -n {open_files} && exec \"$0\" \"$@\""))
            .arg(&binary)
            .arg("--manifests")
            .arg(manifests)
            .args(["--namespace", "chatops"])
            .args([
                "--listen",
                &addr.to_string(),
                "--admin-listen",
                &admin.to_string(),
            ])
            .args(["--slack-api-url", slack_api_url, "--log-format", "json"]);
        if allows_loopback_flag() {
            command.arg("--allow-loopback-urls");
        }
        let child = command
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log.reopen().expect("the log file")))
            .spawn()
            .expect("sh starts the gateway");
        let gateway = LimitedGateway {
            child,
            addr,
            admin,
            log,
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            let ready = client
                .get(format!("http://{}/readyz", gateway.admin))
                .send()
                .await;
            if ready.is_ok_and(|r| r.status().is_success()) {
                return gateway;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the gateway did not become ready:\n{}", gateway.logs());
    }

    /// The gateway's process ID (`sh` exec'd it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the gateway has logged so far.
    pub fn logs(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// The URL of a webhook path, e.g. `/hooks/slack/commands`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Its resident memory (`VmRSS`), in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc/PID/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmRSS line")
    }

    /// The descriptors it has open now.
    pub fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.pid()))
            .map(|dir| dir.count())
            .unwrap_or_default()
    }

    /// Its open-file limit, as the kernel reports it (`Max open files`, soft).
    pub fn open_file_limit(&self) -> Option<u64> {
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", self.pid())).ok()?;
        limits
            .lines()
            .find(|line| line.starts_with("Max open files"))?
            .split_whitespace()
            .nth(3)?
            .parse()
            .ok()
    }
}

impl Drop for LimitedGateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
