//! `oxissl s_client`: connect, print what `openssl s_client` prints about the session, then copy
//! stdin to the connection and the connection to stdout.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use oxissl::{
    verify_error_string, ErrorCode, Ssl, SslCtx, SSL_MODE_AUTO_RETRY, SSL_VERIFY_NONE,
    SSL_VERIFY_PEER, TLS1_2_VERSION, TLS1_3_VERSION,
};
use oxissl_engine::wire::enums::{ContentType, HandshakeType};
use oxissl_engine::{MessageObserver, StoredSession};

use crate::x509;

/// The flags of `openssl s_client` that oxissl supports.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// host:port to connect to (default: a built-in demo server on loopback).
    #[arg(long, value_name = "host:port")]
    connect: Option<String>,
    /// Server name to send in SNI (default: the host of -connect, unless it is an IP address).
    #[arg(long, value_name = "name")]
    servername: Option<String>,
    /// Send no SNI.
    #[arg(long)]
    noservername: bool,
    /// PEM file of trusted CA certificates.
    #[arg(long = "CAfile", value_name = "file")]
    ca_file: Option<std::path::PathBuf>,
    /// Directory of trusted CA certificates (hashed or plain PEM files).
    #[arg(long = "CApath", value_name = "dir")]
    ca_path: Option<std::path::PathBuf>,
    /// Abort the handshake when certificate verification fails.
    #[arg(long = "verify_return_error")]
    verify_return_error: bool,
    /// Check that the certificate matches this host name.
    #[arg(long = "verify_hostname", value_name = "name")]
    verify_hostname: Option<String>,
    /// Check that the certificate matches this IP address.
    #[arg(long = "verify_ip", value_name = "ip")]
    verify_ip: Option<String>,
    /// Comma-separated ALPN protocols to offer.
    #[arg(long, value_name = "list")]
    alpn: Option<String>,
    /// Only TLS 1.2.
    #[arg(long = "tls1_2")]
    tls1_2: bool,
    /// Only TLS 1.3.
    #[arg(long = "tls1_3")]
    tls1_3: bool,
    /// Key exchange groups, colon-separated (X25519:P-256:P-384:P-521).
    #[arg(long, value_name = "list")]
    groups: Option<String>,
    /// TLS 1.3 cipher suites, colon-separated.
    #[arg(long, value_name = "list")]
    ciphersuites: Option<String>,
    /// TLS 1.2 cipher list (OpenSSL syntax).
    #[arg(long, value_name = "list")]
    cipher: Option<String>,
    /// Drive the handshake and data through non-blocking I/O.
    #[arg(long)]
    nbio: bool,
    /// Print only a short summary of the connection.
    #[arg(long)]
    brief: bool,
    /// Print no session information; keep reading after stdin ends.
    #[arg(long)]
    quiet: bool,
    /// Print the whole certificate chain the server sent.
    #[arg(long)]
    showcerts: bool,
    /// Trace every protocol message.
    #[arg(long)]
    msg: bool,
    /// Reconnect 5 times with the session of the connection before (a check that the server
    /// resumes sessions).
    #[arg(long)]
    reconnect: bool,
    /// Offer the session in this PEM file (as `-sess_out` or `openssl s_client -sess_out`
    /// wrote it).
    #[arg(long = "sess_in", value_name = "file")]
    sess_in: Option<std::path::PathBuf>,
    /// Write each new session to this file in PEM (OpenSSL's encoding).
    #[arg(long = "sess_out", value_name = "file")]
    sess_out: Option<std::path::PathBuf>,
    /// Print the handshake states.
    #[arg(long)]
    state: bool,
    /// Export keying material with this label (RFC 8446 §7.5, RFC 5705 §4) and print it.
    #[arg(long, value_name = "label")]
    keymatexport: Option<String>,
    /// Append the connection's secrets to this file in the NSS key log format (for Wireshark).
    #[arg(long, value_name = "file")]
    keylogfile: Option<std::path::PathBuf>,
    /// Client certificate, sent when the server asks for one.
    #[arg(long, value_name = "file")]
    cert: Option<std::path::PathBuf>,
    /// Format of -cert: PEM or DER.
    #[arg(long, value_name = "PEM|DER", default_value = "PEM", value_parser = file_format)]
    certform: i32,
    /// Private key of -cert (default: read from the -cert file). Unencrypted PKCS#8, PKCS#1 or
    /// SEC1.
    #[arg(long, value_name = "file")]
    key: Option<std::path::PathBuf>,
    /// Format of -key: PEM or DER.
    #[arg(long, value_name = "PEM|DER", default_value = "PEM", value_parser = file_format)]
    keyform: i32,
    /// PEM file of certificates sent after -cert (its issuers).
    #[arg(long = "cert_chain", value_name = "file")]
    cert_chain: Option<std::path::PathBuf>,
    /// Ask the server to staple an OCSP response (RFC 6066 §8) and print what came.
    #[arg(long)]
    status: bool,
    /// Let the server ask for -cert after the handshake (TLS 1.3 post-handshake
    /// authentication, RFC 8446 §4.6.2).
    #[arg(long = "enable_pha")]
    enable_pha: bool,
    /// Ask for records of at most this many bytes (512, 1024, 2048 or 4096; RFC 6066 §4).
    #[arg(long, value_name = "bytes", value_parser = max_fragment_length)]
    maxfraglen: Option<u8>,
    /// Pad TLS 1.3 records to a multiple of this many bytes (RFC 8446 §5.4).
    #[arg(long = "record_padding", value_name = "bytes",
          value_parser = clap::value_parser!(u16).range(0..=16384))]
    record_padding: Option<u16>,
    /// How many bytes of keying material -keymatexport prints.
    #[arg(long, value_name = "bytes", default_value_t = 20,
          value_parser = clap::value_parser!(u16).range(1..))]
    keymatexportlen: u16,
}

