/*
 * Client certificates: every way a program hands libssl its certificate and key, what
 * check_private_key says about them, and what a server asking for a certificate sees.
 *
 * usage: client_cert load CERTDIR SCRATCH
 *          Loads certificates and keys from files (PEM, DER, chain files, an encrypted key
 *          with a passphrase callback), buffers (ASN1), libcrypto objects and per SSL; prints
 *          each call's return value and every queued error (library, reason, text).
 *        client_cert connect HOST PORT CAFILE CERTDIR SCRATCH HOW VERSION
 *          Loads the ECDSA client certificate HOW (none, pem, der, chain, objects, asn1, enc,
 *          ssl, rsa; or through SSL_CTX_set_client_cert_cb: cb, cbnone answering none, cbretry
 *          asking to be called again first; or through SSL_CTX_set_cert_cb: certcb setting them
 *          on the SSL, certcbretry, certcbfail failing), connects with VERSION (1.2 or 1.3) to an
 *          `s_server -www` that requires a client certificate, and prints what the server
 *          asked for (certificate types, signature algorithms, those shared) and what its
 *          status page says about the certificate.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/pem.h>

static char certdir[512];
static char scratch[512];

static const char *path(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int next;
    char *p = buf[next++ % 4];

    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

#define CERT(name) path(certdir, name)
#define TMP(name) path(scratch, name)

/* Prints "what: R" and every queued error, earliest first; empties the queue. */
static void step(const char *what, long ret)
{
    unsigned long e;

    printf("%s: %ld\n", what, ret);
    while ((e = ERR_get_error()) != 0) {
        const char *reason = ERR_reason_error_string(e);

        printf("  lib=%d reason=%d (%s)\n", ERR_GET_LIB(e), ERR_GET_REASON(e),
               reason != NULL ? reason : "no text");
    }
}

/* The subject of a certificate, or "(none)". */
static const char *subject(X509 *x)
{
    static char name[256];

    if (x == NULL)
        return "(none)";
    X509_NAME_oneline(X509_get_subject_name(x), name, sizeof name);
    return name;
}

static void show_ctx(const char *what, SSL_CTX *ctx)
{
    EVP_PKEY *k = SSL_CTX_get0_privatekey(ctx);

    printf("%s: certificate %s, key %s\n", what, subject(SSL_CTX_get0_certificate(ctx)),
           k == NULL ? "(none)" : OBJ_nid2sn(EVP_PKEY_get_base_id(k)));
}

static void show_ssl(const char *what, SSL *ssl)
{
    EVP_PKEY *k = SSL_get_privatekey(ssl);

    printf("%s: certificate %s, key %s\n", what, subject(SSL_get_certificate(ssl)),
           k == NULL ? "(none)" : OBJ_nid2sn(EVP_PKEY_get_base_id(k)));
}

static void show_chain(const char *what, STACK_OF(X509) *sk)
{
    printf("%s: %d", what, sk == NULL ? -1 : sk_X509_num(sk));
    for (int i = 0; sk != NULL && i < sk_X509_num(sk); i++)
        printf(" %s", subject(sk_X509_value(sk, i)));
    printf("\n");
}

static int passwd_calls;

/* Copies the passphrase in `u`. */
static int passwd(char *buf, int size, int rwflag, void *u)
{
    int n = (int)strlen((const char *)u);

    (void)rwflag;
    passwd_calls++;
    if (n > size)
        return -1;
    memcpy(buf, u, (size_t)n);
    return n;
}

static X509 *read_cert(const char *file)
{
    FILE *f = fopen(file, "r");
    X509 *x = f == NULL ? NULL : PEM_read_X509(f, NULL, NULL, NULL);

    if (f != NULL)
        fclose(f);
    return x;
}

static EVP_PKEY *read_key(const char *file)
{
    FILE *f = fopen(file, "r");
    EVP_PKEY *k = f == NULL ? NULL : PEM_read_PrivateKey(f, NULL, NULL, NULL);

    if (f != NULL)
        fclose(f);
    return k;
}

/* Writes DER copies of the ECDSA client certificate and its key (SEC1) and of the RSA key
 * (PKCS#8) into the scratch directory. */
