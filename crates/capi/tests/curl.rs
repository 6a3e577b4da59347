//! A real program no one here wrote: the system `curl` (linked to libssl.so.3) fetches a page
//! from `openssl s_server -www` through our library, and refuses an untrusted certificate
//! with its usual error (exit 60), exactly as it does on the system libssl. `LD_DEBUG`
//! shows which libssl.so.3 each run loaded.

mod common;

use common::*;
use std::path::PathBuf;

/// `curl https://localhost:PORT/` trusting only `root.pem`, printing the HTTP code and the
/// verify result after the body.
fn curl(port: u16) -> Vec<String> {
    args([
        "curl".to_string(),
        "-q".into(), // no .curlrc
        "-sS".into(),
        "--noproxy".into(),
        "*".into(),
        "--max-time".into(),
        "15".into(),
        "--cacert".into(),
        cert("root.pem"),
        "-w".into(),
        "\ncurl: %{http_code} %{ssl_verify_result}\n".into(),
        format!("https://localhost:{port}/"),
    ])
}

/// Lines of s_server's `-www` status page that do not change from one connection to the next.
const PAGE: &[&str] = &[
    "<HTML><BODY BGCOLOR=\"#ffffff\">",
    "Ciphers supported in s_server binary",
    "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384",
    // RFC 5746: the server saw TLS_EMPTY_RENEGOTIATION_INFO_SCSV in the ClientHello.
    "Secure Renegotiation IS supported",
    "</pre></BODY></HTML>",
];

fn assert_page(run: &Run) {
    assert_eq!(run.end, End::Exit(0), "curl failed\n{run}");
    for line in PAGE {
        assert!(
            run.stdout.lines().any(|l| l == *line),
            "curl's output lacks {line:?}\n{run}"
        );
    }
    assert!(
        run.stdout.ends_with("\ncurl: 200 0\n"),
        "curl's output does not end with HTTP 200 and verify result 0\n{run}"
    );
}

#[test]
fn curl_fetches_the_s_server_page_through_our_library() {
    let server = s_server("ecdsa", "inter.pem", &["-www"]);
    let cmd = curl(server.port);

    let system = run(Lib::System, &cmd, &[]);
    system.assert_loaded();
    assert_page(&system);

    let ours = run(Lib::Ours, &cmd, &[]);
    ours.assert_loaded();
    assert_page(&ours);
}

#[test]
fn curl_resumes_its_session_on_the_next_connection() {
    // s_server -www closes after each page, so the second URL needs a new connection; curl
    // offers the session its new-session callback kept (SSL_CTX_sess_set_new_cb(3)), and the
    // page says whether the server resumed it.
    for version in ["--tlsv1.2", "--tlsv1.3"] {
        let max = if version == "--tlsv1.2" { "1.2" } else { "1.3" };
        let server = s_server("ecdsa", "inter.pem", &["-www"]);
        let mut cmd = curl(server.port);
        let url = cmd.pop().unwrap();
        cmd.extend([
            version.to_string(),
            "--tls-max".into(),
            max.into(),
            url.clone(),
            url,
        ]);
        for lib in [Lib::System, Lib::Ours] {
            let r = run(lib, &cmd, &[]);
            r.assert_loaded();
            assert_eq!(r.end, End::Exit(0), "curl failed\n{r}");
            let new = r
                .stdout
                .lines()
                .filter(|l| l.starts_with("New, TLSv"))
                .count();
            let reused = r
                .stdout
                .lines()
                .filter(|l| l.starts_with("Reused, TLSv"))
                .count();
            assert_eq!(
                (new, reused),
                (1, 1),
                "{version}: one new, one resumed\n{r}"
            );
        }
    }
}

#[test]
fn curl_refuses_an_untrusted_certificate_with_exit_60() {
    let server = s_server("untrusted", "untrusted-inter.pem", &["-www"]);
    let cmd = curl(server.port);
    let message = "curl: (60) SSL certificate problem: unable to get local issuer certificate";

    for lib in [Lib::System, Lib::Ours] {
        let r = run(lib, &cmd, &[]);
        r.assert_loaded();
        assert_eq!(r.end, End::Exit(60), "curl should fail verification\n{r}");
        assert_eq!(r.stdout, "\ncurl: 000 20\n", "{r}");
        assert!(
            r.stderr.lines().any(|l| l == message),
            "curl should say {message:?}\n{r}"
        );
    }
}

#[test]
fn our_library_exports_every_libssl_symbol_curl_imports() {
    let curl = PathBuf::from(
        String::from_utf8(
            std::process::Command::new("sh")
                .args(["-c", "command -v curl"])
                .output()
                .expect("sh runs")
                .stdout,
        )
        .expect("a path")
        .trim(),
    );
    // curl itself takes TLS from libcurl; libcurl is what imports libssl.
    let libcurl = linked_library(&curl, "libcurl.so.4");
    let imports = libssl_imports(&libcurl);
    assert!(
        imports.len() > 20,
        "libcurl imports {imports:?} from libssl"
    );
    assert_we_export("libcurl", &imports);
}

/// The TLS lines of `curl -v` (`* TLSv1.3 (OUT), TLS handshake, Client hello (1):` ...), which
/// curl writes from OpenSSL's message callback.
fn tls_trace(run: &Run) -> Vec<String> {
    run.stderr
        .lines()
        .filter(|l| l.starts_with("* TLSv") || l.starts_with("* SSL connection"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn curl_verbose_traces_the_same_handshake_messages() {
    let server = s_server("ecdsa", "inter.pem", &["-www"]);
    let mut cmd = curl(server.port);
    cmd.insert(1, "-v".into());
    let system = run(Lib::System, &cmd, &[]);
    system.assert_loaded();
    assert_page(&system);
    let want = tls_trace(&system);
    for line in [
        "* TLSv1.3 (OUT), TLS handshake, Client hello (1):",
        "* TLSv1.3 (IN), TLS handshake, CERT verify (15):",
        "* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):",
    ] {
        assert!(want.iter().any(|l| l == line), "{line:?}\n{system}");
    }
    let ours = run(Lib::Ours, &cmd, &[]);
    ours.assert_loaded();
    assert_page(&ours);
    assert_eq!(tls_trace(&ours), want, "curl -v traces differ\n{ours}");
}

/// `curl --cert-status`: curl asks for a stapled OCSP response (SSL_set_tlsext_status_type)
/// and checks it after the handshake with libcrypto (OCSP_basic_verify against the peer's
/// chain and SSL_CTX_get_cert_store). With a good response it fetches the page; without
/// one it stops with its exit 91, on either library.
#[test]
fn curl_cert_status_checks_the_stapled_response() {
    let file = ocsp_response_file();
    let mut cmd = curl(0);
    cmd.insert(1, "--cert-status".into());
    for (extra, want) in [(&["-status_file", file][..], 0), (&[][..], 91)] {
        let mut flags = vec!["-www"];
        flags.extend_from_slice(extra);
        let server = s_server("ecdsa", "inter.pem", &flags);
        let url = cmd.len() - 1;
        cmd[url] = format!("https://localhost:{}/", server.port);
        let system = run(Lib::System, &cmd, &[]);
        system.assert_loaded();
        assert_eq!(system.end, End::Exit(want), "{system}");
        let ours = run(Lib::Ours, &cmd, &[]);
        ours.assert_loaded();
        assert_eq!(ours.end, End::Exit(want), "{ours}");
        if want == 0 {
            assert_page(&system);
            assert_page(&ours);
        } else {
            assert_eq!(ours.stderr, system.stderr, "{system}\n{ours}");
        }
    }
}
