//! Functions programs link against that this client library does not act on. SRP, client
//! certificate engines and chain checks are not supported: those calls fail clearly (0, with
//! `ERR_R_UNSUPPORTED` queued), so a program that needs them stops with an error instead of
//! connecting without them. Settings that only matter to a server or to features not yet
//! present are accepted and succeed. MATRIX.md lists every export and its status.

use std::ffi::{c_char, c_int, c_uint, c_void};

use crate::cipher::{cipher_by_id, SSL_CIPHER};
use crate::ctx::SSL_CTX;
use crate::entry::entry;
use crate::errors::{self, ERR_R_UNSUPPORTED};
use crate::ffi::{self, EVP_PKEY, X509};
use crate::ssl::SSL;

pub(crate) fn unsupported(func: &str, what: &str) -> c_int {
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

    /// `SSL_CTX_set_psk_client_callback` (void): as `SSL_set_psk_client_callback`, stores
    /// nothing and queues `ERR_R_UNSUPPORTED` unless null (external PSKs are not supported:
    /// the handshake uses certificates).
    fn SSL_CTX_set_psk_client_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        refuse_cb("SSL_CTX_set_psk_client_callback", cb, NO_PSK);
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

    /// `SSL_CTX_set_psk_use_session_callback` (void): as the connection's form, refused
    /// clearly unless null.
    fn SSL_CTX_set_psk_use_session_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        refuse_cb("SSL_CTX_set_psk_use_session_callback", cb, NO_PSK);
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

// ---- the rest of OpenSSL 3.0's libssl exports ----

const NO_ASYNC: &str = "asynchronous jobs are not supported";
const NO_PSK: &str = "external PSKs are not supported";
const NO_CUSTOM_EXT: &str = "custom extensions are not supported";

/// Fails clearly for a callback setter (1 when the callback is null: nothing is asked for).
fn refuse_cb(func: &str, cb: *const c_void, what: &str) -> c_int {
    if cb.is_null() {
        return 1;
    }
    unsupported(func, what)
}

entry! {
    /// `ERR_load_SSL_strings`: registers the SSL library's reason strings (1).
    fn ERR_load_SSL_strings() -> c_int {
        nonnull: [], fail: 0;
        errors::load_ssl_strings();
        1
    }

    /// `OSSL_default_cipher_list`: OpenSSL 3.0's default TLS 1.2 cipher list string.
    fn OSSL_default_cipher_list() -> *const c_char {
        nonnull: [], fail: std::ptr::null();
        crate::ctx::DEFAULT_CIPHER_LIST.as_ptr()
    }

    /// `OSSL_default_ciphersuites`: OpenSSL 3.0's default TLS 1.3 suites string.
    fn OSSL_default_ciphersuites() -> *const c_char {
        nonnull: [], fail: std::ptr::null();
        crate::ctx::DEFAULT_CIPHERSUITES.as_ptr()
    }

    /// `SSL_add_ssl_module`: accepted (libcrypto adds the `ssl_conf` module itself).
    fn SSL_add_ssl_module() -> () {
        nonnull: [], fail: ();
    }

    /// `SSL_dup`: not supported (null).
    fn SSL_dup(s: *mut SSL) -> *mut SSL {
        nonnull: [s], fail: std::ptr::null_mut();
        unsupported("SSL_dup", "duplicating an SSL object is not supported");
        std::ptr::null_mut()
    }

    /// `SSL_renegotiate_abbreviated`: refused (0), as `SSL_renegotiate`.
    fn SSL_renegotiate_abbreviated(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_renegotiate_abbreviated", "renegotiation is not supported")
    }

    /// `SSL_new_session_ticket`: a server call; not supported (0).
    fn SSL_new_session_ticket(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_new_session_ticket", SERVER_ONLY)
    }

    /// `SSL_export_keying_material_early`: not supported (0): no early data, so no early
    /// exporter secret.
    fn SSL_export_keying_material_early(
        s: *mut SSL,
        out: *mut u8,
        olen: usize,
        label: *const c_char,
        llen: usize,
        context: *const u8,
        contextlen: usize,
    ) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (out, olen, label, llen, context, contextlen);
        unsupported("SSL_export_keying_material_early", "early data is not supported")
    }

    /// `SSL_bytes_to_cipher_list`: a server's ClientHello parser; not supported (0).
    fn SSL_bytes_to_cipher_list(
        s: *mut SSL,
        bytes: *const u8,
        len: usize,
        is_v2: c_int,
        sk: *mut *mut c_void,
        scsvs: *mut *mut c_void,
    ) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (bytes, len, is_v2, sk, scsvs);
        unsupported("SSL_bytes_to_cipher_list", SERVER_ONLY)
    }

    /// `SSL_test_functions`: null (OpenSSL's internal test hooks).
    fn SSL_test_functions() -> *const c_void {
        nonnull: [], fail: std::ptr::null();
        unsupported("SSL_test_functions", "internal test functions are not provided");
        std::ptr::null()
    }

    /// `SSL_get_psk_identity`: null (no PSK handshakes).
    fn SSL_get_psk_identity(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_get_psk_identity_hint`: null (no PSK handshakes).
    fn SSL_get_psk_identity_hint(s: *const SSL) -> *const c_char {
        nonnull: [s], fail: std::ptr::null();
        std::ptr::null()
    }

    /// `SSL_use_psk_identity_hint`: a server setting; not supported (0).
    fn SSL_use_psk_identity_hint(s: *mut SSL, hint: *const c_char) -> c_int {
        nonnull: [s], fail: 0;
        let _ = hint;
        unsupported("SSL_use_psk_identity_hint", NO_PSK)
    }

    /// `SSL_set_psk_client_callback` (void): stores nothing and queues `ERR_R_UNSUPPORTED`
    /// (unless null), so the handshake, made without a PSK, is what the program sees.
    fn SSL_set_psk_client_callback(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        refuse_cb("SSL_set_psk_client_callback", cb, NO_PSK);
    }

    /// `SSL_set_psk_use_session_callback` (void): as `SSL_set_psk_client_callback`.
    fn SSL_set_psk_use_session_callback(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        refuse_cb("SSL_set_psk_use_session_callback", cb, NO_PSK);
    }

    /// `SSL_set_psk_server_callback`: a server callback; accepted, never called.
    fn SSL_set_psk_server_callback(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        let _ = cb;
    }

    /// `SSL_set_psk_find_session_callback`: a server callback; accepted, never called.
    fn SSL_set_psk_find_session_callback(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        let _ = cb;
    }

    /// `SSL_set_session_secret_cb`: not supported (0; 1 for null): the master secret is never
    /// the program's (EAP-FAST).
    fn SSL_set_session_secret_cb(s: *mut SSL, cb: *const c_void, arg: *mut c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = arg;
        refuse_cb("SSL_set_session_secret_cb", cb, "session secret callbacks are not supported")
    }

    /// `SSL_set_session_ticket_ext`: not supported (0): the ticket sent is the session's.
    fn SSL_set_session_ticket_ext(s: *mut SSL, data: *mut c_void, len: c_int) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (data, len);
        unsupported("SSL_set_session_ticket_ext", "custom session ticket data is not supported")
    }

    /// `SSL_set_session_ticket_ext_cb`: not supported (0; 1 for null).
    fn SSL_set_session_ticket_ext_cb(s: *mut SSL, cb: *const c_void, arg: *mut c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = arg;
        refuse_cb("SSL_set_session_ticket_ext_cb", cb, "session ticket extension callbacks are not supported")
    }

    /// `SSL_get_srtp_profiles`: null (SRTP is never negotiated).
    fn SSL_get_srtp_profiles(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_CTX_add_custom_ext`: not supported (0).
    fn SSL_CTX_add_custom_ext(
        c: *mut SSL_CTX,
        ext_type: c_uint,
        context: c_uint,
        add_cb: *const c_void,
        free_cb: *const c_void,
        add_arg: *mut c_void,
        parse_cb: *const c_void,
        parse_arg: *mut c_void,
    ) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (ext_type, context, add_cb, free_cb, add_arg, parse_cb, parse_arg);
        unsupported("SSL_CTX_add_custom_ext", NO_CUSTOM_EXT)
    }

    /// `SSL_CTX_has_client_custom_ext`: 0 (none can be added).
    fn SSL_CTX_has_client_custom_ext(c: *const SSL_CTX, ext_type: c_uint) -> c_int {
        nonnull: [c], fail: 0;
        let _ = ext_type;
        0
    }

    /// `SSL_CTX_ct_is_enabled`: 0 (certificate transparency is never enabled).
    fn SSL_CTX_ct_is_enabled(c: *const SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        0
    }

    /// `SSL_enable_ct`: not supported (0): SCTs are not validated.
    fn SSL_enable_ct(s: *mut SSL, validation_mode: c_int) -> c_int {
        nonnull: [s], fail: 0;
        let _ = validation_mode;
        unsupported("SSL_enable_ct", NO_CT)
    }

    /// `SSL_CTX_set_ct_validation_callback`: not supported (0); null (CT off) is accepted.
    fn SSL_CTX_set_ct_validation_callback(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = arg;
        refuse_cb("SSL_CTX_set_ct_validation_callback", cb, NO_CT)
    }

    /// `SSL_set_ct_validation_callback`: as the context's form.
    fn SSL_set_ct_validation_callback(s: *mut SSL, cb: *const c_void, arg: *mut c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = arg;
        refuse_cb("SSL_set_ct_validation_callback", cb, NO_CT)
    }

    /// `SSL_CTX_set0_ctlog_store` (void): the store is freed and `ERR_R_UNSUPPORTED` queued
    /// (no CT log store is used).
    fn SSL_CTX_set0_ctlog_store(c: *mut SSL_CTX, logs: *mut c_void) -> () {
        nonnull: [c], fail: ();
        // SAFETY: the call hands over the store (null accepted).
        unsafe { ffi::CTLOG_STORE_free(logs) };
        unsupported("SSL_CTX_set0_ctlog_store", NO_CT);
    }

    /// `SSL_CTX_dane_mtype_set`: not supported (0).
    fn SSL_CTX_dane_mtype_set(c: *mut SSL_CTX, md: *const c_void, mtype: u8, ord: u8) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (md, mtype, ord);
        unsupported("SSL_CTX_dane_mtype_set", NO_DANE)
    }

    /// `SSL_CTX_dane_set_flags`: 0, the previous flags (DANE cannot be enabled).
    fn SSL_CTX_dane_set_flags(c: *mut SSL_CTX, flags: std::ffi::c_ulong) -> std::ffi::c_ulong {
        nonnull: [c], fail: 0;
        let _ = flags;
        0
    }

    /// `SSL_CTX_dane_clear_flags`: 0, the previous flags.
    fn SSL_CTX_dane_clear_flags(c: *mut SSL_CTX, flags: std::ffi::c_ulong) -> std::ffi::c_ulong {
        nonnull: [c], fail: 0;
        let _ = flags;
        0
    }

    /// `SSL_dane_clear_flags`: 0, the previous flags.
    fn SSL_dane_clear_flags(s: *mut SSL, flags: std::ffi::c_ulong) -> std::ffi::c_ulong {
        nonnull: [s], fail: 0;
        let _ = flags;
        0
    }

    /// `SSL_get0_dane`: null (DANE is never enabled).
    fn SSL_get0_dane(s: *mut SSL) -> *mut c_void {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }

    /// `SSL_CTX_set_async_callback`: not supported (0).
    fn SSL_CTX_set_async_callback(c: *mut SSL_CTX, cb: *const c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = cb;
        unsupported("SSL_CTX_set_async_callback", NO_ASYNC)
    }

    /// `SSL_CTX_set_async_callback_arg`: not supported (0).
    fn SSL_CTX_set_async_callback_arg(c: *mut SSL_CTX, arg: *mut c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = arg;
        unsupported("SSL_CTX_set_async_callback_arg", NO_ASYNC)
    }

    /// `SSL_set_async_callback`: not supported (0).
    fn SSL_set_async_callback(s: *mut SSL, cb: *const c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = cb;
        unsupported("SSL_set_async_callback", NO_ASYNC)
    }

    /// `SSL_set_async_callback_arg`: not supported (0).
    fn SSL_set_async_callback_arg(s: *mut SSL, arg: *mut c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = arg;
        unsupported("SSL_set_async_callback_arg", NO_ASYNC)
    }

    /// `SSL_get_async_status`: 0 and `*status` untouched, as OpenSSL without an async job.
    fn SSL_get_async_status(s: *mut SSL, status: *mut c_int) -> c_int {
        nonnull: [s], fail: 0;
        let _ = status;
        0
    }

    /// `SSL_get_changed_async_fds`: 0, as OpenSSL without an async job.
    fn SSL_get_changed_async_fds(
        s: *mut SSL,
        addfd: *mut c_int,
        numaddfds: *mut usize,
        delfd: *mut c_int,
        numdelfds: *mut usize,
    ) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (addfd, numaddfds, delfd, numdelfds);
        0
    }

    /// `SSL_CTX_set_client_hello_cb`: a server callback; accepted, never called.
    fn SSL_CTX_set_client_hello_cb(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_client_hello_isv2`: a server's view of the ClientHello; 0.
    fn SSL_client_hello_isv2(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_client_hello_isv2", SERVER_ONLY)
    }

    /// `SSL_client_hello_get0_legacy_version`: 0 (server only).
    fn SSL_client_hello_get0_legacy_version(s: *mut SSL) -> c_uint {
        nonnull: [s], fail: 0;
        unsupported("SSL_client_hello_get0_legacy_version", SERVER_ONLY);
        0
    }

    /// `SSL_client_hello_get0_random`: 0 (server only).
    fn SSL_client_hello_get0_random(s: *mut SSL, out: *mut *const u8) -> usize {
        nonnull: [s], fail: 0;
        let _ = out;
        unsupported("SSL_client_hello_get0_random", SERVER_ONLY);
        0
    }

    /// `SSL_client_hello_get0_session_id`: 0 (server only).
    fn SSL_client_hello_get0_session_id(s: *mut SSL, out: *mut *const u8) -> usize {
        nonnull: [s], fail: 0;
        let _ = out;
        unsupported("SSL_client_hello_get0_session_id", SERVER_ONLY);
        0
    }

    /// `SSL_client_hello_get0_ciphers`: 0 (server only).
    fn SSL_client_hello_get0_ciphers(s: *mut SSL, out: *mut *const u8) -> usize {
        nonnull: [s], fail: 0;
        let _ = out;
        unsupported("SSL_client_hello_get0_ciphers", SERVER_ONLY);
        0
    }

    /// `SSL_client_hello_get0_compression_methods`: 0 (server only).
    fn SSL_client_hello_get0_compression_methods(s: *mut SSL, out: *mut *const u8) -> usize {
        nonnull: [s], fail: 0;
        let _ = out;
        unsupported("SSL_client_hello_get0_compression_methods", SERVER_ONLY);
        0
    }

    /// `SSL_client_hello_get1_extensions_present`: 0 (server only).
    fn SSL_client_hello_get1_extensions_present(s: *mut SSL, out: *mut *mut c_int, outlen: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (out, outlen);
        unsupported("SSL_client_hello_get1_extensions_present", SERVER_ONLY)
    }

    /// `SSL_client_hello_get0_ext`: 0 (server only).
    fn SSL_client_hello_get0_ext(s: *mut SSL, ext_type: c_uint, out: *mut *const u8, outlen: *mut usize) -> c_int {
        nonnull: [s], fail: 0;
        let _ = (ext_type, out, outlen);
        unsupported("SSL_client_hello_get0_ext", SERVER_ONLY)
    }

    /// `SSL_CTX_set_allow_early_data_cb`: a server callback; accepted, never called.
    fn SSL_CTX_set_allow_early_data_cb(c: *mut SSL_CTX, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [c], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_set_allow_early_data_cb`: a server callback; accepted, never called.
    fn SSL_set_allow_early_data_cb(s: *mut SSL, cb: *const c_void, arg: *mut c_void) -> () {
        nonnull: [s], fail: ();
        let _ = (cb, arg);
    }

    /// `SSL_CTX_set_session_ticket_cb`: a server's ticket callbacks; accepted (1), never called.
    fn SSL_CTX_set_session_ticket_cb(
        c: *mut SSL_CTX,
        gen_cb: *const c_void,
        dec_cb: *const c_void,
        arg: *mut c_void,
    ) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (gen_cb, dec_cb, arg);
        1
    }

    /// `SSL_CTX_set_tlsext_ticket_key_evp_cb`: a server's ticket key callback; accepted (1),
    /// never called.
    fn SSL_CTX_set_tlsext_ticket_key_evp_cb(c: *mut SSL_CTX, cb: *const c_void) -> c_int {
        nonnull: [c], fail: 0;
        let _ = cb;
        1
    }

    /// `SSL_CTX_set_tmp_dh_callback`: a server's DH parameters; accepted, never called.
    fn SSL_CTX_set_tmp_dh_callback(c: *mut SSL_CTX, cb: *const c_void) -> () {
        nonnull: [c], fail: ();
        let _ = cb;
    }

    /// `SSL_set_tmp_dh_callback`: accepted, never called.
    fn SSL_set_tmp_dh_callback(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        let _ = cb;
    }

    /// `SSL_set0_tmp_dh_pkey`: a server's DH parameters; taken and freed (1).
    fn SSL_set0_tmp_dh_pkey(s: *mut SSL, key: *mut EVP_PKEY) -> c_int {
        nonnull: [s], fail: 0;
        // SAFETY: on success the call owns the key (null accepted by EVP_PKEY_free).
        unsafe { ffi::EVP_PKEY_free(key) };
        1
    }

    /// `SSL_set_generate_session_id`: a server callback; accepted (1), never called.
    fn SSL_set_generate_session_id(s: *mut SSL, cb: *const c_void) -> c_int {
        nonnull: [s], fail: 0;
        let _ = cb;
        1
    }

    /// `SSL_set_not_resumable_session_callback`: accepted, never called.
    fn SSL_set_not_resumable_session_callback(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        let _ = cb;
    }

    /// `SSL_set_debug`: deprecated and without effect in OpenSSL too; accepted.
    fn SSL_set_debug(s: *mut SSL, debug: c_int) -> () {
        nonnull: [s], fail: ();
        let _ = debug;
    }

    /// `DTLS_set_timer_cb`: accepted, never called (no DTLS connection exists).
    fn DTLS_set_timer_cb(s: *mut SSL, cb: *const c_void) -> () {
        nonnull: [s], fail: ();
        let _ = cb;
    }

    /// `SSL_CTX_use_serverinfo`: a server's data; not supported (0).
    fn SSL_CTX_use_serverinfo(c: *mut SSL_CTX, info: *const u8, len: usize) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (info, len);
        unsupported("SSL_CTX_use_serverinfo", SERVER_ONLY)
    }

    /// `SSL_CTX_use_serverinfo_ex`: a server's data; not supported (0).
    fn SSL_CTX_use_serverinfo_ex(c: *mut SSL_CTX, version: c_uint, info: *const u8, len: usize) -> c_int {
        nonnull: [c], fail: 0;
        let _ = (version, info, len);
        unsupported("SSL_CTX_use_serverinfo_ex", SERVER_ONLY)
    }

    /// `SSL_CTX_SRP_CTX_init`: not supported (0).
    fn SSL_CTX_SRP_CTX_init(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        unsupported("SSL_CTX_SRP_CTX_init", NO_SRP)
    }

    /// `SSL_CTX_SRP_CTX_free`: 1 (there is no SRP state to free).
    fn SSL_CTX_SRP_CTX_free(c: *mut SSL_CTX) -> c_int {
        nonnull: [c], fail: 0;
        1
    }

    /// `SSL_SRP_CTX_init`: not supported (0).
    fn SSL_SRP_CTX_init(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SSL_SRP_CTX_init", NO_SRP)
    }

    /// `SSL_SRP_CTX_free`: 1 (there is no SRP state to free).
    fn SSL_SRP_CTX_free(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        1
    }

    /// `SRP_Calc_A_param`: not supported (0).
    fn SRP_Calc_A_param(s: *mut SSL) -> c_int {
        nonnull: [s], fail: 0;
        unsupported("SRP_Calc_A_param", NO_SRP)
    }

    /// `SSL_srp_server_param_with_username`: not supported: `SSL3_AL_FATAL` (2) with
    /// `*ad` = internal_error (80).
    fn SSL_srp_server_param_with_username(s: *mut SSL, ad: *mut c_int) -> c_int {
        nonnull: [s], fail: 2;
        if !ad.is_null() {
            // SAFETY: the caller's writable int.
            unsafe { *ad = 80 };
        }
        unsupported("SSL_srp_server_param_with_username", NO_SRP);
        2
    }

    /// `SSL_set_srp_server_param_pw`: not supported (-1).
    fn SSL_set_srp_server_param_pw(s: *mut SSL, user: *const c_char, pass: *const c_char, grp: *const c_char) -> c_int {
        nonnull: [s], fail: -1;
        let _ = (user, pass, grp);
        unsupported("SSL_set_srp_server_param_pw", NO_SRP);
        -1
    }

    /// `SSL_get_srp_userinfo`: null (no SRP).
    fn SSL_get_srp_userinfo(s: *mut SSL) -> *mut c_char {
        nonnull: [s], fail: std::ptr::null_mut();
        std::ptr::null_mut()
    }
}

