//! Shared by the engine's integration tests: a blocking driver over a `TcpStream`, and
//! `openssl s_server` on 127.0.0.1 with a free port, killed on drop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oxissl_engine::{ClientConfig, ClientConnection, Error, ReadStatus};

/// The repository's test certificates directory.
pub fn certs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs")
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped.
pub struct Server {
    pub child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `openssl s_server -accept PORT <args>` and waits until it listens. A port taken in
/// the meantime by another test makes s_server exit: then another port is tried.
pub fn openssl_server(args: &[&str]) -> Server {
    for _ in 0..5 {
        let port = free_port();
        let child = Command::new("openssl")
            .arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("openssl s_server starts");
        let mut server = Server { child, port };
        if listening_or_exited(&mut server) {
            return server;
        }
    }
    panic!("openssl s_server did not start listening on any of 5 ports");
}

/// Waits (bounded) until the server listens (true) or has exited (false).
fn listening_or_exited(server: &mut Server) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if child_listens(&server.child, server.port) {
            return true;
        }
        if matches!(server.child.try_wait(), Ok(Some(_))) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("server on port {} did not start listening", server.port);
}

/// The inode of the socket listening on `port` (IPv4 or IPv6, any address), from the kernel's
/// tables: probing with a connect would use up a server's first accept in some modes.
fn listening_inode(port: u16) -> Option<String> {
    let local = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .find_map(|table| {
            let tcp = std::fs::read_to_string(table).ok()?;
            tcp.lines().skip(1).find_map(|line| {
                let f: Vec<&str> = line.split_whitespace().collect();
                (f.len() > 9 && f[1].ends_with(&local) && f[3] == "0A").then(|| f[9].to_owned())
            })
        })
}

fn is_listening(port: u16) -> bool {
    listening_inode(port).is_some()
}

/// Whether `child` itself holds the socket listening on `port`. Parallel tests can be handed the
/// same free port; the second server then fails to bind, and the other test's listener must not
/// be mistaken for its own.
pub fn child_listens(child: &Child, port: u16) -> bool {
    let Some(inode) = listening_inode(port) else {
        return false;
    };
    let want = format!("socket:[{inode}]");
    let Ok(fds) = std::fs::read_dir(format!("/proc/{}/fd", child.id())) else {
        return false;
    };
    fds.flatten()
        .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|l| l.to_string_lossy() == want))
}

/// Waits (bounded) until something accepts on `port`.
pub fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if is_listening(port) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("server on port {port} did not start listening");
}

/// Writes everything the engine has queued.
pub fn flush(conn: &mut ClientConnection, sock: &mut TcpStream) -> std::io::Result<()> {
    while conn.wants_write() {
        let n = sock.write(conn.pending_tls())?;
        conn.consume_tls(n);
    }
    Ok(())
}

/// Reads once from the socket into the engine and processes. Returns false on EOF.
pub fn read_some(conn: &mut ClientConnection, sock: &mut TcpStream) -> Result<bool, Error> {
    let buf = conn.recv_buffer();
    let n = sock.read(buf).map_err(|_| Error::Internal("socket read"))?;
    conn.commit_received(n);
    conn.process()?;
    Ok(n > 0)
}

/// Runs the handshake to completion over a blocking socket.
pub fn handshake(conn: &mut ClientConnection, sock: &mut TcpStream) -> Result<(), Error> {
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    loop {
        let r = conn.process();
        let _ = flush(conn, sock);
        r?;
        if conn.is_established() {
            return Ok(());
        }
        if !read_some(conn, sock).inspect_err(|_| {
            let _ = flush(conn, sock);
        })? {
            return Err(Error::Internal("EOF during handshake"));
        }
    }
}

/// Connects to 127.0.0.1:port and completes a handshake for `name`.
pub fn connect(
    config: Arc<ClientConfig>,
    name: &str,
    port: u16,
) -> Result<(ClientConnection, TcpStream), Error> {
    let mut sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut conn = ClientConnection::new(config, name)?;
    handshake(&mut conn, &mut sock)?;
    Ok((conn, sock))
}