/// `-keylogfile`: key log lines appended to a file, as `openssl s_client -keylogfile` writes
/// them (a header comment when the file is new, then one line per secret).
struct KeyLogFile(Mutex<std::fs::File>);

impl KeyLogFile {
    fn open(path: &std::path::Path) -> Result<Self, String> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("Error writing keylog file {}: {e}", path.display()))?;
        if file.metadata().map(|m| m.len() == 0).unwrap_or(false) {
            let _ = writeln!(file, "# SSL/TLS secrets log file, generated by oxissl");
        }
        Ok(Self(Mutex::new(file)))
    }
}

impl oxissl_engine::KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8; 32], secret: &[u8]) {
        let line = oxissl_engine::key_log_line(label, client_random, secret);
        let mut file = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(file, "{line}");
    }
}

/// How long to keep reading the server after our close_notify.
const CLOSE_WAIT: Duration = Duration::from_secs(5);
/// The pause between retries of a non-blocking call (there is no readiness wait in std).
const NBIO_PAUSE: Duration = Duration::from_millis(1);

/// Prints traced messages (`-msg`) and state names (`-state`) as OpenSSL does.
struct Tracer {
    msg: bool,
    state: bool,
    /// Handshake bytes seen in each direction (for "SSL handshake has read ...").
    counts: Mutex<(usize, usize)>,
    /// The protocol version messages are labelled with: the highest one offered until the
    /// ServerHello says which was chosen.
    version: Mutex<&'static str>,
}

impl MessageObserver for Tracer {
    fn message(&self, sent: bool, typ: ContentType, data: &[u8]) {
        {
            let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            if sent {
                c.1 += data.len();
            } else {
                c.0 += data.len();
            }
        }
        let version = {
            let mut v = self.version.lock().unwrap_or_else(|e| e.into_inner());
            if !sent && typ == ContentType::HANDSHAKE && data.first() == Some(&2) {
                if let Some(chosen) = server_hello_version(data) {
                    *v = chosen;
                }
            }
            *v
        };
        // OpenSSL's msg_cb layout: "<<< TLS 1.3, Handshake [length 007a], ServerHello",
        // "<<< TLS 1.3, Alert [length 0002], fatal decrypt_error", no detail for CCS.
        let (kind, details) = match typ {
            ContentType::HANDSHAKE => (
                "Handshake",
                format!(
                    ", {}",
                    data.first()
                        .and_then(|t| HandshakeType(*t).name())
                        .map_or_else(|| "???".to_string(), handshake_title)
                ),
            ),
            ContentType::CHANGE_CIPHER_SPEC => ("ChangeCipherSpec", String::new()),
            ContentType::ALERT if data.len() == 2 => (
                "Alert",
                format!(
                    ", {} {}",
                    if data[0] == 2 { "fatal" } else { "warning" },
                    oxissl_engine::AlertDescription(data[1])
                ),
            ),
            ContentType::ALERT => ("Alert", ", ???".to_string()),
            _ => ("ApplicationData", String::new()),
        };
        if self.msg {
            let dir = if sent { ">>>" } else { "<<<" };
            println!(
                "{dir} {version}, {kind} [length {:04x}]{details}",
                data.len()
            );
            for line in data.chunks(16) {
                let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
                println!("    {}", hex.join(" "));
            }
        }
        if self.state {
            if let Some(s) = state_after(sent, typ, data, version == "TLS 1.2") {
                eprintln!("SSL_connect:{s}");
            }
        }
    }
}

/// OpenSSL's CamelCase message titles.
fn handshake_title(name: &str) -> String {
    name.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The version a ServerHello or HelloRetryRequest selects: its supported_versions extension
/// (RFC 8446 §4.2.1) if present, else its legacy_version.
fn server_hello_version(msg: &[u8]) -> Option<&'static str> {
    let be16 = |b: &[u8], i: usize| -> Option<u16> {
        Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
    };
    let body = msg.get(4..)?;
    let mut version = be16(body, 0)?;
    // legacy_version(2) random(32) session_id(1 + n) cipher_suite(2) compression(1)
    let sid_len = usize::from(*body.get(34)?);
    let exts_at = 35 + sid_len + 3;
    if let Some(len) = be16(body, exts_at) {
        let mut exts = body.get(exts_at + 2..exts_at + 2 + usize::from(len))?;
        while exts.len() >= 4 {
            let (typ, len) = (be16(exts, 0)?, usize::from(be16(exts, 2)?));
            let data = exts.get(4..4 + len)?;
            if typ == 0x002b && len == 2 {
                version = be16(data, 0)?;
            }
            exts = &exts[4 + len..];
        }
    }
    Some(match version {
        0x0304 => "TLS 1.3",
        0x0303 => "TLS 1.2",
        0x0302 => "TLS 1.1",
        0x0301 => "TLS 1.0",
        _ => return None,
    })
}

