/*
 * SSL_CTX_set_msg_callback(3): each handshake message, change_cipher_spec and alert of a
 * connection to an `s_server -rev`, with its direction, version and length (left out for the
 * ClientHello, as the two libraries' hellos differ, and for the messages carrying the server's
 * ECDSA signature, whose length varies), and whether the callback got its
 * argument and the connection. Record headers and TLS 1.3 inner content types are skipped.
 *
 * usage: msgcb HOST PORT CAFILE 1.2|1.3
 */
#include "common.h"

static int marker;
static SSL *expected;

static void trace(int write_p, int version, int content_type, const void *buf, size_t len,
                  SSL *ssl, void *arg)
{
    const unsigned char *b = buf;

    if (content_type != SSL3_RT_HANDSHAKE && content_type != SSL3_RT_CHANGE_CIPHER_SPEC &&
        content_type != SSL3_RT_ALERT)
        return;
    printf("%s %04x type %d first %d", write_p ? "out" : "in ", version, content_type,
           len > 0 ? b[0] : -1);
    if (content_type != SSL3_RT_HANDSHAKE || len == 0 ||
        !(b[0] == SSL3_MT_CLIENT_HELLO || b[0] == SSL3_MT_CERTIFICATE_VERIFY ||
          b[0] == SSL3_MT_SERVER_KEY_EXCHANGE))
        printf(" length %zu", len);
    printf("%s%s\n", arg == &marker ? "" : " (other argument)", ssl == expected ? "" : " (other SSL)");
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r;

    if (argc != 5) {
        fprintf(stderr, "usage: msgcb HOST PORT CAFILE 1.2|1.3\n");
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    if (strcmp(argv[4], "1.2") == 0)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_msg_callback(ctx, trace);
    SSL_CTX_set_msg_callback_arg(ctx, &marker);
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    expected = ssl;
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