static int write_der_files(void)
{
    X509 *x = read_cert(CERT("client-ecdsa.pem"));
    EVP_PKEY *ec = read_key(CERT("client-ecdsa.key"));
    EVP_PKEY *rsa = read_key(CERT("client-rsa.key"));
    FILE *a = fopen(TMP("client-ecdsa.der"), "wb");
    FILE *b = fopen(TMP("client-ecdsa.key.der"), "wb");
    FILE *c = fopen(TMP("client-rsa.key.der"), "wb");
    int ok = x != NULL && ec != NULL && rsa != NULL && a != NULL && b != NULL && c != NULL &&
             i2d_X509_fp(a, x) == 1 && i2d_PrivateKey_fp(b, ec) == 1 &&
             i2d_PKCS8PrivateKey_fp(c, rsa, NULL, NULL, 0, NULL, NULL) == 1;

    if (a != NULL)
        fclose(a);
    if (b != NULL)
        fclose(b);
    if (c != NULL)
        fclose(c);
    X509_free(x);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
    return ok;
}

static SSL_CTX *new_ctx(void)
{
    return SSL_CTX_new(TLS_client_method());
}

static int load(void)
{
    unsigned char garbage[16] = {0x30, 0x82, 0x01, 0x00, 0x05, 0x00};
    unsigned char *der = NULL, *kder = NULL;
    STACK_OF(X509) *sk = NULL;
    int len, klen;
    SSL_CTX *ctx;
    X509 *x, *ca;
    EVP_PKEY *k, *other;
    SSL *ssl;

    if (!write_der_files()) {
        fprintf(stderr, "cannot write the DER files\n");
        return EXIT_SETUP_FAILED;
    }

    printf("-- PEM files, one context\n");
    ctx = new_ctx();
    step("check, nothing set", SSL_CTX_check_private_key(ctx));
    show_ctx("nothing set", ctx);
    step("certificate file", SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.pem"),
                                                          SSL_FILETYPE_PEM));
    step("check, no key", SSL_CTX_check_private_key(ctx));
    step("another key of the same type",
         SSL_CTX_use_PrivateKey_file(ctx, CERT("ecdsa.key"), SSL_FILETYPE_PEM));
    step("check, still no key", SSL_CTX_check_private_key(ctx));
    step("key file", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.key"), SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    show_ctx("pair", ctx);
    step("missing file", SSL_CTX_use_certificate_file(ctx, TMP("missing.pem"), SSL_FILETYPE_PEM));
    step("missing key file", SSL_CTX_use_PrivateKey_file(ctx, TMP("missing.key"), SSL_FILETYPE_PEM));
    step("a key file as certificate",
         SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.key"), SSL_FILETYPE_PEM));
    step("a certificate file as key",
         SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.pem"), SSL_FILETYPE_PEM));
    step("file type 3", SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.pem"), 3));
    step("key file type 3", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.key"), 3));
    step("PEM read as DER",
         SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.pem"), SSL_FILETYPE_ASN1) != 0);
    ERR_clear_error();
    step("check, the pair is kept", SSL_CTX_check_private_key(ctx));
    step("a certificate for another key",
         SSL_CTX_use_certificate_file(ctx, CERT("ecdsa.pem"), SSL_FILETYPE_PEM));
    step("check, its key was dropped", SSL_CTX_check_private_key(ctx));
    step("null certificate", SSL_CTX_use_certificate(ctx, NULL));
    step("null key", SSL_CTX_use_PrivateKey(ctx, NULL));
    SSL_CTX_free(ctx);

    printf("-- one slot per key type\n");
    ctx = new_ctx();
    step("ECDSA certificate", SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.pem"),
                                                           SSL_FILETYPE_PEM));
    step("SEC1 key", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.sec1.key"),
                                                 SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    step("RSA certificate", SSL_CTX_use_certificate_file(ctx, CERT("client-rsa.pem"),
                                                         SSL_FILETYPE_PEM));
    step("check, RSA without key", SSL_CTX_check_private_key(ctx));
    show_ctx("RSA current", ctx);
    step("PKCS#1 key", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-rsa.pkcs1.key"),
                                                   SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    step("the ECDSA key again", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.key"),
                                                            SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    show_ctx("ECDSA current", ctx);
    SSL_CTX_free(ctx);

    ctx = new_ctx();
    step("ECDSA certificate", SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.pem"),
                                                           SSL_FILETYPE_PEM));
    step("then an RSA key", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-rsa.key"),
                                                        SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    show_ctx("RSA key alone", ctx);
    SSL_CTX_free(ctx);

    printf("-- DER files\n");
    ctx = new_ctx();
    step("certificate", SSL_CTX_use_certificate_file(ctx, TMP("client-ecdsa.der"),
                                                     SSL_FILETYPE_ASN1));
    step("SEC1 key", SSL_CTX_use_PrivateKey_file(ctx, TMP("client-ecdsa.key.der"),
                                                 SSL_FILETYPE_ASN1));
    step("check", SSL_CTX_check_private_key(ctx));
    step("RSA certificate", SSL_CTX_use_certificate_file(ctx, CERT("client-rsa.pem"),
                                                         SSL_FILETYPE_PEM));
    step("PKCS#8 RSA key", SSL_CTX_use_PrivateKey_file(ctx, TMP("client-rsa.key.der"),
                                                       SSL_FILETYPE_ASN1));
    step("check", SSL_CTX_check_private_key(ctx));
    step("RSAPrivateKey file", SSL_CTX_use_RSAPrivateKey_file(ctx, CERT("client-rsa.pkcs1.key"),
                                                              SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    SSL_CTX_free(ctx);

    printf("-- buffers and objects\n");
    x = read_cert(CERT("client-ecdsa.pem"));
    k = read_key(CERT("client-ecdsa.key"));
    other = read_key(CERT("ecdsa.key"));
    ca = read_cert(CERT("client-ca.pem"));
    if (x == NULL || k == NULL || other == NULL || ca == NULL)
        return EXIT_SETUP_FAILED;
    len = i2d_X509(x, &der);
    klen = i2d_PrivateKey(k, &kder);
    ctx = new_ctx();
    step("certificate ASN1", SSL_CTX_use_certificate_ASN1(ctx, len, der));
    step("key ASN1", SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_EC, ctx, kder, klen));
    step("check", SSL_CTX_check_private_key(ctx));
    step("garbage certificate ASN1", SSL_CTX_use_certificate_ASN1(ctx, sizeof garbage, garbage));
    step("garbage key ASN1",
         SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_EC, ctx, garbage, sizeof garbage));
    SSL_CTX_free(ctx);
    ctx = new_ctx();
    step("X509 object", SSL_CTX_use_certificate(ctx, x));
    step("EVP_PKEY object, another key", SSL_CTX_use_PrivateKey(ctx, other));
    step("EVP_PKEY object", SSL_CTX_use_PrivateKey(ctx, k));
    step("check", SSL_CTX_check_private_key(ctx));
    printf("the context keeps its own references: %s\n",
           SSL_CTX_get0_certificate(ctx) == x ? "same object" : "another object");

    printf("-- extra chain certificates\n");
    SSL_CTX_get_extra_chain_certs_only(ctx, &sk);
    show_chain("extra only, none", sk);
    X509_up_ref(ca);
    step("add_extra_chain_cert", SSL_CTX_add_extra_chain_cert(ctx, ca));
    SSL_CTX_get_extra_chain_certs(ctx, &sk);
    show_chain("extra", sk);
    step("clear_extra_chain_certs", SSL_CTX_clear_extra_chain_certs(ctx));
    SSL_CTX_get_extra_chain_certs_only(ctx, &sk);
    show_chain("extra only, cleared", sk);
    SSL_CTX_free(ctx);

    printf("-- chain files\n");
    ctx = new_ctx();
    step("chain file", SSL_CTX_use_certificate_chain_file(ctx, CERT("client-ecdsa.chain.pem")));
    SSL_CTX_get0_chain_certs(ctx, &sk);
    show_chain("chain", sk);
    SSL_CTX_get_extra_chain_certs(ctx, &sk);
    show_chain("extra, falling back to the chain", sk);
    step("key", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.key"), SSL_FILETYPE_PEM));
    step("check", SSL_CTX_check_private_key(ctx));
    step("a leaf-only chain file",
         SSL_CTX_use_certificate_chain_file(ctx, CERT("client-ecdsa.pem")));
    SSL_CTX_get0_chain_certs(ctx, &sk);
    show_chain("chain", sk);
    step("check, same certificate keeps its key", SSL_CTX_check_private_key(ctx));
    step("missing chain file", SSL_CTX_use_certificate_chain_file(ctx, TMP("missing.pem")));
    step("a key file as chain file",
         SSL_CTX_use_certificate_chain_file(ctx, CERT("client-ecdsa.key")));
    SSL_CTX_free(ctx);

    printf("-- encrypted key\n");
    ctx = new_ctx();
    printf("callback before: %s\n", SSL_CTX_get_default_passwd_cb(ctx) == NULL ? "none" : "set");
    SSL_CTX_set_default_passwd_cb(ctx, passwd);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, "wrong");
    printf("callback: %s, userdata: %s\n",
           SSL_CTX_get_default_passwd_cb(ctx) == passwd ? "ours" : "other",
           (const char *)SSL_CTX_get_default_passwd_cb_userdata(ctx));
    step("certificate", SSL_CTX_use_certificate_file(ctx, CERT("client-ecdsa.pem"),
                                                     SSL_FILETYPE_PEM));
    step("wrong passphrase", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.enc.key"),
                                                         SSL_FILETYPE_PEM));
    SSL_CTX_set_default_passwd_cb_userdata(ctx, "oxissl");
    step("right passphrase", SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.enc.key"),
                                                         SSL_FILETYPE_PEM));
    printf("passphrase asked %d times\n", passwd_calls);
    step("check", SSL_CTX_check_private_key(ctx));

    printf("-- per connection\n");
    ssl = SSL_new(ctx);
    step("SSL check, from the context", SSL_check_private_key(ssl));
    show_ssl("SSL", ssl);
    printf("SSL callback: %s\n", SSL_get_default_passwd_cb(ssl) == passwd ? "ours" : "other");
    step("SSL RSA certificate file",
         SSL_use_certificate_file(ssl, CERT("client-rsa.pem"), SSL_FILETYPE_PEM));
    step("SSL check, no RSA key", SSL_check_private_key(ssl));
    step("SSL another RSA key", SSL_use_PrivateKey_file(ssl, CERT("rsa.key"), SSL_FILETYPE_PEM));
    step("SSL RSA key file", SSL_use_PrivateKey_file(ssl, CERT("client-rsa.key"),
                                                     SSL_FILETYPE_PEM));
    step("SSL check", SSL_check_private_key(ssl));
    show_ssl("SSL", ssl);
    show_ctx("its context", ctx);
    step("SSL chain file", SSL_use_certificate_chain_file(ssl, CERT("client-rsa.chain.pem")));
    SSL_get0_chain_certs(ssl, &sk);
    show_chain("SSL chain", sk);
    step("SSL certificate ASN1", SSL_use_certificate_ASN1(ssl, der, len));
    step("SSL key ASN1", SSL_use_PrivateKey_ASN1(EVP_PKEY_EC, ssl, kder, klen));
    step("SSL X509 object", SSL_use_certificate(ssl, x));
    step("SSL EVP_PKEY object", SSL_use_PrivateKey(ssl, k));
    step("SSL mismatched object", SSL_use_PrivateKey(ssl, other));
    step("SSL check", SSL_check_private_key(ssl));
    show_ssl("SSL", ssl);
    step("SSL DER files", SSL_use_certificate_file(ssl, TMP("client-ecdsa.der"),
                                                   SSL_FILETYPE_ASN1) +
                              SSL_use_PrivateKey_file(ssl, TMP("client-ecdsa.key.der"),
                                                      SSL_FILETYPE_ASN1));
    step("SSL missing file", SSL_use_certificate_file(ssl, TMP("missing.pem"), SSL_FILETYPE_PEM));
    SSL_free(ssl);
    SSL_CTX_free(ctx);

    OPENSSL_free(der);
    OPENSSL_free(kder);
    X509_free(x);
    X509_free(ca);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
    return EXIT_OK;
}

static int cert_cb_calls;
static const char *cert_cb_mode;

/* The server's certificate and its verification result, which OpenSSL has by the time it
 * asks for a certificate (in TLS 1.3, after the server's CertificateVerify). */
static void print_server(SSL *ssl)
{
    X509 *peer = SSL_get1_peer_certificate(ssl);
    char name[256] = "(none)";

    if (peer != NULL)
        X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
    printf("server certificate: %s, verify result %ld\n", name, SSL_get_verify_result(ssl));
    X509_free(peer);
}

/* One signature scheme of SSL_get_sigalgs (shared 0) or SSL_get_shared_sigalgs (shared 1). */
static void print_sigalg(SSL *ssl, int shared, int i)
{
    int sign = -1, hash = -1, signhash = -1;
    unsigned char rsig = 0, rhash = 0;

    if (shared)
        SSL_get_shared_sigalgs(ssl, i, &sign, &hash, &signhash, &rsig, &rhash);
    else
        SSL_get_sigalgs(ssl, i, &sign, &hash, &signhash, &rsig, &rhash);
    printf(" %02x%02x=%d/%d/%d", rhash, rsig, sign, hash, signhash);
}

/* What the server's CertificateRequest asked for: its certificate types (TLS 1.2), the
 * signature schemes it accepts, and those this client shares with it. */
static void print_request(SSL *ssl, const char *when)
{
    const unsigned char *types = NULL;
    int n = (int)SSL_get0_certificate_types(ssl, &types);
    int all = SSL_get_sigalgs(ssl, -1, NULL, NULL, NULL, NULL, NULL);
    int shared = SSL_get_shared_sigalgs(ssl, 0, NULL, NULL, NULL, NULL, NULL);

    printf("%s: certificate types %d:", when, n);
    for (int i = 0; i < n; i++)
        printf(" %d", types[i]);
    printf("\n%s: requested signature algorithms %d:", when, all);
    for (int i = 0; i < all; i++)
        print_sigalg(ssl, 0, i);
    printf("\n%s: shared %d:", when, shared);
    for (int i = 0; i < shared; i++)
        print_sigalg(ssl, 1, i);
    printf("\n%s: past the end %d %d, shared at -1 %d\n", when,
           SSL_get_sigalgs(ssl, all, NULL, NULL, NULL, NULL, NULL),
           SSL_get_shared_sigalgs(ssl, shared, NULL, NULL, NULL, NULL, NULL),
           SSL_get_shared_sigalgs(ssl, -1, NULL, NULL, NULL, NULL, NULL));
}

/* SSL_CTX_set_client_cert_cb's callback: the ECDSA client certificate and key, none, or
 * "call me again" the first time. */
static int client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
    STACK_OF(X509_NAME) *cas = SSL_get_client_CA_list(ssl);

    cert_cb_calls++;
    printf("client cert callback: call %d, in init %d, certificate set %d\n", cert_cb_calls,
           SSL_in_init(ssl), SSL_get_certificate(ssl) != NULL);
    /* The CA names the server's CertificateRequest carries, to choose a certificate by. */
    printf("server's CA names: %d", cas == NULL ? -1 : sk_X509_NAME_num(cas));
    for (int i = 0; cas != NULL && i < sk_X509_NAME_num(cas); i++) {
        char name[256];

        X509_NAME_oneline(sk_X509_NAME_value(cas, i), name, sizeof name);
        printf(" %s", name);
    }
    printf(", peer list the same: %d\n", SSL_get0_peer_CA_list(ssl) == cas);
    print_request(ssl, "in the callback");
    print_server(ssl);
    if (strcmp(cert_cb_mode, "cbnone") == 0)
        return 0;
    if (strcmp(cert_cb_mode, "cbretry") == 0 && cert_cb_calls == 1)
        return -1;
    *x509 = read_cert(CERT("client-ecdsa.pem"));
    *pkey = read_key(CERT("client-ecdsa.key"));
    return *x509 != NULL && *pkey != NULL;
}

static int cert_cb_arg_seen;

/* SSL_CTX_set_cert_cb's callback: sets the ECDSA certificate and key on the SSL, or asks to be
 * called again the first time, or fails. */
static int cert_cb(SSL *ssl, void *arg)
{
    cert_cb_calls++;
    cert_cb_arg_seen = arg != NULL && strcmp(arg, "cert cb") == 0;
    printf("cert callback: call %d, in init %d, argument %d\n", cert_cb_calls, SSL_in_init(ssl),
           cert_cb_arg_seen);
    print_server(ssl);
    if (strcmp(cert_cb_mode, "certcbfail") == 0)
        return 0;
    if (strcmp(cert_cb_mode, "certcbretry") == 0 && cert_cb_calls == 1)
        return -1;
    return SSL_use_certificate_file(ssl, CERT("client-ecdsa.pem"), SSL_FILETYPE_PEM) == 1 &&
           SSL_use_PrivateKey_file(ssl, CERT("client-ecdsa.key"), SSL_FILETYPE_PEM) == 1;
}

/* Loads the client certificate into ctx (or ssl for "ssl") the way `how` names. */
static int use(const char *how, SSL_CTX *ctx, SSL *ssl)
{
    const char *pem = CERT("client-ecdsa.pem"), *key = CERT("client-ecdsa.key");

    if (strcmp(how, "none") == 0)
        return 1;
    if (strncmp(how, "certcb", 6) == 0) {
        cert_cb_mode = how;
        SSL_CTX_set_cert_cb(ctx, cert_cb, "cert cb");
        return 1;
    }
    if (strncmp(how, "cb", 2) == 0) {
        cert_cb_mode = how;
        SSL_CTX_set_client_cert_cb(ctx, client_cert_cb);
        return SSL_CTX_get_client_cert_cb(ctx) == client_cert_cb;
    }
    if (strcmp(how, "pem") == 0)
        return SSL_CTX_use_certificate_file(ctx, pem, SSL_FILETYPE_PEM) == 1 &&
               SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) == 1;
    if (strcmp(how, "der") == 0)
        return write_der_files() &&
               SSL_CTX_use_certificate_file(ctx, TMP("client-ecdsa.der"), SSL_FILETYPE_ASN1) ==
                   1 &&
               SSL_CTX_use_PrivateKey_file(ctx, TMP("client-ecdsa.key.der"), SSL_FILETYPE_ASN1) ==
                   1;
    if (strcmp(how, "chain") == 0)
        return SSL_CTX_use_certificate_chain_file(ctx, CERT("client-ecdsa.chain.pem")) == 1 &&
               SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.sec1.key"),
                                           SSL_FILETYPE_PEM) == 1;
    if (strcmp(how, "enc") == 0) {
        SSL_CTX_set_default_passwd_cb(ctx, passwd);
        SSL_CTX_set_default_passwd_cb_userdata(ctx, "oxissl");
        return SSL_CTX_use_certificate_file(ctx, pem, SSL_FILETYPE_PEM) == 1 &&
               SSL_CTX_use_PrivateKey_file(ctx, CERT("client-ecdsa.enc.key"), SSL_FILETYPE_PEM) ==
                   1;
    }
    if (strcmp(how, "rsa") == 0)
        return SSL_CTX_use_certificate_file(ctx, CERT("client-rsa.pem"), SSL_FILETYPE_PEM) == 1 &&
               SSL_CTX_use_PrivateKey_file(ctx, CERT("client-rsa.pkcs1.key"), SSL_FILETYPE_PEM) ==
                   1;
    if (strcmp(how, "objects") == 0 || strcmp(how, "asn1") == 0) {
        X509 *x = read_cert(pem);
        EVP_PKEY *k = read_key(key);
        int ok = x != NULL && k != NULL;

        if (ok && how[0] == 'o') {
            ok = SSL_CTX_use_certificate(ctx, x) == 1 && SSL_CTX_use_PrivateKey(ctx, k) == 1;
        } else if (ok) {
            unsigned char *der = NULL, *kder = NULL;
            int len = i2d_X509(x, &der), klen = i2d_PrivateKey(k, &kder);

            ok = SSL_CTX_use_certificate_ASN1(ctx, len, der) == 1 &&
                 SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_EC, ctx, kder, klen) == 1;
            OPENSSL_free(der);
            OPENSSL_free(kder);
        }
        X509_free(x);
        EVP_PKEY_free(k);
        return ok;
    }
    if (strcmp(how, "ssl") == 0)
        return SSL_use_certificate_file(ssl, pem, SSL_FILETYPE_PEM) == 1 &&
               SSL_use_PrivateKey_file(ssl, key, SSL_FILETYPE_PEM) == 1 &&
               SSL_check_private_key(ssl) == 1;
    return -1;
}

/* Whether a line of the status page says something stable about the client certificate. */
static int interesting(const char *line)
{
    return strstr(line, "Subject:") != NULL || strstr(line, "Issuer:") != NULL ||
           strstr(line, "Protocol  :") != NULL || strstr(line, "Verify return code") != NULL ||
           strstr(line, "client certificate") != NULL || strncmp(line, "Client certificate", 18) == 0;
}

static int connect_and_get(char **argv)
{
    static const char get[] = "GET / HTTP/1.0\r\n\r\n";
    const char *how = argv[7];
    int version = strcmp(argv[8], "1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION;
    char page[65536];
    int fd, r, got = 0;
    SSL_CTX *ctx;
    SSL *ssl;

    ctx = client_ctx(argv[4], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    /* The schemes this client signs with; the shared ones are the server's among them. */
    if (SSL_CTX_set1_sigalgs_list(ctx, "ECDSA+SHA384:ECDSA+SHA256:ed25519:RSA-PSS+SHA256:"
                                       "RSA+SHA256") != 1)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    ssl = new_client(ctx, argv[2], argv[3], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_SETUP_FAILED;
    r = use(how, ctx, ssl);
    if (r < 0) {
        fprintf(stderr, "unknown way %s\n", how);
        return EXIT_USAGE;
    }
    printf("loaded %s: %s\n", how, r ? "yes" : "no");
    if (!r) {
        step("load", r);
        return EXIT_SETUP_FAILED;
    }
    if (strcmp(how, "ssl") != 0 && strcmp(how, "none") != 0) {
        /* The context's certificate reaches connections made from it afterwards. */
        SSL_free(ssl);
        close(fd);
        ssl = new_client(ctx, argv[2], argv[3], "localhost", NULL, &fd);
        if (ssl == NULL)
            return EXIT_SETUP_FAILED;
    }
    r = SSL_connect(ssl);
    report("SSL_connect", ssl, r, errno);
    /* A callback that asked to be called again: the program calls SSL_connect again. */
    for (int i = 0; i < 3 && r < 0 && SSL_get_error(ssl, r) == SSL_ERROR_WANT_X509_LOOKUP; i++) {
        r = SSL_connect(ssl);
        report("SSL_connect again", ssl, r, errno);
    }
    if (r != 1)
        return EXIT_HANDSHAKE_FAILED;
    printf("version: %s, client cert callback calls: %d\n", SSL_get_version(ssl), cert_cb_calls);
    print_request(ssl, "after the handshake");
    r = SSL_write(ssl, get, (int)strlen(get));
    if (r <= 0) {
        report("SSL_write", ssl, r, errno);
        return EXIT_IO_FAILED;
    }
    while (got < (int)sizeof page - 1) {
        r = SSL_read(ssl, page + got, (int)sizeof page - 1 - got);
        if (r <= 0)
            break;
        got += r;
    }
    page[got] = '\0';
    if (r < 0 || SSL_get_error(ssl, r) != SSL_ERROR_ZERO_RETURN) {
        /* s_server -www closes without close_notify after the page: only an error counts. */
        if (got == 0) {
            int err = SSL_get_error(ssl, r);
            unsigned long e = ERR_peek_error();

            /* A fatal alert met by SSL_read: 0, SSL_ERROR_SSL with the alert's reason; then
             * reads return 0 and the peer's shutdown is recorded. */
            printf("SSL_read: ret=%d error=%d(%s) lib=%d reason=%d\n", r, err, error_name(err),
                   ERR_GET_LIB(e), ERR_GET_REASON(e));
            ERR_print_errors_fp(stderr);
            r = SSL_read(ssl, page, 1);
            printf("SSL_read again: ret=%d, shutdown %d\n", r,
                   SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN);
            return EXIT_IO_FAILED;
        }
        ERR_clear_error();
    }
    for (char *line = strtok(page, "\r\n"); line != NULL; line = strtok(NULL, "\r\n")) {
        while (*line == ' ')
            line++;
        if (interesting(line))
            printf("server: %s\n", line);
    }
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "load") == 0) {
        snprintf(certdir, sizeof certdir, "%s", argv[2]);
        snprintf(scratch, sizeof scratch, "%s", argv[3]);
        return load();
    }
    if (argc == 9 && strcmp(argv[1], "connect") == 0) {
        snprintf(certdir, sizeof certdir, "%s", argv[5]);
        snprintf(scratch, sizeof scratch, "%s", argv[6]);
        return connect_and_get(argv);
    }
    fprintf(stderr, "usage: client_cert load CERTDIR SCRATCH\n"
                    "       client_cert connect HOST PORT CAFILE CERTDIR SCRATCH HOW VERSION\n");
    return EXIT_USAGE;
}
