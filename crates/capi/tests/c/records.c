/*
 * Record size settings as an OpenSSL 3 client uses them: SSL_CTX_set_tlsext_max_fragment_length
 * (RFC 6066 §4; the server then sends records of at most that length, and takes only such
 * records from us), SSL_CTX_set_block_padding (RFC 8446 §5.4) and
 * SSL_CTX_set_max_send_fragment. Against `s_server -rev`, a 3000-byte line goes there and
 * comes back reversed; the largest SSL_read result shows the server's record size.
 *
 * usage: records HOST PORT CAFILE VERSION(1.2|1.3) SETTING(mfl|padding|sendfrag|none)
 */
#include "common.h"

int main(int argc, char **argv)
{
    char line[3001], back[4096];
    const char *setting;
    int fd, r, got = 0, largest = 0;
    SSL_CTX *ctx;
    SSL *ssl;

    if (argc != 6) {
        fprintf(stderr, "usage: records HOST PORT CAFILE VERSION SETTING\n");
        return EXIT_USAGE;
    }
    setting = argv[5];
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_max_proto_version(ctx, strcmp(argv[4], "1.2") == 0 ? TLS1_2_VERSION
                                                                     : TLS1_3_VERSION);
    if (strcmp(setting, "mfl") == 0) {
        printf("max fragment length 7: %d\n", SSL_CTX_set_tlsext_max_fragment_length(ctx, 7));
        ERR_clear_error();
        printf("max fragment length 512: %d\n",
               SSL_CTX_set_tlsext_max_fragment_length(ctx, TLSEXT_max_fragment_length_512));
    } else if (strcmp(setting, "padding") == 0) {
        printf("block padding 16385: %d\n", SSL_CTX_set_block_padding(ctx, 16385));
        printf("block padding 1: %d\n", SSL_CTX_set_block_padding(ctx, 1));
        printf("block padding 256: %d\n", SSL_CTX_set_block_padding(ctx, 256));
    } else if (strcmp(setting, "sendfrag") == 0) {
        printf("max send fragment 511: %ld\n", SSL_CTX_set_max_send_fragment(ctx, 511));
        printf("max send fragment 16385: %ld\n", SSL_CTX_set_max_send_fragment(ctx, 16385));
        printf("max send fragment 512: %ld\n", SSL_CTX_set_max_send_fragment(ctx, 512));
    }
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    if (strcmp(setting, "mfl") == 0)
        printf("on the SSL, 1024: %d\n",
               SSL_set_tlsext_max_fragment_length(ssl, TLSEXT_max_fragment_length_1024));
    r = SSL_connect(ssl);
    report("SSL_connect", ssl, r, errno);
    if (r != 1)
        return EXIT_HANDSHAKE_FAILED;
    for (int i = 0; i < 3000; i++)
        line[i] = (char)('a' + i % 26);
    line[3000] = '\n';
    printf("session max fragment length: %d\n",
           SSL_SESSION_get_max_fragment_length(SSL_get_session(ssl)));
    r = SSL_write(ssl, line, sizeof line);
    printf("SSL_write: %d\n", r);
    while (got < 3001) {
        r = SSL_read(ssl, back + got, (int)sizeof back - got);
        if (r <= 0) {
            report("SSL_read", ssl, r, errno);
            return EXIT_IO_FAILED;
        }
        largest = r > largest ? r : largest;
        got += r;
    }
    printf("read back %d bytes, %s, largest read %s\n", got,
           back[0] == line[2999] && back[2999] == line[0] ? "reversed" : "garbled",
           largest <= 1024 ? "at most 1024" : "above 1024");
    rev_ping_and_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
