//! The `oxissl` command. `oxissl s_client` takes the flags `openssl s_client` users know and
//! drives `oxissl::Ssl` through the same `SSL_connect` / `SSL_get_error` loop a C program would
//! write. Run without `-connect`, it starts a built-in loopback server first.

mod demo;
mod s_client;
mod x509;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
enum Command {
    /// Connect to a TLS server like `openssl s_client` (with no -connect: to a built-in demo server).
    #[command(name = "s_client")]
    SClient(s_client::Args),
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
    let cli = Cli::parse_from(openssl_style_args());
    match cli.command {
        Command::SClient(args) => s_client::run(args),
    }
}
