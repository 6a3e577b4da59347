//! Unmodified OpenSSL 3 client programs on our `libssl.so.3`.
//!
//! The C clients in `tests/c/` are built against the system OpenSSL headers with
//! `-lssl -lcrypto`. Each test runs one of them twice against the same server: on the system
//! libssl, where it must print what OpenSSL is known to do, then with our library first on
//! `LD_LIBRARY_PATH`, where stdout and the exit status must be identical. `LD_DEBUG`
//! shows which libssl each run loaded. A library that is missing or does not load fails the
//! test.
//!
//! The servers: `openssl s_server -rev` with the test PKI (`testdata/certs`), and raw TCP
//! servers in this process for the network failures.

mod common;

use common::*;

const HOST: &str = "127.0.0.1";

/// `blocking HOST PORT CAFILE VERIFY CHECKHOST ACTION`.
fn blocking(port: u16, ca: &str, verify: &str, checkhost: &str, action: &str) -> Vec<String> {
    args([
        program("blocking").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert(ca),
        verify.into(),
        checkhost.into(),
        action.into(),
    ])
}

/// Any of the programs taking `HOST PORT CAFILE VERIFY CHECKHOST LAST`.
fn client(
    name: &str,
    port: u16,
    ca: &str,
    verify: &str,
    checkhost: &str,
    last: &str,
) -> Vec<String> {
    args([
        program(name).to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert(ca),
        verify.into(),
        checkhost.into(),
        last.into(),
    ])
}

/// `bio_connect HOST:PORT CAFILE VERIFY CHECKHOST`.
fn bio_connect(port: u16, ca: &str, verify: &str, checkhost: &str) -> Vec<String> {
    args([
        program("bio_connect").to_string_lossy().into_owned(),
        format!("{HOST}:{port}"),
        cert(ca),
        verify.into(),
        checkhost.into(),
    ])
}

/// `resume HOST PORT CAFILE VERSION TICKETS CACHE`.
fn resume(port: u16, version: &str, tickets: &str, cache: &str) -> Vec<String> {
    args([
        program("resume").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert("root.pem"),
        version.into(),
        tickets.into(),
        cache.into(),
    ])
}

#[test]
fn our_library_exports_every_libssl_symbol_the_programs_import() {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(programs()).expect("program directory") {
        let path = entry.expect("directory entry").path();
        let imports = libssl_imports(&path);
        assert!(
            !imports.is_empty(),
            "{} imports nothing from libssl",
            path.display()
        );
        all.extend(imports);
    }
    all.sort();
    all.dedup();
    assert_we_export("the C test programs", &all);
}

#[test]
fn our_library_exports_every_libssl_symbol_libpq_imports() {
    // PostgreSQL's client library is linked with BIND_NOW: one missing symbol and no program
    // using it starts on our library, whether or not it connects with TLS (.ci/run installs
    // libpq5).
    let out = std::process::Command::new("ldconfig")
        .arg("-p")
        .output()
        .expect("ldconfig runs");
    let libpq = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            let (name, path) = l.trim().split_once(" => ")?;
            name.starts_with("libpq.so.5 ")
                .then(|| std::path::PathBuf::from(path.trim()))
        })
        .expect("libpq.so.5 is installed (Debian: libpq5)");
    let imports = libssl_imports(&libpq);
    assert!(imports.len() > 20, "libpq imports {imports:?} from libssl");
    assert_we_export("libpq", &imports);
}

#[test]
fn our_library_seeds_its_random_generator_without_cpu_jitter_entropy() {
    // `.cargo/config.toml` builds aws-lc without CPU-jitter entropy, whose one-time set-up
    // costs tens of milliseconds in every process (for a one-shot program, many times its
    // handshake); the DRBG is seeded from getrandom and RDRAND, as OpenSSL seeds its own.
    let lib = std::fs::read(our_lib_dir().expect("our library").join("libssl.so.3")).unwrap();
    let has = |name: &[u8]| lib.windows(name.len()).any(|w| w == name);
    assert!(
        has(b"CTR_DRBG_init"),
        "aws-lc's internal symbols are listed (the check below can see them)"
    );
    assert!(!has(b"jent_entropy_collector_alloc"));
}

const HANDSHAKE_OK: &str = "SSL_connect: ret=1 error=0(NONE)";
const VERIFY_FAILED: &str = "SSL_connect: ret=-1 error=1(SSL) lib=20 reason=134";
const TLS13: &str = "version: TLSv1.3";
const ECDSA_PEER: &str = "peer: /CN=localhost (ecdsa)";
const CLOSED_BY_PEER: &str = "ret=0 error=6(ZERO_RETURN)";

#[test]
fn blocking_set_fd_connect_echo_and_close_notify() {
    let server = rev_server(&[]);
    differential(
        &blocking(server.port, "root.pem", "peer", "localhost", "echo"),
        End::Exit(0),
        &[
            "BIO_set_tcp_ndelay: 1, TCP_NODELAY: 1",
            "SSL_set_fd: 1",
            "SSL_set1_host: 1",
            HANDSHAKE_OK,
            TLS13,
            ECDSA_PEER,
            "verify: 0",
            "randoms: 32/32 bytes, both drawn",
            "read: tneilc gnikcolb a morf olleh",
            &format!("SSL_read at the end: {CLOSED_BY_PEER}"),
            "SSL_shutdown: 1",
        ],
    );
}

#[test]
fn blocking_with_rsa_and_ed25519_leaves() {
    for leaf in ["rsa", "ed25519"] {
        let server = s_server(leaf, "inter.pem", &["-rev"]);
        differential(
            &blocking(server.port, "root.pem", "peer", "localhost", "echo"),
            End::Exit(0),
            &[
                HANDSHAKE_OK,
                &format!("peer: /CN=localhost ({leaf})"),
                "verify: 0",
            ],
        );
    }
}

#[test]
fn nonblocking_socket_poll_loop_with_alpn() {
    let server = rev_server(&["-alpn", "http/1.1"]);
    differential(
        &client(
            "nonblocking",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "http/1.1",
        ),
        End::Exit(0),
        &[
            "SSL_set_alpn_protos: 0",
            "SSL_in_before: 1",
            "handshake loop ended: ret=1 error=0(NONE)",
            "SSL_in_init: 0, SSL_is_init_finished: 1",
            "SSL_connect again: 1",
            "alpn: http/1.1",
            "read: olleh gnikcolb-non",
            &format!("read loop ended: {CLOSED_BY_PEER}"),
            "SSL_shutdown: 1",
            "shutdown flags: 3",
        ],
    );
}

#[test]
fn nonblocking_poll_loop_untrusted_ca() {
    let server = s_server("untrusted", "untrusted-inter.pem", &["-rev"]);
    differential(
        &client(
            "nonblocking",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "-",
        ),
        End::Exit(1),
        &[
            "handshake loop ended: ret=-1 error=1(SSL) lib=20 reason=134",
            "verify: 20",
        ],
    );
}

#[test]
fn http_get_reads_until_close_notify() {
    let server = s_server("ecdsa", "inter.pem", &["-www"]);
    differential(
        &client(
            "http_get",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "block",
        ),
        End::Exit(0),
        &[
            "status line: HTTP/1.0 200 ok",
            "page complete: 1",
            &format!("end of the response: {CLOSED_BY_PEER}"),
        ],
    );
}

