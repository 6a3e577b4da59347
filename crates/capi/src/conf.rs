//! `SSL_CONF`: OpenSSL's configuration commands (`SSL_CONF_cmd(3)`), as `openssl s_client`
//! passes its `-groups`, `-cipher`, `-no_tls1_3` ... options, and as configuration files
//! spell them (`Groups`, `CipherString`, `MinProtocol`, `Options` ...). Each command the
//! client can carry out is applied through the same setters as the `SSL_CTX_*` / `SSL_*`
//! calls; OpenSSL commands for a server, for certificates or for features this library lacks
//! are told apart from unknown ones: a server-only or certificate command is unknown to a
//! client context (-2), as in OpenSSL, and a client command this library cannot honour fails
//! (0) with `ERR_R_UNSUPPORTED` queued.
//!
//! Return values are OpenSSL's: 2 when the value was used, 1 for a command that takes none,
//! 0 for a bad value, -2 for an unknown command, -3 for a missing value.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_uint, CStr, CString};

use crate::ctx::SSL_CTX;
use crate::entry::{entry, str_arg};
use crate::errors::{self, ERR_R_UNSUPPORTED};
use crate::ffi;
use crate::ssl::SSL;

/// `SSL_CONF_FLAG_*`. (`CLIENT` selects nothing here: every context is a client's.)
const FLAG_CMDLINE: c_uint = 0x1;
const FLAG_FILE: c_uint = 0x2;
const FLAG_CLIENT: c_uint = 0x4;
const FLAG_SERVER: c_uint = 0x8;
const FLAG_SHOW_ERRORS: c_uint = 0x10;
const FLAG_CERTIFICATE: c_uint = 0x20;
const FLAG_REQUIRE_PRIVATE: c_uint = 0x40;

/// `SSL_CONF_TYPE_*`.
const TYPE_UNKNOWN: c_int = 0;
const TYPE_STRING: c_int = 1;
const TYPE_FILE: c_int = 2;
const TYPE_DIR: c_int = 3;
const TYPE_NONE: c_int = 4;
const TYPE_STORE: c_int = 5;

const SSL_R_BAD_VALUE: u32 = 384;
const SSL_R_INVALID_NULL_CMD_NAME: u32 = 385;
const SSL_R_UNKNOWN_CMD_NAME: u32 = 386;

// SSL_OP_* bits the commands set or clear.
const OP_NO_EXTENDED_MASTER_SECRET: u64 = 1 << 0;
const OP_LEGACY_SERVER_CONNECT: u64 = 1 << 2;
const OP_ENABLE_KTLS: u64 = 1 << 3;
const OP_ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;
const OP_DISABLE_TLSEXT_CA_NAMES: u64 = 1 << 9;
const OP_ALLOW_NO_DHE_KEX: u64 = 1 << 10;
const OP_DONT_INSERT_EMPTY_FRAGMENTS: u64 = 1 << 11;
const OP_NO_TICKET: u64 = 1 << 14;
const OP_NO_COMPRESSION: u64 = 1 << 17;
const OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION: u64 = 1 << 18;
const OP_NO_ENCRYPT_THEN_MAC: u64 = 1 << 19;
const OP_ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
const OP_PRIORITIZE_CHACHA: u64 = 1 << 21;
const OP_NO_ANTI_REPLAY: u64 = 1 << 24;
const OP_NO_SSLV3: u64 = 1 << 25;
const OP_NO_TLSV1: u64 = 1 << 26;
const OP_NO_TLSV1_2: u64 = 1 << 27;
const OP_NO_TLSV1_1: u64 = 1 << 28;
const OP_NO_TLSV1_3: u64 = 1 << 29;
const OP_NO_RENEGOTIATION: u64 = 1 << 30;
/// `SSL_OP_ALL`: the bug workarounds.
const OP_ALL: u64 = (1 << 31) | (1 << 11) | (1 << 6) | (1 << 4);
const OP_NO_PROTOCOLS: u64 =
    OP_NO_SSLV3 | OP_NO_TLSV1 | OP_NO_TLSV1_1 | OP_NO_TLSV1_2 | OP_NO_TLSV1_3;

/// `SSL_VERIFY_PEER`.
const VERIFY_PEER: c_int = 1;

/// Who may use a command.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    Any,
    /// Only with `SSL_CONF_FLAG_SERVER`.
    Server,
    /// Only with `SSL_CONF_FLAG_CERTIFICATE`.
    Certificate,
}

/// What a command does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Groups,
    CipherList,
    Ciphersuites,
    Sigalgs,
    ClientSigalgs,
    MinProtocol,
    MaxProtocol,
    /// `Protocol`: a list of versions to enable (`TLSv1.2`) or disable (`-TLSv1.3`).
    Protocol,
    /// `Options`: a list of named option bits, `-Name` for the opposite.
    Options,
    VerifyMode,
    RecordPadding,
    /// A switch: sets `bits` (or clears them when `inverted`).
    Switch {
        bits: u64,
        inverted: bool,
    },
    /// A valid OpenSSL command this library cannot carry out; the value type it takes.
    Unsupported {
        why: &'static str,
        value: c_int,
    },
}

struct Cmd {
    cmdline: Option<&'static str>,
    file: Option<&'static str>,
    kind: Kind,
    scope: Scope,
}

const fn cmd(cmdline: &'static str, file: &'static str, kind: Kind, scope: Scope) -> Cmd {
    Cmd {
        cmdline: Some(cmdline),
        file: Some(file),
        kind,
        scope,
    }
}

const fn file_only(file: &'static str, kind: Kind, scope: Scope) -> Cmd {
    Cmd {
        cmdline: None,
        file: Some(file),
        kind,
        scope,
    }
}

const fn switch(cmdline: &'static str, bits: u64, inverted: bool, scope: Scope) -> Cmd {
    Cmd {
        cmdline: Some(cmdline),
        file: None,
        kind: Kind::Switch { bits, inverted },
        scope,
    }
}

const SERVER_SIDE: &str = "a server setting";
const NO_CERTS: &str = "certificates and keys are not loaded through SSL_CONF";

const fn server(value: c_int) -> Kind {
    Kind::Unsupported {
        why: SERVER_SIDE,
        value,
    }
}

