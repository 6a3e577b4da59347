//! A blocking client: `SSL_connect` over a socket BIO returns only once the handshake is done
//! or failed.
//!
//! ```text
//! openssl s_server -accept 4433 -cert cert.pem -key key.pem -www &
//! cargo run -p oxissl --example blocking_client -- 127.0.0.1:4433 localhost [CAfile]
//! ```

use std::net::TcpStream;
use std::path::Path;
use std::process::ExitCode;

use oxissl::{error, verify_error_string, Ssl, SslCtx, SSL_VERIFY_NONE, SSL_VERIFY_PEER};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:4433".into());
    let name = args.next().unwrap_or_else(|| "localhost".into());
    let ca = args.next();

    let mut ctx = SslCtx::new();
    match &ca {
        Some(f) => {
            if let Err(e) = ctx.load_verify_locations(Some(Path::new(f)), None) {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
            ctx.set_verify(SSL_VERIFY_PEER, None);
        }
        None => ctx.set_verify(SSL_VERIFY_NONE, None),
    }
    let tcp = match TcpStream::connect(&addr) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("connect {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut ssl = Ssl::new(&ctx);
    ssl.set_tlsext_host_name(&name);
    ssl.set1_host(&name);
    let bio = ssl.set_fd(tcp);
    // The client speaks first after the handshake: do not let Nagle hold the request back.
    bio.set_tcp_nodelay(true);

    let r = ssl.connect();
    if r != 1 {
        eprintln!("SSL_connect returned {r}: {}", ssl.get_error(r));
        for e in error::take_errors() {
            eprintln!("{e}");
        }
        if let Some(errno) = ssl.last_os_error() {
            eprintln!("errno={errno}");
        }
        return ExitCode::FAILURE;
    }
    let v = ssl.get_verify_result();
    println!(
        "{} {} group {} verify {v} ({})",
        ssl.version(),
        ssl.current_cipher_name().unwrap_or("?"),
        ssl.negotiated_group_name().unwrap_or("?"),
        verify_error_string(v)
    );
    let req = format!("GET / HTTP/1.0\r\nHost: {name}\r\n\r\n");
    if ssl.write(req.as_bytes()) <= 0 {
        eprintln!("write failed: {}", ssl.get_error(-1));
        return ExitCode::FAILURE;
    }
    let mut buf = [0u8; 16384];
    loop {
        let n = ssl.read(&mut buf);
        if n <= 0 {
            println!("\n[read returned {n}: {}]", ssl.get_error(n));
            break;
        }
        print!("{}", String::from_utf8_lossy(&buf[..n as usize]));
    }
    ssl.shutdown();
    ExitCode::SUCCESS
}