#[test]
fn http_get_event_loop_relies_on_ssl_pending() {
    // After data, the program polls the socket unless SSL_pending says bytes are left: a
    // library that pulled the following records (or the close_notify) off the socket into its
    // own buffers without counting them leaves it waiting. curl reads this way.
    let server = s_server("ecdsa", "inter.pem", &["-www"]);
    differential(
        &client(
            "http_get",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "nbio",
        ),
        End::Exit(0),
        &[
            "status line: HTTP/1.0 200 ok",
            "page complete: 1",
            &format!("end of the response: {CLOSED_BY_PEER}"),
        ],
    );
}

#[test]
fn connect_state_then_blocking_write_runs_the_handshake() {
    let server = rev_server(&[]);
    differential(
        &client(
            "implicit_write",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "block",
        ),
        End::Exit(0),
        &[
            "SSL_is_server: 0",
            "SSL_in_before: 1, SSL_is_init_finished: 0",
            "SSL_write: ret=29 error=0(NONE)",
            "SSL_in_init: 0, SSL_is_init_finished: 1",
            ECDSA_PEER,
            "read: ekahsdnah yna erofeb nettirw",
            &format!("last SSL_read: {CLOSED_BY_PEER}"),
        ],
    );
}

#[test]
fn connect_state_then_nonblocking_write_with_select() {
    let server = rev_server(&[]);
    differential(
        &client(
            "implicit_write",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "nbio",
        ),
        End::Exit(0),
        &[
            "SSL_write: ret=29 error=0(NONE)",
            "SSL_in_init: 0, SSL_is_init_finished: 1",
            "read: ekahsdnah yna erofeb nettirw",
            &format!("last SSL_read: {CLOSED_BY_PEER}"),
        ],
    );
}

#[test]
fn bio_pair_pumped_by_the_program() {
    let server = rev_server(&[]);
    differential(
        &client(
            "pumped",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "pair",
        ),
        End::Exit(0),
        &[
            "BIO_new_bio_pair: 1",
            "write guarantee: 17408",
            "SSL_get_rbio matches: 1, SSL_get_wbio matches: 1",
            "first SSL_connect: ret=-1 error=2(WANT_READ)",
            "ClientHello waiting to be sent: 1",
            "handshake loop ended: ret=1 error=0(NONE)",
            "read: dnah yb depmup",
            &format!("last SSL_read: {CLOSED_BY_PEER}"),
            "SSL_shutdown: 1",
            "close_notify waiting to be sent: 1",
        ],
    );
}

#[test]
fn two_memory_bios_pumped_by_the_program() {
    let server = rev_server(&[]);
    differential(
        &client(
            "pumped",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "mem",
        ),
        End::Exit(0),
        &[
            "first SSL_connect: ret=-1 error=2(WANT_READ)",
            "ClientHello waiting to be sent: 1",
            "handshake loop ended: ret=1 error=0(NONE)",
            "read: dnah yb depmup",
            &format!("last SSL_read: {CLOSED_BY_PEER}"),
            "SSL_shutdown: 1",
        ],
    );
}

#[test]
fn memory_bios_untrusted_ca() {
    let server = s_server("untrusted", "untrusted-inter.pem", &["-rev"]);
    differential(
        &client(
            "pumped",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "mem",
        ),
        End::Exit(1),
        &[
            "handshake loop ended: ret=-1 error=1(SSL) lib=20 reason=134",
            "verify: 20",
        ],
    );
}

#[test]
fn bio_new_ssl_connect_puts_and_read() {
    let server = rev_server(&[]);
    differential(
        &bio_connect(server.port, "root.pem", "peer", "localhost"),
        End::Exit(0),
        &[
            "BIO_get_ssl: 1, got an SSL: 1",
            "BIO_set_conn_hostname: 1",
            "BIO_do_connect: 1",
            ECDSA_PEER,
            "BIO_puts: 19",
            "read: OIB LSS na hguorht",
            "BIO_read at the end: 0, retry: 0",
            &format!("SSL_get_error: {CLOSED_BY_PEER}"),
            "shutdown flags: 3",
        ],
    );
}

#[test]
fn bio_new_ssl_connect_untrusted_ca() {
    let server = s_server("untrusted", "untrusted-inter.pem", &["-rev"]);
    differential(
        &bio_connect(server.port, "root.pem", "peer", "localhost"),
        End::Exit(1),
        &[
            "BIO_do_connect: -1",
            "after BIO_do_connect: ret=-1 error=1(SSL) lib=20 reason=134",
            "verify: 20",
        ],
    );
}

#[test]
fn bio_new_ssl_connect_refused() {
    // Nothing listens there (a port that was free a moment ago).
    let port = free_port();
    differential(
        &bio_connect(port, "root.pem", "peer", "localhost"),
        End::Exit(1),
        &[
            "BIO_do_connect: -1",
            "after BIO_do_connect: ret=-1 error=5(SYSCALL) errno=111 queue=nonempty",
        ],
    );
}

#[test]
fn read_ex_write_ex_server_closes_first() {
    let server = rev_server(&[]);
    differential(
        &client(
            "ex_shutdown",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "server",
        ),
        End::Exit(0),
        &[
            "SSL_shutdown before the handshake: ret=-1 error=1(SSL) lib=20 reason=276",
            HANDSHAKE_OK,
            "SSL_write_ex: 1, written: 24",
            "SSL_read_ex: 1, read: xe_etirw_LSS yb detnuoc",
            "SSL_read_ex: 0",
            &format!("SSL_get_error(ssl, 0): {CLOSED_BY_PEER}"),
            "shutdown flags: 2",
            "SSL_shutdown: 1",
            "shutdown flags: 3",
            "SSL_write_ex after shutdown: 0",
            "SSL_get_error(ssl, 0): ret=0 error=1(SSL) lib=20 reason=207",
        ],
    );
}

#[test]
fn read_ex_write_ex_client_closes_first() {
    let server = rev_server(&[]);
    differential(
        &client(
            "ex_shutdown",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "client",
        ),
        End::Exit(0),
        &[
            "SSL_shutdown: 0",
            "shutdown flags: 1",
            "SSL_shutdown again: 1",
            "shutdown flags: 3",
            "SSL_read_ex after shutdown: 0",
            &format!("SSL_get_error(ssl, 0): {CLOSED_BY_PEER}"),
            "SSL_get_error(ssl, 0): ret=0 error=1(SSL) lib=20 reason=207",
        ],
    );
}

#[test]
fn untrusted_ca_with_verify_peer_fails() {
    let server = s_server("untrusted", "untrusted-inter.pem", &["-rev"]);
    differential(
        &blocking(server.port, "root.pem", "peer", "-", "echo"),
        End::Exit(1),
        &[VERIFY_FAILED, "verify: 20"],
    );
}

#[test]
fn untrusted_ca_with_verify_none_connects_and_records_20() {
    let server = s_server("untrusted", "untrusted-inter.pem", &["-rev"]);
    differential(
        &blocking(server.port, "root.pem", "none", "-", "echo"),
        End::Exit(0),
        &[
            HANDSHAKE_OK,
            "peer: /CN=localhost (untrusted)",
            "verify: 20",
            "SSL_shutdown: 1",
        ],
    );
}

#[test]
fn wrong_host_with_set1_host_fails_with_62() {
    let server = rev_server(&[]);
    differential(
        &blocking(server.port, "root.pem", "peer", "wrong.example", "echo"),
        End::Exit(1),
        &["SSL_set1_host: 1", VERIFY_FAILED, "verify: 62"],
    );
}

