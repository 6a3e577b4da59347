//! `ClientConnection`: the sans-I/O driver. Received TLS bytes go into a receive buffer where
//! records are decrypted in place (or, handed whole to `feed_tls` once established, decrypted
//! from the caller's bytes into it); handshake records feed the state machine; application data
//! is read straight out of the buffer. Outgoing records accumulate in one send buffer that the
//! caller drains.

use core::ops::Range;
use std::sync::Arc;

use rustls_pki_types::{CertificateDer, ServerName};

use crate::client::session::StoredSession;
use crate::client::{
    self, CcsAction, Common, ExporterSecret, Negotiated, Pending, ServerIdentity, SessionTicket,
    State,
};
use crate::config::{ClientConfig, ClientCredential, VerifyMode};
use crate::error::{ApiMisuse, CertificateError, Error, InvalidMessage};
use crate::keys::exporter::{export12, export13_from_master};
use crate::record::deframer::parse_header;
use crate::record::joiner::Joiner;
use crate::record::protect::{open, open_into, write_records, RecordKey, RecordKind};
use crate::record::{HEADER_LEN, MAX_WIRE_RECORD};
use crate::wire::enums::{AlertDescription, ContentType, NamedGroup, ProtocolVersion};
use crate::wire::handshake::Message;

/// Once the handshake is done the receive buffer holds two whole records, so one read from the
/// network can bring the next record while the current one's plaintext is still being read.
pub const RECV_BUFFER_LEN: usize = 2 * MAX_WIRE_RECORD;

/// A new receive buffer starts this small: server flights and post-handshake messages are a
/// few KiB. It grows only when a record does not fit: doubling during the handshake, straight
/// to `RECV_BUFFER_LEN` once application data flows.
pub const INITIAL_RECV_LEN: usize = 4096;

/// RFC 8446 leaves the count of records that carry nothing (change_cipher_spec, empty
/// application data, user_canceled) unbounded; this many in a row ends the connection.
pub const MAX_EMPTY_RECORDS: usize = 32;

/// RFC 8446 §5.5: AES-GCM keys may protect at most 2^24.5 full-size records; a TLS 1.3 client
/// sends KeyUpdate and switches keys before its write key reaches this many records (2^24).
/// ChaCha20-Poly1305 has no practical limit, but one rule for every suite keeps it simple.
#[cfg(not(test))]
pub const KEY_UPDATE_AFTER_RECORDS: u64 = 1 << 24;
/// Small in unit tests, so a few records cross it.
#[cfg(test)]
pub const KEY_UPDATE_AFTER_RECORDS: u64 = 4;

/// Alert level fatal (RFC 8446 §6).
const ALERT_FATAL: u8 = 2;
/// Alert level warning, used for close_notify.
const ALERT_WARNING: u8 = 1;

/// What a plaintext read found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadStatus {
    /// This many bytes were copied out.
    Data(usize),
    /// No plaintext yet: more TLS bytes are needed.
    WantRead,
    /// The peer sent close_notify: no more data will come.
    Closed,
}

/// A TLS 1.3 client connection without I/O.
pub struct ClientConnection {
    cx: Common,
    /// `None` once the connection failed.
    state: Option<State>,
    joiner: Joiner,
    read_key: Option<RecordKey>,
    rx: Vec<u8>,
    /// Unprocessed received bytes are `rx[rx_start..rx_end]`.
    rx_start: usize,
    rx_end: usize,
    /// Decrypted application data not yet read: `rx[plain_start..plain_end]`.
    plain_start: usize,
    plain_end: usize,
    /// Sent bytes at the front of `cx.tx`.
    tx_start: usize,
    error: Option<Error>,
    peer_closed: bool,
    empty_records: usize,
    /// Records fully processed (any type), for callers that must tell whether a read made
    /// progress without bringing application data (OpenSSL's AUTO_RETRY off).
    records_processed: u64,
}

impl ClientConnection {
    /// Starts a connection to `server_name` (a DNS name or an IP address literal). The
    /// ClientHello is queued at once. SNI is sent for DNS names only (RFC 6066 §3), and the
    /// certificate is checked against the name or address.
    pub fn new(config: Arc<ClientConfig>, server_name: &str) -> Result<Self, Error> {
        let name = ServerName::try_from(server_name)
            .map_err(|_| Error::Api(ApiMisuse::InvalidServerName))?
            .to_owned();
        let sni = match (&name, config.enable_sni) {
            // RFC 6066 §3: the HostName is sent without a trailing dot.
            (ServerName::DnsName(d), true) => Some(d.as_ref().trim_end_matches('.').to_owned()),
            _ => None,
        };
        Self::with_identity(
            config,
            ServerIdentity {
                sni,
                verify_name: Some(name),
            },
        )
    }

    /// Starts a connection with an explicit SNI value and name to verify (either may be absent,
    /// as OpenSSL's `SSL_set_tlsext_host_name` and `SSL_set1_host` are set separately).
    pub fn with_identity(
        config: Arc<ClientConfig>,
        identity: ServerIdentity,
    ) -> Result<Self, Error> {
        Self::resume(config, identity, None)
    }

