//! Serves the fake Cisco NSO RESTCONF API (`chatops_testkit::fake_nso`) for
//! the protocol test `tests/python/test_nso_fake.py`: `--listen ADDR`
//! (default `127.0.0.1:0`), one line `listening on http://ADDR` on stdout once
//! it accepts connections, then serves until killed.

use std::net::SocketAddr;

use chatops_testkit::fake_nso::{FakeNso, Nso};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let listen: SocketAddr = args
        .iter()
        .position(|a| a == "--listen")
        .and_then(|i| args.get(i + 1))
        .map_or("127.0.0.1:0", String::as_str)
        .parse()
        .expect("--listen takes an address such as 127.0.0.1:8080");
    let fake = FakeNso::serve_on(Nso::default(), listen).await;
    println!("listening on http://{}", fake.addr);
    std::future::pending::<()>().await;
}
