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

/// Starts `openssl s_server -accept PORT <args>` and waits until it listens.
pub fn openssl_server(args: &[&str]) -> Server {
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
    let server = Server { child, port };
    wait_listening(port);
    server
}

/// Waits (bounded) until something accepts on `port`.
pub fn wait_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        // s_server prints ACCEPT when ready; probing with a connect would use up its first accept
        // in some modes, so poll the listening table instead.
        let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
        let needle = format!(":{:04X} 00000000:0000 0A", port);
        if tcp.contains(&needle) {
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

/// Reads lines from a child's stdout until one contains `needle` (bounded).
pub fn wait_for_line(child: &mut Child, needle: &str) -> Option<String> {
    let out = child.stdout.as_mut()?;
    let mut r = BufReader::new(out);
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line.contains(needle) {
            return Some(line);
        }
    }
    None
}
