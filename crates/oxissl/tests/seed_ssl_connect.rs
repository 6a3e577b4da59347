//! One test per sentence of SSL_connect(3) (the seed), named after the sentence, each run
//! against a real `openssl s_server` (or a raw TCP server where the sentence is about failure).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;
use oxissl::error::{self as err, reason};
use oxissl::{
    new_bio_pair, Bio, BioIo, ErrorCode, MemBio, PairBio, RetryFlags, SocketBio, Ssl, SslCtx,
    SSL_VERIFY_PEER,
};

fn trusting_ctx() -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.load_verify_locations(path(&certs().ca), None).unwrap();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    ctx
}

fn client(ctx: &SslCtx) -> Ssl {
    let mut ssl = Ssl::new(ctx);
    assert!(ssl.set_tlsext_host_name("localhost"));
    assert!(ssl.set1_host("localhost"));
    ssl
}

/// "SSL_connect() initiates the TLS/SSL handshake with a server."
#[test]
fn ssl_connect_initiates_the_tls_handshake_with_a_server() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(server.port));
    assert!(ssl.in_before());
    assert_eq!(ssl.connect(), 1);
    assert!(ssl.is_init_finished());
    assert_eq!(ssl.version(), "TLSv1.3");
    assert!(ssl.current_cipher_name().unwrap().starts_with("TLS_"));
    assert_eq!(ssl.get_verify_result(), 0);
}

/// "The communication channel must already have been set and assigned to the ssl by setting an
/// underlying BIO."
#[test]
fn communication_channel_must_be_set_by_an_underlying_bio() {
    err::clear_error();
    let mut ssl = client(&trusting_ctx());
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(err::peek_error().unwrap().reason(), reason::BIO_NOT_SET);
    // Later calls keep failing.
    assert_eq!(ssl.connect(), -1);
    err::clear_error();
}

/// "The behaviour of SSL_connect() depends on the underlying BIO." — the same handshake over a
/// socket BIO, memory BIOs and a BIO pair.
#[test]
fn behaviour_depends_on_the_underlying_bio() {
    let server = www_server();
    // Socket BIO: one call.
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    drop(ssl);
    // Memory BIOs: -1 WANT_READ until the caller moves the bytes.
    let mut ssl = client(&trusting_ctx());
    let (rbio, wbio) = (MemBio::new(), MemBio::new());
    ssl.set_bio(Box::new(rbio.clone()), Box::new(wbio.clone()));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    let mut sock = tcp(server.port);
    assert_eq!(drive_mem(&mut ssl, &rbio, &wbio, &mut sock), 1);
}

/// "If the underlying BIO is blocking, SSL_connect() will only return once the handshake has
/// been finished or an error occurred."
#[test]
fn blocking_bio_returns_only_once_handshake_finished_or_error_occurred() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(server.port));
    // One call, no WANT_*: finished.
    assert_eq!(ssl.connect(), 1);
    assert!(!ssl.in_init());
    drop(ssl);
    // Error case: an untrusted chain ends the one call with -1 and SSL_ERROR_SSL.
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    let mut ssl = client(&ctx);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::CERTIFICATE_VERIFY_FAILED
    );
    err::clear_error();
}

/// "If the underlying BIO is non-blocking, SSL_connect() will also return when the underlying
/// BIO could not satisfy the needs of SSL_connect() to continue the handshake, indicating the
/// problem by the return value -1."
#[test]
fn nonblocking_bio_returns_minus_one_when_bio_cannot_satisfy_the_handshake() {
    let server = www_server();
    let relay = GatedRelay::new(server.port);
    let mut ssl = client(&trusting_ctx());
    let sock = tcp(relay.port);
    sock.set_nonblocking(true).unwrap();
    ssl.set_fd(sock);
    // The ClientHello goes out; the server's answer is held back, so the BIO cannot satisfy
    // the handshake and the call returns -1.
    let r = ssl.connect();
    assert_eq!(r, -1);
    assert_eq!(ssl.get_error(r), ErrorCode::WANT_READ);
    relay.open();
}