const fn certs(value: c_int) -> Kind {
    Kind::Unsupported {
        why: NO_CERTS,
        value,
    }
}

/// OpenSSL 3.0's commands (names and scopes are OpenSSL's).
static COMMANDS: &[Cmd] = &[
    cmd("sigalgs", "SignatureAlgorithms", Kind::Sigalgs, Scope::Any),
    cmd(
        "client_sigalgs",
        "ClientSignatureAlgorithms",
        Kind::ClientSigalgs,
        Scope::Any,
    ),
    cmd("curves", "Curves", Kind::Groups, Scope::Any),
    cmd("groups", "Groups", Kind::Groups, Scope::Any),
    cmd(
        "named_curve",
        "ECDHParameters",
        server(TYPE_STRING),
        Scope::Server,
    ),
    cmd("cipher", "CipherString", Kind::CipherList, Scope::Any),
    cmd(
        "ciphersuites",
        "Ciphersuites",
        Kind::Ciphersuites,
        Scope::Any,
    ),
    file_only("Protocol", Kind::Protocol, Scope::Any),
    cmd("min_protocol", "MinProtocol", Kind::MinProtocol, Scope::Any),
    cmd("max_protocol", "MaxProtocol", Kind::MaxProtocol, Scope::Any),
    file_only("Options", Kind::Options, Scope::Any),
    file_only("VerifyMode", Kind::VerifyMode, Scope::Any),
    cmd("cert", "Certificate", certs(TYPE_FILE), Scope::Certificate),
    cmd("key", "PrivateKey", certs(TYPE_FILE), Scope::Certificate),
    cmd(
        "serverinfo",
        "ServerInfoFile",
        server(TYPE_FILE),
        Scope::Server,
    ),
    cmd("dhparam", "DHParameters", server(TYPE_FILE), Scope::Server),
    cmd(
        "record_padding",
        "RecordPadding",
        Kind::RecordPadding,
        Scope::Any,
    ),
    cmd(
        "num_tickets",
        "NumTickets",
        server(TYPE_STRING),
        Scope::Server,
    ),
    cmd(
        "chainCApath",
        "ChainCAPath",
        certs(TYPE_DIR),
        Scope::Certificate,
    ),
    cmd(
        "chainCAfile",
        "ChainCAFile",
        certs(TYPE_FILE),
        Scope::Certificate,
    ),
    cmd(
        "chainCAstore",
        "ChainCAStore",
        certs(TYPE_STORE),
        Scope::Certificate,
    ),
    cmd(
        "verifyCApath",
        "VerifyCAPath",
        certs(TYPE_DIR),
        Scope::Certificate,
    ),
    cmd(
        "verifyCAfile",
        "VerifyCAFile",
        certs(TYPE_FILE),
        Scope::Certificate,
    ),
    cmd(
        "verifyCAstore",
        "VerifyCAStore",
        certs(TYPE_STORE),
        Scope::Certificate,
    ),
    cmd(
        "requestCAfile",
        "RequestCAFile",
        certs(TYPE_FILE),
        Scope::Certificate,
    ),
    file_only("ClientCAFile", server(TYPE_FILE), Scope::Server),
    cmd(
        "requestCAPath",
        "RequestCAPath",
        certs(TYPE_DIR),
        Scope::Certificate,
    ),
    file_only("ClientCAPath", server(TYPE_DIR), Scope::Server),
    cmd(
        "requestCAStore",
        "RequestCAStore",
        certs(TYPE_STORE),
        Scope::Certificate,
    ),
    file_only("ClientCAStore", server(TYPE_STORE), Scope::Server),
    switch("no_ssl3", OP_NO_SSLV3, false, Scope::Any),
    switch("no_tls1", OP_NO_TLSV1, false, Scope::Any),
    switch("no_tls1_1", OP_NO_TLSV1_1, false, Scope::Any),
    switch("no_tls1_2", OP_NO_TLSV1_2, false, Scope::Any),
    switch("no_tls1_3", OP_NO_TLSV1_3, false, Scope::Any),
    switch("bugs", OP_ALL, false, Scope::Any),
    switch("no_comp", OP_NO_COMPRESSION, false, Scope::Any),
    switch("comp", OP_NO_COMPRESSION, true, Scope::Any),
    switch("ecdh_single", 0, false, Scope::Server),
    switch("no_ticket", OP_NO_TICKET, false, Scope::Any),
    switch("serverpref", 0, false, Scope::Server),
    switch(
        "legacy_renegotiation",
        OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
        false,
        Scope::Any,
    ),
    switch("client_renegotiation", 0, false, Scope::Server),
    switch(
        "legacy_server_connect",
        OP_LEGACY_SERVER_CONNECT,
        false,
        Scope::Any,
    ),
    switch("no_renegotiation", OP_NO_RENEGOTIATION, false, Scope::Any),
    switch("no_resumption_on_reneg", 0, false, Scope::Server),
    switch(
        "no_legacy_server_connect",
        OP_LEGACY_SERVER_CONNECT,
        true,
        Scope::Any,
    ),
    switch("allow_no_dhe_kex", OP_ALLOW_NO_DHE_KEX, false, Scope::Any),
    switch("prioritize_chacha", 0, false, Scope::Server),
    Cmd {
        cmdline: Some("strict"),
        file: None,
        kind: Kind::Unsupported {
            why: "strict certificate checks (SSL_CERT_FLAG_TLS_STRICT) are not supported",
            value: TYPE_NONE,
        },
        scope: Scope::Any,
    },
    switch("no_middlebox", OP_ENABLE_MIDDLEBOX_COMPAT, true, Scope::Any),
    switch("anti_replay", 0, false, Scope::Server),
    switch("no_anti_replay", 0, false, Scope::Server),
    switch("no_etm", OP_NO_ENCRYPT_THEN_MAC, false, Scope::Any),
];