    /// Starts a connection that offers `session` for resumption (OpenSSL's `SSL_set_session`)
    /// when it is still valid and its suite is enabled; with `None`, the configuration's
    /// session store is consulted as usual.
    pub fn resume(
        config: Arc<ClientConfig>,
        identity: ServerIdentity,
        session: Option<StoredSession>,
    ) -> Result<Self, Error> {
        let mut conn = Self::unstarted(config);
        let state = client::hello::start(&mut conn.cx, identity, session)?;
        conn.state = Some(state);
        Ok(conn)
    }

    /// The newest session this connection received a ticket for (OpenSSL's
    /// `SSL_get1_session`), to resume from in a later connection.
    pub fn session(&self) -> Option<StoredSession> {
        self.cx.latest_session.clone()
    }

    /// Test support: a connection that sends recorded ClientHellos instead of building them.
    #[cfg(test)]
    pub(crate) fn with_recorded_hellos(
        config: Arc<ClientConfig>,
        identity: ServerIdentity,
        hellos: Vec<Vec<u8>>,
    ) -> Result<Self, Error> {
        let mut conn = Self::unstarted(config);
        conn.cx.recorded_hellos = hellos.into();
        conn.state = Some(client::hello::start(&mut conn.cx, identity, None)?);
        Ok(conn)
    }

    fn unstarted(config: Arc<ClientConfig>) -> Self {
        Self {
            cx: Common::new(config),
            state: None,
            joiner: Joiner::default(),
            read_key: None,
            rx: Vec::new(),
            rx_start: 0,
            rx_end: 0,
            plain_start: 0,
            plain_end: 0,
            tx_start: 0,
            error: None,
            peer_closed: false,
            empty_records: 0,
            records_processed: 0,
        }
    }

    // ---- receiving ----

    /// Space to receive TLS bytes into; call `commit_received` with how many were written.
    /// Empty when the connection cannot take more until buffered data is processed or read.
    pub fn recv_buffer(&mut self) -> &mut [u8] {
        if self.rx.is_empty() {
            self.rx = self.cx.config.buffer_pool.take_recv(INITIAL_RECV_LEN);
        }
        // Move what is still needed to the front.
        let keep_from = if self.plain_start < self.plain_end {
            self.plain_start
        } else {
            self.rx_start
        };
        if keep_from > 0 && self.rx_end + MAX_WIRE_RECORD > self.rx.len() {
            self.rx.copy_within(keep_from..self.rx_end, 0);
            self.rx_end -= keep_from;
            self.rx_start -= keep_from;
            if self.plain_start < self.plain_end {
                self.plain_start -= keep_from;
                self.plain_end -= keep_from;
            }
        }
        // Grow when the record being received does not fit.
        if let Ok(Some(header)) = parse_header(&self.rx[self.rx_start..self.rx_end]) {
            let need = self.rx_start + header.wire_len();
            if need > self.rx.len() {
                let len = if self.is_established() {
                    RECV_BUFFER_LEN
                } else {
                    need.max(2 * self.rx.len()).min(RECV_BUFFER_LEN)
                };
                self.rx.resize(len.max(need), 0);
            }
        }
        &mut self.rx[self.rx_end..]
    }

    /// Hands a drained receive buffer back to the pool.
    fn recycle_rx(&mut self) {
        if !self.rx.is_empty() {
            let rx = std::mem::take(&mut self.rx);
            self.cx.config.buffer_pool.give_recv(rx);
        }
    }

    /// Records that `n` bytes were written into `recv_buffer()`.
    pub fn commit_received(&mut self, n: usize) {
        self.rx_end = (self.rx_end + n).min(self.rx.len());
    }

    /// Takes TLS bytes in (as much as fits) and returns how many were taken. Once the handshake
    /// is done, a protected record that arrives whole while nothing is buffered is decrypted
    /// straight from `data` into the receive buffer, with no copy before decryption; then only
    /// that record is taken, and its content is read (or processed) before more is fed.
    pub fn feed_tls(&mut self, data: &[u8]) -> usize {
        if let Some(n) = self.open_from(data) {
            return n;
        }
        let buf = self.recv_buffer();
        let n = buf.len().min(data.len());
        buf[..n].copy_from_slice(&data[..n]);
        self.commit_received(n);
        n
    }

    /// Only `feed_tls`'s direct path: takes the one whole protected application_data record at
    /// the start of `data` and decrypts it out of place, or takes nothing (`None`) when the
    /// path does not apply (handshake not done, bytes buffered, record incomplete or of another
    /// type). For a caller that lends bytes it still owns, such as a memory BIO, and must not
    /// take more than the current record.
    pub fn feed_record(&mut self, data: &[u8]) -> Option<usize> {
        self.open_from(data)
    }

