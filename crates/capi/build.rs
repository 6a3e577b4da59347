//! Links the system libcrypto (BIO_*, ERR_*, X509_* stay there, as with OpenSSL's own libssl)
//! and makes the cdylib a drop-in `libssl.so.3`: that soname, and a version script defining
//! the `OPENSSL_3.0.0` node every export is bound to (see `src/entry.rs`).

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    println!("cargo:rerun-if-changed=libssl.map");
    println!("cargo:rustc-link-lib=crypto");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libssl.so.3");
        println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={dir}/libssl.map");
    }
}
