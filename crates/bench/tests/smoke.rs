//! Every scenario once, for correctness only (no timing is judged): each peer completes each
//! handshake row in memory and exchanges data, resumes (TLS 1.3 and TLS 1.2), receives bulk data with
//! each AEAD, and the whole report renders with every table, over loopback TCP too.

use std::time::Duration;

use oxissl_bench::certs::ChainKind;
use oxissl_bench::heap::Counting;
use oxissl_bench::params::{Aead, Params, Version};
use oxissl_bench::peers::{Context, Peer};
use oxissl_bench::run::{handshake_cases, Bench, Contact};
use oxissl_bench::Options;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn bench() -> Bench {
    Bench::new(Options::smoke()).expect("set-up")
}

#[test]
fn every_handshake_row_completes_and_round_trips() {
    let mut b = bench();
    for case in handshake_cases() {
        for &peer in Peer::ALL {
            let ctx = Context::new(peer, &b.fixture, &case.params).expect("context");
            let what = format!("{} / {}", case.label(), peer.label());
            let mut t = Duration::ZERO;
            b.checked_handshake(&ctx, &case.params, Some(false), &mut t)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            if case.contact == Contact::Resumed {
                b.checked_handshake(&ctx, &case.params, Some(true), &mut t)
                    .unwrap_or_else(|e| panic!("{what}, second connection: {e}"));
            } else {
                b.checked_handshake(&ctx, &case.params, Some(false), &mut t)
                    .unwrap_or_else(|e| panic!("{what}, second connection: {e}"));
            }
            assert!(t > Duration::ZERO, "{what}: no client time recorded");
        }
    }
}

#[test]
fn bulk_receive_with_each_aead() {
    let mut b = bench();
    for aead in Aead::ALL {
        for &peer in Peer::ALL {
            let mbps = b
                .bulk(peer, aead, 3)
                .unwrap_or_else(|e| panic!("{} / {}: {e}", aead.label(), peer.label()));
            assert!(mbps > 0.0);
        }
    }
}

#[test]
fn a_handshake_shape_counts_the_transcript_and_the_protected_records() {
    let mut b = bench();
    for chain in ChainKind::ALL {
        let chain_der: usize = {
            let c = b.fixture.chain(chain);
            c.leaf_der.len() + c.intermediate_der.len()
        };
        let tls13 = b
            .shape(&Params::full(Version::Tls13, chain))
            .expect("shape");
        // ClientHello, ServerHello and the server's protected flight carry at least the chain.
        assert!(tls13.transcript > chain_der + 200, "{tls13:?}");
        assert!(!tls13.server_sealed.is_empty(), "{tls13:?}");
        // The client's Finished: 32 bytes of verify_data, a 4-byte header, the content type
        // and the tag (RFC 8446 §5.2).
        assert_eq!(tls13.client_sealed, vec![32 + 4 + 1 + 16], "{tls13:?}");
        let tls12 = b
            .shape(&Params::full(Version::Tls12, chain))
            .expect("shape");
        assert!(tls12.transcript > chain_der + 200, "{tls12:?}");
        // Each side's Finished alone is protected: 12 + 4 bytes and the tag (RFC 5288 §3).
        assert_eq!(tls12.client_sealed, vec![16 + 16], "{tls12:?}");
        assert_eq!(tls12.server_sealed, vec![16 + 16], "{tls12:?}");
        for (version, shape) in [(Version::Tls13, &tls13), (Version::Tls12, &tls12)] {
            assert!(b.schedule_op(version, shape, 2) > 0.0);
        }
    }
}

#[test]
fn whole_report_renders() {
    let report = oxissl_bench::report(Options::smoke(), &mut |_| {}).expect("report");
    for heading in [
        "In memory: client time per handshake",
        "In memory: bulk receive",
        "Raw aws-lc-rs cost",
        "key schedule, transcript and handshake records",
        "with key schedule",
        "Loopback TCP: client thread CPU per handshake",
        "Memory per client connection",
    ] {
        assert!(report.contains(heading), "missing {heading}:\n{report}");
    }
    // Every peer resumes both versions, in memory and over TCP: every cell is a number.
    let resumed: Vec<&str> = report.lines().filter(|l| l.contains("resumed,")).collect();
    assert_eq!(resumed.len(), 4, "{report}");
    for line in resumed {
        assert!(!line.contains("n/a"), "{line}");
    }
    assert!(!report.contains("n/a (no counting allocator)"), "{report}");
}