#[test]
fn peer_reset_is_syscall_with_econnreset() {
    let server = raw_server(reset_after_client_hello);
    differential(
        &blocking(server.port, "root.pem", "peer", "localhost", "connect"),
        End::Exit(1),
        &["SSL_connect: ret=-1 error=5(SYSCALL) errno=104 queue=empty"],
    );
}

#[test]
fn eof_in_the_handshake_is_unexpected_eof() {
    let server = raw_server(eof_after_client_hello);
    differential(
        &blocking(server.port, "root.pem", "peer", "localhost", "connect"),
        End::Exit(1),
        &["SSL_connect: ret=-1 error=1(SSL) lib=20 reason=294"],
    );
}

#[test]
fn eof_in_the_handshake_through_memory_bios() {
    let server = raw_server(eof_after_client_hello);
    differential(
        &client(
            "pumped",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "mem",
        ),
        End::Exit(1),
        &["handshake loop ended: ret=-1 error=1(SSL) lib=20 reason=294"],
    );
}

#[test]
fn plain_http_server_is_an_ssl_error() {
    // "HTTP/1.1 400" is no TLS record: SSL_R_WRONG_VERSION_NUMBER.
    let server = raw_server(http_400);
    differential(
        &blocking(server.port, "root.pem", "peer", "localhost", "connect"),
        End::Exit(1),
        &["SSL_connect: ret=-1 error=1(SSL) lib=20 reason=267"],
    );
}

/// The lines `resume` prints for one connection: whether it was resumed, then the session
/// `SSL_get1_session` gives (resumable, version, ticket).
fn resumed_lines(reused: u8, version: &str, session: &str) -> Vec<String> {
    vec![
        format!("SSL_session_reused: {reused}"),
        format!("version: {version}"),
        "verify: 0".into(),
        "SSL_get_peer_certificate: non-null".into(),
        "SSL_get1_peer_certificate: non-null".into(),
        "peer chain: 2".into(),
        format!("SSL_get1_session: {session}"),
    ]
}

fn resume_differential(cmd: &[String], facts: &[String]) {
    let facts: Vec<&str> = facts.iter().map(String::as_str).collect();
    differential(cmd, End::Exit(0), &facts);
}

#[test]
fn tls12_session_resumes_by_ticket_with_set_session() {
    // RFC 5077 §3.4: the ticket is offered again on each connection; OpenSSL's server does not
    // renew it, so the resumed connection keeps the offered SSL_SESSION.
    let server = rev_server(&["-tls1_2"]);
    let mut facts = resumed_lines(1, "TLSv1.2", "resumable 1, version 0x303, ticket 1");
    facts.extend([
        "SSL_get1_session is the offered one: 1".into(),
        "first session at the end: resumable 1, version 0x303, ticket 1".into(),
    ]);
    resume_differential(&resume(server.port, "1.2", "ticket", "set"), &facts);
}

#[test]
fn tls12_session_resumes_by_session_id_when_the_server_sends_no_ticket() {
    let server = rev_server(&["-tls1_2", "-no_ticket"]);
    let mut facts = resumed_lines(1, "TLSv1.2", "resumable 1, version 0x303, ticket 0");
    facts.push("SSL_get1_session is the offered one: 1".into());
    resume_differential(&resume(server.port, "1.2", "ticket", "set"), &facts);
}

#[test]
fn tls12_session_resumes_by_session_id_with_ssl_op_no_ticket() {
    let server = rev_server(&["-tls1_2"]);
    let mut facts = resumed_lines(1, "TLSv1.2", "resumable 1, version 0x303, ticket 0");
    facts.push("SSL_OP_NO_TICKET: 1".into());
    resume_differential(&resume(server.port, "1.2", "noticket", "set"), &facts);
}

#[test]
fn tls13_ticket_resumes_with_set_session() {
    // New tickets after the resumption make a new SSL_SESSION; without a client cache the
    // offered one stays resumable and is accepted again.
    let server = rev_server(&[]);
    let mut facts = resumed_lines(1, "TLSv1.3", "resumable 1, version 0x304, ticket 1");
    facts.extend([
        "SSL_get1_session is the offered one: 0".into(),
        "first session at the end: resumable 1, version 0x304, ticket 1".into(),
    ]);
    resume_differential(&resume(server.port, "1.3", "ticket", "set"), &facts);
}

#[test]
fn client_session_cache_does_not_resume_by_itself() {
    // SSL_CTX_set_session_cache_mode(3): "no automatic reuse of client sessions is done".
    let server = rev_server(&["-tls1_2"]);
    let facts: Vec<String> = [
        "SSL_CTX_set_session_cache_mode: 2",
        "SSL_CTX_get_session_cache_mode: 1",
        "-- no SSL_set_session",
        "SSL_session_reused: 0",
        "first session at the end: resumable 1, version 0x303, ticket 1",
    ]
    .map(String::from)
    .to_vec();
    resume_differential(&resume(server.port, "1.2", "ticket", "cache"), &facts);
}

#[test]
fn client_session_cache_retires_a_resumed_tls13_session() {
    // With SSL_SESS_CACHE_CLIENT (with or without SSL_SESS_CACHE_NO_INTERNAL_STORE) OpenSSL
    // removes a resumed TLS 1.3 session from the cache at the end of the handshake, which
    // makes it not resumable (RFC 8446 §C.4): offered again, it gives a full handshake.
    let server = rev_server(&[]);
    for (cache, mode) in [("cache", "1"), ("external", "513")] {
        let facts: Vec<String> = [
            format!("SSL_CTX_get_session_cache_mode: {mode}"),
            "first session at the end: resumable 0, version 0x304, ticket 1".into(),
        ]
        .to_vec();
        resume_differential(&resume(server.port, "1.3", "ticket", cache), &facts);
    }
}

#[test]
fn valgrind_reports_no_errors_in_our_library() {
    let server = rev_server(&[]);
    let valgrind = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=no"];
    for cmd in [
        blocking(server.port, "root.pem", "peer", "localhost", "echo"),
        client(
            "pumped",
            server.port,
            "root.pem",
            "peer",
            "localhost",
            "pair",
        ),
        // The new-session callback and a verify callback run by libcrypto.
        newsess(server.port, "1.3", &[]),
        verifycb(server.port, "localhost", "strict", None),
    ] {
        let system = run(Lib::System, &cmd, &[]);
        system.assert_loaded();
        assert_eq!(system.end, End::Exit(0), "{system}");

        let ours = run_wrapped(Lib::Ours, &valgrind, 240, &cmd, &[]);
        ours.assert_loaded();
        assert_ne!(ours.end, End::Exit(99), "valgrind reported errors\n{ours}");
        assert_eq!(ours.end, End::Exit(0), "{ours}");
        assert_eq!(ours.stdout, system.stdout, "\n{system}\n{ours}");
    }
}

/// `newsess HOST PORT CAFILE VERSION [nocache]`.
fn newsess(port: u16, version: &str, extra: &[&str]) -> Vec<String> {
    let mut cmd = vec![
        program("newsess").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert("root.pem"),
        version.into(),
    ];
    cmd.extend(extra.iter().map(|s| (*s).to_owned()));
    args(cmd)
}

#[test]
fn new_session_callback_keeps_tls12_sessions_as_curl_does() {
    // SSL_CTX_sess_set_new_cb(3): called once at the end of a full TLS 1.2 handshake, not for
    // a resumed one; the kept session resumes the next connections.
    let server = rev_server(&["-tls1_2"]);
    let facts = [
        "SSL_CTX_sess_get_new_cb: the one set",
        "callback during SSL_connect: resumable 1, version 0x303, current session 1",
        "SSL_session_reused: 1",
        "exit: 0",
    ];
    differential(&newsess(server.port, "1.2", &[]), End::Exit(0), &facts);
}

