//! Shared by the integration tests: certificates generated with the `openssl` command at test
//! time, `openssl s_server` on 127.0.0.1 (killed on drop), small raw TCP servers that misbehave
//! on purpose, and bounded waits.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Every wait in the tests ends by this.
pub const DEADLINE: Duration = Duration::from_secs(15);

/// Generated test PKI.
pub struct Certs {
    pub dir: PathBuf,
    /// The test CA (trust anchor).
    pub ca: PathBuf,
    /// A leaf for `localhost` and 127.0.0.1 signed by the CA.
    pub leaf: PathBuf,
    pub leaf_key: PathBuf,
}

fn run(cmd: &mut Command) {
    let out = cmd.output().expect("openssl runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The test PKI, generated once per test binary.
pub fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("oxissl-certs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let p = |n: &str| dir.join(n);
        std::fs::write(
            p("ca.cnf"),
            "[req]\ndistinguished_name=dn\n[dn]\n[v3_ca]\nbasicConstraints=critical,CA:TRUE\n\
             keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n",
        )
        .unwrap();
        std::fs::write(
            p("leaf.ext"),
            "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
             extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n",
        )
        .unwrap();
        run(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-nodes", "-days", "30", "-subj", "/CN=oxissl test CA"])
            .args(["-extensions", "v3_ca", "-config"])
            .arg(p("ca.cnf"))
            .arg("-keyout")
            .arg(p("ca.key"))
            .arg("-out")
            .arg(p("ca.pem")));
        run(Command::new("openssl")
            .args([
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-nodes", "-subj", "/CN=localhost", "-config"])
            .arg(p("ca.cnf"))
            .arg("-keyout")
            .arg(p("leaf.key"))
            .arg("-out")
            .arg(p("leaf.csr")));
        run(Command::new("openssl")
            .args(["x509", "-req", "-days", "30", "-set_serial", "2", "-in"])
            .arg(p("leaf.csr"))
            .arg("-CA")
            .arg(p("ca.pem"))
            .arg("-CAkey")
            .arg(p("ca.key"))
            .arg("-extfile")
            .arg(p("leaf.ext"))
            .arg("-out")
            .arg(p("leaf.pem")));
        Certs {
            ca: p("ca.pem"),
            leaf: p("leaf.pem"),
            leaf_key: p("leaf.key"),
            dir,
        }
    })
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `openssl s_server`, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `openssl s_server` with the test leaf certificate and `extra` flags, and waits
/// (bounded) until it prints ACCEPT. A port taken in the meantime makes s_server exit; then
/// another port is tried.
pub fn s_server(extra: &[&str]) -> Server {
    let c = certs();
    for _ in 0..5 {
        let port = free_port();
        let mut child = Command::new("openssl")
            .arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(&c.leaf)
            .arg("-key")
            .arg(&c.leaf_key)
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Reports ACCEPT, then keeps draining so the server never blocks on a full pipe.
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                match line {
                    Ok(l) if l.contains("ACCEPT") => {
                        let _ = tx.send(());
                        break;
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
            for _ in lines {}
        });
        let server = Server { child, port };
        if rx.recv_timeout(DEADLINE).is_ok() {
            return server;
        }
    }
    panic!("openssl s_server did not start");
}

/// `s_server -www`: answers `GET /` with a status page, then sends close_notify.
pub fn www_server() -> Server {
    s_server(&["-www"])
}

/// Waits (bounded) until something listens on `port`, without connecting to it.
pub fn wait_listening(port: u16) {
    let deadline = Instant::now() + DEADLINE;
    let needle = format!(":{port:04X} 00000000:0000 0A");
    while Instant::now() < deadline {
        let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
        if tcp.contains(&needle) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("server on port {port} did not start listening");
}

/// A blocking connection to 127.0.0.1:port whose reads and writes give up after `DEADLINE`.
pub fn tcp(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    s.set_write_timeout(Some(DEADLINE)).unwrap();
    s
}

/// What a raw server does with its one connection.
#[derive(Clone, Copy, Debug)]
pub enum Raw {
    /// Reads part of the ClientHello and closes with data unread: the kernel sends RST.
    Reset,
    /// Reads the whole ClientHello, then closes cleanly (FIN) mid-handshake.
    EofAfterHello,
    /// Answers like an HTTP server, not TLS.
    Http,
}

/// A one-connection TCP server on 127.0.0.1 acting out `what`.
pub fn raw_server(what: Raw) -> (u16, JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let Ok((mut s, _)) = l.accept() else { return };
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        match what {
            Raw::Reset => {
                let mut b = [0u8; 1];
                let _ = s.read_exact(&mut b);
                // Give the rest of the ClientHello time to arrive so that it is unread at close.
                std::thread::sleep(Duration::from_millis(100));
                drop(s);
            }
            Raw::EofAfterHello => {
                read_record(&mut s);
                let _ = s.shutdown(std::net::Shutdown::Write);
                // Wait for the client to close so nothing is left unread (which would be RST).
                let mut sink = [0u8; 512];
                while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
            }
            Raw::Http => {
                read_record(&mut s);
                let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                let mut sink = [0u8; 512];
                while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
            }
        }
    });
    (port, h)
}

/// Reads one TLS record (header and body).
fn read_record(s: &mut TcpStream) {
    let mut hdr = [0u8; 5];
    if s.read_exact(&mut hdr).is_err() {
        return;
    }
    let mut body = vec![0u8; usize::from(u16::from_be_bytes([hdr[3], hdr[4]]))];
    let _ = s.read_exact(&mut body);
}

/// `select()` for readability on a non-blocking socket, without libc: a blocking `peek` with a
/// timeout on a second handle, then the socket is put back to non-blocking.
pub fn wait_readable(s: &TcpStream, timeout: Duration) {
    let Ok(c) = s.try_clone() else { return };
    let _ = c.set_nonblocking(false);
    let _ = c.set_read_timeout(Some(timeout));
    let mut b = [0u8; 1];
    let _ = c.peek(&mut b);
    let _ = c.set_read_timeout(Some(DEADLINE));
    let _ = c.set_nonblocking(true);
}

/// The path as a `&Path` (for `load_verify_locations`).
pub fn path(p: &Path) -> Option<&Path> {
    Some(p)
}

/// A relay to `port` that forwards the client's bytes at once but holds the server's bytes
/// until `open()` is called, so a test can be sure the first non-blocking call finds nothing.
pub struct GatedRelay {
    pub port: u16,
    gate: std::sync::mpsc::Sender<()>,
}

impl GatedRelay {
    pub fn new(server_port: u16) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (gate, opened) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            let Ok((client, _)) = listener.accept() else {
                return;
            };
            let Ok(server) = TcpStream::connect(("127.0.0.1", server_port)) else {
                return;
            };
            let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut c_in, &mut s_out);
                let _ = s_out.shutdown(std::net::Shutdown::Write);
            });
            // Bounded: a test that never opens the gate still ends.
            let _ = opened.recv_timeout(DEADLINE);
            let (mut s_in, mut c_out) = (server, client);
            let _ = std::io::copy(&mut s_in, &mut c_out);
            let _ = c_out.shutdown(std::net::Shutdown::Write);
        });
        Self { port, gate }
    }

    /// Lets the server's bytes through.
    pub fn open(&self) {
        let _ = self.gate.send(());
    }
}