/// The state OpenSSL reports after a message (`tls12`: the session is TLS 1.2).
fn state_after(sent: bool, typ: ContentType, data: &[u8], tls12: bool) -> Option<&'static str> {
    let msg = HandshakeType(data.first().copied().unwrap_or(0));
    Some(match (sent, typ, msg) {
        (true, ContentType::HANDSHAKE, HandshakeType::CLIENT_HELLO) => {
            "SSLv3/TLS write client hello"
        }
        (true, ContentType::CHANGE_CIPHER_SPEC, _) => "SSLv3/TLS write change cipher spec",
        (true, ContentType::HANDSHAKE, HandshakeType::CERTIFICATE) => {
            "SSLv3/TLS write client certificate"
        }
        (true, ContentType::HANDSHAKE, HandshakeType::FINISHED) => "SSLv3/TLS write finished",
        (false, ContentType::HANDSHAKE, HandshakeType::SERVER_HELLO) => {
            "SSLv3/TLS read server hello"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::ENCRYPTED_EXTENSIONS) => {
            "TLSv1.3 read encrypted extensions"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::CERTIFICATE_REQUEST) => {
            "SSLv3/TLS read server certificate request"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::CERTIFICATE) => {
            "SSLv3/TLS read server certificate"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::CERTIFICATE_VERIFY) => {
            "TLSv1.3 read server certificate verify"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::FINISHED) => "SSLv3/TLS read finished",
        (false, ContentType::HANDSHAKE, HandshakeType::NEW_SESSION_TICKET) if tls12 => {
            "SSLv3/TLS read server session ticket"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::NEW_SESSION_TICKET) => {
            "SSL negotiation finished successfully"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::SERVER_KEY_EXCHANGE) => {
            "SSLv3/TLS read server key exchange"
        }
        (false, ContentType::HANDSHAKE, HandshakeType::SERVER_HELLO_DONE) => {
            "SSLv3/TLS read server done"
        }
        (true, ContentType::HANDSHAKE, HandshakeType::CLIENT_KEY_EXCHANGE) => {
            "SSLv3/TLS write client key exchange"
        }
        (false, ContentType::CHANGE_CIPHER_SPEC, _) if tls12 => "SSLv3/TLS read change cipher spec",
        _ => return None,
    })
}

/// `-certform` / `-keyform`: `SSL_FILETYPE_PEM` or `SSL_FILETYPE_ASN1`.
fn file_format(s: &str) -> Result<i32, String> {
    match s.to_ascii_uppercase().as_str() {
        "PEM" => Ok(oxissl::SSL_FILETYPE_PEM),
        "DER" => Ok(oxissl::SSL_FILETYPE_ASN1),
        _ => Err(format!("{s}: PEM or DER")),
    }
}

/// `-cert`, `-key`, `-cert_chain`: the client certificate, its key (from the certificate's
/// file without -key, as s_client reads it) and the certificates sent after it, checked
/// against each other. Without -cert the others are ignored, as by s_client.
fn use_client_certificate(ctx: &mut SslCtx, args: &Args) -> Result<(), String> {
    let Some(cert) = &args.cert else {
        return Ok(());
    };
    let failed = |what: String| {
        print_errors();
        what
    };
    ctx.use_certificate_file(cert, args.certform).map_err(|_| {
        failed(format!(
            "Unable to load client certificate from {}",
            cert.display()
        ))
    })?;
    let key = args.key.as_ref().unwrap_or(cert);
    if let Err(e) = ctx.use_private_key_file(key, args.keyform) {
        let mismatch = e.lib() == oxissl::error::ERR_LIB_X509;
        return Err(failed(if mismatch {
            "error setting private key".into()
        } else {
            format!(
                "Could not read client certificate private key from {}",
                key.display()
            )
        }));
    }
    ctx.check_private_key()
        .map_err(|_| failed("Private key does not match the certificate public key".into()))?;
    if let Some(chain) = &args.cert_chain {
        let text = std::fs::read_to_string(chain).map_err(|e| {
            format!(
                "Could not open client certificate chain {}: {e}",
                chain.display()
            )
        })?;
        let certs = x509::pem_certificates(&text);
        if certs.is_empty() {
            return Err(format!(
                "No certificates in client certificate chain {}",
                chain.display()
            ));
        }
        for der in certs {
            ctx.add_extra_chain_cert(&der);
        }
    }
    Ok(())
}

