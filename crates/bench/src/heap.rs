//! Heap accounting for the memory rows. [`Counting`] wraps the system allocator; a program
//! that wants heap figures installs it with `#[global_allocator]`. Only allocations made by
//! the current thread while [`tracked`] runs are counted, so the in-memory server's
//! allocations (made between client calls) are not. OpenSSL allocates with the C library's
//! malloc, which this cannot see: for it the resident-set delta ([`resident_bytes`]) is used.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

/// A counting wrapper around [`System`].
pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static TRACKING: Cell<bool> = const { Cell::new(false) };
}

fn tracking() -> bool {
    TRACKING.try_with(Cell::get).unwrap_or(false)
}

fn add(n: isize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    if n > 0 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        PEAK.fetch_max(now, Ordering::Relaxed);
    }
}

// SAFETY: every call is passed unchanged to `System`; the wrapper only updates counters.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && tracking() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() && tracking() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        if tracking() {
            add(-(layout.size() as isize));
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && tracking() {
            add(new_size as isize - layout.size() as isize);
        }
        p
    }
}

/// Runs `f` with this thread's allocations counted.
pub fn tracked<R>(f: impl FnOnce() -> R) -> R {
    let was = TRACKING.with(|t| t.replace(true));
    let r = f();
    TRACKING.with(|t| t.set(was));
    r
}

/// Bytes allocated and not yet freed inside `tracked` sections.
pub fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// Starts a new peak measurement from the current live count.
pub fn reset_peak() {
    PEAK.store(live(), Ordering::Relaxed);
}

/// The highest live count since `reset_peak`.
pub fn peak() -> isize {
    PEAK.load(Ordering::Relaxed)
}

/// Whether [`Counting`] is the global allocator of this program.
pub fn installed() -> bool {
    let before = ALLOCS.load(Ordering::Relaxed);
    tracked(|| drop(std::hint::black_box(Box::new([0u8; 64]))));
    ALLOCS.load(Ordering::Relaxed) != before
}

/// The process's resident set in bytes (`/proc/self/statm`, 4 KiB pages).
pub fn resident_bytes() -> Option<usize> {
    let text = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = text.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}
