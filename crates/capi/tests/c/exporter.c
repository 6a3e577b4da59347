/*
 * SSL_export_keying_material(3): before the handshake, then after it with and without a
 * context, an empty context, a label the TLS 1.2 PRF uses itself, and a length too long for
 * TLS 1.3's HKDF. The material is printed in hex so a test can compare it with what the server
 * derived; every other line must be the same on either library.
 *
 * usage: exporter HOST PORT CAFILE LABEL LENGTH
 */
#include "common.h"

#define MAX_OUT 64

static int export(SSL *ssl, unsigned char *out, size_t len, const char *label,
                  const char *context, size_t context_len, int use_context)
{
    return SSL_export_keying_material(ssl, out, len, label, strlen(label),
                                      (const unsigned char *)context, context_len, use_context);
}

static void print_hex(const char *what, const unsigned char *b, size_t n)
{
    printf("%s: ", what);
    for (size_t i = 0; i < n; i++)
        printf("%02X", b[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    unsigned char none[MAX_OUT], empty[MAX_OUT], ctx_out[MAX_OUT], big[16000];
    size_t len;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r;

    if (argc != 6 || (len = (size_t)atoi(argv[5])) == 0 || len > MAX_OUT) {
        fprintf(stderr, "usage: exporter HOST PORT CAFILE LABEL LENGTH (at most %d)\n", MAX_OUT);
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    ssl = new_client(ctx, argv[1], argv[2], NULL, NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    printf("before the handshake: %d\n", export(ssl, none, len, argv[4], NULL, 0, 0));
    printf("Finished before the handshake: %zu %zu\n", SSL_get_finished(ssl, big, sizeof big),
           SSL_get_peer_finished(ssl, big, sizeof big));
    ERR_clear_error();

    r = SSL_connect(ssl);
    if (r != 1) {
        report_error("SSL_connect", r, SSL_get_error(ssl, r), errno);
        return EXIT_HANDSHAKE_FAILED;
    }
    printf("connected: %s\n", SSL_get_version(ssl));
    {
        /* RFC 5929 tls-unique in TLS 1.2: the first Finished of the handshake, here ours. */
        unsigned char ours[64], theirs[64], part[4];
        size_t n = SSL_get_finished(ssl, ours, sizeof ours);
        size_t m = SSL_get_peer_finished(ssl, theirs, sizeof theirs);

        printf("Finished: ours %zu bytes (%s), theirs %zu bytes (%s), a short buffer gets %zu\n",
               n, nonzero(ours, n) ? "set" : "zero", m, nonzero(theirs, m) ? "set" : "zero",
               SSL_get_finished(ssl, part, sizeof part));
    }

    printf("no context: %d\n", export(ssl, none, len, argv[4], NULL, 0, 0));
    print_hex("Keying material", none, len);
    printf("empty context: %d\n", export(ssl, empty, len, argv[4], "", 0, 1));
    printf("context: %d\n", export(ssl, ctx_out, len, argv[4], "some context", 12, 1));
    /* RFC 8446 §7.5: the same in TLS 1.3; RFC 5705 §4: different in TLS 1.2. */
    printf("empty context %s no context\n",
           memcmp(none, empty, len) == 0 ? "is the same as" : "differs from");
    printf("a context %s no context\n",
           memcmp(none, ctx_out, len) == 0 ? "is the same as" : "differs from");

    r = export(ssl, ctx_out, len, "key expansion", NULL, 0, 0);
    printf("label \"key expansion\": %d", r);
    if (r != 1)
        printf(" (%s)", ERR_reason_error_string(ERR_peek_error()));
    printf("\n");
    ERR_clear_error();
    printf("16000 bytes: %d\n", export(ssl, big, sizeof big, argv[4], NULL, 0, 0));
    ERR_clear_error();

    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
