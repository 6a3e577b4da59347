//! N first-contact TLS 1.3 ECDSA handshakes by the oxissl engine, in memory, for profiling
//! (`valgrind --tool=callgrind target/release/examples/profile_first_contact 50`).

use oxissl_bench::certs::ChainKind;
use oxissl_bench::params::{Params, Version};
use oxissl_bench::peers::Peer;
use oxissl_bench::run::{Bench, Contact, HandshakeCase, Options};

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let mut bench = Bench::new(Options::smoke()).expect("bench");
    let case = HandshakeCase {
        params: Params::full(Version::Tls13, ChainKind::Ecdsa),
        contact: Contact::First,
    };
    let us = bench
        .memory_handshakes(Peer::Oxissl, &case, n)
        .expect("handshakes");
    println!("{n} handshakes, {us:.1} µs each");
}
