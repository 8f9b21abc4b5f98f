//! What the server trusts when it connects out over TLS (an MQTT broker, a webhook): the
//! certificates of a certificate authority's PEM file when one is given, or else the machine's
//! trusted roots; and the certificate and key it shows a broker that asks for them. rustls with
//! the aws-lc-rs provider.

use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The certificates to trust: those of `ca`, or the machine's roots. `flag` names the option
/// that gives a CA, for the error when the machine has no roots.
pub(crate) fn roots(ca: Option<&Path>, flag: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    match ca {
        Some(path) => certificates(path, "of a certificate authority"),
        None => {
            let found = rustls_native_certs::load_native_certs().certs;
            if found.is_empty() {
                return Err(format!(
                    "found no trusted certificates on this machine; give the certificate authority to trust with {flag} FILE"
                ));
            }
            Ok(found)
        }
    }
}

/// The certificates of a PEM file, at least one; `what` says whose they should be.
pub(crate) fn certificates(
    path: &Path,
    what: &str,
) -> Result<Vec<CertificateDer<'static>>, String> {
    let file = path.display();
    let certificates = CertificateDer::pem_file_iter(path)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| format!("{file}: cannot read certificates: {e}"))?;
    if certificates.is_empty() {
        return Err(format!(
            "{file}: no certificate in it; give the PEM file {what} (-----BEGIN CERTIFICATE-----)"
        ));
    }
    Ok(certificates)
}

/// The private key of a PEM file.
pub(crate) fn private_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| {
        format!("{}: cannot read a private key (-----BEGIN PRIVATE KEY-----): {e}", path.display())
    })
}

/// The cryptography of every TLS connection the server makes.
pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}
