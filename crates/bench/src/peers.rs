//! The clients under test, behind one shape: a [`Context`] (the shared, reusable part: oxissl's
//! `ClientConfig` or `SslCtx`, rustls' `ClientConfig`, OpenSSL's `SSL_CTX`) makes [`Client`]s,
//! and [`Client::exchange`] is the one call the in-memory harness times: take the bytes the
//! server sent, advance the handshake or decrypt what arrived, and hand back what to send.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

use oxissl_engine::provider as ox;

use crate::certs::{Fixture, SERVER_NAME};
use crate::params::{Aead, Params, Version};

/// An implementation under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Peer {
    /// The oxissl engine's `ClientConnection`, driven directly.
    Oxissl,
    /// `oxissl::Ssl` (OpenSSL's API over the engine) on memory BIOs.
    OxisslSsl,
    /// rustls 0.23 with the aws-lc-rs provider.
    Rustls,
    /// The system OpenSSL through the `openssl` crate.
    OpenSsl,
}

impl Peer {
    /// Every peer, in table column order.
    #[cfg(feature = "openssl")]
    pub const ALL: &'static [Peer] = &[Peer::Oxissl, Peer::OxisslSsl, Peer::Rustls, Peer::OpenSsl];
    /// Every peer this build has, in table column order (the OpenSSL client needs the
    /// `openssl` feature).
    #[cfg(not(feature = "openssl"))]
    pub const ALL: &'static [Peer] = &[Peer::Oxissl, Peer::OxisslSsl, Peer::Rustls];

    /// The column heading.
    pub fn label(self) -> &'static str {
        match self {
            Peer::Oxissl => "oxissl",
            Peer::OxisslSsl => "oxissl Ssl",
            Peer::Rustls => "rustls",
            Peer::OpenSsl => "OpenSSL",
        }
    }
}

/// The reusable client side.
// One per row or per handshake; boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Context {
    /// oxissl engine configuration.
    Oxissl(Arc<oxissl_engine::ClientConfig>),
    /// oxissl's OpenSSL-style context, and the session kept for the next connection when
    /// resuming (`SSL_get1_session` / `SSL_set_session`, as OpenSSL programs do).
    OxisslSsl {
        /// The context.
        ctx: Box<oxissl::SslCtx>,
        /// The last session received (resumption rows only).
        session: Mutex<Option<oxissl_engine::StoredSession>>,
        /// Whether to keep and offer sessions.
        resume: bool,
    },
    /// rustls configuration.
    Rustls(Arc<rustls::ClientConfig>),
    /// OpenSSL `SSL_CTX`, and the session kept for the next connection when resuming.
    #[cfg(feature = "openssl")]
    OpenSsl {
        /// The context.
        ctx: openssl::ssl::SslContext,
        /// The last session received (resumption rows only).
        session: Mutex<Option<openssl::ssl::SslSession>>,
        /// Whether to keep and offer sessions.
        resume: bool,
    },
}

/// A string error with context.
fn err(what: &str) -> impl Fn(&dyn std::fmt::Display) -> String + '_ {
    move |e| format!("{what}: {e}")
}