#[cfg(test)]
mod tests {
    //! The refusals OpenSSL does not share (it accepts these calls), so the differential C
    //! programs cannot compare them: each fails with its failure value and `ERR_R_UNSUPPORTED`
    //! as the last entry on the queue.

    use super::*;
    use crate::ctx::*;
    use crate::ssl::{SSL_free, SSL_new};

    use crate::errors::take_last_reason as last_reason;

    fn refused(what: &str, failed: bool) {
        let reason = last_reason();
        assert!(failed, "{what} did not fail");
        assert_eq!(reason, ERR_R_UNSUPPORTED, "{what} queued {reason:#x}");
    }

    #[test]
    fn dtls_is_refused_everywhere_and_server_methods_at_the_handshake() {
        // SAFETY: the exports, called as C would, on objects made here and freed at the end.
        unsafe {
            for m in [
                DTLSv1_2_method(),
                DTLSv1_2_client_method(),
                DTLSv1_2_server_method(),
            ] {
                refused("SSL_CTX_new(DTLSv1_2)", SSL_CTX_new(m).is_null());
            }
            let c = SSL_CTX_new(TLS_client_method());
            let s = SSL_new(c);
            refused(
                "SSL_CTX_set_ssl_version(DTLS)",
                SSL_CTX_set_ssl_version(c, DTLS_method()) == 0,
            );
            assert_eq!(SSL_CTX_get_ssl_method(c), TLS_client_method());
            assert_eq!(crate::ssl::SSL_is_server(s), 0);
            // A server method makes a usable context (`openssl ciphers` lists its suites);
            // its connections are servers and fail clearly when they would handshake.
            assert_eq!(crate::ssl::SSL_set_ssl_method(s, TLS_server_method()), 1);
            assert_eq!(crate::ssl::SSL_is_server(s), 1);
            refused("SSL_connect(server)", crate::io::SSL_connect(s) == -1);
            SSL_free(s);
            SSL_CTX_free(c);
            let c = SSL_CTX_new(TLS_server_method());
            assert!(!c.is_null());
            let sk = SSL_CTX_get_ciphers(c);
            assert!(ffi::OPENSSL_sk_num(sk.cast()) > 0, "its cipher list");
            let s = SSL_new(c);
            assert_eq!(crate::ssl::SSL_is_server(s), 1);
            refused(
                "SSL_do_handshake(server)",
                crate::io::SSL_do_handshake(s) == -1,
            );
            SSL_free(s);
            SSL_CTX_free(c);
        }
    }

