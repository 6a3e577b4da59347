//! Debian's own `openssl s_client` (OpenSSL 3.0's `/usr/bin/openssl`, linked with BIND_NOW) on
//! our `libssl.so.3`: every libssl symbol it imports is exported, and against `openssl
//! s_server` on 127.0.0.1 it connects, verifies and reports what it reports on the system
//! libssl. Each case runs s_client on both libraries and compares the lines that do not
//! change from run to run (session ids, keys, times and byte counts are left out).
//!
//! Known difference, left out of the comparison: for TLS 1.2 with `-brief`, "Supported Elliptic
//! Curve Point Formats" (`SSL_get0_ec_point_formats`) is not printed on ours, which does not
//! keep the server's point format list.

mod common;

use std::path::Path;

use common::*;

const OPENSSL: &str = "/usr/bin/openssl";
const GET: &[u8] = b"GET / HTTP/1.0\r\n\r\n";

fn s_client(port: u16, extra: &[&str]) -> Vec<String> {
    let mut cmd = args([
        OPENSSL.to_string(),
        "s_client".into(),
        "-connect".into(),
        format!("127.0.0.1:{port}"),
    ]);
    cmd.extend(extra.iter().map(|s| s.to_string()));
    cmd
}

/// A line that differs between runs or between the libraries for reasons that do not matter
/// here (secrets, times, byte counts, ticket dumps, the point formats ours does not report).
fn volatile(line: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "SSL handshake has read ",
        "Supported Elliptic Curve Point Formats:",
        "    Session-ID:",
        "    Resumption PSK:",
        "    Master-Key:",
        "    Start Time:",
        // -state: where a handshake call found nothing to read yet depends on timing.
        "SSL_connect:error in ",
    ];
    let hexdump = line.len() > 11
        && line.starts_with("    ")
        && line.as_bytes()[4..8].iter().all(u8::is_ascii_hexdigit)
        && &line[8..11] == " - ";
    hexdump || PREFIXES.iter().any(|p| line.starts_with(p))
}

/// s_client's standard output split into its connection summary (up to the `---` after
/// "Verify return code") and the rest, sorted (session tickets arrive while the reply is
/// read, and "read R BLOCK" lines depend on timing). The HTTP reply's body is the server's
/// view of our ClientHello, which differs between the libraries: only its status line is
/// kept.
fn meaningful(stdout: &str) -> (Vec<String>, Vec<String>) {
    let mut summary = Vec::new();
    let mut rest = Vec::new();
    let mut in_summary = true;
    let mut verify_seen = false;
    let mut in_body = false;
    for line in stdout.lines() {
        if line.starts_with("HTTP/1.0 ") {
            in_body = true;
            rest.push(line.to_string());
            continue;
        }
        if in_body {
            in_body = !line.contains("</HTML>");
            continue;
        }
        if volatile(line) || line == "read R BLOCK" {
            continue;
        }
        if in_summary {
            summary.push(line.to_string());
            verify_seen |= line.starts_with("Verify return code:");
            in_summary = !(verify_seen && line == "---");
        } else {
            rest.push(line.to_string());
        }
    }
    rest.sort();
    (summary, rest)
}

/// The standard error lines that matter (the verify callback's, s_client's own messages,
/// errors without their file/function part, which name each library's internals).
fn stderr_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| !volatile(l) && !l.trim().is_empty())
        .map(|l| match l.find(":error:") {
            Some(i) => {
                let code = l[i + 7..].split(':').next().unwrap_or("");
                format!("error:{code}")
            }
            None => l.to_string(),
        })
        .collect()
}

/// Runs `cmd` with `input` on both libraries; the system run must end with `expect` and
/// print `want_out` on stdout and `want_err` on stderr. Standard output (`meaningful`),
/// standard error (`stderr_lines`) and the exit status must agree. Returns both runs.
fn compare(
    cmd: &[String],
    input: &[u8],
    expect: End,
    want_out: &[&str],
    want_err: &[&str],
) -> (Run, Run) {
    let system = run_input(Lib::System, cmd, input);
    system.assert_loaded();
    assert_eq!(
        system.end, expect,
        "s_client on the system libssl\n{system}"
    );
    for want in want_out {
        assert!(
            system.stdout.lines().any(|l| l == *want),
            "the system run lacks stdout line {want:?}\n{system}"
        );
    }
    for want in want_err {
        assert!(
            system.stderr.lines().any(|l| l == *want),
            "the system run lacks stderr line {want:?}\n{system}"
        );
    }
    let ours = run_input(Lib::Ours, cmd, input);
    ours.assert_loaded();
    assert_eq!(
        ours.end, system.end,
        "exit status differs\n{system}\n{ours}"
    );
    assert_eq!(
        meaningful(&ours.stdout),
        meaningful(&system.stdout),
        "stdout differs\n{system}\n{ours}"
    );
    assert_eq!(
        stderr_lines(&ours.stderr),
        stderr_lines(&system.stderr),
        "stderr differs\n{system}\n{ours}"
    );
    (system, ours)
}

