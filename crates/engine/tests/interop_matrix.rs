//! The interoperability matrix: the client against `openssl s_server`, `gnutls-serv` and a
//! rustls server (in process, over TCP) for every version x cipher suite x group x certificate
//! each of them supports. Each cell restricts the client to its version, suite and group, does a
//! handshake verified against the test root and a 1 MiB echo round trip, and checks what was
//! negotiated. One server runs per (server, certificate, version); the cells loop over it.
//!
//! Then the cells that must fail: servers limited to suites or versions this client refuses, a
//! server without the extended master secret, and the RFC 8446 §4.1.3 downgrade sentinel (a
//! relay strips TLS 1.3 from the ClientHello on its way to a TLS 1.3-capable server).
//!
//! With `OXISSL_MATRIX_OUT=FILE` the results are written to FILE as Markdown
//! (`scripts/interop-matrix.sh`).

mod common;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::{cert, free_port, reversed_lines, text_lines, verifying_config, Server};
use oxissl_engine::provider::{
    tls12_suite, tls13_suite, TLS12_ECDHE_ECDSA_AES_128_GCM, TLS12_ECDHE_ECDSA_AES_256_GCM,
    TLS12_ECDHE_ECDSA_CHACHA20, TLS12_ECDHE_RSA_AES_128_GCM, TLS12_ECDHE_RSA_AES_256_GCM,
    TLS12_ECDHE_RSA_CHACHA20, TLS13_AES_128_GCM_SHA256, TLS13_AES_256_GCM_SHA384,
    TLS13_CHACHA20_POLY1305_SHA256,
};
use oxissl_engine::wire::enums::ContentType;
use oxissl_engine::{
    AlertDescription, CipherSuite, ClientConfig, ClientConnection, Error, MessageObserver,
    NamedGroup, PeerIncompatible, PeerMisbehaved, ProtocolVersion, ReadStatus, SignatureScheme,
};
use rustls::crypto::aws_lc_rs::{self as provider, kx_group};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Bound on every socket read and write, so a silent peer fails the cell instead of hanging.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// The echo round trip of every cell.
const ECHO_LEN: usize = 1 << 20;

const GROUPS: [NamedGroup; 3] = [
    NamedGroup::X25519,
    NamedGroup::SECP256R1,
    NamedGroup::SECP384R1,
];

// ---------------------------------------------------------------------------------------------
// The dimensions of the matrix.

/// The three server implementations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Impl {
    OpenSsl,
    GnuTls,
    Rustls,
}

impl Impl {
    const ALL: [Impl; 3] = [Impl::OpenSsl, Impl::GnuTls, Impl::Rustls];

    fn label(self) -> &'static str {
        match self {
            Impl::OpenSsl => "openssl s_server",
            Impl::GnuTls => "gnutls-serv",
            Impl::Rustls => "rustls",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa4096,
    Ed25519,
}

/// A leaf under the test intermediate: `file.pem`, `file.chain.pem`, `file.key`.
#[derive(Debug, Clone, Copy)]
struct Cert {
    file: &'static str,
    label: &'static str,
    kind: KeyKind,
}

const CERTS: [Cert; 5] = [
    Cert {
        file: "ecdsa",
        label: "ECDSA P-256",
        kind: KeyKind::EcdsaP256,
    },
    Cert {
        file: "ecdsa384",
        label: "ECDSA P-384",
        kind: KeyKind::EcdsaP384,
    },
    Cert {
        file: "rsa",
        label: "RSA-2048",
        kind: KeyKind::Rsa2048,
    },
    Cert {
        file: "rsa4096",
        label: "RSA-4096",
        kind: KeyKind::Rsa4096,
    },
    Cert {
        file: "ed25519",
        label: "Ed25519",
        kind: KeyKind::Ed25519,
    },
];

impl Cert {
    fn is_rsa(self) -> bool {
        matches!(self.kind, KeyKind::Rsa2048 | KeyKind::Rsa4096)
    }

