//! CA name lists (`STACK_OF(X509_NAME)`): the certificate_authorities list
//! (`SSL_CTX_set0_CA_list` ...) and the client CA list (`SSL_CTX_set_client_CA_list` ...), kept
//! with OpenSSL's ownership rules (`set0` takes the stack, `add1` copies the name, `get0`
//! borrows), and the loaders that read names from certificate files, directories and stores.
//! Both lists are a server's: a client sends neither, so they are stored and reported back
//! only. `SSL_get_client_CA_list` on a client is the list the server's CertificateRequest named,
//! which is not kept (null).

use std::ffi::{c_char, c_int, c_void, CStr};
use std::os::unix::ffi::OsStrExt;

use crate::cert::{file_bio, OwnedBio};
use crate::ctx::{with_ctx, SSL_CTX};
use crate::entry::entry;
use crate::ffi::{self, OPENSSL_STACK, X509, X509_NAME};
use crate::ssl::{with_ssl, SSL};

/// Frees a stack of names and the names (null accepted).
pub fn free_names(sk: *mut OPENSSL_STACK) {
    // SAFETY: the stack owns its X509_NAME elements; null is accepted.
    unsafe { ffi::OPENSSL_sk_pop_free(sk, Some(ffi::x509_name_free_void)) };
}

/// A new, empty stack of names (null when out of memory).
pub fn new_names() -> *mut OPENSSL_STACK {
    // SAFETY: no preconditions.
    unsafe { ffi::OPENSSL_sk_new_null() }
}

/// Replaces the stack in `slot` with `sk` (taken over), freeing the old one.
fn set0(slot: &mut *mut OPENSSL_STACK, sk: *mut OPENSSL_STACK) {
    free_names(std::mem::replace(slot, sk));
}

/// Appends a copy of `x`'s subject to the stack in `slot`, made on first use (`add1`).
fn add1_subject(slot: &mut *mut OPENSSL_STACK, x: *const X509) -> c_int {
    if slot.is_null() {
        *slot = new_names();
        if slot.is_null() {
            return 0;
        }
    }
    // SAFETY: a live certificate; the copy is ours until the stack takes it.
    let name = unsafe { ffi::X509_NAME_dup(ffi::X509_get_subject_name(x)) };
    push_owned(*slot, name)
}

/// Pushes `name` (owned) onto `sk`; frees it if the push fails.
fn push_owned(sk: *mut OPENSSL_STACK, name: *mut X509_NAME) -> c_int {
    if name.is_null() {
        return 0;
    }
    // SAFETY: a live stack; on success it owns the name.
    if unsafe { ffi::OPENSSL_sk_push(sk, name.cast()) } > 0 {
        return 1;
    }
    free_names_one(name);
    0
}

fn free_names_one(name: *mut X509_NAME) {
    // SAFETY: a name owned by the caller (null accepted).
    unsafe { ffi::X509_NAME_free(name.cast()) };
}

/// Whether `sk` already holds a name equal to `name`.
fn contains(sk: *mut OPENSSL_STACK, name: *const X509_NAME) -> bool {
    // SAFETY: a live stack of names.
    let n = unsafe { ffi::OPENSSL_sk_num(sk) };
    // SAFETY: each element is a live X509_NAME owned by the stack.
    (0..n).any(|i| unsafe { ffi::X509_NAME_cmp(ffi::OPENSSL_sk_value(sk, i).cast(), name) == 0 })
}

/// Adds the subject of `x` to `sk` unless an equal name is there (the loaders' rule).
fn add_unique_subject(sk: *mut OPENSSL_STACK, x: *const X509) -> bool {
    // SAFETY: a live certificate; the subject is borrowed from it.
    let subject = unsafe { ffi::X509_get_subject_name(x) };
    if subject.is_null() {
        return false;
    }
    if contains(sk, subject) {
        return true;
    }
    // SAFETY: a live name; the copy goes to the stack.
    push_owned(sk, unsafe { ffi::X509_NAME_dup(subject) }) == 1
}

/// `BIO_new(BIO_s_file())` + `BIO_read_filename`: libcrypto queues the reasons on failure.
fn open_read(file: *const c_char) -> Option<OwnedBio> {
    file_bio(file).ok()
}

