/*
 * The rest of libssl's exports, where a client sees a result without a network or with one
 * connection to an `s_server -rev`: defaults and constants, getters after setters, methods,
 * the CA name lists and their loaders, compression's empty method list, the context's session
 * store, the SSL_SESSION getters and setters on a session from a real handshake, session id
 * copies between objects and BIOs, SSL_CTX_use_cert_and_key. Only what OpenSSL 3.0 and this
 * library answer alike is printed; where they differ on purpose (DTLS methods, the calls that
 * fail clearly here) the library's own unit tests check it.
 *
 * usage: extras HOST PORT CERTDIR
 */
/* Some of these calls are deprecated in OpenSSL 3.0; programs still import them. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/x509v3.h>

static int removed;

static void count_removed(SSL_CTX *ctx, SSL_SESSION *sess)
{
    (void)ctx;
    (void)sess;
    removed++;
}

static SSL_SESSION *get_cb(SSL *s, const unsigned char *id, int len, int *copy)
{
    (void)s;
    (void)id;
    (void)len;
    (void)copy;
    return NULL;
}

static int security_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid, void *other,
                       void *ex)
{
    (void)s, (void)ctx, (void)op, (void)bits, (void)nid, (void)other, (void)ex;
    return 1;
}

static int client_cert_cb(SSL *s, X509 **x, EVP_PKEY **pkey)
{
    (void)s, (void)x, (void)pkey;
    return 0;
}

static char path_buf[4][1024];

/* CERTDIR/name in one of four rotating buffers. */
static const char *path(const char *dir, const char *name)
{
    static int next;
    char *p = path_buf[next++ % 4];

    snprintf(p, sizeof path_buf[0], "%s/%s", dir, name);
    return p;
}

static X509 *read_cert(const char *file)
{
    BIO *b = BIO_new_file(file, "r");
    X509 *x = b != NULL ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

    BIO_free(b);
    return x;
}

static EVP_PKEY *read_key(const char *file)
{
    BIO *b = BIO_new_file(file, "r");
    EVP_PKEY *k = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

    BIO_free(b);
    return k;
}