#[test]
fn new_session_callback_gets_each_tls13_ticket() {
    // Each NewSessionTicket (s_server sends two) is a new session, handed over while reading.
    let server = rev_server(&[]);
    let facts = [
        "callback during SSL_read: resumable 1, version 0x304, current session 1",
        "callbacks: 2",
        "SSL_session_reused: 1",
    ];
    differential(&newsess(server.port, "1.3", &[]), End::Exit(0), &facts);
}

#[test]
fn new_session_callback_needs_the_client_cache_mode() {
    let server = rev_server(&["-tls1_2"]);
    let facts = ["callbacks: 0", "exit: 0"];
    differential(
        &newsess(server.port, "1.2", &["nocache"]),
        End::Exit(0),
        &facts,
    );
}

/// `verifycb HOST PORT root.pem HOSTNAME MODE [DEPTH]` against `server`.
fn verifycb(port: u16, hostname: &str, mode: &str, depth: Option<&str>) -> Vec<String> {
    let mut cmd = vec![
        program("verifycb").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert("root.pem"),
        hostname.into(),
        mode.into(),
    ];
    cmd.extend(depth.map(str::to_owned));
    args(cmd)
}

#[test]
fn verify_callback_sees_each_certificate_of_a_good_chain() {
    // SSL_CTX_set_verify(3): called for every certificate, deepest (the root) first.
    let server = s_server("ecdsa", "inter.pem", &[]);
    let facts = [
        "verify_cb: ok=1 depth=2 err=0 (ok) subject=/CN=oxissl test root ssl=set sni=localhost in_init=1",
        "verify_cb: ok=1 depth=1 err=0 (ok) subject=/CN=oxissl test intermediate ssl=set sni=localhost in_init=1",
        "verify_cb: ok=1 depth=0 err=0 (ok) subject=/CN=localhost (ecdsa) ssl=set sni=localhost in_init=1",
        "verify: 0",
    ];
    differential(
        &verifycb(server.port, "localhost", "strict", None),
        End::Exit(0),
        &facts,
    );
    // Trust loaded straight into SSL_CTX_get_cert_store is what libcrypto verifies with.
    let mut via_store = verifycb(server.port, "localhost", "strict", None);
    via_store[3] = format!("store:{}", cert("root.pem"));
    differential(&via_store, End::Exit(0), &facts);
    // An IP address given to SSL_set1_host is checked against the IP SAN.
    differential(
        &verifycb(server.port, "127.0.0.1", "strict", None),
        End::Exit(0),
        &["verify: 0"],
    );
}

#[test]
fn verify_callback_sees_a_hostname_mismatch_and_may_accept_it() {
    let server = s_server("ecdsa", "inter.pem", &[]);
    let facts = ["verify: 62", "exit: 1"];
    differential(
        &verifycb(server.port, "wrong.example", "strict", None),
        End::Exit(1),
        &facts,
    );
    differential(
        &verifycb(server.port, "wrong.example", "accept", None),
        End::Exit(0),
        &["verify: 62", "exit: 0"],
    );
}

#[test]
fn verify_callback_sees_an_untrusted_chain_where_it_breaks() {
    let server = s_server("untrusted", "untrusted-inter.pem", &[]);
    differential(
        &verifycb(server.port, "localhost", "strict", None),
        End::Exit(1),
        &["exit: 1"],
    );
    differential(
        &verifycb(server.port, "localhost", "accept", None),
        End::Exit(0),
        &["exit: 0"],
    );
}

#[test]
fn verify_callback_sees_an_expired_leaf_and_a_depth_limit() {
    let server = s_server("expired", "inter.pem", &[]);
    differential(
        &verifycb(server.port, "localhost", "accept", None),
        End::Exit(0),
        &["verify: 10"],
    );
    let server = s_server("ecdsa", "inter.pem", &[]);
    differential(
        &verifycb(server.port, "localhost", "accept", Some("0")),
        End::Exit(0),
        &["exit: 0"],
    );
}

#[test]
fn a_resumed_session_reports_the_verify_result_the_callback_accepted() {
    // The session keeps the result (here a hostname mismatch the callback let through), and a
    // resumption reports it without calling the callback again.
    let server = s_server("ecdsa", "inter.pem", &["-tls1_2"]);
    differential(
        &verifycb(server.port, "wrong.example", "accept", Some("resume")),
        End::Exit(0),
        &["SSL_session_reused: 1", "verify: 62", "exit: 0"],
    );
}

/// `sessinfo HOST PORT root.pem VERSION`.
fn sessinfo(port: u16, version: &str) -> Vec<String> {
    args([
        program("sessinfo").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert("root.pem"),
        version.into(),
    ])
}

#[test]
fn session_getters_match_openssl_for_tls12_tickets_and_session_ids() {
    for extra in [&["-tls1_2"][..], &["-tls1_2", "-no_ticket"]] {
        let server = rev_server(extra);
        let facts = [
            "SSL_session_reused: 1, version TLSv1.2, verify 0",
            "  cipher ECDHE-ECDSA-AES256-GCM-SHA384, hostname (null), peer /CN=localhost (ecdsa)",
            "  master key length 48, max early data 0",
            "SSL_SESSION_print: 1",
            "|     Protocol  : TLSv1.2",
            "|     Master-Key: <96 hex digits>",
            "|     Extended master secret: yes",
            "exit: 0",
        ];
        differential(&sessinfo(server.port, "1.2"), End::Exit(0), &facts);
    }
}

#[test]
fn session_getters_match_openssl_for_tls13_tickets() {
    let server = rev_server(&[]);
    let facts = [
        "SSL_session_reused: 1, version TLSv1.3, verify 0",
        "  cipher TLS_AES_256_GCM_SHA384, hostname (null), peer /CN=localhost (ecdsa)",
        "  version 0x304, resumable 1, ticket 1, id length 32",
        "|     Resumption PSK: <96 hex digits>",
        "|     Max Early Data: 0",
        // Moved past its timeout, the session is not offered.
        "SSL_session_reused: 0, version TLSv1.3, verify 0",
        "exit: 0",
    ];
    differential(&sessinfo(server.port, "1.3"), End::Exit(0), &facts);
}

/// `sesspem HOST PORT root.pem VERSION MODE [FILE]`.
fn sesspem(port: u16, version: &str, mode: &[&str]) -> Vec<String> {
    let mut cmd = vec![
        program("sesspem").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert("root.pem"),
        version.into(),
    ];
    cmd.extend(mode.iter().map(|s| (*s).to_owned()));
    args(cmd)
}

#[test]
fn sessions_survive_i2d_d2i_and_pem_in_one_process() {
    for (version, extra) in [("1.2", &["-tls1_2"][..]), ("1.3", &[][..])] {
        let server = rev_server(extra);
        let reused = format!("SSL_session_reused: 1, version TLSv{version}, verify 0");
        let facts = [
            "i2d_SSL_SESSION: ok",
            "d2i_SSL_SESSION: ok, all bytes used: 1",
            &reused,
            "PEM_write_bio_SSL_SESSION: 1",
            "PEM_write_SSL_SESSION: 1",
        ];
        differential(
            &sesspem(server.port, version, &["roundtrip"]),
            End::Exit(0),
            &facts,
        );
    }
}