/// The names `Options` takes: (name, bits, inverted, server only).
static OPTION_NAMES: &[(&str, u64, bool, bool)] = &[
    ("SessionTicket", OP_NO_TICKET, true, false),
    (
        "EmptyFragments",
        OP_DONT_INSERT_EMPTY_FRAGMENTS,
        true,
        false,
    ),
    ("Bugs", OP_ALL, false, false),
    ("Compression", OP_NO_COMPRESSION, true, false),
    ("ServerPreference", 0, false, true),
    ("NoResumptionOnRenegotiation", 0, false, true),
    ("DHSingle", 0, false, true),
    ("ECDHSingle", 0, false, true),
    (
        "UnsafeLegacyRenegotiation",
        OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
        false,
        false,
    ),
    (
        "UnsafeLegacyServerConnect",
        OP_LEGACY_SERVER_CONNECT,
        false,
        false,
    ),
    ("NoRenegotiation", OP_NO_RENEGOTIATION, false, false),
    ("EncryptThenMac", OP_NO_ENCRYPT_THEN_MAC, true, false),
    ("AllowNoDHEKEX", OP_ALLOW_NO_DHE_KEX, false, false),
    ("PrioritizeChaCha", OP_PRIORITIZE_CHACHA, false, false),
    ("MiddleboxCompat", OP_ENABLE_MIDDLEBOX_COMPAT, false, false),
    ("AntiReplay", OP_NO_ANTI_REPLAY, true, false),
    (
        "ExtendedMasterSecret",
        OP_NO_EXTENDED_MASTER_SECRET,
        true,
        false,
    ),
    ("CANames", OP_DISABLE_TLSEXT_CA_NAMES, true, false),
    ("KTLS", OP_ENABLE_KTLS, false, false),
    (
        "ClientRenegotiation",
        OP_ALLOW_CLIENT_RENEGOTIATION,
        false,
        false,
    ),
];

/// The names `Protocol` takes, with the `SSL_OP_NO_*` bits they stand for.
static PROTOCOL_NAMES: &[(&str, u64)] = &[
    ("ALL", OP_NO_PROTOCOLS),
    ("SSLv2", 0),
    ("SSLv3", OP_NO_SSLV3),
    ("TLSv1", OP_NO_TLSV1),
    ("TLSv1.1", OP_NO_TLSV1_1),
    ("TLSv1.2", OP_NO_TLSV1_2),
    ("TLSv1.3", OP_NO_TLSV1_3),
];

/// What a command with its value comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Groups(String),
    CipherList(String),
    Ciphersuites(String),
    /// A well-formed signature algorithm list (kept as given).
    Sigalgs(String),
    ClientSigalgs(String),
    MinProtocol(u16),
    MaxProtocol(u16),
    Options {
        set: u64,
        clear: u64,
    },
    VerifyMode(c_int),
    /// `SSL_CTX_set_block_padding`.
    BlockPadding(usize),
    /// Nothing to do (a switch with no bits for this side, `RecordPadding 0`).
    Nothing,
}

/// Why a command was not carried out, as `SSL_CONF_cmd` reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// -2: no such command (for this context's flags).
    Unknown,
    /// -3: the command takes a value and none was given.
    MissingValue,
    /// 0: the value is not valid for the command.
    BadValue,
    /// 0, with `ERR_R_UNSUPPORTED`: a valid command this library cannot honour.
    Unsupported(&'static str),
}

/// The command's name once the prefix (or, on the command line, the `-`) is taken off.
fn strip_prefix<'a>(flags: c_uint, prefix: Option<&str>, name: &'a str) -> Option<&'a str> {
    match prefix {
        Some(p) => {
            if name.len() <= p.len() {
                return None;
            }
            let (head, rest) = name.split_at_checked(p.len())?;
            let same = if flags & FLAG_FILE != 0 && flags & FLAG_CMDLINE == 0 {
                head.eq_ignore_ascii_case(p)
            } else {
                head == p
            };
            same.then_some(rest)
        }
        None if flags & FLAG_CMDLINE != 0 => name.strip_prefix('-').filter(|r| !r.is_empty()),
        None => Some(name),
    }
}

fn lookup(flags: c_uint, name: &str) -> Option<&'static Cmd> {
    COMMANDS.iter().find(|c| {
        let allowed = match c.scope {
            Scope::Any => true,
            Scope::Server => flags & FLAG_SERVER != 0,
            Scope::Certificate => flags & FLAG_CERTIFICATE != 0,
        };
        allowed
            && ((flags & FLAG_CMDLINE != 0 && c.cmdline == Some(name))
                || (flags & FLAG_FILE != 0 && c.file.is_some_and(|f| f.eq_ignore_ascii_case(name))))
    })
}

/// The command `name` names under `flags` and `prefix`.
fn find(flags: c_uint, prefix: Option<&str>, name: &str) -> Option<&'static Cmd> {
    lookup(flags, strip_prefix(flags, prefix, name)?)
}

fn value_type(kind: Kind) -> c_int {
    match kind {
        Kind::Switch { .. } => TYPE_NONE,
        Kind::Unsupported { value, .. } => value,
        _ => TYPE_STRING,
    }
}

/// A protocol version by OpenSSL's name ("None" is no bound).
fn protocol_version(name: &str) -> Option<u16> {
    Some(match name {
        "None" => 0,
        "SSLv3" => 0x0300,
        "TLSv1" => 0x0301,
        "TLSv1.1" => 0x0302,
        "TLSv1.2" => 0x0303,
        "TLSv1.3" => 0x0304,
        "DTLSv1" => 0xfeff,
        "DTLSv1.2" => 0xfefd,
        _ => return None,
    })
}

/// The entries of a comma-separated list (spaces around them dropped, empty ones skipped),
/// each with its sign: `-` turns the entry off, `+` or none turns it on.
fn signed_entries(value: &str) -> impl Iterator<Item = (bool, &str)> {
    value
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| match e.as_bytes()[0] {
            b'-' => (false, &e[1..]),
            b'+' => (true, &e[1..]),
            _ => (true, e),
        })
}

/// `set`/`clear` for a named bit list; `None` if a name is not in `table` (server-only names
/// count as unknown for a client).
fn option_list(value: &str, server: bool) -> Option<(u64, u64)> {
    let (mut set, mut clear) = (0u64, 0u64);
    for (on, name) in signed_entries(value) {
        let &(_, bits, inverted, srv) = OPTION_NAMES
            .iter()
            .find(|(n, ..)| n.eq_ignore_ascii_case(name))?;
        if srv && !server {
            return None;
        }
        if on != inverted {
            set |= bits;
            clear &= !bits;
        } else {
            clear |= bits;
            set &= !bits;
        }
    }
    Some((set, clear))
}

