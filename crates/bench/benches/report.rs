//! The full report: memory per connection, in-memory handshakes and bulk receive, the
//! aws-lc-rs floor, and loopback TCP against `openssl s_server`, as Markdown tables on stdout
//! (and in `$OXISSL_BENCH_OUT` when set).
//!
//! ```text
//! cargo bench -p oxissl-bench --bench report                  # full
//! OXISSL_BENCH_QUICK=1 cargo bench -p oxissl-bench --bench report
//! ```

use std::process::ExitCode;

use oxissl_bench::heap::Counting;

/// Counts the client's allocations for the memory rows.
#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() -> ExitCode {
    if let Some(code) = oxissl_bench::rss_child() {
        return code;
    }
    // `cargo bench` passes `--bench` (and any filter); `--quick` may be given after `--`.
    let quick = std::env::args().any(|a| a == "--quick")
        || std::env::var_os("OXISSL_BENCH_QUICK").is_some_and(|v| v != "0");
    let options = if quick {
        oxissl_bench::Options::quick()
    } else {
        oxissl_bench::Options::full()
    };
    let result = oxissl_bench::report(options, &mut |section| eprintln!("measuring: {section}"));
    match result.map(|r| oxissl_bench::publish(&r).map_err(|e| e.to_string())) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) | Err(e) => {
            eprintln!("oxissl-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