fn www(extra: &[&str]) -> SServer {
    let mut flags = vec!["-www"];
    flags.extend_from_slice(extra);
    s_server("ecdsa", "inter.pem", &flags)
}

#[test]
fn openssl_finds_every_libssl_symbol_it_imports() {
    // BIND_NOW: one missing symbol and `openssl` does not start at all.
    let imports = libssl_imports(Path::new(OPENSSL));
    assert!(
        imports.len() > 150,
        "openssl imports {imports:?} from libssl"
    );
    assert_we_export("/usr/bin/openssl", &imports);
    let version = run(Lib::Ours, &args([OPENSSL, "version"]), &[]);
    version.assert_loaded();
    assert_eq!(version.end, End::Exit(0), "{version}");
}

#[test]
fn tls13_get_with_a_verified_host_name() {
    let server = www(&[]);
    let root = cert("root.pem");
    let (_, ours) = compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-verify_return_error",
                "-verify_hostname",
                "localhost",
                "-servername",
                "localhost",
                "-ign_eof",
            ],
        ),
        GET,
        End::Exit(0),
        &[
            "Server certificate",
            "Peer signing digest: SHA256",
            "Peer signature type: ECDSA",
            "Verification: OK",
            "Verified peername: localhost",
            "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384",
            "Secure Renegotiation IS NOT supported",
            "Early data was not sent",
            "Verify return code: 0 (ok)",
            "HTTP/1.0 200 ok",
            "Post-Handshake New Session Ticket arrived:",
        ],
        &["depth=0 CN = localhost (ecdsa)", "verify return:1"],
    );
    assert!(
        ours.stdout.contains("Server Temp Key: X25519, 253 bits"),
        "the server's temporary key (SSL_get_peer_tmp_key)\n{ours}"
    );
}

#[test]
fn tls12_get() {
    let server = www(&[]);
    let root = cert("root.pem");
    compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-verify_return_error",
                "-servername",
                "localhost",
                "-tls1_2",
                "-ign_eof",
            ],
        ),
        GET,
        End::Exit(0),
        &[
            "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384",
            "Secure Renegotiation IS supported",
            "    Extended master secret: yes",
            "HTTP/1.0 200 ok",
        ],
        &["verify return:1"],
    );
}

#[test]
fn what_a_server_asking_for_a_certificate_asked_for() {
    // The CA names, certificate types (TLS 1.2) and signature algorithms of the server's
    // CertificateRequest, and those this client shares (its -sigalgs list, in the server's
    // order), as s_client prints them.
    let client_ca = cert("client-ca.pem");
    // No tickets: they would come with the reply and run into its first line.
    let server = www(&[
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        &client_ca,
        "-no_ticket",
    ]);
    let root = cert("root.pem");
    let (client, key) = (cert("client-ecdsa.pem"), cert("client-ecdsa.key"));
    for (version, types) in [
        ("-tls1_3", None),
        ("-tls1_2", Some("RSA sign, DSA sign, ECDSA sign")),
    ] {
        let (system, ours) = compare(
            &s_client(
                server.port,
                &[
                    "-CAfile",
                    &root,
                    "-cert",
                    &client,
                    "-key",
                    &key,
                    "-sigalgs",
                    "RSA+SHA256:ed25519:ECDSA+SHA256:RSA-PSS+SHA384",
                    "-servername",
                    "localhost",
                    version,
                    "-ign_eof",
                ],
            ),
            GET,
            End::Exit(0),
            &[
                "Acceptable client certificate CA names",
                "CN = oxissl test client CA",
                "Shared Requested Signature Algorithms: \
                 ECDSA+SHA256:ed25519:RSA-PSS+SHA384:RSA+SHA256",
                "HTTP/1.0 200 ok",
            ],
            &[],
        );
        let line = |run: &Run, start: &str| {
            run.stdout
                .lines()
                .find(|l| l.starts_with(start))
                .map(str::to_owned)
        };
        let wanted = types.map(|t| format!("Client Certificate Types: {t}"));
        assert_eq!(
            line(&system, "Client Certificate Types"),
            wanted,
            "{system}"
        );
        assert_eq!(line(&ours, "Client Certificate Types"), wanted, "{ours}");
        let requested = line(&ours, "Requested Signature Algorithms: ");
        assert!(
            requested
                .as_deref()
                .is_some_and(|l| l.contains("ed448") && l.contains("RSA+SHA224")),
            "the server's whole list, including schemes oxissl does not sign with\n{ours}"
        );
    }
}