/* The last queued error as "lib/reason", then the queue cleared. */
static const char *last_error(void)
{
    static char buf[64];
    unsigned long e = ERR_peek_last_error();

    snprintf(buf, sizeof buf, "%d/%d", ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();
    return buf;
}

static const char *first_name(const STACK_OF(X509_NAME) *sk)
{
    static char buf[256];

    if (sk == NULL || sk_X509_NAME_num(sk) < 1)
        return "(none)";
    X509_NAME_oneline(sk_X509_NAME_value(sk, 0), buf, sizeof buf);
    return buf;
}

static void defaults(SSL_CTX *ctx, SSL *s)
{
    printf("OSSL_default_cipher_list: %s\n", OSSL_default_cipher_list());
    printf("OSSL_default_ciphersuites: %s\n", OSSL_default_ciphersuites());
    printf("ERR_load_SSL_strings: %d\n", ERR_load_SSL_strings());
    printf("SSL_get_default_timeout: %ld\n", SSL_get_default_timeout(s));
    printf("SSL_client_version: 0x%x\n", SSL_client_version(s));
    printf("SSL_get_state: %d (TLS_ST_BEFORE %d)\n", SSL_get_state(s), TLS_ST_BEFORE);
    printf("SSL_rstate_string: %s, %s\n", SSL_rstate_string(s), SSL_rstate_string_long(s));
    printf("SSL_get_num_tickets: %zu\n", SSL_get_num_tickets(s));
    printf("early data: ctx %u/%u, ssl %u/%u\n", SSL_CTX_get_max_early_data(ctx),
           SSL_CTX_get_recv_max_early_data(ctx), SSL_get_max_early_data(s),
           SSL_get_recv_max_early_data(s));
    printf("security level copied: %d, by default %d\n",
           SSL_get_security_level(s) == SSL_CTX_get_security_level(ctx),
           SSL_CTX_get_security_level(ctx));
    /* (OpenSSL's default security callback is its own internal function; here there is none.) */
    printf("security ex data: %d %d\n", SSL_CTX_get0_security_ex_data(ctx) == NULL,
           SSL_get0_security_ex_data(s) == NULL);
    printf("session callbacks: get %d, remove %d\n", SSL_CTX_sess_get_get_cb(ctx) == NULL,
           SSL_CTX_sess_get_remove_cb(ctx) == NULL);
    printf("client cert cb: %d\n", SSL_CTX_get_client_cert_cb(ctx) == NULL);
    printf("padding args: %d %d\n", SSL_CTX_get_record_padding_callback_arg(ctx) == NULL,
           SSL_get_record_padding_callback_arg(s) == NULL);
    printf("SSL_alloc_buffers: %d, SSL_free_buffers: %d\n", SSL_alloc_buffers(s),
           SSL_free_buffers(s));
    SSL_set_default_read_buffer_len(s, 4096);
    printf("SSL_get_psk_identity: %d, hint %d\n", SSL_get_psk_identity(s) == NULL,
           SSL_get_psk_identity_hint(s) == NULL);
    printf("SSL_get_srtp_profiles: %d\n", SSL_get_srtp_profiles(s) == NULL);
    printf("SSL_CTX_ct_is_enabled: %d, custom ext: %d\n", SSL_CTX_ct_is_enabled(ctx),
           SSL_CTX_has_client_custom_ext(ctx, 1000));
    printf("SSL_get_srp_userinfo: %d\n", SSL_get_srp_userinfo(s) == NULL);
}

/* Arguments are evaluated in no fixed order: each call whose result is printed is made in its
 * own statement, before the printf. */
static void settings(SSL_CTX *ctx, SSL *s)
{
    int nid = -1, status = -1, a, b, c, d;
    size_t add = 9, del = 9;
    X509_VERIFY_PARAM *vpm = X509_VERIFY_PARAM_new();
    static int ex;

    SSL_set_verify_result(s, X509_V_ERR_CERT_HAS_EXPIRED);
    printf("SSL_set_verify_result: %ld\n", SSL_get_verify_result(s));
    SSL_set_verify_result(s, X509_V_OK);
    SSL_set_security_level(s, 3);
    printf("SSL_set_security_level: %d\n", SSL_get_security_level(s));
    SSL_set_security_callback(s, security_cb);
    SSL_CTX_set_security_callback(ctx, security_cb);
    SSL_set0_security_ex_data(s, &ex);
    SSL_CTX_set0_security_ex_data(ctx, &ex);
    printf("security callback stored: %d %d, ex %d %d\n",
           SSL_get_security_callback(s) == security_cb,
           SSL_CTX_get_security_callback(ctx) == security_cb, SSL_get0_security_ex_data(s) == &ex,
           SSL_CTX_get0_security_ex_data(ctx) == &ex);
    a = SSL_set_num_tickets(s, 5);
    printf("SSL_set_num_tickets: %d -> %zu\n", a, SSL_get_num_tickets(s));
    a = SSL_set_max_early_data(s, 7);
    b = SSL_set_recv_max_early_data(s, 8);
    printf("SSL_set_max_early_data: %d %d -> %u %u\n", a, b, SSL_get_max_early_data(s),
           SSL_get_recv_max_early_data(s));
    a = SSL_CTX_set_max_early_data(ctx, 9);
    b = SSL_CTX_set_recv_max_early_data(ctx, 10);
    printf("SSL_CTX_set_max_early_data: %d %d -> %u %u\n", a, b, SSL_CTX_get_max_early_data(ctx),
           SSL_CTX_get_recv_max_early_data(ctx));
    SSL_CTX_set_record_padding_callback_arg(ctx, &ex);
    SSL_set_record_padding_callback_arg(s, &ex);
    printf("padding args stored: %d %d\n", SSL_CTX_get_record_padding_callback_arg(ctx) == &ex,
           SSL_get_record_padding_callback_arg(s) == &ex);
    printf("SSL_set_record_padding_callback(NULL): %d\n", SSL_set_record_padding_callback(s, NULL));
    a = SSL_CTX_set_block_padding(ctx, 0);
    b = SSL_CTX_set_block_padding(ctx, 1);
    c = SSL_set_block_padding(s, 0);
    printf("block padding 0/1: %d %d %d\n", a, b, c);
    a = SSL_CTX_set_tlsext_max_fragment_length(ctx, 0);
    b = SSL_set_tlsext_max_fragment_length(s, 0);
    c = SSL_set_tlsext_max_fragment_length(s, 9);
    printf("max fragment length 0: %d %d, 9: %d %s\n", a, b, c, last_error());
    SSL_CTX_set_client_cert_cb(ctx, client_cert_cb);
    printf("client cert cb stored: %d\n", SSL_CTX_get_client_cert_cb(ctx) == client_cert_cb);
    SSL_CTX_sess_set_get_cb(ctx, get_cb);
    SSL_CTX_sess_set_remove_cb(ctx, count_removed);
    printf("session callbacks stored: %d %d\n", SSL_CTX_sess_get_get_cb(ctx) == get_cb,
           SSL_CTX_sess_get_remove_cb(ctx) == count_removed);
    X509_VERIFY_PARAM_set1_host(vpm, "localhost", 0);
    a = SSL_set1_param(s, vpm);
    printf("SSL_set1_param: %d, host %s\n", a, X509_VERIFY_PARAM_get0_host(SSL_get0_param(s), 0));
    X509_VERIFY_PARAM_free(vpm);
    a = SSL_set_purpose(s, X509_PURPOSE_SSL_SERVER);
    b = SSL_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    c = SSL_set_purpose(s, 999);
    printf("purpose: %d %d, unknown %d %s\n", a, b, c, last_error());
    a = SSL_set_trust(s, X509_TRUST_SSL_SERVER);
    b = SSL_CTX_set_trust(ctx, X509_TRUST_SSL_SERVER);
    printf("trust: %d %d\n", a, b);
    a = SSL_get_signature_type_nid(s, &nid);
    printf("SSL_get_signature_type_nid: %d, nid untouched %d\n", a, nid == -1);
    a = SSL_get_async_status(s, &status);
    b = SSL_get_changed_async_fds(s, NULL, &add, NULL, &del);
    printf("async: status %d %d, changed fds %d\n", a, status, b);
    a = SSL_set_session_secret_cb(s, NULL, NULL);
    b = SSL_set_session_ticket_ext_cb(s, NULL, NULL);
    c = SSL_CTX_set_ct_validation_callback(ctx, NULL, NULL);
    printf("null callbacks: %d %d %d\n", a, b, c);
    a = SSL_client_hello_isv2(s);
    b = (int)SSL_client_hello_get0_legacy_version(s);
    c = (int)SSL_client_hello_get0_random(s, NULL);
    d = SSL_client_hello_get1_extensions_present(s, NULL, NULL);
    ERR_clear_error();
    printf("client hello (not a server): %d %d %d %d\n", a, b, c, d);
    printf("dane flags: %lu %lu\n", SSL_CTX_dane_set_flags(ctx, 1), SSL_dane_clear_flags(s, 1));
    a = SSL_CTX_SRP_CTX_free(ctx);
    b = SSL_SRP_CTX_free(s);
    printf("SRP_CTX_free: %d %d\n", a, b);
    a = SSL_new_session_ticket(s);
    b = SSL_config(s, "none");
    c = SSL_export_keying_material_early(s, (unsigned char *)&ex, 1, "x", 1, NULL, 0);
    ERR_clear_error();
    printf("refused as on OpenSSL: %d %d %d\n", a, b, c);
}

static void methods(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx);
    int a;

    printf("SSL_CTX_get_ssl_method: %d, SSL_get_ssl_method: %d\n",
           SSL_CTX_get_ssl_method(ctx) == TLS_client_method(),
           SSL_get_ssl_method(s) == TLS_client_method());
    a = SSL_set_ssl_method(s, TLSv1_2_client_method());
    printf("SSL_set_ssl_method(TLSv1_2_client_method): %d -> %d\n", a,
           SSL_get_ssl_method(s) == TLSv1_2_client_method());
    a = SSL_CTX_set_ssl_version(ctx, TLSv1_2_method());
    printf("SSL_CTX_set_ssl_version(TLSv1_2_method): %d -> %d\n", a,
           SSL_CTX_get_ssl_method(ctx) == TLSv1_2_method());
    SSL_free(s);
    s = SSL_new(ctx);
    printf("SSL_new copies it: %d, client version 0x%x\n",
           SSL_get_ssl_method(s) == TLSv1_2_method(), SSL_client_version(s));
    printf("DTLSv1_2 methods exist: %d %d %d\n", DTLSv1_2_method() != NULL,
           DTLSv1_2_client_method() != NULL, DTLSv1_2_server_method() != NULL);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void ca_lists(SSL_CTX *ctx, SSL *s, const char *dir)
{
    X509 *root = read_cert(path(dir, "root.pem"));
    STACK_OF(X509_NAME) *sk, *dup;
    int a, b;

    printf("SSL_CTX_get0_CA_list: %d names, client CA list %d, SSL_get_client_CA_list %d\n",
           sk_X509_NAME_num(SSL_CTX_get0_CA_list(ctx)),
           sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)), SSL_get_client_CA_list(s) == NULL);
    printf("SSL_get0_CA_list is the context's: %d\n",
           SSL_get0_CA_list(s) == SSL_CTX_get0_CA_list(ctx));
    a = SSL_CTX_add1_to_CA_list(ctx, root);
    printf("SSL_CTX_add1_to_CA_list: %d -> %s\n", a, first_name(SSL_CTX_get0_CA_list(ctx)));
    a = SSL_add1_to_CA_list(s, root);
    printf("SSL_add1_to_CA_list: %d -> own %d, %d names\n", a,
           SSL_get0_CA_list(s) != SSL_CTX_get0_CA_list(ctx), sk_X509_NAME_num(SSL_get0_CA_list(s)));
    dup = SSL_dup_CA_list(SSL_get0_CA_list(s));
    printf("SSL_dup_CA_list: %d names, a copy %d, same name %d\n", sk_X509_NAME_num(dup),
           dup != SSL_get0_CA_list(s),
           X509_NAME_cmp(sk_X509_NAME_value(dup, 0), sk_X509_NAME_value(SSL_get0_CA_list(s), 0)) == 0);
    sk_X509_NAME_push(dup, X509_NAME_dup(X509_get_subject_name(root)));
    SSL_set0_CA_list(s, dup);
    printf("SSL_set0_CA_list: %d names\n", sk_X509_NAME_num(SSL_get0_CA_list(s)));
    a = SSL_CTX_add_client_CA(ctx, root);
    b = SSL_add_client_CA(s, root);
    printf("SSL_CTX_add_client_CA: %d -> %d names; SSL_add_client_CA: %d\n", a,
           sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)), b);
    SSL_set_client_CA_list(s, SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx)));
    printf("SSL_get_client_CA_list on a client after set: %d\n", SSL_get_client_CA_list(s) == NULL);
    SSL_CTX_set_client_CA_list(ctx, sk_X509_NAME_new_null());
    printf("SSL_CTX_set_client_CA_list: %d names\n",
           sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)));
    SSL_CTX_set0_CA_list(ctx, NULL);
    printf("SSL_CTX_set0_CA_list(NULL): %d\n", SSL_CTX_get0_CA_list(ctx) == NULL);

    sk = SSL_load_client_CA_file(path(dir, "root.pem"));
    printf("SSL_load_client_CA_file: %d names, %s, queue %lu\n", sk_X509_NAME_num(sk),
           first_name(sk), ERR_peek_error());
    sk_X509_NAME_pop_free(sk, X509_NAME_free);
    sk = SSL_load_client_CA_file_ex(path(dir, "badca.chain.pem"), NULL, NULL);
    printf("SSL_load_client_CA_file_ex: %d names\n", sk_X509_NAME_num(sk));
    a = SSL_add_file_cert_subjects_to_stack(sk, path(dir, "ecdsa.chain.pem"));
    b = SSL_add_file_cert_subjects_to_stack(sk, path(dir, "ecdsa.chain.pem"));
    printf("SSL_add_file_cert_subjects_to_stack: %d %d -> %d names, queue %lu\n", a, b,
           sk_X509_NAME_num(sk), ERR_peek_error());
    a = SSL_add_store_cert_subjects_to_stack(sk, path(dir, "rsa.chain.pem"));
    printf("SSL_add_store_cert_subjects_to_stack: %d -> %d names\n", a, sk_X509_NAME_num(sk));
    a = SSL_add_dir_cert_subjects_to_stack(sk, dir);
    printf("SSL_add_dir_cert_subjects_to_stack: %d -> %d names, queue %lu\n", a,
           sk_X509_NAME_num(sk), ERR_peek_error());
    a = SSL_add_file_cert_subjects_to_stack(sk, path(dir, "root.key"));
    printf("SSL_add_file_cert_subjects_to_stack(key file): %d, queue %lu\n", a, ERR_peek_error());
    sk_X509_NAME_pop_free(sk, X509_NAME_free);
    sk = SSL_load_client_CA_file(path(dir, "root.key"));
    printf("SSL_load_client_CA_file(key file): %d %s\n", sk == NULL, last_error());
    sk = SSL_load_client_CA_file(path(dir, "missing.pem"));
    printf("SSL_load_client_CA_file(missing): %d\n", sk == NULL);
    ERR_clear_error();
    sk = sk_X509_NAME_new_null();
    a = SSL_add_file_cert_subjects_to_stack(sk, path(dir, "missing.pem"));
    printf("SSL_add_file_cert_subjects_to_stack(missing): %d\n", a);
    sk_X509_NAME_free(sk);
    ERR_clear_error();
    X509_free(root);
}

