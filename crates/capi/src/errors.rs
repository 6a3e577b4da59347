//! Errors cross into libcrypto's per-thread queue, where C programs look for them
//! (`ERR_get_error`, `ERR_print_errors_fp`). `oxissl` keeps its own queue; after every call into
//! it the entries are moved, in order, onto libcrypto's with `ERR_new` + `ERR_set_debug` +
//! `ERR_set_error`, packed exactly as OpenSSL packs them (`lib << 23 | reason`, system errors as
//! `ERR_SYSTEM_FLAG | errno`). The SSL library's reason strings are registered with libcrypto
//! once (`ERR_load_strings_const`), as libssl does in `OPENSSL_init_ssl`, so that
//! `ERR_error_string` prints `error:0A000086:SSL routines::certificate verify failed`.

use std::ffi::{c_char, c_int, c_ulong, CString};
use std::sync::Once;

use oxissl::error as oerr;

use crate::ffi;

/// `ERR_R_PASSED_NULL_PARAMETER`.
const ERR_R_PASSED_NULL_PARAMETER: u32 = 0xC0102;
/// `ERR_R_INTERNAL_ERROR`.
const ERR_R_INTERNAL_ERROR: u32 = 0xC0103;
/// `ERR_R_UNSUPPORTED`: what a feature this library does not have queues.
pub const ERR_R_UNSUPPORTED: u32 = 0x8010C;

/// The file name recorded with each queued error (`ERR_get_error_all`'s `file`).
const DEBUG_FILE: &CStrLit = c"oxissl";

type CStrLit = std::ffi::CStr;

/// Reasons only the C layer raises (OpenSSL's codes and texts).
const CAPI_REASONS: &[(u32, &str)] = &[
    (120, "invalid key update type"),
    (124, "bad ssl filetype"),
    (247, "unknown certificate type"),
    (268, "x509 lib"),
    (273, "ssl session id context too long"),
    (288, "private key mismatch"),
    (289, "not replacing certificate"),
    (408, "ssl session id too long"),
    (232, "ssl3 ext invalid max fragment length"),
    (266, "wrong ssl version"),
    (385, "invalid null cmd name"),
    (386, "unknown cmd name"),
];

/// Registers the SSL library's reason strings with libcrypto (once per process).
pub fn load_ssl_strings() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut table: Vec<ffi::ERR_STRING_DATA> = oerr::ssl_reason_strings()
            .iter()
            .chain(CAPI_REASONS)
            // Common reasons (ERR_R_*) are libcrypto's own and already known to it.
            .filter(|(r, _)| *r < 0x4_0000)
            .filter_map(|(r, s)| {
                let text = CString::new(*s).ok()?;
                Some(ffi::ERR_STRING_DATA {
                    error: c_ulong::from(oerr::pack(oerr::ERR_LIB_SSL, *r)),
                    string: Box::leak(text.into_boxed_c_str()).as_ptr(),
                })
            })
            .collect();
        table.push(ffi::ERR_STRING_DATA {
            error: 0,
            string: std::ptr::null(),
        });
        let table: &'static [ffi::ERR_STRING_DATA] = Box::leak(table.into_boxed_slice());
        // SAFETY: the table is terminated by a zero entry and leaked, so it outlives libcrypto's
        // use of it; every string is a leaked NUL-terminated C string.
        unsafe {
            ffi::ERR_load_strings_const(table.as_ptr());
        }
    });
}

/// Pushes one entry onto libcrypto's queue, recording `func` as the function.
pub fn push(func: &str, lib: u32, reason: u32, data: Option<&str>) {
    load_ssl_strings();
    let func = CString::new(func).unwrap_or_default();
    let data = data.and_then(|d| CString::new(d.replace('\0', " ")).ok());
    let lib = c_int::try_from(lib).unwrap_or(c_int::MAX);
    // The reason keeps its flag bits (ERR_RFLAG_*); ERR_set_error packs it as OpenSSL does.
    let reason = reason as c_int;
    // SAFETY: ERR_new starts a new entry on this thread's queue. ERR_set_debug gets two
    // NUL-terminated strings that live for the whole process (a literal and a leaked name), so
    // it is sound whether libcrypto copies them or keeps the pointers. ERR_set_error formats
    // `data`, a live NUL-terminated string, with "%s", or records no data for a null format.
    unsafe {
        ffi::ERR_new();
        ffi::ERR_set_debug(DEBUG_FILE.as_ptr(), 0, leak_func_name(func));
        match &data {
            Some(d) => ffi::ERR_set_error(lib, reason, c"%s".as_ptr(), d.as_ptr()),
            None => ffi::ERR_set_error(lib, reason, std::ptr::null()),
        }
    }
}

/// `ERR_set_debug` keeps the function-name pointer; names come from a small fixed set (the
/// exports), so each is leaked once and reused.
fn leak_func_name(name: CString) -> *const c_char {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashMap<CString, &'static CStrLit>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    names
        .entry(name.clone())
        .or_insert_with(|| Box::leak(name.into_boxed_c_str()))
        .as_ptr()
}

/// Moves everything on oxissl's queue onto libcrypto's, earliest first.
pub fn flush(func: &str) {
    for e in oerr::take_errors() {
        push(func, e.lib(), e.reason(), e.data());
    }
}

/// A required pointer argument was null.
pub fn raise_null(func: &str) {
    push(func, oerr::ERR_LIB_SSL, ERR_R_PASSED_NULL_PARAMETER, None);
}

/// An internal failure (a caught panic, a re-entrant call on a busy object).
pub fn raise_internal(func: &str, why: &str) {
    push(func, oerr::ERR_LIB_SSL, ERR_R_INTERNAL_ERROR, Some(why));
}

/// An SSL-library reason with optional detail.
pub fn raise_ssl(func: &str, reason: u32, data: Option<&str>) {
    push(func, oerr::ERR_LIB_SSL, reason, data);
}

/// Whether libcrypto's queue holds an error, and if so whether the earliest is a system error
/// (the first decision `SSL_get_error` makes).
pub fn queue_head() -> Option<bool> {
    // SAFETY: ERR_peek_error only reads this thread's queue.
    let code = unsafe { ffi::ERR_peek_error() };
    if code == 0 {
        return None;
    }
    let code = u32::try_from(code).unwrap_or(u32::MAX);
    Some(oerr::lib_of(code) == oerr::ERR_LIB_SYS)
}

/// `ERR_clear_error` plus `errno = 0`: what OpenSSL's handshake state machine does on entry.
pub fn clear_for_handshake() {
    // SAFETY: ERR_clear_error only touches this thread's queue.
    unsafe { ffi::ERR_clear_error() };
    ffi::set_errno(0);
    oerr::clear_error();
}

/// Test support: the reason (library and reason code) of the last error on this thread's
/// queue, 0 if none; the queue is cleared.
#[cfg(test)]
pub(crate) fn take_last_reason() -> u32 {
    // SAFETY: reads and clears this thread's queue only.
    let e = unsafe { ffi::ERR_peek_last_error() };
    // SAFETY: as above.
    unsafe { ffi::ERR_clear_error() };
    u32::try_from(e & 0x7F_FFFF).unwrap_or(0)
}