/// `Protocol`: enabling a version clears its `SSL_OP_NO_*` bit, `-name` sets it.
fn protocol_list(value: &str) -> Option<(u64, u64)> {
    let (mut set, mut clear) = (0u64, 0u64);
    for (on, name) in signed_entries(value) {
        let &(_, bits) = PROTOCOL_NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))?;
        if on {
            clear |= bits;
            set &= !bits;
        } else {
            set |= bits;
            clear &= !bits;
        }
    }
    Some((set, clear))
}

/// Whether `value` is a signature algorithm list OpenSSL 3.0 takes (its syntax, as
/// `SSL_CTX_set1_sigalgs_list` parses it).
fn sigalgs_ok(value: &str) -> bool {
    oxissl::ctx::parse_sigalgs_list(value).is_ok()
}

/// `VerifyMode`: for a client only `Peer` (the other names are a server's).
fn verify_mode(value: &str, server: bool) -> Option<c_int> {
    let mut mode = 0;
    for (on, name) in signed_entries(value) {
        let bits = match name {
            "Peer" => VERIFY_PEER,
            "Request" | "Require" | "Once" | "RequestPostHandshake" | "RequirePostHandshake"
                if server =>
            {
                return None
            }
            _ => return None,
        };
        if on {
            mode |= bits;
        } else {
            mode &= !bits;
        }
    }
    Some(mode)
}

/// Parses one command: what to do, or why not. Pure (no context is touched).
pub fn parse(
    flags: c_uint,
    prefix: Option<&str>,
    name: &str,
    value: Option<&str>,
) -> Result<Action, Refusal> {
    let cmd = find(flags, prefix, name).ok_or(Refusal::Unknown)?;
    let server = flags & FLAG_SERVER != 0;
    let needs_value = value_type(cmd.kind) != TYPE_NONE;
    let value = match (needs_value, value) {
        (true, None) => return Err(Refusal::MissingValue),
        (true, Some(v)) => v,
        (false, _) => "",
    };
    let owned = || value.to_owned();
    Ok(match cmd.kind {
        Kind::Groups => Action::Groups(owned()),
        Kind::CipherList => Action::CipherList(owned()),
        Kind::Ciphersuites => Action::Ciphersuites(owned()),
        Kind::Sigalgs if sigalgs_ok(value) => Action::Sigalgs(owned()),
        Kind::ClientSigalgs if sigalgs_ok(value) => Action::ClientSigalgs(owned()),
        Kind::Sigalgs | Kind::ClientSigalgs => return Err(Refusal::BadValue),
        Kind::MinProtocol => Action::MinProtocol(protocol_version(value).ok_or(Refusal::BadValue)?),
        Kind::MaxProtocol => Action::MaxProtocol(protocol_version(value).ok_or(Refusal::BadValue)?),
        Kind::Protocol => {
            let (set, clear) = protocol_list(value).ok_or(Refusal::BadValue)?;
            Action::Options { set, clear }
        }
        Kind::Options => {
            let (set, clear) = option_list(value, server).ok_or(Refusal::BadValue)?;
            Action::Options { set, clear }
        }
        Kind::VerifyMode => {
            Action::VerifyMode(verify_mode(value, server).ok_or(Refusal::BadValue)?)
        }
        // OpenSSL's cmd_RecordPadding: a block size up to 16384 for SSL_CTX_set_block_padding.
        Kind::RecordPadding => match value.trim().parse::<u32>() {
            Ok(0) => Action::Nothing,
            Ok(n) if n <= 16384 => Action::BlockPadding(n as usize),
            _ => return Err(Refusal::BadValue),
        },
        Kind::Switch { bits: 0, .. } => Action::Nothing,
        Kind::Switch { bits, inverted } => {
            if inverted {
                Action::Options {
                    set: 0,
                    clear: bits,
                }
            } else {
                Action::Options {
                    set: bits,
                    clear: 0,
                }
            }
        }
        Kind::Unsupported { why, .. } => return Err(Refusal::Unsupported(why)),
    })
}

/// What the commands are applied to.
#[derive(Clone, Copy)]
enum Target {
    None,
    Ctx(*mut SSL_CTX),
    Ssl(*mut SSL),
}

/// `SSL_CONF_CTX`.
pub struct SSL_CONF_CTX {
    flags: c_uint,
    prefix: Option<String>,
    target: Target,
}

