/*
 * SSL_CTX_set1_sigalgs_list(3) / SSL_set1_sigalgs_list: a list OpenSSL refuses changes nothing
 * and queues nothing; a list the server's key fits connects and reports the scheme it signed
 * with; a list it does not fit fails the handshake.
 *
 * usage: sigalgs HOST PORT CAFILE CTX_LIST SSL_LIST ("-" for none)
 */
#include "common.h"

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r, nid = 0;

    if (argc != 6) {
        fprintf(stderr, "usage: sigalgs HOST PORT CAFILE CTX_LIST SSL_LIST\n");
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    printf("bogus list: %ld, queued %s\n", (long)SSL_CTX_set1_sigalgs_list(ctx, "ECDSA+SHA256:bogus"),
           ERR_peek_error() == 0 ? "nothing" : "an error");
    if (strcmp(argv[4], "-") != 0)
        printf("context list %s: %ld\n", argv[4], (long)SSL_CTX_set1_sigalgs_list(ctx, argv[4]));
    ssl = new_client(ctx, argv[1], argv[2], NULL, NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    if (strcmp(argv[5], "-") != 0)
        printf("connection list %s: %ld\n", argv[5], (long)SSL_set1_sigalgs_list(ssl, argv[5]));
    printf("before: version 0x%x\n", SSL_version(ssl));
    r = SSL_connect(ssl);
    if (r != 1) {
        report_error("SSL_connect", r, SSL_get_error(ssl, r), errno);
        /* The server refused before its ServerHello: the version is the highest offered. */
        printf("after the failure: version 0x%x %s\n", SSL_version(ssl), SSL_get_version(ssl));
        return EXIT_HANDSHAKE_FAILED;
    }
    SSL_get_peer_signature_type_nid(ssl, &nid);
    printf("connected: %s, peer signature type %s\n", SSL_get_version(ssl), OBJ_nid2sn(nid));
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
