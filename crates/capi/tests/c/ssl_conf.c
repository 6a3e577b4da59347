/*
 * SSL_CONF on a client SSL_CTX: each command's return value (2 value used, 1 no value taken,
 * 0 bad value, -2 unknown, -3 missing value) with the command-line and the file forms, then
 * the protocol bounds and the option bits the commands change.
 *
 * usage: ssl_conf
 */
#include <stdio.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>

#define SHOWN_OPS (SSL_OP_NO_TICKET | SSL_OP_NO_TLSv1_3 | SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_1 \
                   | SSL_OP_NO_TLSv1 | SSL_OP_NO_SSLv3 | SSL_OP_NO_RENEGOTIATION \
                   | SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_NO_DHE_KEX \
                   | SSL_OP_NO_EXTENDED_MASTER_SECRET | SSL_OP_NO_ENCRYPT_THEN_MAC)

static void show(SSL_CTX *ctx, const char *what)
{
    printf("%s: min %lx max %lx options %llx\n", what,
           (unsigned long)SSL_CTX_get_min_proto_version(ctx),
           (unsigned long)SSL_CTX_get_max_proto_version(ctx),
           (unsigned long long)(SSL_CTX_get_options(ctx) & SHOWN_OPS));
}

static void cmd(SSL_CONF_CTX *cctx, const char *name, const char *value)
{
    int r = SSL_CONF_cmd(cctx, name, value);
    printf("%s %s -> %d\n", name, value == NULL ? "(null)" : value, r);
    ERR_clear_error();
}

int main(void)
{
    static const char *cmdline[][2] = {
        {"-groups", "X25519:P-256"}, {"-curves", "P-384"}, {"-groups", "nonsense"},
        {"-groups", NULL}, {"-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"},
        {"-cipher", "NOTACIPHER"}, {"-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"},
        {"-ciphersuites", "TLS_NOPE"}, {"-sigalgs", "ECDSA+SHA256:rsa_pss_rsae_sha256"},
        {"-min_protocol", "TLSv1.2"}, {"-max_protocol", "TLSv1.3"},
        {"-min_protocol", "TLSv9"}, {"-max_protocol", NULL}, {"-no_ticket", NULL},
        {"-no_tls1", NULL}, {"-no_tls1_1", NULL}, {"-no_ssl3", NULL},
        {"-no_renegotiation", NULL}, {"-legacy_server_connect", NULL},
        {"-no_ticket", "ignored"}, {"-nosuchcmd", "x"}, {"-nosuchswitch", NULL},
        {"groups", "X25519"}, {"-", NULL}, {"-Groups", "X25519"},
        {"-named_curve", "P-256"}, {"-serverpref", NULL},
        {"-no_tls1_3", NULL}, {"-max_protocol", "TLSv1.2"},
    };
    static const char *file[][2] = {
        {"Groups", "X25519"}, {"groups", "P-256:X25519"}, {"Curves", "X25519"},
        {"CipherString", "ECDHE-RSA-AES256-GCM-SHA384"}, {"Ciphersuites", "TLS_AES_128_GCM_SHA256"},
        {"MinProtocol", "TLSv1.3"}, {"MaxProtocol", "TLSv1.3"}, {"MinProtocol", "None"},
        {"MaxProtocol", "None"}, {"MinProtocol", "bogus"},
        {"Options", "-SessionTicket,NoRenegotiation"}, {"Options", "SessionTicket"},
        {"Options", "NoSuchOption"}, {"Options", NULL}, {"-groups", "X25519"},
        {"no_ticket", NULL}, {"SignatureAlgorithms", "ECDSA+SHA256"},
        {"Protocol", "-TLSv1.3"}, {"Protocol", "ALL,-TLSv1.1"},
    };
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
    size_t i;

    if (ctx == NULL || cctx == NULL)
        return 2;
    printf("flags: %u\n", SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_CMDLINE));
    SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    show(ctx, "start");
    for (i = 0; i < sizeof(cmdline) / sizeof(cmdline[0]); i++)
        cmd(cctx, cmdline[i][0], cmdline[i][1]);
    printf("finish: %d\n", SSL_CONF_CTX_finish(cctx));
    show(ctx, "command line");
    SSL_CONF_CTX_free(cctx);
    SSL_CTX_free(ctx);

    ctx = SSL_CTX_new(TLS_client_method());
    cctx = SSL_CONF_CTX_new();
    if (ctx == NULL || cctx == NULL)
        return 2;
    printf("flags: %u\n", SSL_CONF_CTX_set_flags(cctx, SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_FILE));
    SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
    for (i = 0; i < sizeof(file) / sizeof(file[0]); i++)
        cmd(cctx, file[i][0], file[i][1]);
    printf("finish: %d\n", SSL_CONF_CTX_finish(cctx));
    show(ctx, "file");
    SSL_CONF_CTX_free(cctx);
    SSL_CTX_free(ctx);
    return 0;
}
