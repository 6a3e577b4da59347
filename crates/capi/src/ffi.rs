//! The system libcrypto (and the one libc function) this library calls: BIOs, the error queue,
//! X509 objects and stores, stacks and ex_data. OpenSSL's libssl leaves all of these to
//! libcrypto, and so does this drop-in; this is the only module that declares foreign
//! functions. Types are opaque: only libcrypto looks inside them.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_long, c_ulong, c_void};
use std::marker::{PhantomData, PhantomPinned};

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        /// An opaque libcrypto object.
        #[repr(C)]
        pub struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(
    BIO,
    BIO_METHOD,
    X509,
    X509_STORE,
    X509_STORE_CTX,
    X509_VERIFY_PARAM,
    X509_OBJECT,
    OPENSSL_STACK,
    OPENSSL_INIT_SETTINGS,
    EVP_PKEY,
    EVP_MD,
    PKCS8_PRIV_KEY_INFO,
    RSA,
    X509_NAME,
    OPENSSL_LHASH,
    OSSL_STORE_CTX,
    OSSL_STORE_INFO,
);

/// `CRYPTO_EX_DATA` (crypto.h): embedded in each object that carries ex_data.
#[repr(C)]
pub struct CRYPTO_EX_DATA {
    pub ctx: *mut c_void,
    pub sk: *mut c_void,
}

impl CRYPTO_EX_DATA {
    /// An empty ex_data block, as `CRYPTO_new_ex_data` expects to fill.
    pub const fn empty() -> Self {
        Self {
            ctx: std::ptr::null_mut(),
            sk: std::ptr::null_mut(),
        }
    }
}

/// `ERR_STRING_DATA` (err.h).
#[repr(C)]
pub struct ERR_STRING_DATA {
    pub error: c_ulong,
    pub string: *const c_char,
}

/// `CRYPTO_EX_INDEX_SSL`.
pub const CRYPTO_EX_INDEX_SSL: c_int = 0;
/// `CRYPTO_EX_INDEX_SSL_CTX`.
pub const CRYPTO_EX_INDEX_SSL_CTX: c_int = 1;
/// `CRYPTO_EX_INDEX_X509_STORE_CTX`.
pub const CRYPTO_EX_INDEX_X509_STORE_CTX: c_int = 5;

/// `BIO_CTRL_EOF`.
pub const BIO_CTRL_EOF: c_int = 2;
/// `BIO_CTRL_PUSH`.
pub const BIO_CTRL_PUSH: c_int = 6;
/// `BIO_CTRL_POP`.
pub const BIO_CTRL_POP: c_int = 7;
/// `BIO_CTRL_GET_CLOSE`.
pub const BIO_CTRL_GET_CLOSE: c_int = 8;
/// `BIO_CTRL_SET_CLOSE`.
pub const BIO_CTRL_SET_CLOSE: c_int = 9;
/// `BIO_CTRL_PENDING`.
pub const BIO_CTRL_PENDING: c_int = 10;
/// `BIO_CTRL_FLUSH`.
pub const BIO_CTRL_FLUSH: c_int = 11;
/// `BIO_CTRL_WPENDING`.
pub const BIO_CTRL_WPENDING: c_int = 13;
/// `BIO_CTRL_INFO`.
pub const BIO_CTRL_INFO: c_int = 3;
/// `BIO_CTRL_RESET`.
pub const BIO_CTRL_RESET: c_int = 1;
/// `BIO_CTRL_DUP`.
pub const BIO_CTRL_DUP: c_int = 12;
/// `BIO_C_DO_STATE_MACHINE` (`BIO_do_connect`, `BIO_do_handshake`).
pub const BIO_C_DO_STATE_MACHINE: c_int = 101;
/// `BIO_C_GET_FD`.
pub const BIO_C_GET_FD: c_int = 105;
/// `BIO_C_SET_SSL`.
pub const BIO_C_SET_SSL: c_int = 109;
/// `BIO_C_GET_SSL`.
pub const BIO_C_GET_SSL: c_int = 110;
/// `BIO_C_SSL_MODE`.
pub const BIO_C_SSL_MODE: c_int = 119;