/// Applies a parsed command through the library's own setters. `false` when the setter
/// refused the value (it queued why).
fn apply(target: Target, action: &Action) -> bool {
    let text = |s: &str| CString::new(s).ok();
    // SAFETY: the targets are live objects the program handed to SSL_CONF_CTX_set_ssl_ctx /
    // _set_ssl (OpenSSL's contract: they outlive their use here); every string passed is a
    // NUL-terminated CString that lives across the call.
    unsafe {
        match (target, action) {
            (_, Action::Nothing) => true,
            (Target::Ctx(c), Action::BlockPadding(b)) => {
                crate::records::SSL_CTX_set_block_padding(c, *b) == 1
            }
            (Target::Ssl(s), Action::BlockPadding(b)) => {
                crate::records::SSL_set_block_padding(s, *b) == 1
            }
            (Target::None, a) => validate_only(a),
            (Target::Ctx(c), Action::Groups(v)) => text(v).is_some_and(|v| {
                crate::ctx::SSL_CTX_ctrl(c, 92, 0, v.as_ptr().cast_mut().cast()) == 1
            }),
            (Target::Ssl(s), Action::Groups(v)) => text(v)
                .is_some_and(|v| crate::ssl::SSL_ctrl(s, 92, 0, v.as_ptr().cast_mut().cast()) == 1),
            (Target::Ctx(c), Action::CipherList(v)) => {
                text(v).is_some_and(|v| crate::ctx::SSL_CTX_set_cipher_list(c, v.as_ptr()) == 1)
            }
            (Target::Ssl(s), Action::CipherList(v)) => {
                text(v).is_some_and(|v| crate::ssl::SSL_set_cipher_list(s, v.as_ptr()) == 1)
            }
            (Target::Ctx(c), Action::Ciphersuites(v)) => {
                text(v).is_some_and(|v| crate::ctx::SSL_CTX_set_ciphersuites(c, v.as_ptr()) == 1)
            }
            (Target::Ssl(s), Action::Ciphersuites(v)) => {
                text(v).is_some_and(|v| crate::ssl::SSL_set_ciphersuites(s, v.as_ptr()) == 1)
            }
            (Target::Ctx(c), Action::Sigalgs(v)) => text(v).is_some_and(|v| {
                crate::ctx::SSL_CTX_ctrl(c, 98, 0, v.as_ptr().cast_mut().cast()) == 1
            }),
            (Target::Ssl(s), Action::Sigalgs(v)) => text(v)
                .is_some_and(|v| crate::ssl::SSL_ctrl(s, 98, 0, v.as_ptr().cast_mut().cast()) == 1),
            // Accepted as SSL_CTX_set1_client_sigalgs_list is here.
            (Target::Ctx(c), Action::ClientSigalgs(_)) => {
                crate::ctx::SSL_CTX_ctrl(c, 102, 0, std::ptr::null_mut()) == 1
            }
            (Target::Ssl(s), Action::ClientSigalgs(_)) => {
                crate::ssl::SSL_ctrl(s, 102, 0, std::ptr::null_mut()) == 1
            }
            (Target::Ctx(c), Action::MinProtocol(v)) => {
                crate::ctx::SSL_CTX_ctrl(c, 123, (*v).into(), std::ptr::null_mut()) == 1
            }
            (Target::Ssl(s), Action::MinProtocol(v)) => {
                crate::ssl::SSL_ctrl(s, 123, (*v).into(), std::ptr::null_mut()) == 1
            }
            (Target::Ctx(c), Action::MaxProtocol(v)) => {
                crate::ctx::SSL_CTX_ctrl(c, 124, (*v).into(), std::ptr::null_mut()) == 1
            }
            (Target::Ssl(s), Action::MaxProtocol(v)) => {
                crate::ssl::SSL_ctrl(s, 124, (*v).into(), std::ptr::null_mut()) == 1
            }
            (Target::Ctx(c), Action::Options { set, clear }) => {
                crate::ctx::SSL_CTX_clear_options(c, *clear);
                crate::ctx::SSL_CTX_set_options(c, *set);
                true
            }
            (Target::Ssl(s), Action::Options { set, clear }) => {
                crate::ssl::SSL_clear_options(s, *clear);
                crate::ssl::SSL_set_options(s, *set);
                true
            }
            (Target::Ctx(c), Action::VerifyMode(m)) => {
                let cb = crate::ctx::SSL_CTX_get_verify_callback(c);
                crate::ctx::SSL_CTX_set_verify(c, *m, cb);
                true
            }
            (Target::Ssl(s), Action::VerifyMode(m)) => {
                let cb = crate::ssl::SSL_get_verify_callback(s);
                crate::ssl::SSL_set_verify(s, *m, cb);
                true
            }
        }
    }
}

/// With nothing to configure, the lists are checked on a scratch context (OpenSSL checks
/// their syntax then).
fn validate_only(action: &Action) -> bool {
    let mut scratch = oxissl::SslCtx::new();
    let ok = match action {
        Action::Groups(v) => scratch.set_groups_list(v).is_ok(),
        Action::CipherList(v) => scratch.set_cipher_list(v).is_ok(),
        Action::Ciphersuites(v) => scratch.set_ciphersuites(v).is_ok(),
        Action::MinProtocol(v) => scratch.set_min_proto_version(*v),
        Action::MaxProtocol(v) => scratch.set_max_proto_version(*v),
        _ => true,
    };
    errors::flush("SSL_CONF_cmd");
    ok
}

/// Borrows a configuration context from a C pointer.
///
/// # Safety
/// `p` is non-null and came from `SSL_CONF_CTX_new`, not yet freed.
unsafe fn cctx_mut<'a>(p: *mut SSL_CONF_CTX) -> &'a mut SSL_CONF_CTX {
    // SAFETY: per the contract.
    unsafe { &mut *p }
}

/// `SSL_CONF_cmd` on a context.
fn run(c: &SSL_CONF_CTX, name: &str, value: Option<&str>) -> c_int {
    let show = c.flags & FLAG_SHOW_ERRORS != 0;
    match parse(c.flags, c.prefix.as_deref(), name, value) {
        Ok(action) => {
            if apply(c.target, &action) {
                let switch = find(c.flags, c.prefix.as_deref(), name)
                    .is_some_and(|cmd| value_type(cmd.kind) == TYPE_NONE);
                if switch {
                    1
                } else {
                    2
                }
            } else {
                if show {
                    let data = format!("cmd={name}, value={}", value.unwrap_or(""));
                    errors::raise_ssl("SSL_CONF_cmd", SSL_R_BAD_VALUE, Some(&data));
                }
                0
            }
        }
        Err(Refusal::Unknown) => {
            if show {
                let data = format!("cmd={name}");
                errors::raise_ssl("SSL_CONF_cmd", SSL_R_UNKNOWN_CMD_NAME, Some(&data));
            }
            -2
        }
        Err(Refusal::MissingValue) => -3,
        Err(Refusal::BadValue) => {
            if show {
                let data = format!("cmd={name}, value={}", value.unwrap_or(""));
                errors::raise_ssl("SSL_CONF_cmd", SSL_R_BAD_VALUE, Some(&data));
            }
            0
        }
        Err(Refusal::Unsupported(why)) => {
            errors::raise_ssl(
                "SSL_CONF_cmd",
                ERR_R_UNSUPPORTED,
                Some(&format!("{name}: {why}")),
            );
            0
        }
    }
}