    /// `feed_tls`'s direct path: decrypts the whole record at the start of `data` out of place,
    /// when the connection is established, nothing is buffered, and the record is protected
    /// application_data. Returns the bytes taken, or None to take `data` the usual way. An
    /// error is recorded for `process` to return, as if the record had been buffered.
    fn open_from(&mut self, data: &[u8]) -> Option<usize> {
        if self.error.is_some()
            || self.peer_closed
            || self.rx_start != self.rx_end
            || self.plain_start != self.plain_end
            || !self.is_established()
        {
            return None;
        }
        let header = parse_header(data).ok()??;
        let wire_len = header.wire_len();
        if header.typ != ContentType::APPLICATION_DATA || wire_len > data.len() {
            return None;
        }
        let key = self.read_key.as_mut()?;
        let need = wire_len - HEADER_LEN;
        if self.rx.len() < need {
            // As small as the record allows, as `recv_buffer` starts: a pooled buffer is only
            // as large as the records that came.
            if self.rx.is_empty() {
                self.rx = self
                    .cx
                    .config
                    .buffer_pool
                    .take_recv(need.max(INITIAL_RECV_LEN));
            }
            self.rx.resize(self.rx.len().max(need), 0);
        }
        self.rx_start = 0;
        self.rx_end = 0;
        let result = open_into(key, &data[..wire_len], &mut self.rx).and_then(|(typ, len)| {
            self.records_processed += 1;
            // The plaintext lies at the front; the wire position follows it, so bytes fed
            // later land after it.
            self.rx_start = len;
            self.rx_end = len;
            self.handle_content(typ, 0..len, true, true)
        });
        if let Err(e) = result {
            self.fail(e);
        } else if self.plain_start == self.plain_end {
            // Nothing left to read (a post-handshake message or an alert was handled).
            self.rx_start = 0;
            self.rx_end = 0;
            self.recycle_rx();
        }
        Some(wire_len)
    }

