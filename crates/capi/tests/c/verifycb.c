/*
 * A verify callback (SSL_CTX_set_verify(3)) that prints every call: preverify_ok, the depth, the
 * error and the subject of the current certificate, then returns preverify_ok ("strict") or 1
 * ("accept", which carries on past every error). OpenSSL calls it for each certificate of the
 * chain it built, deepest first, and for each error where it is found.
 *
 * usage: verifycb HOST PORT CAFILE HOSTNAME strict|accept [DEPTH]
 *   HOSTNAME  given to SSL_set1_host ("-" for none)
 *   DEPTH     SSL_CTX_set_verify_depth
 */
#include "common.h"

static int accept_all;

static int verify_cb(int ok, X509_STORE_CTX *sctx)
{
    X509 *cert = X509_STORE_CTX_get_current_cert(sctx);
    SSL *ssl = X509_STORE_CTX_get_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    char subject[256] = "(none)";

    if (cert != NULL)
        X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
    printf("verify_cb: ok=%d depth=%d err=%d (%s) subject=%s ssl=%s\n", ok,
           X509_STORE_CTX_get_error_depth(sctx), X509_STORE_CTX_get_error(sctx),
           X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)), subject,
           ssl != NULL ? "set" : "null");
    return accept_all ? 1 : ok;
}

int main(int argc, char **argv)
{
    int fd, ret, saved;
    SSL_CTX *ctx;
    SSL *ssl;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE HOSTNAME strict|accept [DEPTH]\n", argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    accept_all = strcmp(argv[5], "accept") == 0;
    ctx = client_ctx(argv[3], "none");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    if (argc == 7)
        SSL_CTX_set_verify_depth(ctx, atoi(argv[6]));
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return EXIT_SETUP_FAILED;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (strcmp(argv[4], "-") != 0)
        SSL_set1_host(ssl, argv[4]);

    ERR_clear_error();
    errno = 0;
    ret = SSL_connect(ssl);
    saved = errno;
    report("SSL_connect", ssl, ret, saved);
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    if (ret == 1)
        SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", ret == 1 ? EXIT_OK : EXIT_HANDSHAKE_FAILED);
    return ret == 1 ? EXIT_OK : EXIT_HANDSHAKE_FAILED;
}
