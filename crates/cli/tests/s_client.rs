//! `oxissl s_client` end to end: the built binary against Debian's `openssl s_server` on
//! 127.0.0.1, one test per flag, the built-in demo server, and a differential run of the same
//! invocations through `openssl s_client`.
//!
//! The server sends the `testdata/certs` ECDSA leaf with its intermediate (`-cert_chain`);
//! `root.pem` is the trust anchor. `s_server -rev` answers each line with the line reversed, so
//! stdin reaching the server and the server's bytes reaching stdout are both visible. Every
//! child process is waited on with a deadline and killed when it expires, so no test can hang.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The longest any child process may run.
const DEADLINE: Duration = Duration::from_secs(20);

fn certs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs")
}

/// The path of a file in `testdata/certs`, as an argument.
fn cert(name: &str) -> String {
    certs_dir().join(name).display().to_string()
}

// ---------------------------------------------------------------------------------------------
// Child processes with deadlines
// ---------------------------------------------------------------------------------------------

/// What a finished client printed, and how it exited.
#[derive(Debug)]
struct Outcome {
    /// Exit code (None if killed by a signal).
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Panics with everything the client printed unless it exited 0.
    #[track_caller]
    fn assert_success(&self) -> &Self {
        assert!(self.success(), "expected exit status 0: {self:#?}");
        self
    }

    /// Panics unless it exited with a non-zero status.
    #[track_caller]
    fn assert_failure(&self) -> &Self {
        assert!(
            self.code.is_some_and(|c| c != 0),
            "expected a non-zero exit status: {self:#?}"
        );
        self
    }

    /// Lines of stdout and stderr.
    fn lines(&self) -> impl Iterator<Item = &str> {
        self.stdout.lines().chain(self.stderr.lines())
    }

    /// The rest of the first line (stdout, then stderr) that starts with `prefix` once its
    /// indentation is removed (openssl indents the TLS 1.2 session block).
    fn value(&self, prefix: &str) -> Option<&str> {
        self.lines()
            .find_map(|l| l.trim_start().strip_prefix(prefix))
            .map(str::trim)
    }

    /// Panics unless some line of stdout or stderr is exactly `line`.
    #[track_caller]
    fn assert_line(&self, line: &str) -> &Self {
        assert!(
            self.lines().any(|l| l == line),
            "no line {line:?} in the output: {self:#?}"
        );
        self
    }

    /// Panics if some line of stdout or stderr starts with `prefix`.
    #[track_caller]
    fn assert_no_line_starting(&self, prefix: &str) -> &Self {
        assert!(
            !self.lines().any(|l| l.starts_with(prefix)),
            "unexpected line starting {prefix:?}: {self:#?}"
        );
        self
    }
}

/// Collects everything `r` yields in a thread.
fn drain(mut r: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Runs `cmd` with `stdin` as its whole input (then closed), waiting at most `DEADLINE`; a
/// client still running then is killed and the test fails.
fn run(mut cmd: Command, stdin: &[u8]) -> Outcome {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} does not start: {e}"));
    let mut input = child.stdin.take().expect("piped stdin");
    let data = stdin.to_vec();
    // The client may exit without reading its input: a failed write is not an error here.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let stdout = drain(child.stdout.take().expect("piped stdout"));
    let stderr = drain(child.stderr.take().expect("piped stderr"));
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() < DEADLINE => std::thread::sleep(Duration::from_millis(10)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let _ = writer.join();
    let outcome = Outcome {
        code: status.and_then(|s| s.code()),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    assert!(
        status.is_some(),
        "{cmd:?} still running after {DEADLINE:?}, killed: {outcome:#?}"
    );
    outcome
}

/// `oxissl s_client ARGS` with `stdin` as input.
fn oxissl(args: &[&str], stdin: &[u8]) -> Outcome {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxissl"));
    cmd.arg("s_client").args(args);
    run(cmd, stdin)
}

/// `openssl s_client ARGS` with `stdin` as input.
fn openssl(args: &[&str], stdin: &[u8]) -> Outcome {
    let mut cmd = Command::new("openssl");
    cmd.arg("s_client").args(args);
    run(cmd, stdin)
}

/// `openssl s_server -rev` on 127.0.0.1, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    /// What it printed after ACCEPT.
    printed: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the server with the ECDSA leaf and its intermediate plus `extra` flags, and waits
    /// (bounded) until it prints ACCEPT. If the port was taken in the meantime s_server exits,
    /// and another port is tried.
    fn start(extra: &[&str]) -> Self {
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let mut child = Command::new("openssl")
                .arg("s_server")
                .args(["-accept", &format!("127.0.0.1:{port}")])
                .args(["-cert", &cert("ecdsa.pem")])
                .args(["-cert_chain", &cert("inter.pem")])
                .args(["-key", &cert("ecdsa.key")])
                .arg("-rev")
                .args(extra)
                // Held open and never written: s_server must not see EOF on its stdin.
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("openssl s_server starts");
            let (tx, rx) = mpsc::channel();
            let stdout = child.stdout.take().expect("piped stdout");
            let printed = std::sync::Arc::<std::sync::Mutex<Vec<String>>>::default();
            let keep = printed.clone();
            std::thread::spawn(move || {
                // Reports ACCEPT, then keeps draining so the server never blocks on the pipe.
                let mut lines = BufReader::new(stdout).lines();
                for line in lines.by_ref().map_while(Result::ok) {
                    if line.contains("ACCEPT") {
                        let _ = tx.send(());
                        break;
                    }
                }
                for line in lines.map_while(Result::ok) {
                    keep.lock().unwrap_or_else(|e| e.into_inner()).push(line);
                }
            });
            drain(child.stderr.take().expect("piped stderr"));
            let server = Self {
                child,
                port,
                printed,
            };
            if rx.recv_timeout(DEADLINE).is_ok() {
                return server;
            }
        }
        panic!("openssl s_server did not start");
    }

    /// `127.0.0.1:port`, for -connect.
    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Whether a line it printed so far (with -trace: each message in detail) contains
    /// `needle`, waiting a little for its output to arrive.
    fn printed(&self, needle: &str) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(2);
        loop {
            let found = self
                .printed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .any(|l| l.contains(needle));
            if found || std::time::Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory under the test target's scratch space.
fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("s_client-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// What every successful session to the test server prints.
#[track_caller]
fn assert_session_ok(out: &Outcome) {
    out.assert_success()
        .assert_line("Protocol version: TLSv1.3")
        .assert_line("Peer certificate: CN = localhost (ecdsa)")
        .assert_line("Verification: OK")
        .assert_line("Verify return code: 0 (ok)");
    assert!(
        out.value("Ciphersuite: ")
            .is_some_and(|c| c.starts_with("TLS_")),
        "{out:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// -connect, stdin/stdout, exit status, key lines
// ---------------------------------------------------------------------------------------------

#[test]
fn connect_prints_the_key_lines_and_copies_stdin_and_stdout() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root],
        b"hello\nworld\n",
    );
    assert_session_ok(&out);
    assert!(out.stdout.starts_with("CONNECTED("), "{out:#?}");
    out.assert_line("Certificate chain")
        .assert_line(" 0 s:CN = localhost (ecdsa)")
        .assert_line(" 1 s:CN = oxissl test intermediate")
        .assert_line("   i:CN = oxissl test root")
        .assert_line("No ALPN negotiated")
        // stdin went to the server, the server's answer to stdout.
        .assert_line("olleh")
        .assert_line("dlrow")
        .assert_line("DONE");
    assert!(out.value("New, TLSv1.3, Cipher is ").is_some(), "{out:#?}");
}

#[test]
fn connect_to_a_closed_port_fails_with_the_errno() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = oxissl(&["-connect", &format!("127.0.0.1:{port}")], b"");
    out.assert_failure();
    assert!(out.stderr.contains("connect:errno=111"), "{out:#?}");
}

#[test]
fn connect_by_host_name() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &[
            "-connect",
            &format!("localhost:{}", server.port),
            "-CAfile",
            &root,
        ],
        b"abc\n",
    );
    assert_session_ok(&out);
    out.assert_line("cba");
}

