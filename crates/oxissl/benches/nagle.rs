//! Benchmark: the time from the client's first `Ssl::write` after a TLS 1.3 handshake to the
//! server receiving it, with Nagle on and with `SocketBio::set_tcp_nodelay(true)`, against an
//! in-process server that sends nothing until the client speaks (and, for contrast, one that
//! sends session tickets). Plain `Instant` timing; prints a table of medians. Nothing is
//! asserted about the times.
//!
//! ```text
//! cargo bench -p oxissl --bench nagle            # 50 runs each way
//! NAGLE_RUNS=200 cargo bench -p oxissl --bench nagle
//! ```
//!
//! The measurement is the one `examples/nagle.rs` runs; see there for the details.

#[allow(dead_code)]
#[path = "../examples/nagle.rs"]
mod nagle;

fn main() -> std::process::ExitCode {
    // `cargo bench` passes `--bench`; a harness-less target has nothing to parse.
    let runs = std::env::var("NAGLE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    match nagle::run(runs) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nagle bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
