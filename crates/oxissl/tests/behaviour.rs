//! The rest of the OpenSSL contract against `openssl s_server`: verification outcomes, EOF and
//! close_notify, shutdown, write retries, modes, ALPN, groups, suites, and `SslStream`.

mod common;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use oxissl::error::{self as err, reason};
use oxissl::{
    new_bio_pair, Bio, BioIo, ErrorCode, HandshakeError, MemBio, PairBio, Ssl, SslCtx, SslStream,
    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_MODE_RELEASE_BUFFERS,
    SSL_OP_NO_TICKET, SSL_VERIFY_NONE, SSL_VERIFY_PEER, TLS1_2_VERSION,
};
use oxissl_engine::{ProtocolVersion, StoredSession};

fn trusting_ctx() -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.load_verify_locations(path(&certs().ca), None).unwrap();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    ctx
}

fn connected(ctx: &SslCtx, port: u16) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    ssl.set_tlsext_host_name("localhost");
    ssl.set1_host("localhost");
    ssl.set_fd(tcp(port));
    assert_eq!(ssl.connect(), 1, "{:?}", err::peek_error());
    ssl
}

const GET: &[u8] = b"GET / HTTP/1.0\r\n\r\n";

/// Reads until `read` returns <= 0; returns the bytes and the final return value.
fn read_all(ssl: &mut Ssl) -> (Vec<u8>, i32) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let r = ssl.read(&mut buf);
        if r <= 0 {
            return (out, r);
        }
        out.extend_from_slice(&buf[..r as usize]);
    }
}

#[test]
fn untrusted_certificate_with_verify_none_succeeds_and_records_20() {
    let server = www_server();
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_NONE, None);
    let ssl = connected(&ctx, server.port);
    assert_eq!(ssl.get_verify_result(), 20);
    assert!(ssl.peer_certificate().is_some());
}

#[test]
fn untrusted_certificate_with_verify_peer_fails_134_and_records_20() {
    let server = www_server();
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    let mut ssl = Ssl::new(&ctx);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::CERTIFICATE_VERIFY_FAILED
    );
    assert_eq!(ssl.get_verify_result(), 20);
    // After a fatal error, later calls return -1 and leave the queue as it was.
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    err::clear_error();
}

#[test]
fn host_and_ip_mismatch_give_62_and_64() {
    let server = www_server();
    for (host, code) in [("example.com", 62), ("127.0.0.2", 64), ("127.0.0.1", 0)] {
        let mut ssl = Ssl::new(&trusting_ctx());
        assert!(ssl.set1_host(host));
        ssl.set_fd(tcp(server.port));
        let r = ssl.connect();
        assert_eq!(ssl.get_verify_result(), code, "{host}");
        assert_eq!(r == 1, code == 0, "{host}");
        err::clear_error();
    }
}

#[test]
fn verify_callback_can_override_a_failure() {
    let server = www_server();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let mut ctx = SslCtx::new();
    ctx.set_verify(
        SSL_VERIFY_PEER,
        Some(Arc::new(move |ok, code| {
            seen.fetch_add(1, Ordering::SeqCst);
            assert!(!ok);
            assert_eq!(code, 20);
            true
        })),
    );
    let ssl = connected(&ctx, server.port);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(ssl.get_verify_result(), 20, "the failure stays recorded");
}

#[test]
fn zero_return_after_close_notify() {
    let server = www_server();
    let mut ssl = connected(&trusting_ctx(), server.port);
    assert_eq!(ssl.write(GET), GET.len() as i32);
    let (page, r) = read_all(&mut ssl);
    assert!(page.starts_with(b"HTTP/1.0 200"));
    assert_eq!(r, 0);
    assert_eq!(ssl.get_error(0), ErrorCode::ZERO_RETURN);
    assert!(err::peek_error().is_none());
    // Both close_notifys are done after our shutdown.
    assert_eq!(ssl.shutdown(), 1);
    assert_eq!(ssl.get_shutdown(), 3);
}

#[test]
fn eof_after_handshake_reads_0_with_ssl_error_294() {
    let server = s_server(&[]);
    let mut ssl = Ssl::new(&trusting_ctx());
    let bio = ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    // Read the server's tickets (proof it has read our Finished), so that nothing is left
    // unread on its side when it dies; otherwise the kernel would send RST, not FIN.
    let sock = bio.try_clone_stream().unwrap();
    sock.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(ssl.read(&mut buf), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    sock.set_read_timeout(Some(DEADLINE)).unwrap();
    drop(server); // killed: the kernel closes the socket without close_notify
    err::clear_error();
    let r = ssl.read(&mut buf);
    assert_eq!(
        r,
        0,
        "{:?} {:?} {:?}",
        ssl.get_error(r),
        err::peek_error(),
        ssl.last_os_error()
    );
    assert_eq!(ssl.get_error(r), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::UNEXPECTED_EOF_WHILE_READING
    );
    err::clear_error();
}

#[test]
fn shutdown_returns_minus_one_in_init_then_0_then_1() {
    let server = www_server();
    let mut ssl = Ssl::new(&trusting_ctx());
    ssl.set_connect_state();
    assert_eq!(ssl.shutdown(), -1);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::SHUTDOWN_WHILE_IN_INIT
    );
    err::clear_error();
    let mut ssl = connected(&trusting_ctx(), server.port);
    assert_eq!(ssl.shutdown(), 0, "ours sent, theirs not seen");
    assert_eq!(ssl.write(GET), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::PROTOCOL_IS_SHUTDOWN
    );
    err::clear_error();
}

