/*
 * Sessions kept the way curl keeps them (SSL_CTX_sess_set_new_cb(3)): the client cache mode
 * SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE and a new-session callback that
 * finds its connection's record through SSL_get_ex_data and keeps the newest session (returning
 * 1 keeps the reference it is given). Each later connection offers the kept session with
 * SSL_set_session.
 *
 * Each connection: handshake, one line to an `s_server -rev` and back (TLS 1.3 tickets arrive
 * before the answer), then "CLOSE" and the server's close_notify. What is printed: when the
 * callback ran (during SSL_connect or during SSL_read), whether SSL_get_session inside the
 * callback is the session it was given, and whether each connection was resumed.
 *
 * usage: newsess HOST PORT CAFILE 1.2|1.3 [nocache]
 *   nocache   leave the cache mode at its default (SSL_SESS_CACHE_SERVER): no callback
 */
#include "common.h"

struct record {
    const char *phase;
    int calls;
    int own_session;
    SSL_SESSION *kept;
};

static int record_index = -1;

static int new_session(SSL *ssl, SSL_SESSION *sess)
{
    struct record *r = SSL_get_ex_data(ssl, record_index);

    r->calls++;
    r->own_session = SSL_get_session(ssl) == sess;
    printf("callback during %s: resumable %d, version 0x%x, current session %d\n", r->phase,
           SSL_SESSION_is_resumable(sess), SSL_SESSION_get_protocol_version(sess),
           r->own_session);
    SSL_SESSION_free(r->kept);
    r->kept = sess;
    return 1;
}

static int connection(SSL_CTX *ctx, const char *host, const char *port, struct record *r,
                      const char *name)
{
    static const char hello[] = "keep me\n";
    char line[256];
    int fd, ret, status = EXIT_OK;
    SSL *ssl;

    printf("-- %s\n", name);
    ssl = new_client(ctx, host, port, "localhost", r->kept, &fd);
    if (ssl == NULL)
        return EXIT_SETUP_FAILED;
    SSL_set_ex_data(ssl, record_index, r);
    r->calls = 0;
    r->phase = "SSL_connect";
    ret = SSL_connect(ssl);
    report("SSL_connect", ssl, ret, errno);
    if (ret != 1) {
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    printf("SSL_session_reused: %d\n", SSL_session_reused(ssl));
    printf("version: %s\n", SSL_get_version(ssl));
    r->phase = "SSL_read";
    if (SSL_write(ssl, hello, (int)strlen(hello)) <= 0) {
        status = EXIT_IO_FAILED;
        goto done;
    }
    if (read_line(ssl, line, sizeof line) < 0) {
        status = EXIT_IO_FAILED;
        goto done;
    }
    printf("read: %s", line);
    r->phase = "the close";
    close_rev(ssl);
    SSL_shutdown(ssl);
    printf("callbacks: %d\n", r->calls);

done:
    SSL_free(ssl);
    close(fd);
    return status;
}

int main(int argc, char **argv)
{
    struct record r = {0};
    int status;
    SSL_CTX *ctx;

    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE 1.2|1.3 [nocache]\n", argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    record_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_max_proto_version(ctx,
                                  strcmp(argv[4], "1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION);
    if (argc == 5)
        SSL_CTX_set_session_cache_mode(ctx,
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, new_session);
    printf("SSL_CTX_sess_get_new_cb: %s\n",
           SSL_CTX_sess_get_new_cb(ctx) == new_session ? "the one set" : "another");

    status = connection(ctx, argv[1], argv[2], &r, "full handshake");
    if (status == EXIT_OK)
        status = connection(ctx, argv[1], argv[2], &r, "with the kept session");
    if (status == EXIT_OK)
        status = connection(ctx, argv[1], argv[2], &r, "and again");
    SSL_SESSION_free(r.kept);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