    /// Processes buffered records: advances the handshake, decrypts the next application data
    /// record, or records the peer's close_notify. Stops at the first application data record
    /// until it is read. On error the alert is queued for sending and the error returned (now
    /// and on every later call).
    pub fn process(&mut self) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        match self.process_records() {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(e)),
        }
    }

    fn process_records(&mut self) -> Result<(), Error> {
        while self.plain_start == self.plain_end && !self.peer_closed {
            if self.cx.pending.is_some() {
                return Ok(());
            }
            let Some(header) = parse_header(&self.rx[self.rx_start..self.rx_end])? else {
                break;
            };
            let start = self.rx_start;
            let end = start + header.wire_len();
            if end > self.rx_end {
                break;
            }
            self.rx_start = end;
            self.handle_record(header.typ, start, end)?;
            self.records_processed += 1;
        }
        if self.rx_start == self.rx_end && self.plain_start == self.plain_end {
            self.rx_start = 0;
            self.rx_end = 0;
            self.recycle_rx();
        }
        Ok(())
    }

    fn handle_record(&mut self, outer: ContentType, start: usize, end: usize) -> Result<(), Error> {
        let state = self
            .state
            .as_ref()
            .ok_or(Error::Api(ApiMisuse::ConnectionFailed))?;
        let (ccs_action, established) = (state.ccs_action(), state.is_established());
        let body = start + HEADER_LEN;
        if outer == ContentType::CHANGE_CIPHER_SPEC {
            return self.handle_ccs(ccs_action, body..end);
        }
        let tls13_keys = self
            .read_key
            .as_ref()
            .is_some_and(|k| k.kind() == RecordKind::Tls13);
        // TLS 1.3 wraps protected records as application_data; TLS 1.2 protects every type.
        let protected =
            self.read_key.is_some() && (!tls13_keys || outer == ContentType::APPLICATION_DATA);
        let (typ, payload) = match &mut self.read_key {
            // An unprotected alert after TLS 1.3 keys are in place can only end the connection.
            Some(_) if tls13_keys && outer == ContentType::ALERT => (outer, body..end),
            Some(key) => {
                let (typ, range) = open(key, &mut self.rx[start..end])?;
                (typ, start + range.start..start + range.end)
            }
            None if outer == ContentType::APPLICATION_DATA => {
                return Err(InvalidMessage::UnexpectedContentType(outer).into())
            }
            None => (outer, body..end),
        };
        self.handle_content(typ, payload, protected, established)
    }

    /// Acts on a record's content, now in `self.rx[payload]`.
    fn handle_content(
        &mut self,
        typ: ContentType,
        payload: Range<usize>,
        protected: bool,
        established: bool,
    ) -> Result<(), Error> {
        let len = payload.len();
        // RFC 8446 §5.1: "Implementations MUST NOT send zero-length fragments of Handshake
        // types"; §5.4 likewise for alerts (RFC 5246 §6.2.1 agrees).
        if len == 0 && typ != ContentType::APPLICATION_DATA {
            return Err(InvalidMessage::EmptyRecord.into());
        }
        // RFC 6066 §4: past an agreed maximum fragment length too.
        if len > self.cx.fragment_limit {
            return Err(InvalidMessage::RecordTooLarge.into());
        }
        match typ {
            ContentType::ALERT => self.handle_alert(payload, protected),
            ContentType::HANDSHAKE => {
                self.empty_records = 0;
                self.joiner.push(&self.rx[payload])?;
                self.handle_messages()
            }
            ContentType::APPLICATION_DATA => {
                // RFC 8446 §5.1: between fragments of a handshake message "there MUST NOT be
                // any other records".
                if !self.joiner.is_empty() {
                    return Err(InvalidMessage::InterleavedRecord(typ).into());
                }
                if !established {
                    return Err(InvalidMessage::UnexpectedContentType(typ).into());
                }
                if len == 0 {
                    return self.count_empty();
                }
                self.empty_records = 0;
                self.plain_start = payload.start;
                self.plain_end = payload.end;
                Ok(())
            }
            other => Err(InvalidMessage::UnexpectedContentType(other).into()),
        }
    }

    /// change_cipher_spec: dropped in TLS 1.3 until the server's Finished (RFC 8446 §5), the
    /// read key switch in TLS 1.2 (RFC 5246 §7.1), unexpected_message anywhere else.
    fn handle_ccs(&mut self, action: CcsAction, payload: Range<usize>) -> Result<(), Error> {
        if !self.joiner.is_empty() {
            return Err(InvalidMessage::InterleavedRecord(ContentType::CHANGE_CIPHER_SPEC).into());
        }
        if self.rx[payload.clone()] != [1] || action == CcsAction::Reject {
            return Err(InvalidMessage::BadChangeCipherSpec.into());
        }
        self.cx
            .observe(false, ContentType::CHANGE_CIPHER_SPEC, &self.rx[payload]);
        if action == CcsAction::Ignore {
            return self.count_empty();
        }
        let state = self
            .state
            .take()
            .ok_or(Error::Api(ApiMisuse::ConnectionFailed))?;
        self.state = Some(state.handle_ccs(&mut self.cx)?);
        self.read_key = self.cx.pending_read_key.take();
        Ok(())
    }

    fn count_empty(&mut self) -> Result<(), Error> {
        self.empty_records += 1;
        if self.empty_records > MAX_EMPTY_RECORDS {
            return Err(InvalidMessage::TooManyEmptyRecords.into());
        }
        Ok(())
    }

    fn handle_alert(
        &mut self,
        payload: core::ops::Range<usize>,
        protected: bool,
    ) -> Result<(), Error> {
        let alert = &self.rx[payload];
        self.cx.observe(false, ContentType::ALERT, alert);
        if alert.len() != 2 {
            return Err(InvalidMessage::BadAlert.into());
        }
        let desc = AlertDescription(alert[1]);
        match desc {
            // Only a protected close_notify closes cleanly; an unprotected one could be forged,
            // so it ends the connection as an error.
            AlertDescription::CLOSE_NOTIFY if protected => {
                self.peer_closed = true;
                Ok(())
            }
            AlertDescription::CLOSE_NOTIFY => Err(Error::AlertReceived(desc)),
            // RFC 8446 §6.1: user_canceled is followed by close_notify.
            AlertDescription::USER_CANCELED if alert[0] == ALERT_WARNING => self.count_empty(),
            // RFC 5246 §7.2: TLS 1.2 warnings (no_renegotiation, ...) need not end anything.
            _ if alert[0] == ALERT_WARNING
                && self.cx.negotiated.version == Some(ProtocolVersion::TLS12) =>
            {
                self.count_empty()
            }
            // RFC 8446 §6.2: every other alert is an error, whatever its level.
            _ => Err(Error::AlertReceived(desc)),
        }
    }

    fn handle_messages(&mut self) -> Result<(), Error> {
        while self.cx.pending.is_none() {
            let Some((typ, encoded)) = self.joiner.next_message()? else {
                break;
            };
            self.cx.observe_handshake(false, encoded);
            let msg = Message {
                typ,
                body: &encoded[4..],
                encoded,
            };
            let state = self
                .state
                .take()
                .ok_or(Error::Api(ApiMisuse::ConnectionFailed))?;
            self.state = Some(state.handle(&mut self.cx, msg)?);
            if let Some(key) = self.cx.pending_read_key.take() {
                // RFC 8446 §5.1: handshake messages MUST NOT span key changes.
                if !self.joiner.is_empty() {
                    return Err(InvalidMessage::HandshakeSpansKeyChange.into());
                }
                self.read_key = Some(key);
            }
        }
        if self.is_established() {
            self.joiner.release();
        }
        Ok(())
    }

    /// Whether the handshake waits for the caller's answer to a pause (a `finish_*` call).
    pub fn is_paused(&self) -> bool {
        self.cx.pending.is_some()
    }

    /// Whether the handshake waits for `finish_status_check` (see
    /// `ClientConfig::pause_for_status_check`). The server's chain, its verification result and
    /// its OCSP response (`ocsp_response`) are known by then.
    pub fn status_check_pending(&self) -> bool {
        self.cx.pending == Some(Pending::StatusCheck)
    }

    /// Whether the handshake waits for `finish_chain_verification` (see
    /// `ClientConfig::pause_for_chain_verification`); the chain is `peer_certificates`.
    pub fn chain_verification_pending(&self) -> bool {
        self.cx.pending == Some(Pending::ChainVerification)
    }

    /// The caller's verdict on the server's chain: recorded as the verification result; an
    /// error fails the handshake (with its alert) when verification is enforced, else the
    /// handshake goes on from the records already received, as after a passed check.
    pub fn finish_chain_verification(
        &mut self,
        verdict: Result<(), CertificateError>,
    ) -> Result<(), Error> {
        self.take_pending(Pending::ChainVerification, ApiMisuse::NoChainPending)?;
        self.cx.negotiated.verify_result = Some(verdict.clone());
        match (verdict, self.cx.config.verify_mode) {
            (Err(e), VerifyMode::Enforce) => Err(self.fail(Error::Certificate(e))),
            _ => self.go_on(),
        }
    }

    /// Ends whatever pause is pending with the caller's failure `e` (its alert is sent), as when
    /// an application callback fails.
    pub fn abort_pending(&mut self, e: Error) -> Error {
        self.cx.pending = None;
        self.fail(e)
    }

    /// Ends the pause `which` for the caller's answer: the stored error if the connection
    /// failed, `misuse` if the handshake is not waiting for that answer.
    fn take_pending(&mut self, which: Pending, misuse: ApiMisuse) -> Result<(), Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.cx.pending != Some(which) {
            return Err(Error::Api(misuse));
        }
        self.cx.pending = None;
        Ok(())
    }

    /// Goes on after a pause, from the records already received.
    fn go_on(&mut self) -> Result<(), Error> {
        match self.handle_messages().and_then(|()| self.process_records()) {
            Ok(()) => Ok(()),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Whether the handshake waits for `finish_client_credential` (see
    /// `ClientConfig::pause_for_client_credential`).
    pub fn client_credential_pending(&self) -> bool {
        self.cx.pending == Some(Pending::ClientCredential)
    }

    /// Answers the server's CertificateRequest: with `credential` when its key can sign with
    /// a scheme the server and the configuration accept (RFC 8446 §4.4.2.3, RFC 5246 §7.4.4),
    /// else as without a pause: with `ClientConfig::client_credential` if it fits, else with
    /// an empty Certificate. The handshake then goes on from the records already received.
    pub fn finish_client_credential(
        &mut self,
        credential: Option<Arc<ClientCredential>>,
    ) -> Result<(), Error> {
        self.take_pending(Pending::ClientCredential, ApiMisuse::NoCredentialPending)?;
        if let (Some(state), Some(credential)) = (self.state.as_mut(), credential) {
            state.use_client_credential(&self.cx, credential);
        }
        self.go_on()
    }

    /// The caller's verdict on the server's certificate status: `Ok`, the handshake goes on
    /// from the records already received; an error (`Error::StatusRejected` for a response
    /// judged bad: bad_certificate_status_response, RFC 6066 §8) fails the connection with it.
    pub fn finish_status_check(&mut self, verdict: Result<(), Error>) -> Result<(), Error> {
        self.take_pending(Pending::StatusCheck, ApiMisuse::NoStatusCheckPending)?;
        if let Err(e) = verdict {
            return Err(self.fail(e));
        }
        let state = self
            .state
            .take()
            .ok_or(Error::Api(ApiMisuse::ConnectionFailed))?;
        match state.resume_after_status_check(&mut self.cx) {
            Ok(state) => self.state = Some(state),
            Err(e) => return Err(self.fail(e)),
        }
        self.go_on()
    }

    /// The OCSP response the server stapled (RFC 6066 §8), if `ClientConfig::request_ocsp`
    /// asked for one and it came.
    pub fn ocsp_response(&self) -> Option<&[u8]> {
        self.cx.negotiated.ocsp_response.as_deref()
    }

    /// Records the error, queues its alert (RFC 8446 §6.2) and returns it.
    fn fail(&mut self, e: Error) -> Error {
        if let Some(alert) = e.alert() {
            if !self.cx.sent_close {
                self.queue_alert(ALERT_FATAL, alert);
                self.cx.sent_close = true;
            }
        }
        self.state = None;
        self.error = Some(e.clone());
        e
    }

    fn queue_alert(&mut self, level: u8, desc: AlertDescription) {
        self.cx.send_alert(level, desc);
    }

    // ---- reading and writing application data ----

    /// Copies decrypted application data into `buf`, processing buffered records first.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<ReadStatus, Error> {
        self.process()?;
        if self.plain_start < self.plain_end {
            let n = buf.len().min(self.plain_end - self.plain_start);
            buf[..n].copy_from_slice(&self.rx[self.plain_start..self.plain_start + n]);
            self.plain_start += n;
            if self.plain_start == self.plain_end {
                self.plain_start = 0;
                self.plain_end = 0;
                if self.rx_start == self.rx_end {
                    self.rx_start = 0;
                    self.rx_end = 0;
                    self.recycle_rx();
                }
            }
            return Ok(ReadStatus::Data(n));
        }
        Ok(if self.peer_closed {
            ReadStatus::Closed
        } else {
            ReadStatus::WantRead
        })
    }

    /// Decrypted application data not yet read, without consuming it (`SSL_peek`).
    pub fn peek(&mut self) -> Result<&[u8], Error> {
        self.process()?;
        Ok(&self.rx[self.plain_start..self.plain_end])
    }

    /// Bytes of the current application data record not yet read (`SSL_pending`).
    pub fn plaintext_pending(&self) -> usize {
        self.plain_end - self.plain_start
    }

    /// Encrypts `data` into records of at most 2^14 bytes and queues them. Returns `data.len()`.
    pub fn write(&mut self, data: &[u8]) -> Result<usize, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        if self.cx.sent_close {
            return Err(Error::Api(ApiMisuse::WriteAfterClose));
        }
        if !self.is_established() {
            return Err(Error::Api(ApiMisuse::HandshakeNotComplete));
        }
        if self.cx.tx.capacity() == 0 {
            self.cx.tx = self.cx.config.buffer_pool.take_send();
        }
        // RFC 8446 §5.5: new keys before this write would pass the limit.
        let records = data.len().div_ceil(self.cx.send_limit()).max(1) as u64;
        let used = self.cx.write_key.as_ref().map_or(0, RecordKey::sequence);
        if matches!(self.state, Some(State::Established(_)))
            && used + records > KEY_UPDATE_AFTER_RECORDS
        {
            self.update_write_key().map_err(|e| self.fail(e))?;
        }
        let limit = self.cx.send_limit();
        write_records(
            self.cx.write_key.as_mut(),
            &mut self.cx.tx,
            ContentType::APPLICATION_DATA,
            data,
            limit,
            self.cx.config.record_padding,
        )
        .map_err(|e| self.fail(e))?;
        Ok(data.len())
    }

    /// Queues close_notify (RFC 8446 §6.1). Later writes fail.
    pub fn send_close_notify(&mut self) {
        if !self.cx.sent_close {
            self.queue_alert(ALERT_WARNING, AlertDescription::CLOSE_NOTIFY);
            self.cx.sent_close = true;
        }
    }

    /// Sends a KeyUpdate and switches to the next write key (RFC 8446 §4.6.3).
    pub fn update_write_key(&mut self) -> Result<(), Error> {
        self.send_key_update(false)
    }

    /// Sends a KeyUpdate and switches to the next write key; with `request_peer`, the
    /// KeyUpdate asks the server to update its own keys too (update_requested, RFC 8446
    /// §4.6.3), and the server's answer moves the read key when it arrives.
    pub fn send_key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        match &mut self.state {
            Some(State::Established(s)) => s.update_write_key(&mut self.cx, request_peer),
            Some(State::Established12(_)) => Err(Error::Unsupported("KeyUpdate is TLS 1.3 only")),
            _ => Err(Error::Api(ApiMisuse::HandshakeNotComplete)),
        }
    }

    // ---- sending ----

    /// Queued TLS bytes to send, whole flights together.
    pub fn pending_tls(&self) -> &[u8] {
        &self.cx.tx[self.tx_start..]
    }

    /// Marks `n` queued bytes as sent.
    pub fn consume_tls(&mut self, n: usize) {
        self.tx_start = (self.tx_start + n).min(self.cx.tx.len());
        if self.tx_start == self.cx.tx.len() {
            self.cx.tx.clear();
            self.tx_start = 0;
            let tx = std::mem::take(&mut self.cx.tx);
            self.cx.config.buffer_pool.give_send(tx);
        }
    }

    /// Hands the receive and send buffers back to the configuration's pool if they hold nothing
    /// (idle connections; drained buffers go back on their own).
    pub fn release_buffers(&mut self) {
        if self.rx_start == self.rx_end && self.plain_start == self.plain_end {
            self.rx_start = 0;
            self.rx_end = 0;
            self.recycle_rx();
        }
        if self.pending_tls().is_empty() {
            self.tx_start = 0;
            let tx = std::mem::take(&mut self.cx.tx);
            self.cx.config.buffer_pool.give_send(tx);
        }
    }

    // ---- state ----

    /// Whether the handshake is still running (false once established or failed).
    pub fn is_handshaking(&self) -> bool {
        self.state.as_ref().is_some_and(|s| !s.is_established())
    }

    /// Whether the handshake completed.
    pub fn is_established(&self) -> bool {
        self.state.as_ref().is_some_and(State::is_established)
    }

    /// Whether more TLS bytes from the peer are needed to make progress.
    pub fn wants_read(&self) -> bool {
        if self.error.is_some() || self.peer_closed || self.plain_start < self.plain_end {
            return false;
        }
        match parse_header(&self.rx[self.rx_start..self.rx_end]) {
            Ok(Some(h)) => self.rx_start + h.wire_len() > self.rx_end,
            Ok(None) => true,
            Err(_) => false,
        }
    }

    /// How many records have been processed so far (of every content type).
    pub fn records_processed(&self) -> u64 {
        self.records_processed
    }

    /// How many more received bytes complete the next record: the rest of its 5-byte header,
    /// else the rest of its body. A caller that must not read past the current record (OpenSSL
    /// without read-ahead, so an event loop still sees later records as socket readiness) reads
    /// at most this much. 0 when no bytes are wanted.
    pub fn tls_bytes_wanted(&self) -> usize {
        if !self.wants_read() {
            return 0;
        }
        let have = self.rx_end - self.rx_start;
        match parse_header(&self.rx[self.rx_start..self.rx_end]) {
            Ok(Some(h)) => h.wire_len() - have,
            _ => HEADER_LEN - have,
        }
    }

    /// Whether queued TLS bytes wait to be sent.
    pub fn wants_write(&self) -> bool {
        !self.pending_tls().is_empty()
    }

    /// The error that ended the connection, if any.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Whether the peer's close_notify was received.
    pub fn peer_closed(&self) -> bool {
        self.peer_closed
    }

    /// Whether our close_notify (or a fatal alert) was queued.
    pub fn sent_close(&self) -> bool {
        self.cx.sent_close
    }

    /// OpenSSL's long state string for where the handshake stands.
    pub fn state_name(&self) -> &'static str {
        match &self.state {
            Some(s) => s.name(),
            None if self.error.is_some() => "error",
            None => "before SSL initialization",
        }
    }

    /// Everything negotiated so far.
    pub fn negotiated(&self) -> &Negotiated {
        &self.cx.negotiated
    }

    /// The protocol version, once ServerHello was processed.
    pub fn protocol_version(&self) -> Option<ProtocolVersion> {
        self.cx.negotiated.version
    }

    /// The cipher suite's IANA name, once ServerHello was processed.
    pub fn cipher_suite(&self) -> Option<crate::provider::Tls13Suite> {
        self.cx.negotiated.suite
    }

    /// The key exchange group.
    pub fn group(&self) -> Option<NamedGroup> {
        self.cx.negotiated.group
    }

    /// The ALPN protocol the server chose.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.cx.negotiated.alpn.as_deref()
    }

    /// The server's certificates, end-entity first.
    pub fn peer_certificates(&self) -> &[CertificateDer<'static>] {
        &self.cx.negotiated.peer_certificates
    }

    /// The certificate verification outcome (`None` before the Certificate message).
    pub fn verify_result(&self) -> Option<&Result<(), CertificateError>> {
        self.cx.negotiated.verify_result.as_ref()
    }

    /// Takes the sessions established since the last call (newest last, at most
    /// `MAX_STORED_TICKETS`): each TLS 1.3 ticket, and the session of a full TLS 1.2 handshake
    /// (not a resumed one). What OpenSSL hands to its new-session callback.
    pub fn take_new_sessions(&mut self) -> Vec<StoredSession> {
        self.cx.new_sessions.drain(..).collect()
    }

    /// Takes the session tickets received so far (newest last).
    pub fn take_session_tickets(&mut self) -> Vec<SessionTicket> {
        self.cx.tickets.drain(..).collect()
    }

    /// Fills `out` with keying material for `label` and `context` (RFC 8446 §7.5 in TLS 1.3,
    /// RFC 5705 §4 in TLS 1.2), once the handshake is complete. In TLS 1.3 no context and an
    /// empty one give the same bytes; in TLS 1.2 they differ.
    pub fn export_keying_material(
        &self,
        out: &mut [u8],
        label: &[u8],
        context: Option<&[u8]>,
    ) -> Result<(), Error> {
        let exported = match &self.cx.exporter {
            None => return Err(Error::Api(ApiMisuse::HandshakeNotComplete)),
            Some(ExporterSecret::Tls13 {
                hash,
                master_and_hash,
            }) => export13_from_master(
                *hash,
                master_and_hash,
                label,
                context.unwrap_or_default(),
                out,
            ),
            Some(ExporterSecret::Tls12 { hash, master }) => {
                let n = &self.cx.negotiated;
                let (Some(client), Some(server)) = (&n.client_random, &n.server_random) else {
                    return Err(Error::Internal(
                        "TLS 1.2 exporter without the hello randoms",
                    ));
                };
                let master = crate::provider::Secret::from_slice(master.as_bytes());
                export12(*hash, &master, client, server, label, context, out)
            }
        };
        exported.map_err(|e| Error::Api(ApiMisuse::Exporter(e)))
    }
}