#[test]
fn do_handshake_without_connect_state_is_144() {
    let mut ssl = Ssl::new(&SslCtx::new());
    assert_eq!(ssl.do_handshake(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::CONNECTION_TYPE_NOT_SET
    );
    err::clear_error();
}

#[test]
fn connect_clears_the_error_queue_on_entry() {
    let server = www_server();
    err::push_ssl(reason::BAD_WRITE_RETRY);
    let _ssl = connected(&trusting_ctx(), server.port);
    assert!(err::peek_error().is_none());
}

#[test]
fn implicit_handshake_on_first_write_and_read() {
    let server = www_server();
    let mut ssl = Ssl::new(&trusting_ctx());
    ssl.set_fd(tcp(server.port));
    ssl.set_connect_state();
    assert!(ssl.in_init());
    assert_eq!(ssl.state_string(), "PINIT");
    assert_eq!(ssl.write(GET), GET.len() as i32);
    assert!(ssl.is_init_finished());
    let (page, _) = read_all(&mut ssl);
    assert!(page.starts_with(b"HTTP/1.0 200"));
}

#[test]
fn write_before_handshake_on_nonblocking_bio_sends_client_hello_and_wants_read() {
    let mut ssl = Ssl::new(&trusting_ctx());
    let (rbio, wbio) = (MemBio::new(), MemBio::new());
    ssl.set_bio(Box::new(rbio), Box::new(wbio.clone()));
    ssl.set_connect_state();
    assert_eq!(ssl.write(GET), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    assert_eq!(wbio.take_all()[0], 0x16, "a ClientHello record went out");
}

#[test]
fn max_version_tls12_negotiates_tls12() {
    let server = www_server();
    let mut ctx = trusting_ctx();
    assert!(ctx.set_max_proto_version(TLS1_2_VERSION));
    let mut ssl = Ssl::new(&ctx);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    assert_eq!(ssl.version(), "TLSv1.2");
    assert_eq!(ssl.version_number(), TLS1_2_VERSION);
    // SSL_CIPHER_get_name spells TLS 1.2 suites OpenSSL's way.
    let name = ssl.current_cipher_name().unwrap();
    assert!(name.starts_with("ECDHE-"), "{name}");
}

#[test]
fn protocol_range_below_tls12_fails_clearly_at_connect() {
    let server = www_server();
    let mut ctx = trusting_ctx();
    assert!(ctx.set_max_proto_version(oxissl::TLS1_1_VERSION));
    let mut ssl = Ssl::new(&ctx);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    let e = err::peek_error().unwrap();
    assert_eq!(e.reason(), reason::NO_PROTOCOLS_AVAILABLE);
    assert!(e.data().unwrap().contains("TLS 1.2"));
    err::clear_error();
}

#[test]
fn alpn_groups_and_suites_are_negotiated() {
    let server = s_server(&[
        "-www",
        "-alpn",
        "h2",
        "-groups",
        "P-384:X25519",
        "-ciphersuites",
        "TLS_CHACHA20_POLY1305_SHA256",
    ]);
    let mut ctx = trusting_ctx();
    assert_eq!(ctx.set_alpn_protos(b"\x08http/1.1\x02h2"), 0);
    ctx.set_groups_list("P-256:P-384").unwrap();
    let ssl = connected(&ctx, server.port);
    assert_eq!(ssl.get0_alpn_selected(), Some(&b"h2"[..]));
    assert_eq!(ssl.negotiated_group_name(), Some("secp384r1"));
    assert_eq!(
        ssl.current_cipher_name(),
        Some("TLS_CHACHA20_POLY1305_SHA256")
    );
    assert_eq!(ssl.peer_cert_chain().len(), 1);
    assert_eq!(ssl.peer_certificate().unwrap()[0], 0x30);
    assert!(!ssl.session_reused());
}

#[test]
fn pending_and_peek() {
    let server = www_server();
    let mut ssl = connected(&trusting_ctx(), server.port);
    assert_eq!(ssl.write(GET), GET.len() as i32);
    let mut small = [0u8; 4];
    assert_eq!(ssl.peek(&mut small), 4);
    assert_eq!(&small, b"HTTP");
    assert!(ssl.pending() > 4);
    let mut again = [0u8; 4];
    assert_eq!(ssl.read(&mut again), 4);
    assert_eq!(again, small);
    assert_eq!(ssl.read_ex(&mut small), Some(4));
}

/// Completes a handshake over a BIO pair whose client-to-network buffer is `size` bytes.
fn pair_client(ctx: &SslCtx, port: u16, size: usize) -> (Ssl, PairBio, std::net::TcpStream) {
    let mut ssl = Ssl::new(ctx);
    let (inner, mut outer) = new_bio_pair(size, 0);
    ssl.set_bio(Box::new(inner.clone()), Box::new(inner));
    let mut sock = tcp(port);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let r = ssl.connect();
        pump_out(&mut outer, &mut sock);
        if r == 1 {
            break;
        }
        if ssl.get_error(r) == ErrorCode::WANT_READ {
            let mut buf = vec![0u8; 4096];
            let n = sock.read(&mut buf).unwrap();
            assert!(n > 0);
            assert_eq!(outer.write(&buf[..n]), BioIo::Done(n));
        }
        assert!(Instant::now() < deadline);
    }
    (ssl, outer, sock)
}

fn pump_out(outer: &mut PairBio, sock: &mut std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    while let BioIo::Done(n) = outer.read(&mut buf) {
        sock.write_all(&buf[..n]).unwrap();
    }
}

#[test]
fn write_retry_with_another_buffer_is_bad_write_retry_127() {
    let server = www_server();
    let (mut ssl, mut outer, mut sock) = pair_client(&trusting_ctx(), server.port, 256);
    let data = vec![b'a'; 1000];
    let other = vec![b'a'; 1000];
    assert_eq!(ssl.write(&data), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_WRITE);
    assert_eq!(ssl.write(&other), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(err::peek_error().unwrap().reason(), reason::BAD_WRITE_RETRY);
    err::clear_error();
    // The same buffer completes once the bytes are moved.
    let deadline = Instant::now() + DEADLINE;
    loop {
        pump_out(&mut outer, &mut sock);
        let r = ssl.write(&data);
        if r > 0 {
            assert_eq!(r, 1000);
            break;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_WRITE);
        assert!(Instant::now() < deadline);
    }
}

#[test]
fn accept_moving_write_buffer_allows_another_buffer() {
    let server = www_server();
    let mut ctx = trusting_ctx();
    ctx.set_mode(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    let (mut ssl, mut outer, mut sock) = pair_client(&ctx, server.port, 256);
    let data = vec![b'a'; 1000];
    assert_eq!(ssl.write(&data), -1);
    let moved = data.clone();
    let deadline = Instant::now() + DEADLINE;
    loop {
        pump_out(&mut outer, &mut sock);
        let r = ssl.write(&moved);
        if r > 0 {
            assert_eq!(r, 1000);
            break;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_WRITE);
        assert!(Instant::now() < deadline);
    }
}

#[test]
fn partial_write_mode_returns_after_one_record() {
    let server = www_server();
    let mut ctx = trusting_ctx();
    assert_eq!(
        ctx.set_mode(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_RELEASE_BUFFERS),
        0x4 | 0x1 | 0x10
    );
    let mut ssl = connected(&ctx, server.port);
    let data = vec![b'x'; 40000];
    assert_eq!(ssl.write(&data), 16384);
}

#[test]
fn release_buffers_mode_still_reads_and_writes() {
    let server = www_server();
    let mut ctx = trusting_ctx();
    ctx.set_mode(SSL_MODE_RELEASE_BUFFERS);
    let mut ssl = connected(&ctx, server.port);
    assert_eq!(ssl.write(GET), GET.len() as i32);
    let (page, r) = read_all(&mut ssl);
    assert!(page.starts_with(b"HTTP/1.0 200"));
    assert_eq!(ssl.get_error(r), ErrorCode::ZERO_RETURN);
}

#[test]
fn ssl_stream_blocking_read_write() {
    let server = www_server();
    let mut tls = SslStream::connect(&trusting_ctx(), "localhost", tcp(server.port)).unwrap();
    tls.write_all(GET).unwrap();
    let mut page = Vec::new();
    tls.read_to_end(&mut page).unwrap();
    assert!(page.starts_with(b"HTTP/1.0 200"));
    assert_eq!(tls.ssl().version(), "TLSv1.3");
}

#[test]
fn ssl_stream_verify_failure_is_an_error_with_134() {
    let server = www_server();
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    match SslStream::connect(&ctx, "localhost", tcp(server.port)) {
        Err(HandshakeError::Failure(e)) => {
            assert_eq!(e.code(), ErrorCode::SSL);
            assert_eq!(e.errors()[0].reason(), reason::CERTIFICATE_VERIFY_FAILED);
        }
        other => panic!("unexpected {:?}", other.map(|_| ())),
    }
}

/// A TCP relay to `port` on 127.0.0.1 that passes nothing on until `gate` fires: a client
/// connected through it is sure to find nothing to read at first.
fn gated_relay(port: u16) -> (u16, std::sync::mpsc::Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let relay_port = listener.local_addr().unwrap().port();
    let (gate, opened) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let (client, _) = listener.accept().unwrap();
        let server = tcp(port);
        let _ = opened.recv_timeout(DEADLINE);
        let pipe = |mut from: std::net::TcpStream, mut to: std::net::TcpStream| {
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut from, &mut to);
                let _ = to.shutdown(std::net::Shutdown::Write);
            })
        };
        pipe(client.try_clone().unwrap(), server.try_clone().unwrap());
        pipe(server, client);
    });
    (relay_port, gate)
}