static void compression(void)
{
    STACK_OF(SSL_COMP) *meths = SSL_COMP_get_compression_methods(), *old;
    int a;

    printf("SSL_COMP_get_compression_methods: %d, %d methods\n", meths != NULL,
           sk_SSL_COMP_num(meths));
    a = SSL_COMP_add_compression_method(200, NULL);
    printf("SSL_COMP_add_compression_method(NULL): %d, queue %lu\n", a, ERR_peek_error());
    old = SSL_COMP_set0_compression_methods(NULL);
    printf("SSL_COMP_set0_compression_methods: old %d, now %d\n", old == meths,
           SSL_COMP_get_compression_methods() == NULL);
    (void)SSL_COMP_set0_compression_methods(meths);
}

static void cert_and_key(const char *dir)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *s = SSL_new(ctx);
    X509 *x = read_cert(path(dir, "client-ecdsa.pem"));
    EVP_PKEY *k = read_key(path(dir, "client-ecdsa.key"));
    EVP_PKEY *rsa = read_key(path(dir, "client-rsa.key"));
    STACK_OF(X509) *chain = sk_X509_new_null(), *got = NULL;
    int a;

    sk_X509_push(chain, read_cert(path(dir, "client-ca.pem")));
    a = SSL_CTX_use_cert_and_key(ctx, x, k, chain, 0);
    SSL_CTX_get0_chain_certs(ctx, &got);
    printf("SSL_CTX_use_cert_and_key: %d, check %d, current %d, chain %d (a copy %d)\n", a,
           SSL_CTX_check_private_key(ctx), SSL_CTX_get0_certificate(ctx) == x,
           sk_X509_num(got), got != chain);
    a = SSL_CTX_use_cert_and_key(ctx, x, k, NULL, 0);
    printf("  again without override: %d %s\n", a, last_error());
    a = SSL_CTX_use_cert_and_key(ctx, x, k, NULL, 1);
    printf("  with override: %d\n", a);
    a = SSL_CTX_use_cert_and_key(ctx, x, rsa, NULL, 1);
    printf("  mismatched key: %d %s\n", a, last_error());
    a = SSL_use_cert_and_key(s, x, k, NULL, 1);
    printf("SSL_use_cert_and_key: %d, check %d\n", a, SSL_check_private_key(s));
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(k);
    X509_free(x);
    SSL_free(s);
    SSL_CTX_free(ctx);
}

