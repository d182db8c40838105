//! The real `chatops-gateway` binary, started for a test and stopped when dropped.

use std::{
    net::{SocketAddr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU32, Ordering},
    time::Duration,
};

use crate::{wait, workspace_root};

/// A running gateway.
pub struct Gateway {
    child: Child,
    /// The webhook address.
    pub addr: SocketAddr,
    /// The admin address (`/healthz`, `/readyz`, `/metrics`).
    pub admin: SocketAddr,
    /// Its standard error (the log), unless `CHATOPS_TEST_LOGS` sends it to the terminal.
    log: tempfile::NamedTempFile,
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
    let mut cargo = Command::new(env!("CARGO"));
    // Cargo gives a test its package's variables (`CARGO_MANIFEST_DIR`,
    // `CARGO_PKG_NAME`, …). Passed on, they look like a change to the build
    // scripts that watch them (ring's), and each run would rebuild half the
    // tree, then the next `cargo test` half of it again.
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_package_variable) {
            cargo.env_remove(name);
        }
    }
    let status = cargo
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

/// Whether `name` is one of the variables Cargo sets for a package's build
/// script, test or binary (not one of its own settings, such as `CARGO_HOME`).
fn is_package_variable(name: &str) -> bool {
    name == "OUT_DIR"
        || name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || name.starts_with("CARGO_BIN_")
        || matches!(
            name,
            "CARGO_CRATE_NAME" | "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR"
        )
}

