/*
 * SSL_CTX_set_keylog_callback(3): each line the callback receives is appended to a file, and
 * its label is printed, so the order can be compared between libraries and the lines with
 * what the server logged. The callback is set after SSL_new, as OpenSSL reads it from the
 * context when it logs.
 *
 * usage: keylog HOST PORT CAFILE OUTFILE
 */
#include "common.h"

static FILE *out;
static const SSL *expected;

static void log_line(const SSL *ssl, const char *line)
{
    printf("%.*s%s\n", (int)strcspn(line, " "), line, ssl == expected ? "" : " (another SSL)");
    fprintf(out, "%s\n", line);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r;

    if (argc != 5) {
        fprintf(stderr, "usage: keylog HOST PORT CAFILE OUTFILE\n");
        return EXIT_USAGE;
    }
    out = fopen(argv[4], "w");
    ctx = client_ctx(argv[3], "peer");
    if (out == NULL || ctx == NULL)
        return EXIT_SETUP_FAILED;
    ssl = new_client(ctx, argv[1], argv[2], NULL, NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    expected = ssl;
    printf("callback before: %s\n", SSL_CTX_get_keylog_callback(ctx) == NULL ? "none" : "set");
    SSL_CTX_set_keylog_callback(ctx, log_line);
    printf("callback after: %s\n",
           SSL_CTX_get_keylog_callback(ctx) == log_line ? "ours" : "other");

    r = SSL_connect(ssl);
    if (r != 1) {
        report_error("SSL_connect", r, SSL_get_error(ssl, r), errno);
        return EXIT_HANDSHAKE_FAILED;
    }
    printf("connected: %s\n", SSL_get_version(ssl));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    fclose(out);
    return EXIT_OK;
}