static void session_fields(SSL_SESSION *sess)
{
    const unsigned char *p = NULL, *tick = NULL;
    unsigned char id[4] = {1, 2, 3, 4}, long_id[33] = {0};
    unsigned int len = 0;
    size_t n = 99, tlen = 0;
    void *data = NULL;
    int idx = SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL, NULL), a, b;
    SSL_SESSION *copy;

    SSL_SESSION_get0_alpn_selected(sess, &p, &n);
    printf("SSL_SESSION_get0_alpn_selected: %d %zu\n", p == NULL, n);
    SSL_SESSION_get0_id_context(sess, &len);
    printf("SSL_SESSION_get0_id_context: %u\n", len);
    SSL_SESSION_get0_ticket(sess, &tick, &tlen);
    printf("SSL_SESSION_get0_ticket: %s\n", tick != NULL && tlen > 0 ? "present" : "none");
    printf("compress id %u, max fragment length %u\n", SSL_SESSION_get_compress_id(sess),
           SSL_SESSION_get_max_fragment_length(sess));
    a = SSL_SESSION_get0_ticket_appdata(sess, &data, &n);
    printf("SSL_SESSION_get0_ticket_appdata: %d %zu\n", a, n);
    a = SSL_SESSION_set1_hostname(sess, "example");
    printf("SSL_SESSION_set1_hostname: %d -> %s\n", a, SSL_SESSION_get0_hostname(sess));
    a = SSL_SESSION_set1_id(sess, id, sizeof id);
    p = SSL_SESSION_get_id(sess, &len);
    printf("SSL_SESSION_set1_id: %d -> %u bytes, %d\n", a, len, memcmp(p, id, 4) == 0);
    a = SSL_SESSION_set1_id(sess, long_id, sizeof long_id);
    printf("  33 bytes: %d %s\n", a, last_error());
    a = SSL_SESSION_set1_id_context(sess, id, 3);
    SSL_SESSION_get0_id_context(sess, &len);
    b = SSL_SESSION_set1_id_context(sess, long_id, 33);
    printf("SSL_SESSION_set1_id_context: %d -> %u; 33 bytes %d %s\n", a, len, b, last_error());
    a = SSL_SESSION_set1_alpn_selected(sess, (const unsigned char *)"h2", 2);
    SSL_SESSION_get0_alpn_selected(sess, &p, &n);
    printf("SSL_SESSION_set1_alpn_selected: %d -> %.*s\n", a, (int)n, (const char *)p);
    a = SSL_SESSION_set1_ticket_appdata(sess, "app", 3);
    SSL_SESSION_get0_ticket_appdata(sess, &data, &n);
    printf("SSL_SESSION_set1_ticket_appdata: %d -> %.*s\n", a, (int)n, (const char *)data);
    a = SSL_SESSION_set_max_early_data(sess, 7);
    printf("SSL_SESSION_set_max_early_data: %d -> %u\n", a, SSL_SESSION_get_max_early_data(sess));
    a = SSL_SESSION_set_ex_data(sess, idx, id);
    printf("SSL_SESSION_set_ex_data: %d -> %d\n", a, SSL_SESSION_get_ex_data(sess, idx) == id);
    copy = SSL_SESSION_dup(sess);
    p = SSL_SESSION_get_id(copy, &len);
    printf("SSL_SESSION_dup: %d, id %u %d, host %s, version 0x%x, resumable %d, ex_data %d\n",
           copy != NULL && copy != sess, len, memcmp(p, id, 4) == 0,
           SSL_SESSION_get0_hostname(copy), SSL_SESSION_get_protocol_version(copy),
           SSL_SESSION_is_resumable(copy), SSL_SESSION_get_ex_data(copy, idx) == id);
    SSL_SESSION_get0_alpn_selected(copy, &p, &n);
    printf("  alpn %.*s, max early data %u, master key %zu = %zu\n", (int)n, (const char *)p,
           SSL_SESSION_get_max_early_data(copy), SSL_SESSION_get_master_key(copy, NULL, 0),
           SSL_SESSION_get_master_key(sess, NULL, 0));
    SSL_SESSION_free(copy);
}

