/*
 * The cipher lists as stacks: SSL_CTX_get_ciphers and SSL_get_ciphers (the TLS 1.3 suites,
 * then the TLS 1.2 ciphers, in the order configured; the same stack on each call until the
 * list is set again), SSL_get_cipher_list's names, and SSL_get1_supported_ciphers, which keeps
 * the ciphers of the protocol versions enabled. No network.
 *
 * With cipher strings as arguments: for each, what SSL_CTX_set_cipher_list returns, the
 * security level it leaves (from 0), and the ECDHE AEAD ciphers it selects, in order (OpenSSL selects
 * legacy ones too, which this library refuses; they are not printed).
 *
 * usage: ciphers [CIPHERSTRING...]
 */
#include "common.h"

static void print_stack(const char *what, STACK_OF(SSL_CIPHER) *sk)
{
    printf("%s: %d", what, sk == NULL ? -1 : sk_SSL_CIPHER_num(sk));
    for (int i = 0; sk != NULL && i < sk_SSL_CIPHER_num(sk); i++)
        printf(" %s", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
}

static void print_supported(const char *what, SSL *ssl)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_get1_supported_ciphers(ssl);

    print_stack(what, sk);
    sk_SSL_CIPHER_free(sk);
}

/* Whether a cipher is one of the ECDHE AEAD TLS 1.2 ciphers. */
static int ecdhe_aead(const SSL_CIPHER *c)
{
    static const char *const names[] = {
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(SSL_CIPHER_get_name(c), names[i]) == 0)
            return 1;
    return 0;
}

static int cipher_strings(int n, char **strings)
{
    for (int i = 0; i < n; i++) {
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        STACK_OF(SSL_CIPHER) *sk;
        int r;

        if (ctx == NULL)
            return EXIT_SETUP_FAILED;
        /* Distribution configurations differ in the default level; start from 0. */
        SSL_CTX_set_security_level(ctx, 0);
        r = SSL_CTX_set_cipher_list(ctx, strings[i]);
        printf("%s: %d, level %d,", strings[i], r, SSL_CTX_get_security_level(ctx));
        sk = SSL_CTX_get_ciphers(ctx);
        for (int j = 0; sk != NULL && j < sk_SSL_CIPHER_num(sk); j++) {
            const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, j);

            if (ecdhe_aead(c))
                printf(" %s", SSL_CIPHER_get_name(c));
        }
        printf("\n");
        ERR_clear_error();
        SSL_CTX_free(ctx);
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    STACK_OF(SSL_CIPHER) *sk;
    SSL_CTX *ctx;
    SSL *ssl;

    if (argc > 1)
        return cipher_strings(argc - 1, argv + 1);
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    printf("set ciphersuites: %d\n",
           SSL_CTX_set_ciphersuites(ctx, "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"));
    printf("set cipher list: %d\n",
           SSL_CTX_set_cipher_list(ctx, "ECDHE-RSA-AES256-GCM-SHA384:"
                                        "ECDHE-ECDSA-CHACHA20-POLY1305"));
    sk = SSL_CTX_get_ciphers(ctx);
    print_stack("SSL_CTX_get_ciphers", sk);
    printf("the same stack again: %d\n", SSL_CTX_get_ciphers(ctx) == sk);

    ssl = SSL_new(ctx);
    if (ssl == NULL)
        return EXIT_SETUP_FAILED;
    sk = SSL_get_ciphers(ssl);
    print_stack("SSL_get_ciphers", sk);
    printf("the same stack again: %d\n", SSL_get_ciphers(ssl) == sk);
    for (int i = -1; i <= 4; i++) {
        const char *name = SSL_get_cipher_list(ssl, i);

        printf("SSL_get_cipher_list(%d): %s\n", i, name == NULL ? "null" : name);
    }
    print_supported("supported", ssl);
    SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
    print_supported("supported up to TLS 1.2", ssl);
    SSL_set_max_proto_version(ssl, 0);
    SSL_set_min_proto_version(ssl, TLS1_3_VERSION);
    print_supported("supported from TLS 1.3", ssl);
    SSL_set_min_proto_version(ssl, 0);

    /* The connection's own lists; the context's stay. */
    printf("SSL_set_cipher_list: %d\n", SSL_set_cipher_list(ssl, "ECDHE-ECDSA-AES128-GCM-SHA256"));
    print_stack("SSL_get_ciphers", SSL_get_ciphers(ssl));
    printf("SSL_set_ciphersuites: %d\n", SSL_set_ciphersuites(ssl, "TLS_AES_256_GCM_SHA384"));
    print_stack("SSL_get_ciphers", SSL_get_ciphers(ssl));
    print_stack("SSL_CTX_get_ciphers", SSL_CTX_get_ciphers(ctx));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return EXIT_OK;
}
