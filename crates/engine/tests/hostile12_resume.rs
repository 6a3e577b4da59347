//! Hostile-server tests for TLS 1.2 session resumption: the scripted TLS 1.2 server issues
//! tickets (RFC 5077 §3.3) and plays the abbreviated handshake (RFC 5246 §7.3 Figure 2, RFC 5077
//! §3.1) by session id or ticket. Each refusal checks the typed error, the alert the client sent
//! and that the connection stays failed; a randomized test mutates the abbreviated flight.

#[allow(dead_code)]
mod hostile12_server;
#[allow(dead_code)]
mod hostile_server;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use hostile12_server::*;
use hostile_server::Sent::{Plain, Sealed};
use hostile_server::{
    deliver, drive, handshake, identity, mutate, plain_record, Rng, SeededRandom,
    CHANGE_CIPHER_SPEC, FINISHED, HANDSHAKE, NEW_SESSION_TICKET,
};
use oxissl_engine::provider::{
    Secret, Tls12Suite, TLS12_ECDHE_ECDSA_AES_128_GCM, TLS12_ECDHE_ECDSA_AES_256_GCM,
    TLS12_ECDHE_ECDSA_CHACHA20,
};
use oxissl_engine::{
    AlertDescription as A, CipherSuite, ClientConfig, ClientConnection, Error, FixedClock,
    InvalidMessage, PeerMisbehaved, ProtocolVersion, Resumption, RootStore, ServerIdentity,
    ServerName, StoredSession, UnixTime, VerifyMode, WebPkiVerifier,
};

// ---- helpers ----

/// The clock of every test unless it moves it.
const T0: u64 = 1_700_000_000;

fn clock(secs: u64) -> Arc<FixedClock> {
    Arc::new(FixedClock(UnixTime::since_unix_epoch(Duration::from_secs(
        secs,
    ))))
}

fn config() -> ClientConfig {
    let mut config = client_config12();
    config.time = clock(T0);
    config
}

fn localhost() -> ServerIdentity {
    ServerIdentity {
        sni: Some("localhost".into()),
        verify_name: Some(ServerName::try_from("localhost").unwrap()),
    }
}

fn ticket(n: u8, lifetime_hint: u32) -> NewTicket {
    NewTicket {
        lifetime_hint,
        ticket: vec![n; 40 + usize::from(n)],
    }
}

/// A client connection to "localhost" (its sessions are stored under that name).
fn open(config: &Arc<ClientConfig>, session: Option<StoredSession>) -> ClientConnection {
    ClientConnection::resume(config.clone(), localhost(), session).unwrap()
}

/// A full handshake after `setup`; returns both ends, established.
fn full(
    config: &Arc<ClientConfig>,
    setup: impl FnOnce(&mut Server12),
) -> (ClientConnection, Server12) {
    let mut client = open(config, None);
    let mut server = Server12::accept(&mut client);
    setup(&mut server);
    server.complete_handshake(&mut client);
    (client, server)
}

/// A full handshake issuing `ticket` (or none) under the server's session id; returns the
/// client's and the server's view of the session.
fn first_session(
    config: &Arc<ClientConfig>,
    ticket: Option<NewTicket>,
) -> (StoredSession, ServerSession) {
    let (client, server) = full(config, |s| s.new_ticket = ticket);
    let session = client.session().expect("a resumable session");
    (session, server.session())
}

/// The session the ClientHello offered: (session id, session_ticket extension body).
fn offered(server: &Server12) -> (Vec<u8>, Option<Vec<u8>>) {
    (
        server.ch.session_id.clone(),
        server.ch.find(EXT_SESSION_TICKET),
    )
}

/// A second connection offering a session of a first handshake; the server resumes it.
fn resuming(ticket: Option<NewTicket>) -> (ClientConnection, Server12, ServerSession) {
    let config = Arc::new(config());
    let (_, known) = first_session(&config, ticket);
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    assert!(server.offered(&known).is_some());
    server.resume(&known);
    (client, server, known)
}

/// The abbreviated handshake's flight through `hook` (after `setup`) gives `want`, with the
/// alert in the clear: the client has no write keys before the server's Finished.
fn reject_resumed(
    ticket: Option<NewTicket>,
    setup: impl FnOnce(&mut Server12),
    hook: impl FnMut(Step12, &mut Vec<u8>, &Server12),
    want: Error,
    alert: A,
) {
    let (mut client, mut server, _) = resuming(ticket);
    setup(&mut server);
    let flight = server.resumed_flight(hook);
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(&mut client, got, want, Plain(alert));
}

/// A full handshake whose last flight (with the server issuing `ticket`) goes through `hook`;
/// the alert is protected (the client's ChangeCipherSpec went before).
fn reject_full_last_flight(
    ticket: NewTicket,
    hook: impl FnMut(Step12, &mut Vec<u8>, &Server12),
    want: Error,
    alert: A,
) {
    let mut client = open(&Arc::new(config()), None);
    let mut server = Server12::accept(&mut client);
    server.new_ticket = Some(ticket);
    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).expect("valid first flight");
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    let last = server.finish(hook);
    let got = deliver(&mut client, &last.wire());
    server.expect_fatal(&mut client, got, want, Sealed(alert));
}