static void session_store(SSL_CTX *ctx, SSL_SESSION *sess)
{
    LHASH_OF(SSL_SESSION) *lh = SSL_CTX_sessions(ctx);
    int a, b;

    printf("SSL_CTX_sessions: %d, %lu items, number %ld\n", lh != NULL,
           OPENSSL_LH_num_items((OPENSSL_LHASH *)lh), SSL_CTX_sess_number(ctx));
    a = SSL_CTX_add_session(ctx, sess);
    b = SSL_CTX_add_session(ctx, sess);
    printf("SSL_CTX_add_session: %d, again %d -> %lu items, number %ld\n", a, b,
           OPENSSL_LH_num_items((OPENSSL_LHASH *)lh), SSL_CTX_sess_number(ctx));
    a = SSL_CTX_remove_session(ctx, sess);
    printf("SSL_CTX_remove_session: %d, removed %d, resumable %d\n", a, removed,
           SSL_SESSION_is_resumable(sess));
    a = SSL_CTX_remove_session(ctx, sess);
    printf("  again: %d, removed %d\n", a, removed);
    removed = 0;
    SSL_CTX_add_session(ctx, sess);
    SSL_CTX_flush_sessions(ctx, 1);
    printf("SSL_CTX_flush_sessions(1): number %ld, removed %d\n", SSL_CTX_sess_number(ctx), removed);
    SSL_CTX_flush_sessions(ctx, 0);
    printf("SSL_CTX_flush_sessions(0): number %ld, removed %d\n", SSL_CTX_sess_number(ctx), removed);
}

