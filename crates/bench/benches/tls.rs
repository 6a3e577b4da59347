//! Criterion timings of the in-memory rows: TLS 1.3 and 1.2 full handshakes (first and repeat
//! contact) for each chain and resumed handshakes, bulk receive for each AEAD, and the aws-lc-rs
//! floor. Only the
//! client's calls are timed (`iter_custom` adds up the client's durations).
//!
//! ```text
//! cargo bench -p oxissl-bench --bench tls
//! cargo bench -p oxissl-bench --bench tls -- 'handshake/TLS 1.3'
//! ```

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use oxissl_bench::floor::Primitive;
use oxissl_bench::memory::RECORD;
use oxissl_bench::params::Aead;
use oxissl_bench::peers::Peer;
use oxissl_bench::run::{handshake_cases, Bench};
use oxissl_bench::Options;

fn bench() -> Bench {
    match Bench::new(Options::quick()) {
        Ok(b) => b,
        Err(e) => panic!("set-up: {e}"),
    }
}

fn expect<T>(r: Result<T, String>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn handshakes(c: &mut Criterion) {
    let mut b = bench();
    let mut g = c.benchmark_group("handshake");
    // Every handshake row of the report: first and repeat contact for each version and chain,
    // and the TLS 1.3 and TLS 1.2 resumptions.
    for case in handshake_cases() {
        for &peer in Peer::ALL {
            g.bench_function(BenchmarkId::new(case.label(), peer.label()), |bn| {
                bn.iter_custom(|iters| {
                    let per = expect(b.memory_handshakes(peer, &case, iters as usize));
                    Duration::from_secs_f64(per * 1e-6 * iters as f64)
                })
            });
        }
    }
    g.finish();
}

fn bulk(c: &mut Criterion) {
    let mut b = bench();
    let mut g = c.benchmark_group("bulk receive");
    const RECORDS: usize = 64;
    g.throughput(Throughput::Bytes((RECORDS * RECORD) as u64));
    for aead in Aead::ALL {
        for &peer in Peer::ALL {
            g.bench_function(BenchmarkId::new(aead.label(), peer.label()), |bn| {
                bn.iter_custom(|iters| {
                    let mut t = Duration::ZERO;
                    for _ in 0..iters {
                        let mbps = expect(b.bulk(peer, aead, RECORDS));
                        t += Duration::from_secs_f64((RECORDS * RECORD) as f64 / (mbps * 1e6));
                    }
                    t
                })
            });
        }
    }
    g.finish();
}

fn floor(c: &mut Criterion) {
    let mut b = bench();
    let mut g = c.benchmark_group("aws-lc-rs floor");
    for p in Primitive::ALL {
        g.bench_function(p.label(), |bn| {
            bn.iter_custom(|iters| {
                let per = expect(b.floor_op(p, iters as usize));
                Duration::from_secs_f64(per * 1e-6 * iters as f64)
            })
        });
    }
    g.finish();
}

fn config() -> Criterion {
    // A shared 2-core machine: short, few samples; the report bench gives the medians.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = handshakes, bulk, floor
}
criterion_main!(benches);
