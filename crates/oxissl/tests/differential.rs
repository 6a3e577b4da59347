//! Differential tests: the same scenario through the system OpenSSL (libssl 3.0, via the
//! `openssl` crate) and through oxissl, comparing success, `SSL_get_error` codes, error-queue
//! reasons (library and reason numbers), verify results and errno.

mod common;

use std::net::TcpStream;

use common::*;
use oxissl::error as err;

/// What one `SSL_connect` produced.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Outcome {
    ok: bool,
    get_error: i32,
    /// (library, reason) of each queued error, earliest first.
    reasons: Vec<(i32, i32)>,
    verify: i64,
    errno: Option<i32>,
    version: Option<String>,
    cipher: Option<String>,
    alpn: Option<Vec<u8>>,
}

#[derive(Clone, Default)]
struct Scenario {
    trust_ca: bool,
    verify_peer: bool,
    sni: Option<&'static str>,
    host: Option<&'static str>,
    alpn: Option<&'static [u8]>,
    nonblocking_first_call: bool,
}

fn system_openssl(port: u16, sc: &Scenario) -> Outcome {
    use openssl::ssl::{SslContext, SslMethod, SslStream, SslVerifyMode};
    let mut b = SslContext::builder(SslMethod::tls_client()).unwrap();
    if sc.trust_ca {
        b.set_ca_file(&certs().ca).unwrap();
    }
    b.set_verify(if sc.verify_peer {
        SslVerifyMode::PEER
    } else {
        SslVerifyMode::NONE
    });
    if let Some(a) = sc.alpn {
        b.set_alpn_protos(a).unwrap();
    }
    let ctx = b.build();
    let mut ssl = openssl::ssl::Ssl::new(&ctx).unwrap();
    if let Some(s) = sc.sni {
        ssl.set_hostname(s).unwrap();
    }
    if let Some(h) = sc.host {
        // SSL_set1_host treats an address literal as an IP check (OpenSSL 3.0); the crate's
        // set_host is X509_VERIFY_PARAM_set1_host, a DNS check, so pick the call by hand.
        match h.parse::<std::net::IpAddr>() {
            Ok(ip) => ssl.param_mut().set_ip(ip).unwrap(),
            Err(_) => ssl.param_mut().set_host(h).unwrap(),
        }
    }
    // The first non-blocking call must find nothing to read: hold the server's answer back.
    let relay = sc.nonblocking_first_call.then(|| GatedRelay::new(port));
    let sock: TcpStream = tcp(relay.as_ref().map_or(port, |r| r.port));
    if sc.nonblocking_first_call {
        sock.set_nonblocking(true).unwrap();
    }
    let mut s = SslStream::new(ssl, sock).unwrap();
    let r = s.connect();
    let (ok, get_error, reasons, errno) = match &r {
        Ok(()) => (true, 0, Vec::new(), None),
        Err(e) => (
            false,
            e.code().as_raw(),
            e.ssl_error()
                .map(|st| {
                    st.errors()
                        .iter()
                        .map(|e| (e.library_code(), e.reason_code()))
                        .collect()
                })
                .unwrap_or_default(),
            e.io_error()
                .and_then(std::io::Error::raw_os_error)
                .filter(|_| e.code().as_raw() == 5),
        ),
    };
    let ssl = s.ssl();
    Outcome {
        ok,
        get_error,
        reasons,
        verify: i64::from(ssl.verify_result().as_raw()),
        errno,
        version: ok.then(|| ssl.version_str().to_owned()),
        cipher: ok
            .then(|| ssl.current_cipher().map(|c| c.name().to_owned()))
            .flatten(),
        alpn: ssl.selected_alpn_protocol().map(<[u8]>::to_vec),
    }
}