// ---------------------------------------------------------------------------------------------
// SNI: -servername, -noservername
// ---------------------------------------------------------------------------------------------

/// A server that switches to the RSA certificate for SNI `example.test` (`-servername` with
/// `-cert2`), and with `fatal`, refuses any other name with an unrecognized_name alert.
fn sni_server(fatal: bool) -> Server {
    let (rsa, rsa_key) = (cert("rsa.chain.pem"), cert("rsa.key"));
    let mut extra = vec![
        "-servername",
        "example.test",
        "-cert2",
        &rsa,
        "-key2",
        &rsa_key,
    ];
    if fatal {
        extra.push("-servername_fatal");
    }
    Server::start(&extra)
}

#[test]
fn servername_is_seen_by_the_server_which_switches_certificate() {
    let server = sni_server(false);
    let root = cert("root.pem");
    let connect = server.addr();
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-servername",
            "example.test",
        ],
        b"sni\n",
    );
    out.assert_success()
        .assert_line("Peer certificate: CN = localhost (rsa)")
        .assert_line("ins");
    // No -servername with an IP address: no SNI, the default certificate.
    let out = oxissl(&["-connect", &connect, "-CAfile", &root], b"");
    assert_session_ok(&out);
}

#[test]
fn servername_mismatch_is_fatal_with_servername_fatal() {
    let server = sni_server(true);
    let root = cert("root.pem");
    let connect = server.addr();
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-servername",
            "other.test",
        ],
        b"x\n",
    );
    out.assert_failure();
    assert!(out.stderr.contains("unrecognized name"), "{out:#?}");
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-servername",
            "example.test",
        ],
        b"",
    );
    out.assert_success()
        .assert_line("Peer certificate: CN = localhost (rsa)");
}

#[test]
fn host_of_connect_is_the_default_servername_and_noservername_sends_none() {
    let server = sni_server(true);
    let root = cert("root.pem");
    let connect = format!("localhost:{}", server.port);
    // SNI "localhost" is not the server's name: refused.
    let out = oxissl(&["-connect", &connect, "-CAfile", &root], b"");
    out.assert_failure();
    assert!(out.stderr.contains("unrecognized name"), "{out:#?}");
    // Without SNI the server has nothing to refuse.
    let out = oxissl(
        &["-connect", &connect, "-CAfile", &root, "-noservername"],
        b"",
    );
    assert_session_ok(&out);
    // Both flags contradict each other, as openssl s_client says.
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-servername",
            "example.test",
            "-noservername",
        ],
        b"",
    );
    out.assert_failure().assert_no_line_starting("CONNECTED");
    assert!(
        out.stderr.contains("-servername and -noservername"),
        "{out:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Trust: -CAfile, -CApath, -verify_return_error, -verify_hostname, -verify_ip
// ---------------------------------------------------------------------------------------------

#[test]
fn cafile_missing_is_a_clear_error() {
    let server = Server::start(&[]);
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", "/nonexistent/ca.pem"],
        b"",
    );
    out.assert_failure();
    assert!(out.stderr.contains("No such file or directory"), "{out:#?}");
}

/// Makes a directory holding `root.pem` and OpenSSL's hash links to it.
fn hashed_ca_dir() -> PathBuf {
    let dir = scratch_dir("capath");
    std::fs::copy(certs_dir().join("root.pem"), dir.join("root.pem")).expect("copy root.pem");
    let rehashed = Command::new("openssl")
        .arg("rehash")
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success())
        || Command::new("c_rehash")
            .arg(&dir)
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    assert!(rehashed, "neither openssl rehash nor c_rehash worked");
    let links = std::fs::read_dir(&dir)
        .expect("read the CA directory")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".0"))
        .count();
    assert_eq!(links, 1, "one hash link in {}", dir.display());
    dir
}

#[test]
fn capath_with_a_hashed_directory_verifies() {
    let server = Server::start(&[]);
    let dir = hashed_ca_dir();
    let dir_arg = dir.display().to_string();
    let out = oxissl(
        &[
            "-connect",
            &server.addr(),
            "-CApath",
            &dir_arg,
            "-verify_return_error",
        ],
        b"capath\n",
    );
    assert_session_ok(&out);
    out.assert_line("htapac");
    // An empty directory trusts nothing.
    let empty = scratch_dir("capath-empty");
    let empty_arg = empty.display().to_string();
    let out = oxissl(
        &[
            "-connect",
            &server.addr(),
            "-CApath",
            &empty_arg,
            "-verify_return_error",
        ],
        b"",
    );
    out.assert_failure()
        .assert_line("verify error:num=20:unable to get local issuer certificate");
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(empty);
}

#[test]
fn verify_return_error_fails_when_the_ca_is_missing() {
    let server = Server::start(&[]);
    // A trust store without our root.
    let other = cert("untrusted-root.pem");
    let out = oxissl(
        &[
            "-connect",
            &server.addr(),
            "-CAfile",
            &other,
            "-verify_return_error",
        ],
        b"never sent\n",
    );
    // As openssl s_client, the summary still says what failed; no data is exchanged.
    out.assert_failure()
        .assert_line("verify error:num=20:unable to get local issuer certificate")
        .assert_line("no peer certificate available")
        .assert_line("Verify return code: 20 (unable to get local issuer certificate)")
        .assert_no_line_starting("tnes reven");
    assert!(out.stderr.contains("certificate verify failed"), "{out:#?}");
}