/// Splits `host:port`, allowing `[v6]:port`.
fn split_host_port(s: &str) -> Result<(String, u16), String> {
    let (host, port) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("-connect wants host:port, got {s:?}"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = port.parse().map_err(|_| format!("bad port in {s:?}"))?;
    Ok((host.to_string(), port))
}

/// Prints the error queue the way `ERR_print_errors_fp` does.
fn print_errors() {
    let pid = std::process::id();
    for e in oxissl::error::take_errors() {
        let data = e.data().map(|d| format!(":{d}")).unwrap_or_default();
        eprintln!("{pid}:{}{data}", oxissl::error::error_string(e.code()));
    }
}

fn build_ctx(args: &Args, demo_ca: Option<&std::path::Path>) -> Result<SslCtx, String> {
    let mut ctx = SslCtx::new();
    if args.tls1_2 {
        ctx.set_min_proto_version(TLS1_2_VERSION);
        ctx.set_max_proto_version(TLS1_2_VERSION);
    }
    if args.tls1_3 {
        ctx.set_min_proto_version(TLS1_3_VERSION);
        ctx.set_max_proto_version(TLS1_3_VERSION);
    }
    let queue_error = |what: &str| {
        print_errors();
        format!("{what} rejected")
    };
    if let Some(g) = &args.groups {
        ctx.set_groups_list(g).map_err(|_| queue_error("-groups"))?;
    }
    if let Some(c) = &args.ciphersuites {
        ctx.set_ciphersuites(c)
            .map_err(|_| queue_error("-ciphersuites"))?;
    }
    if let Some(c) = &args.cipher {
        ctx.set_cipher_list(c).map_err(|_| queue_error("-cipher"))?;
    }
    if let Some(list) = &args.alpn {
        let protos: Vec<&[u8]> = list.split(',').map(str::as_bytes).collect();
        if !ctx.set_alpn_protocols(&protos) {
            return Err(format!("bad -alpn list {list:?}"));
        }
    }
    match (demo_ca, &args.ca_file, &args.ca_path) {
        (Some(ca), _, _) => ctx
            .load_verify_locations(Some(ca), None)
            .map_err(|_| queue_error("demo CA"))?,
        (None, None, None) => ctx.set_default_verify_paths(),
        (None, file, dir) => ctx
            .load_verify_locations(file.as_deref(), dir.as_deref())
            .map_err(|_| queue_error("-CAfile/-CApath"))?,
    }
    // As s_client: verify and report, but only -verify_return_error makes a failure fatal.
    let mode = if args.verify_return_error {
        SSL_VERIFY_PEER
    } else {
        SSL_VERIFY_NONE
    };
    ctx.set_verify(mode, None);
    if let Some(mode) = args.maxfraglen {
        ctx.set_tlsext_max_fragment_length(mode);
    }
    if let Some(block) = args.record_padding {
        ctx.set_block_padding(usize::from(block));
    }
    ctx.set_post_handshake_auth(args.enable_pha);
    use_client_certificate(&mut ctx, args)?;
    Ok(ctx)
}

/// `-maxfraglen`: a length in bytes, as openssl s_client takes it, to the extension's code.
fn max_fragment_length(s: &str) -> Result<u8, String> {
    match s {
        "512" => Ok(1),
        "1024" => Ok(2),
        "2048" => Ok(3),
        "4096" => Ok(4),
        _ => Err(format!("{s}: the length must be 512, 1024, 2048 or 4096")),
    }
}

/// `-status`: the stapled response's status and size (oxissl does not judge OCSP responses;
/// `openssl ocsp -respin` shows one in full).
fn print_ocsp_response(response: Option<&[u8]>) {
    let Some(der) = response else {
        println!("OCSP response: no response sent");
        return;
    };
    println!("OCSP response: {} bytes", der.len());
    match x509::ocsp_response_status(der) {
        Some(status) => println!(
            "    OCSP Response Status: {} (0x{status:x})",
            ocsp_status_name(status)
        ),
        None => println!("    OCSP Response Status: unreadable"),
    }
}

/// RFC 6960 §4.2.1 OCSPResponseStatus names, as OpenSSL prints them.
fn ocsp_status_name(status: u8) -> &'static str {
    match status {
        0 => "successful",
        1 => "malformedrequest",
        2 => "internalerror",
        3 => "trylater",
        5 => "sigrequired",
        6 => "unauthorized",
        _ => "(UNKNOWN)",
    }
}

