/*
 * SSL_read_ex/SSL_write_ex (1 or 0, counts through a pointer) and the two ways a connection
 * ends:
 *   server  we ask the server to close ("CLOSE"): SSL_read_ex gives 0 and
 *           SSL_get_error(ssl, 0) is SSL_ERROR_ZERO_RETURN; our SSL_shutdown then says 1
 *   client  we close first: SSL_shutdown says 0 (ours sent, theirs not seen), a second call
 *           waits for the server's close_notify and says 1
 * Either way a write after our close_notify fails with SSL_R_PROTOCOL_IS_SHUTDOWN.
 *
 * usage: ex_shutdown HOST PORT CAFILE peer|none CHECKHOST|- server|client
 * The server is an `s_server -rev`: a line comes back reversed, "CLOSE" makes it close.
 */
#include "common.h"

int main(int argc, char **argv)
{
    static const char hello[] = "counted by SSL_write_ex\n";
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, ret, saved, status = EXIT_OK;
    size_t n, len = 0;
    char line[256];

    signal(SIGPIPE, SIG_IGN);
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE peer|none CHECKHOST|- server|client\n",
                argv[0]);
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], argv[4]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return EXIT_SETUP_FAILED;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    name_server(ssl, argv[5]);

    /* SSL_shutdown before the handshake is an error. */
    ERR_clear_error();
    ret = SSL_shutdown(ssl);
    report("SSL_shutdown before the handshake", ssl, ret, errno);
    ERR_clear_error();

    ret = SSL_connect(ssl);
    saved = errno;
    report("SSL_connect", ssl, ret, saved);
    if (ret != 1) {
        printf("verify: %ld\n", SSL_get_verify_result(ssl));
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }

    ret = SSL_write_ex(ssl, hello, 0, &n);
    printf("SSL_write_ex of nothing: %d\n", ret);
    ret = SSL_write_ex(ssl, hello, strlen(hello), &n);
    printf("SSL_write_ex: %d, written: %zu\n", ret, n);
    while (len < sizeof line - 1) {
        ret = SSL_read_ex(ssl, line + len, sizeof line - 1 - len, &n);
        if (ret != 1) {
            report("SSL_read_ex", ssl, 0, errno);
            status = EXIT_IO_FAILED;
            goto done;
        }
        len += n;
        if (line[len - 1] == '\n')
            break;
    }
    line[len] = '\0';
    printf("SSL_read_ex: %d, read: %s", ret, line);
    printf("SSL_pending: %d, SSL_has_pending: %d\n", SSL_pending(ssl), SSL_has_pending(ssl));

    if (strcmp(argv[6], "server") == 0) {
        ret = SSL_write_ex(ssl, "CLOSE\n", 6, &n);
        printf("SSL_write_ex: %d, written: %zu\n", ret, n);
        ERR_clear_error();
        ret = SSL_read_ex(ssl, line, sizeof line, &n);
        printf("SSL_read_ex: %d\n", ret);
        report("SSL_get_error(ssl, 0)", ssl, 0, errno);
        if (SSL_get_error(ssl, 0) != SSL_ERROR_ZERO_RETURN)
            status = EXIT_IO_FAILED;
        printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));
        printf("SSL_shutdown: %d\n", SSL_shutdown(ssl));
        printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));
    } else {
        ret = SSL_shutdown(ssl);
        printf("SSL_shutdown: %d\n", ret);
        printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));
        if (ret != 0)
            status = EXIT_IO_FAILED;
        ret = SSL_shutdown(ssl);
        printf("SSL_shutdown again: %d\n", ret);
        printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));
        if (ret != 1) {
            report("SSL_shutdown again", ssl, ret, errno);
            status = EXIT_IO_FAILED;
        }
        ERR_clear_error();
        ret = SSL_read_ex(ssl, line, sizeof line, &n);
        printf("SSL_read_ex after shutdown: %d\n", ret);
        report("SSL_get_error(ssl, 0)", ssl, 0, errno);
    }
    ERR_clear_error();
    ret = SSL_write_ex(ssl, hello, strlen(hello), &n);
    printf("SSL_write_ex after shutdown: %d\n", ret);
    report("SSL_get_error(ssl, 0)", ssl, 0, errno);

done:
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
