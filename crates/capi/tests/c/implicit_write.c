/*
 * No SSL_connect at all: SSL_set_connect_state, then the first SSL_write runs the handshake.
 * With "nbio" the socket is non-blocking and the write is retried (same buffer) after select().
 *
 * usage: implicit_write HOST PORT CAFILE peer|none CHECKHOST|- block|nbio
 * The server is an `s_server -rev`: a line comes back reversed, "CLOSE" makes it close.
 */
#include <sys/select.h>

#include "common.h"

/* select() on fd for what `err` asks; 0 when the call should be retried. */
static int wait_select(int fd, int err)
{
    fd_set set;
    struct timeval tv;

    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
        return -1;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    tv.tv_sec = POLL_MS / 1000;
    tv.tv_usec = 0;
    if (err == SSL_ERROR_WANT_READ)
        return select(fd + 1, &set, NULL, NULL, &tv) > 0 ? 0 : -1;
    return select(fd + 1, NULL, &set, NULL, &tv) > 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const char hello[] = "written before any handshake\n";
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, n, err, saved, nbio, status = EXIT_OK;
    char line[256];
    int len = 0;

    signal(SIGPIPE, SIG_IGN);
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE peer|none CHECKHOST|- block|nbio\n", argv[0]);
        return EXIT_USAGE;
    }
    nbio = strcmp(argv[6], "nbio") == 0;
    ctx = client_ctx(argv[3], argv[4]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return EXIT_SETUP_FAILED;
    if (nbio && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0)
        return EXIT_SETUP_FAILED;

    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    name_server(ssl, argv[5]);
    printf("SSL_is_server before: %d\n", SSL_is_server(ssl));
    SSL_set_connect_state(ssl);
    printf("SSL_is_server: %d\n", SSL_is_server(ssl));
    printf("SSL_in_before: %d, SSL_is_init_finished: %d\n", SSL_in_before(ssl),
           SSL_is_init_finished(ssl));

    ERR_clear_error();
    n = SSL_write(ssl, hello, (int)strlen(hello));
    saved = errno;
    if (nbio) {
        /* Whether this first call already finished depends on timing: print only the end. */
        while (n <= 0) {
            err = SSL_get_error(ssl, n);
            if (wait_select(fd, err) != 0)
                break;
            ERR_clear_error();
            n = SSL_write(ssl, hello, (int)strlen(hello));
            saved = errno;
        }
    }
    report("SSL_write", ssl, n, saved);
    printf("SSL_in_init: %d, SSL_is_init_finished: %d\n", SSL_in_init(ssl),
           SSL_is_init_finished(ssl));
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    if (n <= 0) {
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    print_session(ssl);

    /* The reversed line, then "CLOSE" and the server's close_notify. */
    for (;;) {
        ERR_clear_error();
        n = SSL_read(ssl, line + len, (int)sizeof line - 1 - len);
        saved = errno;
        if (n > 0) {
            len += n;
            if (line[len - 1] == '\n')
                break;
            continue;
        }
        err = SSL_get_error(ssl, n);
        if (!nbio || wait_select(fd, err) != 0) {
            report("SSL_read", ssl, n, saved);
            status = EXIT_IO_FAILED;
            goto done;
        }
    }
    line[len] = '\0';
    printf("read: %s", line);
    for (;;) {
        n = SSL_write(ssl, "CLOSE\n", 6);
        if (n > 0 || wait_select(fd, SSL_get_error(ssl, n)) != 0)
            break;
    }
    printf("SSL_write: %d\n", n);
    for (;;) {
        ERR_clear_error();
        n = SSL_read(ssl, line, (int)sizeof line);
        saved = errno;
        if (n > 0)
            continue;
        err = SSL_get_error(ssl, n);
        if (!nbio || wait_select(fd, err) != 0)
            break;
    }
    report("last SSL_read", ssl, n, saved);
    if (SSL_get_error(ssl, n) != SSL_ERROR_ZERO_RETURN)
        status = EXIT_IO_FAILED;

done:
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