/// "In this case a call to SSL_get_error() with the return value of SSL_connect() will yield
/// SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE."
#[test]
fn get_error_yields_want_read_or_want_write() {
    // WANT_READ: a non-blocking socket with nothing to read yet.
    let server = www_server();
    let relay = GatedRelay::new(server.port);
    let mut ssl = client(&trusting_ctx());
    let sock = tcp(relay.port);
    sock.set_nonblocking(true).unwrap();
    ssl.set_fd(sock);
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    relay.open();
    // WANT_WRITE: a BIO pair whose write side has no room for the ClientHello.
    let mut ssl = client(&trusting_ctx());
    let (inner, _outer) = new_bio_pair(16, 0);
    ssl.set_bio(Box::new(inner.clone()), Box::new(inner));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_WRITE);
    // get_error is pure: asking again gives the same answer.
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_WRITE);
    assert_eq!(ssl.get_error(0), ErrorCode::WANT_WRITE);
}

/// "The calling process then must repeat the call after taking appropriate action to satisfy
/// the needs of SSL_connect()."
#[test]
fn calling_process_must_repeat_the_call_after_taking_appropriate_action() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    let (rbio, wbio) = (MemBio::new(), MemBio::new());
    ssl.set_bio(Box::new(rbio.clone()), Box::new(wbio.clone()));
    // Without action, repeating the call changes nothing.
    for _ in 0..3 {
        assert_eq!(ssl.connect(), -1);
        assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    }
    let mut sock = tcp(server.port);
    assert_eq!(drive_mem(&mut ssl, &rbio, &wbio, &mut sock), 1);
    assert!(ssl.is_init_finished());
}

/// "The action depends on the underlying BIO. When using a non-blocking socket, nothing is to
/// be done, but select() can be used to check for the required condition."
#[test]
fn nonblocking_socket_nothing_to_be_done_but_select_can_be_used() {
    let server = www_server();
    let relay = GatedRelay::new(server.port);
    let mut ssl = client(&trusting_ctx());
    let sock = tcp(relay.port);
    sock.set_nonblocking(true).unwrap();
    let probe = sock.try_clone().unwrap();
    ssl.set_fd(sock);
    let deadline = Instant::now() + DEADLINE;
    let mut wants = 0;
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    relay.open();
    loop {
        let r = ssl.connect();
        if r == 1 {
            break;
        }
        assert_eq!(r, -1);
        match ssl.get_error(r) {
            ErrorCode::WANT_READ => wait_readable(&probe, Duration::from_millis(200)),
            ErrorCode::WANT_WRITE => std::thread::sleep(Duration::from_millis(1)),
            other => panic!("unexpected {other:?}: {:?}", err::peek_error()),
        }
        wants += 1;
        assert!(Instant::now() < deadline, "handshake did not finish");
    }
    assert!(wants >= 1);
    assert!(ssl.is_init_finished());
    // The connection works afterwards, through the same non-blocking loop.
    let req = b"GET / HTTP/1.0\r\n\r\n";
    loop {
        let r = ssl.write(req);
        if r > 0 {
            assert_eq!(r as usize, req.len());
            break;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_WRITE);
        std::thread::sleep(Duration::from_millis(1));
        assert!(Instant::now() < deadline);
    }
    let mut buf = [0u8; 4096];
    loop {
        let r = ssl.read(&mut buf);
        if r > 0 {
            assert!(buf.starts_with(b"HTTP/1.0 200"));
            break;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_READ);
        wait_readable(&probe, Duration::from_millis(200));
        assert!(Instant::now() < deadline);
    }
}

/// "When using a buffering BIO, like a BIO pair, data must be written into or retrieved out of
/// the BIO before being able to continue."
#[test]
fn buffering_bio_pair_data_must_be_written_into_or_retrieved_out_of_the_bio() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    let (inner, mut outer) = new_bio_pair(0, 0);
    ssl.set_bio(Box::new(inner.clone()), Box::new(inner.clone()));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    // The ClientHello waits in the pair for the caller to retrieve it.
    assert!(outer.ctrl_pending() > 0);
    let mut sock = tcp(server.port);
    assert_eq!(drive_pair(&mut ssl, &inner, &mut outer, &mut sock), 1);
    // Application data the same way.
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    let mut buf = [0u8; 64];
    let n = read_pair(&mut ssl, &mut outer, &mut sock, &mut buf);
    assert!(buf[..n].starts_with(b"HTTP/1.0 200"));
}

