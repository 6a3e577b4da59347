/*
 * A verify callback (SSL_CTX_set_verify(3)) that prints every call: preverify_ok, the depth, the
 * error and the subject of the current certificate, then returns preverify_ok ("strict") or 1
 * ("accept", which carries on past every error). OpenSSL calls it for each certificate of the
 * chain it built, deepest first, and for each error where it is found.
 *
 * usage: verifycb HOST PORT CAFILE HOSTNAME strict|accept [DEPTH|resume]
 *   CAFILE    trusted certificates; "store:FILE" loads FILE into SSL_CTX_get_cert_store
 *             with X509_STORE_load_locations instead of SSL_CTX_load_verify_locations
 *   HOSTNAME  given to SSL_set1_host ("-" for none)
 *   DEPTH     SSL_CTX_set_verify_depth
 *   resume    a second connection offers the first one's session (SSL_set_session): no
 *             callback runs, and SSL_get_verify_result reports the session's result
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
    /* The callback may call back into the SSL object, as programs do to log or decide. */
    printf("verify_cb: ok=%d depth=%d err=%d (%s) subject=%s ssl=%s sni=%s in_init=%d\n", ok,
           X509_STORE_CTX_get_error_depth(sctx), X509_STORE_CTX_get_error(sctx),
           X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)), subject,
           ssl != NULL ? "set" : "null",
           ssl != NULL && SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) != NULL
               ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)
               : "(none)",
           ssl != NULL && SSL_in_init(ssl));
    return accept_all ? 1 : ok;
}

/* One connection, offering `offer` when not null; returns its session (or null). */
static SSL_SESSION *connection(SSL_CTX *ctx, const char *host, const char *port,
                               const char *hostname, SSL_SESSION *offer, int *ret)
{
    SSL_SESSION *sess = NULL;
    int fd, saved;
    SSL *ssl;

    ssl = new_client(ctx, host, port, strcmp(hostname, "-") != 0 ? hostname : NULL, offer, &fd);
    if (ssl == NULL) {
        *ret = -1;
        return NULL;
    }

    ERR_clear_error();
    errno = 0;
    *ret = SSL_connect(ssl);
    saved = errno;
    report("SSL_connect", ssl, *ret, saved);
    if (offer != NULL)
        printf("SSL_session_reused: %d\n", SSL_session_reused(ssl));
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    if (*ret == 1) {
        sess = SSL_get1_session(ssl);
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(fd);
    return sess;
}

int main(int argc, char **argv)
{
    SSL_SESSION *first, *second = NULL;
    int ret, resume = 0;
    SSL_CTX *ctx;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE HOSTNAME strict|accept [DEPTH|resume]\n",
                argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    accept_all = strcmp(argv[5], "accept") == 0;
    if (strncmp(argv[3], "store:", 6) == 0) {
        /* Trust loaded into the context's X509_STORE directly, not through SSL_CTX. */
        ctx = SSL_CTX_new(TLS_client_method());
        if (ctx == NULL ||
            X509_STORE_load_locations(SSL_CTX_get_cert_store(ctx), argv[3] + 6, NULL) != 1)
            return EXIT_SETUP_FAILED;
    } else {
        ctx = client_ctx(argv[3], "none");
    }
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_cb);
    if (argc == 7 && strcmp(argv[6], "resume") == 0)
        resume = 1;
    else if (argc == 7)
        SSL_CTX_set_verify_depth(ctx, atoi(argv[6]));

    first = connection(ctx, argv[1], argv[2], argv[4], NULL, &ret);
    if (resume && first != NULL) {
        printf("-- resuming\n");
        second = connection(ctx, argv[1], argv[2], argv[4], first, &ret);
    }
    SSL_SESSION_free(second);
    SSL_SESSION_free(first);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", ret == 1 ? EXIT_OK : EXIT_HANDSHAKE_FAILED);
    return ret == 1 ? EXIT_OK : EXIT_HANDSHAKE_FAILED;
}
