/*
 * An event-loop client: the socket is non-blocking and every SSL call that says
 * SSL_ERROR_WANT_READ or SSL_ERROR_WANT_WRITE is retried once poll() says the socket is ready.
 * Offers ALPN; prints how each loop ended, never how many times it went round.
 *
 * usage: nonblocking HOST PORT CAFILE peer|none CHECKHOST|- ALPN|-
 *   ALPN  one protocol name to offer with SSL_set_alpn_protos ("-": none)
 * The server is an `s_server -rev`: a line comes back reversed, "CLOSE" makes it close.
 */
#include "common.h"

/* Waits for what `err` asks for; 0 when the call should be retried, -1 when the loop ends. */
static int wait_for(int fd, int err)
{
    if (err == SSL_ERROR_WANT_READ)
        return wait_fd(fd, 0) > 0 ? 0 : -1;
    if (err == SSL_ERROR_WANT_WRITE)
        return wait_fd(fd, 1) > 0 ? 0 : -1;
    return -1;
}

static int write_all(SSL *ssl, int fd, const char *data)
{
    int len = (int)strlen(data);

    for (;;) {
        int n, err;

        ERR_clear_error();
        n = SSL_write(ssl, data, len);
        if (n > 0) {
            printf("SSL_write: %d\n", n);
            return 0;
        }
        err = SSL_get_error(ssl, n);
        if (wait_for(fd, err) != 0) {
            report_error("SSL_write", n, err, errno);
            return -1;
        }
    }
}

/* Reads until a newline, or until the read fails (then its return value is left in *last). */
static int read_some(SSL *ssl, int fd, char *buf, int size, int *last)
{
    int len = 0;

    for (;;) {
        int n, err;

        ERR_clear_error();
        n = SSL_read(ssl, buf + len, size - 1 - len);
        if (n > 0) {
            len += n;
            if (buf[len - 1] == '\n' || len == size - 1)
                break;
            continue;
        }
        err = SSL_get_error(ssl, n);
        if (wait_for(fd, err) != 0) {
            *last = n;
            break;
        }
    }
    buf[len] = '\0';
    return len;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, ret, err, saved, status = EXIT_OK, last = 1;
    char line[256];
    unsigned char protos[256];

    signal(SIGPIPE, SIG_IGN);
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE peer|none CHECKHOST|- ALPN|-\n", argv[0]);
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], argv[4]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return EXIT_SETUP_FAILED;
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
        return EXIT_SETUP_FAILED;

    ssl = SSL_new(ctx);
    printf("SSL_set_fd: %d\n", SSL_set_fd(ssl, fd));
    name_server(ssl, argv[5]);
    if (strcmp(argv[6], "-") != 0) {
        size_t n = strlen(argv[6]);

        if (n == 0 || n > 255)
            return EXIT_USAGE;
        protos[0] = (unsigned char)n;
        memcpy(protos + 1, argv[6], n);
        printf("SSL_set_alpn_protos: %d\n", SSL_set_alpn_protos(ssl, protos, (unsigned int)n + 1));
    }
    printf("SSL_in_before: %d\n", SSL_in_before(ssl));

    /* How often this goes round depends on timing: print only how it ended. */
    ERR_clear_error();
    ret = SSL_connect(ssl);
    saved = errno;
    while (ret != 1) {
        err = SSL_get_error(ssl, ret);
        if (wait_for(fd, err) != 0)
            break;
        ERR_clear_error();
        ret = SSL_connect(ssl);
        saved = errno;
    }
    report("handshake loop ended", ssl, ret, saved);
    printf("SSL_in_init: %d, SSL_is_init_finished: %d\n", SSL_in_init(ssl),
           SSL_is_init_finished(ssl));
    if (ret != 1) {
        printf("verify: %ld\n", SSL_get_verify_result(ssl));
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    /* A second SSL_connect on a finished handshake just says 1. */
    printf("SSL_connect again: %d\n", SSL_connect(ssl));
    print_session(ssl);

    if (write_all(ssl, fd, "non-blocking hello\n") != 0) {
        status = EXIT_IO_FAILED;
        goto done;
    }
    read_some(ssl, fd, line, sizeof line, &last);
    printf("read: %s", line);
    if (last <= 0) {
        report("SSL_read", ssl, last, errno);
        status = EXIT_IO_FAILED;
        goto done;
    }
    if (write_all(ssl, fd, "CLOSE\n") != 0) {
        status = EXIT_IO_FAILED;
        goto done;
    }
    last = 1;
    if (read_some(ssl, fd, line, sizeof line, &last) > 0)
        printf("read: %s\n", line);
    report("read loop ended", ssl, last, errno);
    if (SSL_get_error(ssl, last) != SSL_ERROR_ZERO_RETURN) {
        status = EXIT_IO_FAILED;
        goto done;
    }
    ret = SSL_shutdown(ssl);
    printf("SSL_shutdown: %d\n", ret);
    printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));

done:
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
