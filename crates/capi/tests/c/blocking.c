/*
 * The classic client: a blocking socket, SSL_set_fd, SSL_connect, then SSL_write/SSL_read until
 * the server closes with close_notify.
 *
 * usage: blocking HOST PORT CAFILE peer|none CHECKHOST|- echo|connect
 *   CHECKHOST  name for SNI and SSL_set1_host ("-": SNI "localhost", no host check)
 *   echo       after the handshake, send a line to an `s_server -rev` and read it back
 *              reversed, then "CLOSE" and read until the server's close_notify
 *   connect    stop after the handshake (for servers that do not speak TLS)
 */
#include "common.h"

static int echo(SSL *ssl)
{
    static const char hello[] = "hello from a blocking client\n";
    char line[256];
    int n;

    n = SSL_write(ssl, hello, (int)strlen(hello));
    printf("SSL_write: %d\n", n);
    if (n <= 0) {
        report("SSL_write", ssl, n, errno);
        return -1;
    }
    if (read_line(ssl, line, sizeof line) < 0)
        return -1;
    printf("read: %s", line);
    printf("pending: %d\n", SSL_pending(ssl));

    n = SSL_write(ssl, "CLOSE\n", 6);
    printf("SSL_write: %d\n", n);
    /* Whatever the server still says (its answer to CLOSE), then its close_notify. */
    for (;;) {
        n = SSL_read(ssl, line, sizeof line - 1);
        if (n <= 0)
            break;
        line[n] = '\0';
        printf("read: %s", line);
        if (line[n - 1] != '\n')
            printf("\n");
    }
    report("SSL_read at the end", ssl, n, errno);
    if (SSL_get_error(ssl, n) != SSL_ERROR_ZERO_RETURN)
        return -1;
    printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));
    n = SSL_shutdown(ssl);
    printf("SSL_shutdown: %d\n", n);
    return n == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, ret, saved, on = 0, status;
    socklen_t len = sizeof on;

    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE peer|none CHECKHOST|- echo|connect\n", argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    ctx = client_ctx(argv[3], argv[4]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return EXIT_SETUP_FAILED;

    ret = BIO_set_tcp_ndelay(fd, 1);
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len);
    printf("BIO_set_tcp_ndelay: %d, TCP_NODELAY: %d\n", ret, on != 0);

    ssl = SSL_new(ctx);
    printf("SSL_set_fd: %d\n", SSL_set_fd(ssl, fd));
    printf("SSL_get_fd matches: %d\n", SSL_get_fd(ssl) == fd);
    name_server(ssl, argv[5]);

    ERR_clear_error();
    errno = 0;
    ret = SSL_connect(ssl);
    saved = errno;
    report("SSL_connect", ssl, ret, saved);
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    if (ret != 1) {
        status = EXIT_HANDSHAKE_FAILED;
    } else {
        print_session(ssl);
        status = EXIT_OK;
        if (strcmp(argv[6], "echo") == 0 && echo(ssl) != 0)
            status = EXIT_IO_FAILED;
    }

    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
