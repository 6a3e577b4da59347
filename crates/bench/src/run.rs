//! The whole report: which rows exist, how many runs and iterations each gets, and the order
//! they run in (memory first, while the heap is young; then in memory; then loopback TCP).
//! Every row runs all peers in each run, interleaved, and keeps the median of the runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::certs::{ChainKind, Fixture};
use crate::floor::{handshake_recipe, Floor, Primitive};
use crate::heap;
use crate::memory::{self, Pair, Wire, RECORD};
use crate::params::{server_config, Aead, Params, Version};
use crate::peers::{Client, Context, Peer};
use crate::schedule::{Schedule, Shape};
use crate::table::{median, Cell, Row, Table, Unit};
use crate::tcp::{self, SServer};

/// How much to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// Runs per row (the median is reported).
    pub runs: usize,
    /// Handshakes per run in memory.
    pub handshakes: usize,
    /// Handshakes per run over TCP.
    pub tcp_handshakes: usize,
    /// 16 KiB records per bulk run.
    pub bulk_records: usize,
    /// Operations per run for the floor.
    pub floor_ops: usize,
    /// Connections held open for the per-connection memory rows.
    pub connections: usize,
    /// Whether to run the loopback TCP rows (needs the `openssl` command).
    pub tcp: bool,
    /// Whether the RSS rows are measured in fresh child processes (this program run again
    /// with `OXISSL_BENCH_RSS_CHILD`; see [`rss_child`]) rather than in this one.
    pub rss_in_child: bool,
    /// A one-line name for the header.
    pub name: &'static str,
}

impl Options {
    /// The default: enough for stable medians on a quiet machine.
    pub fn full() -> Self {
        Self {
            runs: 7,
            handshakes: 100,
            tcp_handshakes: 60,
            bulk_records: 512,
            floor_ops: 500,
            connections: 100,
            tcp: true,
            rss_in_child: true,
            name: "full",
        }
    }

    /// Fewer iterations (under half a minute on 2 cores).
    pub fn quick() -> Self {
        Self {
            runs: 5,
            handshakes: 30,
            tcp_handshakes: 50,
            bulk_records: 128,
            floor_ops: 200,
            connections: 100,
            tcp: true,
            rss_in_child: true,
            name: "quick",
        }
    }

    /// Everything once: a correctness pass, not a measurement.
    pub fn smoke() -> Self {
        Self {
            runs: 1,
            handshakes: 1,
            tcp_handshakes: 1,
            bulk_records: 2,
            floor_ops: 1,
            connections: 2,
            tcp: true,
            rss_in_child: false,
            name: "smoke",
        }
    }
}

/// How a handshake row treats the client context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    /// A new context for every handshake (created outside the timing).
    First,
    /// One context for all handshakes to the same server.
    Repeat,
    /// One context, every handshake resuming the session of the one before.
    Resumed,
}

impl Contact {
    fn label(self) -> &'static str {
        match self {
            Contact::First => "first contact",
            Contact::Repeat => "repeat contact",
            Contact::Resumed => "resumed",
        }
    }
}

/// A handshake row.
#[derive(Debug, Clone, Copy)]
pub struct HandshakeCase {
    /// Version, suite, chain, resumption.
    pub params: Params,
    /// First, repeat, resumed.
    pub contact: Contact,
}

impl HandshakeCase {
    /// The row label.
    pub fn label(&self) -> String {
        let kind = if self.contact == Contact::Resumed {
            "resumed"
        } else {
            "full"
        };
        let contact = if self.contact == Contact::Resumed {
            String::new()
        } else {
            format!(", {}", self.contact.label())
        };
        format!(
            "{} {kind}, {}, {}{contact}",
            self.params.version.label(),
            self.params.chain.label(),
            self.params.suite_label()
        )
    }
}

/// The handshake rows, in table order.
pub fn handshake_cases() -> Vec<HandshakeCase> {
    let mut v = Vec::new();
    for version in [Version::Tls13, Version::Tls12] {
        for chain in ChainKind::ALL {
            for contact in [Contact::First, Contact::Repeat] {
                v.push(HandshakeCase {
                    params: Params::full(version, chain),
                    contact,
                });
            }
        }
        let mut params = Params::full(version, ChainKind::Ecdsa);
        params.resumption = true;
        v.push(HandshakeCase {
            params,
            contact: Contact::Resumed,
        });
    }
    v
}