#[test]
fn ssl_stream_nonblocking_maps_want_to_would_block() {
    let server = www_server();
    // Nothing reaches the server until the first attempt has returned, so it blocks.
    let (port, gate) = gated_relay(server.port);
    let sock = tcp(port);
    sock.set_nonblocking(true).unwrap();
    let probe = sock.try_clone().unwrap();
    let deadline = Instant::now() + DEADLINE;
    let mut blocked = 0;
    let mut tls = match SslStream::connect(&trusting_ctx(), "localhost", sock) {
        Ok(s) => s,
        Err(HandshakeError::WouldBlock(mut mid)) => loop {
            blocked += 1;
            let _ = gate.send(());
            wait_readable(&probe, Duration::from_millis(200));
            match mid.handshake() {
                Ok(s) => break s,
                Err(HandshakeError::WouldBlock(m)) => mid = m,
                Err(HandshakeError::Failure(e)) => panic!("{e}"),
            }
            assert!(Instant::now() < deadline);
        },
        Err(HandshakeError::Failure(e)) => panic!("{e}"),
    };
    assert!(blocked >= 1, "{:?}", tls.ssl());
    tls.write_all(GET).unwrap();
    let mut buf = [0u8; 64];
    loop {
        match tls.read(&mut buf) {
            Ok(n) => {
                assert!(buf[..n].starts_with(b"HTTP/1.0 200"));
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                wait_readable(&probe, Duration::from_millis(200))
            }
            Err(e) => panic!("{e}"),
        }
        assert!(Instant::now() < deadline);
    }
}