#[test]
fn without_verify_return_error_the_session_completes_and_reports_the_error() {
    let server = Server::start(&[]);
    let other = cert("untrusted-root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &other],
        b"still sent\n",
    );
    out.assert_success()
        .assert_line("verify error:num=20:unable to get local issuer certificate")
        .assert_line("Verification error: unable to get local issuer certificate")
        .assert_line("Verify return code: 20 (unable to get local issuer certificate)")
        .assert_line("tnes llits");
}

#[test]
fn default_trust_store_comes_from_ssl_cert_file() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oxissl"));
    cmd.args([
        "s_client",
        "-connect",
        &server.addr(),
        "-verify_return_error",
    ])
    .env("SSL_CERT_FILE", &root)
    .env("SSL_CERT_DIR", "/nonexistent");
    assert_session_ok(&run(cmd, b""));
}

#[test]
fn verify_hostname_mismatch_is_error_62() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    let base = ["-connect", &connect, "-CAfile", &root];
    let out = oxissl(
        &[
            &base[..],
            &["-verify_return_error", "-verify_hostname", "wrong.example"],
        ]
        .concat(),
        b"",
    );
    out.assert_failure()
        .assert_line("verify error:num=62:hostname mismatch");
    // Without -verify_return_error: reported, not fatal.
    let out = oxissl(
        &[&base[..], &["-verify_hostname", "wrong.example"]].concat(),
        b"",
    );
    out.assert_success()
        .assert_line("Verify return code: 62 (hostname mismatch)");
    // A name the certificate has.
    let out = oxissl(
        &[
            &base[..],
            &["-verify_return_error", "-verify_hostname", "example.test"],
        ]
        .concat(),
        b"",
    );
    assert_session_ok(&out);
}

#[test]
fn verify_ip_mismatch_is_error_64() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    let base = [
        "-connect",
        &connect,
        "-CAfile",
        &root,
        "-verify_return_error",
    ];
    let out = oxissl(&[&base[..], &["-verify_ip", "10.0.0.1"]].concat(), b"");
    out.assert_failure()
        .assert_line("verify error:num=64:IP address mismatch");
    let out = oxissl(&[&base[..], &["-verify_ip", "127.0.0.1"]].concat(), b"");
    assert_session_ok(&out);
}

// ---------------------------------------------------------------------------------------------
// Negotiation: -alpn, -tls1_3, -tls1_2, -groups, -ciphersuites, -cipher
// ---------------------------------------------------------------------------------------------

#[test]
fn alpn_prints_the_selected_protocol() {
    let server = Server::start(&["-alpn", "h2"]);
    let root = cert("root.pem");
    let connect = server.addr();
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-alpn",
            "http/1.1,h2",
        ],
        b"",
    );
    assert_session_ok(&out);
    out.assert_line("ALPN protocol: h2");
    // Not offered: none negotiated.
    let out = oxissl(&["-connect", &connect, "-CAfile", &root], b"");
    out.assert_success().assert_line("No ALPN negotiated");
}

#[test]
fn tls1_3_only() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-tls1_3"],
        b"13\n",
    );
    assert_session_ok(&out);
    out.assert_line("New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384")
        .assert_line("31");
}

/// Whether this build speaks TLS 1.2: `-tls1_2` either completes a TLS 1.2 session or fails
/// before sending anything with an error that names the reason.
fn tls12_supported(out: &Outcome) -> bool {
    if out.success() {
        return true;
    }
    assert!(
        out.stderr.contains("no protocols available") && out.stderr.contains("TLS 1.2"),
        "-tls1_2 failed without saying that TLS 1.2 is unsupported: {out:#?}"
    );
    false
}

#[test]
fn tls1_2_completes_or_is_refused_with_a_clear_error() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    let out = oxissl(
        &["-connect", &connect, "-CAfile", &root, "-tls1_2"],
        b"twelve
",
    );
    if !tls12_supported(&out) {
        out.assert_failure()
            .assert_no_line_starting("Protocol version");
        // Nor does a TLS 1.2-only server accept our TLS 1.3 ClientHello.
        let server = Server::start(&["-tls1_2"]);
        let out = oxissl(&["-connect", &server.addr(), "-CAfile", &root], b"");
        out.assert_failure();
        assert!(out.stderr.contains("protocol version"), "{out:#?}");
        return;
    }
    out.assert_success()
        .assert_line("Protocol version: TLSv1.2")
        .assert_line("Peer certificate: CN = localhost (ecdsa)")
        .assert_line("Verify return code: 0 (ok)")
        .assert_line("evlewt");
    assert!(
        out.value("Ciphersuite: ")
            .is_some_and(|c| c.starts_with("ECDHE-ECDSA-")),
        "{out:#?}"
    );
    // -cipher picks the TLS 1.2 suite.
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-tls1_2",
            "-cipher",
            "ECDHE-ECDSA-CHACHA20-POLY1305",
        ],
        b"",
    );
    out.assert_success()
        .assert_line("Ciphersuite: ECDHE-ECDSA-CHACHA20-POLY1305");
    // -msg and -state name the TLS 1.2 messages and states.
    let out = oxissl(
        &[
            "-connect", &connect, "-CAfile", &root, "-tls1_2", "-msg", "-state",
        ],
        b"",
    );
    out.assert_success();
    for (dir, what) in [
        ("<<<", "ServerKeyExchange"),
        ("<<<", "ServerHelloDone"),
        (">>>", "ClientKeyExchange"),
    ] {
        assert!(
            out.stdout.lines().any(|l| l
                .starts_with(&format!("{dir} TLS 1.2, Handshake [length "))
                && l.ends_with(&format!("], {what}"))),
            "no {dir} {what}: {out:#?}"
        );
    }
    out.assert_line("SSL_connect:SSLv3/TLS read server key exchange")
        .assert_line("SSL_connect:SSLv3/TLS read server done")
        .assert_line("SSL_connect:SSLv3/TLS write client key exchange")
        .assert_line("SSL_connect:SSLv3/TLS read change cipher spec");
    // A TLS 1.2-only server, no version flag.
    let server = Server::start(&["-tls1_2"]);
    let out = oxissl(&["-connect", &server.addr(), "-CAfile", &root], b"");
    out.assert_success()
        .assert_line("Protocol version: TLSv1.2");
}

#[test]
fn groups_choose_the_server_temp_key() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    for (groups, line) in [
        ("X25519", "Server Temp Key: X25519, 253 bits"),
        ("P-256", "Server Temp Key: ECDH, prime256v1, 256 bits"),
        ("P-384", "Server Temp Key: ECDH, secp384r1, 384 bits"),
        // s_server prefers X25519 when offered, but the client's first key share is P-384.
        ("P-384:X25519", "Server Temp Key: ECDH, secp384r1, 384 bits"),
    ] {
        let out = oxissl(
            &["-connect", &connect, "-CAfile", &root, "-groups", groups],
            b"",
        );
        assert_session_ok(&out);
        out.assert_line(line);
    }
    let out = oxissl(
        &["-connect", &connect, "-CAfile", &root, "-groups", "P-999"],
        b"",
    );
    out.assert_failure();
    assert!(out.stderr.contains("P-999"), "{out:#?}");
}