/// Replaces the ServerHello with what `edit` makes of the valid one.
fn tls12_session(session: &StoredSession) -> (&[u8], &Secret, Tls12Suite, bool) {
    match &session.resumption {
        Resumption::Tls12 {
            master_secret,
            suite,
            extended_master_secret,
            session_id,
            ..
        } => (session_id, master_secret, *suite, *extended_master_secret),
        Resumption::Tls13 { .. } => panic!("a TLS 1.2 session expected"),
    }
}

/// A hand-made TLS 1.2 session.
fn hand_made(session_id: &[u8], ticket: &[u8], ems: bool) -> StoredSession {
    StoredSession {
        resumption: Resumption::Tls12 {
            session_id: session_id.to_vec(),
            ticket: ticket.to_vec(),
            master_secret: Secret::from_slice(&[7; 48]),
            suite: TLS12_ECDHE_ECDSA_AES_128_GCM,
            extended_master_secret: ems,
        },
        lifetime: 7200,
        received: UnixTime::since_unix_epoch(Duration::from_secs(T0)),
        peer_certificates: Vec::new(),
        verify_result: None,
        server_name: Some("localhost".into()),
    }
}

// ---- full handshakes that set up resumption ----

#[test]
fn full_handshake_issues_a_ticket_and_the_session_is_stored() {
    let config = Arc::new(config());
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    // RFC 5077 §3.2: the client asks for a ticket with an empty extension.
    assert_eq!(server.ch.find(EXT_SESSION_TICKET), Some(vec![]));
    server.new_ticket = Some(ticket(1, 3600));
    assert_eq!(
        server.server_hello().extensions.last(),
        Some(&(EXT_SESSION_TICKET, vec![]))
    );
    let flight = server.flight(unchanged12);
    deliver(&mut client, &flight.wire()).unwrap();
    server.read_client(&mut client);
    assert_eq!(server.client_finished_ok, Some(true));
    assert!(
        client.session().is_none(),
        "nothing stored before the server's Finished"
    );
    let last = server.finish(unchanged12);
    // RFC 5077 §3.3: NewSessionTicket after the client's Finished, before the server's CCS.
    let steps: Vec<Step12> = last.records.iter().map(|r| r.0).collect();
    assert_eq!(
        steps,
        [
            Step12::NewSessionTicket,
            Step12::ChangeCipherSpec,
            Step12::Finished
        ]
    );
    deliver(&mut client, &last.wire()).unwrap();
    assert!(client.is_established());
    assert!(!client.negotiated().resumed);

    let session = client.session().expect("a resumable session");
    assert_eq!(session.version(), ProtocolVersion::TLS12);
    assert_eq!(
        session.cipher_suite(),
        CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
    );
    assert_eq!(session.ticket12(), ticket(1, 0).ticket.as_slice());
    assert_eq!(session.session_id(), [0x5a; 32]);
    assert_eq!(session.lifetime, 3600, "the lifetime hint");
    assert_eq!(session.received.as_secs(), T0);
    let (_, master, suite, ems) = tls12_session(&session);
    assert!(ems);
    assert_eq!(suite, TLS12_ECDHE_ECDSA_AES_128_GCM);
    assert_eq!(master.as_bytes(), server.session().master.as_bytes());
    assert_eq!(master.as_bytes().len(), 48);
    assert_eq!(session.peer_certificates[0].as_ref(), identity().cert);
    let store = config.session_store.as_ref().unwrap();
    assert_eq!(store.count("localhost"), 1);
    data_both_ways(&mut client, &mut server);
    close_both_ways(&mut client, &mut server);
}

#[test]
fn new_session_ticket_left_out_of_the_finished_transcript() {
    // RFC 5077 §3.3: NewSessionTicket is hashed into the Finished transcript; a Finished
    // computed without it does not verify -> decrypt_error.
    reject_full_last_flight(
        ticket(1, 0),
        |step, msg, s| {
            if step == Step12::Finished {
                *msg = s.finished_without(&s.new_session_ticket());
            }
        },
        misbehaved(PeerMisbehaved::FinishedMismatch),
        A::DECRYPT_ERROR,
    );
}

#[test]
fn empty_new_session_ticket_keeps_the_session_id() {
    // RFC 5077 §3.3: a zero-length ticket means none was issued; the session id still resumes.
    let config = Arc::new(config());
    let (session, _) = first_session(
        &config,
        Some(NewTicket {
            lifetime_hint: 0,
            ticket: Vec::new(),
        }),
    );
    assert!(session.ticket12().is_empty());
    assert_eq!(session.session_id(), [0x5a; 32]);
    assert_eq!(session.lifetime, 7200, "the default lifetime");
}

