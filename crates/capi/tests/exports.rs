//! Every symbol the system's OpenSSL 3.0 `libssl.so.3` exports is exported by our library too,
//! bound to the same `OPENSSL_3.0.0` version: a program built against OpenSSL 3 that imports
//! any of them starts on ours (the dynamic loader checks names and versions before `main`).
//! The version node's own absolute symbol (`OPENSSL_3.0.0`) is part of the list.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

/// The system's `libssl.so.3`: where the C compiler finds it, else Debian's path.
fn system_libssl() -> PathBuf {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let found = Command::new(cc)
        .arg("-print-file-name=libssl.so.3")
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_absolute() && p.exists());
    found.unwrap_or_else(|| PathBuf::from("/usr/lib/x86_64-linux-gnu/libssl.so.3"))
}

/// The defined dynamic symbols of a shared object as `name@VERSION` (`nm -D`, which shows the
/// version node's own absolute symbol as plain `OPENSSL_3.0.0` for both libraries).
fn defined_symbols(path: &std::path::Path) -> BTreeSet<String> {
    common::dynamic_symbols(path, true).into_iter().collect()
}

/// The version node's own symbol, as `nm -D` lists it.
const NODE: &str = "OPENSSL_3.0.0";

#[test]
fn our_library_exports_every_symbol_of_the_system_libssl_with_its_version() {
    let system = defined_symbols(&system_libssl());
    assert!(
        system.len() > 500 && system.contains("SSL_new@OPENSSL_3.0.0"),
        "the system libssl.so.3 looks like OpenSSL 3.0's: {} symbols",
        system.len()
    );
    assert!(
        system.contains(NODE),
        "the version node's symbol is in the system's list"
    );
    let dir = common::our_lib_dir().unwrap_or_else(|e| panic!("our libssl.so.3: {e}"));
    let ours = defined_symbols(&dir.join("libssl.so.3"));
    let missing: Vec<&String> = system.difference(&ours).collect();
    assert!(
        missing.is_empty(),
        "{} of the system libssl's {} exports are missing from ours (or not bound to its \
         version): {missing:?}",
        missing.len(),
        system.len()
    );
}

#[test]
fn every_export_of_ours_is_bound_to_openssl_3_0_0() {
    let dir = common::our_lib_dir().unwrap_or_else(|e| panic!("our libssl.so.3: {e}"));
    let ours = defined_symbols(&dir.join("libssl.so.3"));
    let unversioned: Vec<&String> = ours
        .iter()
        .filter(|s| *s != NODE && !s.ends_with("@OPENSSL_3.0.0"))
        .collect();
    assert!(
        unversioned.is_empty(),
        "exports without the version: {unversioned:?}"
    );
    assert!(ours.contains(NODE), "the version node's symbol is exported");
}
