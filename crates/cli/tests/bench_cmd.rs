//! `oxissl bench` is part of every build of the command (the harness itself is exercised by
//! `oxissl-bench`'s smoke tests).

use std::process::Command;

#[test]
fn bench_subcommand_is_there_with_its_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_oxissl"))
        .args(["bench", "--help"])
        .output()
        .expect("oxissl runs");
    assert!(out.status.success(), "{out:?}");
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--quick", "--no-tcp"] {
        assert!(help.contains(flag), "{help}");
    }
}