    /// Whether the server's signature scheme fits this key (exactly, for TLS 1.3, where ECDSA
    /// schemes name the curve).
    fn scheme_fits(self, version: Version, scheme: SignatureScheme) -> bool {
        use SignatureScheme as S;
        match self.kind {
            KeyKind::Rsa2048 | KeyKind::Rsa4096 => match version {
                Version::Tls13 => matches!(
                    scheme,
                    S::RSA_PSS_RSAE_SHA256 | S::RSA_PSS_RSAE_SHA384 | S::RSA_PSS_RSAE_SHA512
                ),
                Version::Tls12 => matches!(
                    scheme,
                    S::RSA_PSS_RSAE_SHA256
                        | S::RSA_PSS_RSAE_SHA384
                        | S::RSA_PSS_RSAE_SHA512
                        | S::RSA_PKCS1_SHA256
                        | S::RSA_PKCS1_SHA384
                        | S::RSA_PKCS1_SHA512
                ),
            },
            KeyKind::Ed25519 => scheme == S::ED25519,
            KeyKind::EcdsaP256 if version == Version::Tls13 => scheme == S::ECDSA_SECP256R1_SHA256,
            KeyKind::EcdsaP384 if version == Version::Tls13 => scheme == S::ECDSA_SECP384R1_SHA384,
            KeyKind::EcdsaP256 | KeyKind::EcdsaP384 => {
                matches!(
                    scheme,
                    S::ECDSA_SECP256R1_SHA256 | S::ECDSA_SECP384R1_SHA384
                )
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    Tls12,
    Tls13,
}

impl Version {
    fn label(self) -> &'static str {
        match self {
            Version::Tls12 => "TLS 1.2",
            Version::Tls13 => "TLS 1.3",
        }
    }

    fn wire(self) -> ProtocolVersion {
        match self {
            Version::Tls12 => ProtocolVersion::TLS12,
            Version::Tls13 => ProtocolVersion::TLS13,
        }
    }
}

/// The suites of a (version, certificate) pair: all three for TLS 1.3, the ECDHE suites whose
/// authentication fits the key for TLS 1.2.
fn suites(version: Version, cert: Cert) -> Vec<CipherSuite> {
    match version {
        Version::Tls13 => [
            TLS13_AES_128_GCM_SHA256,
            TLS13_AES_256_GCM_SHA384,
            TLS13_CHACHA20_POLY1305_SHA256,
        ]
        .iter()
        .map(|s| s.suite)
        .collect(),
        Version::Tls12 if cert.is_rsa() => [
            TLS12_ECDHE_RSA_AES_128_GCM,
            TLS12_ECDHE_RSA_AES_256_GCM,
            TLS12_ECDHE_RSA_CHACHA20,
        ]
        .iter()
        .map(|s| s.suite)
        .collect(),
        Version::Tls12 => [
            TLS12_ECDHE_ECDSA_AES_128_GCM,
            TLS12_ECDHE_ECDSA_AES_256_GCM,
            TLS12_ECDHE_ECDSA_CHACHA20,
        ]
        .iter()
        .map(|s| s.suite)
        .collect(),
    }
}

/// A client that can only negotiate `version`, `suite` and `group`.
///
/// `also_offer` is added to supported_groups after `group` when a TLS 1.2 server needs it for
/// its certificate: in TLS 1.2 the client's supported_groups also bounds the curve of the
/// server's ECDSA key (RFC 8422 §5.3), which OpenSSL enforces. The client's order then makes the
/// server pick `group` for ECDHE, and the negotiated group is checked.
fn cell_config(
    version: Version,
    suite: CipherSuite,
    group: NamedGroup,
    also_offer: Option<NamedGroup>,
) -> ClientConfig {
    let mut config = verifying_config();
    config.groups = vec![group];
    config.groups.extend(also_offer.filter(|g| *g != group));
    match version {
        Version::Tls13 => {
            config.enable_tls12 = false;
            config.tls13_suites = vec![tls13_suite(suite).expect("a TLS 1.3 suite")];
        }
        Version::Tls12 => {
            config.enable_tls13 = false;
            config.tls12_suites = vec![tls12_suite(suite).expect("a TLS 1.2 suite")];
        }
    }
    config
}

/// The group a TLS 1.2 client must also offer for `imp` to use `cert` (see `cell_config`):
/// only OpenSSL checks the certificate's curve against the client's groups; the others would
/// pick that extra group for ECDHE, so it is not offered to them.
fn cert_curve_needed(imp: Impl, cert: Cert, version: Version) -> Option<NamedGroup> {
    if imp != Impl::OpenSsl || version != Version::Tls12 {
        return None;
    }
    match cert.kind {
        KeyKind::EcdsaP256 => Some(NamedGroup::SECP256R1),
        KeyKind::EcdsaP384 => Some(NamedGroup::SECP384R1),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Servers.

/// How a server answers the echo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Echo {
    /// `s_server -rev`: each line reversed.
    ReversedLines,
    /// The bytes as sent.
    Same,
}

/// A running server of any kind, stopped when dropped.
struct Endpoint {
    port: u16,
    echo: Echo,
    guard: Guard,
}

enum Guard {
    Process(ServerProcess),
    /// Held for its `Drop`.
    #[allow(dead_code)]
    Thread(RustlsServer),
}

/// A server process with its output drained (so it never blocks on a full pipe) into a log kept
/// for failure reports.
struct ServerProcess {
    server: Server,
    log: Arc<Mutex<Vec<u8>>>,
}

impl ServerProcess {
    fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap();
        let from = log.len().saturating_sub(600);
        String::from_utf8_lossy(&log[from..]).into_owned()
    }
}

/// Starts `program args` (with `{port}` replaced by a free port) and waits, bounded, until it
/// listens. Retries on a fresh port if the process exits first (another test took the port).
fn spawn_server(
    program: &str,
    args: &[String],
    env: &[(&str, String)],
    echo: Echo,
) -> Result<Endpoint, String> {
    let mut last = String::new();
    for _ in 0..3 {
        let port = free_port();
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("{port}", &port.to_string()))
            .collect();
        let mut child = Command::new(program)
            .args(&args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{program} does not start: {e}"))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        for out in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            std::thread::spawn(move || drain(out, &log));
        }
        let mut proc = ServerProcess {
            server: Server { child, port },
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut exited = false;
        while Instant::now() < deadline {
            if common::child_listens(&proc.server.child, port) {
                return Ok(Endpoint {
                    port,
                    echo,
                    guard: Guard::Process(proc),
                });
            }
            if !matches!(proc.server.child.try_wait(), Ok(None)) {
                exited = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        last = format!(
            "{program} {} did not listen ({}): {}",
            args.join(" "),
            if exited { "exited" } else { "timeout" },
            proc.log_tail()
        );
        if !exited {
            break;
        }
    }
    Err(last)
}

/// Copies a child's output into `log`, keeping the last 64 KiB.
fn drain(mut out: Box<dyn Read + Send>, log: &Mutex<Vec<u8>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = out.read(&mut buf) {
        if n == 0 {
            break;
        }
        let mut log = log.lock().unwrap();
        log.extend_from_slice(&buf[..n]);
        if log.len() > 65536 {
            let cut = log.len() - 32768;
            log.drain(..cut);
        }
    }
}

fn version_flag(version: Version) -> &'static str {
    match version {
        Version::Tls12 => "-tls1_2",
        Version::Tls13 => "-tls1_3",
    }
}

/// `openssl s_server -rev` serving `cert` with the test intermediate, plus `extra`.
fn openssl(cert_file: &str, extra: &[&str], env: &[(&str, String)]) -> Result<Endpoint, String> {
    let mut args: Vec<String> = [
        "s_server",
        "-accept",
        "127.0.0.1:{port}",
        "-quiet",
        "-rev",
        "-cert",
        &cert(&format!("{cert_file}.pem")),
        "-key",
        &cert(&format!("{cert_file}.key")),
        "-cert_chain",
        &cert("inter.pem"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    spawn_server("openssl", &args, env, Echo::ReversedLines)
}

/// `gnutls-serv --echo` serving `cert` (leaf + intermediate) with `priority`.
fn gnutls(cert_file: &str, priority: &str) -> Result<Endpoint, String> {
    let args = [
        "--port={port}".to_owned(),
        "--echo".to_owned(),
        "--quiet".to_owned(),
        format!("--x509certfile={}", cert(&format!("{cert_file}.chain.pem"))),
        format!("--x509keyfile={}", cert(&format!("{cert_file}.key"))),
        format!("--priority={priority}"),
    ];
    spawn_server("gnutls-serv", &args, &[], Echo::Same)
}

fn gnutls_priority(version: Version) -> &'static str {
    match version {
        Version::Tls12 => "NORMAL:-VERS-ALL:+VERS-TLS1.2",
        Version::Tls13 => "NORMAL:-VERS-ALL:+VERS-TLS1.3",
    }
}

/// A rustls (aws-lc-rs) echo server on a thread, serving one connection at a time.
struct RustlsServer {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for RustlsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept.
        let _ = TcpStream::connect_timeout(&([127, 0, 0, 1], self.port).into(), IO_TIMEOUT);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn rustls(
    cert_file: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<Endpoint, String> {
    let mut p = provider::default_provider();
    p.kx_groups = vec![kx_group::X25519, kx_group::SECP256R1, kx_group::SECP384R1];
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(cert(&format!("{cert_file}.chain.pem")))
            .map_err(|e| e.to_string())?
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::from_pem_file(cert(&format!("{cert_file}.key")))
        .map_err(|e| e.to_string())?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(p))
        .with_protocol_versions(versions)
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())?;
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        for sock in listener.incoming() {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            let Ok(sock) = sock else { continue };
            rustls_echo(config.clone(), sock);
        }
    });
    Ok(Endpoint {
        port,
        echo: Echo::Same,
        guard: Guard::Thread(RustlsServer {
            port,
            stop,
            thread: Some(thread),
        }),
    })
}

/// Echoes one connection until close_notify, EOF or an error.
fn rustls_echo(config: Arc<rustls::ServerConfig>, mut sock: TcpStream) {
    let _ = sock.set_read_timeout(Some(IO_TIMEOUT));
    let _ = sock.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(mut conn) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::Stream::new(&mut conn, &mut sock);
    let mut buf = vec![0u8; 65536];
    loop {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if tls.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    conn.send_close_notify();
    let _ = conn.complete_io(&mut sock);
}

const RUSTLS_TLS12: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
const RUSTLS_TLS13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

/// The server of one matrix row group.
fn start(imp: Impl, cert: Cert, version: Version) -> Result<Endpoint, String> {
    match imp {
        Impl::OpenSsl => openssl(cert.file, &[version_flag(version)], &[]),
        Impl::GnuTls => gnutls(cert.file, gnutls_priority(version)),
        Impl::Rustls => rustls(
            cert.file,
            match version {
                Version::Tls12 => RUSTLS_TLS12,
                Version::Tls13 => RUSTLS_TLS13,
            },
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// The client side.

/// Sees the ServerHello, to read its random.
#[derive(Default)]
struct HelloWatcher {
    server_random: Mutex<Option<[u8; 32]>>,
}

impl MessageObserver for HelloWatcher {
    fn message(&self, sent: bool, typ: ContentType, data: &[u8]) {
        // ServerHello: type 2, 3-byte length, legacy_version, random.
        if !sent && typ == ContentType::HANDSHAKE && data.first() == Some(&2) && data.len() >= 38 {
            let mut random = [0u8; 32];
            random.copy_from_slice(&data[6..38]);
            *self.server_random.lock().unwrap() = Some(random);
        }
    }
}

/// Connects and runs the handshake. On failure, the engine's error (its alert is sent first).
fn handshake(config: ClientConfig, port: u16) -> Result<(ClientConnection, TcpStream), Error> {
    let mut sock = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), IO_TIMEOUT)
        .map_err(|_| Error::Internal("connect"))?;
    sock.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let _ = sock.set_nodelay(true);
    let mut conn = ClientConnection::new(Arc::new(config), "localhost")?;
    common::handshake(&mut conn, &mut sock)?;
    sock.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    Ok((conn, sock))
}

/// Sends `data` (from another thread, so neither side blocks on full socket buffers) while
/// reading what comes back, then checks it against what the server's echo makes of `data`.
fn echo(
    conn: &mut ClientConnection,
    sock: &mut TcpStream,
    data: &[u8],
    mode: Echo,
) -> Result<(), String> {
    let want = match mode {
        Echo::ReversedLines => reversed_lines(data),
        Echo::Same => data.to_vec(),
    };
    conn.write(data).map_err(|e| format!("write: {e}"))?;
    let wire = conn.pending_tls().to_vec();
    conn.consume_tls(wire.len());
    let mut tx = sock.try_clone().map_err(|e| e.to_string())?;
    let writer = std::thread::spawn(move || tx.write_all(&wire));
    let mut back = Vec::with_capacity(want.len());
    let mut buf = vec![0u8; 32768];
    let read = loop {
        if back.len() >= want.len() {
            break Ok(());
        }
        match conn.read(&mut buf) {
            Ok(ReadStatus::Data(n)) => back.extend_from_slice(&buf[..n]),
            Ok(ReadStatus::Closed) => break Err("close_notify before the echo was back".into()),
            Ok(ReadStatus::WantRead) => {
                let space = conn.recv_buffer();
                match sock.read(space) {
                    Ok(0) => break Err("EOF before the echo was back".to_owned()),
                    Ok(n) => conn.commit_received(n),
                    Err(e) => break Err(format!("socket read: {e}")),
                }
            }
            Err(e) => break Err(format!("read: {e}")),
        }
    };
    let written = writer.join().unwrap();
    read.map_err(|e| format!("{e} ({} of {} bytes)", back.len(), want.len()))?;
    written.map_err(|e| format!("socket write: {e}"))?;
    if back != want {
        let at = back.iter().zip(&want).take_while(|(a, b)| a == b).count();
        return Err(format!("echo differs from byte {at}"));
    }
    // Anything the engine queued meanwhile (none expected), then close_notify.
    conn.send_close_notify();
    common::flush(conn, sock).map_err(|e| format!("socket write: {e}"))?;
    Ok(())
}

/// What a passing cell saw.
#[derive(Debug, Clone)]
struct Passed {
    scheme: SignatureScheme,
    elapsed: Duration,
}

/// One cell: handshake restricted to (version, suite, group), checks, 1 MiB echo.
fn run_cell(
    ep: &Endpoint,
    imp: Impl,
    cert: Cert,
    version: Version,
    suite: CipherSuite,
    group: NamedGroup,
    data: &[u8],
) -> Result<Passed, String> {
    let t0 = Instant::now();
    let config = cell_config(version, suite, group, cert_curve_needed(imp, cert, version));
    let (mut conn, mut sock) = handshake(config, ep.port).map_err(|e| format!("handshake: {e}"))?;
    let n = conn.negotiated();
    let got = (n.version, n.cipher_suite, n.group);
    let want = (Some(version.wire()), Some(suite), Some(group));
    if got != want {
        return Err(format!("negotiated {got:?}, want {want:?}"));
    }
    if conn.verify_result() != Some(&Ok(())) {
        return Err(format!("verify_result {:?}", conn.verify_result()));
    }
    let scheme = n.signature_scheme.ok_or("no signature scheme")?;
    if !cert.scheme_fits(version, scheme) {
        return Err(format!("signature scheme {scheme:?} for {}", cert.label));
    }
    echo(&mut conn, &mut sock, data, ep.echo)?;
    Ok(Passed {
        scheme,
        elapsed: t0.elapsed(),
    })
}

// ---------------------------------------------------------------------------------------------
// The matrix.

struct CellResult {
    server: Impl,
    version: Version,
    cert: Cert,
    suite: CipherSuite,
    group: NamedGroup,
    outcome: Result<Passed, String>,
}

/// Every cell one server supports, one server instance per (certificate, version).
fn run_server_cells(imp: Impl) -> Vec<CellResult> {
    let data = text_lines(ECHO_LEN / 8192, 8192, imp as u32 + 1);
    let mut out = Vec::new();
    for version in [Version::Tls13, Version::Tls12] {
        for cert in CERTS {
            let server = start(imp, cert, version);
            for suite in suites(version, cert) {
                for group in GROUPS {
                    let outcome =
                        match &server {
                            Ok(ep) => run_cell(ep, imp, cert, version, suite, group, &data)
                                .map_err(|e| match &ep.guard {
                                    Guard::Process(p) => {
                                        format!("{e}; server said: {}", p.log_tail())
                                    }
                                    Guard::Thread(_) => e,
                                }),
                            Err(e) => Err(format!("server: {e}")),
                        };
                    out.push(CellResult {
                        server: imp,
                        version,
                        cert,
                        suite,
                        group,
                        outcome,
                    });
                }
            }
        }
    }
    out
}

#[test]
fn matrix() {
    let t0 = Instant::now();
    let results: Vec<CellResult> = std::thread::scope(|s| {
        let runs: Vec<_> = Impl::ALL
            .map(|imp| s.spawn(move || run_server_cells(imp)))
            .into_iter()
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    let failures: Vec<String> = results
        .iter()
        .filter_map(|r| {
            let e = r.outcome.as_ref().err()?;
            Some(format!(
                "{} {} {} {:?} {:?}: {e}",
                r.server.label(),
                r.version.label(),
                r.cert.label,
                r.suite,
                r.group
            ))
        })
        .collect();
    let slowest = results
        .iter()
        .filter_map(|r| Some((r.outcome.as_ref().ok()?.elapsed, r)))
        .max_by_key(|(d, _)| *d);
    println!(
        "{} cells, {} pass, in {:.1?}",
        results.len(),
        results.len() - failures.len(),
        t0.elapsed()
    );
    if let Some((d, r)) = slowest {
        println!(
            "slowest cell: {d:.0?} ({} {} {} {:?} {:?})",
            r.server.label(),
            r.version.label(),
            r.cert.label,
            r.suite,
            r.group
        );
    }
    if let Ok(path) = std::env::var("OXISSL_MATRIX_OUT") {
        let cases = all_cases();
        let negative = run_cases(&cases);
        let path = PathBuf::from(path);
        let path = if path.is_relative() {
            // Relative to the repository root, as the script is run from there.
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(path)
        } else {
            path
        };
        std::fs::write(&path, markdown(&results, &negative)).unwrap();
        println!("wrote {}", path.canonicalize().unwrap_or(path).display());
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// A relay that rewrites the ClientHello on its way to the server.

/// Changes made to the ClientHello's supported_versions and cipher_suites.
#[derive(Debug, Clone, Copy, Default)]
struct Rewrite {
    drop_versions: &'static [u16],
    add_versions: &'static [u16],
    add_suites: &'static [u16],
}

/// Removes TLS 1.3 from supported_versions.
const STRIP_TLS13: Rewrite = Rewrite {
    drop_versions: &[0x0304],
    add_versions: &[],
    add_suites: &[],
};

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }

    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.take(1)?[0];
        self.take(n.into())
    }

    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(n.into())
    }
}

fn put_vec16(out: &mut Vec<u8>, body: &[u8]) {
    out.extend_from_slice(&(body.len() as u16).to_be_bytes());
    out.extend_from_slice(body);
}

/// Applies `rw` to a ClientHello handshake message (header included); `None` if it does not
/// parse as one.
fn rewrite_client_hello(msg: &[u8], rw: Rewrite) -> Option<Vec<u8>> {
    let mut c = Cursor(msg);
    let header = c.take(4)?;
    let len = usize::from(header[1]) << 16 | usize::from(header[2]) << 8 | usize::from(header[3]);
    if header[0] != 1 || len != c.0.len() {
        return None;
    }
    let mut body = Vec::with_capacity(msg.len() + 16);
    body.extend_from_slice(c.take(2 + 32)?);
    let sid = c.vec8()?;
    body.push(sid.len() as u8);
    body.extend_from_slice(sid);
    let mut suites = c.vec16()?.to_vec();
    for s in rw.add_suites {
        suites.extend_from_slice(&s.to_be_bytes());
    }
    put_vec16(&mut body, &suites);
    let comp = c.vec8()?;
    body.push(comp.len() as u8);
    body.extend_from_slice(comp);
    let mut exts = c.vec16()?;
    let mut new_exts = Vec::new();
    while !exts.is_empty() {
        let mut e = Cursor(exts);
        let typ = e.u16()?;
        let mut data = e.vec16()?.to_vec();
        exts = e.0;
        // supported_versions (RFC 8446 §4.2.1): a vector<u8> of u16 versions.
        if typ == 43 {
            let list = Cursor(&data).vec8()?;
            let mut versions: Vec<u16> = list
                .chunks_exact(2)
                .map(|v| u16::from_be_bytes([v[0], v[1]]))
                .filter(|v| !rw.drop_versions.contains(v))
                .collect();
            versions.extend(rw.add_versions);
            data = vec![(versions.len() * 2) as u8];
            versions
                .iter()
                .for_each(|v| data.extend_from_slice(&v.to_be_bytes()));
        }
        new_exts.extend_from_slice(&typ.to_be_bytes());
        put_vec16(&mut new_exts, &data);
    }
    put_vec16(&mut body, &new_exts);
    let mut out = vec![1];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(&body);
    Some(out)
}

/// Relays one connection from a local port to `upstream`, rewriting the first record (the
/// ClientHello) with `rw`. Every socket has timeouts, so the threads end on their own.
fn relay(upstream: u16, rw: Rewrite) -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(10);
        let client = loop {
            match listener.accept() {
                Ok((s, _)) => break s,
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => return,
            }
        };
        let _ = relay_connection(client, upstream, rw);
    });
    Ok(port)
}

fn relay_connection(mut client: TcpStream, upstream: u16, rw: Rewrite) -> std::io::Result<()> {
    client.set_nonblocking(false)?;
    let mut server = TcpStream::connect(("127.0.0.1", upstream))?;
    for s in [&client, &server] {
        s.set_read_timeout(Some(IO_TIMEOUT))?;
        s.set_write_timeout(Some(IO_TIMEOUT))?;
    }
    let mut header = [0u8; 5];
    client.read_exact(&mut header)?;
    let mut body = vec![0u8; usize::from(u16::from_be_bytes([header[3], header[4]]))];
    client.read_exact(&mut body)?;
    if let Some(hello) = rewrite_client_hello(&body, rw) {
        body = hello;
    }
    let mut record = header[..3].to_vec();
    put_vec16(&mut record, &body);
    server.write_all(&record)?;
    let (mut c2, mut s2) = (client.try_clone()?, server.try_clone()?);
    let back = std::thread::spawn(move || pipe(&mut s2, &mut c2));
    pipe(&mut client, &mut server);
    let _ = back.join();
    Ok(())
}

/// Copies until EOF or error, then half-closes the destination.
fn pipe(from: &mut TcpStream, to: &mut TcpStream) {
    let mut buf = [0u8; 16384];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

// ---------------------------------------------------------------------------------------------
// Cells that must be refused, and their controls.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Suite,
    Version,
    Ems,
    Downgrade,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Suite => "refused suite",
            Kind::Version => "version",
            Kind::Ems => "extended master secret",
            Kind::Downgrade => "downgrade",
        }
    }
}