/// "Many systems implement Nagle's algorithm by default which means that it will buffer
/// outgoing TCP data if a TCP packet has already been sent for which no corresponding ACK has
/// been received yet from the peer."
#[test]
fn nagle_is_on_by_default() {
    let server = www_server();
    let bio = SocketBio::new(tcp(server.port));
    assert!(!bio.tcp_nodelay().unwrap(), "TCP_NODELAY is off by default");
}

/// "This can have performance impacts after a successful TLSv1.3 handshake or a successful
/// TLSv1.2 (or below) resumption handshake, because the last peer to communicate in the
/// handshake is the client." — the client's last flight leaves in one write.
#[test]
fn last_peer_to_communicate_in_the_handshake_is_the_client() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    let sock = SocketBio::new(tcp(server.port));
    let counter = CountingBio {
        inner: sock,
        writes: std::sync::Arc::new(std::sync::Mutex::new(Vec::new())),
    };
    let writes = counter.writes.clone();
    ssl.set_bio(Box::new(counter.clone()), Box::new(counter));
    assert_eq!(ssl.connect(), 1);
    let w = writes.lock().unwrap().clone();
    // ClientHello, then change_cipher_spec + Finished together: two writes, the client last.
    assert_eq!(w.len(), 2, "writes: {w:?}");
    assert_eq!(
        w[1].0, 0x14,
        "compat change_cipher_spec first in the last flight"
    );
}

/// "If the client is also the first to send application data (as is typical for many
/// protocols) then this data could be buffered until an ACK has been received for the final
/// handshake message." — the first application data is one write of one record.
#[test]
fn client_first_application_data_is_one_write() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    let counter = CountingBio {
        inner: SocketBio::new(tcp(server.port)),
        writes: std::sync::Arc::new(std::sync::Mutex::new(Vec::new())),
    };
    let writes = counter.writes.clone();
    ssl.set_bio(Box::new(counter.clone()), Box::new(counter));
    assert_eq!(ssl.connect(), 1);
    let before = writes.lock().unwrap().len();
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    let w = writes.lock().unwrap().clone();
    assert_eq!(w.len(), before + 1);
    assert_eq!(w[before].0, 0x17);
}

/// "The TCP_NODELAY socket option is often available to disable Nagle's algorithm."
#[test]
fn tcp_nodelay_socket_option_disables_nagle() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    let bio = ssl.set_fd(tcp(server.port));
    assert!(bio.set_tcp_nodelay(true));
    assert!(bio.tcp_nodelay().unwrap());
    // Read back through an independent handle (getsockopt on the same socket).
    assert!(bio.try_clone_stream().unwrap().nodelay().unwrap());
    assert_eq!(ssl.connect(), 1);
}

/// "If an application opts to disable Nagle's algorithm consideration should be given to
/// turning it back on again later if appropriate."
#[test]
fn nagle_can_be_turned_back_on_later() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    let bio = ssl.set_fd(tcp(server.port));
    assert!(bio.set_tcp_nodelay(true));
    assert_eq!(ssl.connect(), 1);
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    assert!(bio.set_tcp_nodelay(false));
    assert!(!bio.try_clone_stream().unwrap().nodelay().unwrap());
}

/// "The helper function BIO_set_tcp_ndelay() can be used to turn on or off the TCP_NODELAY
/// option."
#[test]
fn bio_set_tcp_ndelay_turns_tcp_nodelay_on_or_off() {
    let server = www_server();
    let s = tcp(server.port);
    let check: TcpStream = s.try_clone().unwrap();
    let bio = SocketBio::new(s);
    for on in [true, false, true] {
        assert!(bio.set_tcp_nodelay(on));
        assert_eq!(check.nodelay().unwrap(), on);
    }
}

