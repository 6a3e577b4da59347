//! Nagle's algorithm and the client's flights (SSL_connect(3): "the last peer to communicate in
//! the handshake is the client"). Nagle holds a small segment back while an earlier one is
//! unacknowledged, so the client must not split a flight into several writes: after a TLS 1.3
//! handshake its final flight (change_cipher_spec + Finished) leaves in one write to the
//! socket, and its first application data in exactly one more. `SocketBio::set_tcp_nodelay`
//! (`BIO_set_tcp_ndelay`) turns Nagle off for the whole socket, as `TcpStream::nodelay` shows.
//!
//! The timing itself is shown by `examples/nagle.rs` and `benches/nagle.rs`, not tested here.

mod common;

use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use common::*;
use oxissl::{Bio, BioIo, RetryFlags, SocketBio, Ssl, SslCtx, SSL_VERIFY_PEER};

/// A socket BIO that records every read and write call and the bytes each moved.
#[derive(Clone)]
struct CountingBio {
    inner: SocketBio,
    writes: Arc<Mutex<Vec<Vec<u8>>>>,
    reads: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl CountingBio {
    fn new(inner: SocketBio) -> Self {
        Self {
            inner,
            writes: Arc::new(Mutex::new(Vec::new())),
            reads: Arc::new(Mutex::new(Vec::new())),
        }
    }

    fn writes(&self) -> Vec<Vec<u8>> {
        self.writes.lock().unwrap().clone()
    }

    fn reads(&self) -> Vec<Vec<u8>> {
        self.reads.lock().unwrap().clone()
    }
}

impl Bio for CountingBio {
    fn read(&mut self, buf: &mut [u8]) -> BioIo {
        let r = self.inner.read(buf);
        if let BioIo::Done(n) = r {
            self.reads.lock().unwrap().push(buf[..n].to_vec());
        }
        r
    }

    fn write(&mut self, buf: &[u8]) -> BioIo {
        let r = self.inner.write(buf);
        let taken = match r {
            BioIo::Done(n) => buf[..n].to_vec(),
            _ => Vec::new(),
        };
        self.writes.lock().unwrap().push(taken);
        r
    }

    fn retry_flags(&self) -> RetryFlags {
        self.inner.retry_flags()
    }

    fn set_retry_flags(&mut self, flags: RetryFlags) {
        self.inner.set_retry_flags(flags);
    }

    fn last_os_error(&self) -> Option<i32> {
        self.inner.last_os_error()
    }

    fn method_name(&self) -> &'static str {
        "counting socket"
    }
}

/// TLS record content types.
const CHANGE_CIPHER_SPEC: u8 = 0x14;
const HANDSHAKE: u8 = 0x16;
const APPLICATION_DATA: u8 = 0x17;

/// The content types of the whole records in `bytes`; panics on a partial record.
fn record_types(bytes: &[u8]) -> Vec<u8> {
    let mut types = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        assert!(rest.len() >= 5, "partial record header in {bytes:02x?}");
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        assert!(rest.len() >= 5 + len, "partial record in {bytes:02x?}");
        types.push(rest[0]);
        rest = &rest[5 + len..];
    }
    types
}

fn client_ctx() -> SslCtx {
    let mut ctx = SslCtx::new();
    ctx.load_verify_locations(path(&certs().ca), None).unwrap();
    ctx.set_verify(SSL_VERIFY_PEER, None);
    ctx
}

/// A client over a counting socket BIO to `port`; returns the Ssl, the counter and the socket
/// BIO (for TCP_NODELAY).
fn counting_client(ctx: &SslCtx, port: u16) -> (Ssl, CountingBio, SocketBio) {
    let mut ssl = Ssl::new(ctx);
    assert!(ssl.set_tlsext_host_name("localhost"));
    assert!(ssl.set1_host("localhost"));
    let sock = SocketBio::new(tcp(port));
    let counter = CountingBio::new(sock.clone());
    ssl.set_bio(Box::new(counter.clone()), Box::new(counter.clone()));
    (ssl, counter, sock)
}

/// Reads from `ssl` until `want` bytes arrived (bounded by the socket's read timeout).
fn read_exactly(ssl: &mut Ssl, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < want {
        let n = ssl.read(&mut buf);
        assert!(n > 0, "read returned {n}: {:?}", ssl.get_error(n));
        got.extend_from_slice(&buf[..n as usize]);
    }
    got
}

