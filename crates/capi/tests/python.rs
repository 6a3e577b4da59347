//! Python's `ssl` module on our `libssl.so.3`: its `_ssl` extension is loaded with every
//! libssl symbol bound at once, then a client verifies the server's certificate and host name
//! the way Python does it (`X509_VERIFY_PARAM_set1_host` / `_set1_ip` on `SSL_get0_param`).
//! Each run is compared with the same script on the system libssl.

mod common;

use common::*;

/// The interpreter: Debian's, else the one on PATH.
fn python() -> String {
    if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".into()
    } else {
        "python3".into()
    }
}

fn client(port: u16, ca: &str, name: &str) -> Vec<String> {
    let script = manifest_dir().join("tests/py/tls_client.py");
    args([
        python(),
        script.display().to_string(),
        port.to_string(),
        cert(ca),
        name.to_string(),
    ])
}

/// `python3 tests/py/SCRIPT PORT root.pem`.
fn script_against(script: &str, port: u16) -> Vec<String> {
    let script = manifest_dir().join("tests/py").join(script);
    args([
        python(),
        script.display().to_string(),
        port.to_string(),
        cert("root.pem"),
    ])
}

fn www() -> SServer {
    s_server("ecdsa", "inter.pem", &["-www"])
}

#[test]
fn python_client_connects_verifies_the_name_and_reads() {
    let server = www();
    differential(
        &client(server.port, "root.pem", "localhost"),
        End::Exit(0),
        &[
            "version: TLSv1.3",
            "cipher offered: ECDHE-ECDSA-CHACHA20-POLY1305  TLSv1.2 Kx=ECDH     Au=ECDSA \
             Enc=CHACHA20/POLY1305(256) Mac=AEAD kx-ecdhe auth-ecdsa chacha20-poly1305",
            "peer: localhost (ecdsa)",
            "tls-unique: 48",
            "answer: HTTP/1.0 200",
        ],
    );
}

#[test]
fn python_client_refuses_another_host_name() {
    let server = www();
    differential(
        &client(server.port, "root.pem", "wrong.example"),
        End::Exit(1),
        &["verify failed: 62 Hostname mismatch, certificate is not valid for 'wrong.example'."],
    );
}

#[test]
fn python_client_checks_an_ip_address_name() {
    let server = www();
    // The leaf lists 127.0.0.1 among its names, not 127.0.0.2.
    differential(
        &client(server.port, "root.pem", "127.0.0.1"),
        End::Exit(0),
        &["peer: localhost (ecdsa)"],
    );
    differential(
        &client(server.port, "root.pem", "127.0.0.2"),
        End::Exit(1),
        &["verify failed: 64 IP address mismatch, certificate is not valid for '127.0.0.2'."],
    );
}

#[test]
fn python_client_refuses_an_untrusted_chain() {
    let server = www();
    differential(
        &client(server.port, "untrusted-root.pem", "localhost"),
        End::Exit(1),
        &["verify failed: 20 unable to get local issuer certificate"],
    );
}

#[test]
fn cryptographys_openssl_bindings_find_every_libssl_symbol_they_import() {
    // Python loads `cryptography`'s bindings with every symbol bound: one missing libssl
    // export and `import cryptography...` fails (.ci/run installs python3-cryptography).
    let bindings = std::path::Path::new(
        "/usr/lib/python3/dist-packages/cryptography/hazmat/bindings/_openssl.abi3.so",
    );
    assert!(bindings.exists(), "python3-cryptography is installed");
    let imports = libssl_imports(bindings);
    assert!(
        imports.len() > 100,
        "the bindings import {imports:?} from libssl"
    );
    assert_we_export("cryptography's OpenSSL bindings", &imports);
}

#[test]
fn pyopenssl_client_connects_and_verifies() {
    let server = www();
    differential(
        &script_against("pyopenssl_client.py", server.port),
        End::Exit(0),
        &[
            "version: TLSv1.3",
            "peer: localhost (ecdsa)",
            "answer: HTTP/1.0 200",
        ],
    );
}

#[test]
fn python_context_defaults_groups_and_session_statistics() {
    // SSLContext's view of the library: defaults, the CA store, set_ecdh_curve
    // (SSL_CTX_set1_groups), and SSL_CTX_sess_* after a full and a resumed handshake.
    let server = s_server("ecdsa", "inter.pem", &["-www", "-alpn", "http/1.1"]);
    differential(
        &script_against("context_probe.py", server.port),
        End::Exit(0),
        &[
            "security_level = 2",
            "set_ecdh_curve = None",
            "session_reused = True",
            "session_stats after = {'number': 0, 'connect': 2, 'connect_good': 2, \
             'connect_renegotiate': 0, 'accept': 0, 'accept_good': 0, \
             'accept_renegotiate': 0, 'hits': 1, 'misses': 0, 'timeouts': 0, 'cache_full': 0}",
        ],
    );
}

#[test]
fn python_asyncio_memory_bios_and_non_blocking_sockets() {
    // asyncio's streams and a hand-driven SSLObject run the handshake through SSL_set_bio
    // with libcrypto's memory BIOs and SSL_ERROR_WANT_READ; the third client uses a
    // non-blocking socket and select(). TLS 1.3, then TLS 1.2.
    for (flags, version) in [(&[][..], "TLSv1.3"), (&["-tls1_2"][..], "TLSv1.2")] {
        let mut extra = vec!["-www"];
        extra.extend_from_slice(flags);
        let server = s_server("ecdsa", "inter.pem", &extra);
        differential(
            &script_against("async_client.py", server.port),
            End::Exit(0),
            &[
                &format!("asyncio: {version} localhost (ecdsa)"),
                "asyncio answer: HTTP/1.0 200 True",
                &format!("memory BIOs: {version} handshake turns > 0: True"),
                "memory BIOs answer: HTTP/1.0 200 True",
                "close_notify queued: True",
                &format!("non-blocking socket: {version}"),
            ],
        );
    }
}