static void copies(SSL_CTX *ctx, SSL *from)
{
    SSL *to = SSL_new(ctx), *x1 = NULL, *x2 = NULL;
    BIO *b1 = BIO_new_ssl(ctx, 1), *b2 = BIO_new_ssl(ctx, 1), *mem = BIO_new(BIO_s_mem());
    BIO *buffered = BIO_new_buffer_ssl_connect(ctx);
    int a, b;

    a = SSL_copy_session_id(to, from);
    printf("SSL_copy_session_id: %d, same session %d, method %d\n", a,
           SSL_get_session(to) == SSL_get_session(from),
           SSL_get_ssl_method(to) == SSL_get_ssl_method(from));
    BIO_get_ssl(b1, &x1);
    BIO_get_ssl(b2, &x2);
    SSL_set_session(x1, SSL_get_session(from));
    a = BIO_ssl_copy_session_id(b2, b1);
    b = BIO_ssl_copy_session_id(mem, b1);
    printf("BIO_ssl_copy_session_id: %d, same session %d; without an SSL BIO %d\n", a,
           SSL_get_session(x2) == SSL_get_session(from), b);
    printf("BIO_new_buffer_ssl_connect: %d, buffer on top %d, SSL below %d\n", buffered != NULL,
           BIO_method_type(buffered) == BIO_TYPE_BUFFER,
           BIO_find_type(buffered, BIO_TYPE_SSL) != NULL);
    BIO_free_all(buffered);
    BIO_free(mem);
    BIO_free_all(b2);
    BIO_free_all(b1);
    SSL_free(to);
}

