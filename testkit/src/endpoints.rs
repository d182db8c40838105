//! Backends that fail the way real ones do at the network level, for the
//! integrations' "down" and "slow" tests: an address nothing listens on,
//! and a server that accepts connections and never answers.

/// `http://127.0.0.1:<port>` where nothing listens: the port was bound,
/// then let go, so a connection is refused at once.
pub fn unreachable() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = listener.local_addr().expect("its address");
    drop(listener);
    format!("http://{addr}")
}

/// `http://127.0.0.1:<port>` of a server that accepts every connection and
/// never answers (held open until the test's runtime ends): a backend that
/// hangs, which only the caller's timeout ends.
pub async fn silent() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let endpoint = format!("http://{}", listener.local_addr().expect("its address"));
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    endpoint
}