#[test]
fn a_session_with_neither_id_nor_ticket_is_not_stored() {
    let config = Arc::new(config());
    let (client, _) = full(&config, |s| s.session_id.clear());
    assert!(client.session().is_none());
    assert_eq!(config.session_store.as_ref().unwrap().count("localhost"), 0);
}

#[test]
fn a_session_without_ems_is_never_stored_or_offered() {
    // RFC 7627 §5.3: a session without the extended master secret is not resumed.
    let mut config = config();
    config.require_extended_master_secret = false;
    let config = Arc::new(config);
    let (client, _) = full(&config, |s| {
        s.ems = false;
        s.new_ticket = Some(ticket(1, 0));
    });
    assert!(!client.negotiated().extended_master_secret);
    assert!(client.session().is_none());
    assert_eq!(config.session_store.as_ref().unwrap().count("localhost"), 0);
    let mut next = open(&config, None);
    let server = Server12::accept(&mut next);
    assert_ne!(server.ch.session_id, [0x5a; 32]);
    assert_eq!(server.ch.find(EXT_SESSION_TICKET), Some(vec![]));
}

#[test]
fn a_hand_made_session_without_ems_is_not_offered() {
    for compat in [true, false] {
        for ems in [true, false] {
            let mut config = config();
            config.middlebox_compat = compat;
            let session = hand_made(&[7; 32], &[9; 20], ems);
            let mut client = open(&Arc::new(config), Some(session));
            let server = Server12::accept(&mut client);
            let (id, ext) = offered(&server);
            if ems {
                assert_eq!((id, ext), (vec![7; 32], Some(vec![9; 20])));
            } else {
                assert_ne!(id, [7; 32]);
                assert_eq!(id.len(), if compat { 32 } else { 0 });
                assert_eq!(ext, Some(vec![]), "a fresh ticket is asked for");
            }
        }
    }
}

#[test]
fn a_session_is_offered_only_for_the_name_it_was_made_for() {
    // RFC 8446 §4.6.1 / RFC 6066 §3: a session made for "localhost" is not offered to another
    // server name, nor to a connection without one.
    let other = ServerIdentity {
        sni: Some("example.test".into()),
        verify_name: Some(ServerName::try_from("example.test").unwrap()),
    };
    let nameless = ServerIdentity::default();
    for identity in [other, nameless] {
        let session = hand_made(&[7; 32], &[9; 20], true);
        let mut client =
            ClientConnection::resume(Arc::new(config()), identity.clone(), Some(session)).unwrap();
        let server = Server12::accept(&mut client);
        let (id, ext) = offered(&server);
        assert_ne!(id, [7; 32], "{identity:?}");
        assert_eq!(ext, Some(vec![]), "{identity:?}");
    }
    // A session that names no server (one loaded from OpenSSL's encoding) is offered.
    let mut unnamed = hand_made(&[7; 32], &[9; 20], true);
    unnamed.server_name = None;
    let mut client = open(&Arc::new(config()), Some(unnamed));
    let server = Server12::accept(&mut client);
    assert_eq!(offered(&server), (vec![7; 32], Some(vec![9; 20])));
    // The same session for its own name is offered.
    let mut client = open(
        &Arc::new(config()),
        Some(hand_made(&[7; 32], &[9; 20], true)),
    );
    let server = Server12::accept(&mut client);
    assert_eq!(offered(&server), (vec![7; 32], Some(vec![9; 20])));
}

#[test]
fn an_expired_session_is_not_offered() {
    // A ticket lives for its lifetime hint; a session without one for the default 7200 s.
    for (hint, lifetime) in [(100, 100), (0, 7200)] {
        let config = Arc::new(config());
        let (session, known) = first_session(&config, Some(ticket(1, hint)));
        assert_eq!(session.lifetime, lifetime);
        for (age, valid) in [
            (lifetime - 1, true),
            (lifetime, false),
            (lifetime * 9, false),
        ] {
            let mut later = (*config).clone();
            later.time = clock(T0 + u64::from(age));
            let later = Arc::new(later);
            // Both the caller's session and the store's.
            for given in [Some(session.clone()), None] {
                let mut client = open(&later, given);
                let server = Server12::accept(&mut client);
                assert_eq!(
                    server.offered(&known).is_some(),
                    valid,
                    "hint {hint}, age {age}"
                );
                if !valid {
                    assert_eq!(server.ch.find(EXT_SESSION_TICKET), Some(vec![]));
                }
            }
        }
    }
}

#[test]
fn a_session_from_the_future_is_not_offered() {
    let config = Arc::new(config());
    let (session, known) = first_session(&config, Some(ticket(1, 0)));
    let mut earlier = (*config).clone();
    earlier.time = clock(T0 - 1);
    let mut client = open(&Arc::new(earlier), Some(session));
    let server = Server12::accept(&mut client);
    assert_eq!(server.offered(&known), None);
}

