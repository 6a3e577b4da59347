//! The `oxissl` command. `oxissl s_client` takes the flags `openssl s_client` users know and
//! drives `oxissl::Ssl` through the same `SSL_connect` / `SSL_get_error` loop a C program would
//! write. Run without `-connect`, it starts a built-in loopback server first.

mod bench;
mod demo;
mod s_client;
mod x509;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Counts allocations for the benchmark's memory rows (a thread-local check per allocation
/// otherwise).
#[global_allocator]
static ALLOCATOR: oxissl_bench::heap::Counting = oxissl_bench::heap::Counting;

#[derive(Parser)]
#[command(
    name = "oxissl",
    version,
    about = "A memory-safe TLS client with OpenSSL's SSL_connect contract"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
// Parsed once per run; boxing the s_client arguments would buy nothing.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Connect to a TLS server like `openssl s_client` (with no -connect: to a built-in demo server).
    #[command(name = "s_client")]
    SClient(s_client::Args),
    /// Benchmark oxissl beside rustls, and the system OpenSSL in builds with `--features bench`.
    Bench(bench::Args),
}

/// OpenSSL spells long options with one dash (`-connect`); clap wants two. Single-dash words
/// longer than one letter are rewritten before parsing.
fn openssl_style_args() -> Vec<String> {
    std::env::args()
        .enumerate()
        .map(|(i, a)| {
            if i > 0 && a.len() > 2 && a.starts_with('-') && !a.starts_with("--") {
                format!("-{a}")
            } else {
                a
            }
        })
        .collect()
}

fn main() -> ExitCode {
    // The benchmark measures resident memory in fresh runs of this same program.
    if let Some(code) = oxissl_bench::rss_child() {
        return code;
    }
    let cli = Cli::parse_from(openssl_style_args());
    match cli.command {
        Command::SClient(args) => s_client::run(args),
        Command::Bench(args) => bench::run(args),
    }
}
