//! `oxissl bench`: oxissl beside rustls, and the system OpenSSL in builds with the `bench`
//! feature, in one run (the `oxissl-bench` harness): handshakes and bulk receive in memory,
//! the aws-lc-rs floor, handshakes over loopback TCP against `openssl s_server`, and memory per
//! connection. Prints Markdown tables; `OXISSL_BENCH_OUT=path` writes them to a file too.

use std::process::ExitCode;

/// `oxissl bench` options.
#[derive(clap::Args)]
pub struct Args {
    /// Fewer runs and iterations (under half a minute on two cores).
    #[arg(long)]
    quick: bool,
    /// Skip the loopback TCP rows (they start `openssl s_server`).
    #[arg(long)]
    no_tcp: bool,
}

pub fn run(args: Args) -> ExitCode {
    let mut options = if args.quick {
        oxissl_bench::Options::quick()
    } else {
        oxissl_bench::Options::full()
    };
    options.tcp = !args.no_tcp;
    let report = oxissl_bench::report(options, &mut |section| eprintln!("measuring: {section}"));
    match report.map(|r| oxissl_bench::publish(&r).map_err(|e| e.to_string())) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) | Err(e) => {
            eprintln!("oxissl bench: {e}");
            ExitCode::FAILURE
        }
    }
}