#[test]
fn a_session_saved_by_one_library_resumes_on_the_other() {
    // OpenSSL 3.0's encoding of a session both ways: a program saves its session in PEM while
    // running on one libssl and resumes it after switching to the other.
    for (version, extra) in [("1.2", &["-tls1_2"][..]), ("1.3", &[][..])] {
        let server = rev_server(extra);
        for (saver, loader) in [(Lib::System, Lib::Ours), (Lib::Ours, Lib::System)] {
            let file = std::env::temp_dir().join(format!(
                "oxissl-sess-{}-{version}-{saver:?}.pem",
                std::process::id()
            ));
            let path = file.to_string_lossy().into_owned();
            let saved = run(saver, &sesspem(server.port, version, &["save", &path]), &[]);
            saved.assert_loaded();
            assert_eq!(saved.end, End::Exit(0), "{saved}");
            let loaded = run(
                loader,
                &sesspem(server.port, version, &["load", &path]),
                &[],
            );
            loaded.assert_loaded();
            let _ = std::fs::remove_file(&file);
            assert_eq!(loaded.end, End::Exit(0), "{loaded}");
            let want = format!("SSL_session_reused: 1, version TLSv{version}, verify 0");
            assert!(
                loaded.stdout.lines().any(|l| l == want),
                "{saver:?} saved, {loader:?} loaded: {want:?}\n{saved}\n{loaded}"
            );
        }
    }
}

#[test]
fn select_next_proto_answers_as_openssl_does() {
    differential(
        &args([program("select_proto").display().to_string()]),
        End::Exit(0),
        &["match: 1 h2", "no overlap: 2 foo"],
    );
}

/// The test PKI's directory, as an argument.
fn certs_dir() -> String {
    manifest_dir()
        .join("../../testdata/certs")
        .display()
        .to_string()
}

/// `client_cert connect ...`: the client certificate loaded `how`, against `port`.
fn client_cert(port: u16, how: &str, version: &str) -> Vec<String> {
    let dir = scratch().join("client-cert");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    args([
        program("client_cert").display().to_string(),
        "connect".into(),
        HOST.into(),
        port.to_string(),
        cert("root.pem"),
        certs_dir(),
        dir.display().to_string(),
        how.into(),
        version.into(),
    ])
}

/// `s_server -www` that requires a client certificate issued by the client CA.
fn client_auth_server() -> SServer {
    let ca = cert("client-ca.pem");
    s_server(
        "ecdsa",
        "inter.pem",
        &[
            "-www",
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &ca,
        ],
    )
}

#[test]
fn client_certificates_and_keys_load_as_in_openssl() {
    let dir = scratch().join("client-cert-load");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    differential(
        &args([
            program("client_cert").display().to_string(),
            "load".into(),
            certs_dir(),
            dir.display().to_string(),
        ]),
        End::Exit(0),
        &[
            "check, nothing set: 0",
            "  lib=20 reason=177 (no certificate assigned)",
            "check, no key: 0",
            "  lib=20 reason=190 (no private key assigned)",
            "another key of the same type: 0",
            "  lib=11 reason=116 (key values mismatch)",
            "  lib=9 reason=108 (no start line)",
            "check, RSA without key: 0",
            "RSA key alone: certificate (none), key rsaEncryption",
            "extra: 1 /CN=oxissl test client CA",
            "chain: 1 /CN=oxissl test client CA",
            "wrong passphrase: 0",
            "right passphrase: 1",
            "SSL: certificate /CN=oxissl test client (rsa), key rsaEncryption",
            "its context: certificate /CN=oxissl test client (ecdsa), key id-ecPublicKey",
            "SSL chain: 1 /CN=oxissl test client CA",
        ],
    );
}

#[test]
fn a_server_that_requires_a_client_certificate_sees_it_tls13_and_tls12() {
    let server = client_auth_server();
    for version in ["1.3", "1.2"] {
        for how in [
            "pem", "der", "chain", "objects", "asn1", "enc", "ssl", "rsa",
        ] {
            let leaf = if how == "rsa" { "rsa" } else { "ecdsa" };
            let subject = format!("server: Subject: CN=oxissl test client ({leaf})");
            let protocol = format!("server: Protocol  : TLSv{version}");
            differential(
                &client_cert(server.port, how, version),
                End::Exit(0),
                &[
                    &format!("loaded {how}: yes"),
                    HANDSHAKE_OK,
                    &protocol,
                    "server: Verify return code: 0 (ok)",
                    "server: Client certificate",
                    "server: Issuer: CN=oxissl test client CA",
                    &subject,
                ],
            );
        }
    }
}

#[test]
fn without_a_client_certificate_the_server_refuses_alike() {
    let server = client_auth_server();
    // TLS 1.3: the handshake ends on the client's side first; the server's alert comes with
    // the first read.
    differential(
        &client_cert(server.port, "none", "1.3"),
        End::Exit(3),
        &[
            HANDSHAKE_OK,
            "SSL_read: ret=0 error=1(SSL) lib=20 reason=1116",
            "SSL_read again: ret=0, shutdown 2",
        ],
    );
    differential(
        &client_cert(server.port, "none", "1.2"),
        End::Exit(1),
        &["SSL_connect: ret=-1 error=1(SSL) lib=20 reason=1040"],
    );
}

#[test]
fn the_client_certificate_callback_answers_the_request() {
    // SSL_CTX_set_client_cert_cb: called once the server asked and none is set; its
    // certificate is sent; -1 makes SSL_connect return WANT_X509_LOOKUP and the next call asks
    // again; 0 sends none, which this server refuses.
    let server = client_auth_server();
    for (version, types) in [
        ("1.3", "in the callback: certificate types 0:"),
        ("1.2", "in the callback: certificate types 3: 1 2 64"),
    ] {
        let protocol = format!("server: Protocol  : TLSv{version}");
        for (how, calls, connected) in [
            ("cb", 1, HANDSHAKE_OK),
            ("cbretry", 2, "SSL_connect again: ret=1 error=0(NONE)"),
        ] {
            differential(
                &client_cert(server.port, how, version),
                End::Exit(0),
                &[
                    &format!("loaded {how}: yes"),
                    "client cert callback: call 1, in init 1, certificate set 0",
                    "server's CA names: 1 /CN=oxissl test client CA, peer list the same: 1",
                    types,
                    // The server's order; ECDSA+SHA384 is this client's first.
                    "in the callback: shared 5: 0403=408/672/794 0503=408/673/795 \
                     0807=1087/0/0 0804=912/672/0 0401=6/672/668",
                    "in the callback: past the end 0 0, shared at -1 0",
                    "server certificate: /CN=localhost (ecdsa), verify result 0",
                    connected,
                    &format!("version: TLSv{version}, client cert callback calls: {calls}"),
                    &protocol,
                    "server: Subject: CN=oxissl test client (ecdsa)",
                ],
            );
        }
    }
    differential(
        &client_cert(server.port, "cbretry", "1.2"),
        End::Exit(0),
        &["SSL_connect: ret=-1 error=4(WANT_X509_LOOKUP)"],
    );
    differential(
        &client_cert(server.port, "cbnone", "1.2"),
        End::Exit(1),
        &[
            "client cert callback: call 1, in init 1, certificate set 0",
            "SSL_connect: ret=-1 error=1(SSL) lib=20 reason=1040",
        ],
    );
}