impl Context {
    /// A new context for `peer`, trusting the fixture's root for `params.chain` and offering
    /// only `params`' version, suite and X25519.
    pub fn new(peer: Peer, fixture: &Fixture, params: &Params) -> Result<Self, String> {
        let chain = fixture.chain(params.chain);
        match peer {
            Peer::Oxissl => {
                let mut roots = oxissl_engine::RootStore::new();
                roots
                    .add_der(&chain.root_der)
                    .map_err(|e| format!("oxissl root: {e:?}"))?;
                let mut config = oxissl_engine::ClientConfig::new(roots);
                config.groups = vec![oxissl_engine::NamedGroup::X25519];
                if params.version == Version::Tls12 {
                    config.groups.push(oxissl_engine::NamedGroup::SECP256R1);
                }
                match params.version {
                    Version::Tls13 => {
                        config.enable_tls12 = false;
                        config.tls13_suites = vec![engine_tls13_suite(params.aead)];
                    }
                    Version::Tls12 => {
                        config.enable_tls13 = false;
                        let code = params.rustls_suite().suite();
                        let suite = ox::tls12_suite(oxissl_engine::CipherSuite(u16::from(code)))
                            .ok_or("oxissl: TLS 1.2 suite missing")?;
                        config.tls12_suites = vec![suite];
                    }
                }
                if !params.resumption {
                    config.session_store = None;
                }
                Ok(Context::Oxissl(Arc::new(config)))
            }
            Peer::OxisslSsl => {
                use oxissl::ctx::{TLS1_2_VERSION, TLS1_3_VERSION};
                let mut ctx = oxissl::SslCtx::new();
                let v = match params.version {
                    Version::Tls13 => TLS1_3_VERSION,
                    Version::Tls12 => TLS1_2_VERSION,
                };
                ctx.set_min_proto_version(v);
                ctx.set_max_proto_version(v);
                let entry = |e: oxissl::ErrorEntry| format!("oxissl Ssl: {e:?}");
                match params.version {
                    Version::Tls13 => ctx.set_ciphersuites(params.openssl_cipher()),
                    Version::Tls12 => ctx.set_cipher_list(params.openssl_cipher()),
                }
                .map_err(entry)?;
                ctx.set_groups_list(params.openssl_groups())
                    .map_err(entry)?;
                ctx.load_verify_locations(Some(&chain.root_pem), None)
                    .map_err(entry)?;
                ctx.set_verify(oxissl::ctx::SSL_VERIFY_PEER, None);
                Ok(Context::OxisslSsl {
                    ctx: Box::new(ctx),
                    session: Mutex::new(None),
                    resume: params.resumption,
                })
            }
            Peer::Rustls => {
                let mut roots = rustls::RootCertStore::empty();
                roots
                    .add(rustls::pki_types::CertificateDer::from(
                        chain.root_der.clone(),
                    ))
                    .map_err(|e| err("rustls root")(&e))?;
                let mut config =
                    rustls::ClientConfig::builder_with_provider(params.rustls_client_provider())
                        .with_protocol_versions(params.rustls_versions())
                        .map_err(|e| err("rustls versions")(&e))?
                        .with_root_certificates(roots)
                        .with_no_client_auth();
                if !params.resumption {
                    config.resumption = rustls::client::Resumption::disabled();
                }
                Ok(Context::Rustls(Arc::new(config)))
            }
            #[cfg(not(feature = "openssl"))]
            Peer::OpenSsl => Err(
                "this build has no OpenSSL client (the `openssl` feature of \
                                  oxissl-bench, `--features bench` of oxissl-cli)"
                    .into(),
            ),
            #[cfg(feature = "openssl")]
            Peer::OpenSsl => {
                use openssl::ssl::{SslContext, SslMethod, SslVerifyMode, SslVersion};
                let e = err("OpenSSL context");
                let mut b = SslContext::builder(SslMethod::tls_client()).map_err(|x| e(&x))?;
                let v = match params.version {
                    Version::Tls13 => SslVersion::TLS1_3,
                    Version::Tls12 => SslVersion::TLS1_2,
                };
                b.set_min_proto_version(Some(v)).map_err(|x| e(&x))?;
                b.set_max_proto_version(Some(v)).map_err(|x| e(&x))?;
                match params.version {
                    Version::Tls13 => b.set_ciphersuites(params.openssl_cipher()),
                    Version::Tls12 => b.set_cipher_list(params.openssl_cipher()),
                }
                .map_err(|x| e(&x))?;
                b.set_groups_list(params.openssl_groups())
                    .map_err(|x| e(&x))?;
                let root = openssl::x509::X509::from_der(&chain.root_der).map_err(|x| e(&x))?;
                b.cert_store_mut().add_cert(root).map_err(|x| e(&x))?;
                b.set_verify(SslVerifyMode::PEER);
                Ok(Context::OpenSsl {
                    ctx: b.build(),
                    session: Mutex::new(None),
                    resume: params.resumption,
                })
            }
        }
    }

