//! Certificate rejection against `openssl s_server`: each bad chain fails with its specific
//! `CertificateError` and the `X509_V_ERR_*` number and text `openssl verify` reports for the
//! same files, the right alert reaches the server, and `VerifyMode::RecordOnly` completes the
//! handshake with the failure recorded. Validity is also checked with a fixed clock.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::{
    cert, connect, flush, read_exact, server_cert_args, verifying_config, OutputWatcher, Server,
};
use oxissl_engine::{
    AlertDescription, CertificateError, ClientConfig, Error, FixedClock, UnixTime, VerifyMode,
};

/// A bad-certificate scenario.
struct Case {
    /// Leaf served (`leaf.pem`, `leaf.key`).
    leaf: &'static str,
    /// Extra chain certificates the server sends.
    chain: Option<&'static str>,
    /// The name the client connects to.
    name: &'static str,
    want: CertificateError,
    x509_v_err: i64,
    alert: AlertDescription,
}

fn start(case: &Case) -> Server {
    let mut args = server_cert_args(case.leaf, case.chain);
    args.push("-rev".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    common::openssl_server(&args)
}

/// `openssl verify`'s first error for the case: (number, text).
fn openssl_verify(case: &Case) -> (i64, String) {
    let mut cmd = Command::new("openssl");
    cmd.args(["verify", "-no-CApath", "-CAfile", &cert("root.pem")]);
    cmd.args(["-purpose", "sslserver"]);
    if let Some(chain) = case.chain {
        cmd.args(["-untrusted", &cert(chain)]);
    }
    if case.name.parse::<std::net::IpAddr>().is_ok() {
        cmd.args(["-verify_ip", case.name]);
    } else {
        cmd.args(["-verify_hostname", case.name]);
    }
    cmd.arg(cert(&format!("{}.pem", case.leaf)));
    let out = cmd.output().expect("openssl verify runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // "error 10 at 0 depth lookup: certificate has expired"
    let line = text
        .lines()
        .find(|l| l.starts_with("error ") && l.contains(" depth lookup: "))
        .unwrap_or_else(|| panic!("no error from openssl verify: {text}"));
    let num = line["error ".len()..].split(' ').next().unwrap();
    let reason = line.split(" depth lookup: ").nth(1).unwrap();
    (num.parse().unwrap(), reason.to_owned())
}

fn check(case: Case) {
    // The mapping agrees with OpenSSL's own verifier on the same files.
    let (num, text) = openssl_verify(&case);
    assert_eq!(case.x509_v_err, num, "openssl verify says {num}: {text}");
    assert_eq!(case.want.x509_v_err(), num);
    assert_eq!(case.want.x509_v_err_text(), text);
    assert_eq!(case.want.alert(), case.alert);

    let mut srv = start(&case);
    let stderr = OutputWatcher::stderr(&mut srv);
    let err = connect(Arc::new(verifying_config()), case.name, srv.port).unwrap_err();
    assert_eq!(err, Error::Certificate(case.want.clone()));
    assert_eq!(err.alert(), Some(case.alert));
    // s_server logs the alert it received.
    let needle = format!("SSL alert number {}", case.alert.0);
    assert!(stderr.wait_for(&needle).is_some(), "no {needle} at server");

    // RecordOnly: the handshake completes, the verdict is kept, data flows.
    let mut config = verifying_config();
    config.verify_mode = VerifyMode::RecordOnly;
    let (mut conn, mut sock) = connect(Arc::new(config), case.name, srv.port).unwrap();
    assert_eq!(conn.verify_result(), Some(&Err(case.want.clone())));
    assert!(!conn.peer_certificates().is_empty());
    conn.write(b"recorded\n").unwrap();
    flush(&mut conn, &mut sock).unwrap();
    assert_eq!(read_exact(&mut conn, &mut sock, 9).unwrap(), b"dedrocer\n");
}

#[test]
fn expired() {
    check(Case {
        leaf: "expired",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::Expired,
        x509_v_err: 10,
        alert: AlertDescription::CERTIFICATE_EXPIRED,
    });
}

#[test]
fn not_yet_valid() {
    check(Case {
        leaf: "notyet",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::NotYetValid,
        x509_v_err: 9,
        alert: AlertDescription::CERTIFICATE_EXPIRED,
    });
}

#[test]
fn wrong_host() {
    check(Case {
        leaf: "ecdsa",
        chain: Some("inter.pem"),
        name: "wrong.test",
        want: CertificateError::NotValidForName,
        x509_v_err: 62,
        alert: AlertDescription::CERTIFICATE_UNKNOWN,
    });
}

#[test]
fn wrong_ip_address() {
    check(Case {
        leaf: "ecdsa",
        chain: Some("inter.pem"),
        name: "127.0.0.2",
        want: CertificateError::NotValidForIp,
        x509_v_err: 64,
        alert: AlertDescription::CERTIFICATE_UNKNOWN,
    });
}

#[test]
fn untrusted_root() {
    check(Case {
        leaf: "untrusted",
        chain: Some("untrusted-inter.pem"),
        name: "localhost",
        want: CertificateError::UnknownIssuer,
        x509_v_err: 20,
        alert: AlertDescription::UNKNOWN_CA,
    });
}

#[test]
fn missing_intermediate() {
    check(Case {
        leaf: "ecdsa",
        chain: None,
        name: "localhost",
        want: CertificateError::UnknownIssuer,
        x509_v_err: 20,
        alert: AlertDescription::UNKNOWN_CA,
    });
}

#[test]
fn self_signed() {
    check(Case {
        leaf: "selfsigned",
        chain: None,
        name: "localhost",
        want: CertificateError::SelfSigned,
        x509_v_err: 18,
        alert: AlertDescription::UNKNOWN_CA,
    });
}

#[test]
fn intermediate_not_a_ca() {
    check(Case {
        leaf: "badca",
        chain: Some("badca-inter.pem"),
        name: "localhost",
        want: CertificateError::InvalidCa,
        x509_v_err: 79,
        alert: AlertDescription::BAD_CERTIFICATE,
    });
}

#[test]
fn client_auth_only_eku() {
    check(Case {
        leaf: "clientauth",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::InvalidPurpose,
        x509_v_err: 26,
        alert: AlertDescription::CERTIFICATE_UNKNOWN,
    });
}

/// 00:00:00 UTC on 1 January of `year` (proleptic Gregorian, 1970 <= year).
fn jan_1(year: u64) -> UnixTime {
    let days: u64 = (1970..year)
        .map(|y| {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                366
            } else {
                365
            }
        })
        .sum();
    UnixTime::since_unix_epoch(Duration::from_secs(days * 86_400))
}

fn at(year: u64) -> ClientConfig {
    let mut config = verifying_config();
    config.time = Arc::new(FixedClock(jan_1(year)));
    config
}

/// Validity decided by the injected clock, on a chain valid 2024-01-01 .. 2124-01-01.
#[test]
fn fixed_clock_decides_validity() {
    assert_eq!(jan_1(1970).as_secs(), 0);
    assert_eq!(jan_1(2024).as_secs(), 1_704_067_200);
    let srv = start(&Case {
        leaf: "ecdsa",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::Expired,
        x509_v_err: 10,
        alert: AlertDescription::CERTIFICATE_EXPIRED,
    });
    let cases = [
        (2023, Err(CertificateError::NotYetValid)),
        (2025, Ok(())),
        (2123, Ok(())),
        (2125, Err(CertificateError::Expired)),
    ];
    for (year, want) in cases {
        let got = connect(Arc::new(at(year)), "localhost", srv.port).map(|_| ());
        assert_eq!(got, want.map_err(Error::Certificate), "in {year}");
    }
}

/// The "not yet valid" leaf is fine once its time comes, and the "expired" one was before.
#[test]
fn fixed_clock_inside_bad_certs_validity() {
    let notyet = start(&Case {
        leaf: "notyet",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::NotYetValid,
        x509_v_err: 9,
        alert: AlertDescription::CERTIFICATE_EXPIRED,
    });
    let (conn, sock) = connect(Arc::new(at(2090)), "localhost", notyet.port).unwrap();
    assert_eq!(conn.verify_result(), Some(&Ok(())));
    // s_server serves one connection at a time.
    drop((conn, sock));
    let got = connect(Arc::new(at(2092)), "localhost", notyet.port).map(|_| ());
    assert_eq!(got, Err(Error::Certificate(CertificateError::Expired)));

    // In 2000 the leaf was valid but its issuer (from 2024) was not.
    let expired = start(&Case {
        leaf: "expired",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::Expired,
        x509_v_err: 10,
        alert: AlertDescription::CERTIFICATE_EXPIRED,
    });
    let got = connect(Arc::new(at(2000)), "localhost", expired.port).map(|_| ());
    assert_eq!(got, Err(Error::Certificate(CertificateError::NotYetValid)));
}

/// A store with the wrong root rejects even a good chain; with no verifier at all it passes.
#[test]
fn good_chain_wrong_root_store() {
    let srv = start(&Case {
        leaf: "rsa",
        chain: Some("inter.pem"),
        name: "localhost",
        want: CertificateError::UnknownIssuer,
        x509_v_err: 20,
        alert: AlertDescription::UNKNOWN_CA,
    });
    let mut roots = oxissl_engine::RootStore::new();
    assert_eq!(roots.add_pem_file(cert("untrusted-root.pem")).unwrap(), 1);
    let got = connect(Arc::new(ClientConfig::new(roots)), "localhost", srv.port).map(|_| ());
    assert_eq!(
        got,
        Err(Error::Certificate(CertificateError::UnknownIssuer))
    );
    let config = ClientConfig::with_verifier(Arc::new(oxissl_engine::NoServerVerification));
    let (conn, _sock) = connect(Arc::new(config), "wrong.test", srv.port).unwrap();
    assert_eq!(conn.verify_result(), Some(&Ok(())));
}