/// The highest of the runs: for throughput rows, whose slow runs are not the library's own
/// cost (see the bulk table's note).
fn highest(v: &mut [f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

/// One run's floors for a row: the primitives floor and the complete one, where it has them.
type FloorSample = [Option<f64>; 2];

/// What measures a row's floors (by row index) once per run.
type RowFloors<'a> = dyn FnMut(&mut Bench, usize) -> Result<FloorSample, String> + 'a;

/// A cell a peer cannot fill.
const NOT_AVAILABLE: Cell = Cell::NotAvailable("n/a");

/// The measuring state: certificates, the floor's keys, options.
pub struct Bench {
    /// The certificates.
    pub fixture: Fixture,
    /// How much to measure.
    pub options: Options,
    floor: Option<Floor>,
    schedule: Schedule,
    shapes: HashMap<(Version, ChainKind), Shape>,
    wire: Wire,
    servers: HashMap<Params, Arc<rustls::ServerConfig>>,
}

fn us(d: Duration, ops: usize) -> f64 {
    d.as_secs_f64() * 1e6 / ops.max(1) as f64
}

impl Bench {
    /// Generates certificates and keys.
    pub fn new(options: Options) -> Result<Self, String> {
        Ok(Self {
            fixture: Fixture::generate()?,
            options,
            floor: None,
            schedule: Schedule::new(),
            shapes: HashMap::new(),
            wire: Wire::default(),
            servers: HashMap::new(),
        })
    }

    fn server(&mut self, params: &Params) -> Result<Arc<rustls::ServerConfig>, String> {
        if let Some(s) = self.servers.get(params) {
            return Ok(s.clone());
        }
        let s = server_config(&self.fixture, params)?;
        self.servers.insert(*params, s.clone());
        Ok(s)
    }

    /// One in-memory handshake with a context, checked: established, data round-trips, and
    /// resumed exactly when `expect_resumed`.
    pub fn checked_handshake(
        &mut self,
        ctx: &Context,
        params: &Params,
        expect_resumed: Option<bool>,
        timed: &mut Duration,
    ) -> Result<Pair, String> {
        let server = self.server(params)?;
        let mut pair = memory::handshake(ctx, &server, &mut self.wire, timed)?;
        if let (Some(want), Some(got)) = (expect_resumed, pair.client.resumed()) {
            if want != got {
                return Err(format!(
                    "resumed: expected {want}, got {got} (server: {:?})",
                    pair.server.handshake_kind()
                ));
            }
        }
        memory::round_trip(&mut pair, &mut self.wire, b"ping")?;
        Ok(pair)
    }

    /// Client time per handshake (µs) for `n` handshakes of `case` by `peer`, in memory.
    pub fn memory_handshakes(
        &mut self,
        peer: Peer,
        case: &HandshakeCase,
        n: usize,
    ) -> Result<f64, String> {
        let server = self.server(&case.params)?;
        let mut timed = Duration::ZERO;
        match case.contact {
            Contact::First => {
                for _ in 0..n {
                    let ctx = Context::new(peer, &self.fixture, &case.params)?;
                    memory::handshake(&ctx, &server, &mut self.wire, &mut timed)?;
                }
            }
            Contact::Repeat => {
                let ctx = Context::new(peer, &self.fixture, &case.params)?;
                for _ in 0..n {
                    memory::handshake(&ctx, &server, &mut self.wire, &mut timed)?;
                }
            }
            Contact::Resumed => {
                let ctx = Context::new(peer, &self.fixture, &case.params)?;
                self.checked_handshake(&ctx, &case.params, Some(false), &mut Duration::default())?;
                for _ in 0..n {
                    let pair = memory::handshake(&ctx, &server, &mut self.wire, &mut timed)?;
                    if pair.client.resumed() == Some(false) {
                        return Err(format!("{}: did not resume", peer.label()));
                    }
                }
            }
        }
        Ok(us(timed, n))
    }

    /// Client time per context creation (µs).
    pub fn context_creation(
        &mut self,
        peer: Peer,
        params: &Params,
        n: usize,
    ) -> Result<f64, String> {
        let mut timed = Duration::ZERO;
        for _ in 0..n {
            let t = Instant::now();
            let ctx = Context::new(peer, &self.fixture, params)?;
            timed += t.elapsed();
            drop(ctx);
        }
        Ok(us(timed, n))
    }

    /// Bulk receive throughput (MB/s) of `records` 16 KiB records over an established
    /// connection with `aead`.
    pub fn bulk(&mut self, peer: Peer, aead: Aead, records: usize) -> Result<f64, String> {
        let mut params = Params::full(Version::Tls13, ChainKind::Ecdsa);
        params.aead = aead;
        let ctx = Context::new(peer, &self.fixture, &params)?;
        let mut pair = self.checked_handshake(&ctx, &params, None, &mut Duration::default())?;
        // Warm the buffers, then measure in batches of 16 records.
        memory::receive_bulk(&mut pair, &mut self.wire, 2)?;
        let mut timed = Duration::ZERO;
        let mut left = records;
        while left > 0 {
            let batch = left.min(16);
            timed += memory::receive_bulk(&mut pair, &mut self.wire, batch)?;
            left -= batch;
        }
        Ok((records * RECORD) as f64 / timed.as_secs_f64().max(1e-12) / 1e6)
    }

    /// The floor for `p`, µs per operation.
    pub fn floor_op(&mut self, p: Primitive, n: usize) -> Result<f64, String> {
        self.recipe_op(&[p], n)
    }

    /// The byte counts of one oxissl handshake with `params` (messages, protected records).
    pub fn shape(&mut self, params: &Params) -> Result<Shape, String> {
        let server = self.server(params)?;
        let ctx = Context::new(Peer::Oxissl, &self.fixture, params)?;
        let mut shape = Shape::default();
        let version = params.version;
        memory::handshake_observed(
            &ctx,
            &server,
            &mut self.wire,
            &mut Duration::default(),
            &mut |from_client, wire| shape.observe(version, from_client, wire),
        )?;
        Ok(shape)
    }

    /// The key schedule floor (µs per handshake) of `version` for `shape`.
    pub fn schedule_op(&mut self, version: Version, shape: &Shape, n: usize) -> f64 {
        us(self.schedule.time(version, shape, n), n)
    }

    /// The time (µs) of one run of `recipe`, averaged over `n`.
    pub fn recipe_op(&mut self, recipe: &[Primitive], n: usize) -> Result<f64, String> {
        if self.floor.is_none() {
            self.floor = Some(Floor::new()?);
        }
        let floor = self.floor.as_mut().ok_or("floor")?;
        let t = Instant::now();
        for _ in 0..n {
            for &p in recipe {
                floor.run(p)?;
            }
        }
        Ok(us(t.elapsed(), n))
    }

    /// The key schedule floor (µs) for a full handshake with `params`, averaged over `n`; the
    /// handshake's shape is taken once per version and chain.
    pub fn schedule_for(&mut self, params: &Params, n: usize) -> Result<f64, String> {
        let key = (params.version, params.chain);
        let shape = match self.shapes.get(&key) {
            Some(s) => s.clone(),
            None => {
                let s = self.shape(&Params::full(params.version, params.chain))?;
                self.shapes.insert(key, s.clone());
                s
            }
        };
        Ok(self.schedule_op(params.version, &shape, n))
    }

    /// Measures every row `runs` times, each run taking every peer in turn and then the row's
    /// floors (`floor`: the primitives floor and the complete one, where the row has them),
    /// so the floors see the same machine load as the peers they are compared with.
    fn run_rows<F>(
        &mut self,
        labels: &[String],
        peers: &[Peer],
        mut measure: F,
        floor: &mut RowFloors<'_>,
        pick: fn(&mut [f64]) -> f64,
    ) -> Result<Vec<Row>, String>
    where
        F: FnMut(&mut Self, usize, Peer) -> Result<Option<f64>, String>,
    {
        let mut rows = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let mut samples: HashMap<Peer, Vec<f64>> = HashMap::new();
            let mut unavailable = HashMap::new();
            let mut floors: [Vec<f64>; 2] = Default::default();
            for _ in 0..self.options.runs {
                for &peer in peers {
                    match measure(self, i, peer)? {
                        Some(v) => samples.entry(peer).or_default().push(v),
                        None => {
                            unavailable.insert(peer, NOT_AVAILABLE);
                        }
                    }
                }
                for (v, f) in floors.iter_mut().zip(floor(self, i)?) {
                    v.extend(f);
                }
            }
            let mut row = Row::new(label.clone());
            for (peer, mut v) in samples {
                row.cells.insert(peer, Cell::Value(pick(&mut v)));
            }
            row.cells.extend(unavailable);
            let [narrow, full] = &mut floors;
            row.floor = (!narrow.is_empty()).then(|| pick(narrow));
            row.full_floor = (!full.is_empty()).then(|| pick(full));
            rows.push(row);
        }
        Ok(rows)
    }

    /// The floor table: each primitive's and each key schedule's median (µs), measured on
    /// their own.
    pub fn floor_table(&mut self) -> Result<Table, String> {
        let mut medians = HashMap::new();
        let mut rows = Vec::new();
        for p in Primitive::ALL {
            let mut v = Vec::new();
            for _ in 0..self.options.runs {
                v.push(self.floor_op(p, self.options.floor_ops)?);
            }
            let m = median(&mut v);
            medians.insert(p, m);
            let mut row = Row::new(p.label());
            row.floor = Some(m);
            rows.push(row);
        }
        for chain in ChainKind::ALL {
            let sum: f64 = handshake_recipe(chain).iter().map(|p| medians[p]).sum();
            let mut row = Row::new(format!(
                "handshake floor, {}: X25519 + 2 certificate signatures + CertificateVerify",
                chain.label()
            ));
            row.floor = Some(sum);
            rows.push(row);
        }
        for version in [Version::Tls13, Version::Tls12] {
            for chain in ChainKind::ALL {
                let params = Params::full(version, chain);
                let mut v = Vec::new();
                for _ in 0..self.options.runs {
                    v.push(self.schedule_for(&params, self.options.floor_ops)?);
                }
                let m = median(&mut v);
                let transcript = self.shapes[&(version, chain)].transcript;
                let mut row = Row::new(format!(
                    "{} key schedule, transcript and handshake records, {} chain ({} bytes \
                     hashed)",
                    version.label(),
                    chain.label(),
                    transcript
                ));
                row.floor = Some(m);
                rows.push(row);
            }
        }
        let table = Table {
            title: "Raw aws-lc-rs cost of the same primitives".into(),
            unit: Unit::Micros,
            peers: Vec::new(),
            rows,
            floor_column: true,
            notes: vec![
                "The AEAD rows open out of place (ciphertext and plaintext in separate \
                 buffers), so no copy is counted. The key schedule rows run, straight through \
                 aws-lc-rs, the rest of a full handshake's cryptography on the byte counts of \
                 an oxissl handshake with the rustls server: transcript hashing, TLS 1.3 \
                 HKDF (16 expands, 2 extracts) and both Finished MACs, or the TLS 1.2 PRF \
                 (extended master secret, key block, both verify_data); the AEAD keys; and \
                 opening and sealing the protected handshake records."
                    .into(),
            ],
        };
        Ok(table)
    }

    /// In-memory handshake table.
    pub fn memory_handshake_table(&mut self) -> Result<Table, String> {
        let cases = handshake_cases();
        let mut labels: Vec<String> = cases.iter().map(HandshakeCase::label).collect();
        for chain in ChainKind::ALL {
            labels.push(format!(
                "client context creation (trusting one {} root)",
                chain.label()
            ));
        }
        let n = self.options.handshakes;
        let ncases = cases.len();
        let measure = |b: &mut Self, i: usize, peer: Peer| {
            if i >= ncases {
                let chain = ChainKind::ALL[i - ncases];
                let params = Params::full(Version::Tls13, chain);
                return b.context_creation(peer, &params, n).map(Some);
            }
            let case = &cases[i];
            b.memory_handshakes(peer, case, n).map(Some)
        };
        let mut floor = |b: &mut Self, i: usize| -> Result<FloorSample, String> {
            let Some(case) = cases.get(i) else {
                return Ok([None, None]);
            };
            let recipe = handshake_recipe(case.params.chain);
            let narrow = match (case.contact, case.params.version) {
                // psk_dhe_ke: the key exchange is all the public-key work left.
                (Contact::Resumed, Version::Tls13) => &[Primitive::X25519][..],
                (Contact::Resumed, Version::Tls12) => return Ok([None, None]),
                _ => &recipe[..],
            };
            let narrow = b.recipe_op(narrow, n)?;
            let full = match case.contact {
                Contact::Resumed => None,
                _ => Some(narrow + b.schedule_for(&case.params, n)?),
            };
            Ok([Some(narrow), full])
        };
        let rows = self.run_rows(&labels, Peer::ALL, measure, &mut floor, median)?;
        Ok(Table {
            title: "In memory: client time per handshake".into(),
            unit: Unit::Micros,
            peers: Peer::ALL.to_vec(),
            rows,
            floor_column: true,
            notes: vec![format!(
                "Client and server (rustls, the same for every client) in one thread over \
                 in-memory buffers; only the client's calls are timed, connection creation \
                 included. First contact: a new client context per handshake, made outside \
                 the timing (its cost is the last rows). Repeat contact: one context reused. \
                 Resumed: TLS 1.3 ticket / TLS 1.2 session id from the connection before, \
                 ticket processing included. Group X25519 only; one suite per row on both \
                 sides (TLS 1.2 clients also list P-256, as the curve they accept for ECDSA). \
                 The floor is the primitives of the table below run back to back: X25519 + \
                 3 signature verifications for a full handshake (in TLS 1.2 the third is the \
                 ServerKeyExchange signature, counted like CertificateVerify), X25519 alone \
                 for a TLS 1.3 resumption. The floor with key schedule adds the rest of a \
                 full handshake's cryptography (the key schedule rows below). Both floors \
                 are measured in every run right after the clients, so they share the \
                 machine's load of the moment. Median of {} runs of {} handshakes.",
                self.options.runs, n
            )],
        })
    }

    /// Bulk receive table.
    pub fn bulk_table(&mut self) -> Result<Table, String> {
        let labels: Vec<String> = Aead::ALL
            .iter()
            .map(|a| format!("TLS 1.3 receive 16 KiB records, {}", a.label()))
            .collect();
        let records = self.options.bulk_records;
        let rows = self.run_rows(
            &labels,
            Peer::ALL,
            |b, i, peer| b.bulk(peer, Aead::ALL[i], records).map(Some),
            &mut |b, i| {
                let open_us = b.recipe_op(&[Primitive::Open(Aead::ALL[i])], records)?;
                Ok([Some(RECORD as f64 / open_us), None])
            },
            highest,
        )?;
        Ok(Table {
            title: "In memory: bulk receive".into(),
            unit: Unit::MegabytesPerSecond,
            peers: Peer::ALL.to_vec(),
            rows,
            floor_column: true,
            notes: vec![format!(
                "The server sends full 16 KiB records; the client's time to take the bytes \
                 in and read the plaintext out into a 16 KiB buffer is timed. Ratios here are \
                 throughput ratios (higher is better for oxissl); oxissl/floor is the fraction \
                 of the raw AEAD open rate, measured in every run right after the clients. \
                 The best of {} runs of {records} records: in one long-running process \
                 rustls's rate moves by up to 3x from run to run with where its per-record \
                 buffers land (its first run in a fresh process is the fast one; under valgrind \
                 every run executes alike), so a median could show it at a third of \
                 its speed.",
                self.options.runs
            )],
        })
    }

    /// Loopback TCP table against `openssl s_server`.
    pub fn tcp_table(&mut self) -> Result<Table, String> {
        let cases = handshake_cases();
        let mut labels: Vec<String> = cases.iter().map(HandshakeCase::label).collect();
        labels.push("plain TCP connect + close (floor)".into());
        let n = self.options.tcp_handshakes;
        let mut rows: Vec<Row> = Vec::new();
        // One server per parameter set, started and killed around its rows.
        let mut i = 0;
        while i < cases.len() {
            let params = cases[i].params;
            let server = SServer::start(&self.fixture, &params)?;
            let mut j = i;
            while j < cases.len() && cases[j].params == params {
                j += 1;
            }
            let group = &cases[i..j];
            let group_labels = &labels[i..j];
            let new_rows = self.run_rows(
                group_labels,
                Peer::ALL,
                |b, k, peer| {
                    let case = &group[k];
                    tcp_handshakes(&b.fixture, peer, case, &server, n).map(Some)
                },
                &mut |_, _| Ok([None, None]),
                median,
            );
            rows.extend(new_rows?);
            i = j;
        }
        let server = SServer::start(
            &self.fixture,
            &Params::full(Version::Tls13, ChainKind::Ecdsa),
        )?;
        let mut v = Vec::new();
        for _ in 0..self.options.runs {
            let mut t = Duration::ZERO;
            for _ in 0..n {
                t += tcp::tcp_floor(&server)?;
            }
            v.push(us(t, n));
        }
        drop(server);
        let floor = median(&mut v);
        let mut row = Row::new(labels[cases.len()].clone());
        row.ratios = false;
        for &p in Peer::ALL {
            row.cells.insert(p, Cell::Value(floor));
        }
        rows.push(row);
        Ok(Table {
            title: "Loopback TCP: client thread CPU per handshake".into(),
            unit: Unit::Micros,
            peers: Peer::ALL.to_vec(),
            rows,
            floor_column: false,
            notes: vec![format!(
                "`openssl s_server` (OpenSSL {}) in its own process on 127.0.0.1, pinned to \
                 the row's version, suite and X25519 (no tickets or session cache except for \
                 the resumed rows). CPU time of the client thread from before connect() to \
                 after close, from /proc/thread-self/schedstat (a sched_yield first brings it \
                 up to date); it includes the socket calls, which the floor row shows alone. \
                 Every client is driven through its in-memory API on a blocking socket. Median \
                 of {} runs of {n} handshakes.",
                s_server_version().unwrap_or_else(|| "?".into()),
                self.options.runs
            )],
        })
    }

    /// Heap and RSS per idle connection, and peak heap during a handshake.
    pub fn memory_table(&mut self) -> Result<Table, String> {
        let have_heap = heap::installed();
        let no_heap = Cell::NotAvailable("n/a (no counting allocator)");
        let params = Params::full(Version::Tls13, ChainKind::Ecdsa);
        let n = self.options.connections;
        let mut rows = vec![
            Row::new(format!(
                "heap per idle connection, default (N = {n} held open)"
            )),
            Row::new("heap per idle connection after release_buffers()"),
            Row::new(format!("RSS delta per idle connection (N = {n})")),
            Row::new("peak heap during one handshake"),
        ];
        let mut openssl_rust_side = Vec::new();
        for &peer in Peer::ALL {
            let mut heap_default = Vec::new();
            let mut heap_released = Vec::new();
            let mut rss = Vec::new();
            let mut peaks = Vec::new();
            for _ in 0..self.options.runs {
                let (h, r) = self.idle_connections(peer, &params, n, false)?;
                heap_default.push(h);
                rss.push(if self.options.rss_in_child {
                    rss_in_child(peer, n)?
                } else {
                    r
                });
                if peer == Peer::Oxissl {
                    heap_released.push(self.idle_connections(peer, &params, n, true)?.0);
                }
                peaks.push(self.handshake_peak(peer, &params)?);
            }
            let rss_median = median(&mut rss);
            if peer == Peer::OpenSsl {
                openssl_rust_side = heap_default.clone();
            }
            rows[0].cells.insert(
                peer,
                match peer {
                    Peer::OpenSsl => Cell::Marked(rss_median, "(RSS)"),
                    _ if !have_heap => no_heap.clone(),
                    _ => Cell::Value(median(&mut heap_default)),
                },
            );
            rows[1].cells.insert(
                peer,
                match peer {
                    Peer::Oxissl if have_heap => Cell::Value(median(&mut heap_released)),
                    Peer::Oxissl => no_heap.clone(),
                    _ => Cell::NotAvailable("—"),
                },
            );
            rows[2].cells.insert(peer, Cell::Value(rss_median));
            rows[3].cells.insert(
                peer,
                match peer {
                    Peer::OpenSsl => Cell::NotAvailable("n/a (C malloc)"),
                    _ if !have_heap => no_heap.clone(),
                    _ => Cell::Value(median(&mut peaks)),
                },
            );
        }
        let openssl_note = if openssl_rust_side.is_empty() {
            String::new()
        } else {
            format!(
                " OpenSSL's figure includes {:.0} bytes on the Rust heap (the openssl crate's \
                 stream wrapper and the harness's in-memory pipe).",
                median(&mut openssl_rust_side)
            )
        };
        Ok(Table {
            title: "Memory per client connection".into(),
            unit: Unit::Bytes,
            peers: Peer::ALL.to_vec(),
            rows,
            floor_column: false,
            notes: vec![format!(
                "TLS 1.3, ECDSA P-256, AES-128-GCM, X25519, after one request/response. Heap: \
                 a counting global allocator sees only the client's allocations (the server's \
                 are made outside the tracked calls); the connection objects are counted \
                 too, held in a pre-sized Vec (inline size added). OpenSSL allocates with the \
                 C library's malloc, which that allocator does not see, so its heap cell is \
                 the resident-set delta over the N connections (/proc/self/statm, marked \
                 (RSS)); the RSS row gives the same measure for every peer, each in a fresh \
                 process after one warm-up connection (coarse: 4 KiB pages, and it includes \
                 the C library allocator's overhead).{openssl_note} Peak: the highest client \
                 heap during one handshake above the level before it. Median of {} runs.",
                self.options.runs
            )],
        })
    }

    /// Holds `n` established idle connections; returns (heap bytes, RSS bytes) per connection.
    fn idle_connections(
        &mut self,
        peer: Peer,
        params: &Params,
        n: usize,
        release: bool,
    ) -> Result<(f64, f64), String> {
        let ctx = Context::new(peer, &self.fixture, params)?;
        let server = self.server(params)?;
        let mut held: Vec<Client> = Vec::with_capacity(n);
        let inline = inline_size(peer);
        let heap_before = heap::live();
        let rss_before = heap::resident_bytes().unwrap_or(0);
        for _ in 0..n {
            let mut pair =
                memory::handshake(&ctx, &server, &mut self.wire, &mut Duration::default())?;
            memory::round_trip(&mut pair, &mut self.wire, b"ping")?;
            if release {
                if let Some(c) = pair.client.engine() {
                    heap::tracked(|| c.release_buffers());
                }
            }
            drop(pair.server);
            held.push(pair.client);
        }
        let heap_after = heap::live();
        let rss_after = heap::resident_bytes().unwrap_or(0);
        heap::tracked(|| drop(held));
        let per = |a: f64, b: f64| (a - b) / n.max(1) as f64;
        Ok((
            per(heap_after as f64, heap_before as f64) + inline as f64,
            per(rss_after as f64, rss_before as f64).max(0.0),
        ))
    }

    /// The client's peak heap during one handshake (bytes above the level before it).
    fn handshake_peak(&mut self, peer: Peer, params: &Params) -> Result<f64, String> {
        let ctx = Context::new(peer, &self.fixture, params)?;
        let server = self.server(params)?;
        let before = heap::live();
        heap::reset_peak();
        let pair = memory::handshake(&ctx, &server, &mut self.wire, &mut Duration::default())?;
        let peak = heap::peak();
        heap::tracked(|| drop(pair.client));
        Ok((peak - before) as f64 + inline_size(peer) as f64)
    }
}

/// The size of a peer's connection object itself (it lives inline in the harness's `Client`).
fn inline_size(peer: Peer) -> usize {
    match peer {
        Peer::Oxissl => std::mem::size_of::<oxissl_engine::ClientConnection>(),
        Peer::Rustls => std::mem::size_of::<rustls::ClientConnection>(),
        // Boxed in `Client`, so already on the counted heap.
        Peer::OxisslSsl | Peer::OpenSsl => 0,
    }
}

fn tcp_handshakes(
    fixture: &Fixture,
    peer: Peer,
    case: &HandshakeCase,
    server: &SServer,
    n: usize,
) -> Result<f64, String> {
    let ticket_flight = case.params.resumption && case.params.version == Version::Tls13;
    let mut total = Duration::ZERO;
    let repeat = match case.contact {
        Contact::First => None,
        Contact::Repeat | Contact::Resumed => Some(Context::new(peer, fixture, &case.params)?),
    };
    if case.contact == Contact::Resumed {
        if let Some(ctx) = &repeat {
            tcp::handshake(ctx, server, ticket_flight)?;
        }
    }
    for _ in 0..n {
        let fresh;
        let ctx = match &repeat {
            Some(c) => c,
            None => {
                fresh = Context::new(peer, fixture, &case.params)?;
                &fresh
            }
        };
        let (t, resumed) = tcp::handshake(ctx, server, ticket_flight)?;
        if case.contact == Contact::Resumed && resumed == Some(false) {
            return Err(format!("{} over TCP: did not resume", peer.label()));
        }
        total += t;
    }
    Ok(us(total, n))
}

/// The machine and versions, for the report's header.
pub fn environment() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    #[cfg(feature = "openssl")]
    let openssl = openssl::version::version().to_owned();
    #[cfg(not(feature = "openssl"))]
    let openssl = "no OpenSSL client in this build (`oxissl bench` from a build with \
                   `--features bench` adds it)"
        .to_owned();
    format!(
        "{cpu}, {cores} cores; {openssl}; rustls 0.23 (aws-lc-rs provider); oxissl {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// The version of the `openssl` command that serves the TCP rows ("3.0.13"), from
/// `openssl version`; None when there is no such command.
fn s_server_version() -> Option<String> {
    let out = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.split_whitespace().nth(1).map(str::to_owned)
}

/// Runs everything and returns the Markdown report. `progress` gets a line per section.
pub fn report(options: Options, progress: &mut dyn FnMut(&str)) -> Result<String, String> {
    let started = Instant::now();
    let mut bench = Bench::new(options)?;
    let mut out = String::new();
    out.push_str(&format!(
        "## oxissl beside {} ({} run)\n\n{}; {} UTC. Medians of {} runs; \
         oxissl = the engine's ClientConnection driven directly, `oxissl Ssl` = the OpenSSL-style \
         API over it on memory BIOs (ratios use the engine column).\n\n",
        if Peer::ALL.contains(&Peer::OpenSsl) {
            "rustls and OpenSSL"
        } else {
            "rustls"
        },
        bench.options.name,
        environment(),
        utc_now(),
        bench.options.runs
    ));
    progress("memory per connection");
    let memory = bench.memory_table()?;
    progress("aws-lc-rs floor");
    let floor_table = bench.floor_table()?;
    progress("in-memory handshakes");
    let hs = bench.memory_handshake_table()?;
    progress("in-memory bulk receive");
    let bulk = bench.bulk_table()?;
    let have_s_server = s_server_version().is_some();
    let tcp = if bench.options.tcp && have_s_server {
        progress("loopback TCP against openssl s_server");
        Some(bench.tcp_table()?)
    } else {
        None
    };
    for t in [Some(hs), Some(bulk), Some(floor_table), tcp, Some(memory)]
        .into_iter()
        .flatten()
    {
        out.push_str(&t.markdown());
        out.push('\n');
    }
    if bench.options.tcp && !have_s_server {
        out.push_str(
            "_The loopback TCP rows were left out: they need the `openssl` command (for \
             `s_server`), which is not on PATH._\n\n",
        );
    }
    out.push_str(&format!(
        "_Whole run: {:.0} s._\n",
        started.elapsed().as_secs_f64()
    ));
    Ok(out)
}

/// "YYYY-MM-DD HH:MM" in UTC.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// The environment variable that turns a run of this program into an RSS measurement.
pub const RSS_CHILD_ENV: &str = "OXISSL_BENCH_RSS_CHILD";

/// Measures the resident-set growth per idle connection of `peer` in a fresh process: this
/// program run again with [`RSS_CHILD_ENV`] set, whose `main` calls [`rss_child`] first.
fn rss_in_child(peer: Peer, n: usize) -> Result<f64, String> {
    let index = Peer::ALL.iter().position(|p| *p == peer).unwrap_or(0);
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let out = std::process::Command::new(exe)
        .env(RSS_CHILD_ENV, format!("{index}:{n}"))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("RSS child: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix("rss-per-connection "))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "RSS child for {} failed: {}",
                peer.label(),
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })
}

/// When this process was started by the RSS measurement, measures, prints
/// `rss-per-connection BYTES` and returns the exit code; otherwise `None`. Call it first in
/// `main` of any program that runs [`report`].
pub fn rss_child() -> Option<std::process::ExitCode> {
    let spec = std::env::var(RSS_CHILD_ENV).ok()?;
    let measure = || -> Result<f64, String> {
        let (index, n) = spec.split_once(':').ok_or("bad spec")?;
        let peer = *Peer::ALL
            .get(index.parse::<usize>().map_err(|e| e.to_string())?)
            .ok_or("bad peer")?;
        let n: usize = n
            .parse()
            .map_err(|e: std::num::ParseIntError| e.to_string())?;
        let mut bench = Bench::new(Options::smoke())?;
        let params = Params::full(Version::Tls13, ChainKind::Ecdsa);
        // One warm-up, so lazily built library state is not counted.
        bench.idle_connections(peer, &params, 1, false)?;
        Ok(bench.idle_connections(peer, &params, n, false)?.1)
    };
    Some(match measure() {
        Ok(v) => {
            println!("rss-per-connection {v}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    })
}