entry! {
    /// `SSL_CONF_CTX_new`: no flags, no prefix, nothing to configure yet.
    fn SSL_CONF_CTX_new() -> *mut SSL_CONF_CTX {
        nonnull: [], fail: std::ptr::null_mut();
        Box::into_raw(Box::new(SSL_CONF_CTX { flags: 0, prefix: None, target: Target::None }))
    }

    /// `SSL_CONF_CTX_free` (null is a no-op).
    fn SSL_CONF_CTX_free(c: *mut SSL_CONF_CTX) -> () {
        nonnull: [], fail: ();
        if !c.is_null() {
            // SAFETY: the box came from SSL_CONF_CTX_new; the caller gives it up.
            drop(unsafe { Box::from_raw(c) });
        }
    }

    /// `SSL_CONF_CTX_set_flags`: the new flags.
    fn SSL_CONF_CTX_set_flags(c: *mut SSL_CONF_CTX, flags: c_uint) -> c_uint {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new.
        let c = unsafe { cctx_mut(c) };
        c.flags |= flags;
        c.flags
    }

    /// `SSL_CONF_CTX_clear_flags`: the new flags.
    fn SSL_CONF_CTX_clear_flags(c: *mut SSL_CONF_CTX, flags: c_uint) -> c_uint {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new.
        let c = unsafe { cctx_mut(c) };
        c.flags &= !flags;
        c.flags
    }

    /// `SSL_CONF_CTX_set1_prefix`: a copy of `prefix` (null removes it).
    fn SSL_CONF_CTX_set1_prefix(c: *mut SSL_CONF_CTX, prefix: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new.
        let c = unsafe { cctx_mut(c) };
        if prefix.is_null() {
            c.prefix = None;
            return 1;
        }
        // SAFETY: a C string from the caller.
        match unsafe { str_arg(prefix) } {
            Some(p) => {
                c.prefix = Some(p.to_owned());
                1
            }
            None => 0,
        }
    }

    /// `SSL_CONF_CTX_set_ssl_ctx`: later commands configure `ctx` (borrowed, as in OpenSSL);
    /// null configures nothing (commands are only checked).
    fn SSL_CONF_CTX_set_ssl_ctx(c: *mut SSL_CONF_CTX, ctx: *mut SSL_CTX) -> () {
        nonnull: [c], fail: ();
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new.
        unsafe { cctx_mut(c) }.target = if ctx.is_null() { Target::None } else { Target::Ctx(ctx) };
    }

    /// `SSL_CONF_CTX_set_ssl`: later commands configure `ssl` (borrowed).
    fn SSL_CONF_CTX_set_ssl(c: *mut SSL_CONF_CTX, ssl: *mut SSL) -> () {
        nonnull: [c], fail: ();
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new.
        unsafe { cctx_mut(c) }.target = if ssl.is_null() { Target::None } else { Target::Ssl(ssl) };
    }

    /// `SSL_CONF_CTX_finish`: 1 (every command took effect when it was given).
    fn SSL_CONF_CTX_finish(c: *mut SSL_CONF_CTX) -> c_int {
        nonnull: [c], fail: 0;
        1
    }

    /// `SSL_CONF_cmd`: 2 (value used), 1 (no value taken), 0 (bad value, or a command this
    /// library cannot carry out: ERR_R_UNSUPPORTED), -2 (unknown), -3 (value missing).
    fn SSL_CONF_cmd(c: *mut SSL_CONF_CTX, cmd: *const c_char, value: *const c_char) -> c_int {
        nonnull: [c], fail: 0;
        if cmd.is_null() {
            errors::raise_ssl("SSL_CONF_cmd", SSL_R_INVALID_NULL_CMD_NAME, None);
            return 0;
        }
        // SAFETY: C strings from the caller (value may be null).
        let (name, value) = unsafe { (str_arg(cmd), str_arg(value)) };
        let Some(name) = name else {
            return -2;
        };
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new.
        run(unsafe { cctx_mut(c) }, name, value)
    }

    /// `SSL_CONF_cmd_value_type`: `SSL_CONF_TYPE_*` of the command, `UNKNOWN` (0) if none.
    fn SSL_CONF_cmd_value_type(c: *mut SSL_CONF_CTX, cmd: *const c_char) -> c_int {
        nonnull: [c], fail: TYPE_UNKNOWN;
        // SAFETY: checked non-null; a context from SSL_CONF_CTX_new. `cmd` is a C string.
        let (c, name) = unsafe { (cctx_mut(c), str_arg(cmd)) };
        name.and_then(|n| find(c.flags, c.prefix.as_deref(), n))
            .map_or(TYPE_UNKNOWN, |cmd| value_type(cmd.kind))
    }

    /// `SSL_CONF_cmd_argv`: runs the command at `*pargv` (with the next argument as its
    /// value) in command-line form; on success moves past what it used and returns that
    /// count (1 or 2). 0 when the argument is not a command, -1 on a bad value, -3 when the
    /// value is missing.
    fn SSL_CONF_cmd_argv(c: *mut SSL_CONF_CTX, pargc: *mut c_int, pargv: *mut *mut *mut c_char) -> c_int {
        nonnull: [c, pargv], fail: -1;
        // SAFETY: checked non-null; pargc is null or a writable int; *pargv holds at least
        // *pargc strings (or a NULL-terminated list when pargc is null).
        unsafe {
            let argc = if pargc.is_null() { None } else { Some(*pargc) };
            let argv = *pargv;
            if argc == Some(0) || argv.is_null() {
                return 0;
            }
            let arg = str_arg(*argv);
            let next = if argc.is_none_or(|n| n > 1) { str_arg(*argv.add(1)) } else { None };
            let Some(arg) = arg else {
                return 0;
            };
            let cctx = cctx_mut(c);
            cctx.flags = (cctx.flags & !FLAG_FILE) | FLAG_CMDLINE;
            match run(cctx, arg, next) {
                r @ (1 | 2) => {
                    *pargv = argv.add(r as usize);
                    if !pargc.is_null() {
                        *pargc -= r;
                    }
                    r
                }
                -2 => 0,
                0 => -1,
                r => r,
            }
        }
    }
}

/// `SSL_R_INVALID_CONFIGURATION_NAME`.
const SSL_R_INVALID_CONFIGURATION_NAME: u32 = 113;

