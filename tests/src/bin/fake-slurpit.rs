//! Serves the fake Slurpit portal API of `chatops_testkit::fake_slurpit` on
//! `--listen ADDR` (127.0.0.1:0 by default), for the conformance test that
//! drives it with Slurpit's own Python SDK (`tests/python/test_slurpit_fake.py`).
//! Prints `listening on http://ADDR` once it accepts connections, then serves
//! until killed.

use chatops_testkit::fake_slurpit::{FakeSlurpit, Slurpit};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut listen = "127.0.0.1:0".to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => listen = args.next().expect("--listen takes an address"),
            other => panic!("unknown argument {other}; usage: fake-slurpit [--listen ADDR]"),
        }
    }
    let addr = listen
        .parse()
        .unwrap_or_else(|e| panic!("--listen {listen} is not an address: {e}"));
    let fake = FakeSlurpit::serve_on(Slurpit::default(), addr).await;
    println!("listening on {}", fake.url());
    std::future::pending::<()>().await;
}
