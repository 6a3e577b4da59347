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
    int status;

    if (argc != 5) {
        fprintf(stderr, "usage: seclevel HOST PORT CAFILE LEVEL\n");
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_security_level(ctx, atoi(argv[4]));
    printf("security level: %d\n", SSL_CTX_get_security_level(ctx));
    status = rev_connection(ctx, argv[1], argv[2], print_verify_result);
    SSL_CTX_free(ctx);
    return status;
}