    /// A new connection to "localhost"; nothing is sent until the first `exchange`.
    pub fn connect(&self) -> Result<Client, String> {
        match self {
            Context::Oxissl(config) => {
                oxissl_engine::ClientConnection::new(config.clone(), SERVER_NAME)
                    .map(Client::Oxissl)
                    .map_err(|e| format!("oxissl: {e:?}"))
            }
            Context::OxisslSsl { ctx, session, .. } => {
                let mut ssl = oxissl::Ssl::new(ctx);
                ssl.set_tlsext_host_name(SERVER_NAME);
                ssl.set1_host(SERVER_NAME);
                let kept = session.lock().map_err(|e| err("oxissl Ssl")(&e))?.clone();
                ssl.set_session(kept);
                let rbio = oxissl::MemBio::new();
                let wbio = oxissl::MemBio::new();
                ssl.set_bio(Box::new(rbio.clone()), Box::new(wbio.clone()));
                ssl.set_connect_state();
                Ok(Client::OxisslSsl(Box::new(SslClient {
                    ssl,
                    rbio,
                    wbio,
                    done: false,
                })))
            }
            Context::Rustls(config) => {
                let name = rustls::pki_types::ServerName::try_from(SERVER_NAME)
                    .map_err(|e| err("rustls name")(&e))?;
                rustls::ClientConnection::new(config.clone(), name)
                    .map(Client::Rustls)
                    .map_err(|e| err("rustls")(&e))
            }
            #[cfg(feature = "openssl")]
            Context::OpenSsl { ctx, session, .. } => {
                let e = err("OpenSSL");
                let mut ssl = openssl::ssl::Ssl::new(ctx).map_err(|x| e(&x))?;
                ssl.set_hostname(SERVER_NAME).map_err(|x| e(&x))?;
                ssl.param_mut().set_host(SERVER_NAME).map_err(|x| e(&x))?;
                if let Some(s) = session.lock().map_err(|x| e(&x))?.as_ref() {
                    #[allow(unsafe_code)]
                    // SAFETY: the session came from a connection made with this same context,
                    // which is what SSL_set_session requires.
                    unsafe { ssl.set_session(s) }.map_err(|x| e(&x))?;
                }
                let stream =
                    openssl::ssl::SslStream::new(ssl, Pipe::default()).map_err(|x| e(&x))?;
                Ok(Client::OpenSsl(Box::new(OpenSslClient {
                    stream,
                    done: false,
                })))
            }
        }
    }

    /// Keeps what the finished connection `client` needs to be resumed next time (OpenSSL
    /// leaves that to the application; rustls keeps it in its config).
    pub fn keep_session(&self, client: &Client) {
        if let (
            Context::OxisslSsl {
                session, resume, ..
            },
            Client::OxisslSsl(c),
        ) = (self, client)
        {
            if *resume {
                if let (Ok(mut slot), Some(s)) = (session.lock(), c.ssl.get1_session()) {
                    *slot = Some(s);
                }
            }
        }
        #[cfg(feature = "openssl")]
        if let (
            Context::OpenSsl {
                session, resume, ..
            },
            Client::OpenSsl(c),
        ) = (self, client)
        {
            if *resume {
                if let (Ok(mut slot), Some(s)) = (session.lock(), c.stream.ssl().session()) {
                    *slot = Some(s.to_owned());
                }
            }
        }
    }
}

fn engine_tls13_suite(aead: Aead) -> ox::Tls13Suite {
    match aead {
        Aead::Aes128Gcm => ox::TLS13_AES_128_GCM_SHA256,
        Aead::Aes256Gcm => ox::TLS13_AES_256_GCM_SHA384,
        Aead::Chacha20Poly1305 => ox::TLS13_CHACHA20_POLY1305_SHA256,
    }
}

/// `oxissl::Ssl` on two memory BIOs.
pub struct SslClient {
    /// The connection.
    pub ssl: oxissl::Ssl,
    rbio: oxissl::MemBio,
    wbio: oxissl::MemBio,
    done: bool,
}

/// OpenSSL on an in-memory stream.
#[cfg(feature = "openssl")]
pub struct OpenSslClient {
    /// The connection.
    pub stream: openssl::ssl::SslStream<Pipe>,
    done: bool,
}

