/*
 * SSL_CTX_set_security_level(3) as the chain's authentication level: at level 3 (128-bit
 * security) a server's RSA-2048 certificate is too weak, an ECDSA P-256 one is not.
 *
 * usage: seclevel HOST PORT CAFILE LEVEL
 */
#include "common.h"

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r;

    if (argc != 5) {
        fprintf(stderr, "usage: seclevel HOST PORT CAFILE LEVEL\n");
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_security_level(ctx, atoi(argv[4]));
    printf("security level: %d\n", SSL_CTX_get_security_level(ctx));
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    r = SSL_connect(ssl);
    report("SSL_connect", ssl, r, errno);
    printf("verify result: %ld (%s)\n", SSL_get_verify_result(ssl),
           X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
    if (r != 1)
        return EXIT_HANDSHAKE_FAILED;
    rev_ping_and_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