/// "0: The TLS/SSL handshake was not successful but was shut down controlled and by the
/// specifications of the TLS/SSL protocol." — OpenSSL 3.0 reports a clean EOF during the
/// handshake as -1 with SSL_ERROR_SSL "unexpected eof while reading"; so does oxissl.
#[test]
fn return_0_handshake_shut_down_controlled_is_reported_as_openssl_3_does() {
    let (port, h) = raw_server(Raw::EofAfterHello);
    err::clear_error();
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(port));
    let r = ssl.connect();
    assert_eq!(r, -1);
    assert_eq!(ssl.get_error(r), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::UNEXPECTED_EOF_WHILE_READING
    );
    err::clear_error();
    drop(ssl);
    h.join().unwrap();
}

/// "1: The TLS/SSL handshake was successfully completed, a TLS/SSL connection has been
/// established."
#[test]
fn return_1_handshake_successfully_completed_connection_established() {
    let server = www_server();
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), 1);
    assert_eq!(ssl.get_error(1), ErrorCode::NONE);
    assert_eq!(ssl.connect(), 1, "1 again after completion");
    assert_eq!(
        ssl.state_string_long(),
        "SSL negotiation finished successfully"
    );
    assert_eq!(ssl.state_string(), "SSLOK");
    assert_eq!(ssl.write(b"GET / HTTP/1.0\r\n\r\n"), 18);
    let mut buf = [0u8; 4096];
    let n = ssl.read(&mut buf);
    assert!(n > 0);
    assert!(buf.starts_with(b"HTTP/1.0 200"));
}

/// "<0: The TLS/SSL handshake was not successful, because a fatal error occurred either at the
/// protocol level or a connection failure occurred."
#[test]
fn negative_return_fatal_error_at_protocol_level_or_connection_failure() {
    // Protocol level: the peer does not speak TLS.
    let (port, h) = raw_server(Raw::Http);
    err::clear_error();
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(port));
    assert!(ssl.connect() < 0);
    assert_eq!(ssl.get_error(-1), ErrorCode::SSL);
    assert_eq!(
        err::peek_error().unwrap().reason(),
        reason::WRONG_VERSION_NUMBER
    );
    drop(ssl);
    h.join().unwrap();
    // Connection failure: reset by the peer, SSL_ERROR_SYSCALL with errno and no queue entry.
    let (port, h) = raw_server(Raw::Reset);
    err::clear_error();
    let mut ssl = client(&trusting_ctx());
    ssl.set_fd(tcp(port));
    assert!(ssl.connect() < 0);
    assert_eq!(ssl.get_error(-1), ErrorCode::SYSCALL);
    assert!(err::peek_error().is_none());
    assert_eq!(ssl.last_os_error(), Some(104));
    h.join().unwrap();
}

/// "The shutdown was not clean."
#[test]
fn after_a_fatal_error_the_shutdown_was_not_clean() {
    let server = www_server();
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    let mut ssl = client(&ctx);
    ssl.set_fd(tcp(server.port));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_shutdown() & 2, 0, "no close_notify was received");
    assert_eq!(ssl.shutdown(), -1);
    err::clear_error();
}

/// "It can also occur if action is needed to continue the operation for non-blocking BIOs."
#[test]
fn negative_return_also_when_action_is_needed_for_nonblocking_bios() {
    let mut ssl = client(&trusting_ctx());
    let (rbio, wbio) = (MemBio::new(), MemBio::new());
    ssl.set_bio(Box::new(rbio.clone()), Box::new(wbio.clone()));
    assert_eq!(ssl.connect(), -1);
    assert_eq!(ssl.get_error(-1), ErrorCode::WANT_READ);
    assert!(rbio.retry_flags().contains(RetryFlags::SHOULD_RETRY));
    assert!(
        wbio.ctrl_pending() > 0,
        "the ClientHello is waiting to be sent"
    );
}

/// "Call SSL_get_error() with the return value ret to find out the reason."
#[test]
fn get_error_with_the_return_value_finds_out_the_reason() {
    let server = www_server();
    // Untrusted certificate: SSL_ERROR_SSL, reason 134, verify result 20.
    let mut ctx = SslCtx::new();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    let mut ssl = client(&ctx);
    ssl.set_fd(tcp(server.port));
    let r = ssl.connect();
    assert_eq!(r, -1);
    assert_eq!(ssl.get_error(r), ErrorCode::SSL);
    let e = err::peek_error().unwrap();
    assert_eq!(e.code(), 0x0A000086);
    assert!(e
        .to_string()
        .starts_with("error:0A000086:SSL routines::certificate verify failed"));
    assert_eq!(ssl.get_verify_result(), 20);
    err::clear_error();
}