    #[test]
    fn what_a_client_cannot_do_fails_clearly() {
        // SAFETY: as above.
        unsafe {
            let c = SSL_CTX_new(TLS_client_method());
            let s = SSL_new(c);
            let cb = c"any non-null callback".as_ptr().cast::<c_void>();
            refused("SSL_dup", SSL_dup(s).is_null());
            refused(
                "SSL_renegotiate_abbreviated",
                SSL_renegotiate_abbreviated(s) == 0,
            );
            refused("SSL_enable_ct", SSL_enable_ct(s, 1) == 0);
            refused(
                "SSL_use_psk_identity_hint",
                SSL_use_psk_identity_hint(s, c"h".as_ptr()) == 0,
            );
            refused(
                "SSL_set_session_ticket_ext",
                SSL_set_session_ticket_ext(s, cb.cast_mut(), 1) == 0,
            );
            refused(
                "SSL_set_session_secret_cb",
                SSL_set_session_secret_cb(s, cb, std::ptr::null_mut()) == 0,
            );
            refused("SSL_test_functions", SSL_test_functions().is_null());
            refused(
                "SSL_CTX_add_custom_ext",
                SSL_CTX_add_custom_ext(
                    c,
                    1000,
                    0,
                    cb,
                    cb,
                    std::ptr::null_mut(),
                    cb,
                    std::ptr::null_mut(),
                ) == 0,
            );
            refused(
                "SSL_CTX_set_async_callback",
                SSL_CTX_set_async_callback(c, cb) == 0,
            );
            refused(
                "SSL_set_async_callback_arg",
                SSL_set_async_callback_arg(s, std::ptr::null_mut()) == 0,
            );
            refused(
                "SSL_CTX_set_ct_validation_callback",
                SSL_CTX_set_ct_validation_callback(c, cb, std::ptr::null_mut()) == 0,
            );
            refused(
                "SSL_CTX_use_serverinfo",
                SSL_CTX_use_serverinfo(c, std::ptr::null(), 0) == 0,
            );
            refused("SSL_SRP_CTX_init", SSL_SRP_CTX_init(s) == 0);
            let mut out = [0u8; 4];
            refused(
                "SSL_export_keying_material_early",
                SSL_export_keying_material_early(
                    s,
                    out.as_mut_ptr(),
                    4,
                    c"l".as_ptr(),
                    1,
                    std::ptr::null(),
                    0,
                ) == 0,
            );
            refused(
                "SSL_bytes_to_cipher_list",
                SSL_bytes_to_cipher_list(
                    s,
                    out.as_ptr(),
                    2,
                    0,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                ) == 0,
            );
            refused("SSL_client_hello_isv2", SSL_client_hello_isv2(s) == 0);
            // Void setters: nothing stored, the refusal queued (none for a null callback).
            SSL_set_psk_client_callback(s, cb);
            refused("SSL_set_psk_client_callback", true);
            SSL_set_psk_use_session_callback(s, cb);
            refused("SSL_set_psk_use_session_callback", true);
            SSL_set_psk_client_callback(s, std::ptr::null());
            assert_eq!(last_reason(), 0);
            SSL_CTX_set_psk_client_callback(c, cb);
            refused("SSL_CTX_set_psk_client_callback", true);
            SSL_CTX_set_psk_use_session_callback(c, cb);
            refused("SSL_CTX_set_psk_use_session_callback", true);
            SSL_CTX_set_psk_client_callback(c, std::ptr::null());
            assert_eq!(last_reason(), 0);
            SSL_CTX_set0_ctlog_store(c, std::ptr::null_mut());
            refused("SSL_CTX_set0_ctlog_store", true);
            SSL_free(s);
            SSL_CTX_free(c);
        }
    }
}