/// `BIO_TYPE_DESCRIPTOR`.
pub const BIO_TYPE_DESCRIPTOR: c_int = 0x0100;
/// `BIO_TYPE_SOCKET`.
pub const BIO_TYPE_SOCKET: c_int = 5 | 0x0400 | 0x0100;
/// `BIO_TYPE_SSL`.
pub const BIO_TYPE_SSL: c_int = 7 | 0x0200;
/// `BIO_NOCLOSE`.
pub const BIO_NOCLOSE: c_int = 0;

/// `BIO_FLAGS_READ`.
pub const BIO_FLAGS_READ: c_int = 0x01;
/// `BIO_FLAGS_WRITE`.
pub const BIO_FLAGS_WRITE: c_int = 0x02;
/// `BIO_FLAGS_IO_SPECIAL`.
pub const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
/// `BIO_FLAGS_SHOULD_RETRY`.
pub const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
/// The four retry bits together (`BIO_FLAGS_RWS | BIO_FLAGS_SHOULD_RETRY`).
pub const BIO_RETRY_BITS: c_int = 0x0f;
/// `BIO_RR_SSL_X509_LOOKUP`.
pub const BIO_RR_SSL_X509_LOOKUP: c_int = 0x01;
/// `BIO_RR_CONNECT`.
pub const BIO_RR_CONNECT: c_int = 0x02;

/// `BIO_C_SET_FILENAME` (`BIO_read_filename`).
pub const BIO_C_SET_FILENAME: c_int = 108;
/// `BIO_CLOSE`.
pub const BIO_CLOSE: c_long = 0x01;
/// `BIO_FP_READ`.
pub const BIO_FP_READ: c_long = 0x02;

/// `X509_LU_X509`.
pub const X509_LU_X509: c_int = 1;

/// `OPENSSL_INIT_LOAD_CRYPTO_STRINGS`.
pub const OPENSSL_INIT_LOAD_CRYPTO_STRINGS: u64 = 0x0000_0002;
/// `OPENSSL_INIT_ADD_ALL_CIPHERS`.
pub const OPENSSL_INIT_ADD_ALL_CIPHERS: u64 = 0x0000_0004;
/// `OPENSSL_INIT_ADD_ALL_DIGESTS`.
pub const OPENSSL_INIT_ADD_ALL_DIGESTS: u64 = 0x0000_0008;
/// `OPENSSL_INIT_LOAD_CONFIG`.
pub const OPENSSL_INIT_LOAD_CONFIG: u64 = 0x0000_0040;
/// `OPENSSL_INIT_NO_LOAD_CONFIG`.
pub const OPENSSL_INIT_NO_LOAD_CONFIG: u64 = 0x0000_0080;

/// A BIO_METHOD read or write callback (old style, `int` lengths).
pub type BioRwFn = unsafe extern "C" fn(*mut BIO, *mut c_char, c_int) -> c_int;
/// A BIO_METHOD write callback.
pub type BioWriteFn = unsafe extern "C" fn(*mut BIO, *const c_char, c_int) -> c_int;
/// A BIO_METHOD puts callback.
pub type BioPutsFn = unsafe extern "C" fn(*mut BIO, *const c_char) -> c_int;
/// A BIO_METHOD ctrl callback.
pub type BioCtrlFn = unsafe extern "C" fn(*mut BIO, c_int, c_long, *mut c_void) -> c_long;
/// A BIO_METHOD create or destroy callback.
pub type BioLifeFn = unsafe extern "C" fn(*mut BIO) -> c_int;
/// `pem_password_cb`: fills `buf` (at most `size` bytes) with the passphrase and returns its
/// length.
pub type PemPasswordCb = unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int;
/// `OPENSSL_sk_pop_free`'s element destructor.
pub type SkFreeFn = unsafe extern "C" fn(*mut c_void);