impl core::fmt::Debug for ClientConnection {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ClientConnection")
            .field("state", &self.state_name())
            .field("negotiated", &self.cx.negotiated)
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::MAX_PLAINTEXT;
    use crate::verify::NoServerVerification;

    fn started() -> ClientConnection {
        let config = Arc::new(ClientConfig::with_verifier(Arc::new(NoServerVerification)));
        ClientConnection::new(config, "example.com").unwrap()
    }

    /// Feeds a full initial buffer: the header of a handshake record of `len` bytes and the
    /// start of its body.
    fn feed_partial_record(conn: &mut ClientConnection, len: usize) {
        let mut bytes = vec![22, 3, 3, (len >> 8) as u8, len as u8];
        bytes.resize(INITIAL_RECV_LEN, 0);
        assert_eq!(conn.feed_tls(&bytes), INITIAL_RECV_LEN);
    }

    #[test]
    fn receive_buffer_starts_small_and_grows_to_fit_the_record() {
        let mut conn = started();
        assert_eq!(conn.recv_buffer().len(), INITIAL_RECV_LEN);
        // A record a little longer than the buffer: the buffer doubles.
        feed_partial_record(&mut conn, 5000);
        assert_eq!(conn.recv_buffer().len(), INITIAL_RECV_LEN);
        // A record longer than twice the buffer: it grows to hold exactly that record.
        let mut conn = started();
        feed_partial_record(&mut conn, 9000);
        assert_eq!(
            conn.recv_buffer().len(),
            HEADER_LEN + 9000 - INITIAL_RECV_LEN
        );
        assert_eq!(
            conn.tls_bytes_wanted(),
            HEADER_LEN + 9000 - INITIAL_RECV_LEN
        );
    }