#[test]
fn without_tickets_no_extension_and_no_ticket_only_session() {
    let mut config = config();
    config.tls12_session_tickets = false;
    let config = Arc::new(config);
    // No extension, so the server issues nothing; the session resumes by id.
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    assert_eq!(server.ch.find(EXT_SESSION_TICKET), None);
    server.new_ticket = Some(ticket(1, 0));
    assert!(!server.issues_ticket());
    server.complete_handshake(&mut client);
    let session = client.session().unwrap();
    assert!(session.ticket12().is_empty());
    // A session with an id and a ticket is offered by its id alone.
    let both = hand_made(&[7; 32], &[9; 20], true);
    let mut client = open(&config, Some(both));
    let server = Server12::accept(&mut client);
    assert_eq!(offered(&server), (vec![7; 32], None));
    // A ticket-only session is not offered at all.
    let mut no_store = (*config).clone();
    no_store.session_store = None;
    let only_ticket = hand_made(&[], &[9; 20], true);
    let mut client = open(&Arc::new(no_store), Some(only_ticket));
    let server = Server12::accept(&mut client);
    let (id, ext) = offered(&server);
    assert_eq!(ext, None);
    assert_eq!(id.len(), 32, "middlebox compatibility id");
    assert_ne!(id, [9; 20]);
}

// ---- abbreviated handshakes ----

#[test]
fn resume_by_session_id_with_data_and_close_notify() {
    let config = Arc::new(config());
    let (session, known) = first_session(&config, None);
    assert!(session.ticket12().is_empty());
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    // RFC 5246 §7.4.1.2: the session id of the session to resume, and a ticket asked for.
    assert_eq!(offered(&server), (vec![0x5a; 32], Some(vec![])));
    assert_eq!(server.offered(&known), Some(OfferedBy::SessionId));
    server.complete_resumption(&mut client, &known);
    let n = client.negotiated();
    assert!(n.resumed);
    assert_eq!(n.version, Some(ProtocolVersion::TLS12));
    assert_eq!(
        n.cipher_suite,
        Some(CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)
    );
    assert!(n.extended_master_secret);
    assert_eq!(client.peer_certificates()[0].as_ref(), identity().cert);
    data_both_ways(&mut client, &mut server);
    close_both_ways(&mut client, &mut server);
}

#[test]
fn client_flight_follows_the_server_finished_in_one_piece() {
    // RFC 5246 §7.3 Figure 2: the client's ChangeCipherSpec and Finished come after the
    // server's Finished, together.
    let (mut client, mut server, known) = resuming(None);
    server.new_ticket = Some(ticket(2, 0));
    server.resume(&known);
    let flight = server.resumed_flight(unchanged12);
    let steps: Vec<Step12> = flight.records.iter().map(|r| r.0).collect();
    assert_eq!(
        steps,
        [
            Step12::ServerHello,
            Step12::NewSessionTicket,
            Step12::ChangeCipherSpec,
            Step12::Finished
        ]
    );
    for (step, record) in &flight.records {
        deliver(&mut client, record).unwrap();
        if *step != Step12::Finished {
            assert!(
                client.pending_tls().is_empty(),
                "nothing sent after {step:?}"
            );
            assert!(client.is_handshaking());
        }
    }
    assert!(client.is_established());
    let records = server.read_client(&mut client);
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(
        (
            records[0].typ,
            &records[0].payload[..],
            records[0].protected
        ),
        (CHANGE_CIPHER_SPEC, &[1][..], false)
    );
    assert_eq!((records[1].typ, records[1].protected), (HANDSHAKE, true));
    assert_eq!(records[1].payload[..4], [FINISHED, 0, 0, 12]);
    // RFC 5246 §7.4.9: over the transcript through the server's Finished.
    assert_eq!(server.client_finished_ok, Some(true));
    assert!(client.pending_tls().is_empty());
}

#[test]
fn resume_by_ticket_with_a_fresh_session_id() {
    for compat in [true, false] {
        let mut config = config();
        config.middlebox_compat = compat;
        let config = Arc::new(config);
        // RFC 5077 §3.4: a server issuing a ticket may leave the session id empty.
        let (session, known) = {
            let (client, server) = full(&config, |s| {
                s.session_id.clear();
                s.new_ticket = Some(ticket(1, 0));
            });
            (client.session().unwrap(), server.session())
        };
        assert!(session.session_id().is_empty());
        assert_eq!(session.ticket12(), known.ticket.as_slice());
        let mut client = open(&config, None);
        let mut server = Server12::accept(&mut client);
        let (id, ext) = offered(&server);
        // RFC 5077 §3.4: a fresh, non-empty session id with the ticket.
        assert_eq!(id.len(), 32, "compat {compat}");
        assert_ne!(id, [0x5a; 32]);
        assert_eq!(ext, Some(known.ticket.clone()));
        assert_eq!(server.offered(&known), Some(OfferedBy::Ticket));
        server.complete_resumption(&mut client, &known);
        assert_eq!(server.server_hello().session_id, id, "echoed");
        data_both_ways(&mut client, &mut server);
    }
}

