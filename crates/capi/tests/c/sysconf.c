/*
 * The configuration file's ssl_conf sections (OPENSSL_CONF): the system_default section
 * applied by SSL_CTX_new (a crypto policy: MinProtocol, CipherString with @SECLEVEL), named
 * sections applied by SSL_CTX_config and SSL_config, an unknown name, a section with a command
 * that fails; then a connection that the policy's minimum protocol refuses.
 *
 * usage: sysconf HOST PORT CAFILE   (with OPENSSL_CONF naming the file)
 */
#include "common.h"

static void show(const char *what, SSL_CTX *ctx)
{
    printf("%s: min 0x%lx, max 0x%lx, level %d\n", what, SSL_CTX_get_min_proto_version(ctx),
           SSL_CTX_get_max_proto_version(ctx), SSL_CTX_get_security_level(ctx));
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    unsigned long e;
    int r, fd;

    if (argc != 4) {
        fprintf(stderr, "usage: sysconf HOST PORT CAFILE\n");
        return EXIT_USAGE;
    }
    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    show("SSL_CTX_new", ctx);
    printf("SSL_CTX_config(tls12): %d\n", SSL_CTX_config(ctx, "tls12"));
    show("after tls12", ctx);
    r = SSL_CTX_config(ctx, "nosuch");
    e = ERR_get_error();
    printf("SSL_CTX_config(nosuch): %d, lib %d reason %d\n", r, ERR_GET_LIB(e), ERR_GET_REASON(e));
    ERR_clear_error();
    printf("SSL_CTX_config(partly): %d\n", SSL_CTX_config(ctx, "partly"));
    show("after partly", ctx);
    ERR_clear_error();
    ssl = SSL_new(ctx);
    if (ssl == NULL)
        return EXIT_SETUP_FAILED;
    r = SSL_config(ssl, "level4");
    printf("SSL_config(level4): %d, level %d\n", r, SSL_get_security_level(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);

    /* A fresh context has the system policy again: TLS 1.3 at least, so a TLS 1.2 server is
     * refused. */
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_SETUP_FAILED;
    r = SSL_connect(ssl);
    e = ERR_peek_error();
    printf("SSL_connect to a TLS 1.2 server: %d, error %d, lib %d reason %d\n", r,
           SSL_get_error(ssl, r), ERR_GET_LIB(e), ERR_GET_REASON(e));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