int main(int argc, char **argv)
{
    SSL_SESSION *sess;
    SSL_CTX *ctx;
    SSL *s;
    int fd, fd2 = 0, ret;

    if (argc != 4) {
        fprintf(stderr, "usage: extras HOST PORT CERTDIR\n");
        return EXIT_USAGE;
    }
    ctx = client_ctx(path(argv[3], "root.pem"), "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    s = SSL_new(ctx);
    defaults(ctx, s);
    settings(ctx, s);
    SSL_free(s);
    methods();
    s = SSL_new(ctx);
    ca_lists(ctx, s, argv[3]);
    SSL_free(s);
    compression();
    cert_and_key(argv[3]);

    s = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (s == NULL)
        return EXIT_SETUP_FAILED;
    ret = SSL_connect(s);
    report("SSL_connect", s, ret, errno);
    if (ret != 1)
        return EXIT_HANDSHAKE_FAILED;
    ret = SSL_get_signature_type_nid(s, &fd2);
    printf("after the handshake: state %d (TLS_ST_OK %d), client version 0x%x, signature %d\n",
           SSL_get_state(s), TLS_ST_OK, SSL_client_version(s), ret);
    {
        char line[64];

        SSL_write(s, "ping\n", 5);
        read_line(s, line, sizeof line);
    }
    sess = SSL_get1_session(s);
    copies(ctx, s);
    close_rev(s);
    SSL_shutdown(s);
    session_store(ctx, sess);
    session_fields(sess);
    SSL_SESSION_free(sess);
    SSL_free(s);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: 0\n");
    return EXIT_OK;
}