#[test]
fn renewed_ticket_replaces_the_stored_one() {
    // RFC 5077 §3.3: a server may renew the ticket in the abbreviated handshake.
    let config = Arc::new(config());
    let (_, known) = first_session(&config, Some(ticket(1, 3600)));
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    assert_eq!(server.offered(&known), Some(OfferedBy::Ticket));
    server.new_ticket = Some(ticket(2, 600));
    server.complete_resumption(&mut client, &known);
    let renewed = client.session().unwrap();
    assert_eq!(renewed.ticket12(), ticket(2, 0).ticket.as_slice());
    assert_eq!(renewed.lifetime, 600);
    assert_eq!(renewed.session_id(), [0x5a; 32], "the session id stays");
    let (_, master, _, _) = tls12_session(&renewed);
    assert_eq!(master.as_bytes(), known.master.as_bytes());
    // The renewed session took the old one's place.
    assert_eq!(config.session_store.as_ref().unwrap().count("localhost"), 1);
    // The next connection offers the new ticket.
    let mut third = open(&config, None);
    let server = Server12::accept(&mut third);
    assert_eq!(offered(&server).1, Some(ticket(2, 0).ticket));
    // Once the renewed ticket has expired, the replaced one is not offered either.
    let mut later = (*config).clone();
    later.time = clock(T0 + 700);
    let mut fourth = open(&Arc::new(later), None);
    let server = Server12::accept(&mut fourth);
    assert_eq!(server.offered(&known), None);
}

#[test]
fn a_resumed_session_stays_resumable() {
    let config = Arc::new(config());
    let (_, known) = first_session(&config, Some(ticket(1, 0)));
    for round in 0..3 {
        let mut client = open(&config, None);
        let mut server = Server12::accept(&mut client);
        assert_eq!(server.offered(&known), Some(OfferedBy::Ticket), "{round}");
        server.complete_resumption(&mut client, &known);
        let session = client.session().expect("still resumable");
        assert_eq!(session.ticket12(), known.ticket.as_slice());
        data_both_ways(&mut client, &mut server);
    }
    assert_eq!(config.session_store.as_ref().unwrap().count("localhost"), 1);
}

#[test]
fn a_session_moves_to_another_configuration() {
    // OpenSSL's SSL_set_session: the caller's session, no store.
    let (session, known) = first_session(&Arc::new(config()), None);
    let mut other = config();
    other.session_store = None;
    other.rng = Arc::new(SeededRandom::new(99));
    let mut client = open(&Arc::new(other), Some(session));
    let mut server = Server12::accept(&mut client);
    server.complete_resumption(&mut client, &known);
    assert!(client.session().is_some());
}

#[test]
fn resumed_connection_reports_the_original_verification() {
    // A chain that does not verify, recorded only: the resumed connection reports the same.
    let mut base = ClientConfig::with_verifier(Arc::new(WebPkiVerifier::new(RootStore::new())));
    base.verify_mode = VerifyMode::RecordOnly;
    base.rng = client_config12().rng;
    base.time = clock(T0);
    let config = Arc::new(base);
    let (first, server) = full(&config, |s| {
        s.use_suite(TLS12_ECDHE_ECDSA_CHACHA20);
    });
    let verdict = first.verify_result().cloned();
    assert!(matches!(verdict, Some(Err(_))), "{verdict:?}");
    let known = server.session();
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    server.complete_resumption(&mut client, &known);
    assert_eq!(client.verify_result().cloned(), verdict);
    assert_eq!(client.peer_certificates(), first.peer_certificates());
    assert_eq!(
        client.negotiated().cipher_suite,
        Some(TLS12_ECDHE_ECDSA_CHACHA20.suite)
    );
}

#[test]
fn unknown_session_gets_a_full_handshake() {
    // The server does not resume: a fresh session id, a full handshake, a new session.
    let config = Arc::new(config());
    let (old, _) = first_session(&config, Some(ticket(1, 0)));
    let (client, server) = full(&config, |s| s.new_ticket = Some(ticket(3, 0)));
    assert_eq!(
        server.ch.session_id, [0x5a; 32],
        "the old session was offered"
    );
    assert_ne!(server.session_id, server.ch.session_id);
    assert!(!client.negotiated().resumed);
    let new = client.session().unwrap();
    assert_eq!(new.ticket12(), ticket(3, 0).ticket.as_slice());
    assert_ne!(
        tls12_session(&new).1.as_bytes(),
        tls12_session(&old).1.as_bytes()
    );
}

// ---- refusals ----

