//! The one way into this library from C. Every exported function is written through
//! [`entry!`], which makes it `#[no_mangle] pub unsafe extern "C"`, binds it to the
//! `OPENSSL_3.0.0` symbol version (a `.symver` directive inside the function: rustc links a
//! cdylib with its own anonymous version script, which alone would leave it unversioned), checks the pointer arguments OpenSSL requires (a null one
//! raises `ERR_R_PASSED_NULL_PARAMETER` and returns the function's failure value), and runs the
//! body under `catch_unwind` so a panic becomes that failure value plus `ERR_R_INTERNAL_ERROR`
//! on the error queue — it never unwinds into C. Also: the other small helpers every export
//! uses (C strings in and out).

use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock};

use crate::errors;

/// Defines exported C functions. Each item reads
///
/// ```text
/// fn NAME(arg: Type, ...) -> Ret {
///     nonnull: [arg, ...], fail: FAILURE_VALUE;
///     body...
/// }
/// ```
///
/// The body runs inside a closure: `return x` returns `x` from the export.
macro_rules! entry {
    ($(
        $(#[doc = $doc:expr])*
        fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty {
            nonnull: [$($nn:ident),*], fail: $fail:expr;
            $($body:tt)*
        }
    )*) => {$(
        $(#[doc = $doc])*
        #[no_mangle]
        #[inline(never)]
        #[allow(clippy::unused_unit, unused_unsafe, clippy::redundant_closure_call)]
        pub unsafe extern "C" fn $name($($arg: $ty),*) -> $ret {
            // Bind the export to libssl's symbol version (the node is defined in libssl.map).
            // The directive emits no code; it sits in the function so that it lands in the
            // object file that defines the symbol, whatever the codegen-unit split.
            #[cfg(target_os = "linux")]
            // SAFETY: an assembler directive only; no instructions, registers or memory.
            unsafe {
                std::arch::asm!(
                    concat!(".symver ", stringify!($name), ", ", stringify!($name), "@@OPENSSL_3.0.0"),
                    options(nomem, nostack, preserves_flags)
                );
            }
            $(
                if $nn.is_null() {
                    $crate::errors::raise_null(stringify!($name));
                    return $fail;
                }
            )*
            $crate::entry::guard(stringify!($name), || -> $ret { $fail }, || -> $ret { $($body)* })
        }
    )*};
}
pub(crate) use entry;

/// Runs `body`, turning a panic into `fail()` and an `ERR_R_INTERNAL_ERROR` queue entry.
pub fn guard<R>(name: &'static str, fail: impl FnOnce() -> R, body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(_) => {
            errors::raise_internal(name, "a panic was caught at the C boundary");
            fail()
        }
    }
}

/// A C string argument as UTF-8 text; `None` for null or non-UTF-8.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string that outlives `'a`.
pub unsafe fn str_arg<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: non-null and NUL-terminated per the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// A byte buffer argument; an empty slice for a null pointer or zero length.
///
/// # Safety
/// When non-null, `p` points to `len` readable bytes that outlive `'a`.
pub unsafe fn bytes_arg<'a>(p: *const u8, len: usize) -> &'a [u8] {
    if p.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: non-null with `len` readable bytes per the caller's contract.
    unsafe { std::slice::from_raw_parts(p, len) }
}

/// A `'static` NUL-terminated copy of a `'static` string, made once per distinct string: what
/// `SSL_get_version`, `SSL_state_string_long` and friends hand back to C.
pub fn static_cstr(s: &'static str) -> *const c_char {
    static TABLE: OnceLock<Mutex<HashMap<&'static str, &'static CStr>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut t = table
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    t.entry(s)
        .or_insert_with(|| {
            let owned = CString::new(s.replace('\0', "")).unwrap_or_default();
            Box::leak(owned.into_boxed_c_str())
        })
        .as_ptr()
}

/// OpenSSL's "copy out, or tell the length" convention (`SSL_get_client_random`,
/// `SSL_SESSION_get_master_key` ...): with `outlen` 0 (or no buffer) the length of `bytes`,
/// else up to `outlen` of them copied to `out` and the count.
pub fn copy_out(bytes: &[u8], out: *mut u8, outlen: usize) -> usize {
    if outlen == 0 || out.is_null() {
        return bytes.len();
    }
    let n = outlen.min(bytes.len());
    // SAFETY: the caller passes `outlen` writable bytes at `out` (non-null, checked above).
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, n) };
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_cstr_is_interned_and_terminated() {
        let a = static_cstr("TLSv1.3");
        let b = static_cstr("TLSv1.3");
        assert_eq!(a, b);
        // SAFETY: static_cstr returns a leaked NUL-terminated string.
        assert_eq!(unsafe { CStr::from_ptr(a) }.to_str(), Ok("TLSv1.3"));
    }
}