/// The server of a case.
#[derive(Debug, Clone, Copy)]
enum Spec {
    /// `openssl s_server` with a certificate and extra arguments.
    OpenSsl(&'static str, &'static [&'static str]),
    /// `openssl s_server` with the extended master secret switched off in its SSL_CTX.
    OpenSslNoEms(&'static str, &'static [&'static str]),
    /// `gnutls-serv` with a certificate and a priority string.
    GnuTls(&'static str, &'static str),
    /// rustls with TLS 1.2, and TLS 1.3 too if the flag is set.
    Rustls(&'static str, bool),
}

impl Spec {
    fn describe(self) -> String {
        match self {
            Spec::OpenSsl(c, []) => format!("openssl s_server, TLS 1.2 and 1.3 ({c})"),
            Spec::OpenSsl(c, args) => format!("openssl s_server `{}` ({c})", args.join(" ")),
            Spec::OpenSslNoEms(c, args) => format!(
                "openssl s_server `{}`, `Options = -ExtendedMasterSecret` ({c})",
                args.join(" ")
            ),
            Spec::GnuTls(c, p) => format!("gnutls-serv `{p}` ({c})"),
            Spec::Rustls(c, true) => format!("rustls, TLS 1.2 and 1.3 ({c})"),
            Spec::Rustls(c, false) => format!("rustls, TLS 1.2 only ({c})"),
        }
    }

    fn start(self) -> Result<Endpoint, String> {
        match self {
            Spec::OpenSsl(c, args) => openssl(c, args, &[]),
            Spec::OpenSslNoEms(c, args) => {
                let conf = no_ems_conf()?;
                let mut args = args.to_vec();
                args.extend(["-ssl_config", "no_ems"]);
                let server = openssl(c, &args, &[("OPENSSL_CONF", conf.clone())]);
                // Read at startup; the server listens by now.
                let _ = std::fs::remove_file(conf);
                server
            }
            Spec::GnuTls(c, p) => gnutls(c, p),
            Spec::Rustls(c, true) => rustls(c, &[&rustls::version::TLS13, &rustls::version::TLS12]),
            Spec::Rustls(c, false) => rustls(c, RUSTLS_TLS12),
        }
    }
}

/// An OpenSSL configuration whose `no_ems` SSL_CTX section turns off the extended master
/// secret (OpenSSL 3.0's `s_server` has no flag for it).
fn no_ems_conf() -> Result<String, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "oxissl-no-ems-{}-{}.cnf",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(
        &path,
        "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nno_ems = no_ems\n\
         [no_ems]\nOptions = -ExtendedMasterSecret\n",
    )
    .map_err(|e| e.to_string())?;
    Ok(path.to_str().unwrap().to_owned())
}

/// How the client is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Client {
    /// The defaults: TLS 1.3 and 1.2, every suite and group, extended master secret required.
    Default,
    /// TLS 1.2 only.
    Tls12Only,
    /// `require_extended_master_secret = false`.
    LegacyEms,
}

impl Client {
    fn describe(self) -> &'static str {
        match self {
            Client::Default => "defaults",
            Client::Tls12Only => "TLS 1.2 only",
            Client::LegacyEms => "`require_extended_master_secret = false`",
        }
    }

    fn config(self) -> ClientConfig {
        let mut config = verifying_config();
        match self {
            Client::Default => {}
            Client::Tls12Only => config.enable_tls13 = false,
            Client::LegacyEms => config.require_extended_master_secret = false,
        }
        config
    }
}

/// What must happen.
#[derive(Debug, Clone)]
enum Expect {
    /// The handshake fails with exactly this error.
    Error(Error),
    /// `PeerIncompatible::Unsupported` whose reason contains the text.
    Unsupported(&'static str),
    /// The handshake completes at this version, with this extended master secret flag (TLS
    /// 1.2), and a 64 KiB echo comes back.
    Accepted(ProtocolVersion, Option<bool>),
}

impl Expect {
    fn describe(&self) -> String {
        match self {
            Expect::Error(e) => format!("`{e:?}`"),
            Expect::Unsupported(s) => format!("`PeerIncompatible(Unsupported(\"…{s}…\"))`"),
            Expect::Accepted(v, ems) => match ems {
                Some(true) => format!("accepted, {v:?} with EMS"),
                Some(false) => format!("accepted, {v:?} without EMS"),
                None => format!("accepted, {v:?}"),
            },
        }
    }
}

struct Case {
    kind: Kind,
    server: Spec,
    rewrite: Option<Rewrite>,
    client: Client,
    expect: Expect,
    /// The last 8 bytes the ServerHello random must carry, when one must arrive.
    sentinel: Option<&'static [u8; 8]>,
    /// What happens, for the report.
    why: &'static str,
}

const TLS12: &[&str] = &["-tls1_2"];
const DOWNGRD_TLS12: &[u8; 8] = b"DOWNGRD\x01";
const DOWNGRD_TLS11: &[u8; 8] = b"DOWNGRD\x00";

/// A case where the default client must fail with `e`.
fn refused(
    kind: Kind,
    server: Spec,
    rewrite: Option<Rewrite>,
    e: Error,
    why: &'static str,
) -> Case {
    Case {
        kind,
        server,
        rewrite,
        client: Client::Default,
        expect: Expect::Error(e),
        sentinel: None,
        why,
    }
}

fn alert(a: AlertDescription) -> Error {
    Error::AlertReceived(a)
}

fn unoffered(code: u16) -> Error {
    PeerMisbehaved::UnofferedCipherSuite(CipherSuite(code)).into()
}

fn add_suite(code: &'static [u16]) -> Option<Rewrite> {
    Some(Rewrite {
        add_suites: code,
        ..Rewrite::default()
    })
}

const NO_SHARED_SUITE: &str = "the server shares no suite with the client and says so";
const PICKS_ADDED_SUITE: &str =
    "the server picks the suite the relay added; the client refuses what it did not offer";

fn all_cases() -> Vec<Case> {
    use AlertDescription as A;
    use Kind::{Downgrade, Ems, Suite, Version as Versions};
    let hf = || alert(A::HANDSHAKE_FAILURE);
    let pv = || alert(A::PROTOCOL_VERSION);
    let tls11 = || PeerIncompatible::UnsupportedVersion(0x0302).into();
    let ossl = Spec::OpenSsl;
    let mut cases = vec![
        // Refused suites: static RSA, DHE, CBC, NULL.
        refused(
            Suite,
            ossl("rsa", &["-tls1_2", "-cipher", "AES128-SHA"]),
            None,
            hf(),
            NO_SHARED_SUITE,
        ),
        refused(
            Suite,
            ossl("rsa", &["-tls1_2", "-cipher", "AES128-SHA"]),
            add_suite(&[0x002f]),
            unoffered(0x002f),
            PICKS_ADDED_SUITE,
        ),
        refused(
            Suite,
            ossl("rsa", &["-tls1_2", "-cipher", "AES256-GCM-SHA384"]),
            add_suite(&[0x009d]),
            unoffered(0x009d),
            PICKS_ADDED_SUITE,
        ),
        refused(
            Suite,
            ossl("rsa", &["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"]),
            None,
            hf(),
            NO_SHARED_SUITE,
        ),
        refused(
            Suite,
            ossl("rsa", &["-tls1_2", "-cipher", "DHE-RSA-AES128-GCM-SHA256"]),
            add_suite(&[0x009e]),
            unoffered(0x009e),
            PICKS_ADDED_SUITE,
        ),
        refused(
            Suite,
            ossl("ecdsa", &["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"]),
            add_suite(&[0xc009]),
            unoffered(0xc009),
            PICKS_ADDED_SUITE,
        ),
        refused(
            Suite,
            ossl("rsa", &["-tls1_2", "-cipher", "NULL-SHA256@SECLEVEL=0"]),
            add_suite(&[0x003b]),
            unoffered(0x003b),
            PICKS_ADDED_SUITE,
        ),
        refused(
            Suite,
            Spec::GnuTls("rsa", GNUTLS_CBC_ONLY),
            None,
            hf(),
            NO_SHARED_SUITE,
        ),
        refused(
            Suite,
            Spec::GnuTls("rsa", GNUTLS_CBC_ONLY),
            add_suite(&[0xc013]),
            unoffered(0xc013),
            PICKS_ADDED_SUITE,
        ),
        // Refused versions.
        refused(
            Versions,
            ossl("rsa", OSSL_TLS11),
            None,
            pv(),
            "supported_versions (1.3, 1.2) has nothing the server speaks",
        ),
        refused(
            Versions,
            ossl("rsa", OSSL_TLS10),
            None,
            pv(),
            "supported_versions (1.3, 1.2) has nothing the server speaks",
        ),
        refused(
            Versions,
            ossl("rsa", OSSL_TLS11),
            Some(OFFER_TLS11),
            tls11(),
            "the server answers TLS 1.1; the client refuses the version",
        ),
        refused(
            Versions,
            ossl("rsa", OSSL_TLS10),
            Some(OFFER_TLS10),
            PeerIncompatible::UnsupportedVersion(0x0301).into(),
            "the server answers TLS 1.0; the client refuses the version",
        ),
        // GnuTLS 3.7 falls back on legacy_version (1.2, so 1.1 for this server) when
        // supported_versions has nothing it speaks, then finds no suite usable in TLS 1.1.
        refused(
            Versions,
            Spec::GnuTls("rsa", GNUTLS_TLS11),
            None,
            hf(),
            "GnuTLS picks TLS 1.1 from legacy_version, then finds no TLS 1.1 suite",
        ),
        refused(
            Versions,
            Spec::GnuTls("rsa", GNUTLS_TLS10),
            None,
            hf(),
            "GnuTLS picks TLS 1.0 from legacy_version, then finds no TLS 1.0 suite",
        ),
        refused(
            Versions,
            Spec::GnuTls("rsa", GNUTLS_TLS11),
            add_suite(&[0xc013]),
            tls11(),
            "GnuTLS answers TLS 1.1 (not in supported_versions); the client refuses the version",
        ),
        refused(
            Versions,
            Spec::GnuTls("rsa", GNUTLS_TLS11),
            Some(OFFER_TLS11),
            tls11(),
            "the server answers TLS 1.1; the client refuses the version",
        ),
    ];
    // Controls: a client offering TLS 1.3 and 1.2 meets TLS 1.2-only servers (no sentinel).
    for server in [
        ossl("ecdsa", TLS12),
        Spec::GnuTls("ecdsa", "NORMAL:-VERS-ALL:+VERS-TLS1.2"),
        Spec::Rustls("ecdsa", false),
    ] {
        cases.push(Case {
            kind: Versions,
            server,
            rewrite: None,
            client: Client::Default,
            expect: Expect::Accepted(ProtocolVersion::TLS12, Some(true)),
            sentinel: None,
            why: "control: a TLS 1.2-only server, no sentinel: TLS 1.2 is accepted",
        });
    }
    // The extended master secret (RFC 7627).
    for server in [
        Spec::OpenSslNoEms("ecdsa", TLS12),
        Spec::GnuTls("ecdsa", "NORMAL:-VERS-ALL:+VERS-TLS1.2:%NO_SESSION_HASH"),
    ] {
        cases.push(Case {
            kind: Ems,
            server,
            rewrite: None,
            client: Client::Default,
            expect: Expect::Unsupported("extended master secret"),
            sentinel: None,
            why: "the ServerHello lacks extended_master_secret",
        });
        cases.push(Case {
            kind: Ems,
            server,
            rewrite: None,
            client: Client::LegacyEms,
            expect: Expect::Accepted(ProtocolVersion::TLS12, Some(false)),
            sentinel: None,
            why: "allowed for legacy peers when configured",
        });
    }
    cases.push(Case {
        kind: Ems,
        server: ossl("ecdsa", TLS12),
        rewrite: None,
        client: Client::LegacyEms,
        expect: Expect::Accepted(ProtocolVersion::TLS12, Some(true)),
        sentinel: None,
        why: "not requiring it still uses it when the server does",
    });
    // Downgrade: TLS 1.3-capable servers that see no TLS 1.3 in the ClientHello answer TLS 1.2
    // with the sentinel; the client offered TLS 1.3, so it refuses.
    for server in [
        ossl("ecdsa", &[]),
        Spec::GnuTls("ecdsa", "NORMAL"),
        Spec::Rustls("ecdsa", true),
    ] {
        cases.push(Case {
            kind: Downgrade,
            server,
            rewrite: Some(STRIP_TLS13),
            client: Client::Default,
            expect: Expect::Error(PeerMisbehaved::DowngradeSentinel.into()),
            sentinel: Some(DOWNGRD_TLS12),
            why: "TLS 1.2 ServerHello whose random ends in `DOWNGRD\\x01`",
        });
    }
    cases.extend([
        Case {
            kind: Downgrade,
            server: ossl("rsa", &["-cipher", "DEFAULT@SECLEVEL=0"]),
            rewrite: Some(ONLY_TLS11),
            client: Client::Default,
            expect: Expect::Error(PeerMisbehaved::DowngradeSentinel.into()),
            sentinel: Some(DOWNGRD_TLS11),
            why: "TLS 1.1 ServerHello whose random ends in `DOWNGRD\\x00`",
        },
        // Controls: the relay alone changes nothing; a client that did not offer TLS 1.3
        // accepts the sentinel.
        Case {
            kind: Downgrade,
            server: ossl("ecdsa", &[]),
            rewrite: Some(Rewrite::default()),
            client: Client::Default,
            expect: Expect::Accepted(ProtocolVersion::TLS13, None),
            sentinel: None,
            why: "control: the relay alone changes nothing",
        },
    ]);
    for server in [
        ossl("ecdsa", &[]),
        Spec::GnuTls("ecdsa", "NORMAL"),
        Spec::Rustls("ecdsa", true),
    ] {
        cases.push(Case {
            kind: Downgrade,
            server,
            rewrite: None,
            client: Client::Tls12Only,
            expect: Expect::Accepted(ProtocolVersion::TLS12, Some(true)),
            sentinel: Some(DOWNGRD_TLS12),
            why: "control: the sentinel is there, but this client did not offer TLS 1.3",
        });
    }
    cases
}

const GNUTLS_CBC_ONLY: &str =
    "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-CBC:+AES-256-CBC:-MAC-ALL:+SHA1:+SHA256";
const GNUTLS_TLS11: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.1";
const GNUTLS_TLS10: &str = "NORMAL:-VERS-ALL:+VERS-TLS1.0";
const OSSL_TLS11: &[&str] = &["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"];
const OSSL_TLS10: &[&str] = &["-tls1", "-cipher", "DEFAULT@SECLEVEL=0"];
/// Adds TLS 1.1 to supported_versions and ECDHE-RSA-AES128-SHA to the suites.
const OFFER_TLS11: Rewrite = Rewrite {
    drop_versions: &[],
    add_versions: &[0x0302],
    add_suites: &[0xc013],
};
/// Adds TLS 1.0 to supported_versions and ECDHE-RSA-AES128-SHA to the suites.
const OFFER_TLS10: Rewrite = Rewrite {
    drop_versions: &[],
    add_versions: &[0x0301],
    add_suites: &[0xc013],
};
/// supported_versions becomes TLS 1.1 alone, and ECDHE-RSA-AES128-SHA is offered.
const ONLY_TLS11: Rewrite = Rewrite {
    drop_versions: &[0x0304, 0x0303],
    add_versions: &[0x0302],
    add_suites: &[0xc013],
};

/// What one case did: `Ok` with a description when it behaved as expected.
struct CaseResult {
    observed: Result<String, String>,
}

fn run_case(case: &Case) -> CaseResult {
    let observed = (|| {
        let ep = case.server.start()?;
        let port = match case.rewrite {
            Some(rw) => relay(ep.port, rw)?,
            None => ep.port,
        };
        let watcher = Arc::new(HelloWatcher::default());
        let mut config = case.client.config();
        config.message_observer = Some(watcher.clone());
        let outcome = handshake(config, port);
        let random = *watcher.server_random.lock().unwrap();
        if let Some(tail) = case.sentinel {
            match random {
                Some(r) if &r[24..] == tail => {}
                other => {
                    return Err(format!(
                        "ServerHello random {other:02x?} does not end in {tail:02x?}"
                    ))
                }
            }
        }
        match (&case.expect, outcome) {
            (Expect::Error(want), Err(got)) if *want == got => Ok(format!("`{got:?}`")),
            (Expect::Unsupported(text), Err(Error::PeerIncompatible(p))) if matches!(&p, PeerIncompatible::Unsupported(r) if r.contains(text)) => {
                Ok(format!("`PeerIncompatible({p:?})`"))
            }
            (Expect::Accepted(version, ems), Ok((mut conn, mut sock))) => {
                let n = conn.negotiated();
                if n.version != Some(*version) {
                    return Err(format!("negotiated {:?}", n.version));
                }
                if ems.is_some_and(|e| e != n.extended_master_secret) {
                    return Err(format!(
                        "extended master secret {}",
                        n.extended_master_secret
                    ));
                }
                let what = format!(
                    "accepted: {:?}, {:?}, EMS {}",
                    version,
                    n.cipher_suite.unwrap(),
                    n.extended_master_secret
                );
                echo(&mut conn, &mut sock, &text_lines(64, 1024, 3), ep.echo)?;
                Ok(what)
            }
            (_, Err(got)) => Err(format!("failed with `{got:?}`")),
            (_, Ok((conn, _))) => Err(format!("connected: {:?}", conn.negotiated())),
        }
    })();
    CaseResult { observed }
}

fn run_cases(cases: &[Case]) -> Vec<(&Case, CaseResult)> {
    cases.iter().map(|c| (c, run_case(c))).collect()
}

fn check_cases(kind: Kind) {
    let cases: Vec<Case> = all_cases().into_iter().filter(|c| c.kind == kind).collect();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for (case, result) in run_cases(&cases) {
        let line = format!(
            "{} via relay {}, client {}: want {}",
            case.server.describe(),
            case.rewrite.map_or("-".into(), describe_rewrite),
            case.client.describe(),
            case.expect.describe()
        );
        match result.observed {
            Ok(what) => println!("ok: {line}: {what}"),
            Err(e) => failures.push(format!("{line}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn refused_suites() {
    check_cases(Kind::Suite);
}

#[test]
fn refused_versions() {
    check_cases(Kind::Version);
}

#[test]
fn extended_master_secret() {
    check_cases(Kind::Ems);
}

#[test]
fn downgrade_sentinel() {
    check_cases(Kind::Downgrade);
}

/// The supported_versions list and the cipher suites of a ClientHello message.
fn versions_and_suites(msg: &[u8]) -> (Vec<u16>, Vec<u16>) {
    let u16s = |b: &[u8]| {
        b.chunks_exact(2)
            .map(|v| u16::from_be_bytes([v[0], v[1]]))
            .collect::<Vec<_>>()
    };
    let mut c = Cursor(&msg[4..]);
    c.take(34).unwrap();
    c.vec8().unwrap();
    let suites = u16s(c.vec16().unwrap());
    c.vec8().unwrap();
    let mut exts = Cursor(c.vec16().unwrap());
    let mut versions = Vec::new();
    while !exts.0.is_empty() {
        let typ = exts.u16().unwrap();
        let body = exts.vec16().unwrap();
        if typ == 43 {
            versions = u16s(Cursor(body).vec8().unwrap());
        }
    }
    (versions, suites)
}

#[test]
fn client_hello_rewrite() {
    // The client's own ClientHello, rewritten and parsed back.
    let conn = ClientConnection::new(Arc::new(verifying_config()), "localhost").unwrap();
    let record = conn.pending_tls().to_vec();
    let msg = &record[5..];
    assert_eq!(rewrite_client_hello(msg, Rewrite::default()).unwrap(), msg);
    let (versions, suites) = versions_and_suites(msg);
    assert_eq!(versions, [0x0304, 0x0303]);
    let rw = rewrite_client_hello(msg, ONLY_TLS11).unwrap();
    let (v2, s2) = versions_and_suites(&rw);
    assert_eq!(v2, [0x0302]);
    assert_eq!(s2[..suites.len()], suites[..]);
    assert_eq!(s2[suites.len()..], [0xc013]);
    let rw = rewrite_client_hello(msg, STRIP_TLS13).unwrap();
    assert_eq!(versions_and_suites(&rw), (vec![0x0303], suites));
    assert_eq!(rw.len(), msg.len() - 2);
}

// ---------------------------------------------------------------------------------------------
// The Markdown report.

fn tool_version(cmd: &str, arg: &str) -> String {
    Command::new(cmd)
        .arg(arg)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_else(|| format!("{cmd} (version unknown)"))
}

/// The first two words ("OpenSSL 3.0.19").
fn short(version: String) -> String {
    version
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn rustls_version() -> String {
    let lock =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.lock"))
            .unwrap_or_default();
    let v = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"rustls\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .unwrap_or("\"?\"")
        .trim_matches('"')
        .to_owned();
    format!("rustls {v} (aws-lc-rs provider, in process)")
}

/// How each server is run, for the report.
fn server_notes(imp: Impl) -> &'static str {
    match imp {
        Impl::OpenSsl => {
            "`openssl s_server -rev -tls1_3` or `-tls1_2`, default suites and groups. In TLS 1.2 \
             the client's supported_groups also bounds the curve of the server's ECDSA key \
             (RFC 8422 §5.3) and OpenSSL enforces it, so for the ECDSA certificates the TLS 1.2 \
             client offers the certificate's curve after the cell's group; OpenSSL follows the \
             client's order for ECDHE, and the negotiated group is checked."
        }
        Impl::GnuTls => {
            "`gnutls-serv --echo --priority NORMAL:-VERS-ALL:+VERS-TLS1.3` (or `TLS1.2`). \
             gnutls-serv asks for a client certificate by default; the client answers without \
             one, in both versions."
        }
        Impl::Rustls => {
            "A rustls `ServerConfig` limited to one version, groups X25519, P-256 and P-384, \
             all its suites, echoing on a thread over TCP."
        }
    }
}

fn markdown(results: &[CellResult], negative: &[(&Case, CaseResult)]) -> String {
    use std::fmt::Write as _;
    let pass = |r: &&&CellResult| r.outcome.is_ok();
    let total = results.len();
    let passed = results.iter().filter(|r| r.outcome.is_ok()).count();
    let mut md = String::new();
    let _ = writeln!(md, "# Interoperability matrix\n");
    let _ = writeln!(
        md,
        "**{passed} of {total} cells pass.** Refusals, downgrade checks and their controls: {} of \
         {} as expected.\n",
        negative.iter().filter(|(_, r)| r.observed.is_ok()).count(),
        negative.len()
    );
    let _ = writeln!(
        md,
        "Generated by `scripts/interop-matrix.sh` from the `interop_matrix` test \
         (`crates/engine/tests/interop_matrix.rs`); do not edit by hand.\n\n\
         Each cell restricts the client to one version, cipher suite and group, connects to a \
         server holding the certificate (leaf + intermediate, verified against the test root \
         for `localhost`), checks the negotiated version, suite and group and that the \
         ServerKeyExchange / CertificateVerify signature scheme fits the key, then sends 1 MiB \
         and checks the echo (`s_server -rev` reverses each line; `gnutls-serv --echo` and the \
         rustls server return it as is). One server runs per (server, certificate, version).\n"
    );
    let _ = writeln!(md, "| Server | Version | Cells | Pass |\n|---|---|---|---|");
    let versions = [
        (Impl::OpenSsl, short(tool_version("openssl", "version"))),
        (Impl::GnuTls, tool_version("gnutls-serv", "--version")),
        (Impl::Rustls, rustls_version()),
    ];
    for (imp, ver) in &versions {
        let cells: Vec<_> = results.iter().filter(|r| r.server == *imp).collect();
        let _ = writeln!(
            md,
            "| {} | {ver} | {} | {} |",
            imp.label(),
            cells.len(),
            cells.iter().filter(pass).count()
        );
    }
    for (imp, ver) in &versions {
        let _ = writeln!(md, "\n## {} ({ver})\n", imp.label());
        let _ = writeln!(md, "{}\n", server_notes(*imp));
        let _ = writeln!(
            md,
            "| Version | Certificate | Cipher suite | Signature | X25519 | P-256 | P-384 |\n\
             |---|---|---|---|---|---|---|"
        );
        let cells: Vec<_> = results.iter().filter(|r| r.server == *imp).collect();
        let mut rows: Vec<(Version, &str, CipherSuite)> = Vec::new();
        for r in &cells {
            let key = (r.version, r.cert.label, r.suite);
            if !rows.contains(&key) {
                rows.push(key);
            }
        }
        for (version, cert, suite) in rows {
            let row: Vec<_> = cells
                .iter()
                .filter(|r| r.version == version && r.cert.label == cert && r.suite == suite)
                .collect();
            let mut schemes: Vec<String> = Vec::new();
            for r in &row {
                if let Ok(p) = &r.outcome {
                    let s = format!("{:?}", p.scheme);
                    if !schemes.contains(&s) {
                        schemes.push(s);
                    }
                }
            }
            let mut line = format!(
                "| {} | {cert} | {suite:?} | {} |",
                version.label(),
                schemes.join(", ")
            );
            for g in GROUPS {
                let cell = match row.iter().find(|r| r.group == g).map(|r| &r.outcome) {
                    Some(Ok(_)) => "pass".to_owned(),
                    Some(Err(e)) => format!("**FAIL** {}", e.replace('|', "/").replace('\n', " ")),
                    None => "n/a".to_owned(),
                };
                let _ = write!(line, " {cell} |");
            }
            let _ = writeln!(md, "{line}");
        }
    }
    let _ = writeln!(
        md,
        "\n## Refusals, downgrade checks and controls\n\n\
         Servers limited to what the client refuses, servers without the extended master \
         secret, and the RFC 8446 §4.1.3 downgrade sentinel. A relay between client and server \
         rewrites the ClientHello where noted: adding a suite makes the server pick it, so the \
         client's own check is what refuses it; removing TLS 1.3 from supported_versions makes a \
         TLS 1.3-capable server answer TLS 1.2 with `DOWNGRD\\x01` in its random.\n\n\
         | Case | Server | ClientHello rewrite | Client | Expected | What happens | Result |\n\
         |---|---|---|---|---|---|---|"
    );
    for (case, result) in negative {
        let rewrite = match case.rewrite {
            None => "—".to_owned(),
            Some(rw) => describe_rewrite(rw),
        };
        let outcome = match &result.observed {
            Ok(_) => "as expected".to_owned(),
            Err(e) => format!("**FAIL** {}", e.replace('|', "/")),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {rewrite} | {} | {} | {} | {outcome} |",
            case.kind.label(),
            case.server.describe(),
            case.client.describe(),
            case.expect.describe().replace('|', "/"),
            case.why
        );
    }
    md
}

fn describe_rewrite(rw: Rewrite) -> String {
    let hex = |v: &[u16]| v.iter().map(|x| format!("{x:04x}")).collect::<Vec<_>>();
    let mut parts = Vec::new();
    let versions: Vec<String> = (hex(rw.drop_versions).into_iter().map(|v| format!("−{v}")))
        .chain(hex(rw.add_versions).into_iter().map(|v| format!("+{v}")))
        .collect();
    if !versions.is_empty() {
        parts.push(format!("supported_versions {}", versions.join(" ")));
    }
    if !rw.add_suites.is_empty() {
        parts.push(format!("cipher_suites +{}", hex(rw.add_suites).join(" +")));
    }
    if parts.is_empty() {
        "none (pass-through)".to_owned()
    } else {
        parts.join("; ")
    }
}