#[cfg(feature = "openssl")]
impl Drop for OpenSslClient {
    fn drop(&mut self) {
        // SSL_free without a sent close_notify marks the session not resumable; a client that
        // means to resume closes properly (the alert goes to the in-memory pipe).
        if self.done {
            let _ = self.stream.shutdown();
        }
    }
}

/// A client connection of any peer. The connections are held inline, as each library's
/// users hold them: boxing one would add an indirection to its measured calls alone.
#[allow(clippy::large_enum_variant)]
pub enum Client {
    /// oxissl engine.
    Oxissl(oxissl_engine::ClientConnection),
    /// oxissl `Ssl`.
    OxisslSsl(Box<SslClient>),
    /// rustls.
    Rustls(rustls::ClientConnection),
    /// OpenSSL.
    #[cfg(feature = "openssl")]
    OpenSsl(Box<OpenSslClient>),
}

/// An in-memory byte stream for OpenSSL: reads take from `incoming` (WouldBlock when empty),
/// writes append to `outgoing`.
#[derive(Default)]
pub struct Pipe {
    incoming: Vec<u8>,
    pos: usize,
    outgoing: Vec<u8>,
}

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = &self.incoming[self.pos..];
        if left.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = left.len().min(buf.len());
        buf[..n].copy_from_slice(&left[..n]);
        self.pos += n;
        if self.pos == self.incoming.len() {
            self.incoming.clear();
            self.pos = 0;
        }
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.outgoing.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Client {
    /// Takes every byte of `input` (what the server sent), advances the handshake or decrypts
    /// and reads the application data into `sink` (overwritten, record by record), and appends
    /// what is to be sent to `out`. Returns the count of plaintext bytes read.
    pub fn exchange(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
        sink: &mut [u8],
    ) -> Result<usize, String> {
        match self {
            Client::Oxissl(c) => engine_exchange(c, input, out, sink),
            Client::OxisslSsl(c) => c.exchange(input, out, sink),
            Client::Rustls(c) => rustls_exchange(c, input, out, sink),
            #[cfg(feature = "openssl")]
            Client::OpenSsl(c) => c.exchange(input, out, sink),
        }
    }

    /// Whether the handshake is still running.
    pub fn is_handshaking(&self) -> bool {
        match self {
            Client::Oxissl(c) => c.is_handshaking(),
            Client::OxisslSsl(c) => !c.done,
            Client::Rustls(c) => c.is_handshaking(),
            #[cfg(feature = "openssl")]
            Client::OpenSsl(c) => !c.done,
        }
    }

    /// Queues application data for the server.
    pub fn send(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        match self {
            Client::Oxissl(c) => {
                c.write(data).map_err(|e| format!("oxissl write: {e:?}"))?;
                out.extend_from_slice(c.pending_tls());
                c.consume_tls(c.pending_tls().len());
            }
            Client::OxisslSsl(c) => {
                if c.ssl.write(data) <= 0 {
                    return Err("oxissl Ssl write failed".into());
                }
                out.extend(c.wbio.take_all());
            }
            Client::Rustls(c) => {
                c.writer()
                    .write_all(data)
                    .map_err(|e| err("rustls write")(&e))?;
                while c.wants_write() {
                    c.write_tls(out).map_err(|e| err("rustls write_tls")(&e))?;
                }
            }
            #[cfg(feature = "openssl")]
            Client::OpenSsl(c) => {
                c.stream
                    .ssl_write(data)
                    .map_err(|e| err("OpenSSL write")(&e))?;
                out.append(&mut c.stream.get_mut().outgoing);
            }
        }
        Ok(())
    }

    /// Whether this connection resumed a session (None: the peer cannot tell or cannot resume).
    pub fn resumed(&self) -> Option<bool> {
        match self {
            Client::Rustls(c) => Some(c.handshake_kind() == Some(rustls::HandshakeKind::Resumed)),
            #[cfg(feature = "openssl")]
            Client::OpenSsl(c) => Some(c.stream.ssl().session_reused()),
            Client::Oxissl(c) => Some(c.negotiated().resumed),
            Client::OxisslSsl(c) => Some(c.ssl.session_reused()),
        }
    }

    /// The engine connection, when this is one.
    pub fn engine(&mut self) -> Option<&mut oxissl_engine::ClientConnection> {
        match self {
            Client::Oxissl(c) => Some(c),
            _ => None,
        }
    }
}