#[test]
fn the_certificate_callback_sets_the_certificate() {
    // SSL_CTX_set_cert_cb: called when the server asks; what it sets on the SSL is sent; -1
    // asks to be called again; 0 fails the handshake ("callback failed").
    let server = client_auth_server();
    for version in ["1.3", "1.2"] {
        for (how, connected) in [
            ("certcb", HANDSHAKE_OK),
            ("certcbretry", "SSL_connect again: ret=1 error=0(NONE)"),
        ] {
            differential(
                &client_cert(server.port, how, version),
                End::Exit(0),
                &[
                    "cert callback: call 1, in init 1, argument 1",
                    "server certificate: /CN=localhost (ecdsa), verify result 0",
                    connected,
                    "server: Subject: CN=oxissl test client (ecdsa)",
                ],
            );
        }
        differential(
            &client_cert(server.port, "certcbfail", version),
            End::Exit(1),
            &["SSL_connect: ret=-1 error=1(SSL) lib=20 reason=234"],
        );
    }
}

/// CRLs made once per test binary by `testdata/certs/crl.sh`: `revoked.pem` revokes the ECDSA
/// leaf, `empty.pem` nothing.
fn crl_dir() -> String {
    static DIR: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DIR.get_or_init(|| made_by_script("crl.sh", "crl").display().to_string())
        .clone()
}

#[test]
fn crl_checks_set_by_the_program_are_made() {
    // X509_V_FLAG_CRL_CHECK with a CRL in the context's store: libcrypto verifies the chain,
    // as under OpenSSL, and a revoked leaf fails with 23.
    let server = rev_server(&[]);
    let run = |mode: &str| {
        args([
            program("crl").to_string_lossy().into_owned(),
            HOST.into(),
            server.port.to_string(),
            cert("root.pem"),
            crl_dir(),
            mode.into(),
        ])
    };
    for mode in ["revoked", "param"] {
        differential(
            &run(mode),
            End::Exit(1),
            &["CRL added: 1", "verify result: 23 (certificate revoked)"],
        );
    }
    differential(
        &run("missing"),
        End::Exit(1),
        &["verify result: 3 (unable to get certificate CRL)"],
    );
    for mode in ["empty", "noflag"] {
        differential(
            &run(mode),
            End::Exit(0),
            &[HANDSHAKE_OK, "verify result: 0 (ok)"],
        );
    }
}

#[test]
fn security_level_three_refuses_an_rsa_2048_certificate() {
    // The security level is the chain's authentication level, as libssl makes it: level 3
    // wants 128-bit security, which RSA-2048 (112) lacks and ECDSA P-256 has.
    for (leaf, end, line) in [
        (
            "rsa",
            End::Exit(1),
            "verify result: 66 (EE certificate key too weak)",
        ),
        ("ecdsa", End::Exit(0), "verify result: 0 (ok)"),
    ] {
        let server = s_server(leaf, "inter.pem", &["-rev"]);
        let cmd = args([
            program("seclevel").to_string_lossy().into_owned(),
            HOST.into(),
            server.port.to_string(),
            cert("root.pem"),
            "3".into(),
        ]);
        differential(&cmd, end, &["security level: 3", line]);
    }
}

#[test]
fn record_size_settings_work_with_openssl() {
    // tests/c/records.c: max_fragment_length (the SSL's 1024 over the context's 512), block
    // padding and max_send_fragment, each with a 3000-byte line through `s_server -rev`, which
    // refuses records longer than an agreed maximum fragment length.
    for version in ["1.3", "1.2"] {
        let server = rev_server(&[]);
        for (setting, lines) in [
            (
                "mfl",
                &[
                    "max fragment length 7: 0",
                    "max fragment length 512: 1",
                    "on the SSL, 1024: 1",
                    "session max fragment length: 2",
                    "read back 3001 bytes, reversed, largest read at most 1024",
                ][..],
            ),
            (
                "padding",
                &[
                    "block padding 16385: 0",
                    "block padding 1: 1",
                    "block padding 256: 1",
                ][..],
            ),
            (
                "sendfrag",
                &["max send fragment 511: 0", "max send fragment 512: 1"][..],
            ),
            (
                "none",
                &["read back 3001 bytes, reversed, largest read above 1024"][..],
            ),
        ] {
            let cmd = args([
                program("records").to_string_lossy().into_owned(),
                HOST.into(),
                server.port.to_string(),
                cert("root.pem"),
                version.into(),
                setting.into(),
            ]);
            let mut want = vec![HANDSHAKE_OK, "SSL_write: 3001", "SSL_shutdown: 1"];
            want.extend_from_slice(lines);
            differential(&cmd, End::Exit(0), &want);
        }
    }
}

/// `certverify HOST PORT CAFILE VERIFY MODE [PIN]`.
fn certverify(port: u16, ca: &str, verify: &str, mode: &str, pin: Option<&str>) -> Vec<String> {
    let mut cmd = args([
        program("certverify").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        cert(ca),
        verify.into(),
        mode.into(),
    ]);
    cmd.extend(pin.map(str::to_owned));
    cmd
}

#[test]
fn the_application_verify_callback_decides_on_the_chain() {
    // SSL_CTX_set_cert_verify_callback: called once, in place of X509_verify_cert, with the
    // chain and the SSL in its store context; its verdict and error decide, as in OpenSSL.
    let server = rev_server(&[]);
    let call = "app verify: call 1, arg the argument, SSL found 1, in init 1, \
                leaf CN=localhost (ecdsa), chain 2";
    differential(
        &certverify(server.port, "root.pem", "peer", "standard", None),
        End::Exit(0),
        &[
            call,
            "X509_verify_cert: 1, error 0",
            HANDSHAKE_OK,
            "calls 1, verify result 0",
        ],
    );
    differential(
        &certverify(server.port, "root.pem", "peer", "pin", None),
        End::Exit(0),
        &[HANDSHAKE_OK],
    );
    // A pin that does not match fails a chain X509_verify_cert accepts.
    differential(
        &certverify(server.port, "root.pem", "peer", "pin", Some("CN=elsewhere")),
        End::Exit(1),
        &["pin mismatch", "calls 1, verify result 50"],
    );
    // The callback's word goes, whatever the trust store says.
    differential(
        &certverify(server.port, "badca.pem", "peer", "accept", None),
        End::Exit(0),
        &[HANDSHAKE_OK, "calls 1, verify result 0"],
    );
    differential(
        &certverify(server.port, "badca.pem", "peer", "standard", None),
        End::Exit(1),
        &["X509_verify_cert: 0, error 20", "calls 1, verify result 20"],
    );
    differential(
        &certverify(server.port, "root.pem", "peer", "reject", None),
        End::Exit(1),
        &["calls 1, verify result 50"],
    );
    // SSL_VERIFY_NONE: a refusal is recorded and the handshake goes on.
    differential(
        &certverify(server.port, "root.pem", "none", "reject", None),
        End::Exit(0),
        &[HANDSHAKE_OK, "calls 1, verify result 50"],
    );
}

/// `sigalgs HOST PORT CAFILE CTX_LIST SSL_LIST` against a server with `leaf`, TLS 1.3 or 1.2.
fn sigalgs(leaf: &str, version: &str, ctx_list: &str, ssl_list: &str) -> (SServer, Vec<String>) {
    let server = s_server(leaf, "inter.pem", &["-www", version]);
    let cmd = args([
        program("sigalgs").to_string_lossy().into_owned(),
        HOST.into(),
        server.port.to_string(),
        cert("root.pem"),
        ctx_list.into(),
        ssl_list.into(),
    ]);
    (server, cmd)
}

