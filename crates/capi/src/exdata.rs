//! Application data attached to `SSL`, `SSL_CTX` and `SSL_SESSION` objects (`SSL_set_ex_data`,
//! `SSL_CTX_get_ex_data`), kept in libcrypto's own `CRYPTO_EX_DATA` so that indexes from
//! `SSL_get_ex_new_index` (a macro over libcrypto's `CRYPTO_get_ex_new_index`) and their
//! new/free callbacks work as with OpenSSL.

use std::ffi::{c_int, c_void};
use std::sync::{Mutex, TryLockError};

use crate::ffi;

/// One object's ex_data block. It lives inside the boxed object, so its address is stable.
pub struct ExData {
    class: c_int,
    data: Mutex<ffi::CRYPTO_EX_DATA>,
}

impl ExData {
    /// An empty block for an object of `class` (`CRYPTO_EX_INDEX_SSL`, `..._SSL_CTX`).
    pub const fn new(class: c_int) -> Self {
        Self {
            class,
            data: Mutex::new(ffi::CRYPTO_EX_DATA::empty()),
        }
    }

    fn with<R>(&self, fail: R, f: impl FnOnce(*mut ffi::CRYPTO_EX_DATA) -> R) -> R {
        match self.data.try_lock() {
            Ok(mut g) => f(&mut *g),
            Err(TryLockError::Poisoned(p)) => f(&mut *p.into_inner()),
            // A new/free callback reaching back into the same object: refuse rather than block.
            Err(TryLockError::WouldBlock) => fail,
        }
    }

    /// `CRYPTO_new_ex_data` for `obj`, once the object has its final address.
    pub fn init(&self, obj: *mut c_void) -> bool {
        self.with(false, |ad| {
            // SAFETY: `ad` points to this block, which lives as long as `obj`.
            unsafe { ffi::CRYPTO_new_ex_data(self.class, obj, ad) == 1 }
        })
    }

    /// `CRYPTO_free_ex_data`, before the object is freed.
    pub fn free(&self, obj: *mut c_void) {
        self.with((), |ad| {
            // SAFETY: `ad` was set up by `init` (or is still empty, which libcrypto accepts).
            unsafe { ffi::CRYPTO_free_ex_data(self.class, obj, ad) }
        });
    }

    /// `CRYPTO_set_ex_data`: 1 on success.
    pub fn set(&self, idx: c_int, val: *mut c_void) -> c_int {
        self.with(0, |ad| {
            // SAFETY: `ad` is this object's live ex_data block.
            unsafe { ffi::CRYPTO_set_ex_data(ad, idx, val) }
        })
    }

    /// `CRYPTO_dup_ex_data` from `from` into this (initialised) block, through the indexes'
    /// dup callbacks: `SSL_SESSION_dup`.
    pub fn dup_from(&self, from: &ExData) -> bool {
        from.with(false, |src| {
            self.with(false, |dst| {
                // SAFETY: two live ex_data blocks of the same class, both initialised.
                unsafe { ffi::CRYPTO_dup_ex_data(self.class, dst, src) == 1 }
            })
        })
    }

    /// `CRYPTO_get_ex_data`: the stored pointer or null.
    pub fn get(&self, idx: c_int) -> *mut c_void {
        self.with(std::ptr::null_mut(), |ad| {
            // SAFETY: `ad` is this object's live ex_data block.
            unsafe { ffi::CRYPTO_get_ex_data(ad, idx) }
        })
    }
}
