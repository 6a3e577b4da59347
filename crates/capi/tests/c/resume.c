/*
 * Session resumption the OpenSSL way (SSL_get1_session(3), SSL_set_session(3)): a full
 * handshake, then a connection without SSL_set_session (never resumed), then two connections
 * offering the first connection's session.
 *
 * Each connection: handshake, one line to an `s_server -rev` and back (TLS 1.3 tickets arrive
 * before the answer), SSL_get1_session, then "CLOSE" and the server's close_notify.
 *
 * usage: resume HOST PORT CAFILE 1.2|1.3 ticket|noticket set|cache|external
 *   1.2|1.3   SSL_CTX_set_max_proto_version
 *   noticket  SSL_OP_NO_TICKET on the client
 *   cache     SSL_CTX_set_session_cache_mode(SSL_SESS_CACHE_CLIENT); per
 *             SSL_CTX_set_session_cache_mode(3) OpenSSL still resumes only what
 *             SSL_set_session offers
 *   external  the same with SSL_SESS_CACHE_NO_INTERNAL_STORE (curl's mode)
 */
#include "common.h"

static void print_sess(const char *what, SSL_SESSION *sess)
{
    if (sess == NULL) {
        printf("%s: (null)\n", what);
        return;
    }
    printf("%s: resumable %d, version 0x%x, ticket %d\n", what, SSL_SESSION_is_resumable(sess),
           SSL_SESSION_get_protocol_version(sess), SSL_SESSION_has_ticket(sess));
}

/*
 * One connection offering `offer` (when not null). Returns its SSL_get1_session (the caller
 * frees it) or null; *status is set on failure.
 */
static SSL_SESSION *connection(SSL_CTX *ctx, const char *host, const char *port,
                               SSL_SESSION *offer, const char *name, int *status)
{
    static const char hello[] = "resume me\n";
    SSL_SESSION *sess = NULL;
    X509 *peer;
    char line[256];
    int fd, ret, saved;
    SSL *ssl;

    printf("-- %s\n", name);
    fd = tcp_connect(host, port);
    if (fd < 0) {
        *status = EXIT_SETUP_FAILED;
        return NULL;
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_set1_host(ssl, "localhost");
    if (offer != NULL) {
        printf("SSL_set_session: %d\n", SSL_set_session(ssl, offer));
        printf("SSL_get_session is the offered one: %d\n", SSL_get_session(ssl) == offer);
    }

    ERR_clear_error();
    errno = 0;
    ret = SSL_connect(ssl);
    saved = errno;
    report("SSL_connect", ssl, ret, saved);
    if (ret != 1) {
        printf("verify: %ld\n", SSL_get_verify_result(ssl));
        *status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    printf("SSL_session_reused: %d\n", SSL_session_reused(ssl));
    printf("version: %s\n", SSL_get_version(ssl));
    printf("cipher: %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    /* SSL_get_peer_certificate is SSL_get1_peer_certificate in OpenSSL 3's headers. */
    peer = SSL_get_peer_certificate(ssl);
    printf("SSL_get_peer_certificate: %s\n", peer != NULL ? "non-null" : "null");
    X509_free(peer);
    peer = SSL_get1_peer_certificate(ssl);
    printf("SSL_get1_peer_certificate: %s\n", peer != NULL ? "non-null" : "null");
    X509_free(peer);
    printf("peer chain: %d\n", sk_X509_num(SSL_get_peer_cert_chain(ssl)));

    ret = SSL_write(ssl, hello, (int)strlen(hello));
    printf("SSL_write: %d\n", ret);
    if (ret <= 0 || read_line(ssl, line, sizeof line) < 0) {
        *status = EXIT_IO_FAILED;
        goto done;
    }
    printf("read: %s", line);

    sess = SSL_get1_session(ssl);
    print_sess("SSL_get1_session", sess);
    if (offer != NULL)
        printf("SSL_get1_session is the offered one: %d\n", sess == offer);

    ret = close_rev(ssl);
    report("SSL_read at the end", ssl, ret, errno);
    printf("SSL_shutdown: %d\n", SSL_shutdown(ssl));
    print_sess("after SSL_shutdown", sess);

done:
    SSL_free(ssl);
    close(fd);
    return sess;
}

int main(int argc, char **argv)
{
    SSL_SESSION *first, *plain, *second, *third;
    int status = EXIT_OK;
    SSL_CTX *ctx;

    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE 1.2|1.3 ticket|noticket set|cache|external\n",
                argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    printf("SSL_CTX_set_max_proto_version: %ld\n",
           SSL_CTX_set_max_proto_version(
               ctx, strcmp(argv[4], "1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION));
    if (strcmp(argv[5], "noticket") == 0)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    printf("SSL_OP_NO_TICKET: %d\n", (SSL_CTX_get_options(ctx) & SSL_OP_NO_TICKET) != 0);
    printf("SSL_CTX_get_session_cache_mode: %ld\n", SSL_CTX_get_session_cache_mode(ctx));
    if (strcmp(argv[6], "set") != 0) {
        long mode = SSL_SESS_CACHE_CLIENT;

        if (strcmp(argv[6], "external") == 0)
            mode |= SSL_SESS_CACHE_NO_INTERNAL_STORE;
        printf("SSL_CTX_set_session_cache_mode: %ld\n",
               SSL_CTX_set_session_cache_mode(ctx, mode));
        printf("SSL_CTX_get_session_cache_mode: %ld\n", SSL_CTX_get_session_cache_mode(ctx));
    }

    first = connection(ctx, argv[1], argv[2], NULL, "full handshake", &status);
    if (first == NULL) {
        SSL_CTX_free(ctx);
        printf("exit: %d\n", status == EXIT_OK ? EXIT_IO_FAILED : status);
        return status == EXIT_OK ? EXIT_IO_FAILED : status;
    }
    plain = connection(ctx, argv[1], argv[2], NULL, "no SSL_set_session", &status);
    second = connection(ctx, argv[1], argv[2], first, "SSL_set_session", &status);
    third = connection(ctx, argv[1], argv[2], first, "the same session again", &status);
    print_sess("first session at the end", first);

    SSL_SESSION_free(third);
    SSL_SESSION_free(second);
    SSL_SESSION_free(plain);
    SSL_SESSION_free(first);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
