//! OCSP stapling from C (`tests/c/ocsp.c`) on both libraries against `openssl s_server
//! -status_file`, with a response `openssl ocsp` signs for the ECDSA leaf at test time: the
//! status type and callback setters and getters, the callback's place in the handshake and its
//! verdicts, `SSL_get_tlsext_status_ocsp_resp` inside it and after, and libcrypto's OCSP
//! verification of the response against the chain the callback sees.

mod common;

use common::{args, cert, differential, ocsp_response_file, program, rev_server, End, SServer};

fn response_file() -> &'static str {
    ocsp_response_file()
}

/// The response's length, as the program prints it.
fn len() -> u64 {
    std::fs::metadata(response_file()).unwrap().len()
}

fn stapling_server(version: &str) -> SServer {
    rev_server(&[version, "-status_file", response_file()])
}

fn ocsp(server: &SServer, version: &str, mode: &str) -> Vec<String> {
    args([
        program("ocsp").to_string_lossy().into_owned(),
        "127.0.0.1".into(),
        server.port.to_string(),
        cert("root.pem"),
        version.into(),
        mode.into(),
    ])
}

fn flag(version: &str) -> &'static str {
    match version {
        "1.2" => "-tls1_2",
        _ => "-tls1_3",
    }
}

#[test]
fn the_callback_sees_and_accepts_the_stapled_response() {
    // Called once the server's flight is in, as OpenSSL calls it.
    for (version, state) in [
        ("1.3", "status callback state: SSLv3/TLS read finished"),
        ("1.2", "status callback state: SSLv3/TLS read server done"),
    ] {
        let server = stapling_server(flag(version));
        differential(
            &ocsp(&server, version, "accept"),
            End::Exit(0),
            &[
                state,
                "status type by default: -1",
                "status type: 1",
                "callback stored: 1, argument stored: 1",
                "SSL status type: 1",
                "before the handshake: -1, not null",
                &format!(
                    "status callback (the argument): length {}, a response, in init 1",
                    len()
                ),
                "OCSP response status: successful",
                "peer chain: 2 certificates",
                "OCSP_basic_verify: 1",
                "leaf status: good, current: 1",
                &format!("after the handshake: {}, a response", len()),
            ],
        );
    }
}

#[test]
fn a_rejecting_callback_fails_the_handshake() {
    for version in ["1.3", "1.2"] {
        let server = stapling_server(flag(version));
        differential(
            &ocsp(&server, version, "reject"),
            End::Exit(1),
            &[
                "status callback returns 0",
                "SSL_connect: ret=-1 error=1(SSL) lib=20 reason=328",
            ],
        );
        let server = stapling_server(flag(version));
        differential(
            &ocsp(&server, version, "fail"),
            End::Exit(1),
            &["SSL_connect: ret=-1 error=1(SSL)"],
        );
    }
}

#[test]
fn without_a_stapled_response_the_callback_sees_none() {
    for version in ["1.3", "1.2"] {
        let server = rev_server(&[flag(version)]);
        differential(
            &ocsp(&server, version, "accept"),
            End::Exit(0),
            &[
                "status callback (the argument): length -1, null, in init 1",
                "after the handshake: -1, null",
            ],
        );
    }
}

#[test]
fn stapling_only_when_asked_for() {
    let after = format!("after the handshake: {}, a response", len());
    for (version, mode, lines) in [
        (
            "1.3",
            "off",
            vec!["status type: -1", "after the handshake: -1, null"],
        ),
        (
            "1.2",
            "nocb",
            vec!["callback stored: 0, argument stored: 0", &after],
        ),
        (
            "1.3",
            "ssl",
            vec!["context still: -1", "SSL status type: 1", &after],
        ),
    ] {
        let server = stapling_server(flag(version));
        differential(&ocsp(&server, version, mode), End::Exit(0), &lines);
    }
}