/// Reads every PEM certificate of `b` and adds its subject to the stack `sink` gives (made
/// when the first certificate is read), as OpenSSL's loaders do: false on a failure.
fn read_subjects(b: &OwnedBio, mut sink: impl FnMut() -> *mut OPENSSL_STACK) -> bool {
    loop {
        // SAFETY: a live file BIO; no passphrase callback (certificates are not encrypted).
        let x = unsafe {
            ffi::PEM_read_bio_X509(b.0, std::ptr::null_mut(), None, std::ptr::null_mut())
        };
        if x.is_null() {
            return true;
        }
        let sk = sink();
        let ok = !sk.is_null() && add_unique_subject(sk, x);
        // SAFETY: our reference to the certificate read.
        unsafe { ffi::X509_free(x) };
        if !ok {
            return false;
        }
    }
}

/// `SSL_add_file_cert_subjects_to_stack`: the subjects of the PEM certificates in `file` not
/// already in `stack`; 1, or 0 when the file cannot be read.
fn add_file(stack: *mut OPENSSL_STACK, file: *const c_char) -> c_int {
    let Some(b) = open_read(file) else {
        return 0;
    };
    if !read_subjects(&b, || stack) {
        return 0;
    }
    // As OpenSSL: the end of the PEM data ("no start line") is not an error.
    // SAFETY: touches only this thread's queue.
    unsafe { ffi::ERR_clear_error() };
    1
}

/// Adds the certificates' subjects found at a store URI (following the names a directory
/// lists), as OpenSSL's `add_uris_recursive` does; false on a failure.
fn add_store(stack: *mut OPENSSL_STACK, uri: *const c_char, depth: u32) -> bool {
    // SAFETY: the caller's NUL-terminated URI; no UI method or post-processing.
    let ctx = unsafe {
        ffi::OSSL_STORE_open(
            uri,
            std::ptr::null(),
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null_mut(),
        )
    };
    if ctx.is_null() {
        return false;
    }
    let mut ok = true;
    // SAFETY: a live store context, closed below; each info is freed after use.
    unsafe {
        while ok && ffi::OSSL_STORE_eof(ctx) == 0 {
            let info = ffi::OSSL_STORE_load(ctx);
            if info.is_null() {
                continue;
            }
            match ffi::OSSL_STORE_INFO_get_type(info) {
                ffi::OSSL_STORE_INFO_NAME if depth > 0 => {
                    ok = add_store(stack, ffi::OSSL_STORE_INFO_get0_NAME(info), depth - 1);
                }
                ffi::OSSL_STORE_INFO_CERT => {
                    ok = add_unique_subject(stack, ffi::OSSL_STORE_INFO_get0_CERT(info));
                }
                _ => {}
            }
            ffi::OSSL_STORE_INFO_free(info);
        }
        ffi::OSSL_STORE_close(ctx);
    }
    ok
}

/// Which list of a context or connection.
#[derive(Clone, Copy)]
enum List {
    /// certificate_authorities (`*_CA_list`).
    Ca,
    /// The client CA list (`*_client_CA_list`, `*_add_client_CA`).
    ClientCa,
}

/// The lists an object keeps (null: unset).
pub struct CaLists {
    pub ca: *mut OPENSSL_STACK,
    pub client_ca: *mut OPENSSL_STACK,
}

impl CaLists {
    /// Both lists unset (an `SSL`, which falls back to its context's).
    pub const fn unset() -> Self {
        Self {
            ca: std::ptr::null_mut(),
            client_ca: std::ptr::null_mut(),
        }
    }

    /// Both lists empty, as OpenSSL's `SSL_CTX_new` makes them.
    pub fn empty() -> Self {
        Self {
            ca: new_names(),
            client_ca: new_names(),
        }
    }

    fn slot(&mut self, which: List) -> &mut *mut OPENSSL_STACK {
        match which {
            List::Ca => &mut self.ca,
            List::ClientCa => &mut self.client_ca,
        }
    }
}

impl Drop for CaLists {
    fn drop(&mut self) {
        free_names(self.ca);
        free_names(self.client_ca);
    }
}

fn ctx_set0(c: *mut SSL_CTX, func: &str, which: List, sk: *mut OPENSSL_STACK) {
    with_ctx(c, func, |st| set0(st.ca_lists.slot(which), sk));
}

fn ctx_add1(c: *mut SSL_CTX, func: &str, which: List, x: *const X509) -> c_int {
    with_ctx(c, func, |st| add1_subject(st.ca_lists.slot(which), x))
}

fn ssl_set0(s: *mut SSL, func: &str, which: List, sk: *mut OPENSSL_STACK) {
    let refused = with_ssl(s, func, sk, |_, st| {
        set0(st.ca_lists.slot(which), sk);
        std::ptr::null_mut()
    });
    // A busy object did not take the stack: it is freed, as a successful call would own it.
    free_names(refused);
}

