//! A real `redis-server`, started for a test on its own port (never the
//! default 6379, which may serve something else on the machine), without
//! persistence, and killed when dropped.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::{gateway_process::free_port, wait};

/// The program started.
const PROGRAM: &str = "redis-server";

/// A running (or stopped, to be started again) `redis-server`.
pub struct RedisServer {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
}

/// Whether `redis-server` can be run here. When it cannot: with `CI=true`
/// the test fails, saying how to install it (CI must run every test);
/// otherwise it prints a note and the caller skips the test.
pub fn available(test: &str) -> bool {
    let found = Command::new(PROGRAM)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return true;
    }
    let hint = "redis-server is not installed (Debian: apt-get install -y redis-server)";
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{test} needs {hint}"
    );
    eprintln!("note: {test} skipped: {hint}");
    false
}

impl RedisServer {
    /// Starts `redis-server` on a free loopback port and waits until it
    /// answers `PING`. Check [`available`] first.
    pub async fn start() -> RedisServer {
        let mut server = RedisServer {
            child: None,
            addr: free_port(),
        };
        server.restart().await;
        server
    }

    /// `redis://` URL of the server.
    pub fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// Kills the server (SIGKILL: as a crash or a lost node would) and
    /// waits for it to exit. Its keys are gone: it keeps nothing on disk.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port (killing it first if it
    /// runs) and waits until it answers.
    pub async fn restart(&mut self) {
        self.kill();
        let child = Command::new(PROGRAM)
            .args(["--port", &self.addr.port().to_string()])
            .args(["--bind", &self.addr.ip().to_string()])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--dir", &std::env::temp_dir().to_string_lossy()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("{PROGRAM} starts: {err}"));
        self.child = Some(child);
        let addr = self.addr;
        wait::until_async(
            Duration::from_secs(20),
            format!("{PROGRAM} on {addr}"),
            || async move { ping(addr).await.then_some(()) },
        )
        .await;
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether a Redis at `addr` answers `PING` with `+PONG`.
async fn ping(addr: SocketAddr) -> bool {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await else {
        return false;
    };
    if stream.write_all(b"PING\r\n").await.is_err() {
        return false;
    }
    let mut answer = [0u8; 7];
    let read = tokio::time::timeout(Duration::from_secs(2), stream.read_exact(&mut answer)).await;
    matches!(read, Ok(Ok(_))) && &answer == b"+PONG\r\n"
}