fn oxissl(port: u16, sc: &Scenario) -> Outcome {
    let mut ctx = oxissl::SslCtx::new();
    if sc.trust_ca {
        ctx.load_verify_locations(path(&certs().ca), None).unwrap();
    }
    ctx.set_verify(
        if sc.verify_peer {
            oxissl::SSL_VERIFY_PEER
        } else {
            oxissl::SSL_VERIFY_NONE
        },
        None,
    );
    if let Some(a) = sc.alpn {
        assert_eq!(ctx.set_alpn_protos(a), 0);
    }
    let mut ssl = oxissl::Ssl::new(&ctx);
    if let Some(s) = sc.sni {
        assert!(ssl.set_tlsext_host_name(s));
    }
    if let Some(h) = sc.host {
        assert!(ssl.set1_host(h));
    }
    // The first non-blocking call must find nothing to read: hold the server's answer back.
    let relay = sc.nonblocking_first_call.then(|| GatedRelay::new(port));
    let sock: TcpStream = tcp(relay.as_ref().map_or(port, |r| r.port));
    if sc.nonblocking_first_call {
        sock.set_nonblocking(true).unwrap();
    }
    ssl.set_fd(sock);
    err::clear_error();
    let r = ssl.connect();
    let ok = r == 1;
    let get_error = ssl.get_error(r).as_raw();
    let reasons = err::take_errors()
        .iter()
        .map(|e| (e.lib() as i32, e.reason() as i32))
        .collect();
    let errno = if get_error == 5 {
        ssl.last_os_error()
    } else {
        None
    };
    Outcome {
        ok,
        get_error,
        reasons,
        verify: ssl.get_verify_result(),
        errno,
        version: ok.then(|| ssl.version().to_owned()),
        cipher: ok
            .then(|| ssl.current_cipher_name().map(str::to_owned))
            .flatten(),
        alpn: ssl.get0_alpn_selected().map(<[u8]>::to_vec),
    }
}

/// Runs a scenario against a fresh `s_server` for each library and compares.
fn compare_tls(server_args: &[&str], sc: Scenario) -> Outcome {
    let a = {
        let server = s_server(server_args);
        system_openssl(server.port, &sc)
    };
    let b = {
        let server = s_server(server_args);
        oxissl(server.port, &sc)
    };
    assert_eq!(b, a, "oxissl (left) vs system OpenSSL (right)");
    a
}

/// Runs a scenario against a fresh raw server for each library and compares.
fn compare_raw(what: Raw, sc: Scenario) -> Outcome {
    let a = {
        let (port, h) = raw_server(what);
        let o = system_openssl(port, &sc);
        h.join().unwrap();
        o
    };
    let b = {
        let (port, h) = raw_server(what);
        let o = oxissl(port, &sc);
        h.join().unwrap();
        o
    };
    assert_eq!(b, a, "oxissl (left) vs system OpenSSL (right) for {what:?}");
    a
}

#[test]
fn trusted_chain_with_verify_peer_succeeds_identically() {
    let o = compare_tls(
        &["-www", "-ciphersuites", "TLS_AES_128_GCM_SHA256"],
        Scenario {
            trust_ca: true,
            verify_peer: true,
            sni: Some("localhost"),
            host: Some("localhost"),
            ..Default::default()
        },
    );
    assert!(o.ok);
    assert_eq!(o.version.as_deref(), Some("TLSv1.3"));
    assert_eq!(o.cipher.as_deref(), Some("TLS_AES_128_GCM_SHA256"));
}

#[test]
fn untrusted_chain_with_verify_peer_fails_identically() {
    let o = compare_tls(
        &["-www"],
        Scenario {
            verify_peer: true,
            sni: Some("localhost"),
            ..Default::default()
        },
    );
    assert_eq!((o.ok, o.get_error, o.verify), (false, 1, 20));
    assert_eq!(o.reasons, [(20, 134)]);
}

#[test]
fn untrusted_chain_with_verify_none_succeeds_with_result_20_identically() {
    let o = compare_tls(
        &["-www"],
        Scenario {
            sni: Some("localhost"),
            ..Default::default()
        },
    );
    assert!(o.ok);
    assert_eq!(o.verify, 20);
}

#[test]
fn host_name_mismatch_fails_identically() {
    let o = compare_tls(
        &["-www"],
        Scenario {
            trust_ca: true,
            verify_peer: true,
            host: Some("example.com"),
            ..Default::default()
        },
    );
    assert_eq!(o.verify, 62);
}