    /// A rustls TLS 1.3 server with the test ECDSA chain, in memory.
    fn rustls_server() -> rustls::ServerConnection {
        use rustls::pki_types::pem::PemObject;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/certs");
        let chain = rustls::pki_types::CertificateDer::pem_file_iter(dir.join("ecdsa.chain.pem"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let key = rustls::pki_types::PrivateKeyDer::from_pem_file(dir.join("ecdsa.key")).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        rustls::ServerConnection::new(Arc::new(config)).unwrap()
    }

    /// Moves the client's queued bytes to the server and the server's back; returns the
    /// plaintext the server received.
    fn pump(client: &mut ClientConnection, server: &mut rustls::ServerConnection) -> Vec<u8> {
        let mut out = client.pending_tls().to_vec();
        client.consume_tls(out.len());
        let mut slice = out.as_slice();
        let mut plain = Vec::new();
        while !slice.is_empty() {
            server.read_tls(&mut slice).unwrap();
            server.process_new_packets().unwrap();
            let _ = std::io::Read::read_to_end(&mut server.reader(), &mut plain);
        }
        out.clear();
        while server.wants_write() {
            server.write_tls(&mut out).unwrap();
        }
        let mut at = 0;
        while at < out.len() {
            at += client.feed_tls(&out[at..]);
            client.process().unwrap();
        }
        plain
    }

    /// A client with the handshake done against the in-memory rustls server.
    fn established() -> (ClientConnection, rustls::ServerConnection) {
        let mut client = started();
        let mut server = rustls_server();
        while client.is_handshaking() {
            pump(&mut client, &mut server);
        }
        pump(&mut client, &mut server);
        (client, server)
    }

    /// The server's records from now on, as sent.
    fn server_records(server: &mut rustls::ServerConnection) -> Vec<u8> {
        let mut out = Vec::new();
        while server.wants_write() {
            server.write_tls(&mut out).unwrap();
        }
        out
    }

    /// Splits `bytes` into whole records.
    fn records(mut bytes: &[u8]) -> Vec<&[u8]> {
        let mut all = Vec::new();
        while !bytes.is_empty() {
            let len = parse_header(bytes).unwrap().unwrap().wire_len();
            all.push(&bytes[..len]);
            bytes = &bytes[len..];
        }
        all
    }

    #[test]
    fn whole_records_are_decrypted_straight_from_the_fed_bytes() {
        use std::io::Write;
        let (mut client, mut server) = established();
        // Full and short records, a KeyUpdate between them (RFC 8446 §4.6.3), close_notify.
        let big: Vec<u8> = (0..MAX_PLAINTEXT + 100).map(|i| i as u8).collect();
        server.writer().write_all(&big).unwrap();
        server.refresh_traffic_keys().unwrap();
        server.writer().write_all(b"after the update").unwrap();
        server.send_close_notify();
        let wire = server_records(&mut server);
        let mut got = Vec::new();
        let mut buf = vec![0u8; 2 * MAX_PLAINTEXT];
        let mut at = 0;
        for record in records(&wire) {
            // Everything left is offered; exactly the next record is taken.
            assert_eq!(client.feed_tls(&wire[at..]), record.len());
            at += record.len();
            assert_eq!(client.rx_end, client.rx_start, "nothing was copied in");
            client.process().unwrap();
            while let ReadStatus::Data(n) = client.read(&mut buf).unwrap() {
                got.extend_from_slice(&buf[..n]);
            }
        }
        assert_eq!(got, [&big[..], b"after the update"].concat());
        assert!(client.peer_closed());
        assert_eq!(client.read(&mut buf).unwrap(), ReadStatus::Closed);
    }

    #[test]
    fn a_forged_record_fed_whole_fails_with_bad_record_mac() {
        use std::io::Write;
        let (mut client, mut server) = established();
        server.writer().write_all(b"one").unwrap();
        server.writer().write_all(b"two").unwrap();
        let mut wire = server_records(&mut server);
        let first = records(&wire)[0].len();
        wire[first - 1] ^= 1;
        assert_eq!(client.feed_tls(&wire), first);
        assert_eq!(client.process(), Err(Error::DecryptFailed));
        // RFC 8446 §5.2: bad_record_mac, sent as a fatal alert.
        assert!(client.wants_write());
        assert_eq!(
            client.read(&mut [0u8; 8]),
            Err(Error::DecryptFailed),
            "the error stays"
        );
        // Later bytes are not decrypted.
        assert_eq!(client.feed_tls(&wire[first..]), wire.len() - first);
        assert_eq!(client.process(), Err(Error::DecryptFailed));
    }

    #[test]
    fn write_key_is_updated_before_the_record_limit() {
        // RFC 8446 §5.5 and §4.6.3: the server must keep decrypting across our KeyUpdates.
        let (mut client, mut server) = established();
        let mut received = Vec::new();
        for i in 0..3 * KEY_UPDATE_AFTER_RECORDS as u8 {
            client.write(&[i]).unwrap();
            assert!(
                client.cx.write_key.as_ref().unwrap().sequence() <= KEY_UPDATE_AFTER_RECORDS,
                "record {i}"
            );
            received.extend(pump(&mut client, &mut server));
        }
        let expected: Vec<u8> = (0..3 * KEY_UPDATE_AFTER_RECORDS as u8).collect();
        assert_eq!(received, expected);
        // A write of several records that would cross the limit is preceded by new keys too.
        let big = vec![7u8; 3 * MAX_PLAINTEXT];
        client.write(&big).unwrap();
        assert!(client.cx.write_key.as_ref().unwrap().sequence() <= KEY_UPDATE_AFTER_RECORDS);
        assert_eq!(pump(&mut client, &mut server), big);
    }
}
