//! Serves the fake IP Fabric of `chatops_testkit::fake_ipfabric` on `--listen ADDR`
//! (127.0.0.1:0 by default), for the conformance test that drives it with
//! IP Fabric's own Python SDK (`tests/python/test_ipfabric_fake.py`). Prints
//! `listening on http://ADDR` once it accepts connections, then serves until killed.

use chatops_testkit::fake_ipfabric::{FakeIpFabric, IpFabric};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut listen = "127.0.0.1:0".to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().expect("--listen takes an address"),
            other => panic!("unknown argument {other}; usage: fake-ipfabric [--listen ADDR]"),
        }
    }
    let addr = listen
        .parse()
        .unwrap_or_else(|e| panic!("--listen {listen} is not an address: {e}"));
    let fake = FakeIpFabric::serve_on(IpFabric::default(), addr).await;
    println!("listening on {}", fake.url());
    std::future::pending::<()>().await;
}