#[test]
fn bio_pair_default_size_and_shutdown_wr() {
    let (mut a, mut b) = new_bio_pair(0, 0);
    assert_eq!(a.get_write_guarantee(), 17408);
    assert_eq!(a.write(&vec![0u8; 20000]), BioIo::Done(17408));
    assert_eq!(a.write(b"x"), BioIo::Retry);
    assert!(a.should_write());
    let mut buf = vec![0u8; 20000];
    assert_eq!(b.read(&mut buf), BioIo::Done(17408));
    a.shutdown_wr();
    assert_eq!(b.read(&mut buf), BioIo::Eof);
}

#[test]
fn without_auto_retry_a_read_that_only_meets_tickets_wants_read() {
    // OpenSSL: with SSL_MODE_AUTO_RETRY cleared, a blocking SSL_read that processes only
    // post-handshake records (here the server's NewSessionTickets) returns -1 WANT_READ.
    let server = www_server();
    let mut ctx = trusting_ctx();
    ctx.clear_mode(oxissl::SSL_MODE_AUTO_RETRY);
    let mut ssl = Ssl::new(&ctx);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    let mut buf = [0u8; 4096];
    assert_eq!(ssl.read(&mut buf), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    assert!(ssl.rbio().unwrap().should_read());
    // The connection carries on: the page arrives once it is asked for.
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    let mut page = Vec::new();
    for _ in 0..50 {
        let n = ssl.read(&mut buf);
        if n > 0 {
            page.extend_from_slice(&buf[..n as usize]);
        } else if ssl.get_error(n) != ErrorCode::WANT_READ {
            break;
        }
    }
    assert!(String::from_utf8_lossy(&page).contains("HTTP/1.0 200 ok"));
}

/// Fetches the `-www` page (by then the server's tickets have arrived) and shuts down.
fn fetch_page(ssl: &mut Ssl) {
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    let mut buf = [0u8; 4096];
    while ssl.read(&mut buf) > 0 {}
    let _ = ssl.shutdown();
}

#[test]
fn set_session_resumes_and_session_reused_says_so() {
    let server = www_server();
    let ctx = trusting_ctx();
    let mut first = Ssl::new(&ctx);
    first.set_fd(tcp(server.port));
    assert_eq!(first.connect(), 1);
    assert!(!first.session_reused());
    fetch_page(&mut first);
    let session = first.get1_session().expect("a TLS 1.3 ticket arrived");
    // Without SSL_set_session a client does not resume (OpenSSL's default cache mode).
    let mut plain = Ssl::new(&ctx);
    plain.set_fd(tcp(server.port));
    assert_eq!(plain.connect(), 1);
    assert!(!plain.session_reused());
    // s_server serves one connection at a time: finish this one first.
    fetch_page(&mut plain);
    let mut second = Ssl::new(&ctx);
    second.set_session(Some(session));
    second.set_fd(tcp(server.port));
    assert_eq!(second.connect(), 1);
    assert!(second.session_reused());
    assert_eq!(second.get_verify_result(), 0);
    assert!(second.peer_certificate().is_some());
}

#[test]
fn client_session_cache_mode_does_not_resume_by_itself() {
    // SSL_CTX_set_session_cache_mode(3): "no automatic reuse of client sessions is done".
    let server = www_server();
    let mut ctx = trusting_ctx();
    assert_eq!(
        ctx.set_session_cache_mode(oxissl::SSL_SESS_CACHE_CLIENT),
        oxissl::SSL_SESS_CACHE_SERVER
    );
    assert_eq!(ctx.session_cache_mode(), oxissl::SSL_SESS_CACHE_CLIENT);
    let mut first = Ssl::new(&ctx);
    first.set_tlsext_host_name("localhost");
    first.set_fd(tcp(server.port));
    assert_eq!(first.connect(), 1);
    fetch_page(&mut first);
    let session = first.get1_session().expect("a TLS 1.3 ticket arrived");
    let mut second = Ssl::new(&ctx);
    second.set_tlsext_host_name("localhost");
    second.set_fd(tcp(server.port));
    assert_eq!(second.connect(), 1);
    assert!(!second.session_reused());
    fetch_page(&mut second);
    let mut third = Ssl::new(&ctx);
    third.set_tlsext_host_name("localhost");
    third.set_session(Some(session));
    third.set_fd(tcp(server.port));
    assert_eq!(third.connect(), 1);
    assert!(third.session_reused());
}

/// A TLS 1.2-only context trusting the test CA, with `options` added.
fn tls12_ctx(options: u64) -> SslCtx {
    let mut ctx = trusting_ctx();
    assert!(ctx.set_max_proto_version(TLS1_2_VERSION));
    ctx.set_options(options);
    ctx
}

/// Connects (offering `session`), fetches the `-www` page and shuts down.
fn tls12_fetch(ctx: &SslCtx, port: u16, session: Option<StoredSession>) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    ssl.set_tlsext_host_name("localhost");
    ssl.set1_host("localhost");
    ssl.set_session(session);
    ssl.set_fd(tcp(port));
    assert_eq!(ssl.connect(), 1, "{:?}", err::peek_error());
    assert_eq!(ssl.version(), "TLSv1.2");
    fetch_page(&mut ssl);
    ssl
}