#[test]
fn ciphersuites_choose_the_ciphersuite() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    for suite in [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
    ] {
        let out = oxissl(
            &[
                "-connect",
                &connect,
                "-CAfile",
                &root,
                "-ciphersuites",
                suite,
            ],
            b"",
        );
        assert_session_ok(&out);
        out.assert_line(&format!("Ciphersuite: {suite}"));
    }
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-ciphersuites",
            "TLS_NOPE",
        ],
        b"",
    );
    out.assert_failure();
    assert!(out.stderr.contains("TLS_NOPE"), "{out:#?}");
}

#[test]
fn cipher_refuses_weak_names_with_a_clear_error() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    for weak in ["RC4-MD5", "DES-CBC3-SHA", "NULL-SHA256"] {
        let out = oxissl(
            &["-connect", &connect, "-CAfile", &root, "-cipher", weak],
            b"",
        );
        out.assert_failure().assert_no_line_starting("CONNECTED");
        assert!(out.stderr.contains("no cipher match"), "{weak}: {out:#?}");
        assert!(out.stderr.contains(weak), "{weak}: {out:#?}");
    }
    // A TLS 1.2 list we accept leaves the TLS 1.3 handshake alone.
    let out = oxissl(
        &[
            "-connect",
            &connect,
            "-CAfile",
            &root,
            "-cipher",
            "ECDHE-ECDSA-AES128-GCM-SHA256",
        ],
        b"",
    );
    assert_session_ok(&out);
}

// ---------------------------------------------------------------------------------------------
// Output and I/O modes: -nbio, -brief, -quiet, -showcerts, -msg, -state
// ---------------------------------------------------------------------------------------------

#[test]
fn nbio_handshake_and_data() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-nbio"],
        b"non-blocking\n",
    );
    assert_session_ok(&out);
    out.assert_line("gnikcolb-non");
}

#[test]
fn brief_prints_the_summary_on_stderr_and_only_data_on_stdout() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-brief"],
        b"brief\n",
    );
    out.assert_success();
    assert_eq!(out.stdout, "feirb\n", "{out:#?}");
    for line in [
        "CONNECTION ESTABLISHED",
        "Protocol version: TLSv1.3",
        "Peer certificate: CN = localhost (ecdsa)",
        "Verification: OK",
        "Server Temp Key: X25519, 253 bits",
    ] {
        assert!(out.stderr.lines().any(|l| l == line), "{line}: {out:#?}");
    }
    assert!(out.stderr.contains("Ciphersuite: TLS_"), "{out:#?}");
}

#[test]
fn quiet_prints_only_the_data_and_keeps_reading_after_stdin_ends() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    // With -quiet, the end of stdin does not close the connection; s_server -rev closes it
    // when it reads CLOSE.
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-quiet"],
        b"quiet\nCLOSE\n",
    );
    out.assert_success();
    assert_eq!(out.stdout, "teiuq\n", "{out:#?}");
    assert!(!out.stderr.contains("Protocol version"), "{out:#?}");
    assert!(!out.stderr.contains("DONE"), "{out:#?}");
}

#[test]
fn showcerts_prints_every_certificate_the_server_sent() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    let pem_blocks = |o: &Outcome| o.stdout.matches("-----BEGIN CERTIFICATE-----").count();
    let out = oxissl(&["-connect", &connect, "-CAfile", &root, "-showcerts"], b"");
    assert_session_ok(&out);
    assert_eq!(pem_blocks(&out), 2, "leaf and intermediate: {out:#?}");
    assert_eq!(out.stdout.matches("-----END CERTIFICATE-----").count(), 2);
    // The intermediate as sent is the file's certificate.
    let inter = std::fs::read_to_string(certs_dir().join("inter.pem")).expect("inter.pem");
    assert!(out.stdout.contains(inter.trim()), "{out:#?}");
    // Without -showcerts: the leaf only ("Server certificate").
    let out = oxissl(&["-connect", &connect, "-CAfile", &root], b"");
    assert_eq!(pem_blocks(&out), 1, "{out:#?}");
    out.assert_line("Server certificate");
}

#[test]
fn msg_traces_the_handshake_messages() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(&["-connect", &server.addr(), "-CAfile", &root, "-msg"], b"");
    assert_session_ok(&out);
    let traced = |dir: &str, what: &str| {
        out.stdout.lines().any(|l| {
            l.starts_with(&format!("{dir} TLS 1.3, Handshake [length "))
                && l.ends_with(&format!("], {what}"))
        })
    };
    for (dir, what) in [
        (">>>", "ClientHello"),
        ("<<<", "ServerHello"),
        ("<<<", "EncryptedExtensions"),
        ("<<<", "Certificate"),
        ("<<<", "CertificateVerify"),
        ("<<<", "Finished"),
        (">>>", "Finished"),
    ] {
        assert!(traced(dir, what), "no {dir} {what}: {out:#?}");
    }
    // The ClientHello's bytes follow its line as hex.
    let hello = out
        .stdout
        .lines()
        .skip_while(|l| !l.ends_with("ClientHello"))
        .nth(1)
        .unwrap_or_default();
    assert!(hello.starts_with("    01 00 "), "{out:#?}");
}