/// `s_client -enable_pha` with a client certificate on `lib` against an s_server that asks
/// for one only after the handshake (its `c` command): whether the server received the
/// client's Certificate, CertificateVerify and Finished, and then sent its new tickets (it
/// does once the answer checked out).
fn post_handshake_auth(lib: Lib, enable: bool) -> Vec<String> {
    let client_ca = cert("client-ca.pem");
    let mut server = s_server(
        "ecdsa",
        "inter.pem",
        &[
            "-CAfile",
            &client_ca,
            "-verify_return_error",
            "-tls1_3",
            "-msg",
        ],
    );
    let (root, client, key) = (
        cert("root.pem"),
        cert("client-ecdsa.pem"),
        cert("client-ecdsa.key"),
    );
    let mut args = vec!["-CAfile", &root, "-cert", &client, "-key", &key, "-ign_eof"];
    if enable {
        args.push("-enable_pha");
    }
    let cmd = s_client(server.port, &args);
    std::thread::scope(|scope| {
        let run = scope.spawn(|| run_input(lib, &cmd, b""));
        let mut seen = Vec::new();
        if server.wait_for_line("CIPHER is").is_some() {
            server.send("c");
            if enable {
                // The next three messages from the client.
                for _ in 0..3 {
                    if let Some(l) = server.wait_for_line("<<< TLS 1.3, Handshake") {
                        seen.push(l);
                    }
                }
                if let Some(l) = server.wait_for_line("], NewSessionTicket") {
                    seen.push(l.split(" [").next().unwrap_or("").to_owned() + " NewSessionTicket");
                }
            } else {
                // s_server's refusal is buffered until it exits; one command per read of
                // its stdin, so Q follows a moment later.
                std::thread::sleep(std::time::Duration::from_millis(300));
                server.send("Q");
                if let Some(l) = server.wait_for_line("request") {
                    seen.push(l);
                }
            }
        }
        server.send("Q");
        run.join().expect("s_client runs").assert_loaded();
        seen.into_iter()
            .map(|l| match l.find(" [length") {
                // Lengths left out: the two libraries' CertificateVerify may differ.
                Some(i) => format!(
                    "{}{}",
                    &l[..i],
                    &l[l.find(']').map_or(l.len(), |j| j + 1)..]
                ),
                None => l,
            })
            .collect()
    })
}

#[test]
fn post_handshake_authentication_when_enabled() {
    // RFC 8446 §4.6.2: the client offered post_handshake_auth, so the server may ask after the
    // handshake; the answer passes the server's checks (it then issues new tickets).
    let want = [
        "<<< TLS 1.3, Handshake, Certificate",
        "<<< TLS 1.3, Handshake, CertificateVerify",
        "<<< TLS 1.3, Handshake, Finished",
        ">>> TLS 1.3, Handshake NewSessionTicket",
    ];
    for lib in [Lib::System, Lib::Ours] {
        assert_eq!(post_handshake_auth(lib, true), want, "{lib:?}");
        // Without -enable_pha the extension is not offered and the server cannot ask.
        assert_eq!(
            post_handshake_auth(lib, false),
            ["Failed to initiate request"],
            "{lib:?}"
        );
    }
}

#[test]
fn untrusted_chain_fails_with_the_same_verify_code() {
    let server = www(&[]);
    let root = cert("untrusted-root.pem");
    compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-verify_return_error",
                "-servername",
                "localhost",
                "-brief",
            ],
        ),
        b"",
        End::Exit(1),
        &[],
        &[
            "verify error:num=20:unable to get local issuer certificate",
            "depth=1 CN = oxissl test intermediate",
        ],
    );
}

#[test]
fn wrong_host_name_fails_with_the_same_verify_code() {
    let server = www(&[]);
    let root = cert("root.pem");
    compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-verify_return_error",
                "-verify_hostname",
                "wrong.example",
                "-servername",
                "wrong.example",
                "-brief",
            ],
        ),
        b"",
        End::Exit(1),
        &[],
        &["verify error:num=62:hostname mismatch"],
    );
}