#[test]
fn resumed_server_hello_with_another_suite() {
    // RFC 5246 §7.4.1.3: a resumed session keeps its cipher suite -> illegal_parameter.
    for other in [TLS12_ECDHE_ECDSA_AES_256_GCM, TLS12_ECDHE_ECDSA_CHACHA20] {
        reject_resumed(
            None,
            |_| {},
            edit_hello(move |_, h| h.suite = other.suite.0),
            misbehaved(PeerMisbehaved::IllegalParameter(
                "cipher suite of the resumed session",
            )),
            A::ILLEGAL_PARAMETER,
        );
    }
}

#[test]
fn resumed_server_hello_without_extended_master_secret() {
    // RFC 7627 §5.3: the client "MUST abort the handshake" -> handshake_failure.
    reject_resumed(
        None,
        |_| {},
        edit_hello(|_, h| {
            h.remove(EXT_EXTENDED_MASTER_SECRET);
        }),
        misbehaved(PeerMisbehaved::ExtendedMasterSecretChanged),
        A::HANDSHAKE_FAILURE,
    );
    // Even with EMS not required.
    let mut config = config();
    config.require_extended_master_secret = false;
    let config = Arc::new(config);
    let (_, known) = first_session(&config, None);
    let mut client = open(&config, None);
    let mut server = Server12::accept(&mut client);
    server.resume(&known);
    let flight = server.resumed_flight(edit_hello(|_, h| {
        h.remove(EXT_EXTENDED_MASTER_SECRET);
    }));
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(
        &mut client,
        got,
        misbehaved(PeerMisbehaved::ExtendedMasterSecretChanged),
        Plain(A::HANDSHAKE_FAILURE),
    );
}