fn ssl_add1(s: *mut SSL, func: &str, which: List, x: *const X509) -> c_int {
    with_ssl(s, func, 0, |_, st| add1_subject(st.ca_lists.slot(which), x))
}

entry! {
    /// `SSL_CTX_set0_CA_list`: takes the stack (the certificate_authorities names; a client
    /// does not send them).
    fn SSL_CTX_set0_CA_list(c: *mut SSL_CTX, list: *mut OPENSSL_STACK) -> () {
        nonnull: [c], fail: ();
        ctx_set0(c, "SSL_CTX_set0_CA_list", List::Ca, list);
    }

    /// `SSL_CTX_get0_CA_list`: borrowed (empty, not null, on a new context, as in OpenSSL).
    fn SSL_CTX_get0_CA_list(c: *const SSL_CTX) -> *const OPENSSL_STACK {
        nonnull: [c], fail: std::ptr::null();
        with_ctx(c.cast_mut(), "SSL_CTX_get0_CA_list", |st| st.ca_lists.ca.cast_const())
    }

    /// `SSL_CTX_add1_to_CA_list`: appends a copy of the certificate's subject.
    fn SSL_CTX_add1_to_CA_list(c: *mut SSL_CTX, x: *const X509) -> c_int {
        nonnull: [c, x], fail: 0;
        ctx_add1(c, "SSL_CTX_add1_to_CA_list", List::Ca, x)
    }

    /// `SSL_set0_CA_list`: takes the stack.
    fn SSL_set0_CA_list(s: *mut SSL, list: *mut OPENSSL_STACK) -> () {
        nonnull: [s], fail: ();
        ssl_set0(s, "SSL_set0_CA_list", List::Ca, list);
    }

    /// `SSL_get0_CA_list`: the object's list, else its context's (borrowed).
    fn SSL_get0_CA_list(s: *const SSL) -> *const OPENSSL_STACK {
        nonnull: [s], fail: std::ptr::null();
        let own = with_ssl(s, "SSL_get0_CA_list", std::ptr::null_mut(), |_, st| st.ca_lists.ca);
        if !own.is_null() {
            return own;
        }
        // SAFETY: checked non-null; the object holds a reference to its context.
        let c = unsafe { crate::ssl::ssl_ref(s) }.ctx;
        with_ctx(c, "SSL_get0_CA_list", |st| st.ca_lists.ca.cast_const())
    }

    /// `SSL_add1_to_CA_list`.
    fn SSL_add1_to_CA_list(s: *mut SSL, x: *const X509) -> c_int {
        nonnull: [s, x], fail: 0;
        ssl_add1(s, "SSL_add1_to_CA_list", List::Ca, x)
    }

    /// `SSL_CTX_set_client_CA_list`: takes the stack (a server's list of acceptable CAs).
    fn SSL_CTX_set_client_CA_list(c: *mut SSL_CTX, list: *mut OPENSSL_STACK) -> () {
        nonnull: [c], fail: ();
        ctx_set0(c, "SSL_CTX_set_client_CA_list", List::ClientCa, list);
    }

    /// `SSL_CTX_get_client_CA_list`: borrowed (empty on a new context).
    fn SSL_CTX_get_client_CA_list(c: *const SSL_CTX) -> *mut OPENSSL_STACK {
        nonnull: [c], fail: std::ptr::null_mut();
        with_ctx(c.cast_mut(), "SSL_CTX_get_client_CA_list", |st| st.ca_lists.client_ca)
    }

    /// `SSL_CTX_add_client_CA`: appends a copy of the certificate's subject.
    fn SSL_CTX_add_client_CA(c: *mut SSL_CTX, x: *mut X509) -> c_int {
        nonnull: [c, x], fail: 0;
        ctx_add1(c, "SSL_CTX_add_client_CA", List::ClientCa, x)
    }

    /// `SSL_set_client_CA_list`: takes the stack.
    fn SSL_set_client_CA_list(s: *mut SSL, list: *mut OPENSSL_STACK) -> () {
        nonnull: [s], fail: ();
        ssl_set0(s, "SSL_set_client_CA_list", List::ClientCa, list);
    }

    /// `SSL_add_client_CA`.
    fn SSL_add_client_CA(s: *mut SSL, x: *mut X509) -> c_int {
        nonnull: [s, x], fail: 0;
        ssl_add1(s, "SSL_add_client_CA", List::ClientCa, x)
    }

    /// `SSL_get_client_CA_list`: on a client, as in OpenSSL, the CA names of the server's
    /// CertificateRequest (borrowed; null without one), not the list set with
    /// `SSL_set_client_CA_list`.
    fn SSL_get_client_CA_list(s: *const SSL) -> *mut OPENSSL_STACK {
        nonnull: [s], fail: std::ptr::null_mut();
        with_ssl(s, "SSL_get_client_CA_list", std::ptr::null_mut(), |_, st| st.peer_ca_stack())
    }

    /// `SSL_dup_CA_list`: a new stack of copies of the names (null on failure).
    fn SSL_dup_CA_list(sk: *const OPENSSL_STACK) -> *mut OPENSSL_STACK {
        nonnull: [sk], fail: std::ptr::null_mut();
        let out = new_names();
        if out.is_null() {
            return out;
        }
        // SAFETY: the caller's live stack of names.
        let n = unsafe { ffi::OPENSSL_sk_num(sk) };
        for i in 0..n {
            // SAFETY: each element is a live X509_NAME; the copy goes to `out`.
            let name = unsafe { ffi::X509_NAME_dup(ffi::OPENSSL_sk_value(sk, i).cast()) };
            if push_owned(out, name) == 0 {
                free_names(out);
                return std::ptr::null_mut();
            }
        }
        out
    }

    /// `SSL_load_client_CA_file`: the subjects of the PEM certificates in `file`, without
    /// duplicates; null (with libcrypto's reason queued) if it holds none or cannot be read.
    fn SSL_load_client_CA_file(file: *const c_char) -> *mut OPENSSL_STACK {
        nonnull: [file], fail: std::ptr::null_mut();
        load_file(file)
    }

    /// `SSL_load_client_CA_file_ex`: as `SSL_load_client_CA_file` (the library context and
    /// property query are not needed to read certificates).
    fn SSL_load_client_CA_file_ex(
        file: *const c_char,
        libctx: *mut c_void,
        propq: *const c_char,
    ) -> *mut OPENSSL_STACK {
        nonnull: [file], fail: std::ptr::null_mut();
        let _ = (libctx, propq);
        load_file(file)
    }

    /// `SSL_add_file_cert_subjects_to_stack`: 1, or 0 if the file cannot be read.
    fn SSL_add_file_cert_subjects_to_stack(stack: *mut OPENSSL_STACK, file: *const c_char) -> c_int {
        nonnull: [stack, file], fail: 0;
        add_file(stack, file)
    }

    /// `SSL_add_dir_cert_subjects_to_stack`: every file of the directory, as
    /// `SSL_add_file_cert_subjects_to_stack`; 0 at the first that cannot be read.
    fn SSL_add_dir_cert_subjects_to_stack(stack: *mut OPENSSL_STACK, dir: *const c_char) -> c_int {
        nonnull: [stack, dir], fail: 0;
        // SAFETY: checked non-null; the caller's C string.
        let dir = unsafe { CStr::from_ptr(dir) };
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(dir.to_bytes()));
        let Ok(entries) = std::fs::read_dir(path) else {
            // ERR_R_SYS_LIB, as OpenSSL reports a directory it cannot read.
            crate::errors::raise_ssl("SSL_add_dir_cert_subjects_to_stack", 0x8_0002, None);
            return 0;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            let Ok(c) = std::ffi::CString::new(f.as_os_str().as_bytes()) else {
                return 0;
            };
            if add_file(stack, c.as_ptr()) == 0 {
                return 0;
            }
        }
        1
    }

    /// `SSL_add_store_cert_subjects_to_stack`: the certificates a libcrypto store URI names
    /// (`OSSL_STORE`: files, directories ...); 1, or 0 on a failure.
    fn SSL_add_store_cert_subjects_to_stack(stack: *mut OPENSSL_STACK, uri: *const c_char) -> c_int {
        nonnull: [stack, uri], fail: 0;
        c_int::from(add_store(stack, uri, 8))
    }
}

/// `SSL_load_client_CA_file`'s work: null unless at least one certificate was read.
fn load_file(file: *const c_char) -> *mut OPENSSL_STACK {
    let Some(b) = open_read(file) else {
        return std::ptr::null_mut();
    };
    let mut out: *mut OPENSSL_STACK = std::ptr::null_mut();
    let ok = read_subjects(&b, || {
        if out.is_null() {
            out = new_names();
        }
        out
    });
    if !ok {
        free_names(out);
        return std::ptr::null_mut();
    }
    if !out.is_null() {
        // SAFETY: touches only this thread's queue.
        unsafe { ffi::ERR_clear_error() };
    }
    out
}
