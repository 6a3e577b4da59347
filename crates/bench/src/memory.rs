//! Client and server in one thread over in-memory buffers. Only the client's calls are timed:
//! each one is bracketed by `Instant::now()` and the durations are added up, so the rustls
//! server's work (the same server for every client) is not counted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::ServerConnection;

use crate::heap;
use crate::peers::{Client, Context};

/// Record payload for bulk rows: a full TLS record (2^14 bytes).
pub const RECORD: usize = 16 * 1024;

/// A bounded number of flights: a handshake takes 2 or 3, tickets one more.
const MAX_ROUNDS: usize = 16;

/// Reusable transfer buffers, sized once so that growing them is never timed.
pub struct Wire {
    c2s: Vec<u8>,
    s2c: Vec<u8>,
    sink: Vec<u8>,
}

impl Default for Wire {
    fn default() -> Self {
        Self {
            c2s: Vec::with_capacity(64 * 1024),
            s2c: Vec::with_capacity(64 * 1024),
            sink: vec![0; RECORD],
        }
    }
}

/// An established pair.
pub struct Pair {
    /// The client under test.
    pub client: Client,
    /// The rustls server.
    pub server: ServerConnection,
}

fn to_server(server: &mut ServerConnection, mut data: &[u8]) -> Result<(), String> {
    while !data.is_empty() {
        server
            .read_tls(&mut data)
            .map_err(|e| format!("server read_tls: {e}"))?;
        server
            .process_new_packets()
            .map_err(|e| format!("server: {e}"))?;
    }
    Ok(())
}

fn from_server(server: &mut ServerConnection, out: &mut Vec<u8>) -> Result<(), String> {
    while server.wants_write() {
        server
            .write_tls(out)
            .map_err(|e| format!("server write_tls: {e}"))?;
    }
    Ok(())
}

/// Runs one handshake to completion, with the server's tickets (if any) delivered and
/// processed. Adds the client's time (connection creation included) to `timed`.
pub fn handshake(
    ctx: &Context,
    server_config: &Arc<rustls::ServerConfig>,
    wire: &mut Wire,
    timed: &mut Duration,
) -> Result<Pair, String> {
    handshake_observed(ctx, server_config, wire, timed, &mut |_, _| {})
}

/// `handshake`, showing `observe` each flight (whole records) as it leaves the client (true)
/// or the server (false), outside the timing.
pub fn handshake_observed(
    ctx: &Context,
    server_config: &Arc<rustls::ServerConfig>,
    wire: &mut Wire,
    timed: &mut Duration,
    observe: &mut dyn FnMut(bool, &[u8]),
) -> Result<Pair, String> {
    wire.c2s.clear();
    wire.s2c.clear();
    let mut client = heap::tracked(|| {
        let t = Instant::now();
        let r = ctx.connect().and_then(|mut c| {
            c.exchange(&[], &mut wire.c2s, &mut wire.sink)?;
            Ok(c)
        });
        *timed += t.elapsed();
        r
    })?;
    let mut server =
        ServerConnection::new(server_config.clone()).map_err(|e| format!("server: {e}"))?;
    for _ in 0..MAX_ROUNDS {
        observe(true, &wire.c2s);
        to_server(&mut server, &wire.c2s)?;
        wire.c2s.clear();
        from_server(&mut server, &mut wire.s2c)?;
        observe(false, &wire.s2c);
        if wire.s2c.is_empty() && !client.is_handshaking() && !server.is_handshaking() {
            heap::tracked(|| ctx.keep_session(&client));
            return Ok(Pair { client, server });
        }
        heap::tracked(|| {
            let t = Instant::now();
            let r = client.exchange(&wire.s2c, &mut wire.c2s, &mut wire.sink);
            *timed += t.elapsed();
            r
        })?;
        wire.s2c.clear();
    }
    Err("handshake did not finish".into())
}

/// Sends `msg` from the client, has the server echo it, and checks it comes back.
pub fn round_trip(pair: &mut Pair, wire: &mut Wire, msg: &[u8]) -> Result<(), String> {
    use std::io::{Read, Write};
    wire.c2s.clear();
    heap::tracked(|| pair.client.send(msg, &mut wire.c2s))?;
    to_server(&mut pair.server, &wire.c2s)?;
    wire.c2s.clear();
    let mut got = vec![0; msg.len()];
    pair.server
        .reader()
        .read_exact(&mut got)
        .map_err(|e| format!("server read: {e}"))?;
    if got != msg {
        return Err("server received different bytes".into());
    }
    pair.server
        .writer()
        .write_all(&got)
        .map_err(|e| format!("server write: {e}"))?;
    wire.s2c.clear();
    from_server(&mut pair.server, &mut wire.s2c)?;
    let mut back = Vec::new();
    let mut input = std::mem::take(&mut wire.s2c);
    // Read record by record through a sink the size of the message.
    let mut sink = vec![0; msg.len()];
    let n = heap::tracked(|| pair.client.exchange(&input, &mut wire.c2s, &mut sink))?;
    back.extend_from_slice(&sink[..n.min(sink.len())]);
    input.clear();
    wire.s2c = input;
    if n != msg.len() || back != msg {
        return Err(format!(
            "client received {n} bytes, expected the {} sent",
            msg.len()
        ));
    }
    Ok(())
}

/// Has the server send `records` full records of application data and times the client
/// receiving and reading them all. Returns the client's time.
pub fn receive_bulk(pair: &mut Pair, wire: &mut Wire, records: usize) -> Result<Duration, String> {
    use std::io::Write;
    pair.server.set_buffer_limit(None);
    let payload = [0x5a_u8; RECORD];
    wire.s2c.clear();
    for _ in 0..records {
        pair.server
            .writer()
            .write_all(&payload)
            .map_err(|e| format!("server write: {e}"))?;
        from_server(&mut pair.server, &mut wire.s2c)?;
    }
    wire.c2s.clear();
    let t = Instant::now();
    let n = pair
        .client
        .exchange(&wire.s2c, &mut wire.c2s, &mut wire.sink)?;
    let elapsed = t.elapsed();
    if n != records * RECORD {
        return Err(format!("client read {n} bytes of {}", records * RECORD));
    }
    Ok(elapsed)
}
