//! Loopback TCP rows: `openssl s_server` runs in its own process on 127.0.0.1 (started here,
//! killed when the guard drops) and each client handshakes over a real socket. What is measured
//! is the client thread's CPU time, read from `/proc/thread-self/schedstat` (nanoseconds on CPU)
//! before the connect and after the close.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::certs::Fixture;
use crate::params::{Params, Version};
use crate::peers::{Client, Context};

/// How long the server gets to start listening.
const STARTUP: Duration = Duration::from_secs(10);

/// This thread's CPU time so far. `sched_yield` first, so the kernel brings the running
/// thread's total up to date (it is otherwise refreshed only at scheduler events).
pub fn thread_cpu() -> io::Result<Duration> {
    std::thread::yield_now();
    let text = std::fs::read_to_string("/proc/thread-self/schedstat")?;
    let ns = text
        .split_whitespace()
        .next()
        .and_then(|f| f.parse::<u64>().ok())
        .ok_or_else(|| io::Error::other("unreadable /proc/thread-self/schedstat"))?;
    Ok(Duration::from_nanos(ns))
}

/// A running `openssl s_server`, killed on drop.
pub struct SServer {
    child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl SServer {
    /// Starts `openssl s_server` with the fixture's chain for `params`, pinned to its version,
    /// suite and X25519; tickets and the session cache only for resumption rows.
    pub fn start(fixture: &Fixture, params: &Params) -> Result<Self, String> {
        let chain = fixture.chain(params.chain);
        let port = free_port().map_err(|e| format!("port: {e}"))?;
        let mut cmd = Command::new("openssl");
        cmd.arg("s_server")
            .args(["-accept", &format!("127.0.0.1:{port}")])
            .arg("-cert")
            .arg(&chain.leaf_pem)
            .arg("-key")
            .arg(&chain.key_pem)
            .arg("-cert_chain")
            .arg(&chain.intermediate_pem)
            .args(["-groups", "X25519", "-www", "-quiet"]);
        match params.version {
            Version::Tls13 => {
                cmd.args(["-tls1_3", "-ciphersuites", params.openssl_cipher()]);
            }
            Version::Tls12 => {
                cmd.args(["-tls1_2", "-cipher", params.openssl_cipher()]);
            }
        }
        if params.resumption {
            cmd.args(["-num_tickets", "1"]);
        } else {
            cmd.args(["-num_tickets", "0", "-no_ticket", "-no_cache"]);
        }
        let child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("openssl s_server: {e}"))?;
        let server = SServer { child, port };
        let deadline = Instant::now() + STARTUP;
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            if Instant::now() > deadline {
                return Err("openssl s_server did not start listening".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn connect(&self) -> io::Result<TcpStream> {
        let s = TcpStream::connect(("127.0.0.1", self.port))?;
        s.set_nodelay(true)?;
        Ok(s)
    }
}

/// The plain-TCP floor: connect, then close. Returns the client thread's CPU time.
pub fn tcp_floor(server: &SServer) -> Result<Duration, String> {
    let before = thread_cpu().map_err(|e| e.to_string())?;
    let s = server.connect().map_err(|e| format!("connect: {e}"))?;
    drop(s);
    let after = thread_cpu().map_err(|e| e.to_string())?;
    Ok(after.saturating_sub(before))
}

/// One handshake over TCP with a client from `ctx`, then close. With `ticket_flight`, one more
/// read after the handshake takes the TLS 1.3 NewSessionTicket the server sends. Returns the
/// client thread's CPU time from before the connect to after the close, and whether it resumed.
pub fn handshake(
    ctx: &Context,
    server: &SServer,
    ticket_flight: bool,
) -> Result<(Duration, Option<bool>), String> {
    let before = thread_cpu().map_err(|e| e.to_string())?;
    let stream = server.connect().map_err(|e| format!("connect: {e}"))?;
    let mut client = ctx.connect()?;
    let resumed = drive(&mut client, stream, ticket_flight)?;
    ctx.keep_session(&client);
    drop(client);
    let after = thread_cpu().map_err(|e| e.to_string())?;
    Ok((after.saturating_sub(before), resumed))
}

/// Runs the handshake on a blocking socket: write what the client has, read what the server
/// sends, until the client is established and has nothing left to send.
fn drive(
    client: &mut Client,
    mut stream: TcpStream,
    ticket_flight: bool,
) -> Result<Option<bool>, String> {
    let io = |e: io::Error| format!("socket: {e}");
    let mut out = Vec::with_capacity(4096);
    let mut buf = vec![0u8; 32 * 1024];
    let mut sink = vec![0u8; 16 * 1024];
    client.exchange(&[], &mut out, &mut sink)?;
    loop {
        if !out.is_empty() {
            stream.write_all(&out).map_err(io)?;
            out.clear();
        }
        if !client.is_handshaking() {
            break;
        }
        let n = stream.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Err("server closed during the handshake".into());
        }
        client.exchange(&buf[..n], &mut out, &mut sink)?;
    }
    if ticket_flight {
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .map_err(io)?;
        let n = stream.read(&mut buf).map_err(io)?;
        client.exchange(&buf[..n], &mut out, &mut sink)?;
    }
    let _ = stream.shutdown(Shutdown::Both);
    Ok(client.resumed())
}