#[test]
fn sigalgs_list_the_server_fits_connects_with_a_listed_scheme() {
    for (version, name) in [("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")] {
        let (_server, cmd) = sigalgs("rsa", version, "ECDSA+SHA256:RSA-PSS+SHA384", "-");
        let want = format!("connected: {name}, peer signature type RSASSA-PSS");
        differential(
            &cmd,
            End::Exit(0),
            &[
                "bogus list: 0, queued nothing",
                "context list ECDSA+SHA256:RSA-PSS+SHA384: 1",
                &want,
            ],
        );
    }
}

#[test]
fn sigalgs_list_the_server_does_not_fit_fails_the_handshake() {
    for version in ["-tls1_3", "-tls1_2"] {
        // The connection's list replaces the context's.
        let (_server, cmd) = sigalgs("rsa", version, "RSA-PSS+SHA256", "ECDSA+SHA256");
        differential(
            &cmd,
            End::Exit(1),
            &[
                "connection list ECDSA+SHA256: 1",
                // OpenSSL 3.0's SSL_version: TLS 1.3 before the handshake, the highest
                // version offered until the server picks one.
                "before: version 0x304",
                "after the failure: version 0x304 TLSv1.3",
                "SSL_connect: ret=-1 error=1(SSL) lib=20 reason=1040",
            ],
        );
    }
}

/// `reconnect HOST PORT CAFILE MODE END` against a `-rev` server for `version`.
fn reconnect(version: &str, mode: &str, end: &str) -> (SServer, Vec<String>) {
    let server = rev_server(&[version]);
    let cmd = args([
        program("reconnect").to_string_lossy().into_owned(),
        HOST.into(),
        server.port.to_string(),
        cert("root.pem"),
        mode.into(),
        end.into(),
    ]);
    (server, cmd)
}

#[test]
fn one_ssl_object_reconnects_after_ssl_clear_and_resumes() {
    for (version, name) in [("-tls1_3", "TLSv1.3"), ("-tls1_2", "TLSv1.2")] {
        let (_server, cmd) = reconnect(version, "clear", "shutdown");
        let resumed = format!("connection 2: {name}, reused 1, verify 0");
        differential(
            &cmd,
            End::Exit(0),
            &[
                "SSL_clear: 1",
                "after the reset: in before 1, session kept, shutdown 0",
                &resumed,
            ],
        );
    }
}

#[test]
fn ssl_clear_after_a_dropped_connection_does_not_resume() {
    let (_server, cmd) = reconnect("-tls1_2", "clear", "drop");
    differential(
        &cmd,
        End::Exit(0),
        &[
            "after the reset: in before 1, session none, shutdown 0",
            "connection 2: TLSv1.2, reused 0, verify 0",
        ],
    );
}

#[test]
fn set_connect_state_on_a_used_object_starts_a_new_connection() {
    // What `openssl s_client -reconnect` does: the session is offered again.
    for end in ["shutdown", "drop"] {
        let (_server, cmd) = reconnect("-tls1_2", "connect_state", end);
        differential(
            &cmd,
            End::Exit(0),
            &["connection 2: TLSv1.2, reused 1, verify 0"],
        );
    }
}

#[test]
fn key_updates_are_scheduled_and_sent_as_in_openssl() {
    let server = rev_server(&["-tls1_3"]);
    let cmd = args([
        program("keyupdate").to_string_lossy().into_owned(),
        HOST.into(),
        server.port.to_string(),
        cert("root.pem"),
    ]);
    differential(
        &cmd,
        End::Exit(0),
        &[
            "before the handshake: 0, reason 266",
            "connected: TLSv1.3, type -1",
            "type 2: 0, reason 120",
            "requested: 1, type 1",
            "  type after the write: -1",
            "  answer: etadpu ot revres eht deksa",
            "  answer: enola syek ruo detadpu",
            "SSL_do_handshake: 1, type -1",
            "  answer: ekahsdnah_od_LSS yb tnes",
        ],
    );
}

#[test]
fn message_callback_sees_the_messages_openssl_reports() {
    for (server_flag, client_version, hello) in [
        ("-tls1_3", "1.3", "in  0304 type 22 first 2 length 122"),
        ("-tls1_2", "1.3", "in  0304 type 22 first 2 length 65"),
        ("-tls1_2", "1.2", "in  0303 type 22 first 2 length 65"),
    ] {
        let server = rev_server(&[server_flag]);
        let cmd = args([
            program("msgcb").to_string_lossy().into_owned(),
            HOST.into(),
            server.port.to_string(),
            cert("root.pem"),
            client_version.into(),
        ]);
        differential(&cmd, End::Exit(0), &[hello, "SSL_connect: 1"]);
    }
}

#[test]
fn info_callback_reports_the_handshake_and_alerts_as_openssl_does() {
    // Every state change (SSL_CB_LOOP) and call end (SSL_CB_EXIT) too, with the state each was
    // made in, and where a verify callback's calls fall among them.
    for (version, mode) in [
        ("-tls1_3", "ctx"),
        ("-tls1_2", "ctx"),
        ("-tls1_3", "ssl"),
        ("-tls1_3", "verify"),
        ("-tls1_2", "verify"),
    ] {
        let server = rev_server(&[version]);
        let cmd = args([
            program("infocb").to_string_lossy().into_owned(),
            HOST.into(),
            server.port.to_string(),
            cert("root.pem"),
            mode.into(),
        ]);
        differential(
            &cmd,
            End::Exit(0),
            &[
                "handshake start (1)",
                "SSL_connect:before SSL initialization (PINIT, 0)",
                "SSL_connect:SSLv3/TLS write client hello (TWCH, 12)",
                "SSL_connect:SSLv3/TLS read server hello (TRSH, 3)",
                "SSL_connect:SSLv3/TLS write finished (TWFIN, 18)",
                "handshake done (1): SSL negotiation finished successfully, finished 1",
                "SSL_connect:exit 1 in SSL negotiation finished successfully",
                "alert read: warning: close notify",
                "alert write: warning: close notify",
            ],
        );
    }
}

#[test]
fn info_callback_reports_the_alert_a_failed_verification_sends() {
    let server = rev_server(&["-tls1_3"]);
    let cmd = args([
        program("infocb").to_string_lossy().into_owned(),
        HOST.into(),
        server.port.to_string(),
        cert("untrusted-root.pem"),
        "ctx".into(),
    ]);
    differential(
        &cmd,
        End::Exit(1),
        &["handshake start (1)", "alert write: fatal: unknown CA"],
    );
}

/// `extras HOST PORT CERTDIR`.
fn extras(port: u16) -> Vec<String> {
    let dir = manifest_dir().join("../../testdata/certs");
    args([
        program("extras").to_string_lossy().into_owned(),
        HOST.into(),
        port.to_string(),
        dir.to_string_lossy().into_owned(),
    ])
}