#[test]
fn state_prints_the_ssl_connect_states() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-state"],
        b"",
    );
    assert_session_ok(&out);
    let states: Vec<&str> = out
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("SSL_connect:"))
        .collect();
    let expected = [
        "before SSL initialization",
        "SSLv3/TLS write client hello",
        "SSLv3/TLS read server hello",
        "TLSv1.3 read encrypted extensions",
        "SSLv3/TLS read server certificate",
        "TLSv1.3 read server certificate verify",
        "SSLv3/TLS read finished",
        "SSLv3/TLS write change cipher spec",
        "SSLv3/TLS write finished",
    ];
    assert_eq!(&states[..expected.len()], &expected, "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// The built-in demo server
// ---------------------------------------------------------------------------------------------

#[test]
fn without_connect_the_demo_server_greets_and_verifies() {
    let out = oxissl(&[], b"");
    out.assert_success()
        .assert_line("Protocol version: TLSv1.3")
        .assert_line("Verification: OK")
        .assert_line("Verify return code: 0 (ok)");
    assert!(
        out.stdout
            .contains("hello from the oxissl demo server (rustls)"),
        "{out:#?}"
    );
    assert!(out.stderr.contains("built-in demo server"), "{out:#?}");
}

#[test]
fn demo_server_echoes_stdin() {
    let out = oxissl(&["-brief"], b"ping\n");
    out.assert_success();
    assert!(out.stdout.contains("echo: ping\n"), "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// Differential: the same invocations through openssl s_client
// ---------------------------------------------------------------------------------------------

/// The values both clients print on the key lines, and how they exited.
#[derive(Debug, PartialEq, Eq)]
struct KeyValues {
    success: bool,
    /// "New, TLSv1.3, Cipher is X" (full output) or "Protocol version" / "Ciphersuite" (-brief).
    protocol: Option<String>,
    cipher: Option<String>,
    /// "Verify return code: N (text)".
    verify_return_code: Option<String>,
    /// "depth=D num=N" for each "verify error:num=N:text" line and the "depth=D subject" line
    /// before it.
    verify_errors: Vec<String>,
    /// "ALPN protocol: X" or "No ALPN negotiated".
    alpn: Option<String>,
    /// "Verification: OK" / "Verification error: text".
    verification: Option<String>,
    server_temp_key: Option<String>,
}

fn key_values(out: &Outcome) -> KeyValues {
    let new_line = out.value("New, ").and_then(|l| {
        let (proto, cipher) = l.split_once(", Cipher is ")?;
        Some((proto.to_string(), cipher.to_string()))
    });
    let stderr: Vec<&str> = out.stderr.lines().collect();
    let verify_errors: Vec<String> = stderr
        .windows(2)
        .filter_map(|w| {
            let num = w[1].strip_prefix("verify error:num=")?.split(':').next()?;
            let depth = w[0].strip_prefix("depth=")?.split(' ').next()?;
            Some(format!("depth={depth} num={num}"))
        })
        .collect();
    KeyValues {
        success: out.success(),
        protocol: out
            .value("Protocol version: ")
            .map(str::to_string)
            .or_else(|| new_line.as_ref().map(|n| n.0.clone())),
        cipher: out
            .value("Ciphersuite: ")
            .map(str::to_string)
            .or_else(|| new_line.as_ref().map(|n| n.1.clone())),
        verify_return_code: out.value("Verify return code: ").map(str::to_string),
        verify_errors,
        alpn: out
            .lines()
            .find(|l| l.starts_with("ALPN protocol: ") || *l == "No ALPN negotiated")
            .map(str::to_string),
        verification: out
            .lines()
            .find(|l| l.starts_with("Verification"))
            .map(str::to_string),
        server_temp_key: out.value("Server Temp Key: ").map(str::to_string),
    }
}

#[test]
fn differential_key_lines_match_openssl_s_client() {
    let server = Server::start(&["-alpn", "h2"]);
    let connect = server.addr();
    let root = cert("root.pem");
    let other = cert("untrusted-root.pem");
    let scenarios: Vec<Vec<&str>> = vec![
        vec!["-CAfile", &root],
        vec!["-CAfile", &root, "-brief"],
        vec!["-CAfile", &other],
        vec!["-CAfile", &other, "-brief"],
        vec!["-CAfile", &other, "-verify_return_error"],
        vec![
            "-CAfile",
            &root,
            "-verify_return_error",
            "-verify_hostname",
            "wrong.example",
        ],
        vec!["-CAfile", &root, "-verify_hostname", "wrong.example"],
        vec![
            "-CAfile",
            &root,
            "-verify_return_error",
            "-verify_ip",
            "10.0.0.1",
        ],
        vec!["-CAfile", &root, "-verify_hostname", "example.test"],
        vec!["-CAfile", &root, "-alpn", "http/1.1,h2"],
        vec!["-CAfile", &root, "-alpn", "http/1.1"],
        vec!["-CAfile", &root, "-tls1_3"],
        vec!["-CAfile", &root, "-ciphersuites", "TLS_AES_128_GCM_SHA256"],
        vec![
            "-CAfile",
            &root,
            "-ciphersuites",
            "TLS_CHACHA20_POLY1305_SHA256",
            "-brief",
        ],
        vec!["-CAfile", &root, "-groups", "P-384", "-brief"],
        vec!["-CAfile", &root, "-groups", "P-256"],
        vec!["-CAfile", &root, "-nbio"],
    ];
    let tls12: Vec<Vec<&str>> = vec![
        vec!["-CAfile", &root, "-tls1_2"],
        vec!["-CAfile", &root, "-tls1_2", "-brief"],
        vec!["-CAfile", &other, "-tls1_2", "-verify_return_error"],
        vec![
            "-CAfile",
            &root,
            "-tls1_2",
            "-cipher",
            "ECDHE-ECDSA-AES256-GCM-SHA384",
        ],
        vec![
            "-CAfile", &root, "-tls1_2", "-groups", "P-256", "-alpn", "h2",
        ],
    ];
    for args in scenarios.into_iter().chain(tls12) {
        let full: Vec<&str> = [&["-connect", connect.as_str()][..], &args].concat();
        let ours_out = oxissl(&full, b"");
        if full.contains(&"-tls1_2") && ours_out.stderr.contains("no protocols available") {
            // This build does not speak TLS 1.2 (see tls1_2_completes_or_is_refused...).
            continue;
        }
        let mut theirs = key_values(&openssl(&full, b""));
        let mut ours = key_values(&ours_out);
        if full.contains(&"-tls1_2") && !theirs.success {
            // After a failed TLS 1.2 handshake openssl's summary shows its internals, not the
            // negotiation: no current cipher before ChangeCipherSpec ("(NONE)") and a session
            // whose verify result was never set ("0 (ok)"). Only the verify error lines, the
            // Verification line and the exit status are compared.
            for kv in [&mut theirs, &mut ours] {
                kv.protocol = None;
                kv.cipher = None;
                kv.verify_return_code = None;
            }
        }
        if full.contains(&"-brief") && theirs.alpn.is_none() {
            // openssl's -brief summary has no ALPN line; oxissl's adds one.
            ours.alpn = None;
        }
        assert_eq!(ours, theirs, "oxissl vs openssl s_client {full:?}");
        // Every scenario shows at least the outcome of verification.
        assert!(
            ours.verify_return_code.is_some()
                || ours.verification.is_some()
                || !ours.verify_errors.is_empty(),
            "{full:?}: {ours:?}"
        );
    }
}

#[test]
fn differential_leaf_only_chain_is_unable_to_verify_the_first_certificate() {
    // For SNI example.test the server sends the RSA leaf without its intermediate.
    let server = sni_server(false);
    let connect = server.addr();
    let root = cert("root.pem");
    for extra in [&[][..], &["-verify_return_error"], &["-brief"]] {
        let args: Vec<&str> = [
            &[
                "-connect",
                connect.as_str(),
                "-CAfile",
                &root,
                "-servername",
                "example.test",
            ][..],
            extra,
        ]
        .concat();
        let ours_out = oxissl(&args, b"");
        let theirs = key_values(&openssl(&args, b""));
        let mut ours = key_values(&ours_out);
        if args.contains(&"-brief") && theirs.alpn.is_none() {
            ours.alpn = None;
        }
        assert_eq!(ours, theirs, "oxissl vs openssl s_client {args:?}");
        // s_client's callback goes on after 20 unless told to stop.
        let last = if extra.is_empty() || extra == ["-brief"] {
            "depth=0 num=21"
        } else {
            "depth=0 num=20"
        };
        assert_eq!(ours.verify_errors.last().map(String::as_str), Some(last));
    }
}

#[test]
fn differential_refused_options_fail_in_both() {
    let server = Server::start(&[]);
    let connect = server.addr();
    for args in [
        ["-cipher", "RC4-MD5"],
        ["-groups", "P-999"],
        ["-ciphersuites", "TLS_NOPE"],
    ] {
        let full: Vec<&str> = [&["-connect", connect.as_str()][..], &args].concat();
        let theirs = openssl(&full, b"");
        let ours = oxissl(&full, b"");
        assert!(!theirs.success(), "openssl accepted {full:?}: {theirs:#?}");
        assert!(!ours.success(), "oxissl accepted {full:?}: {ours:#?}");
    }
}

/// The handshake messages of a `-msg` trace as "DIR VERSION NAME", without lengths and
/// without NewSessionTicket (openssl asks for TLS 1.2 tickets, oxissl does not; TLS 1.3
/// tickets arrive after s_client may have left).
fn handshake_trace(out: &Outcome) -> Vec<String> {
    out.stdout
        .lines()
        .filter(|l| l.starts_with(">>> ") || l.starts_with("<<< "))
        .filter_map(|l| {
            let (head, name) = l.split_once("], ")?;
            let (dir_version, kind) = head.split_once(", ")?;
            (kind.starts_with("Handshake [length ") && name != "NewSessionTicket")
                .then(|| format!("{dir_version} {name}"))
        })
        .collect()
}

#[test]
fn differential_msg_trace_names_the_same_messages_as_openssl() {
    let server = Server::start(&[]);
    // Only P-384: both clients' first key share is X25519, so the server asks again.
    let hrr_server = Server::start(&["-groups", "P-384"]);
    let root = cert("root.pem");
    let mut cases: Vec<(String, Vec<&str>)> = vec![
        (server.addr(), vec![]),
        (hrr_server.addr(), vec![]),
        (server.addr(), vec!["-tls1_2"]),
    ];
    for (connect, extra) in cases.drain(..) {
        let args: Vec<&str> = [
            &["-connect", connect.as_str(), "-CAfile", &root, "-msg"][..],
            &extra,
        ]
        .concat();
        let ours = oxissl(&args, b"");
        if extra.contains(&"-tls1_2") && !tls12_supported(&ours) {
            continue;
        }
        let theirs = openssl(&args, b"");
        assert!(theirs.success() && ours.success(), "{args:?}");
        let (ours, theirs) = (handshake_trace(&ours), handshake_trace(&theirs));
        assert!(ours.len() >= 6, "{ours:?}");
        assert_eq!(ours, theirs, "-msg handshake messages for {args:?}");
    }
}

/// How many lines of `out`'s stdout satisfy `pred`.
fn count_lines(out: &Outcome, pred: impl Fn(&str) -> bool) -> usize {
    out.stdout.lines().filter(|l| pred(l)).count()
}

/// `-reconnect` against `server`: 5 reconnections, each printing whether the session was
/// reused, as openssl s_client does; the data still flows over the last connection.
fn reconnect(server: &Server) -> Outcome {
    let root = cert("root.pem");
    let out = oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-reconnect"],
        b"hello\n",
    );
    out.assert_success()
        .assert_line("Peer certificate: CN = localhost (ecdsa)")
        .assert_line("Verify return code: 0 (ok)");
    let drops = count_lines(&out, |l| l == "drop connection and then reconnect");
    assert_eq!(drops, 5, "{out:#?}");
    out.assert_line("olleh");
    out
}

#[test]
fn reconnect_resumes_tls12_sessions() {
    for extra in [&["-tls1_2"][..], &["-tls1_2", "-no_ticket"]] {
        let server = Server::start(extra);
        let out = reconnect(&server);
        let reused = count_lines(&out, |l| l.starts_with("Reused, TLSv1.2, Cipher is "));
        assert_eq!(reused, 5, "{extra:?}: {out:#?}");
        assert!(out.value("New, TLSv1.2, Cipher is ").is_some(), "{out:#?}");
    }
}

#[test]
fn reconnect_resumes_tls13_tickets() {
    let server = Server::start(&[]);
    let out = reconnect(&server);
    let reused = count_lines(&out, |l| l.starts_with("Reused, TLSv1.3, Cipher is "));
    assert_eq!(reused, 5, "{out:#?}");
}

#[test]
fn reconnect_without_resumption_says_new() {
    let server = Server::start(&["-tls1_2", "-no_ticket", "-no_cache"]);
    let out = reconnect(&server);
    assert!(!out.stdout.contains("Reused,"), "{out:#?}");
}

#[test]
fn reconnect_uses_each_ticket_once() {
    // The built-in demo server (rustls) takes a TLS 1.3 ticket once: every reconnection must
    // offer a ticket of the connection before, not the one it was itself offered.
    let out = oxissl(&["-reconnect"], b"");
    out.assert_success();
    let reused = count_lines(&out, |l| l.starts_with("Reused, TLSv1.3, Cipher is "));
    assert_eq!(reused, 5, "{out:#?}");
}

#[test]
fn sess_out_and_sess_in_resume_across_runs_and_with_openssl() {
    // The session file is OpenSSL's encoding: oxissl and openssl s_client read each other's.
    for (version, extra) in [("TLSv1.2", &["-tls1_2"][..]), ("TLSv1.3", &[][..])] {
        let server = Server::start(extra);
        let dir = scratch_dir(&format!("sess-{version}"));
        let ours = dir.join("ours.pem");
        let theirs = dir.join("theirs.pem");
        let (ours, theirs) = (ours.to_str().unwrap(), theirs.to_str().unwrap());
        let root = cert("root.pem");
        let base = ["-connect", &server.addr(), "-CAfile", &root];
        let reused = format!("Reused, {version}, Cipher is ");
        let new = format!("New, {version}, Cipher is ");

        let first = oxissl(&[&base[..], &["-sess_out", ours]].concat(), b"hello\n");
        first.assert_success();
        assert!(first.value(&new).is_some(), "{first:#?}");
        let again = oxissl(&[&base[..], &["-sess_in", ours]].concat(), b"hello\n");
        assert!(again.value(&reused).is_some(), "{again:#?}");
        let by_openssl = openssl(&[&base[..], &["-sess_in", ours]].concat(), b"hello\n");
        assert!(by_openssl.value(&reused).is_some(), "{by_openssl:#?}");

        // -ign_eof: openssl s_client stays until the server closes, so TLS 1.3 tickets arrive.
        openssl(
            &[&base[..], &["-sess_out", theirs, "-ign_eof"]].concat(),
            b"hello\nCLOSE\n",
        );
        let from_openssl = oxissl(&[&base[..], &["-sess_in", theirs]].concat(), b"hello\n");
        assert!(from_openssl.value(&reused).is_some(), "{from_openssl:#?}");
    }
}

#[test]
fn sess_in_with_a_file_that_holds_no_session_fails_clearly() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let out = oxissl(
        &[
            "-connect",
            &server.addr(),
            "-CAfile",
            &root,
            "-sess_in",
            &root,
        ],
        b"",
    );
    assert!(!out.success(), "{out:#?}");
    assert!(out.stderr.contains("Can't open session file"), "{out:#?}");
}

#[test]
fn keymatexport_prints_the_material_as_openssl_does() {
    let server = Server::start(&[]);
    let root = cert("root.pem");
    let connect = server.addr();
    for version in ["-tls1_3", "-tls1_2"] {
        let flags = [
            "-connect",
            &connect,
            "-CAfile",
            &root,
            version,
            "-keymatexport",
            "EXPERIMENTAL oxissl",
            "-keymatexportlen",
            "32",
        ];
        let ours = oxissl(&flags, b"");
        ours.assert_success().assert_line("Verification: OK");
        let theirs = openssl(&flags, b"");
        theirs.assert_success();
        for out in [&ours, &theirs] {
            out.assert_line("Keying material exporter:")
                .assert_line("    Label: 'EXPERIMENTAL oxissl'")
                .assert_line("    Length: 32 bytes");
            let hex = out.value("Keying material:").expect("material printed");
            assert_eq!(hex.len(), 64, "{out:#?}");
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{out:#?}");
        }
    }
}

#[test]
fn keylogfile_holds_the_secrets_the_server_logged() {
    let dir = scratch_dir("keylogfile");
    let (ours, theirs) = (dir.join("client.keys"), dir.join("server.keys"));
    let server = Server::start(&["-keylogfile", theirs.to_str().unwrap()]);
    let root = cert("root.pem");
    let out = oxissl(
        &[
            "-connect",
            &server.addr(),
            "-CAfile",
            &root,
            "-keylogfile",
            ours.to_str().unwrap(),
        ],
        b"",
    );
    assert_session_ok(&out);
    let secrets = |path: &Path| {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut lines: Vec<String> = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(str::to_owned)
            .collect();
        lines.sort();
        lines
    };
    let ours = secrets(&ours);
    assert_eq!(ours.len(), 5, "{ours:#?}");
    // The server logs the client's traffic secret once it has taken the client's Finished.
    let deadline = Instant::now() + DEADLINE;
    while secrets(&theirs).len() < ours.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(server);
    assert_eq!(ours, secrets(&theirs));
}

// ---------------------------------------------------------------------------------------------
// -cert, -key, -certform, -keyform, -cert_chain
// ---------------------------------------------------------------------------------------------

/// An `s_server -rev` that requires a client certificate issued by the client CA.
fn client_auth_server() -> Server {
    let ca = cert("client-ca.pem");
    Server::start(&["-Verify", "1", "-verify_return_error", "-CAfile", &ca])
}

/// A DER copy of a PEM certificate or key in `dir`, made by `openssl x509` / `openssl pkey`.
fn der_copy(dir: &Path, tool: &str, name: &str) -> String {
    let out = dir.join(format!("{name}.der"));
    let status = Command::new("openssl")
        .args([tool, "-in", &cert(name), "-outform", "DER", "-out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(status.success(), "openssl {tool} -outform DER {name}");
    out.display().to_string()
}

#[test]
fn cert_and_key_answer_a_server_that_requires_a_client_certificate() {
    let server = client_auth_server();
    let addr = server.addr();
    let root = cert("root.pem");
    let dir = scratch_dir("client-cert");
    let cert_der = der_copy(&dir, "x509", "client-ecdsa.pem");
    let key_der = der_copy(&dir, "pkey", "client-ecdsa.key");
    let (ecdsa, ecdsa_key) = (cert("client-ecdsa.pem"), cert("client-ecdsa.key"));
    let (rsa, rsa_key) = (cert("client-rsa.pem"), cert("client-rsa.pkcs1.key"));
    let (sec1, ca) = (cert("client-ecdsa.sec1.key"), cert("client-ca.pem"));
    let ways: [&[&str]; 4] = [
        &["-cert", &ecdsa, "-key", &ecdsa_key],
        &[
            "-cert",
            &cert_der,
            "-certform",
            "DER",
            "-key",
            &key_der,
            "-keyform",
            "der",
        ],
        &["-cert", &rsa, "-key", &rsa_key, "-cert_chain", &ca],
        &["-cert", &ecdsa, "-key", &sec1],
    ];
    for version in ["-tls1_3", "-tls1_2"] {
        for way in ways {
            let mut args = vec!["-connect", &addr, "-CAfile", &root, "-verify_return_error"];
            args.push(version);
            args.extend_from_slice(way);
            // The server echoes the line reversed only once it accepted the certificate.
            let out = oxissl(&args, b"client cert\n");
            out.assert_success();
            assert!(
                out.stdout.contains("trec tneilc"),
                "{version} {way:?}: {out:#?}"
            );
        }
    }
}

#[test]
fn without_cert_the_server_refuses_as_it_refuses_openssl_s_client() {
    let server = client_auth_server();
    let addr = server.addr();
    let root = cert("root.pem");
    // TLS 1.2: the server's handshake_failure alert ends the handshake. TLS 1.3: the handshake
    // completes on the client's side and the certificate_required alert comes with the first
    // read (-quiet keeps reading after stdin ends).
    for (version, reason) in [
        ("-tls1_2", "sslv3 alert handshake failure"),
        ("-tls1_3", "tlsv13 alert certificate required"),
    ] {
        let args = ["-connect", &addr, "-CAfile", &root, "-quiet", version];
        for out in [openssl(&args, b"x\n"), oxissl(&args, b"x\n")] {
            out.assert_failure();
            assert!(
                out.stderr.lines().any(|l| l.contains(reason)),
                "{version}: no {reason:?} error: {out:#?}"
            );
            assert!(!out.stdout.contains('x'), "{out:#?}");
        }
    }
}

#[test]
fn client_certificate_errors_are_clear() {
    let addr = "127.0.0.1:9";
    let (ecdsa, other_key) = (cert("client-ecdsa.pem"), cert("ecdsa.key"));
    let missing = cert("root.pem").replace("root.pem", "no-such-file.pem");
    for (args, line) in [
        (
            vec!["-cert", ecdsa.as_str(), "-key", other_key.as_str()],
            "error setting private key".to_string(),
        ),
        (
            vec!["-cert", ecdsa.as_str()],
            format!("Could not read client certificate private key from {ecdsa}"),
        ),
        (
            vec!["-cert", missing.as_str()],
            format!("Unable to load client certificate from {missing}"),
        ),
    ] {
        let mut all = vec!["-connect", addr];
        all.extend(args);
        let out = oxissl(&all, b"");
        out.assert_failure().assert_line(&line);
    }
    let out = oxissl(
        &["-connect", addr, "-cert", &ecdsa, "-certform", "P12"],
        b"",
    );
    out.assert_failure();
    assert!(out.stderr.contains("PEM or DER"), "{out:#?}");
}

// ---------------------------------------------------------------------------------------------
// -status (OCSP stapling)
// ---------------------------------------------------------------------------------------------

/// A "good" OCSP response for the ECDSA leaf, by `testdata/certs/ocsp-response.sh`.
fn ocsp_response() -> PathBuf {
    let dir = scratch_dir("ocsp");
    let script = certs_dir().join("ocsp-response.sh");
    let out = Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("resp.der")
}

#[test]
fn status_prints_the_stapled_ocsp_response() {
    let file = ocsp_response();
    let size = std::fs::metadata(&file).unwrap().len();
    let root = cert("root.pem");
    for version in ["-tls1_3", "-tls1_2"] {
        let server = Server::start(&[version, "-status_file", file.to_str().unwrap()]);
        let out = oxissl(
            &["-connect", &server.addr(), "-CAfile", &root, "-status"],
            b"",
        );
        out.assert_success()
            .assert_line(&format!("OCSP response: {size} bytes"))
            .assert_line("    OCSP Response Status: successful (0x0)")
            .assert_line("Verify return code: 0 (ok)");
        // Not asked for: nothing printed, whatever the server could staple.
        let out = oxissl(&["-connect", &server.addr(), "-CAfile", &root], b"");
        out.assert_success()
            .assert_no_line_starting("OCSP response");
    }
    let server = Server::start(&[]);
    oxissl(
        &["-connect", &server.addr(), "-CAfile", &root, "-status"],
        b"",
    )
    .assert_success()
    .assert_line("OCSP response: no response sent");
}

// ---------------------------------------------------------------------------------------------
// -maxfraglen, -record_padding
// ---------------------------------------------------------------------------------------------

#[test]
fn maxfraglen_and_record_padding_reach_the_server() {
    // s_server refuses records longer than an agreed maximum fragment length: a 3000-byte
    // line through -rev goes out cut to 512 and comes back reversed.
    let root = cert("root.pem");
    let line: String = (0..3000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let reversed: String = line.chars().rev().collect();
    for version in ["-tls1_3", "-tls1_2"] {
        let server = Server::start(&[version]);
        let addr = server.addr();
        for flags in [&["-maxfraglen", "512"][..], &["-record_padding", "512"][..]] {
            let mut args = vec!["-connect", &addr, "-CAfile", &root];
            args.extend_from_slice(flags);
            let out = oxissl(&args, format!("{line}\n").as_bytes());
            out.assert_success().assert_line(&reversed);
        }
    }
    let out = oxissl(&["-connect", "127.0.0.1:1", "-maxfraglen", "100"], b"");
    out.assert_failure();
    assert!(out.stderr.contains("512, 1024, 2048 or 4096"), "{out:#?}");
}

#[test]
fn enable_pha_offers_post_handshake_authentication() {
    // -enable_pha puts post_handshake_auth in the ClientHello (RFC 8446 §4.2.6), which
    // s_server -trace shows; without it the extension is absent.
    let root = cert("root.pem");
    for (flags, offered) in [(&["-enable_pha"][..], true), (&[][..], false)] {
        let server = Server::start(&["-tls1_3", "-trace"]);
        let addr = server.addr();
        let mut args = vec!["-connect", &addr, "-CAfile", &root];
        args.extend_from_slice(flags);
        oxissl(&args, b"").assert_success();
        // The ClientHello is traced before the server's reply: once the handshake is over
        // its extensions have been printed.
        assert!(server.printed("extension_type=supported_versions"));
        let seen = server.printed("extension_type=post_handshake_auth(49)");
        assert_eq!(seen, offered, "{flags:?}");
    }
}

#[test]
fn what_the_server_asked_for_is_printed_as_openssl_prints_it() {
    // A server asking for a certificate: its CA names, TLS 1.2 certificate types and
    // signature algorithms, and the server's own signature, in openssl s_client's lines. The
    // shared list is this client's (only what it signs with), so it is checked apart.
    let client_ca = cert("client-ca.pem");
    let root = cert("root.pem");
    let (client, key) = (cert("client-ecdsa.pem"), cert("client-ecdsa.key"));
    const SAME: [&str; 6] = [
        "Acceptable client certificate CA names",
        "CN = ",
        "Client Certificate Types",
        "Requested Signature Algorithms",
        "Peer signing digest",
        "Peer signature type",
    ];
    for version in ["-tls1_3", "-tls1_2"] {
        let server = Server::start(&["-Verify", "1", "-CAfile", &client_ca]);
        let addr = server.addr();
        let args = [
            "-connect", &addr, "-CAfile", &root, "-cert", &client, "-key", &key, version,
        ];
        let pick = |out: &Outcome| -> Vec<String> {
            out.lines()
                .filter(|l| SAME.iter().any(|p| l.starts_with(p)))
                .map(str::to_owned)
                .collect()
        };
        let ours = oxissl(&args, b"");
        ours.assert_success();
        let theirs = openssl(&args, b"");
        assert_eq!(pick(&ours), pick(&theirs), "{version}");
        assert!(pick(&ours).len() >= 5, "{ours:#?}");
        ours.assert_line(
            "Shared Requested Signature Algorithms: ECDSA+SHA256:ECDSA+SHA384:ed25519:\
             RSA-PSS+SHA256:RSA-PSS+SHA384:RSA-PSS+SHA512:RSA+SHA256:RSA+SHA384:RSA+SHA512",
        );
    }
    // No request: no CA names, no request lines.
    let server = Server::start(&[]);
    let addr = server.addr();
    let out = oxissl(&["-connect", &addr, "-CAfile", &root], b"");
    out.assert_success()
        .assert_line("No client certificate CA names sent")
        .assert_no_line_starting("Requested Signature Algorithms");
}