#[link(name = "crypto")]
extern "C" {
    // ---- initialisation ----
    pub fn OPENSSL_init_crypto(opts: u64, settings: *const OPENSSL_INIT_SETTINGS) -> c_int;

    // ---- the ssl_conf configuration module (libcrypto keeps its sections for libssl) ----
    pub fn conf_ssl_name_find(name: *const c_char, idx: *mut usize) -> c_int;
    pub fn conf_ssl_get(idx: usize, name: *mut *const c_char, cnt: *mut usize) -> *const c_void;
    pub fn conf_ssl_get_cmd(
        cmd: *const c_void,
        idx: usize,
        cmdstr: *mut *mut c_char,
        arg: *mut *mut c_char,
    );

    // ---- the error queue ----
    pub fn ERR_new();
    pub fn ERR_set_debug(file: *const c_char, line: c_int, func: *const c_char);
    pub fn ERR_set_error(lib: c_int, reason: c_int, fmt: *const c_char, ...);
    pub fn ERR_peek_error() -> c_ulong;
    pub fn ERR_clear_error();
    pub fn ERR_set_mark() -> c_int;
    pub fn ERR_pop_to_mark() -> c_int;
    pub fn ERR_load_strings_const(str: *const ERR_STRING_DATA) -> c_int;

    // ---- BIOs ----
    pub fn BIO_new(method: *const BIO_METHOD) -> *mut BIO;
    pub fn BIO_new_socket(fd: c_int, close_flag: c_int) -> *mut BIO;
    pub fn BIO_s_connect() -> *const BIO_METHOD;
    #[cfg(test)]
    pub fn BIO_s_mem() -> *const BIO_METHOD;
    pub fn BIO_read(b: *mut BIO, data: *mut c_void, dlen: c_int) -> c_int;
    pub fn BIO_write(b: *mut BIO, data: *const c_void, dlen: c_int) -> c_int;
    pub fn BIO_ctrl(b: *mut BIO, cmd: c_int, larg: c_long, parg: *mut c_void) -> c_long;
    pub fn BIO_test_flags(b: *const BIO, flags: c_int) -> c_int;
    pub fn BIO_set_flags(b: *mut BIO, flags: c_int);
    pub fn BIO_clear_flags(b: *mut BIO, flags: c_int);
    pub fn BIO_set_retry_reason(b: *mut BIO, reason: c_int);
    pub fn BIO_up_ref(b: *mut BIO) -> c_int;
    pub fn BIO_free(b: *mut BIO) -> c_int;
    pub fn BIO_new_fp(stream: *mut c_void, close_flag: c_int) -> *mut BIO;
    pub fn BIO_dump_indent(b: *mut BIO, s: *const c_void, len: c_int, indent: c_int) -> c_int;
    pub fn X509_verify_cert_error_string(n: c_long) -> *const c_char;
    pub fn BIO_free_all(b: *mut BIO);
    pub fn BIO_push(b: *mut BIO, append: *mut BIO) -> *mut BIO;
    pub fn BIO_next(b: *mut BIO) -> *mut BIO;
    pub fn BIO_set_next(b: *mut BIO, next: *mut BIO);
    pub fn BIO_find_type(b: *mut BIO, bio_type: c_int) -> *mut BIO;
    pub fn BIO_method_type(b: *const BIO) -> c_int;
    pub fn BIO_get_data(b: *mut BIO) -> *mut c_void;
    pub fn BIO_set_data(b: *mut BIO, ptr: *mut c_void);
    pub fn BIO_get_init(b: *mut BIO) -> c_int;
    pub fn BIO_set_init(b: *mut BIO, init: c_int);
    pub fn BIO_get_shutdown(b: *mut BIO) -> c_int;
    pub fn BIO_set_shutdown(b: *mut BIO, shut: c_int);
    pub fn BIO_meth_new(bio_type: c_int, name: *const c_char) -> *mut BIO_METHOD;
    pub fn BIO_meth_set_write(m: *mut BIO_METHOD, f: Option<BioWriteFn>) -> c_int;
    pub fn BIO_meth_set_read(m: *mut BIO_METHOD, f: Option<BioRwFn>) -> c_int;
    pub fn BIO_meth_set_puts(m: *mut BIO_METHOD, f: Option<BioPutsFn>) -> c_int;
    pub fn BIO_meth_set_ctrl(m: *mut BIO_METHOD, f: Option<BioCtrlFn>) -> c_int;
    pub fn BIO_meth_set_create(m: *mut BIO_METHOD, f: Option<BioLifeFn>) -> c_int;
    pub fn BIO_meth_set_destroy(m: *mut BIO_METHOD, f: Option<BioLifeFn>) -> c_int;

    // ---- certificates and stores ----
    pub fn d2i_X509(out: *mut *mut X509, input: *mut *const u8, len: c_long) -> *mut X509;
    pub fn d2i_X509_NAME(
        out: *mut *mut X509_NAME,
        input: *mut *const u8,
        len: c_long,
    ) -> *mut X509_NAME;
    pub fn d2i_PUBKEY(out: *mut *mut EVP_PKEY, input: *mut *const u8, len: c_long)
        -> *mut EVP_PKEY;
    pub fn i2d_X509(x: *const X509, out: *mut *mut u8) -> c_int;
    pub fn X509_free(x: *mut X509);
    pub fn X509_up_ref(x: *mut X509) -> c_int;
    pub fn X509_STORE_new() -> *mut X509_STORE;
    pub fn X509_STORE_free(s: *mut X509_STORE);
    pub fn X509_STORE_up_ref(s: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_lock(s: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_unlock(s: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_get0_objects(s: *mut X509_STORE) -> *mut OPENSSL_STACK;
    pub fn X509_OBJECT_get_type(o: *const X509_OBJECT) -> c_int;
    pub fn X509_OBJECT_get0_X509(o: *const X509_OBJECT) -> *mut X509;
    pub fn X509_STORE_CTX_new() -> *mut X509_STORE_CTX;
    pub fn X509_STORE_CTX_free(c: *mut X509_STORE_CTX);
    pub fn X509_STORE_CTX_init(
        c: *mut X509_STORE_CTX,
        store: *mut X509_STORE,
        leaf: *mut X509,
        chain: *mut OPENSSL_STACK,
    ) -> c_int;
    pub fn X509_STORE_add_cert(s: *mut X509_STORE, x: *mut X509) -> c_int;
    pub fn X509_STORE_load_locations(
        s: *mut X509_STORE,
        file: *const c_char,
        dir: *const c_char,
    ) -> c_int;
    pub fn X509_STORE_set_default_paths(s: *mut X509_STORE) -> c_int;
    pub fn X509_STORE_load_store(s: *mut X509_STORE, uri: *const c_char) -> c_int;
    pub fn X509_verify_cert(c: *mut X509_STORE_CTX) -> c_int;
    pub fn CRYPTO_malloc(num: usize, file: *const c_char, line: c_int) -> *mut c_void;
    pub fn CRYPTO_free(p: *mut c_void, file: *const c_char, line: c_int);
    pub fn PEM_write_bio(
        bp: *mut BIO,
        name: *const c_char,
        header: *const c_char,
        data: *const u8,
        len: c_long,
    ) -> c_int;
    pub fn PEM_write(
        fp: *mut c_void,
        name: *const c_char,
        header: *const c_char,
        data: *const u8,
        len: c_long,
    ) -> c_int;
    pub fn PEM_read(
        fp: *mut c_void,
        name: *mut *mut c_char,
        header: *mut *mut c_char,
        data: *mut *mut u8,
        len: *mut c_long,
    ) -> c_int;
    pub fn PEM_read_bio(
        bp: *mut BIO,
        name: *mut *mut c_char,
        header: *mut *mut c_char,
        data: *mut *mut u8,
        len: *mut c_long,
    ) -> c_int;
    pub fn X509_STORE_CTX_get_error(c: *const X509_STORE_CTX) -> c_int;
    pub fn X509_STORE_CTX_set_default(c: *mut X509_STORE_CTX, name: *const c_char) -> c_int;
    pub fn X509_STORE_CTX_set_verify_cb(
        c: *mut X509_STORE_CTX,
        cb: Option<unsafe extern "C" fn(c_int, *mut X509_STORE_CTX) -> c_int>,
    );
    pub fn X509_STORE_CTX_get0_param(c: *const X509_STORE_CTX) -> *mut X509_VERIFY_PARAM;
    pub fn X509_VERIFY_PARAM_set1_host(
        p: *mut X509_VERIFY_PARAM,
        name: *const c_char,
        len: usize,
    ) -> c_int;
    pub fn X509_VERIFY_PARAM_set1_ip_asc(p: *mut X509_VERIFY_PARAM, ip: *const c_char) -> c_int;
    pub fn X509_VERIFY_PARAM_set_depth(p: *mut X509_VERIFY_PARAM, depth: c_int);
    pub fn X509_VERIFY_PARAM_new() -> *mut X509_VERIFY_PARAM;
    pub fn X509_VERIFY_PARAM_free(p: *mut X509_VERIFY_PARAM);
    pub fn X509_VERIFY_PARAM_inherit(
        to: *mut X509_VERIFY_PARAM,
        from: *const X509_VERIFY_PARAM,
    ) -> c_int;
    pub fn X509_VERIFY_PARAM_get0_host(p: *mut X509_VERIFY_PARAM, idx: c_int) -> *mut c_char;
    pub fn X509_VERIFY_PARAM_get1_ip_asc(p: *mut X509_VERIFY_PARAM) -> *mut c_char;
    pub fn X509_STORE_CTX_set_ex_data(
        c: *mut X509_STORE_CTX,
        idx: c_int,
        data: *mut c_void,
    ) -> c_int;

    // ---- stacks ----
    pub fn OPENSSL_sk_new_null() -> *mut OPENSSL_STACK;
    pub fn OPENSSL_sk_push(st: *mut OPENSSL_STACK, data: *const c_void) -> c_int;
    pub fn OPENSSL_sk_num(st: *const OPENSSL_STACK) -> c_int;
    pub fn OPENSSL_sk_value(st: *const OPENSSL_STACK, i: c_int) -> *mut c_void;
    pub fn OPENSSL_sk_pop_free(st: *mut OPENSSL_STACK, free: Option<SkFreeFn>);
    pub fn OPENSSL_sk_free(st: *mut OPENSSL_STACK);
    pub fn X509_NAME_free(name: *mut c_void);

    // ---- own certificates and keys ----
    pub fn BIO_s_file() -> *const BIO_METHOD;
    pub fn PEM_read_bio_X509(
        bp: *mut BIO,
        x: *mut *mut X509,
        cb: Option<PemPasswordCb>,
        u: *mut c_void,
    ) -> *mut X509;
    pub fn PEM_read_bio_X509_AUX(
        bp: *mut BIO,
        x: *mut *mut X509,
        cb: Option<PemPasswordCb>,
        u: *mut c_void,
    ) -> *mut X509;
    pub fn PEM_read_bio_PrivateKey(
        bp: *mut BIO,
        x: *mut *mut EVP_PKEY,
        cb: Option<PemPasswordCb>,
        u: *mut c_void,
    ) -> *mut EVP_PKEY;
    pub fn PEM_read_bio_RSAPrivateKey(
        bp: *mut BIO,
        x: *mut *mut RSA,
        cb: Option<PemPasswordCb>,
        u: *mut c_void,
    ) -> *mut RSA;
    pub fn d2i_X509_bio(bp: *mut BIO, x: *mut *mut X509) -> *mut X509;
    pub fn d2i_PrivateKey_bio(bp: *mut BIO, a: *mut *mut EVP_PKEY) -> *mut EVP_PKEY;
    pub fn d2i_RSAPrivateKey_bio(bp: *mut BIO, a: *mut *mut RSA) -> *mut RSA;
    pub fn d2i_PrivateKey(
        kind: c_int,
        a: *mut *mut EVP_PKEY,
        pp: *mut *const u8,
        len: c_long,
    ) -> *mut EVP_PKEY;
    pub fn d2i_RSAPrivateKey(a: *mut *mut RSA, pp: *mut *const u8, len: c_long) -> *mut RSA;
    pub fn X509_get0_pubkey(x: *const X509) -> *mut EVP_PKEY;
    pub fn X509_check_private_key(x: *const X509, k: *const EVP_PKEY) -> c_int;
    pub fn X509_chain_up_ref(chain: *mut OPENSSL_STACK) -> *mut OPENSSL_STACK;
    pub fn EVP_PKEY_get_base_id(k: *const EVP_PKEY) -> c_int;
    pub fn EVP_PKEY_up_ref(k: *mut EVP_PKEY) -> c_int;
    pub fn EVP_PKEY_new() -> *mut EVP_PKEY;
    pub fn EVP_PKEY_set1_RSA(k: *mut EVP_PKEY, rsa: *mut RSA) -> c_int;
    pub fn RSA_free(rsa: *mut RSA);
    pub fn EVP_PKEY2PKCS8(k: *const EVP_PKEY) -> *mut PKCS8_PRIV_KEY_INFO;
    pub fn i2d_PKCS8_PRIV_KEY_INFO(p8: *const PKCS8_PRIV_KEY_INFO, out: *mut *mut u8) -> c_int;
    pub fn PKCS8_PRIV_KEY_INFO_free(p8: *mut PKCS8_PRIV_KEY_INFO);
    pub fn OPENSSL_cleanse(p: *mut c_void, len: usize);
    pub fn ERR_peek_last_error() -> c_ulong;

    // ---- keys, digests, names ----
    pub fn EVP_PKEY_free(k: *mut EVP_PKEY);
    pub fn EVP_sha256() -> *const EVP_MD;
    pub fn EVP_sha384() -> *const EVP_MD;
    pub fn X509_check_host(
        x: *mut X509,
        name: *const c_char,
        namelen: usize,
        flags: u32,
        peername: *mut *mut c_char,
    ) -> c_int;
    pub fn X509_VERIFY_PARAM_set1(
        to: *mut X509_VERIFY_PARAM,
        from: *const X509_VERIFY_PARAM,
    ) -> c_int;
    pub fn X509_VERIFY_PARAM_get_flags(param: *const X509_VERIFY_PARAM) -> std::ffi::c_ulong;
    pub fn X509_VERIFY_PARAM_set_auth_level(param: *mut X509_VERIFY_PARAM, level: c_int);
    pub fn X509_STORE_get0_param(store: *const X509_STORE) -> *mut X509_VERIFY_PARAM;

    // ---- ex_data ----
    pub fn CRYPTO_get_ex_new_index(
        class_index: c_int,
        argl: c_long,
        argp: *mut c_void,
        new_func: *mut c_void,
        dup_func: *mut c_void,
        free_func: *mut c_void,
    ) -> c_int;
    pub fn CRYPTO_new_ex_data(
        class_index: c_int,
        obj: *mut c_void,
        ad: *mut CRYPTO_EX_DATA,
    ) -> c_int;
    pub fn CRYPTO_free_ex_data(class_index: c_int, obj: *mut c_void, ad: *mut CRYPTO_EX_DATA);
    pub fn CRYPTO_set_ex_data(ad: *mut CRYPTO_EX_DATA, idx: c_int, val: *mut c_void) -> c_int;
    pub fn CRYPTO_get_ex_data(ad: *const CRYPTO_EX_DATA, idx: c_int) -> *mut c_void;
}

/// `OPENSSL_LH_HASHFUNC` / `OPENSSL_LH_COMPFUNC`.
pub type LhHashFn = unsafe extern "C" fn(*const c_void) -> c_ulong;
pub type LhCompFn = unsafe extern "C" fn(*const c_void, *const c_void) -> c_int;

/// `CRYPTO_EX_INDEX_SSL_SESSION`.
pub const CRYPTO_EX_INDEX_SSL_SESSION: c_int = 2;
/// `OSSL_STORE_INFO_NAME`, `OSSL_STORE_INFO_CERT`.
pub const OSSL_STORE_INFO_NAME: c_int = 1;
pub const OSSL_STORE_INFO_CERT: c_int = 5;

extern "C" {
    // CA name lists, the session store and compression's method stack.
    pub fn X509_get_subject_name(x: *const X509) -> *mut X509_NAME;
    pub fn X509_NAME_dup(n: *const X509_NAME) -> *mut X509_NAME;
    pub fn X509_NAME_cmp(a: *const X509_NAME, b: *const X509_NAME) -> c_int;
    pub fn X509_VERIFY_PARAM_set_purpose(p: *mut X509_VERIFY_PARAM, purpose: c_int) -> c_int;
    pub fn X509_VERIFY_PARAM_set_trust(p: *mut X509_VERIFY_PARAM, trust: c_int) -> c_int;
    pub fn OSSL_STORE_open(
        uri: *const c_char,
        ui_method: *const c_void,
        ui_data: *mut c_void,
        post_process: *const c_void,
        post_process_data: *mut c_void,
    ) -> *mut OSSL_STORE_CTX;
    pub fn OSSL_STORE_load(ctx: *mut OSSL_STORE_CTX) -> *mut OSSL_STORE_INFO;
    pub fn OSSL_STORE_eof(ctx: *mut OSSL_STORE_CTX) -> c_int;
    pub fn OSSL_STORE_close(ctx: *mut OSSL_STORE_CTX) -> c_int;
    pub fn OSSL_STORE_INFO_get_type(info: *const OSSL_STORE_INFO) -> c_int;
    pub fn OSSL_STORE_INFO_get0_CERT(info: *const OSSL_STORE_INFO) -> *mut X509;
    pub fn OSSL_STORE_INFO_get0_NAME(info: *const OSSL_STORE_INFO) -> *const c_char;
    pub fn OSSL_STORE_INFO_free(info: *mut OSSL_STORE_INFO);
    pub fn OPENSSL_LH_new(h: LhHashFn, c: LhCompFn) -> *mut OPENSSL_LHASH;
    pub fn OPENSSL_LH_free(lh: *mut OPENSSL_LHASH);
    pub fn OPENSSL_LH_insert(lh: *mut OPENSSL_LHASH, data: *mut c_void) -> *mut c_void;
    pub fn OPENSSL_LH_delete(lh: *mut OPENSSL_LHASH, data: *const c_void) -> *mut c_void;
    pub fn CRYPTO_dup_ex_data(
        class_index: c_int,
        to: *mut CRYPTO_EX_DATA,
        from: *const CRYPTO_EX_DATA,
    ) -> c_int;
    pub fn EVP_PKEY_eq(a: *const EVP_PKEY, b: *const EVP_PKEY) -> c_int;
    pub fn BIO_f_buffer() -> *const BIO_METHOD;
    pub fn CTLOG_STORE_free(store: *mut c_void);
}

extern "C" {
    /// glibc's `errno` location (what `errno` expands to).
    pub fn __errno_location() -> *mut c_int;
}

/// `X509_NAME_free` with the signature `OPENSSL_sk_pop_free` wants.
///
/// # Safety
/// `p` is an `X509_NAME` pointer the stack owns, or null.
pub unsafe extern "C" fn x509_name_free_void(p: *mut c_void) {
    // SAFETY: the stack owns its X509_NAME elements; X509_NAME_free accepts null.
    unsafe { X509_NAME_free(p) }
}

/// `X509_free` with the signature `OPENSSL_sk_pop_free` wants.
///
/// # Safety
/// `p` is an `X509` pointer owning one reference, or null.
pub unsafe extern "C" fn x509_free_void(p: *mut c_void) {
    // SAFETY: the stack holds X509 pointers each owning one reference; X509_free accepts null.
    unsafe { X509_free(p.cast()) }
}

/// Sets the calling thread's `errno`.
pub fn set_errno(v: c_int) {
    // SAFETY: __errno_location returns a valid pointer to the calling thread's errno.
    unsafe { *__errno_location() = v }
}