/// Reads application data until `want` bytes arrived (or EOF / close_notify).
pub fn read_exact(
    conn: &mut ClientConnection,
    sock: &mut TcpStream,
    want: usize,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(want);
    let mut buf = vec![0u8; 16384];
    while out.len() < want {
        match conn.read(&mut buf)? {
            ReadStatus::Data(n) => out.extend_from_slice(&buf[..n]),
            ReadStatus::Closed => break,
            ReadStatus::WantRead => {
                flush(conn, sock).map_err(|_| Error::Internal("socket write"))?;
                if !read_some(conn, sock)? {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// The path of a file in the test certificates directory, as a string for command lines.
pub fn cert(name: &str) -> String {
    certs_dir().join(name).to_str().unwrap().to_owned()
}

/// A root store holding only the test root CA.
pub fn test_roots() -> oxissl_engine::RootStore {
    let mut roots = oxissl_engine::RootStore::new();
    assert_eq!(roots.add_pem_file(cert("root.pem")).unwrap(), 1);
    roots
}

/// A default configuration verifying with webpki against the test root.
pub fn verifying_config() -> ClientConfig {
    ClientConfig::new(test_roots())
}

/// `s_server` arguments serving leaf `name` (`name.pem`, `name.key`) with `chain` as extra
/// chain certificates (if any), TLS 1.3 only.
pub fn server_cert_args(name: &str, chain: Option<&str>) -> Vec<String> {
    let mut args = vec![
        "-cert".to_owned(),
        cert(&format!("{name}.pem")),
        "-key".to_owned(),
        cert(&format!("{name}.key")),
        "-tls1_3".to_owned(),
    ];
    if let Some(chain) = chain {
        args.push("-cert_chain".to_owned());
        args.push(cert(chain));
    }
    args
}

/// Writes a line to the server's stdin (s_server's command channel).
pub fn server_stdin(server: &mut Server, line: &str) {
    let stdin = server.child.stdin.as_mut().unwrap();
    stdin.write_all(line.as_bytes()).unwrap();
    stdin.flush().unwrap();
}

/// Reads until close_notify (bounded by the socket's read timeout). Returns the data before it.
pub fn read_until_closed(
    conn: &mut ClientConnection,
    sock: &mut TcpStream,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 16384];
    loop {
        match conn.read(&mut buf)? {
            ReadStatus::Data(n) => out.extend_from_slice(&buf[..n]),
            ReadStatus::Closed => return Ok(out),
            ReadStatus::WantRead => {
                flush(conn, sock).map_err(|_| Error::Internal("socket write"))?;
                if !read_some(conn, sock)? {
                    return Err(Error::Internal("EOF before close_notify"));
                }
            }
        }
    }
}

/// Deterministic printable test data: `lines` lines of `len` bytes each (newline included).
pub fn text_lines(lines: usize, len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut out = Vec::with_capacity(lines * len);
    for _ in 0..lines {
        for _ in 0..len - 1 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            out.push(b'!' + (x % 94) as u8);
        }
        out.push(b'\n');
    }
    out
}

/// What `s_server -rev` answers to `input`: each line reversed.
pub fn reversed_lines(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    for line in input.split_inclusive(|&b| b == b'\n') {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        out.extend(body.iter().rev());
        out.push(b'\n');
    }
    out
}

/// A child's stdout read line by line on a thread, so waits for output are bounded even when
/// the child prints nothing.
pub struct OutputWatcher {
    lines: std::sync::mpsc::Receiver<String>,
}

impl OutputWatcher {
    /// Takes the server's stdout.
    pub fn new(server: &mut Server) -> Self {
        Self::watch(server.child.stdout.take().expect("stdout is piped"))
    }

    /// Takes the server's stderr.
    pub fn stderr(server: &mut Server) -> Self {
        Self::watch(server.child.stderr.take().expect("stderr is piped"))
    }

    fn watch(out: impl Read + Send + 'static) -> Self {
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { lines }
    }

    /// Waits up to 10 s for a line containing `needle`; returns it.
    pub fn wait_for(&self, needle: &str) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
}

/// A rustls server config with the ECDSA chain, for `versions`.
pub fn rustls_ecdsa_server(
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> rustls::ServerConfig {
    use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer};
    let d = certs_dir();
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(d.join("ecdsa.chain.pem"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(d.join("ecdsa.key")).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap()
}

/// Serves `n` connections with `server` in a thread on 127.0.0.1: reads a 5-byte line, answers
/// it with its first 4 bytes reversed, then closes. Returns the port.
pub fn rustls_line_server(server: rustls::ServerConfig, n: usize) -> u16 {
    let server = Arc::new(server);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(stream) = stream else { return };
            let conn = rustls::ServerConnection::new(server.clone()).unwrap();
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let mut line = [0u8; 5];
            if tls.read_exact(&mut line).is_ok() {
                line[..4].reverse();
                let _ = tls.write_all(&line);
                let _ = tls.flush();
            }
        }
    });
    port
}

/// On an established connection: sends "ping\n", checks the server's 5-byte answer against
/// `expect` (so tickets sent before it have arrived), then sends close_notify.
pub fn ping_and_close(conn: &mut ClientConnection, sock: &mut TcpStream, expect: &[u8]) {
    conn.write(b"ping\n").unwrap();
    flush(conn, sock).unwrap();
    assert_eq!(read_exact(conn, sock, 5).unwrap(), expect);
    conn.send_close_notify();
    let _ = flush(conn, sock);
}