#[test]
fn tls12_set_session_resumes_by_ticket_and_session_reused_says_so() {
    let server = s_server(&["-www", "-tls1_2"]);
    let ctx = tls12_ctx(0);
    let first = tls12_fetch(&ctx, server.port, None);
    assert!(!first.session_reused());
    let session = first.get1_session().expect("a TLS 1.2 session");
    assert_eq!(session.version(), ProtocolVersion::TLS12);
    assert!(!session.ticket().is_empty(), "RFC 5077 ticket");
    // Without set_session: a full handshake.
    assert!(!tls12_fetch(&ctx, server.port, None).session_reused());
    let resumed = tls12_fetch(&ctx, server.port, Some(session));
    assert!(resumed.session_reused());
    // The abbreviated handshake (RFC 5246 §7.3) carries no certificate: the original
    // verification and chain are reported.
    assert_eq!(resumed.get_verify_result(), 0);
    assert!(resumed.peer_certificate().is_some());
}

#[test]
fn ssl_op_no_ticket_gives_a_session_id_that_resumes() {
    let server = s_server(&["-www", "-tls1_2"]);
    let ctx = tls12_ctx(SSL_OP_NO_TICKET);
    let first = tls12_fetch(&ctx, server.port, None);
    let session = first.get1_session().expect("a TLS 1.2 session");
    assert!(session.ticket().is_empty(), "no ticket was asked for");
    assert_eq!(session.session_id().len(), 32);
    let resumed = tls12_fetch(&ctx, server.port, Some(session.clone()));
    assert!(resumed.session_reused());
    // RFC 5246 §7.4.1.3: the server echoes the session id it resumes.
    let after = resumed.get1_session().expect("the resumed session");
    assert_eq!(after.session_id(), session.session_id());
}

#[test]
fn get1_session_after_a_tls12_resumption_is_resumable() {
    let server = s_server(&["-www", "-tls1_2"]);
    let ctx = tls12_ctx(0);
    let session = tls12_fetch(&ctx, server.port, None).get1_session().unwrap();
    let resumed = tls12_fetch(&ctx, server.port, Some(session.clone()));
    assert!(resumed.session_reused());
    let again = resumed
        .get1_session()
        .expect("a session after the resumption");
    assert!(again.same_resumption(&session));
    assert!(tls12_fetch(&ctx, server.port, Some(again)).session_reused());
}

/// The ClientHello `ssl` sends first, over memory BIOs.
fn first_client_hello(mut ssl: Ssl) -> Vec<u8> {
    let rbio = MemBio::new();
    let wbio = MemBio::new();
    ssl.set_bio(Box::new(rbio), Box::new(wbio.clone()));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    let mut out = vec![0u8; 4096];
    let mut w = wbio;
    match w.read(&mut out) {
        BioIo::Done(n) => out.truncate(n),
        other => panic!("no ClientHello: {other:?}"),
    }
    out
}

#[test]
fn a_cleared_server_name_is_not_sent() {
    // SSL_set_tlsext_host_name(ssl, NULL) takes back an earlier name.
    let has_name = |hello: &[u8]| hello.windows(9).any(|w| w == b"localhost");
    let ctx = SslCtx::new();
    let mut named = Ssl::new(&ctx);
    named.set_tlsext_host_name("localhost");
    assert!(has_name(&first_client_hello(named)));
    let mut cleared = Ssl::new(&ctx);
    cleared.set_tlsext_host_name("localhost");
    cleared.clear_tlsext_host_name();
    assert_eq!(cleared.servername(), None);
    assert!(!has_name(&first_client_hello(cleared)));
}

#[test]
fn connections_with_an_empty_late_anchor_source_share_the_verdict_cache() {
    // The C ABI always asks its X509_STORE for anchors added at run time; when there are none,
    // repeat contact still skips path building.
    let server = www_server();
    let ctx = trusting_ctx();
    for _ in 0..2 {
        let mut ssl = Ssl::new(&ctx);
        ssl.set_trust_anchor_source(Arc::new(Vec::new));
        ssl.set_tlsext_host_name("localhost");
        ssl.set1_host("localhost");
        ssl.set_fd(tcp(server.port));
        assert_eq!(ssl.connect(), 1, "{:?}", err::peek_error());
        assert_eq!(ssl.get_verify_result(), 0);
        ssl.shutdown();
    }
    assert!(ctx.root_store().verification_cache().hits() >= 1);
}

#[test]
fn connections_with_the_same_late_anchors_share_one_merged_store_and_its_verdict_cache() {
    // From C: the CA a program put in SSL_CTX_get_cert_store(), which the context's roots do
    // not hold. Each connection asks for it again; the merge is made once for the same set.
    let server = www_server();
    let ca_pem = std::fs::read_to_string(&certs().ca).unwrap();
    let ca = oxissl::pem::decode("CERTIFICATE", &ca_pem).expect("the CA in PEM");
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    let connect = |ctx: &SslCtx, anchors: Vec<Vec<u8>>| {
        let mut ssl = Ssl::new(ctx);
        ssl.set_trust_anchor_source(Arc::new(move || anchors.clone()));
        ssl.set_tlsext_host_name("localhost");
        ssl.set1_host("localhost");
        ssl.set_fd(tcp(server.port));
        let r = ssl.connect();
        let verify = ssl.get_verify_result();
        ssl.shutdown();
        (r, verify)
    };
    assert_eq!(connect(&ctx, vec![ca.clone()]), (1, 0));
    let merged = ctx.merged_root_store().expect("a merged store");
    assert_eq!(merged.len(), 1);
    assert_eq!(connect(&ctx, vec![ca.clone()]), (1, 0));
    let again = ctx.merged_root_store().unwrap();
    assert!(
        Arc::ptr_eq(&merged, &again),
        "the same set reuses the merge"
    );
    assert!(
        again.verification_cache().hits() >= 1,
        "the second chain came from the cache"
    );
    // A different set (the CA taken away) is merged anew and verified anew: it fails.
    let (r, verify) = connect(&ctx, vec![b"not a certificate".to_vec()]);
    assert_eq!(r, -1);
    assert_eq!(verify, 20, "unable to get local issuer certificate");
    err::clear_error();
    let other = ctx.merged_root_store().unwrap();
    assert!(!Arc::ptr_eq(&merged, &other));
    assert_eq!(other.len(), 0);
}

