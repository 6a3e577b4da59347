//! oxissl-bench: oxissl beside rustls (aws-lc-rs) and the system OpenSSL 3.0 in one run, with
//! the same server and the same certificates. Not published; `cargo bench -p oxissl-bench`
//! and `oxissl bench` (the CLI's `bench` feature) both run it.
//!
//! Module map: `certs` (root -> intermediate -> leaf chains, ECDSA P-256 and RSA-2048) and
//! `params` (what a row negotiates, the rustls server) set up; `peers` wraps each client
//! behind one `exchange` call; `memory` pumps bytes between client and server in one thread
//! and times only the client; `tcp` runs `openssl s_server` and reads the client thread's CPU
//! time; `floor` times the bare aws-lc-rs primitives and `schedule` the rest of a
//! handshake's cryptography (key schedule, transcript, handshake records); `heap` counts the client's allocations;
//! `table` renders medians and ratios; `run` decides the rows and writes the report.

#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod certs;
pub mod floor;
pub mod heap;
pub mod memory;
pub mod params;
pub mod peers;
pub mod run;
pub mod schedule;
pub mod table;
pub mod tcp;

pub use run::{report, rss_child, Options};

/// Writes `report` to stdout and, when `OXISSL_BENCH_OUT` names a file, to that file too.
pub fn publish(report: &str) -> std::io::Result<()> {
    print!("{report}");
    if let Some(path) = std::env::var_os("OXISSL_BENCH_OUT") {
        std::fs::write(&path, report)?;
        eprintln!(
            "report written to {}",
            std::path::Path::new(&path).display()
        );
    }
    Ok(())
}
