/*
 * SSL_CTX_set_info_callback(3): the reports a connection to an `s_server -rev` makes — the
 * handshake's start and end, each state it passes (SSL_CB_LOOP) and each handshake call's end
 * (SSL_CB_EXIT) with SSL_state_string(_long) and SSL_get_state at that point, and each alert
 * read or written — printed as an info callback usually prints them.
 *
 * usage: infocb HOST PORT CAFILE ctx|ssl|verify   (verify: the context's, with a verify
 *        callback that prints, to show where verification falls among the states)
 */
#include "common.h"

static void info(const SSL *ssl, int where, int ret)
{
    if (where & SSL_CB_LOOP)
        printf("SSL_connect:%s (%s, %d)\n", SSL_state_string_long(ssl), SSL_state_string(ssl),
               SSL_get_state(ssl));
    if (where & SSL_CB_EXIT)
        printf("SSL_connect:exit %d in %s\n", ret, SSL_state_string_long(ssl));
    if (where & SSL_CB_HANDSHAKE_START)
        printf("handshake start (%d)\n", ret);
    if (where & SSL_CB_HANDSHAKE_DONE)
        printf("handshake done (%d): %s, finished %d\n", ret, SSL_state_string_long(ssl),
               SSL_is_init_finished(ssl));
    if (where & SSL_CB_ALERT)
        printf("alert %s: %s: %s\n", (where & SSL_CB_READ) ? "read" : "write",
               SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
}

static int verify(int ok, X509_STORE_CTX *sctx)
{
    printf("verify: depth %d, ok %d\n", X509_STORE_CTX_get_error_depth(sctx), ok);
    return ok;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r, per_ssl;

    if (argc != 5) {
        fprintf(stderr, "usage: infocb HOST PORT CAFILE ctx|ssl\n");
        return EXIT_USAGE;
    }
    per_ssl = strcmp(argv[4], "ssl") == 0;
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    if (!per_ssl)
        SSL_CTX_set_info_callback(ctx, info);
    if (strcmp(argv[4], "verify") == 0)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify);
    printf("context callback: %s\n", SSL_CTX_get_info_callback(ctx) == info ? "ours" : "none");
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    if (per_ssl)
        SSL_set_info_callback(ssl, info);
    printf("connection callback: %s\n", SSL_get_info_callback(ssl) == info ? "ours" : "none");
    r = SSL_connect(ssl);
    printf("SSL_connect: %d\n", r);
    if (r != 1)
        return EXIT_HANDSHAKE_FAILED;
    rev_ping_and_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