/// A memory BIO that counts the reads that copy bytes out (`read`), to tell them from the
/// bytes it lends in place.
struct CountingBio {
    mem: MemBio,
    copying_reads: Arc<AtomicUsize>,
}

impl Bio for CountingBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        let r = self.mem.read(buf);
        if matches!(r, BioIo::Done(_)) {
            self.copying_reads.fetch_add(1, Ordering::Relaxed);
        }
        r
    }
    fn read_in_place(&mut self, take: &mut dyn FnMut(&[u8]) -> usize) -> Option<usize> {
        self.mem.read_in_place(take)
    }
    fn write(&mut self, buf: &[u8]) -> BioIo {
        self.mem.write(buf)
    }
    fn retry_flags(&self) -> oxissl::RetryFlags {
        self.mem.retry_flags()
    }
    fn set_retry_flags(&mut self, flags: oxissl::RetryFlags) {
        self.mem.set_retry_flags(flags)
    }
    fn ctrl_pending(&self) -> usize {
        self.mem.ctrl_pending()
    }
    fn method_name(&self) -> &'static str {
        "counting memory buffer"
    }
}

/// The end offsets of the TLS records in `wire`.
fn record_ends(wire: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0;
    while at + 5 <= wire.len() {
        at += 5 + usize::from(u16::from_be_bytes([wire[at + 3], wire[at + 4]]));
        ends.push(at);
    }
    assert_eq!(
        at,
        wire.len(),
        "the server's bytes end on a record boundary"
    );
    ends
}

/// Handshakes over memory BIOs relayed to `s_server -www` with small records, sends GET, and
/// collects the server's whole answer (through its close_notify) from the socket. Returns the
/// client, its read BIO (still empty), the copying-read counter and the answer's bytes.
fn www_answer_over_memory_bios(extra: &[&str]) -> (Ssl, MemBio, Arc<AtomicUsize>, Vec<u8>, Server) {
    let mut args = vec!["-www", "-max_send_frag", "512", "-num_tickets", "0"];
    args.extend_from_slice(extra);
    let server = s_server(&args);
    let mut sock = tcp(server.port);
    let (rbio, wbio) = (MemBio::new(), MemBio::new());
    let copying_reads = Arc::new(AtomicUsize::new(0));
    let mut ssl = Ssl::new(&trusting_ctx());
    ssl.set_tlsext_host_name("localhost");
    ssl.set1_host("localhost");
    ssl.set_bio(
        Box::new(CountingBio {
            mem: rbio.clone(),
            copying_reads: copying_reads.clone(),
        }),
        Box::new(wbio.clone()),
    );
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let r = ssl.connect();
        sock.write_all(&wbio.take_all()).unwrap();
        if r == 1 {
            break;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_READ);
        let n = sock.read(&mut buf).unwrap();
        assert!(n > 0, "server closed during the handshake");
        rbio.push(&buf[..n]);
    }
    assert_eq!(ssl.write(GET), GET.len() as i32);
    sock.write_all(&wbio.take_all()).unwrap();
    // s_server -www sends the page and its close_notify at once, then waits for ours: the
    // answer is complete when the socket has been quiet for a while.
    let mut answer = Vec::new();
    let n = sock.read(&mut buf).unwrap();
    answer.extend_from_slice(&buf[..n]);
    sock.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    while let Ok(n) = sock.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    (ssl, rbio, copying_reads, answer, server)
}

#[test]
fn records_sitting_whole_in_a_memory_bio_are_read_one_at_a_time_without_copying_them_out() {
    records_in_a_memory_bio_are_decrypted_in_place(&[]);
}

#[test]
fn tls12_records_sitting_whole_in_a_memory_bio_are_decrypted_in_place_too() {
    records_in_a_memory_bio_are_decrypted_in_place(&["-tls1_2"]);
}

fn records_in_a_memory_bio_are_decrypted_in_place(server_args: &[&str]) {
    let (mut ssl, rbio, copying_reads, answer, _server) = www_answer_over_memory_bios(server_args);
    let ends = record_ends(&answer);
    assert!(ends.len() > 4, "small records: {}", ends.len());
    rbio.push(&answer);
    let before = copying_reads.load(Ordering::Relaxed);
    let mut page = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut copied_for_data = 0;
    loop {
        let r = ssl.read(&mut buf);
        // Without read-ahead a read takes whole records from the BIO, never part of the next.
        let taken = answer.len() - rbio.ctrl_pending();
        assert!(
            ends.contains(&taken),
            "read stopped inside a record at {taken}"
        );
        if r <= 0 {
            assert_eq!(r, 0, "{:?}", err::peek_error());
            assert_eq!(ssl.get_error(r), ErrorCode::ZERO_RETURN);
            break;
        }
        assert!(r <= 512, "one record per read: {r}");
        page.extend_from_slice(&buf[..r as usize]);
        copied_for_data = copying_reads.load(Ordering::Relaxed) - before;
    }
    assert!(page.starts_with(b"HTTP/1.0 200"), "{page:?}");
    assert_eq!(rbio.ctrl_pending(), 0);
    // Application data records are decrypted from the BIO's bytes. (TLS 1.2's close_notify,
    // an alert record, is read the usual way: a header and a body read after the data.)
    assert_eq!(
        copied_for_data, 0,
        "whole records were decrypted from the BIO's bytes, not read out of it"
    );
    assert!(copying_reads.load(Ordering::Relaxed) - before <= 2);
}

