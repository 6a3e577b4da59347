//! Nagle's algorithm after a TLS 1.3 handshake, measured (SSL_connect(3), on TCP_NODELAY).
//!
//! The client speaks last in a TLS 1.3 handshake (its Finished). If it also speaks first
//! afterwards, as most protocols do, its first `Ssl::write` can sit in the kernel under Nagle
//! until the server ACKs the Finished — and a server that says nothing until the client speaks
//! only ACKs when its delayed-ACK timer fires. `SocketBio::set_tcp_nodelay(true)`
//! (`BIO_set_tcp_ndelay`) sends it at once.
//!
//! For each run: a new TCP connection to an in-process TLS 1.3 server on 127.0.0.1 (the
//! system OpenSSL through the `openssl` crate), a verified handshake, then the time from just
//! before the client's first `Ssl::write` to the moment the server's read returns those bytes.
//! Half the runs set TCP_NODELAY, half leave Nagle on (interleaved); the medians are printed.
//! The server is run twice: sending nothing after its handshake (the case the seed describes),
//! and sending OpenSSL's default two session tickets, which carry the ACK the client waits for.
//!
//! ```text
//! cargo run --release -p oxissl --example nagle [RUNS]
//! ```
//!
//! `benches/nagle.rs` runs the same measurement with more runs.

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVersion};
use oxissl::{Ssl, SslCtx, SSL_VERIFY_PEER};

/// How long any single step may take before the measurement gives up.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

fn certs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs")
}

/// What the in-process server sends after its side of the handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerAfterHandshake {
    /// Nothing: it waits for the client to speak first (no session tickets).
    Silent,
    /// OpenSSL's default: two NewSessionTicket messages.
    Tickets,
}

impl ServerAfterHandshake {
    /// A label for the table.
    pub fn label(self) -> &'static str {
        match self {
            Self::Silent => "nothing (waits for the client)",
            Self::Tickets => "2 session tickets",
        }
    }
}

/// An in-process TLS 1.3 server answering one connection at a time; for each, it reports the
/// instant its first read returned application data.
pub struct Server {
    port: u16,
    arrivals: mpsc::Receiver<Result<Instant, String>>,
    _thread: JoinHandle<()>,
}

