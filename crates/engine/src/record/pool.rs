//! Record buffers shared by the connections of one configuration: a connection whose receive or
//! send buffer has drained hands it back, and the next connection that needs one takes it, so
//! idle connections hold no record buffers and busy ones do not allocate (or zero) per record.

use std::sync::Mutex;

/// Buffers of each kind kept for reuse; more are freed.
pub const MAX_POOLED_BUFFERS: usize = 4;

/// A bounded pool of receive and send buffers.
#[derive(Debug, Default)]
pub struct BufferPool {
    recv: Mutex<Vec<Vec<u8>>>,
    send: Mutex<Vec<Vec<u8>>>,
}

fn lock(m: &Mutex<Vec<Vec<u8>>>) -> std::sync::MutexGuard<'_, Vec<Vec<u8>>> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl BufferPool {
    /// A receive buffer of at least `len` bytes (contents unspecified): a pooled one, grown
    /// if it is shorter, else a new one of `len` bytes.
    pub fn take_recv(&self, len: usize) -> Vec<u8> {
        match lock(&self.recv).pop() {
            Some(mut b) => {
                if b.len() < len {
                    b.resize(len, 0);
                }
                b
            }
            None => vec![0; len],
        }
    }

    /// Returns a receive buffer. When the pool is full it keeps the larger buffers: one grown
    /// for application data is worth more than the small ones handshakes start with.
    pub fn give_recv(&self, buf: Vec<u8>) {
        let mut free = lock(&self.recv);
        if free.len() < MAX_POOLED_BUFFERS {
            free.push(buf);
            return;
        }
        if let Some(smallest) = free
            .iter_mut()
            .min_by_key(|b| b.len())
            .filter(|b| b.len() < buf.len())
        {
            *smallest = buf;
        }
    }

    /// An empty send buffer, with capacity when one was returned before.
    pub fn take_send(&self) -> Vec<u8> {
        lock(&self.send).pop().unwrap_or_default()
    }

    /// Returns a send buffer (cleared).
    pub fn give_send(&self, mut buf: Vec<u8>) {
        buf.clear();
        let mut free = lock(&self.send);
        if buf.capacity() > 0 && free.len() < MAX_POOLED_BUFFERS {
            free.push(buf);
        }
    }

    /// Buffers held for reuse (receive, send).
    pub fn held(&self) -> (usize, usize) {
        (lock(&self.recv).len(), lock(&self.send).len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_and_reused() {
        let pool = BufferPool::default();
        let b = pool.take_recv(8);
        let ptr = b.as_ptr();
        pool.give_recv(b);
        let again = pool.take_recv(8);
        assert_eq!(again.as_ptr(), ptr);
        for _ in 0..MAX_POOLED_BUFFERS + 2 {
            pool.give_recv(vec![0; 8]);
            pool.give_send(Vec::with_capacity(8));
        }
        assert_eq!(pool.held(), (MAX_POOLED_BUFFERS, MAX_POOLED_BUFFERS));
        // A shorter buffer is grown to the length asked for; a longer one is handed out whole.
        assert_eq!(pool.take_recv(16).len(), 16);
        assert_eq!(pool.take_recv(4).len(), 8);
        pool.give_send(Vec::new());
        assert_eq!(pool.take_send().capacity(), 8);
    }

    #[test]
    fn a_full_pool_keeps_the_larger_buffers() {
        let pool = BufferPool::default();
        for _ in 0..MAX_POOLED_BUFFERS {
            pool.give_recv(vec![0; 8]);
        }
        pool.give_recv(vec![0; 64]);
        pool.give_recv(vec![0; 4]);
        let lens: Vec<usize> = (0..MAX_POOLED_BUFFERS)
            .map(|_| pool.take_recv(1).len())
            .collect();
        assert_eq!(lens.iter().filter(|&&l| l == 64).count(), 1, "{lens:?}");
        assert!(!lens.contains(&4), "{lens:?}");
    }
}