#[test]
fn ip_address_check_identically() {
    compare_tls(
        &["-www"],
        Scenario {
            trust_ca: true,
            verify_peer: true,
            host: Some("127.0.0.1"),
            ..Default::default()
        },
    );
    let o = compare_tls(
        &["-www"],
        Scenario {
            trust_ca: true,
            verify_peer: true,
            host: Some("127.0.0.9"),
            ..Default::default()
        },
    );
    assert_eq!(o.verify, 64);
}

#[test]
fn alpn_selection_identically() {
    let o = compare_tls(
        &["-www", "-alpn", "h2"],
        Scenario {
            trust_ca: true,
            verify_peer: true,
            alpn: Some(b"\x08http/1.1\x02h2"),
            ..Default::default()
        },
    );
    assert_eq!(o.alpn.as_deref(), Some(&b"h2"[..]));
}

#[test]
fn nonblocking_first_call_wants_read_identically() {
    let o = compare_tls(
        &["-www"],
        Scenario {
            trust_ca: true,
            nonblocking_first_call: true,
            ..Default::default()
        },
    );
    assert_eq!((o.ok, o.get_error), (false, 2));
    assert!(o.reasons.is_empty());
}

/// `openssl s_client` (a C program over a socket BIO) against a raw server: its stderr shows
/// the error queue and errno exactly as libssl left them.
fn s_client_stderr(what: Raw) -> String {
    let (port, h) = raw_server(what);
    let out = std::process::Command::new("openssl")
        .args(["s_client", "-connect"])
        .arg(format!("127.0.0.1:{port}"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    h.join().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// EOF during the handshake. The `openssl` crate wraps the stream in its own BIO, which does
/// not answer `BIO_CTRL_EOF`, so libssl reports SSL_ERROR_SYSCALL through it; over a socket
/// BIO (what `SSL_set_fd` gives, and what oxissl mirrors) libssl 3.0 reports
/// "unexpected eof while reading" — checked here with `openssl s_client`.
#[test]
fn eof_mid_handshake_matches_libssl_over_a_socket_bio() {
    let stderr = s_client_stderr(Raw::EofAfterHello);
    assert!(
        stderr.contains(":error:0A000126:") && stderr.contains("unexpected eof while reading"),
        "{stderr}"
    );
    let (port, h) = raw_server(Raw::EofAfterHello);
    let o = oxissl(port, &Scenario::default());
    h.join().unwrap();
    assert_eq!((o.ok, o.get_error), (false, 1));
    assert_eq!(o.reasons, [(20, 294)]);
    // Through the crate's custom BIO, libssl says SYSCALL with an empty queue.
    let (port, h) = raw_server(Raw::EofAfterHello);
    let sys = system_openssl(port, &Scenario::default());
    h.join().unwrap();
    assert_eq!((sys.get_error, sys.reasons.len()), (5, 0));
}

#[test]
fn peer_reset_matches_s_client_errno() {
    let stderr = s_client_stderr(Raw::Reset);
    assert!(stderr.contains("errno=104"), "{stderr}");
}

#[test]
fn peer_reset_identically() {
    let o = compare_raw(Raw::Reset, Scenario::default());
    assert_eq!(o.get_error, 5);
    assert!(o.reasons.is_empty());
    assert_eq!(o.errno, Some(104));
}

#[test]
fn non_tls_server_identically() {
    let o = compare_raw(Raw::Http, Scenario::default());
    assert_eq!(o.get_error, 1);
    assert_eq!(o.reasons, [(20, 267)]);
}

/// `SSL_get_error` on a fresh object, and the error strings, agree with libssl.
#[test]
fn error_strings_match_libssl() {
    for code in [
        0x0A000086u32,
        0x0A000126,
        0x0A000090,
        0x0A0000CF,
        0x0A00007F,
        0x0A000197,
        0x0A000418,
    ] {
        let ours = err::error_string(code);
        let theirs = std::process::Command::new("openssl")
            .arg("errstr")
            .arg(format!("{code:X}"))
            .output()
            .unwrap();
        assert_eq!(ours, String::from_utf8_lossy(&theirs.stdout).trim());
    }
}