#[test]
fn the_rest_of_libssl_answers_as_openssl_where_a_client_sees_it() {
    let server = rev_server(&[]);
    let facts = [
        "OSSL_default_cipher_list: ALL:!COMPLEMENTOFDEFAULT:!eNULL",
        "SSL_client_version: 0x10000",
        // Debian builds OpenSSL with security level 2 by default; so does this library.
        "security level copied: 1, by default 2",
        "SSL_get_state: 0 (TLS_ST_BEFORE 0)",
        "SSL_rstate_string: RH, read header",
        "early data: ctx 0/16384, ssl 0/16384",
        "SSL_set1_param: 1, host localhost",
        "SSL_new copies it: 1, client version 0x303",
        "SSL_CTX_get0_CA_list: 0 names, client CA list 0, SSL_get_client_CA_list 1",
        "SSL_dup_CA_list: 1 names, a copy 1, same name 1",
        "SSL_load_client_CA_file: 1 names, /CN=oxissl test root, queue 0",
        "SSL_COMP_get_compression_methods: 1, 0 methods",
        "  again without override: 0 20/289",
        "after the handshake: state 1 (TLS_ST_OK 1), client version 0x303, signature 0",
        "SSL_copy_session_id: 1, same session 1, method 1",
        "SSL_CTX_add_session: 1, again 0 -> 1 items, number 1",
        "  again: 0, removed 2",
        "SSL_SESSION_dup: 1, id 4 1, host example, version 0x304, resumable 0, ex_data 1",
        "exit: 0",
    ];
    differential(&extras(server.port), End::Exit(0), &facts);
}

#[test]
fn cipher_lists_are_stacks_as_in_openssl() {
    differential(
        &[program("ciphers").display().to_string()],
        End::Exit(0),
        &[
            "SSL_CTX_get_ciphers: 4 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256 \
             ECDHE-RSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305",
            "the same stack again: 1",
            "SSL_get_cipher_list(2): ECDHE-RSA-AES256-GCM-SHA384",
            "SSL_get_cipher_list(4): null",
            "supported up to TLS 1.2: 2 ECDHE-RSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305",
            "supported from TLS 1.3: 2 TLS_CHACHA20_POLY1305_SHA256 TLS_AES_128_GCM_SHA256",
            "SSL_get_ciphers: 2 TLS_AES_256_GCM_SHA384 ECDHE-ECDSA-AES128-GCM-SHA256",
        ],
    );
}

#[test]
fn cipher_strings_select_as_in_openssl() {
    // OpenSSL's rules over the ECDHE AEAD ciphers: keywords and names joined by '+', the
    // prefixes !, - and +, @STRENGTH, @SECLEVEL, and strings selecting nothing oxissl has.
    let strings = [
        "ECDHE+AESGCM:ECDHE+CHACHA20",
        "ALL",
        "HIGH:!aRSA",
        "aRSA:ECDSA",
        "CHACHA20:AES128:AES256",
        "DEFAULT:-AES128:+CHACHA20",
        "CHACHA20:AES128:@STRENGTH",
        "ECDH+AES",
        "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1",
        "FIPS",
        "AEAD",
        "TLSv1.2+AESGCM",
        "ECDHE-RSA-AES128-GCM-SHA256:ALL",
        "ALL:-ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
        "ALL:!ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
        "ECDSA+AES:+AES256",
        "ALL:-AES256:AES:@SECLEVEL=3",
        "ECDHE-ECDSA-AES128-GCM-SHA256+aECDSA",
        "AESGCM+aECDSA:CHACHA20",
        // A rule also ends where a word does: DEFAULT@SECLEVEL=3 is DEFAULT, then @SECLEVEL=3.
        "DEFAULT@SECLEVEL=3",
        "HIGH!aRSA",
        "ECDHE+AESGCM+aECDSA",
        "AESGCM@STRENGTH",
        // Invalid commands fail the whole string (the list stays as it was).
        "ALL:@FOO",
        "ALL:#",
        "@SECLEVEL=9:ALL",
    ];
    let mut cmd = vec![program("ciphers").display().to_string()];
    cmd.extend(strings.iter().map(|s| s.to_string()));
    differential(
        &cmd,
        End::Exit(0),
        &[
            "ECDHE+AESGCM:ECDHE+CHACHA20: 1, level 0, ECDHE-ECDSA-AES256-GCM-SHA384 \
             ECDHE-RSA-AES256-GCM-SHA384 ECDHE-ECDSA-AES128-GCM-SHA256 \
             ECDHE-RSA-AES128-GCM-SHA256 ECDHE-ECDSA-CHACHA20-POLY1305 \
             ECDHE-RSA-CHACHA20-POLY1305",
            "ECDSA+AES:+AES256: 1, level 0, ECDHE-ECDSA-AES128-GCM-SHA256 \
             ECDHE-ECDSA-AES256-GCM-SHA384",
            "ALL:-AES256:AES:@SECLEVEL=3: 1, level 3, ECDHE-ECDSA-CHACHA20-POLY1305 \
             ECDHE-RSA-CHACHA20-POLY1305 ECDHE-ECDSA-AES128-GCM-SHA256 \
             ECDHE-RSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 \
             ECDHE-RSA-AES256-GCM-SHA384",
        ],
    );
    // Strings that select only legacy ciphers (RSA key exchange, CBC with SHA-256, DHE):
    // OpenSSL takes them, this library refuses them clearly.
    let legacy = ["RSA", "kECDHE+SHA256", "HIGH:!ECDSA:!aRSA"];
    let mut cmd = vec![program("ciphers").display().to_string()];
    cmd.extend(legacy.iter().map(|s| s.to_string()));
    let ours = run(Lib::Ours, &cmd, &[]);
    ours.assert_loaded();
    for s in legacy {
        let line = format!("{s}: 0, level 0,");
        assert!(ours.stdout.lines().any(|l| l == line), "{line:?}\n{ours}");
    }
}

#[test]
fn the_configuration_files_ssl_sections_apply_as_in_openssl() {
    // OPENSSL_CONF's ssl_conf module: system_default at SSL_CTX_new, named sections through
    // SSL_CTX_config / SSL_config (an unknown name is "invalid configuration name", 113; a
    // section with a bad command applies the rest and returns 0).
    let dir = scratch().join("sysconf");
    std::fs::create_dir_all(&dir).expect("scratch directory");
    let conf = dir.join("openssl.cnf");
    std::fs::write(
        &conf,
        "openssl_conf = openssl_init\n\
         [openssl_init]\n\
         ssl_conf = ssl_sect\n\
         [ssl_sect]\n\
         system_default = system_default_sect\n\
         tls12 = tls12_sect\n\
         partly = partly_sect\n\
         level4 = level4_sect\n\
         [system_default_sect]\n\
         MinProtocol = TLSv1.3\n\
         CipherString = DEFAULT:@SECLEVEL=3\n\
         [tls12_sect]\n\
         MinProtocol = TLSv1.2\n\
         MaxProtocol = TLSv1.2\n\
         [partly_sect]\n\
         NoSuchCommand = 1\n\
         MaxProtocol = TLSv1.3\n\
         [level4_sect]\n\
         CipherString = ALL:@SECLEVEL=4\n",
    )
    .expect("configuration file");
    let server = rev_server(&["-tls1_2"]);
    let conf = conf.display().to_string();
    differential_env(
        &args([
            program("sysconf").display().to_string(),
            HOST.into(),
            server.port.to_string(),
            cert("root.pem"),
        ]),
        &[("OPENSSL_CONF", &conf)],
        End::Exit(0),
        &[
            "SSL_CTX_new: min 0x304, max 0x0, level 3",
            "SSL_CTX_config(tls12): 1",
            "after tls12: min 0x303, max 0x303, level 3",
            "SSL_CTX_config(nosuch): 0, lib 20 reason 113",
            "SSL_CTX_config(partly): 0",
            "after partly: min 0x303, max 0x304, level 3",
            "SSL_config(level4): 1, level 4",
            "SSL_connect to a TLS 1.2 server: -1, error 1, lib 20 reason 1070",
        ],
    );
}
