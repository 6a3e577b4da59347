/*
 * SSL_key_update(3) and SSL_get_key_update_type(3) against an `s_server -rev`: refused before
 * the handshake and for an invalid type; scheduled, then sent by the next SSL_write (or
 * SSL_do_handshake), after which each line still comes back reversed, whether or not the
 * server was asked to update its keys too.
 *
 * usage: keyupdate HOST PORT CAFILE
 */
#include "common.h"

static void round_trip(SSL *ssl, const char *text)
{
    char line[256];

    int r = SSL_write(ssl, text, (int)strlen(text));

    printf("  SSL_write: %d\n", r);
    printf("  type after the write: %d\n", SSL_get_key_update_type(ssl));
    if (read_line(ssl, line, sizeof line) < 0)
        printf("  read failed\n");
    else
        printf("  answer: %s", line);
}

static void queued_reason(const char *what, int ret)
{
    printf("%s: %d, reason %d\n", what, ret, ERR_GET_REASON(ERR_peek_error()));
    ERR_clear_error();
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r;

    if (argc != 4) {
        fprintf(stderr, "usage: keyupdate HOST PORT CAFILE\n");
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    queued_reason("before the handshake", SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED));
    r = SSL_connect(ssl);
    if (r != 1) {
        report_error("SSL_connect", r, SSL_get_error(ssl, r), errno);
        return EXIT_HANDSHAKE_FAILED;
    }
    printf("connected: %s, type %d\n", SSL_get_version(ssl), SSL_get_key_update_type(ssl));
    queued_reason("type 2", SSL_key_update(ssl, 2));

    /* One call per statement: the order of a printf's arguments is unspecified. */
    r = SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED);
    printf("requested: %d, type %d\n", r, SSL_get_key_update_type(ssl));
    round_trip(ssl, "asked the server to update\n");
    r = SSL_key_update(ssl, SSL_KEY_UPDATE_NOT_REQUESTED);
    printf("not requested: %d, type %d\n", r, SSL_get_key_update_type(ssl));
    round_trip(ssl, "updated our keys alone\n");
    r = SSL_key_update(ssl, SSL_KEY_UPDATE_REQUESTED);
    printf("requested again: %d, type %d\n", r, SSL_get_key_update_type(ssl));
    r = SSL_do_handshake(ssl);
    printf("SSL_do_handshake: %d, type %d\n", r, SSL_get_key_update_type(ssl));
    round_trip(ssl, "sent by SSL_do_handshake\n");

    close_rev(ssl);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