#[test]
fn a_forged_record_lent_by_a_memory_bio_fails_the_read_with_bad_record_mac() {
    let (mut ssl, rbio, _, mut answer, _server) = www_answer_over_memory_bios(&[]);
    let ends = record_ends(&answer);
    // Flip a ciphertext byte in the middle of the third record.
    let third = (ends[1] + ends[2]) / 2;
    answer[third] ^= 0x40;
    rbio.push(&answer);
    let mut buf = vec![0u8; 64 * 1024];
    assert!(ssl.read(&mut buf) > 0);
    assert!(ssl.read(&mut buf) > 0);
    let r = ssl.read(&mut buf);
    assert_eq!(r, -1);
    assert_eq!(ssl.get_error(r), ErrorCode::SSL);
    let e = err::peek_error().expect("an error queued");
    assert_eq!(e.reason(), reason::DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    err::clear_error();
    // The failure stays: no later read returns data.
    assert_eq!(ssl.read(&mut buf), -1);
    err::clear_error();
}

#[test]
fn a_connection_keeps_the_context_settings_it_was_made_with() {
    // SSL_new copies the context's settings: later changes to either side stay on that side.
    let mut ctx = SslCtx::new();
    ctx.set_options(SSL_OP_NO_TICKET);
    let mut first = Ssl::new(&ctx);
    let second = Ssl::new(&ctx);
    ctx.clear_options(SSL_OP_NO_TICKET);
    ctx.set_mode(SSL_MODE_RELEASE_BUFFERS);
    assert_ne!(first.options() & SSL_OP_NO_TICKET, 0);
    assert_eq!(first.mode() & SSL_MODE_RELEASE_BUFFERS, 0);
    first.clear_options(SSL_OP_NO_TICKET);
    assert_eq!(first.options() & SSL_OP_NO_TICKET, 0);
    assert_ne!(
        second.options() & SSL_OP_NO_TICKET,
        0,
        "a sibling is not touched"
    );
    let third = Ssl::new(&ctx);
    assert_eq!(third.options() & SSL_OP_NO_TICKET, 0);
    assert_ne!(third.mode() & SSL_MODE_RELEASE_BUFFERS, 0);
}

#[test]
fn hello_randoms_are_there_once_the_hellos_are() {
    let server = www_server();
    let ctx = trusting_ctx();
    let fresh = Ssl::new(&ctx);
    assert_eq!((fresh.client_random(), fresh.server_random()), (None, None));
    let ssl = connected(&ctx, server.port);
    let (client, server_random) = (ssl.client_random().unwrap(), ssl.server_random().unwrap());
    assert_ne!(client, [0; 32]);
    assert_ne!(server_random, [0; 32]);
    assert_ne!(client, server_random);
}

#[test]
fn keying_material_is_exported_once_connected_with_openssls_error_codes() {
    let server = s_server(&["-www", "-tls1_2"]);
    let ctx = trusting_ctx();
    let fresh = Ssl::new(&ctx);
    let mut out = [0u8; 32];
    err::clear_error();
    let e = fresh
        .export_keying_material(&mut out, b"EXPERIMENTAL a", None)
        .unwrap_err();
    assert_eq!(e.reason(), reason::BAD_HANDSHAKE_STATE);
    assert_eq!(err::get_error().map(|e| e.reason()), Some(e.reason()));

    let ssl = connected(&ctx, server.port);
    let export = |label: &[u8], context: Option<&[u8]>| {
        let mut out = [0u8; 32];
        ssl.export_keying_material(&mut out, label, context)
            .map(|()| out)
    };
    let a = export(b"EXPERIMENTAL a", None).unwrap();
    assert_eq!(export(b"EXPERIMENTAL a", None).unwrap(), a);
    assert_ne!(export(b"EXPERIMENTAL b", None).unwrap(), a);
    // RFC 5705 §4: in TLS 1.2 an empty context is not the same as none.
    assert_ne!(export(b"EXPERIMENTAL a", Some(b"")).unwrap(), a);
    // The PRF's own labels are refused, as OpenSSL refuses them.
    let e = export(b"master secret", None).unwrap_err();
    assert_eq!(e.reason(), reason::TLS_ILLEGAL_EXPORTER_LABEL);
    assert_eq!(
        e.to_string()
            .split(':')
            .take(5)
            .collect::<Vec<_>>()
            .join(":"),
        "error:0A00016F:SSL routines::tls illegal exporter label"
    );
}

/// Key log lines, in the order logged.
#[derive(Default)]
struct KeyLogLines(std::sync::Mutex<Vec<String>>);

impl oxissl_engine::KeyLog for KeyLogLines {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let line = oxissl_engine::key_log_line(label, client_random, secret);
        self.0.lock().unwrap().push(line);
    }
}