fn engine_exchange(
    c: &mut oxissl_engine::ClientConnection,
    input: &[u8],
    out: &mut Vec<u8>,
    sink: &mut [u8],
) -> Result<usize, String> {
    let fail = |e: oxissl_engine::Error| format!("oxissl: {e:?}");
    let mut off = 0;
    let mut got = 0;
    loop {
        if off < input.len() {
            let n = c.feed_tls(&input[off..]);
            if n == 0 {
                return Err("oxissl: receive buffer full".into());
            }
            off += n;
        }
        c.process().map_err(fail)?;
        while let oxissl_engine::ReadStatus::Data(n) = c.read(sink).map_err(fail)? {
            got += n;
        }
        if off == input.len() {
            break;
        }
    }
    let pending = c.pending_tls();
    out.extend_from_slice(pending);
    let n = pending.len();
    c.consume_tls(n);
    Ok(got)
}

fn rustls_exchange(
    c: &mut rustls::ClientConnection,
    input: &[u8],
    out: &mut Vec<u8>,
    sink: &mut [u8],
) -> Result<usize, String> {
    let mut rd = input;
    let mut got = 0;
    loop {
        if !rd.is_empty() {
            c.read_tls(&mut rd)
                .map_err(|e| err("rustls read_tls")(&e))?;
        }
        c.process_new_packets().map_err(|e| err("rustls")(&e))?;
        loop {
            match c.reader().read(sink) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) => return Err(err("rustls read")(&e)),
            }
        }
        if rd.is_empty() {
            break;
        }
    }
    while c.wants_write() {
        c.write_tls(out).map_err(|e| err("rustls write_tls")(&e))?;
    }
    Ok(got)
}

impl SslClient {
    fn exchange(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
        sink: &mut [u8],
    ) -> Result<usize, String> {
        use oxissl::ErrorCode;
        if !input.is_empty() {
            self.rbio.push(input);
        }
        let mut got = 0;
        if !self.done {
            let r = self.ssl.connect();
            if r == 1 {
                self.done = true;
            } else {
                let code = self.ssl.get_error(r);
                if code != ErrorCode::WANT_READ {
                    return Err(format!("oxissl Ssl connect: {code}"));
                }
            }
        }
        if self.done {
            loop {
                let r = self.ssl.read(sink);
                if r > 0 {
                    got += r as usize;
                    continue;
                }
                let code = self.ssl.get_error(r);
                if code == ErrorCode::WANT_READ || code == ErrorCode::ZERO_RETURN {
                    break;
                }
                return Err(format!("oxissl Ssl read: {code}"));
            }
        }
        out.extend(self.wbio.take_all());
        Ok(got)
    }
}

#[cfg(feature = "openssl")]
impl OpenSslClient {
    fn exchange(
        &mut self,
        input: &[u8],
        out: &mut Vec<u8>,
        sink: &mut [u8],
    ) -> Result<usize, String> {
        use openssl::ssl::ErrorCode;
        self.stream.get_mut().incoming.extend_from_slice(input);
        let mut got = 0;
        if !self.done {
            match self.stream.connect() {
                Ok(()) => self.done = true,
                Err(e) if e.code() == ErrorCode::WANT_READ => {}
                Err(e) => return Err(format!("OpenSSL connect: {e}")),
            }
        }
        if self.done {
            loop {
                match self.stream.ssl_read(sink) {
                    Ok(n) => got += n,
                    Err(e) if e.code() == ErrorCode::WANT_READ => break,
                    Err(e) if e.code() == ErrorCode::ZERO_RETURN => break,
                    Err(e) => return Err(format!("OpenSSL read: {e}")),
                }
            }
        }
        out.append(&mut self.stream.get_mut().outgoing);
        Ok(got)
    }
}