// ---- helpers: moving bytes for memory BIOs and BIO pairs ----

/// Moves bytes between memory BIOs and a socket until the handshake finishes (bounded).
fn drive_mem(ssl: &mut Ssl, rbio: &MemBio, wbio: &MemBio, sock: &mut TcpStream) -> i32 {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let r = ssl.connect();
        let out = wbio.take_all();
        if !out.is_empty() {
            sock.write_all(&out).unwrap();
        }
        if r == 1 {
            return 1;
        }
        assert_eq!(
            ssl.get_error(r),
            ErrorCode::WANT_READ,
            "{:?}",
            err::peek_error()
        );
        let mut buf = [0u8; 4096];
        let n = sock.read(&mut buf).unwrap();
        assert!(n > 0, "server closed");
        rbio.push(&buf[..n]);
        assert!(Instant::now() < deadline);
    }
}

/// Moves bytes between the outer end of a BIO pair and a socket until the handshake finishes.
fn drive_pair(ssl: &mut Ssl, inner: &PairBio, outer: &mut PairBio, sock: &mut TcpStream) -> i32 {
    let deadline = Instant::now() + DEADLINE;
    loop {
        let r = ssl.connect();
        pump_out(outer, sock);
        if r == 1 {
            return 1;
        }
        match ssl.get_error(r) {
            ErrorCode::WANT_READ => pump_in(outer, sock),
            ErrorCode::WANT_WRITE => {}
            other => panic!("{other:?} {:?}", err::peek_error()),
        }
        let _ = inner;
        assert!(Instant::now() < deadline);
    }
}

fn pump_out(outer: &mut PairBio, sock: &mut TcpStream) {
    let mut buf = [0u8; 4096];
    while outer.ctrl_pending() > 0 {
        if let BioIo::Done(n) = outer.read(&mut buf) {
            sock.write_all(&buf[..n]).unwrap();
        }
    }
}

fn pump_in(outer: &mut PairBio, sock: &mut TcpStream) {
    let mut buf = vec![0u8; outer.get_write_guarantee().min(4096)];
    let n = sock.read(&mut buf).unwrap();
    assert!(n > 0, "server closed");
    assert_eq!(outer.write(&buf[..n]), BioIo::Done(n));
}

fn read_pair(ssl: &mut Ssl, outer: &mut PairBio, sock: &mut TcpStream, buf: &mut [u8]) -> usize {
    let deadline = Instant::now() + DEADLINE;
    loop {
        pump_out(outer, sock);
        let r = ssl.read(buf);
        if r > 0 {
            return r as usize;
        }
        assert_eq!(ssl.get_error(r), ErrorCode::WANT_READ);
        pump_out(outer, sock);
        pump_in(outer, sock);
        assert!(Instant::now() < deadline);
    }
}

/// A socket BIO that records the first byte and length of every write.
#[derive(Clone)]
struct CountingBio {
    inner: SocketBio,
    writes: std::sync::Arc<std::sync::Mutex<Vec<(u8, usize)>>>,
}

impl Bio for CountingBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        self.inner.read(buf)
    }
    fn write(&mut self, buf: &[u8]) -> BioIo {
        let r = self.inner.write(buf);
        if let BioIo::Done(n) = r {
            self.writes
                .lock()
                .unwrap()
                .push((buf.first().copied().unwrap_or(0), n));
        }
        r
    }
    fn retry_flags(&self) -> RetryFlags {
        self.inner.retry_flags()
    }
    fn set_retry_flags(&mut self, flags: RetryFlags) {
        self.inner.set_retry_flags(flags)
    }
    fn last_os_error(&self) -> Option<i32> {
        self.inner.last_os_error()
    }
    fn method_name(&self) -> &'static str {
        "counting socket"
    }
}
