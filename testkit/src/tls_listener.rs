//! A loopback listener that speaks TLS with a throwaway self-signed
//! certificate, for the fakes of backends that are HTTPS only and whose
//! vendor SDK cannot be told to speak plain HTTP (cvprac builds every URL
//! as `https://`). The SDKs are told not to verify it, as the original app
//! told them for a lab CloudVision.

use std::{io, net::SocketAddr, sync::Arc, time::Duration};

use rcgen::{CertificateParams, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{
    TlsAcceptor,
    rustls::{
        ServerConfig,
        pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer},
    },
    server::TlsStream,
};

/// How long one client may take over its handshake before the listener
/// drops it and takes the next: handshakes are done one at a time.
const HANDSHAKE: Duration = Duration::from_secs(5);

/// A TCP listener whose connections are TLS, for `axum::serve`.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl TlsListener {
    /// Binds `addr` and makes a certificate for `127.0.0.1` and `localhost`.
    pub async fn bind(addr: SocketAddr) -> TlsListener {
        let key = KeyPair::generate().expect("a key pair");
        let certificate = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .expect("certificate parameters")
            .self_signed(&key)
            .expect("a self-signed certificate");
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(certificate.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
            )
            .expect("the certificate and its key");
        TlsListener {
            tcp: TcpListener::bind(addr).await.expect("a loopback port"),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }
    }

    /// Where it listens.
    pub fn local_addr(&self) -> SocketAddr {
        self.tcp.local_addr().expect("a bound listener has an address")
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, peer)) = self.tcp.accept().await else {
                continue;
            };
            // A client that gives up on the certificate is not a reason to stop serving.
            if let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE, self.acceptor.accept(tcp)).await {
                return (tls, peer);
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