#[test]
fn brief_summary() {
    let server = www(&[]);
    let root = cert("root.pem");
    compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-verify_return_error",
                "-servername",
                "localhost",
                "-brief",
            ],
        ),
        b"",
        End::Exit(0),
        &[],
        &[
            "CONNECTION ESTABLISHED",
            "Protocol version: TLSv1.3",
            "Ciphersuite: TLS_AES_256_GCM_SHA384",
            "Peer certificate: CN = localhost (ecdsa)",
            "Hash used: SHA256",
            "Signature type: ECDSA",
            "Verification: OK",
        ],
    );
}

#[test]
fn ssl_conf_options_reach_the_handshake() {
    // The server takes P-384 only: the client's -groups decides whether they agree.
    let server = www(&["-groups", "P-384"]);
    let root = cert("root.pem");
    let brief = |extra: &[&str]| {
        let mut flags = vec![
            "-CAfile",
            root.as_str(),
            "-servername",
            "localhost",
            "-brief",
        ];
        flags.extend_from_slice(extra);
        s_client(server.port, &flags)
    };
    compare(
        &brief(&[
            "-groups",
            "P-384",
            "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256",
        ]),
        b"",
        End::Exit(0),
        &[],
        &["Ciphersuite: TLS_CHACHA20_POLY1305_SHA256"],
    );
    compare(&brief(&["-groups", "X25519"]), b"", End::Exit(1), &[], &[]);
    compare(
        // In TLS 1.2 the list also names the curves the ECDSA certificate may use.
        &brief(&["-groups", "P-384:P-256", "-no_tls1_3"]),
        b"",
        End::Exit(0),
        &[],
        &["Protocol version: TLSv1.2"],
    );
    // A value both SSL_CONF parsers reject.
    compare(
        &brief(&["-sigalgs", "FOO+SHA256"]),
        b"",
        End::Exit(1),
        &[],
        &[],
    );
}

#[test]
fn record_padding_pads_as_with_openssl() {
    // `-record_padding 512` (SSL_CONF RecordPadding -> SSL_CTX_set_block_padding).
    let server = www(&[]);
    let root = cert("root.pem");
    compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-servername",
                "localhost",
                "-record_padding",
                "512",
                "-brief",
            ],
        ),
        b"",
        End::Exit(0),
        &[],
        &["CONNECTION ESTABLISHED", "Verification: OK"],
    );
}

#[test]
fn a_valid_option_this_library_cannot_honour_fails_clearly() {
    let server = www(&[]);
    let root = cert("root.pem");
    let cmd = s_client(
        server.port,
        &[
            "-CAfile",
            &root,
            "-servername",
            "localhost",
            "-strict",
            "-brief",
        ],
    );
    let system = run_input(Lib::System, &cmd, b"");
    assert_eq!(system.end, End::Exit(0), "{system}");
    let ours = run_input(Lib::Ours, &cmd, b"");
    ours.assert_loaded();
    assert_eq!(ours.end, End::Exit(1), "{ours}");
    assert!(
        ours.stderr
            .lines()
            .any(|l| l == "Call to SSL_CONF_cmd(-strict, <NULL>) failed"),
        "{ours}"
    );
    assert!(
        ours.stderr
            .contains(":SSL_CONF_cmd:unsupported:oxissl:0:-strict: strict certificate checks"),
        "{ours}"
    );
    assert!(!ours.stderr.contains("CONNECTION ESTABLISHED"), "{ours}");
}

#[test]
fn ssl_conf_commands_return_what_openssl_returns() {
    // tests/c/ssl_conf.c: command-line and file forms, good, bad, missing and unknown values,
    // and the protocol bounds and options they leave.
    differential(
        &[program("ssl_conf").display().to_string()],
        End::Exit(0),
        &[
            "-groups X25519:P-256 -> 2",
            "-groups (null) -> -3",
            "-nosuchcmd x -> -2",
            "-no_ticket (null) -> 1",
            "-min_protocol TLSv9 -> 0",
            "Options NoSuchOption -> 0",
            "command line: min 303 max 303 options 76004004",
            "file: min 0 max 0 options 50000000",
        ],
    );
}

