//! Functions programs link against that this client library does not act on. SRP, client
//! certificate engines and chain checks are not supported: those calls fail clearly (0, with
//! `ERR_R_UNSUPPORTED` queued), so a program that needs them stops with an error instead of
//! connecting without them. Settings that only matter to a server or to features not yet
//! present are accepted and succeed. MATRIX.md lists every export and its status.

use std::ffi::{c_char, c_int, c_uint, c_void};

use crate::cipher::{cipher_by_id, SSL_CIPHER};
use crate::ctx::SSL_CTX;
use crate::entry::entry;
use crate::errors;
use crate::ffi::{self, EVP_PKEY, X509};
use crate::ssl::SSL;

/// `ERR_R_UNSUPPORTED`.
const ERR_R_UNSUPPORTED: u32 = 0x8010C;

fn unsupported(func: &str, what: &str) -> c_int {
    errors::raise_ssl(func, ERR_R_UNSUPPORTED, Some(what));
    0
}

const NO_CERT_ENGINES: &str = "client certificate engines and chain checks are not supported";

entry! {
    /// `SSL_CTX_set_alpn_select_cb`: accepted (a server's choice; never called here).
    fn SSL_CTX_set_alpn_select_cb(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_get0_verified_chain`: null (the verified chain is not kept as libcrypto objects;
    /// `SSL_get_peer_cert_chain` has the chain as sent).
    fn SSL_get0_verified_chain(s: *const SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_get_ciphers`: null (no cipher stack is built; the suites offered are the
    /// context's lists).
    fn SSL_get_ciphers(s: *const SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_get_finished`: 0 (the Finished messages are not kept).
    fn SSL_get_finished(s: *const SSL, buf: *mut c_void, count: usize) -> usize {
        nonnull: [s], fail: 0;
        let _ = (buf, count);
        0
    }

    /// `SSL_get_peer_finished`: 0, as above.
    fn SSL_get_peer_finished(s: *const SSL, buf: *mut c_void, count: usize) -> usize {
        nonnull: [s], fail: 0;
        let _ = (buf, count);
        0
    }

    /// `SSL_set_SSL_CTX`: not supported (null; the object keeps its context).
    fn SSL_set_SSL_CTX(s: *mut SSL, c: *mut SSL_CTX) -> *mut SSL_CTX {
        nonnull: [s], fail: std::ptr::null_mut();
        let _ = c;
        unsupported("SSL_set_SSL_CTX", "switching an SSL's context is not supported");
        std::ptr::null_mut()
    }

    /// `SSL_set_accept_state`: the server side is not supported; the object stays unset, so
    /// its handshake fails with "connection type not set".
    fn SSL_set_accept_state(s: *mut SSL) -> () {
        nonnull: [s], fail: ();
    }

    /// `SSL_verify_client_post_handshake`: a server call; not supported (0).
    fn SSL_verify_client_post_handshake(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_verify_client_post_handshake", "the server side is not supported")
    }

    /// `SSL_select_next_proto` (RFC 7301 / NPN helper): the first of the server's protocols the
    /// client also lists (`OPENSSL_NPN_NEGOTIATED`, 1), else the client's first
    /// (`OPENSSL_NPN_NO_OVERLAP`, 2; none if the client's list is empty). Malformed lists
    /// match nothing.
    fn SSL_select_next_proto(
        out: *mut *mut u8,
        outlen: *mut u8,
        server: *const u8,
        server_len: c_uint,
        client: *const u8,
        client_len: c_uint,
    ) -> c_int {
        nonnull: [out, outlen], fail: 0;
        // SAFETY: the caller passes the lists with their lengths (null only when empty).
        let list = |p: *const u8, n: c_uint| unsafe {
            if p.is_null() || n == 0 { &[][..] } else { std::slice::from_raw_parts(p, n as usize) }
        };
        let (server, client) = (list(server, server_len), list(client, client_len));
        let protocols = |l: &'static [u8]| -> Vec<&'static [u8]> {
            let mut v = Vec::new();
            let mut rest = l;
            while let Some((&n, tail)) = rest.split_first() {
                if n == 0 || tail.len() < usize::from(n) {
                    return Vec::new();
                }
                let (p, r) = tail.split_at(usize::from(n));
                v.push(p);
                rest = r;
            }
            v
        };
        let (server, client) = (protocols(server), protocols(client));
        let (chosen, result) = match server.iter().find(|p| client.contains(p)) {
            Some(p) => (Some(*p), 1),
            None => (client.first().copied(), 2),
        };
        // SAFETY: `out` and `outlen` are the caller's, checked non-null; the result points
        // into the caller's own list, as OpenSSL's does.
        unsafe {
            match chosen {
                Some(p) => {
                    *out = p.as_ptr().cast_mut();
                    *outlen = p.len() as u8;
                }
                None => {
                    *out = std::ptr::null_mut();
                    *outlen = 0;
                }
            }
        }
        result
    }

    /// `SSL_get_client_ciphers`: null (a server's view of the ClientHello).
    fn SSL_get_client_ciphers(s: *const SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_set_session_id_context`: accepted (a server's session cache setting).
    fn SSL_set_session_id_context(s: *mut SSL, ctx: *const u8, len: c_uint) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (ctx, len);
        1
    }

    /// `SSL_CTX_set_psk_client_callback`: accepted, never called (external PSKs are not
    /// supported: the handshake uses certificates).
    fn SSL_CTX_set_psk_client_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_psk_server_callback`: accepted, never called (a server callback).
    fn SSL_CTX_set_psk_server_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_use_psk_identity_hint`: a server setting; not supported (0).
    fn SSL_CTX_use_psk_identity_hint(c: *mut SSL_CTX, hint: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = hint;
        unsupported("SSL_CTX_use_psk_identity_hint", "external PSKs are not supported")
    }

    /// `SSL_CIPHER_find`: the suite with the two-byte IANA number at `ptr`, or null.
    fn SSL_CIPHER_find(s: *mut SSL, ptr: *const u8) -> *const SSL_CIPHER {
        nonnull: [s, ptr], fail: std::ptr::null();
        // SAFETY: the caller passes two readable bytes.
        let id = unsafe { u16::from_be_bytes([*ptr, *ptr.add(1)]) };
        cipher_by_id(id).map_or(std::ptr::null(), |c| c as *const SSL_CIPHER)
    }

    /// `SSL_extension_supported`: whether this library handles the extension type itself.
    fn SSL_extension_supported(ext_type: c_uint) -> c_int {
        nonnull: [], fail: 0;
        // server_name, status_request (never sent), supported_groups, ec_point_formats,
        // signature_algorithms, ALPN, extended_master_secret, session_ticket, pre_shared_key,
        // supported_versions, cookie, psk_key_exchange_modes, signature_algorithms_cert,
        // key_share, renegotiation_info.
        c_int::from(matches!(
            ext_type,
            0 | 10 | 11 | 13 | 16 | 23 | 35 | 41 | 43 | 44 | 45 | 50 | 51 | 0xff01
        ))
    }

    /// `SSL_get_cipher_list`: null (no cipher stack is built; see `SSL_get_ciphers`).
    fn SSL_get_cipher_list(s: *const SSL, n: c_int) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        let _ = n;
        std::ptr::null()
    }

    /// `SSL_renegotiate`: refused (0), as renegotiation is (RFC 5746 is only used to refuse
    /// it).
    fn SSL_renegotiate(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_renegotiate", "renegotiation is not supported")
    }

    /// `SSL_renegotiate_pending`: 0 (never).
    fn SSL_renegotiate_pending(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        0
    }

    /// `SSL_read_early_data`: a server call; not supported (`SSL_READ_EARLY_DATA_ERROR`).
    fn SSL_read_early_data(s: *mut SSL, buf: *mut c_void, num: usize, readbytes: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (buf, num, readbytes);
        unsupported("SSL_read_early_data", "early data is not supported")
    }

    /// `SSL_write_early_data`: not supported (0): no 0-RTT.
    fn SSL_write_early_data(s: *mut SSL, buf: *const c_void, num: usize, written: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (buf, num, written);
        unsupported("SSL_write_early_data", "early data is not supported")
    }

    /// `SSL_CTX_add_client_custom_ext`: not supported (0).
    fn SSL_CTX_add_client_custom_ext(
        c: *mut SSL_CTX,
        ext_type: c_uint,
        add_cb: *const c_void,
        free_cb: *const c_void,
        add_arg: *mut c_void,
        parse_cb: *const c_void,
        parse_arg: *mut c_void,
    ) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (ext_type, add_cb, free_cb, add_arg, parse_cb, parse_arg);
        unsupported("SSL_CTX_add_client_custom_ext", "custom extensions are not supported")
    }

    /// `SSL_CTX_add_server_custom_ext`: not supported (0).
    fn SSL_CTX_add_server_custom_ext(
        c: *mut SSL_CTX,
        ext_type: c_uint,
        add_cb: *const c_void,
        free_cb: *const c_void,
        add_arg: *mut c_void,
        parse_cb: *const c_void,
        parse_arg: *mut c_void,
    ) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (ext_type, add_cb, free_cb, add_arg, parse_cb, parse_arg);
        unsupported("SSL_CTX_add_server_custom_ext", "custom extensions are not supported")
    }

    /// `SSL_CTX_set_cert_cb`: accepted, never called (the certificate sent is the one set with
    /// `SSL_CTX_use_certificate` and friends).
    fn SSL_CTX_set_cert_cb(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_set_cert_cb`: accepted, never called.
    fn SSL_set_cert_cb(s: *mut SSL, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [s], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_CTX_set_cert_verify_callback`: accepted, never called: chains are verified by
    /// this library (the verify callback of `SSL_CTX_set_verify` is called as in OpenSSL).
    fn SSL_CTX_set_cert_verify_callback(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_CTX_set_client_cert_engine`: not supported (0).
    fn SSL_CTX_set_client_cert_engine(c: *mut SSL_CTX, e: *mut c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = e;
        unsupported("SSL_CTX_set_client_cert_engine", NO_CERT_ENGINES)
    }

    /// `SSL_CTX_set_cookie_generate_cb`: a DTLS server callback; accepted, never called.
    fn SSL_CTX_set_cookie_generate_cb(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_cookie_verify_cb`: a DTLS server callback; accepted, never called.
    fn SSL_CTX_set_cookie_verify_cb(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_psk_find_session_callback`: a server callback; accepted, never called.
    fn SSL_CTX_set_psk_find_session_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_psk_use_session_callback`: accepted, never called (external PSKs are not
    /// supported).
    fn SSL_CTX_set_psk_use_session_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_tlsext_use_srtp`: not supported (1, which is failure for this call).
    fn SSL_CTX_set_tlsext_use_srtp(c: *mut SSL_CTX, profiles: *const c_char) -> c_int {
        nonnull: [c], fail: 1;
        let _ = profiles;
        unsupported("SSL_CTX_set_tlsext_use_srtp", "SRTP is not supported");
        1
    }

    /// `SSL_set_tlsext_use_srtp`: not supported (1, failure).
    fn SSL_set_tlsext_use_srtp(s: *mut SSL, profiles: *const c_char) -> c_int {
        nonnull: [s], fail: 1;
        let _ = profiles;
        unsupported("SSL_set_tlsext_use_srtp", "SRTP is not supported");
        1
    }

    /// `SSL_get_selected_srtp_profile`: null (none).
    fn SSL_get_selected_srtp_profile(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `DTLS_get_data_mtu`: 0 (not DTLS).
    fn DTLS_get_data_mtu(s: *const SSL) -> usize {
        nonnull: [s], fail: 0;
        0
    }

    /// `DTLSv1_listen`: not supported (-1).
    fn DTLSv1_listen(s: *mut SSL, client: *mut c_void) -> c_int {
        nonnull: [s], fail: -1;
        let _ = client;
        unsupported("DTLSv1_listen", "DTLS is not supported");
        -1
    }

    /// `SSL_SESSION_new`: not supported (null): sessions come from handshakes or
    /// `d2i_SSL_SESSION`.
    fn SSL_SESSION_new() -> *mut c_void {
        nonnull: [], fail: std::ptr::null_mut();
        unsupported("SSL_SESSION_new", "building sessions by hand is not supported");
        std::ptr::null_mut()
    }

    /// `SSL_SESSION_set1_master_key`: not supported (0).
    fn SSL_SESSION_set1_master_key(sess: *mut c_void, key: *const u8, len: usize) -> c_int {
        nonnull: [sess], fail: 0;
        let _ = (key, len);
        unsupported("SSL_SESSION_set1_master_key", "building sessions by hand is not supported")
    }

    /// `SSL_SESSION_set_cipher`: not supported (0).
    fn SSL_SESSION_set_cipher(sess: *mut c_void, cipher: *const SSL_CIPHER) -> c_int {
        nonnull: [sess], fail: 0;
        let _ = cipher;
        unsupported("SSL_SESSION_set_cipher", "building sessions by hand is not supported")
    }

    /// `SSL_SESSION_set_protocol_version`: not supported (0).
    fn SSL_SESSION_set_protocol_version(sess: *mut c_void, version: c_int) -> c_int {
        nonnull: [sess], fail: 0;
        let _ = version;
        unsupported("SSL_SESSION_set_protocol_version", "building sessions by hand is not supported")
    }

    /// `SSL_CTX_set_post_handshake_auth`: accepted; the post_handshake_auth extension is not
    /// offered, so a server cannot ask for a certificate after the handshake.
    fn SSL_CTX_set_post_handshake_auth(c: *mut SSL_CTX, val: c_int) -> () {
        nonnull: [c], fail: ();
        let _ = val;
    }

    /// `SSL_set_post_handshake_auth`: accepted.
    fn SSL_set_post_handshake_auth(s: *mut SSL, val: c_int) -> () {
        nonnull: [s], fail: ();
        let _ = val;
    }

    /// `SSL_CTX_set_srp_username`: not supported (0).
    fn SSL_CTX_set_srp_username(c: *mut SSL_CTX, name: *mut c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = name;
        unsupported("SSL_CTX_set_srp_username", "SRP is not supported")
    }

    /// `SSL_CTX_set_srp_password`: not supported (0).
    fn SSL_CTX_set_srp_password(c: *mut SSL_CTX, password: *mut c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = password;
        unsupported("SSL_CTX_set_srp_password", "SRP is not supported")
    }
}

// ---- the rest of what `openssl` (s_client and the other commands) imports ----

const NO_DANE: &str = "DANE is not supported";
const NO_CT: &str = "certificate transparency is not supported";
const NO_SRP: &str = "SRP is not supported";
const SERVER_ONLY: &str = "the server side is not supported";

entry! {
    /// `SSL_CTX_config`: not supported (0): named configuration sections are not applied.
    fn SSL_CTX_config(c: *mut SSL_CTX, name: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = name;
        unsupported("SSL_CTX_config", "configuration sections are not applied; use SSL_CONF_cmd")
    }

    /// `SSL_CTX_dane_enable`: not supported (0).
    fn SSL_CTX_dane_enable(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        unsupported("SSL_CTX_dane_enable", NO_DANE)
    }

    /// `SSL_dane_enable`: not supported (0).
    fn SSL_dane_enable(s: *mut SSL, basedomain: *const c_char) -> c_int {
        nonnull: [s], fail: 0;
        let _ = basedomain;
        unsupported("SSL_dane_enable", NO_DANE)
    }

    /// `SSL_dane_set_flags`: 0, the previous flags (DANE cannot be enabled, so they do nothing).
    fn SSL_dane_set_flags(s: *mut SSL, flags: std::ffi::c_ulong) -> std::ffi::c_ulong {
        nonnull: [s], fail: 0;
        let _ = flags;
        0
    }

    /// `SSL_dane_tlsa_add`: not supported (-1, an error; 0 would mean an unusable record).
    fn SSL_dane_tlsa_add(
        s: *mut SSL,
        usage: u8,
        selector: u8,
        mtype: u8,
        data: *const u8,
        dlen: usize,
    ) -> c_int {
        nonnull: [s], fail: -1;
        let _ = (usage, selector, mtype, data, dlen);
        unsupported("SSL_dane_tlsa_add", NO_DANE);
        -1
    }

    /// `SSL_get0_dane_authority`: -1 (DANE is never enabled).
    fn SSL_get0_dane_authority(s: *mut SSL, mcert: *mut *mut X509, mspki: *mut *mut EVP_PKEY) -> c_int {
        nonnull: [s], fail: -1;
        let _ = (mcert, mspki);
        -1
    }

    /// `SSL_get0_dane_tlsa`: -1 (DANE is never enabled).
    fn SSL_get0_dane_tlsa(
        s: *mut SSL,
        usage: *mut u8,
        selector: *mut u8,
        mtype: *mut u8,
        data: *mut *const u8,
        dlen: *mut usize,
    ) -> c_int {
        nonnull: [s], fail: -1;
        let _ = (usage, selector, mtype, data, dlen);
        -1
    }

    /// `SSL_CTX_enable_ct`: not supported (0): SCTs are not validated.
    fn SSL_CTX_enable_ct(c: *mut SSL_CTX, validation_mode: c_int) -> c_int {
        nonnull: [c], fail: 0;
        let _ = validation_mode;
        unsupported("SSL_CTX_enable_ct", NO_CT)
    }

    /// `SSL_ct_is_enabled`: 0.
    fn SSL_ct_is_enabled(s: *const SSL) -> c_int {
        nonnull: [s], fail: 0;
        0
    }

    /// `SSL_get0_peer_scts`: null (no SCTs are collected).
    fn SSL_get0_peer_scts(s: *mut SSL) -> *const c_void {
        nonnull: [s], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_CTX_get0_ctlog_store`: null (no CT log store).
    fn SSL_CTX_get0_ctlog_store(c: *const SSL_CTX) -> *const c_void {
        nonnull: [c], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_CTX_set_ctlog_list_file`: not supported (0).
    fn SSL_CTX_set_ctlog_list_file(c: *mut SSL_CTX, path: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = path;
        unsupported("SSL_CTX_set_ctlog_list_file", NO_CT)
    }

    /// `SSL_CTX_set_default_ctlog_list_file`: not supported (0).
    fn SSL_CTX_set_default_ctlog_list_file(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        unsupported("SSL_CTX_set_default_ctlog_list_file", NO_CT)
    }

    /// `SSL_CTX_set0_tmp_dh_pkey`: a server's DH parameters; taken and freed (1).
    fn SSL_CTX_set0_tmp_dh_pkey(c: *mut SSL_CTX, key: *mut EVP_PKEY) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: on success the call owns the key (null accepted by EVP_PKEY_free).
        unsafe { ffi::EVP_PKEY_free(key) };
        1
    }

    /// `SSL_CTX_set_default_read_buffer_len`: accepted (buffers are sized by this library).
    fn SSL_CTX_set_default_read_buffer_len(c: *mut SSL_CTX, len: usize) -> () {
        nonnull: [c], fail: ();
        let _ = len;
    }

    /// `SSL_CTX_set_generate_session_id`: a server callback; accepted (1), never called.
    fn SSL_CTX_set_generate_session_id(c: *mut SSL_CTX, cb: *const c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = cb;
        1
    }

    /// `SSL_CTX_set_next_proto_select_cb`: accepted, never called: NPN is not offered, so no
    /// protocol is negotiated through it (`SSL_get0_next_proto_negotiated` reports none).
    fn SSL_CTX_set_next_proto_select_cb(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_CTX_set_next_protos_advertised_cb`: a server callback; accepted, never called.
    fn SSL_CTX_set_next_protos_advertised_cb(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_CTX_set_not_resumable_session_callback`: accepted, never called.
    fn SSL_CTX_set_not_resumable_session_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_stateless_cookie_generate_cb`: a server callback; accepted, never called.
    fn SSL_CTX_set_stateless_cookie_generate_cb(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_set_stateless_cookie_verify_cb`: a server callback; accepted, never called.
    fn SSL_CTX_set_stateless_cookie_verify_cb(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_use_serverinfo_file`: a server's data; not supported (0).
    fn SSL_CTX_use_serverinfo_file(c: *mut SSL_CTX, file: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        let _ = file;
        unsupported("SSL_CTX_use_serverinfo_file", SERVER_ONLY)
    }

    /// `SSL_CTX_set_srp_cb_arg`: not supported (0).
    fn SSL_CTX_set_srp_cb_arg(c: *mut SSL_CTX, arg: *mut c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = arg;
        unsupported("SSL_CTX_set_srp_cb_arg", NO_SRP)
    }

    /// `SSL_CTX_set_srp_client_pwd_callback`: not supported (0).
    fn SSL_CTX_set_srp_client_pwd_callback(c: *mut SSL_CTX, cb: *const c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = cb;
        unsupported("SSL_CTX_set_srp_client_pwd_callback", NO_SRP)
    }

    /// `SSL_CTX_set_srp_strength`: not supported (0).
    fn SSL_CTX_set_srp_strength(c: *mut SSL_CTX, strength: c_int) -> c_int {
        nonnull: [c], fail: 0;
        let _ = strength;
        unsupported("SSL_CTX_set_srp_strength", NO_SRP)
    }

    /// `SSL_CTX_set_srp_username_callback`: not supported (0).
    fn SSL_CTX_set_srp_username_callback(c: *mut SSL_CTX, cb: *const c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = cb;
        unsupported("SSL_CTX_set_srp_username_callback", NO_SRP)
    }

    /// `SSL_CTX_set_srp_verify_param_callback`: not supported (0).
    fn SSL_CTX_set_srp_verify_param_callback(c: *mut SSL_CTX, cb: *const c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = cb;
        unsupported("SSL_CTX_set_srp_verify_param_callback", NO_SRP)
    }

    /// `SSL_get_srp_username`: null (no SRP).
    fn SSL_get_srp_username(s: *mut SSL) -> *mut c_char {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_get_srp_N`: null (no SRP).
    fn SSL_get_srp_N(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_get_srp_g`: null (no SRP).
    fn SSL_get_srp_g(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_set_srp_server_param`: not supported (-1).
    fn SSL_set_srp_server_param(
        s: *mut SSL,
        n: *const c_void,
        g: *const c_void,
        sa: *mut c_void,
        v: *mut c_void,
        info: *mut c_char,
    ) -> c_int {
        nonnull: [s], fail: -1;
        let _ = (n, g, sa, v, info);
        unsupported("SSL_set_srp_server_param", NO_SRP);
        -1
    }

    /// `SSL_accept`: the server side is not supported (0).
    fn SSL_accept(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_accept", SERVER_ONLY)
    }

    /// `SSL_stateless`: a server call; not supported (-1).
    fn SSL_stateless(s: *mut SSL) -> c_int {
        nonnull: [s], fail: -1;
        unsupported("SSL_stateless", SERVER_ONLY);
        -1
    }

    /// `SSL_check_chain`: not supported (0).
    fn SSL_check_chain(s: *mut SSL, x: *mut X509, pk: *mut EVP_PKEY, chain: *mut c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (x, pk, chain);
        unsupported("SSL_check_chain", NO_CERT_ENGINES)
    }

    /// `SSL_get1_supported_ciphers`: null (no cipher stack is built; see `SSL_get_ciphers`).
    fn SSL_get1_supported_ciphers(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_get_all_async_fds`: 1 with no descriptors (no asynchronous jobs run).
    fn SSL_get_all_async_fds(s: *mut SSL, fds: *mut c_int, numfds: *mut usize) -> c_int {
        nonnull: [s, numfds], fail: 0;
        let _ = fds;
        // SAFETY: checked non-null; a writable size_t from the caller.
        unsafe { *numfds = 0 };
        1
    }

    /// `SSL_waiting_for_async`: 0.
    fn SSL_waiting_for_async(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        0
    }

    /// `SSL_sendfile`: kernel TLS is not supported (-1).
    fn SSL_sendfile(s: *mut SSL, fd: c_int, offset: i64, size: usize, flags: c_int) -> isize {
        nonnull: [s], fail: -1;
        let _ = (fd, offset, size, flags);
        unsupported("SSL_sendfile", "kernel TLS is not supported");
        -1
    }

    /// `SSL_trace`: a message callback for `SSL_set_msg_callback`, which this library never
    /// calls; called directly, it prints nothing.
    fn SSL_trace(
        write_p: c_int,
        version: c_int,
        content_type: c_int,
        buf: *const c_void,
        len: usize,
        ssl: *mut SSL,
        arg: *mut c_void,
    ) -> () {
        nonnull: [], fail: ();
        let _ = (write_p, version, content_type, buf, len, ssl, arg);
    }
}
