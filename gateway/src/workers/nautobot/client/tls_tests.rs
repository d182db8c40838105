//! The Integration's `tls` settings against a Nautobot served over HTTPS with
//! a certificate of a private CA, as most internal Nautobots are.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::*;

/// A private CA's certificate (PEM) and an HTTPS server on loopback with a
/// certificate it issued for `127.0.0.1`, answering every request with
/// Nautobot's status document.
async fn https_nautobot() -> (String, String) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&server_key, &ca, &ca_key)
        .unwrap();

    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(server.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A refused handshake is what some tests are about.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = vec![0; 4096];
                let _ = tls.read(&mut request).await;
                let body = r#"{"nautobot-version": "3.2.7"}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (endpoint, ca.pem())
}

fn client(endpoint: &str, ca_bundle_pem: Option<String>, insecure_skip_verify: bool) -> NautobotClient {
    NautobotClient::new(&ClientSettings {
        endpoint: endpoint.to_owned(),
        timeout: Duration::from_secs(5),
        ca_bundle_pem,
        insecure_skip_verify,
    })
    .unwrap()
}

fn alice() -> UserToken {
    UserToken::new("alice", "0123456789abcdef0123456789abcdef01234567")
}

#[tokio::test]
async fn a_private_ca_is_trusted_once_given_as_the_ca_bundle() {
    let (endpoint, ca) = https_nautobot().await;
    let status: Value = client(&endpoint, Some(ca), false)
        .get(&alice(), "status/", &[])
        .await
        .unwrap();
    assert_eq!(status["nautobot-version"], "3.2.7");
}

#[tokio::test]
async fn without_its_ca_the_certificate_is_said_to_be_untrusted() {
    let (endpoint, _) = https_nautobot().await;
    let error = client(&endpoint, None, false)
        .get::<Value>(&alice(), "status/", &[])
        .await
        .unwrap_err();
    let NautobotError::Untrusted { reason, .. } = &error else {
        panic!("expected an untrusted certificate, got {error:?}");
    };
    assert!(reason.contains("UnknownIssuer"), "{reason}");
    assert!(error.to_string().contains("tls.caRef"), "{error}");
}

#[tokio::test]
async fn insecure_skip_verify_accepts_any_certificate() {
    let (endpoint, _) = https_nautobot().await;
    let status: Value = client(&endpoint, None, true)
        .get(&alice(), "status/", &[])
        .await
        .unwrap();
    assert_eq!(status["nautobot-version"], "3.2.7");
}