#[test]
fn reconnect_resumes_the_session_on_the_same_object() {
    // s_client -reconnect shuts down, calls SSL_set_connect_state on the used object, gives it
    // a new socket and connects again, five times, offering the session each time.
    let server = www(&["-tls1_2"]);
    let root = cert("root.pem");
    let (system, ours) = compare(
        &s_client(
            server.port,
            &["-CAfile", &root, "-servername", "localhost", "-reconnect"],
        ),
        b"",
        End::Exit(0),
        &["Reused, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384"],
        &[],
    );
    for run in [&system, &ours] {
        let reused = run
            .stdout
            .lines()
            .filter(|l| l.starts_with("Reused,"))
            .count();
        assert_eq!(reused, 5, "{run}");
    }
}

#[test]
fn status_prints_the_stapled_ocsp_response() {
    // `-status`: SSL_set_tlsext_status_type and a status callback printing the response.
    let root = cert("root.pem");
    for version in ["-tls1_3", "-tls1_2"] {
        let server = www(&[version, "-status_file", ocsp_response_file()]);
        compare(
            &s_client(
                server.port,
                &[
                    "-CAfile",
                    &root,
                    "-servername",
                    "localhost",
                    "-status",
                    "-ign_eof",
                ],
            ),
            GET,
            End::Exit(0),
            &[
                "OCSP response: ",
                "    OCSP Response Status: successful (0x0)",
                "    Cert Status: good",
            ],
            &[],
        );
    }
    // Asked for, none stapled.
    let server = www(&[]);
    compare(
        &s_client(
            server.port,
            &[
                "-CAfile",
                &root,
                "-servername",
                "localhost",
                "-status",
                "-ign_eof",
            ],
        ),
        GET,
        End::Exit(0),
        &["OCSP response: no response sent"],
        &[],
    );
}

#[test]
fn state_prints_the_handshake_states_as_openssl_does() {
    // `-state`: s_client's info callback prints each state (SSL_CB_LOOP), each call's end and
    // each alert, with SSL_state_string_long.
    let root = cert("root.pem");
    for version in ["-tls1_3", "-tls1_2"] {
        let server = www(&[version]);
        compare(
            &s_client(
                server.port,
                &[
                    "-CAfile",
                    &root,
                    "-servername",
                    "localhost",
                    "-state",
                    "-ign_eof",
                ],
            ),
            GET,
            End::Exit(0),
            &[],
            &[
                "SSL_connect:before SSL initialization",
                "SSL_connect:SSLv3/TLS write client hello",
                "SSL_connect:SSLv3/TLS read server hello",
                "SSL_connect:SSLv3/TLS write finished",
            ],
        );
    }
}

#[test]
fn openssl_ciphers_lists_as_on_openssl() {
    // `openssl ciphers` makes a server-method context and lists its cipher stack with
    // SSL_CIPHER_description: the same on both libraries for strings that select only ciphers
    // this library has.
    for extra in [
        &["-s", "-tls1_3"][..],
        &["-v", "ECDHE+AESGCM"],
        &["-s", "-tls1_2", "ECDHE+AESGCM:ECDHE+CHACHA20"],
        &["-stdname", "-s", "ECDHE+AESGCM"],
        &["-V", "ECDHE-ECDSA-AES128-GCM-SHA256"],
    ] {
        let mut cmd = vec![OPENSSL.to_string(), "ciphers".to_string()];
        cmd.extend(extra.iter().map(|s| s.to_string()));
        let system = run(Lib::System, &cmd, &[]);
        system.assert_loaded();
        assert_eq!(system.end, End::Exit(0), "{system}");
        assert!(system.stdout.contains("GCM"), "{system}");
        let ours = run(Lib::Ours, &cmd, &[]);
        ours.assert_loaded();
        assert_eq!(ours.stdout, system.stdout, "{extra:?}\n{system}\n{ours}");
        assert_eq!(ours.end, system.end, "{ours}");
    }
}

#[test]
fn a_p521_only_server_is_reached_and_its_key_reported() {
    // The default groups list offers P-521: TLS 1.3 retries the X25519 share as P-521, TLS
    // 1.2 takes it in the ServerKeyExchange; SSL_get_peer_tmp_key gives libcrypto the point.
    let server = www(&["-groups", "P-521"]);
    let root = cert("root.pem");
    for (flag, version) in [("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")] {
        compare(
            &s_client(
                server.port,
                &["-CAfile", &root, "-servername", "localhost", "-brief", flag],
            ),
            b"",
            End::Exit(0),
            &[],
            &[
                &format!("Protocol version: {version}"),
                "Server Temp Key: ECDH, secp521r1, 521 bits",
            ],
        );
    }
}
