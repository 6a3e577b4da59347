//! Secrets a C program gets from a connection, on either library, checked against what
//! `openssl s_server` derived for the same connection: SSL_export_keying_material(3) against
//! `-keymatexport` (RFC 8446 §7.5, RFC 5705 §4), and the keylog callback's lines against
//! `-keylogfile`. Every other line of the programs' output must be the same on both libraries.

mod common;

use common::{args, cert, program, run, s_server, End, Lib, SServer};

const LABEL: &str = "EXPERIMENTAL oxissl";
const LENGTH: &str = "48";

/// `openssl s_server` in its default mode (the one that prints the keying material it
/// exported for each connection), with the ECDSA chain, `version` and `extra`.
fn server(version: &str, extra: &[&str]) -> SServer {
    let mut flags = vec![version];
    flags.extend_from_slice(extra);
    s_server("ecdsa", "inter.pem", &flags)
}

/// The hex after "Keying material:" in a line.
fn material(line: &str) -> String {
    line.split_once("Keying material:")
        .map(|(_, hex)| hex.trim().to_ascii_uppercase())
        .unwrap_or_default()
}

/// Runs the program on `lib` against a fresh server; returns its output with the keying
/// material line checked against the server's and then removed.
fn exports(lib: Lib, version: &str) -> Vec<String> {
    let server = server(
        version,
        &["-keymatexport", LABEL, "-keymatexportlen", LENGTH],
    );
    let cmd = args([
        program("exporter").to_string_lossy().into_owned(),
        "127.0.0.1".into(),
        server.port.to_string(),
        cert("root.pem"),
        LABEL.into(),
        LENGTH.into(),
    ]);
    let out = run(lib, &cmd, &[]);
    out.assert_loaded();
    assert!(matches!(out.end, End::Exit(0)), "{out}");
    let ours = out
        .stdout
        .lines()
        .find(|l| l.starts_with("Keying material:"))
        .map(material)
        .unwrap_or_else(|| panic!("no keying material printed\n{out}"));
    let theirs = server
        .wait_for_line("Keying material:")
        .map(|l| material(&l))
        .expect("s_server printed its keying material");
    assert_eq!(ours.len(), 96, "{out}");
    assert_eq!(
        ours, theirs,
        "{lib:?}: client and server derived different material"
    );
    out.stdout
        .lines()
        .filter(|l| !l.starts_with("Keying material:"))
        .map(str::to_owned)
        .collect()
}

fn differential(version: &str, expect: &[&str]) {
    let system = exports(Lib::System, version);
    let ours = exports(Lib::Ours, version);
    assert_eq!(ours, system, "our library differs from OpenSSL's");
    assert_eq!(ours, expect);
}

#[test]
fn tls13_exporter_matches_the_server_and_openssl() {
    differential(
        "-tls1_3",
        &[
            "before the handshake: -1",
            "Finished before the handshake: 0 0",
            "connected: TLSv1.3",
            "Finished: ours 48 bytes (set), theirs 48 bytes (set), a short buffer gets 48",
            "no context: 1",
            "empty context: 1",
            "context: 1",
            "empty context is the same as no context",
            "a context differs from no context",
            "label \"key expansion\": 1",
            "16000 bytes: 0",
        ],
    );
}

#[test]
fn tls12_exporter_matches_the_server_and_openssl() {
    differential(
        "-tls1_2",
        &[
            "before the handshake: -1",
            "Finished before the handshake: 0 0",
            "connected: TLSv1.2",
            "Finished: ours 12 bytes (set), theirs 12 bytes (set), a short buffer gets 12",
            "no context: 1",
            "empty context: 1",
            "context: 1",
            "empty context differs from no context",
            "a context differs from no context",
            "label \"key expansion\": 0 (tls illegal exporter label)",
            "16000 bytes: 1",
        ],
    );
}

/// Runs the keylog program on `lib` against a fresh `s_server -keylogfile`; checks the lines it
/// logged are the server's, and returns what it printed.
fn key_log(lib: Lib, version: &str) -> Vec<String> {
    let dir = common::scratch();
    let tag = format!("{version}-{lib:?}");
    let (ours_file, theirs_file) = (
        dir.join(format!("keylog-client{tag}")),
        dir.join(format!("keylog-server{tag}")),
    );
    let server = server(version, &["-keylogfile", theirs_file.to_str().unwrap()]);
    let cmd = args([
        program("keylog").to_string_lossy().into_owned(),
        "127.0.0.1".into(),
        server.port.to_string(),
        cert("root.pem"),
        ours_file.to_string_lossy().into_owned(),
    ]);
    let out = run(lib, &cmd, &[]);
    out.assert_loaded();
    assert!(matches!(out.end, End::Exit(0)), "{out}");
    // s_server logs the client's traffic secret when it takes the client's Finished, and
    // prints the connection's cipher once its handshake is over.
    assert!(
        server.wait_for_line("CIPHER is").is_some(),
        "{lib:?}: the server's handshake did not finish"
    );
    drop(server);
    let lines = |path: &std::path::Path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    };
    let (ours, theirs) = (lines(&ours_file), lines(&theirs_file));
    assert!(!ours.is_empty(), "{lib:?}: nothing logged\n{out}");
    assert_eq!(
        ours, theirs,
        "{lib:?}: the client logged other secrets than the server"
    );
    out.stdout.lines().map(str::to_owned).collect()
}

fn key_log_differential(version: &str, expect: &[&str]) {
    let system = key_log(Lib::System, version);
    let ours = key_log(Lib::Ours, version);
    assert_eq!(ours, system, "our library differs from OpenSSL's");
    assert_eq!(ours, expect);
}

#[test]
fn tls13_keylog_callback_sees_the_servers_secrets_in_openssls_order() {
    key_log_differential(
        "-tls1_3",
        &[
            "callback before: none",
            "callback after: ours",
            "SERVER_HANDSHAKE_TRAFFIC_SECRET",
            "EXPORTER_SECRET",
            "SERVER_TRAFFIC_SECRET_0",
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
            "CLIENT_TRAFFIC_SECRET_0",
            "connected: TLSv1.3",
        ],
    );
}

#[test]
fn tls12_keylog_callback_sees_the_master_secret() {
    key_log_differential(
        "-tls1_2",
        &[
            "callback before: none",
            "callback after: ours",
            "CLIENT_RANDOM",
            "connected: TLSv1.2",
        ],
    );
}