/// Applies the commands of the configuration section `name` (the `ssl_conf` module of the
/// configuration file libcrypto loaded: `openssl_conf` -> `ssl_conf` -> NAME = section) to
/// `target`, as OpenSSL's `SSL_CTX_config` does, file-style: 1 when every command took, 0
/// otherwise (an unknown name queues "invalid configuration name", except for the system
/// default). `system` is OpenSSL's own use at `SSL_CTX_new`: the `system_default` section,
/// where certificate commands are not taken.
fn apply_section(func: &str, target: Target, name: &CStr, system: bool) -> c_int {
    let mut idx = 0usize;
    // SAFETY: a C string; `idx` is written on success.
    if unsafe { ffi::conf_ssl_name_find(name.as_ptr(), &mut idx) } == 0 {
        if !system {
            let data = format!("name={}", name.to_string_lossy());
            errors::raise_ssl(func, SSL_R_INVALID_CONFIGURATION_NAME, Some(&data));
        }
        return 0;
    }
    let (mut section, mut count) = (std::ptr::null(), 0usize);
    // SAFETY: `idx` came from conf_ssl_name_find; both outputs are written.
    let cmds = unsafe { ffi::conf_ssl_get(idx, &mut section, &mut count) };
    let mut flags = FLAG_FILE | FLAG_CLIENT;
    if !system {
        flags |= FLAG_CERTIFICATE | FLAG_REQUIRE_PRIVATE;
    }
    let cctx = SSL_CONF_CTX {
        flags,
        prefix: None,
        target,
    };
    let mut failed = 0;
    for i in 0..count {
        let (mut cmd, mut arg) = (std::ptr::null_mut(), std::ptr::null_mut());
        // SAFETY: `i` is below the section's count; libcrypto owns both strings.
        unsafe { ffi::conf_ssl_get_cmd(cmds, i, &mut cmd, &mut arg) };
        // SAFETY: C strings owned by libcrypto's configuration, live while it is loaded.
        let (cmd, arg) = unsafe { (str_arg(cmd), str_arg(arg)) };
        let r = match cmd {
            Some(cmd) => run(&cctx, cmd, arg),
            None => 0,
        };
        if r <= 0 {
            failed += 1;
        }
    }
    c_int::from(failed == 0)
}

/// OpenSSL's system configuration at `SSL_CTX_new`: the `system_default` section, if the
/// configuration file has one (a distribution's or administrator's crypto policy:
/// MinProtocol, CipherString with @SECLEVEL, ...). Its failures are not reported.
pub fn apply_system_default(c: *mut SSL_CTX) {
    apply_section("SSL_CTX_new", Target::Ctx(c), c"system_default", true);
}

