//! A non-blocking client: `SSL_connect` returns -1 with SSL_ERROR_WANT_READ or WANT_WRITE
//! whenever the socket cannot satisfy it, and the same call is repeated once the socket is
//! ready. Readiness is awaited with a blocking `peek` with a timeout on a second handle of the
//! socket (a `select()` stand-in that needs no `libc`).
//!
//! ```text
//! cargo run -p oxissl --example nonblocking_client -- 127.0.0.1:4433 localhost
//! ```

use std::net::TcpStream;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use oxissl::{error, ErrorCode, Ssl, SslCtx};

/// Waits until `s` is readable or `timeout` passes.
fn wait_readable(s: &TcpStream, timeout: Duration) {
    let Ok(c) = s.try_clone() else { return };
    let _ = c.set_nonblocking(false);
    let _ = c.set_read_timeout(Some(timeout));
    let _ = c.peek(&mut [0u8; 1]);
    let _ = c.set_read_timeout(None);
    let _ = c.set_nonblocking(true);
}

/// Repeats `op` until it returns > 0 (or 0 at a clean close), waiting as `SSL_get_error` says.
fn retry(
    ssl: &mut Ssl,
    sock: &TcpStream,
    mut op: impl FnMut(&mut Ssl) -> i32,
) -> Result<i32, ErrorCode> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = op(ssl);
        if r > 0 {
            return Ok(r);
        }
        match ssl.get_error(r) {
            ErrorCode::WANT_READ => wait_readable(sock, Duration::from_millis(100)),
            ErrorCode::WANT_WRITE => std::thread::sleep(Duration::from_millis(1)),
            ErrorCode::ZERO_RETURN => return Ok(0),
            other => return Err(other),
        }
        if Instant::now() > deadline {
            return Err(ErrorCode::SYSCALL);
        }
        eprintln!(
            "  ... {} (state {})",
            ssl.get_error(r),
            ssl.state_string_long()
        );
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:4433".into());
    let name = args.next().unwrap_or_else(|| "localhost".into());

    let ctx = SslCtx::new();
    let tcp = match TcpStream::connect(&addr) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("connect {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sock = tcp.try_clone().expect("socket handle");
    let mut ssl = Ssl::new(&ctx);
    ssl.set_tlsext_host_name(&name);
    let bio = ssl.set_fd(tcp);
    bio.set_nonblocking(true).expect("non-blocking socket");
    bio.set_tcp_nodelay(true);

    if let Err(code) = retry(&mut ssl, &sock, Ssl::connect) {
        eprintln!("handshake failed: {code}");
        for e in error::take_errors() {
            eprintln!("{e}");
        }
        return ExitCode::FAILURE;
    }
    println!(
        "{} {}",
        ssl.version(),
        ssl.current_cipher_name().unwrap_or("?")
    );
    let req = format!("GET / HTTP/1.0\r\nHost: {name}\r\n\r\n");
    if retry(&mut ssl, &sock, |s| s.write(req.as_bytes())).is_err() {
        return ExitCode::FAILURE;
    }
    let mut buf = [0u8; 16384];
    while let Ok(n @ 1..) = retry(&mut ssl, &sock, |s| s.read(&mut buf)) {
        print!("{}", String::from_utf8_lossy(&buf[..n as usize]));
    }
    ExitCode::SUCCESS
}