/// Connects with a key log on the context to an `s_server -keylogfile` and returns both
/// sides' lines, sorted.
fn key_logs(version: &str, file: &str) -> (Vec<String>, Vec<String>) {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{file}-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let server = s_server(&["-www", version, "-keylogfile", path.to_str().unwrap()]);
    let mut ctx = trusting_ctx();
    let lines = Arc::new(KeyLogLines::default());
    ctx.set_key_log(Some(lines.clone()));
    let mut ssl = connected(&ctx, server.port);
    // The page arrives after the server's handshake is over: its lines are written by then.
    assert_eq!(ssl.write(GET), GET.len() as i32);
    let (page, _) = read_all(&mut ssl);
    assert!(!page.is_empty());
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let _ = std::fs::remove_file(&path);
    let mut theirs: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut ours = lines.0.lock().unwrap().clone();
    theirs.sort();
    ours.sort();
    (ours, theirs)
}

#[test]
fn key_log_lines_are_the_ones_openssl_logs_for_the_same_connection() {
    let (ours, theirs) = key_logs("-tls1_3", "keylog13");
    assert_eq!(ours.len(), 5, "{ours:#?}");
    assert_eq!(ours, theirs);
    let (ours, theirs) = key_logs("-tls1_2", "keylog12");
    assert_eq!(ours.len(), 1, "{ours:#?}");
    assert!(ours[0].starts_with("CLIENT_RANDOM "));
    assert_eq!(ours, theirs);
}

#[test]
fn one_object_reconnects_after_clear_and_resumes_only_after_shutdown() {
    let server = s_server(&["-www", "-tls1_2"]);
    let ctx = trusting_ctx();
    let mut ssl = connected(&ctx, server.port);
    assert!(!ssl.session_reused());
    assert_eq!(ssl.shutdown(), 0);
    // Shut down: the session is kept and offered by the next connection.
    ssl.clear();
    assert!(ssl.in_before());
    assert_eq!(ssl.get_shutdown(), 0);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1, "{:?}", err::peek_error());
    assert!(ssl.session_reused());
    // Dropped without shutdown: clear forgets the session, as OpenSSL does.
    ssl.clear();
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    assert!(!ssl.session_reused());
    // set_connect_state on a used object also starts a new connection, offering the session.
    ssl.set_connect_state();
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    assert!(ssl.session_reused());
}

#[test]
fn max_fragment_length_against_openssl() {
    // RFC 6066 §4 with s_server, which enforces the length on what it receives: a 3000-byte
    // line goes out in 512-byte records and comes back reversed in them.
    for version in ["-tls1_3", "-tls1_2"] {
        let server = common::s_server(&["-rev", version]);
        let mut ctx = oxissl::SslCtx::new();
        assert_eq!(ctx.set_tlsext_max_fragment_length(1), 1);
        let mut ssl = oxissl::Ssl::new(&ctx);
        ssl.set_fd(common::tcp(server.port));
        assert_eq!(
            ssl.connect(),
            1,
            "{version}: {:?}",
            oxissl::error::peek_error()
        );
        assert_eq!(ssl.max_fragment_length(), 1);
        let line: Vec<u8> = (0..3000u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut out = line.clone();
        out.push(b'\n');
        assert_eq!(ssl.write(&out), 3001);
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while !got.ends_with(b"\n") {
            let n = ssl.read(&mut buf);
            assert!(n > 0, "{version}: {n} {:?}", oxissl::error::peek_error());
            assert!(n <= 512, "a record of {n} bytes");
            got.extend_from_slice(&buf[..n as usize]);
        }
        let mut want = line.clone();
        want.reverse();
        want.push(b'\n');
        assert_eq!(got, want, "{version}");
    }
    // Another mode is refused with OpenSSL's reason.
    let mut ctx = oxissl::SslCtx::new();
    oxissl::error::clear_error();
    assert_eq!(ctx.set_tlsext_max_fragment_length(5), 0);
    assert_eq!(
        oxissl::error::peek_error().map(|e| e.reason()),
        Some(oxissl::error::reason::SSL3_EXT_INVALID_MAX_FRAGMENT_LENGTH)
    );
}

#[test]
fn block_padding_against_openssl() {
    // RFC 8446 §5.4 padding in every record: s_server takes the padded records as usual.
    let server = common::s_server(&["-rev", "-tls1_3"]);
    let mut ctx = oxissl::SslCtx::new();
    assert_eq!(ctx.set_block_padding(16385), 0, "larger than a record");
    assert_eq!(ctx.set_block_padding(512), 1);
    let mut ssl = oxissl::Ssl::new(&ctx);
    ssl.set_fd(common::tcp(server.port));
    assert_eq!(ssl.connect(), 1, "{:?}", oxissl::error::peek_error());
    assert_eq!(ssl.write(b"padded\n"), 7);
    let mut buf = [0u8; 64];
    let n = ssl.read(&mut buf);
    assert_eq!(&buf[..n.max(0) as usize], b"deddap\n");
    assert_eq!(ssl.set_block_padding(1), 1);
}

#[test]
fn max_send_fragment_against_openssl() {
    let server = common::s_server(&["-rev"]);
    let mut ctx = oxissl::SslCtx::new();
    assert_eq!(ctx.set_max_send_fragment(511), 0);
    assert_eq!(ctx.set_max_send_fragment(16385), 0);
    assert_eq!(ctx.set_max_send_fragment(512), 1);
    let mut ssl = oxissl::Ssl::new(&ctx);
    ssl.set_fd(common::tcp(server.port));
    assert_eq!(ssl.connect(), 1, "{:?}", oxissl::error::peek_error());
    let mut line = vec![b'x'; 2000];
    line.push(b'\n');
    assert_eq!(ssl.write(&line), 2001);
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.ends_with(b"\n") {
        let n = ssl.read(&mut buf);
        assert!(n > 0);
        got.extend_from_slice(&buf[..n as usize]);
    }
    assert_eq!(got, line);
}
