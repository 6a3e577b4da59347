//! N in-memory handshakes by the oxissl engine, or N runs of the aws-lc-rs floor recipe, for
//! instruction-count profiling:
//! `valgrind --tool=callgrind target/release/examples/profile_handshake first ecdsa 300`.
//! Modes: `first`, `repeat`, `resumed` (TLS 1.3), `floor` (the primitives a full handshake
//! with the chain cannot avoid, as the report's floor rows run them), `schedule` (the rest of
//! a TLS 1.3 handshake's cryptography, as the report's key schedule rows run it; toggle on
//! `oxissl_bench::schedule::Schedule::tls13*`), and `bulk-aes128`, `bulk-aes256`,
//! `bulk-chacha` (N 16 KiB records received, MB/s printed, for A/B timing of two builds:
//! `profile_handshake bulk-chacha - 4096`, or `... 4096 ssl` for `oxissl::Ssl` on memory
//! BIOs, `rustls` or `openssl` for those clients; a toggle on `Client::exchange` does not catch every record under callgrind, as parts
//! of it are inlined).

use oxissl_bench::certs::ChainKind;
use oxissl_bench::floor::{handshake_recipe, Floor};
use oxissl_bench::params::{Aead, Params, Version};
use oxissl_bench::peers::Peer;
use oxissl_bench::run::{Bench, Contact, HandshakeCase, Options};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map_or("first", String::as_str);
    let chain = match args.get(1).map(String::as_str) {
        Some("rsa") => ChainKind::Rsa,
        _ => ChainKind::Ecdsa,
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(50);
    if mode == "floor" {
        let mut floor = Floor::new().expect("floor");
        let recipe = handshake_recipe(chain);
        let t = std::time::Instant::now();
        for _ in 0..n {
            for p in recipe {
                floor.run(p).expect("floor op");
            }
        }
        let us = t.elapsed().as_secs_f64() * 1e6 / n.max(1) as f64;
        println!("{n} floor recipes, {us:.1} µs each");
        return;
    }
    if mode == "schedule" {
        // The key schedule floor alone, on the byte counts of a TLS 1.3 handshake.
        let mut bench = Bench::new(Options::smoke()).expect("bench");
        let shape = bench
            .shape(&Params::full(Version::Tls13, chain))
            .expect("shape");
        let us = bench.schedule_op(Version::Tls13, &shape, n);
        println!("{n} TLS 1.3 key schedules, {us:.1} µs each");
        return;
    }
    let aead = match mode {
        "bulk-aes128" => Some(Aead::Aes128Gcm),
        "bulk-aes256" => Some(Aead::Aes256Gcm),
        "bulk-chacha" => Some(Aead::Chacha20Poly1305),
        _ => None,
    };
    if let Some(aead) = aead {
        let mut bench = Bench::new(Options::smoke()).expect("bench");
        // The fourth argument picks another client: `ssl` (`oxissl::Ssl` on memory BIOs),
        // `rustls` or `openssl`.
        let peer = match args.get(3).map(String::as_str) {
            Some("ssl") => Peer::OxisslSsl,
            Some("rustls") => Peer::Rustls,
            Some("openssl") => Peer::OpenSsl,
            _ => Peer::Oxissl,
        };
        let mbs = bench.bulk(peer, aead, n).expect("bulk");
        println!("{n} records, {mbs:.0} MB/s");
        return;
    }
    let contact = match mode {
        "repeat" => Contact::Repeat,
        "resumed" => Contact::Resumed,
        _ => Contact::First,
    };
    let mut params = Params::full(Version::Tls13, chain);
    params.resumption = contact == Contact::Resumed;
    let mut bench = Bench::new(Options::smoke()).expect("bench");
    let case = HandshakeCase { params, contact };
    let us = bench
        .memory_handshakes(Peer::Oxissl, &case, n)
        .expect("handshakes");
    println!("{n} {mode} handshakes, {us:.1} µs each");
}
