//! A BIO-pair client: the `Ssl` reads and writes one end of a BIO pair and the application
//! moves the bytes between the other end and the network itself, as SSL_connect(3) describes:
//! "data must be written into or retrieved out of the BIO before being able to continue".
//!
//! ```text
//! cargo run -p oxissl --example bio_pair_client -- 127.0.0.1:4433 localhost
//! ```

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;

use oxissl::{error, new_bio_pair, Bio, BioIo, ErrorCode, PairBio, Ssl, SslCtx};

/// Sends everything the TLS side wrote into the pair.
fn pump_out(outer: &mut PairBio, net: &mut TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 4096];
    while let BioIo::Done(n) = outer.read(&mut buf) {
        net.write_all(&buf[..n])?;
    }
    Ok(())
}

/// Reads from the network into the pair, no more than it can take.
fn pump_in(outer: &mut PairBio, net: &mut TcpStream) -> std::io::Result<bool> {
    let mut buf = vec![0u8; outer.get_write_guarantee().clamp(1, 4096)];
    let n = net.read(&mut buf)?;
    if n == 0 {
        outer.shutdown_wr();
        return Ok(false);
    }
    let _ = outer.write(&buf[..n]);
    Ok(true)
}

/// Runs `op` until it returns > 0, moving bytes as `SSL_get_error` asks.
fn run(
    ssl: &mut Ssl,
    outer: &mut PairBio,
    net: &mut TcpStream,
    mut op: impl FnMut(&mut Ssl) -> i32,
) -> Result<i32, ErrorCode> {
    loop {
        let r = op(ssl);
        pump_out(outer, net).map_err(|_| ErrorCode::SYSCALL)?;
        if r > 0 {
            return Ok(r);
        }
        match ssl.get_error(r) {
            ErrorCode::WANT_READ => {
                eprintln!(
                    "  WANT_READ: {} bytes waiting in the pair",
                    outer.ctrl_pending()
                );
                pump_in(outer, net).map_err(|_| ErrorCode::SYSCALL)?;
            }
            ErrorCode::WANT_WRITE => {}
            ErrorCode::ZERO_RETURN => return Ok(0),
            other => return Err(other),
        }
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:4433".into());
    let name = args.next().unwrap_or_else(|| "localhost".into());

    let mut net = match TcpStream::connect(&addr) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("connect {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ctx = SslCtx::new();
    let mut ssl = Ssl::new(&ctx);
    ssl.set_tlsext_host_name(&name);
    let (inner, mut outer) = new_bio_pair(0, 0);
    ssl.set_bio(Box::new(inner.clone()), Box::new(inner));

    if let Err(code) = run(&mut ssl, &mut outer, &mut net, Ssl::connect) {
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
    if run(&mut ssl, &mut outer, &mut net, |s| s.write(req.as_bytes())).is_err() {
        return ExitCode::FAILURE;
    }
    let mut buf = [0u8; 16384];
    while let Ok(n @ 1..) = run(&mut ssl, &mut outer, &mut net, |s| s.read(&mut buf)) {
        print!("{}", String::from_utf8_lossy(&buf[..n as usize]));
    }
    ExitCode::SUCCESS
}