#[test]
fn new_session_ticket_without_the_extension() {
    // RFC 5077 §3.3: NewSessionTicket only after an empty SessionTicket extension in
    // ServerHello -> unexpected_message.
    let no_ext = edit_hello(|_, h| {
        h.remove(EXT_SESSION_TICKET);
    });
    let mut client = open(&Arc::new(config()), None);
    let mut server = Server12::accept(&mut client);
    server.new_ticket = Some(ticket(1, 0));
    let flight = server.flight(no_ext);
    deliver(&mut client, &flight.wire()).unwrap();
    server.read_client(&mut client);
    let last = server.finish(unchanged12);
    let got = deliver(&mut client, &last.wire());
    server.expect_fatal(
        &mut client,
        got,
        unexpected(NEW_SESSION_TICKET),
        Sealed(A::UNEXPECTED_MESSAGE),
    );
    // In the abbreviated handshake.
    reject_resumed(
        None,
        |s| s.new_ticket = Some(ticket(2, 0)),
        edit_hello(|_, h| {
            h.remove(EXT_SESSION_TICKET);
        }),
        unexpected(NEW_SESSION_TICKET),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn new_session_ticket_after_the_server_change_cipher_spec() {
    // RFC 5077 §3.3: the ticket comes before ChangeCipherSpec.
    let late = |step: Step12, msg: &mut Vec<u8>, s: &Server12| {
        if step == Step12::NewSessionTicket {
            msg.clear();
        }
        if step == Step12::Finished {
            *msg = [s.new_session_ticket(), msg.clone()].concat();
        }
    };
    reject_full_last_flight(ticket(1, 0), late, BAD_CCS, A::UNEXPECTED_MESSAGE);
    reject_resumed(
        None,
        |s| s.new_ticket = Some(ticket(2, 0)),
        late,
        BAD_CCS,
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn server_hello_done_where_the_ticket_should_be() {
    let hook = replace(Step12::NewSessionTicket, |_| Server12::server_hello_done());
    reject_full_last_flight(
        ticket(1, 0),
        hook,
        unexpected(SERVER_HELLO_DONE),
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn non_empty_session_ticket_extension_in_server_hello() {
    // RFC 5077 §3.2: the server's SessionTicket extension is empty -> decode_error.
    let mut client = open(&Arc::new(config()), None);
    let mut server = Server12::accept(&mut client);
    server.new_ticket = Some(ticket(1, 0));
    let flight = server.flight(edit_hello(|_, h| {
        h.set(EXT_SESSION_TICKET, vec![1, 2, 3]);
    }));
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(
        &mut client,
        got,
        invalid(InvalidMessage::BadLength),
        Plain(A::DECODE_ERROR),
    );
    reject_resumed(
        Some(ticket(1, 0)),
        |s| s.new_ticket = Some(ticket(2, 0)),
        edit_hello(|_, h| {
            h.set(EXT_SESSION_TICKET, vec![0]);
        }),
        invalid(InvalidMessage::BadLength),
        A::DECODE_ERROR,
    );
}

#[test]
fn session_ticket_extension_when_none_was_asked_for() {
    // RFC 5246 §7.4.1.4: an extension the client did not send -> unsupported_extension.
    let mut config = config();
    config.tls12_session_tickets = false;
    let mut client = open(&Arc::new(config), None);
    let mut server = Server12::accept(&mut client);
    let flight = server.flight(edit_hello(|_, h| {
        h.set(EXT_SESSION_TICKET, Vec::new());
    }));
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(
        &mut client,
        got,
        misbehaved(PeerMisbehaved::UnsolicitedExtension(EXT_SESSION_TICKET)),
        Plain(A::UNSUPPORTED_EXTENSION),
    );
}

#[test]
fn new_session_ticket_truncated_or_padded() {
    // RFC 5077 §3.3: lifetime_hint and a 16-bit length ticket, nothing after -> decode_error.
    let cases: [(MakeMessage, InvalidMessage); 4] = [
        (
            |s| {
                let mut m = s.new_session_ticket();
                m.push(0);
                fix_length(m)
            },
            InvalidMessage::TrailingData,
        ),
        (
            |s| {
                let mut m = s.new_session_ticket();
                m.pop();
                fix_length(m)
            },
            InvalidMessage::Truncated,
        ),
        (
            |_| handshake(NEW_SESSION_TICKET, &[0, 0, 1]),
            InvalidMessage::Truncated,
        ),
        (
            |_| handshake(NEW_SESSION_TICKET, &[]),
            InvalidMessage::Truncated,
        ),
    ];
    for (make, want) in cases {
        reject_full_last_flight(
            ticket(1, 0),
            replace(Step12::NewSessionTicket, make),
            invalid(want),
            A::DECODE_ERROR,
        );
        reject_resumed(
            None,
            |s| s.new_ticket = Some(ticket(2, 0)),
            replace(Step12::NewSessionTicket, make),
            invalid(want),
            A::DECODE_ERROR,
        );
    }
}

type MakeMessage = fn(&Server12) -> Vec<u8>;

/// Sets a handshake message's length field to its body's length.
fn fix_length(mut msg: Vec<u8>) -> Vec<u8> {
    let n = msg.len() - 4;
    msg[1..4].copy_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    msg
}

#[test]
fn wrong_server_finished_in_an_abbreviated_handshake() {
    // RFC 5246 §7.4.9 -> decrypt_error, in the clear: the client has not switched its keys.
    let flip = |step: Step12, msg: &mut Vec<u8>, _: &Server12| {
        if step == Step12::Finished {
            msg[4] ^= 1;
        }
    };
    let want = misbehaved(PeerMisbehaved::FinishedMismatch);
    reject_resumed(None, |_| {}, flip, want.clone(), A::DECRYPT_ERROR);
    reject_resumed(
        None,
        |_| {},
        replace(Step12::Finished, |s| {
            s.finished_with_label(b"client finished")
        }),
        want.clone(),
        A::DECRYPT_ERROR,
    );
    reject_resumed(
        None,
        |_| {},
        replace(Step12::Finished, |s| {
            let f = s.finished();
            handshake(FINISHED, &f[4..15])
        }),
        want.clone(),
        A::DECRYPT_ERROR,
    );
    // A renewed ticket left out of the transcript.
    reject_resumed(
        None,
        |s| s.new_ticket = Some(ticket(2, 0)),
        replace(Step12::Finished, |s| {
            s.finished_without(&s.new_session_ticket())
        }),
        want,
        A::DECRYPT_ERROR,
    );
}

#[test]
fn abbreviated_handshake_keys_from_the_wrong_master_secret() {
    // Keys from another master secret: the server's Finished record does not decrypt.
    let (mut client, mut server, mut known) = resuming(None);
    known.master = Secret::from_slice(&[1; 48]);
    server.resume(&known);
    let flight = server.resumed_flight(unchanged12);
    let got = deliver(&mut client, &flight.wire());
    server.expect_fatal(
        &mut client,
        got,
        Error::DecryptFailed,
        Plain(A::BAD_RECORD_MAC),
    );
}

#[test]
fn server_finished_before_change_cipher_spec_in_an_abbreviated_handshake() {
    // RFC 5246 §7.3 Figure 2: ChangeCipherSpec before Finished -> unexpected_message.
    for ticket in [None, Some(ticket(2, 0))] {
        reject_resumed(
            None,
            |s| s.new_ticket = ticket.clone(),
            |step, msg: &mut Vec<u8>, _: &Server12| {
                if step == Step12::ChangeCipherSpec {
                    msg.clear();
                }
            },
            unexpected(FINISHED),
            A::UNEXPECTED_MESSAGE,
        );
    }
}

#[test]
fn full_handshake_messages_after_a_resumed_server_hello() {
    // After an echoed session id only ChangeCipherSpec (or a promised ticket) may follow.
    let (mut client, mut server, _) = resuming(None);
    let flight = server.resumed_flight(unchanged12);
    let wire = [
        flight.record(Step12::ServerHello).unwrap().to_vec(),
        plain_record(HANDSHAKE, &server.certificate()),
    ]
    .concat();
    let got = deliver(&mut client, &wire);
    server.expect_fatal(
        &mut client,
        got,
        unexpected(CERTIFICATE12),
        Plain(A::UNEXPECTED_MESSAGE),
    );
}

#[test]
fn resumption_without_echoing_the_session_id() {
    // A ServerHello with another session id starts a full handshake: ChangeCipherSpec where
    // Certificate is due -> unexpected_message.
    reject_resumed(
        None,
        |_| {},
        edit_hello(|_, h| h.session_id = vec![0x33; 32]),
        BAD_CCS,
        A::UNEXPECTED_MESSAGE,
    );
}

#[test]
fn application_data_before_the_server_finished_in_an_abbreviated_handshake() {
    let (mut client, mut server, _) = resuming(None);
    let flight = server.resumed_flight(|step, msg: &mut Vec<u8>, _: &Server12| {
        if step == Step12::Finished {
            msg.clear();
        }
    });
    let wire = [
        flight.wire(),
        server.seal(hostile_server::APPLICATION_DATA, b"early"),
    ]
    .concat();
    let got = deliver(&mut client, &wire);
    server.expect_fatal(
        &mut client,
        got,
        invalid(InvalidMessage::UnexpectedContentType(
            oxissl_engine::wire::enums::ContentType(hostile_server::APPLICATION_DATA),
        )),
        Plain(A::UNEXPECTED_MESSAGE),
    );
}

// ---- randomized abbreviated flights ----

const FUZZ_SEED: u64 = 0x5e55_1012_f00d;
const FUZZ_ITERATIONS: usize = 1500;

const RESUMED_STEPS: [Step12; 4] = [
    Step12::ServerHello,
    Step12::NewSessionTicket,
    Step12::ChangeCipherSpec,
    Step12::Finished,
];

/// One randomized abbreviated handshake; returns 0 (waiting), 1 (established), 2 (failed).
fn fuzz_one(i: usize, session: &StoredSession, known: &ServerSession) -> usize {
    let mut rng = Rng::new(FUZZ_SEED ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let mut config = config();
    config.rng = Arc::new(SeededRandom::new(rng.next()));
    config.enable_tls13 = rng.below(3) != 0;
    config.middlebox_compat = rng.below(3) != 0;
    let mut client = open(&Arc::new(config), Some(session.clone()));
    let mut server = Server12::accept(&mut client);
    assert!(server.offered(known).is_some());
    if rng.below(2) == 0 {
        server.new_ticket = Some(ticket(rng.byte() % 8, rng.next() as u32));
    }
    server.resume(known);
    let mode = rng.below(4);
    // 0 breaks one message, 1 the flight's bytes, 2 the bytes with what follows, 3 nothing.
    let mut wire = match mode {
        0 => {
            let target = RESUMED_STEPS[rng.below(RESUMED_STEPS.len())];
            server
                .resumed_flight(|step, msg, _| {
                    if step == target {
                        mutate(&mut rng, msg);
                    }
                })
                .wire()
        }
        _ => server.resumed_flight(unchanged12).wire(),
    };
    if mode == 1 {
        mutate(&mut rng, &mut wire);
    }
    let before = client.pending_tls().len();
    if let Some(e) = drive(&mut client, &wire, &mut rng) {
        check_failed(&mut client, e, before);
        return 2;
    }
    if !client.is_established() {
        return 0;
    }
    // A mutated Finished may carry the start of another message after it, which the client
    // holds while the server hashed it: then the client's Finished does not verify.
    let followed = server.try_read_client_flight(&mut client);
    assert!(followed || mode != 3, "iteration {i}");
    let mut rest = post_handshake(&mut server);
    if mode == 2 {
        mutate(&mut rng, &mut rest);
    }
    let before = client.pending_tls().len();
    match drive(&mut client, &rest, &mut rng) {
        Some(e) => {
            check_failed(&mut client, e, before);
            2
        }
        None => {
            assert_eq!(client.error(), None);
            if mode == 3 {
                assert!(
                    client.peer_closed(),
                    "an unmutated run reaches close_notify"
                );
                assert!(client.negotiated().resumed);
            }
            1
        }
    }
}

#[test]
fn randomized_abbreviated_flights_never_panic() {
    let config = Arc::new(config());
    let (session, known) = first_session(&config, Some(ticket(1, 0)));
    let mut outcomes = [0usize; 3];
    for i in 0..FUZZ_ITERATIONS {
        match catch_unwind(AssertUnwindSafe(|| fuzz_one(i, &session, &known))) {
            Ok(k) => outcomes[k] += 1,
            Err(_) => panic!("iteration {i} (seed {FUZZ_SEED:#x}) panicked"),
        }
    }
    let [waiting, established, failed] = outcomes;
    eprintln!(
        "{FUZZ_ITERATIONS} abbreviated runs: {failed} failed, {established} established, \
         {waiting} waiting"
    );
    assert!(failed > FUZZ_ITERATIONS / 3 && established > FUZZ_ITERATIONS / 10);
}