/// Runs `s_client`; the exit status is 0 when the handshake succeeded.
pub fn run(args: Args) -> std::process::ExitCode {
    match connect_and_run(&args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("{msg}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}

fn connect_and_run(args: &Args) -> Result<(), String> {
    if args.noservername && args.servername.is_some() {
        return Err("s_client: Can't use -servername and -noservername together".into());
    }
    let mut demo_ca_file = None;
    let (host, port) = match &args.connect {
        Some(c) => split_host_port(c)?,
        None => {
            let demo = crate::demo::start()?;
            let path =
                std::env::temp_dir().join(format!("oxissl-demo-ca-{}.pem", std::process::id()));
            std::fs::write(&path, x509::to_pem(&demo.ca_der)).map_err(|e| e.to_string())?;
            eprintln!(
                "No -connect given: started the built-in demo server (rustls) on 127.0.0.1:{}; its CA is trusted for this run.",
                demo.port
            );
            demo_ca_file = Some(path);
            ("localhost".to_string(), demo.port)
        }
    };
    let ctx = build_ctx(args, demo_ca_file.as_deref());
    if let Some(p) = &demo_ca_file {
        let _ = std::fs::remove_file(p);
    }
    let mut ctx = ctx?;
    let tracer = Arc::new(Tracer {
        msg: args.msg,
        state: args.state,
        counts: Mutex::new((0, 0)),
        version: Mutex::new(if args.tls1_2 { "TLS 1.2" } else { "TLS 1.3" }),
    });
    ctx.set_message_observer(Some(tracer.clone()));
    if let Some(path) = &args.keylogfile {
        ctx.set_key_log(Some(Arc::new(KeyLogFile::open(path)?)));
    }
    if args.status {
        // As openssl s_client's status callback: print what came, never refuse it.
        ctx.set_tlsext_status_type(true);
        ctx.set_status_callback(Some(Arc::new(|response: Option<&[u8]>, _: &[_]| {
            print_ocsp_response(response);
            1
        })));
    }

    // As in openssl s_client, -brief implies the quiet output (but not -quiet's ign_eof).
    let quiet_output = args.quiet || args.brief;
    let offered = match &args.sess_in {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .ok()
                .and_then(|text| oxissl::session_codec::from_pem(&text))
                .ok_or_else(|| format!("Can't open session file {}", path.display()))?,
        ),
        None => None,
    };
    let (mut ssl, mut sock) = handshake(args, &ctx, &host, port, &tracer, offered, false)?;
    save_session(&mut ssl, args);
    for _ in 0..if args.reconnect { RECONNECTS } else { 0 } {
        // TLS 1.3 tickets follow the handshake: give them a moment to arrive.
        if ssl.version() == "TLSv1.3" {
            collect_tickets(&mut ssl, &sock);
        }
        let session = ssl.get1_session();
        println!("drop connection and then reconnect");
        ssl.shutdown();
        drop(ssl);
        *tracer.counts.lock().unwrap_or_else(|e| e.into_inner()) = (0, 0);
        (ssl, sock) = handshake(args, &ctx, &host, port, &tracer, session, true)?;
    }
    if args.reconnect && !quiet_output {
        println!("---");
    }
    copy_loop(&mut ssl, args, &sock)
}

/// `-sess_out`: writes the newest session the connection has established since the last call
/// (a TLS 1.2 session after the handshake, each TLS 1.3 ticket as it arrives), as openssl
/// s_client does from its new-session callback.
fn save_session(ssl: &mut Ssl, args: &Args) {
    let Some(path) = &args.sess_out else {
        return;
    };
    if let Some(session) = ssl.take_new_sessions().pop() {
        if std::fs::write(path, oxissl::session_codec::to_pem(&session)).is_err() {
            eprintln!("Error writing session file {}", path.display());
        }
    }
}

/// `-reconnect`: how many times s_client reconnects with the session of the connection before.
const RECONNECTS: usize = 5;
/// How long `-reconnect` waits for TLS 1.3 tickets before dropping a connection.
const TICKET_WAIT: Duration = Duration::from_millis(200);

/// Connects, runs the handshake (offering `session`, if any) and prints what s_client prints:
/// the whole summary for the first connection, the short one for a reconnection.
fn handshake(
    args: &Args,
    ctx: &SslCtx,
    host: &str,
    port: u16,
    tracer: &Tracer,
    session: Option<StoredSession>,
    reconnecting: bool,
) -> Result<(Ssl, oxissl::SocketBio), String> {
    let tcp = TcpStream::connect((host, port))
        .map_err(|e| format!("connect:errno={}: {e}", e.raw_os_error().unwrap_or(0)))?;
    let quiet_output = args.quiet || args.brief;
    if !quiet_output {
        println!("CONNECTED({:08X})", tcp.as_raw_fd());
    }
    let mut ssl = Ssl::new(ctx);
    // Reads return after post-handshake messages so stdin stays responsive.
    ssl.clear_mode(SSL_MODE_AUTO_RETRY);
    let sock = ssl.set_fd(tcp);
    let is_ip = host.parse::<IpAddr>().is_ok();
    if !args.noservername {
        match &args.servername {
            Some(name) => {
                ssl.set_tlsext_host_name(name);
            }
            None if !is_ip => {
                ssl.set_tlsext_host_name(host);
            }
            None => {}
        }
    }
    if let Some(name) = args.verify_hostname.as_ref().or(args.verify_ip.as_ref()) {
        ssl.set1_host(name);
    }
    ssl.set_session(session);
    if args.state {
        eprintln!("SSL_connect:before SSL initialization");
    }
    if args.nbio {
        sock.set_nonblocking(true).map_err(|e| e.to_string())?;
    }
    let ret = loop {
        let ret = ssl.connect();
        if ret == 1 {
            break ret;
        }
        match ssl.get_error(ret) {
            ErrorCode::WANT_READ | ErrorCode::WANT_WRITE if args.nbio => {
                std::thread::sleep(NBIO_PAUSE)
            }
            _ => break ret,
        }
    };
    let chain = ssl.peer_cert_chain();
    let errors = verify_errors(ssl.get_verify_result(), &chain, args.verify_return_error);
    if !reconnecting {
        for &(depth, index, code) in &errors {
            if let Some((subject, _)) = chain.get(index).and_then(|c| x509::subject_and_issuer(c)) {
                eprintln!("depth={depth} {}", x509::format_name(subject));
            }
            eprintln!("verify error:num={code}:{}", verify_error_string(code));
        }
    }
    // What s_client's verify callback leaves as the verify result: the last error.
    let verify = errors.last().map_or(0, |e| e.2);
    if ret != 1 {
        let code = ssl.get_error(ret);
        if code == ErrorCode::SYSCALL {
            let errno = ssl.last_os_error().unwrap_or(0);
            eprintln!("write:errno={errno}");
        }
        print_errors();
        // Like openssl s_client, report what was negotiated before the failure.
        if !quiet_output {
            print_summary(&ssl, args, tracer, false, verify);
        }
        return Err(String::new());
    }
    if reconnecting {
        if !quiet_output {
            print_reconnect_summary(&ssl, verify);
        }
    } else if !args.quiet {
        print_summary(&ssl, args, tracer, true, verify);
    }
    Ok((ssl, sock))
}

/// Reads what the server sends until a TLS 1.3 NewSessionTicket has arrived, for at most
/// `TICKET_WAIT`; application data that comes with it is dropped.
fn collect_tickets(ssl: &mut Ssl, sock: &oxissl::SocketBio) {
    let Ok(stream) = sock.try_clone_stream() else {
        return;
    };
    let _ = stream.set_read_timeout(Some(TICKET_WAIT));
    let mut buf = [0u8; 1024];
    let deadline = std::time::Instant::now() + TICKET_WAIT;
    // The connection's own session, not one offered to it: a ticket is used once.
    let has_new = |ssl: &Ssl| ssl.connection().is_some_and(|c| c.session().is_some());
    while std::time::Instant::now() < deadline && !has_new(ssl) {
        let n = ssl.read(&mut buf);
        if n <= 0 && ssl.get_error(n) != ErrorCode::WANT_READ {
            break;
        }
    }
    let _ = stream.set_read_timeout(None);
}

/// What s_client prints after each `-reconnect` handshake.
fn print_reconnect_summary(ssl: &Ssl, verify: i64) {
    if verify == 0 {
        println!("Verification: OK");
    } else {
        println!("Verification error: {}", verify_error_string(verify));
    }
    println!("---");
    println!(
        "{}, {}, Cipher is {}",
        if ssl.session_reused() {
            "Reused"
        } else {
            "New"
        },
        ssl.version(),
        ssl.current_cipher_name().unwrap_or("(NONE)")
    );
    println!(
        "Verify return code: {verify} ({})",
        verify_error_string(verify)
    );
}

/// The verification errors s_client reports, in order, as (depth, index in `chain`,
/// `X509_V_ERR_*` number), given the verify result. Without -verify_return_error its verify
/// callback accepts each error and OpenSSL carries on: when the chain built from what the
/// server sent is the leaf alone and its issuer is unknown (20), the leaf's signature cannot be
/// checked either, "unable to verify the first certificate" (21), which becomes the result.
fn verify_errors(verify: i64, chain: &[&[u8]], fatal: bool) -> Vec<(usize, usize, i64)> {
    if verify == 0 {
        return Vec::new();
    }
    let (depth, index) = error_depth(chain, verify);
    let mut errors = vec![(depth, index, verify)];
    if verify == 20 && depth == 0 && !fatal {
        errors.push((0, 0, 21));
    }
    errors
}

/// Where OpenSSL reports a verification error: for a missing issuer (20) or an untrusted
/// self-signed root (19), at the top of the chain it builds from the certificates the server
/// sent (each one's issuer found by subject); otherwise at the leaf. Returns the depth and the
/// index of that certificate in `chain`.
fn error_depth(chain: &[&[u8]], verify: i64) -> (usize, usize) {
    if !matches!(verify, 19 | 20) {
        return (0, 0);
    }
    let names: Vec<Option<(&[u8], &[u8])>> =
        chain.iter().map(|c| x509::subject_and_issuer(c)).collect();
    let mut used = vec![false; chain.len()];
    let (mut depth, mut at) = (0, 0);
    while let Some(Some((subject, issuer))) = names.get(at) {
        used[at] = true;
        if subject == issuer {
            break;
        }
        let next = names
            .iter()
            .enumerate()
            .position(|(i, n)| !used[i] && n.is_some_and(|(s, _)| s == *issuer));
        match next {
            Some(i) => {
                depth += 1;
                at = i;
            }
            None => break,
        }
    }
    (depth, at)
}

fn group_line(ssl: &Ssl) -> Option<String> {
    Some(match ssl.negotiated_group()? {
        0x001d => "X25519, 253 bits".to_string(),
        0x0017 => "ECDH, prime256v1, 256 bits".to_string(),
        0x0018 => "ECDH, secp384r1, 384 bits".to_string(),
        0x0019 => "ECDH, secp521r1, 521 bits".to_string(),
        g => format!("group 0x{g:04x}"),
    })
}

/// What the server's CertificateRequest asked for (CA names, TLS 1.2 certificate types, the
/// signature algorithms it accepts and those shared with this client) and the server's own
/// signature, in `openssl s_client`'s lines.
fn print_request(ssl: &Ssl) {
    let request = ssl.peer_certificate_request();
    let names: Vec<String> = request
        .map(|r| {
            r.ca_names
                .iter()
                .filter_map(|n| x509::format_der_name(n))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        println!("No client certificate CA names sent");
    } else {
        println!("Acceptable client certificate CA names");
        for name in names {
            println!("{name}");
        }
    }
    if let Some(r) = request {
        if !r.certificate_types.is_empty() {
            let types: Vec<String> = r
                .certificate_types
                .iter()
                .map(|&t| certificate_type_name(t))
                .collect();
            println!("Client Certificate Types: {}", types.join(", "));
        }
        let list = |schemes: &[oxissl_engine::SignatureScheme]| -> String {
            let names: Vec<String> = schemes.iter().map(|s| sigalg_name(s.0)).collect();
            names.join(":")
        };
        if !r.schemes.is_empty() {
            println!("Requested Signature Algorithms: {}", list(&r.schemes));
        }
        let shared = ssl.shared_sigalgs();
        if !shared.is_empty() {
            println!("Shared Requested Signature Algorithms: {}", list(&shared));
        }
    }
    let scheme = ssl
        .connection()
        .and_then(|c| c.negotiated().signature_scheme)
        .map(|s| s.0);
    if let Some(scheme) = scheme {
        let (sig, hash) = sigalg_parts(scheme);
        if let Some(hash) = hash {
            println!("Peer signing digest: {hash}");
        }
        if let Some(sig) = sig {
            println!("Peer signature type: {sig}");
        }
    }
}

/// OpenSSL's name for a TLS 1.2 ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5).
fn certificate_type_name(t: u8) -> String {
    match t {
        1 => "RSA sign".into(),
        2 => "DSA sign".into(),
        3 => "RSA fixed DH".into(),
        4 => "DSS fixed DH".into(),
        64 => "ECDSA sign".into(),
        65 => "RSA fixed ECDH".into(),
        66 => "ECDSA fixed ECDH".into(),
        t => format!("UNKNOWN ({t})"),
    }
}

/// A signature scheme's signature type and digest as OpenSSL names them (`None` where it has
/// none).
fn sigalg_parts(scheme: u16) -> (Option<&'static str>, Option<&'static str>) {
    use oxissl_engine::SchemeSignature as S;
    let Some((sig, hash)) = oxissl_engine::SignatureScheme(scheme).parts() else {
        return (None, None);
    };
    let sig = match sig {
        S::Rsa => "RSA",
        S::RsaPss => "RSA-PSS",
        S::Dsa => "DSA",
        S::Ecdsa => "ECDSA",
        S::Ed25519 => "Ed25519",
        S::Ed448 => "Ed448",
    };
    let hash = hash.map(|h| ["SHA1", "SHA224", "SHA256", "SHA384", "SHA512"][usize::from(h) - 2]);
    (Some(sig), hash)
}

/// A signature scheme in `openssl s_client`'s list: `SIG+HASH`, or the TLS 1.3 name where
/// that would be ambiguous (EdDSA, RSA-PSS with a PSS key), or the bytes in hex.
fn sigalg_name(scheme: u16) -> String {
    match scheme {
        0x0807 => return "ed25519".into(),
        0x0808 => return "ed448".into(),
        0x0809 => return "rsa_pss_pss_sha256".into(),
        0x080a => return "rsa_pss_pss_sha384".into(),
        0x080b => return "rsa_pss_pss_sha512".into(),
        _ => {}
    }
    match sigalg_parts(scheme) {
        (Some(sig), Some(hash)) => format!("{sig}+{hash}"),
        _ => format!("0x{:02X}+0x{:02X}", scheme & 0xff, scheme >> 8),
    }
}

/// Prints the session as `openssl s_client` does (`-brief`: its short summary on stderr).
/// After a failed handshake (`established` false) the peer certificate is not shown, as
/// OpenSSL does not keep a certificate it rejected.
fn print_summary(ssl: &Ssl, args: &Args, tracer: &Tracer, established: bool, verify: i64) {
    let verification = if verify == 0 {
        "Verification: OK".to_string()
    } else {
        format!("Verification error: {}", verify_error_string(verify))
    };
    let subject = ssl
        .peer_certificate()
        .and_then(x509::subject_and_issuer)
        .map(|(s, _)| x509::format_name(s))
        .unwrap_or_default();
    let version = match ssl.version() {
        "unknown" => "(NONE)",
        v => v,
    };
    let cipher = ssl.current_cipher_name().unwrap_or("(NONE)");
    let alpn = match ssl.get0_alpn_selected() {
        Some(p) => format!("ALPN protocol: {}", String::from_utf8_lossy(p)),
        None => "No ALPN negotiated".to_string(),
    };
    if args.brief {
        eprintln!("CONNECTION ESTABLISHED");
        eprintln!("Protocol version: {version}");
        eprintln!("Ciphersuite: {cipher}");
        eprintln!("Peer certificate: {subject}");
        eprintln!("{verification}");
        if let Some(g) = group_line(ssl) {
            eprintln!("Server Temp Key: {g}");
        }
        eprintln!("{alpn}");
        return;
    }
    println!("---");
    let chain = ssl.peer_cert_chain();
    if !chain.is_empty() {
        println!("Certificate chain");
    }
    for (i, der) in chain.iter().enumerate() {
        if let Some((s, iss)) = x509::subject_and_issuer(der) {
            println!("{i:2} s:{}", x509::format_name(s));
            println!("   i:{}", x509::format_name(iss));
        }
        if args.showcerts {
            print!("{}", x509::to_pem(der));
        }
    }
    if !chain.is_empty() {
        println!("---");
    }
    let leaf = ssl.peer_certificate().filter(|_| established);
    if let Some(leaf) = leaf {
        if !args.showcerts {
            println!("Server certificate");
            print!("{}", x509::to_pem(leaf));
        }
        if let Some((s, iss)) = x509::subject_and_issuer(leaf) {
            println!("subject={}", x509::format_name(s));
            println!("issuer={}", x509::format_name(iss));
        }
        println!("---");
    } else {
        println!("no peer certificate available");
        println!("---");
    }
    print_request(ssl);
    if let Some(g) = group_line(ssl) {
        println!("Server Temp Key: {g}");
    }
    println!("---");
    let (read, written) = *tracer.counts.lock().unwrap_or_else(|e| e.into_inner());
    println!("SSL handshake has read {read} bytes and written {written} bytes");
    println!("{verification}");
    println!("---");
    let kind = if ssl.session_reused() {
        "Reused"
    } else {
        "New"
    };
    println!("{kind}, {version}, Cipher is {cipher}");
    println!("Protocol version: {version}");
    println!("Ciphersuite: {cipher}");
    if leaf.is_some() {
        println!("Peer certificate: {subject}");
    }
    println!("{alpn}");
    println!("Early data was not sent");
    println!(
        "Verify return code: {verify} ({})",
        verify_error_string(verify)
    );
    if let Some(label) = args.keymatexport.as_deref().filter(|_| established) {
        print_exported(ssl, label, args.keymatexportlen.into());
    }
    println!("---");
}

/// `-keymatexport`: the exported keying material, in `openssl s_client`'s layout.
fn print_exported(ssl: &Ssl, label: &str, len: usize) {
    println!("Keying material exporter:");
    println!("    Label: '{label}'");
    println!("    Length: {len} bytes");
    let mut out = vec![0u8; len];
    match ssl.export_keying_material(&mut out, label.as_bytes(), None) {
        Ok(()) => {
            let hex: String = out.iter().map(|b| format!("{b:02X}")).collect();
            println!("    Keying material: {hex}");
        }
        Err(e) => println!("    Error: {e}"),
    }
}

enum Event {
    Stdin(Vec<u8>),
    StdinEof,
    Readable,
}

/// Copies stdin to the connection and the connection to stdout until either side ends.
fn copy_loop(ssl: &mut Ssl, args: &Args, sock: &oxissl::SocketBio) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    let stdin_tx = tx.clone();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 16384];
        loop {
            match stdin.read(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = stdin_tx.send(Event::StdinEof);
                    return;
                }
                Ok(n) => {
                    if stdin_tx.send(Event::Stdin(buf[..n].to_vec())).is_err() {
                        return;
                    }
                }
            }
        }
    });
    // A watcher on a clone of the socket says when it has bytes; the Ssl then reads them.
    let watch = sock.try_clone_stream().map_err(|e| e.to_string())?;
    let (again_tx, again_rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let mut one = [0u8; 1];
        loop {
            if args_peek(&watch, &mut one) && tx.send(Event::Readable).is_err() {
                return;
            }
            if again_rx.recv().is_err() {
                return;
            }
        }
    });
    let mut closing: Option<Instant> = None;
    let mut out = std::io::stdout();
    let mut buf = vec![0u8; 16384];
    loop {
        let timeout = closing.map_or(Duration::from_secs(3600), |t| {
            CLOSE_WAIT.saturating_sub(t.elapsed())
        });
        let event = match rx.recv_timeout(timeout) {
            Ok(e) => e,
            Err(_) if closing.is_some() => return Ok(()),
            Err(_) => continue,
        };
        match event {
            Event::Stdin(data) => write_all(ssl, &data, args.nbio)?,
            Event::StdinEof if args.quiet => {}
            Event::StdinEof => {
                eprintln!("DONE");
                shutdown(ssl, args.nbio);
                closing = Some(Instant::now());
            }
            Event::Readable => {
                loop {
                    let n = ssl.read(&mut buf);
                    save_session(ssl, args);
                    if n > 0 {
                        let _ = out.write_all(&buf[..n as usize]);
                        let _ = out.flush();
                        if ssl.has_pending() {
                            continue;
                        }
                        break;
                    }
                    match ssl.get_error(n) {
                        ErrorCode::WANT_READ | ErrorCode::WANT_WRITE => break,
                        ErrorCode::ZERO_RETURN => {
                            // openssl s_client prints this on its session output (stdout),
                            // which -quiet and -brief silence.
                            if closing.is_none() && !args.quiet && !args.brief {
                                println!("closed");
                            }
                            shutdown(ssl, args.nbio);
                            return Ok(());
                        }
                        _ => {
                            print_errors();
                            return if closing.is_some() {
                                Ok(())
                            } else {
                                Err(String::new())
                            };
                        }
                    }
                }
                let _ = again_tx.send(());
            }
        }
    }
}

/// Blocks until the socket has a byte to read or is closed; false if it failed.
fn args_peek(sock: &TcpStream, one: &mut [u8]) -> bool {
    loop {
        match sock.peek(one) {
            Ok(_) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(NBIO_PAUSE),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
}

fn write_all(ssl: &mut Ssl, mut data: &[u8], nbio: bool) -> Result<(), String> {
    while !data.is_empty() {
        let n = ssl.write(data);
        if n > 0 {
            data = &data[n as usize..];
            continue;
        }
        match ssl.get_error(n) {
            ErrorCode::WANT_READ | ErrorCode::WANT_WRITE if nbio => std::thread::sleep(NBIO_PAUSE),
            _ => {
                print_errors();
                return Err(String::new());
            }
        }
    }
    Ok(())
}

fn shutdown(ssl: &mut Ssl, nbio: bool) {
    for _ in 0..1000 {
        let r = ssl.shutdown();
        if r >= 0 {
            return;
        }
        match ssl.get_error(r) {
            ErrorCode::WANT_READ | ErrorCode::WANT_WRITE if nbio => std::thread::sleep(NBIO_PAUSE),
            _ => return,
        }
    }
}