#[test]
fn tls13_final_flight_is_one_write_and_first_application_data_one_more() {
    // s_server -rev answers each line reversed, only after the client has spoken.
    let server = s_server(&["-rev", "-tls1_3"]);
    let (mut ssl, counter, _sock) = counting_client(&client_ctx(), server.port);
    assert_eq!(ssl.connect(), 1);
    assert_eq!(ssl.version(), "TLSv1.3");
    let w = counter.writes();
    assert_eq!(
        w.len(),
        2,
        "ClientHello, then the final flight: {:?}",
        w.iter().map(|b| record_types(b)).collect::<Vec<_>>()
    );
    assert_eq!(record_types(&w[0]), [HANDSHAKE], "one ClientHello record");
    // Middlebox compatibility: change_cipher_spec, then Finished (encrypted: application_data
    // on the wire), both in the one write.
    assert_eq!(
        record_types(&w[1]),
        [CHANGE_CIPHER_SPEC, APPLICATION_DATA],
        "the final flight in one write"
    );
    assert_eq!(
        &w[1][..6],
        [CHANGE_CIPHER_SPEC, 0x03, 0x03, 0x00, 0x01, 0x01]
    );

    // The first application data: one record, one write.
    assert_eq!(ssl.write(b"ping\n"), 5);
    let w = counter.writes();
    assert_eq!(w.len(), 3, "one more write for the first application data");
    assert_eq!(record_types(&w[2]), [APPLICATION_DATA]);
    // The server had it (it answers only what it received).
    assert_eq!(read_exactly(&mut ssl, 5), b"gnip\n");
    // Reading (and the session tickets it met) wrote nothing.
    assert_eq!(counter.writes().len(), 3);
}

/// The lengths of the whole records in `bytes`, header included.
fn record_lengths(bytes: &[u8]) -> Vec<usize> {
    let mut lengths = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 5 {
        let len = 5 + usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        lengths.push(len);
        rest = &rest[len.min(rest.len())..];
    }
    lengths
}

#[test]
fn handshake_reads_are_no_more_than_the_records_require() {
    let server = s_server(&["-tls1_3"]);
    // Without read-ahead (OpenSSL's default) each read takes the current record's header or
    // the rest of its body, never bytes of the next record: at most two reads a record.
    let (mut ssl, counter, sock) = counting_client(&client_ctx(), server.port);
    assert_eq!(ssl.connect(), 1);
    let reads = counter.reads();
    // s_server serves one client at a time: close this one before the next.
    ssl.shutdown();
    drop((ssl, sock));
    let all: Vec<u8> = reads.concat();
    let records = record_lengths(&all);
    assert_eq!(
        records.iter().sum::<usize>(),
        all.len(),
        "whole records only"
    );
    let ends: Vec<usize> = records
        .iter()
        .scan(0, |at, len| {
            *at += len;
            Some(*at)
        })
        .collect();
    let mut at = 0;
    for r in &reads {
        let boundary = ends.iter().copied().find(|&e| e > at).unwrap();
        assert!(at + r.len() <= boundary, "a read crossed a record boundary");
        at += r.len();
    }
    assert!(reads.len() <= 2 * records.len(), "{} reads", reads.len());

    // With read-ahead a read takes everything that has arrived: no more reads than records.
    let mut ctx = client_ctx();
    ctx.set_read_ahead(true);
    let (mut ssl, counter, _sock) = counting_client(&ctx, server.port);
    assert_eq!(ssl.connect(), 1);
    let reads = counter.reads();
    let records = record_lengths(&reads.concat());
    assert!(
        reads.len() <= records.len(),
        "{} reads for {} records",
        reads.len(),
        records.len()
    );
}

#[test]
fn hello_retry_request_answer_is_one_write_too() {
    // The client's first key share is X25519; a P-384-only server asks again.
    let server = s_server(&["-rev", "-tls1_3", "-groups", "P-384"]);
    let mut ctx = client_ctx();
    ctx.set_groups_list("X25519:P-384").unwrap();
    let (mut ssl, counter, _sock) = counting_client(&ctx, server.port);
    assert_eq!(ssl.connect(), 1);
    assert_eq!(ssl.negotiated_group_name(), Some("secp384r1"));
    let types: Vec<Vec<u8>> = counter.writes().iter().map(|b| record_types(b)).collect();
    // ClientHello; change_cipher_spec + second ClientHello; Finished (its change_cipher_spec
    // was already sent).
    assert_eq!(
        types,
        [
            vec![HANDSHAKE],
            vec![CHANGE_CIPHER_SPEC, HANDSHAKE],
            vec![APPLICATION_DATA],
        ]
    );
    assert_eq!(ssl.write(b"hrr\n"), 4);
    assert_eq!(counter.writes().len(), 4);
    assert_eq!(read_exactly(&mut ssl, 4), b"rrh\n");
}

#[test]
fn set_tcp_nodelay_is_visible_through_tcpstream_nodelay() {
    let server = s_server(&["-rev"]);
    let stream = tcp(server.port);
    // An independent handle to the same socket: getsockopt(TCP_NODELAY) through std.
    let check: TcpStream = stream.try_clone().unwrap();
    let mut ssl = Ssl::new(&client_ctx());
    assert!(ssl.set_tlsext_host_name("localhost"));
    let bio = ssl.set_fd(stream);
    assert!(!check.nodelay().unwrap(), "Nagle is on by default");
    assert!(bio.set_tcp_nodelay(true));
    assert!(check.nodelay().unwrap());
    assert!(bio.tcp_nodelay().unwrap());
    // The handshake and data do not change it.
    assert_eq!(ssl.connect(), 1);
    assert_eq!(ssl.write(b"nodelay\n"), 8);
    assert_eq!(read_exactly(&mut ssl, 8), b"yaledon\n");
    assert!(check.nodelay().unwrap());
    // And it can be turned back on, as the seed suggests considering.
    assert!(bio.set_tcp_nodelay(false));
    assert!(!check.nodelay().unwrap());
    assert!(!bio.tcp_nodelay().unwrap());
}