/// A loopback address nothing listens on, for a process the test starts next.
///
/// Not a port the kernel picks (`:0`): those come from the ephemeral range
/// (32768–60999 on Linux), where the tests' own outgoing connections take
/// their local ports too, so one of them could take the port between this
/// check and the process's bind (it happened: "Address already in use").
/// Ports below that range are taken only by listeners. Each call walks on
/// from a start that differs per process, so two test binaries running at
/// once, or two calls in one, do not hand out the same port.
pub fn free_port() -> SocketAddr {
    const FIRST: u32 = 20_000;
    const COUNT: u32 = 12_000;
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let start = std::process::id().wrapping_mul(7_919);
    loop {
        let port = FIRST + start.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)) % COUNT;
        let port = u16::try_from(port).expect("below 32768");
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", port)) {
            return listener.local_addr().expect("a bound listener has an address");
        }
    }
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
        Gateway::spawn(source, slack_api_url, extra).ready().await
    }

    /// [`Gateway::start_from`] as in production: response URLs to loopback are not followed.
    pub async fn start_strict(source: Source<'_>, slack_api_url: &str, extra: &[&str]) -> Gateway {
        Gateway::spawn_strict(source, slack_api_url, extra).ready().await
    }

    /// Waits until the gateway is ready.
    async fn ready(self) -> Gateway {
        let client = reqwest::Client::new();
        let readyz = format!("http://{}/readyz", self.admin);
        let ready = wait::within_async(Duration::from_secs(10), || async {
            let answer = client.get(&readyz).send().await;
            answer.is_ok_and(|r| r.status().is_success()).then_some(())
        })
        .await;
        match ready {
            Some(()) => self,
            None => panic!("the gateway did not become ready:\n{}", self.logs()),
        }
    }

    /// Starts the gateway on `source` without waiting for anything (for tests
    /// of a gateway that is not ready, or does not start). Response URLs may
    /// point to loopback, where the fake platforms listen.
    pub fn spawn(source: Source<'_>, slack_api_url: &str, extra: &[&str]) -> Gateway {
        Gateway::launch(&gateway_binary(), source, slack_api_url, extra, true, None)
    }

    /// [`Gateway::spawn`] as in production: response URLs to loopback are not followed.
    pub fn spawn_strict(source: Source<'_>, slack_api_url: &str, extra: &[&str]) -> Gateway {
        Gateway::launch(&gateway_binary(), source, slack_api_url, extra, false, None)
    }

    /// [`Gateway::start`] with at most `open_files` descriptors (`ulimit -n`),
    /// as a container with a small `nofile` runs it.
    pub async fn start_limited(
        manifests: &Path,
        slack_api_url: &str,
        open_files: u64,
        extra: &[&str],
    ) -> Gateway {
        Gateway::launch(
            &gateway_binary(),
            Source::Manifests(manifests),
            slack_api_url,
            extra,
            true,
            Some(open_files),
        )
        .ready()
        .await
    }

    /// [`Gateway::start`] of the gateway binary at `binary` (a release build,
    /// say) rather than the debug build of this workspace.
    pub async fn start_binary(
        binary: &Path,
        manifests: &Path,
        slack_api_url: &str,
        extra: &[&str],
    ) -> Gateway {
        let source = Source::Manifests(manifests);
        Gateway::launch(binary, source, slack_api_url, extra, true, None)
            .ready()
            .await
    }

    /// Starts `binary`. With `open_files`, it is started through `sh`, which
    /// sets the limit and then `exec`s it (same process, same PID).
    fn launch(
        binary: &Path,
        source: Source<'_>,
        slack_api_url: &str,
        extra: &[&str],
        loopback: bool,
        open_files: Option<u64>,
    ) -> Gateway {
        let addr = free_port();
        let admin = free_port();
        let mut command = match open_files {
            Some(limit) => {
                let mut sh = Command::new("sh");
                sh.arg("-c")
                    .arg(format!("ulimit -n {limit} && exec \"$0\" \"$@\""))
                    .arg(binary);
                sh
            }
            None => Command::new(binary),
        };
        match source {
            Source::Manifests(dir) => command
                .arg("--manifests")
                .arg(dir)
                .args(["--namespace", "chatops"]),
            Source::Config(dir) => command.arg("--config").arg(dir),
        };
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let child = command
            .args([
                "--listen",
                &addr.to_string(),
                "--admin-listen",
                &admin.to_string(),
            ])
            .args(["--slack-api-url", slack_api_url, "--log-format", "json"])
            .args(loopback.then_some("--allow-loopback-urls"))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("CHATOPS_TEST_LOGS").is_some() {
                Stdio::inherit()
            } else {
                Stdio::from(log.reopen().expect("the log file"))
            })
            .spawn()
            .unwrap_or_else(|err| panic!("{} starts: {err}", binary.display()));
        Gateway {
            child,
            addr,
            admin,
            log,
        }
    }

    /// The gateway's process ID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its resident memory (`VmRSS`), in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS")
    }

    /// The `kB` field `field` of its `/proc/PID/status`, e.g. `VmHWM` (its peak
    /// resident memory).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).expect("/proc/PID/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} line in /proc/PID/status"))
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

    /// What the gateway has logged so far (empty with `CHATOPS_TEST_LOGS`).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// The log lines (JSON) whose message is `message`.
    pub fn log_lines(&self, message: &str) -> Vec<serde_json::Value> {
        self.logs()
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|line| line["message"] == message)
            .collect()
    }

    /// Waits up to 10 s until the gateway has logged at least `count` lines
    /// whose message is `message`, and returns them all.
    pub async fn wait_for_log_lines(&self, message: &str, count: usize) -> Vec<serde_json::Value> {
        let lines = wait::within(Duration::from_secs(10), || {
            Some(self.log_lines(message)).filter(|lines| lines.len() >= count)
        })
        .await;
        lines.unwrap_or_else(|| panic!("fewer than {count} log lines {message:?}:\n{}", self.logs()))
    }

    /// Waits up to `limit` for the process to exit; its status, or `None` if it still runs.
    pub async fn exited_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let child = &mut self.child;
        wait::within(limit, || child.try_wait().expect("the process can be waited for")).await
    }

    /// What its `/metrics` says.
    pub async fn metrics(&self) -> String {
        metrics_text(self.admin).await
    }

    /// The value of the metric sample `sample` (e.g. `chatops_gateway_config_reloads_total`), or 0.
    pub async fn metric(&self, sample: &str) -> f64 {
        metrics_text(self.admin)
            .await
            .lines()
            .filter_map(|line| line.strip_prefix(sample))
            .filter_map(|rest| rest.strip_prefix(' '))
            .filter_map(|value| value.trim().parse::<f64>().ok())
            .sum()
    }

    /// How many webhook requests to `platform`'s `endpoint` ended with
    /// `outcome` (`chatops_gateway_webhook_requests_total`), 0 when none did.
    pub async fn requests_counted(&self, platform: &str, endpoint: &str, outcome: &str) -> u64 {
        let labels = [
            ("platform", platform),
            ("endpoint", endpoint),
            ("outcome", outcome),
        ];
        metric(self.admin, "chatops_gateway_webhook_requests_total", &labels).await as u64
    }

    /// Waits up to 10 s until [`Gateway::requests_counted`] reaches `count`:
    /// the gateway is done deciding about that many requests, so a test can
    /// then check what they did not cause.
    pub async fn wait_for_requests(&self, platform: &str, endpoint: &str, outcome: &str, count: u64) {
        let what = format!("{count} {platform} {endpoint} requests {outcome}");
        wait::until_async(Duration::from_secs(10), what, || async {
            (self.requests_counted(platform, endpoint, outcome).await >= count).then_some(())
        })
        .await;
    }

    /// [`Gateway::wait_for_requests`] for each (`endpoint`, `outcome`, `count`)
    /// of `platform`: the gateway is done deciding about them all.
    pub async fn wait_for_outcomes(&self, platform: &str, counts: &[(&str, &str, u64)]) {
        for (endpoint, outcome, count) in counts {
            self.wait_for_requests(platform, endpoint, outcome, *count).await;
        }
    }

    /// How many commands (and prompt answers) the gateway ran to the end on
    /// `platform` (`chatops_gateway_commands_total`): counted once the answer
    /// was delivered and an answered prompt deleted.
    pub async fn commands_counted(&self, platform: &str) -> u64 {
        metric(
            self.admin,
            "chatops_gateway_commands_total",
            &[("platform", platform)],
        )
        .await as u64
    }

    /// Waits up to 10 s until [`Gateway::commands_counted`] reaches `count`:
    /// the gateway has finished that many commands, so a test can then check
    /// what they did not do.
    pub async fn wait_for_commands(&self, platform: &str, count: u64) {
        let what = format!("{count} {platform} commands run");
        wait::until_async(Duration::from_secs(10), what, || async {
            (self.commands_counted(platform).await >= count).then_some(())
        })
        .await;
    }

    /// The URL of a webhook path, e.g. `/hooks/slack/commands`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends SIGTERM, as Kubernetes does to a pod it replaces, and returns at
    /// once: see [`Gateway::exited_within`] for the end.
    pub fn sigterm(&self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(status.is_ok_and(|s| s.success()), "kill -TERM {pid}");
    }

    /// Whether `/readyz` answers 2xx now (`None`: it did not answer at all).
    pub async fn is_ready(&self) -> Option<bool> {
        let answer = reqwest::get(format!("http://{}/readyz", self.admin)).await;
        answer.ok().map(|r| r.status().is_success())
    }

    /// Sends SIGTERM and waits for the process to exit; returns whether it exited cleanly.
    pub fn terminate(mut self) -> bool {
        self.sigterm();
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

/// The sum of the samples of metric `name` whose labels include `labels`, on
/// the admin listener `admin` (0 when there is none).
pub async fn metric(admin: SocketAddr, name: &str, labels: &[(&str, &str)]) -> f64 {
    metrics_text(admin)
        .await
        .lines()
        .filter_map(|line| line.strip_prefix(name))
        .filter(|rest| rest.starts_with('{') || rest.starts_with(' '))
        .filter(|rest| {
            labels
                .iter()
                .all(|(key, value)| rest.contains(&format!("{key}=\"{value}\"")))
        })
        .filter_map(|rest| rest.rsplit(' ').next()?.trim().parse::<f64>().ok())
        .sum()
}

/// What `/metrics` on the admin listener `admin` says.
async fn metrics_text(admin: SocketAddr) -> String {
    let answer = reqwest::get(format!("http://{admin}/metrics")).await;
    answer.expect("/metrics answers").text().await.expect("a body")
}
