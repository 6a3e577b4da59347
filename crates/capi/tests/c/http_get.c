/*
 * An HTTP/1.0 client: sends "GET /", then reads until the connection ends, as a client must
 * when the response has no Content-Length. The server (`s_server -www`) sends its status page,
 * then close_notify, then closes TCP: the last data record, the alert and the FIN usually
 * arrive together. Prints the status line, whether the page arrived whole, and how the end
 * was reported; never the page itself (it holds a fresh session id on every run).
 * With "nbio" the socket is non-blocking and the program waits for it with poll().
 *
 * usage: http_get HOST PORT CAFILE peer|none CHECKHOST|- block|nbio
 */
#include "common.h"

int main(int argc, char **argv)
{
    static const char request[] = "GET / HTTP/1.0\r\n\r\n";
    static char page[65536];
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, ret, err, saved, nbio, status = EXIT_OK;
    size_t len = 0;
    char *eol;

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

    for (;;) {
        ERR_clear_error();
        ret = SSL_connect(ssl);
        saved = errno;
        if (ret == 1)
            break;
        err = SSL_get_error(ssl, ret);
        if (!nbio || (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
            || wait_fd(fd, err == SSL_ERROR_WANT_WRITE) <= 0)
            break;
    }
    report("SSL_connect", ssl, ret, saved);
    if (ret != 1) {
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    for (;;) {
        ret = SSL_write(ssl, request, (int)strlen(request));
        if (ret > 0)
            break;
        err = SSL_get_error(ssl, ret);
        if (!nbio || (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
            || wait_fd(fd, err == SSL_ERROR_WANT_WRITE) <= 0)
            break;
    }
    printf("SSL_write: %d\n", ret);

    /*
     * Read until the end, in small pieces, the way event loops do: after data, read again at
     * once only while SSL_pending says bytes are left; otherwise wait for the socket. That is
     * only right if the library took no more from the socket than the record it returned.
     */
    for (;;) {
        size_t room = sizeof page - 1 - len;

        ERR_clear_error();
        ret = SSL_read(ssl, page + len, (int)(room < 1000 ? room : 1000));
        saved = errno;
        if (ret > 0) {
            len += (size_t)ret;
            if (len == sizeof page - 1)
                break;
            if (nbio && SSL_pending(ssl) == 0 && wait_fd(fd, 0) <= 0) {
                printf("SSL_pending said 0 and the socket stayed quiet\n");
                break;
            }
            continue;
        }
        err = SSL_get_error(ssl, ret);
        if (!nbio || err != SSL_ERROR_WANT_READ || wait_fd(fd, 0) <= 0)
            break;
    }
    page[len] = '\0';
    report("end of the response", ssl, ret, saved);
    eol = strstr(page, "\r\n");
    printf("status line: %.*s\n", eol ? (int)(eol - page) : 0, page);
    printf("page complete: %d\n", strstr(page, "</BODY></HTML>") != NULL);
    printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));
    if (SSL_get_error(ssl, ret) != SSL_ERROR_ZERO_RETURN)
        status = EXIT_IO_FAILED;

done:
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