entry! {
    /// `SSL_CTX_config`: the commands of configuration section `name` (see `apply_section`).
    fn SSL_CTX_config(c: *mut SSL_CTX, name: *const c_char) -> c_int {
        nonnull: [c, name], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let name = unsafe { CStr::from_ptr(name) };
        apply_section("SSL_CTX_config", Target::Ctx(c), name, false)
    }

    /// `SSL_config`: as `SSL_CTX_config`, for the connection.
    fn SSL_config(s: *mut SSL, name: *const c_char) -> c_int {
        nonnull: [s, name], fail: 0;
        // SAFETY: checked non-null; a C string from the caller.
        let name = unsafe { CStr::from_ptr(name) };
        apply_section("SSL_config", Target::Ssl(s), name, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT_CMDLINE: c_uint = FLAG_CLIENT | FLAG_CMDLINE;
    const CLIENT_FILE: c_uint = FLAG_CLIENT | FLAG_FILE;

    fn p(flags: c_uint, name: &str, value: Option<&str>) -> Result<Action, Refusal> {
        parse(flags, None, name, value)
    }

    #[test]
    fn command_line_names_take_a_dash() {
        assert_eq!(
            p(CLIENT_CMDLINE, "-groups", Some("X25519")),
            Ok(Action::Groups("X25519".into()))
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-curves", Some("P-256")),
            Ok(Action::Groups("P-256".into()))
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "groups", Some("X25519")),
            Err(Refusal::Unknown)
        );
        assert_eq!(p(CLIENT_CMDLINE, "-", None), Err(Refusal::Unknown));
        // Command-line names are case-sensitive; file names are not.
        assert_eq!(
            p(CLIENT_CMDLINE, "-Groups", Some("X25519")),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            p(CLIENT_FILE, "groups", Some("X25519")),
            Ok(Action::Groups("X25519".into()))
        );
        assert_eq!(
            p(CLIENT_FILE, "-groups", Some("X25519")),
            Err(Refusal::Unknown)
        );
        // A switch has no file form.
        assert_eq!(p(CLIENT_FILE, "no_ticket", None), Err(Refusal::Unknown));
    }

    #[test]
    fn values_missing_bad_and_ignored() {
        assert_eq!(
            p(CLIENT_CMDLINE, "-cipher", None),
            Err(Refusal::MissingValue)
        );
        assert_eq!(
            p(CLIENT_FILE, "MinProtocol", None),
            Err(Refusal::MissingValue)
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-min_protocol", Some("TLSv9")),
            Err(Refusal::BadValue)
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-max_protocol", Some("TLSv1.2")),
            Ok(Action::MaxProtocol(0x0303))
        );
        assert_eq!(
            p(CLIENT_FILE, "MinProtocol", Some("None")),
            Ok(Action::MinProtocol(0))
        );
        // A switch ignores a value it is given.
        assert_eq!(
            p(CLIENT_CMDLINE, "-no_ticket", Some("x")),
            Ok(Action::Options {
                set: OP_NO_TICKET,
                clear: 0
            })
        );
    }

    #[test]
    fn switches_set_or_clear_option_bits() {
        assert_eq!(
            p(CLIENT_CMDLINE, "-no_tls1_3", None),
            Ok(Action::Options {
                set: OP_NO_TLSV1_3,
                clear: 0
            })
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-no_middlebox", None),
            Ok(Action::Options {
                set: 0,
                clear: OP_ENABLE_MIDDLEBOX_COMPAT
            })
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-comp", None),
            Ok(Action::Options {
                set: 0,
                clear: OP_NO_COMPRESSION
            })
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-nosuchswitch", None),
            Err(Refusal::Unknown)
        );
    }

    #[test]
    fn server_and_certificate_commands_are_unknown_to_a_client() {
        assert_eq!(
            p(CLIENT_CMDLINE, "-serverpref", None),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-named_curve", Some("P-256")),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-cert", Some("x.pem")),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            p(CLIENT_FILE, "ClientCAFile", Some("x.pem")),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            p(CLIENT_CMDLINE | FLAG_CERTIFICATE, "-cert", Some("x.pem")),
            Err(Refusal::Unsupported(NO_CERTS))
        );
        assert_eq!(
            p(FLAG_SERVER | FLAG_CMDLINE, "-serverpref", None),
            Ok(Action::Nothing)
        );
    }

    #[test]
    fn valid_commands_this_library_cannot_honour_are_refused() {
        assert_eq!(
            p(CLIENT_CMDLINE, "-record_padding", Some("512")),
            Ok(Action::BlockPadding(512))
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-record_padding", Some("16385")),
            Err(Refusal::BadValue)
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-record_padding", Some("0")),
            Ok(Action::Nothing)
        );
        assert_eq!(
            p(CLIENT_CMDLINE, "-record_padding", Some("many")),
            Err(Refusal::BadValue)
        );
        assert!(matches!(
            p(CLIENT_CMDLINE, "-strict", None),
            Err(Refusal::Unsupported(_))
        ));
    }

    #[test]
    fn options_and_protocol_lists() {
        assert_eq!(
            p(
                CLIENT_FILE,
                "Options",
                Some("-SessionTicket,NoRenegotiation")
            ),
            Ok(Action::Options {
                set: OP_NO_TICKET | OP_NO_RENEGOTIATION,
                clear: 0
            })
        );
        assert_eq!(
            p(CLIENT_FILE, "Options", Some("SessionTicket, -Bugs")),
            Ok(Action::Options {
                set: 0,
                clear: OP_NO_TICKET | OP_ALL
            })
        );
        assert_eq!(
            p(CLIENT_FILE, "Options", Some("NoSuchOption")),
            Err(Refusal::BadValue)
        );
        assert_eq!(
            p(CLIENT_FILE, "Options", Some("ServerPreference")),
            Err(Refusal::BadValue)
        );
        assert_eq!(
            p(CLIENT_FILE, "Protocol", Some("ALL,-TLSv1.1")),
            Ok(Action::Options {
                set: OP_NO_TLSV1_1,
                clear: OP_NO_PROTOCOLS & !OP_NO_TLSV1_1
            })
        );
        assert_eq!(
            p(CLIENT_FILE, "Protocol", Some("-TLSv1.3")),
            Ok(Action::Options {
                set: OP_NO_TLSV1_3,
                clear: 0
            })
        );
        assert_eq!(
            p(CLIENT_FILE, "Protocol", Some("bogus")),
            Err(Refusal::BadValue)
        );
        assert_eq!(
            p(CLIENT_FILE, "VerifyMode", Some("Peer")),
            Ok(Action::VerifyMode(1))
        );
        assert_eq!(
            p(CLIENT_FILE, "VerifyMode", Some("Require")),
            Err(Refusal::BadValue)
        );
    }

    #[test]
    fn signature_algorithm_lists_are_checked() {
        for good in [
            "ECDSA+SHA256:rsa_pss_rsae_sha256",
            "ed25519",
            "RSA+SHA256:PSS+SHA384",
        ] {
            assert_eq!(
                p(CLIENT_CMDLINE, "-sigalgs", Some(good)),
                Ok(Action::Sigalgs(good.into())),
                "{good}"
            );
        }
        for bad in [
            "FOO+SHA256",
            "ECDSA+MD5",
            "ed25519:ed25519",
            "",
            "ECDSA+SHA256:",
        ] {
            assert_eq!(
                p(CLIENT_CMDLINE, "-sigalgs", Some(bad)),
                Err(Refusal::BadValue),
                "{bad}"
            );
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            parse(CLIENT_CMDLINE, Some("--"), "--groups", Some("X25519")),
            Ok(Action::Groups("X25519".into()))
        );
        assert_eq!(
            parse(CLIENT_CMDLINE, Some("--"), "-groups", Some("X25519")),
            Err(Refusal::Unknown)
        );
        assert_eq!(
            parse(CLIENT_FILE, Some("TLS."), "tls.Groups", Some("X25519")),
            Ok(Action::Groups("X25519".into()))
        );
        assert_eq!(
            parse(CLIENT_FILE, Some("TLS."), "TLS.", Some("x")),
            Err(Refusal::Unknown)
        );
    }

    #[test]
    fn the_c_entry_points_return_openssls_values() {
        // SAFETY: a context from SSL_CONF_CTX_new; literals are NUL-terminated.
        unsafe {
            let c = SSL_CONF_CTX_new();
            assert_eq!(SSL_CONF_CTX_set_flags(c, FLAG_CLIENT | FLAG_CMDLINE), 5);
            assert_eq!(SSL_CONF_cmd(c, c"-groups".as_ptr(), c"X25519".as_ptr()), 2);
            assert_eq!(
                SSL_CONF_cmd(c, c"-groups".as_ptr(), c"nonsense".as_ptr()),
                0
            );
            assert_eq!(SSL_CONF_cmd(c, c"-no_ticket".as_ptr(), std::ptr::null()), 1);
            assert_eq!(SSL_CONF_cmd(c, c"-groups".as_ptr(), std::ptr::null()), -3);
            assert_eq!(SSL_CONF_cmd(c, c"-nosuch".as_ptr(), std::ptr::null()), -2);
            assert_eq!(SSL_CONF_cmd(c, std::ptr::null(), std::ptr::null()), 0);
            assert_eq!(SSL_CONF_cmd_value_type(c, c"-groups".as_ptr()), TYPE_STRING);
            assert_eq!(
                SSL_CONF_cmd_value_type(c, c"-no_ticket".as_ptr()),
                TYPE_NONE
            );
            assert_eq!(
                SSL_CONF_cmd_value_type(c, c"-nosuch".as_ptr()),
                TYPE_UNKNOWN
            );
            let mut args = [
                c"-ciphersuites".as_ptr().cast_mut(),
                c"TLS_AES_128_GCM_SHA256".as_ptr().cast_mut(),
                c"rest".as_ptr().cast_mut(),
            ];
            let mut argv = args.as_mut_ptr();
            let mut argc: c_int = 3;
            assert_eq!(SSL_CONF_cmd_argv(c, &mut argc, &mut argv), 2);
            assert_eq!((argc, *argv), (1, args[2]));
            assert_eq!(SSL_CONF_cmd_argv(c, &mut argc, &mut argv), 0);
            assert_eq!(SSL_CONF_CTX_finish(c), 1);
            SSL_CONF_CTX_free(c);
        }
    }
}