impl Server {
    /// Starts the server for `connections` connections.
    pub fn start(after: ServerAfterHandshake, connections: usize) -> Result<Self, String> {
        let dir = certs_dir();
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())
            .map_err(|e| e.to_string())?;
        acceptor
            .set_certificate_chain_file(dir.join("ecdsa.chain.pem"))
            .map_err(|e| e.to_string())?;
        acceptor
            .set_private_key_file(dir.join("ecdsa.key"), SslFiletype::PEM)
            .map_err(|e| e.to_string())?;
        acceptor
            .set_min_proto_version(Some(SslVersion::TLS1_3))
            .map_err(|e| e.to_string())?;
        let tickets = match after {
            ServerAfterHandshake::Silent => 0,
            ServerAfterHandshake::Tickets => 2,
        };
        acceptor
            .set_num_tickets(tickets)
            .map_err(|e| e.to_string())?;
        let acceptor = acceptor.build();
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let (tx, arrivals) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            for _ in 0..connections {
                let r = listener
                    .accept()
                    .map_err(|e| e.to_string())
                    .and_then(|(tcp, _)| {
                        tcp.set_read_timeout(Some(STEP_TIMEOUT))
                            .map_err(|e| e.to_string())?;
                        let mut tls = acceptor.accept(tcp).map_err(|e| e.to_string())?;
                        let mut byte = [0u8; 64];
                        match tls.read(&mut byte) {
                            Ok(n) if n > 0 => Ok(Instant::now()),
                            Ok(_) => Err("client closed before writing".to_string()),
                            Err(e) => Err(e.to_string()),
                        }
                    });
                if tx.send(r).is_err() {
                    return;
                }
            }
        });
        Ok(Self {
            port,
            arrivals,
            _thread: thread,
        })
    }

    /// One connection: handshake, then the time from just before the first `Ssl::write` to
    /// the server having the bytes.
    pub fn first_write_latency(&self, ctx: &SslCtx, nodelay: bool) -> Result<Duration, String> {
        let tcp = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        tcp.set_read_timeout(Some(STEP_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let mut ssl = Ssl::new(ctx);
        ssl.set_tlsext_host_name("localhost");
        ssl.set1_host("localhost");
        let bio = ssl.set_fd(tcp);
        if nodelay && !bio.set_tcp_nodelay(true) {
            return Err("setting TCP_NODELAY failed".into());
        }
        let r = ssl.connect();
        if r != 1 {
            let errors: Vec<String> = oxissl::error::take_errors()
                .iter()
                .map(ToString::to_string)
                .collect();
            return Err(format!(
                "SSL_connect returned {r} ({}): {}",
                ssl.get_error(r),
                errors.join("; ")
            ));
        }
        let start = Instant::now();
        let n = ssl.write(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        if n <= 0 {
            return Err(format!("SSL_write returned {n} ({})", ssl.get_error(n)));
        }
        let arrived = self
            .arrivals
            .recv_timeout(STEP_TIMEOUT)
            .map_err(|e| format!("server: {e}"))??;
        Ok(arrived.saturating_duration_since(start))
    }
}

/// The client context: TLS 1.3, the test root trusted, verification enforced.
pub fn client_ctx() -> Result<SslCtx, String> {
    let mut ctx = SslCtx::new();
    ctx.load_verify_locations(Some(&certs_dir().join("root.pem")), None)
        .map_err(|e| e.to_string())?;
    ctx.set_verify(SSL_VERIFY_PEER, None);
    Ok(ctx)
}

/// Latencies of `runs` connections with Nagle on and `runs` with TCP_NODELAY, interleaved.
pub struct Samples {
    /// Nagle on (the default).
    pub nagle: Vec<Duration>,
    /// TCP_NODELAY set.
    pub nodelay: Vec<Duration>,
}

/// Measures `runs` connections each way against a fresh server.
pub fn measure(after: ServerAfterHandshake, runs: usize) -> Result<Samples, String> {
    let ctx = client_ctx()?;
    let server = Server::start(after, 2 * runs)?;
    let mut samples = Samples {
        nagle: Vec::with_capacity(runs),
        nodelay: Vec::with_capacity(runs),
    };
    for _ in 0..runs {
        samples.nagle.push(server.first_write_latency(&ctx, false)?);
        samples
            .nodelay
            .push(server.first_write_latency(&ctx, true)?);
    }
    Ok(samples)
}

/// The median (the mean of the middle two for an even count).
pub fn median(samples: &[Duration]) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    match v.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2,
    }
}

fn ms(d: Duration) -> String {
    format!("{:9.3} ms", d.as_secs_f64() * 1e3)
}

/// Prints one table row per (server behaviour, TCP_NODELAY) with median, min and max.
pub fn print_table(results: &[(ServerAfterHandshake, Samples)], runs: usize) {
    println!(
        "first Ssl::write after a TLS 1.3 handshake -> server has the bytes \
         (127.0.0.1, median of {runs} runs each)"
    );
    println!(
        "{:<32} | {:<11} | {:>12} | {:>12} | {:>12}",
        "server sends after handshake", "TCP_NODELAY", "median", "min", "max"
    );
    println!("{}", "-".repeat(32 + 11 + 3 * 12 + 4 * 3));
    for (after, s) in results {
        for (label, v) in [("off (Nagle)", &s.nagle), ("on", &s.nodelay)] {
            let min = v.iter().min().copied().unwrap_or_default();
            let max = v.iter().max().copied().unwrap_or_default();
            println!(
                "{:<32} | {:<11} | {:>12} | {:>12} | {:>12}",
                after.label(),
                label,
                ms(median(v)),
                ms(min),
                ms(max)
            );
        }
    }
}

/// Measures both server behaviours and prints the table.
pub fn run(runs: usize) -> Result<(), String> {
    let mut results = Vec::new();
    for after in [ServerAfterHandshake::Silent, ServerAfterHandshake::Tickets] {
        results.push((after, measure(after, runs)?));
    }
    print_table(&results, runs);
    Ok(())
}

fn main() -> std::process::ExitCode {
    let runs = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    match run(runs) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nagle: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
