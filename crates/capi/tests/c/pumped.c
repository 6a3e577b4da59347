/*
 * The SSL object never sees the socket: it talks to BIOs in memory and the program moves the
 * bytes between them and the network itself, as event libraries and proxies do.
 *
 *   pair  BIO_new_bio_pair: the SSL object gets one end (SSL_set_bio(ssl, inner, inner)), the
 *         program reads and writes the other end; socket EOF becomes BIO_shutdown_wr.
 *   mem   two memory BIOs, SSL_set_bio(ssl, rbio, wbio): the program writes what arrives into
 *         rbio and sends what appears in wbio; socket EOF becomes BIO_set_mem_eof_return(rbio, 0).
 *
 * usage: pumped HOST PORT CAFILE peer|none CHECKHOST|- pair|mem
 * The server is an `s_server -rev`: a line comes back reversed, "CLOSE" makes it close.
 */
#include "common.h"

struct pump {
    int fd;
    int pair;
    BIO *net_in;  /* where bytes from the network go */
    BIO *net_out; /* where bytes for the network come from */
    int eof;
};

static int send_all(int fd, const char *buf, int len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, (size_t)len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        len -= (int)n;
    }
    return 0;
}

/* Sends everything the SSL object has written. */
static int flush_out(struct pump *p)
{
    char buf[4096];

    while (BIO_ctrl_pending(p->net_out) > 0) {
        int n = BIO_read(p->net_out, buf, sizeof buf);

        if (n <= 0 || send_all(p->fd, buf, n) != 0)
            return -1;
    }
    return 0;
}

/* Waits for bytes from the network and hands them to the SSL object's side. */
static int fill_in(struct pump *p)
{
    char buf[4096];
    size_t room = sizeof buf;
    ssize_t n;

    if (p->eof)
        return -1;
    if (p->pair) {
        room = BIO_ctrl_get_write_guarantee(p->net_in);
        if (room == 0)
            return -1;
        if (room > sizeof buf)
            room = sizeof buf;
    }
    if (wait_fd(p->fd, 0) <= 0)
        return -1;
    do {
        n = read(p->fd, buf, room);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0) {
        p->eof = 1;
        if (p->pair)
            BIO_shutdown_wr(p->net_in);
        else
            BIO_set_mem_eof_return(p->net_in, 0);
        return 0;
    }
    return BIO_write(p->net_in, buf, (int)n) == (int)n ? 0 : -1;
}

/*
 * After an SSL call returned `ret`: asks SSL_get_error first (it looks at the BIOs' retry
 * flags), then moves bytes as the answer requires. Returns 0 when the call should be retried;
 * the error code is left in *err.
 */
static int pump(struct pump *p, SSL *ssl, int ret, int *err)
{
    *err = SSL_get_error(ssl, ret);
    if (*err != SSL_ERROR_WANT_READ && *err != SSL_ERROR_WANT_WRITE) {
        flush_out(p); /* an alert, if any */
        return -1;
    }
    if (flush_out(p) != 0)
        return -1;
    if (*err == SSL_ERROR_WANT_WRITE)
        return 0;
    return fill_in(p);
}

int main(int argc, char **argv)
{
    static const char hello[] = "pumped by hand\n";
    struct pump p;
    SSL_CTX *ctx;
    SSL *ssl;
    BIO *a = NULL, *b = NULL;
    int fd, ret, err = SSL_ERROR_NONE, status = EXIT_OK, len = 0;
    char line[256];

    signal(SIGPIPE, SIG_IGN);
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE peer|none CHECKHOST|- pair|mem\n", argv[0]);
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[3], argv[4]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    fd = tcp_connect(argv[1], argv[2]);
    if (fd < 0)
        return EXIT_SETUP_FAILED;

    ssl = SSL_new(ctx);
    memset(&p, 0, sizeof p);
    p.fd = fd;
    if (strcmp(argv[6], "pair") == 0) {
        /* a: the SSL object's end, b: the program's end; 0 = default buffer sizes */
        printf("BIO_new_bio_pair: %d\n", BIO_new_bio_pair(&a, 0, &b, 0));
        SSL_set_bio(ssl, a, a);
        p.pair = 1;
        p.net_in = b;
        p.net_out = b;
        printf("write guarantee: %d\n", (int)BIO_ctrl_get_write_guarantee(b));
    } else {
        a = BIO_new(BIO_s_mem());
        b = BIO_new(BIO_s_mem());
        SSL_set_bio(ssl, a, b);
        p.net_in = a;
        p.net_out = b;
    }
    printf("SSL_get_rbio matches: %d, SSL_get_wbio matches: %d\n", SSL_get_rbio(ssl) == a,
           SSL_get_wbio(ssl) == (p.pair ? a : b));
    name_server(ssl, argv[5]);

    /* Nothing has been pumped yet: the first call can only send the ClientHello and wait. */
    ERR_clear_error();
    ret = SSL_connect(ssl);
    report("first SSL_connect", ssl, ret, 0);
    printf("ClientHello waiting to be sent: %d\n", BIO_ctrl_pending(p.net_out) > 0);
    while (ret != 1) {
        if (pump(&p, ssl, ret, &err) != 0)
            break;
        ERR_clear_error();
        ret = SSL_connect(ssl);
    }
    if (ret == 1)
        flush_out(&p);
    report_error("handshake loop ended", ret, ret == 1 ? SSL_ERROR_NONE : err, 0);
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    if (ret != 1) {
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    print_session(ssl);

    for (;;) {
        ret = SSL_write(ssl, hello, (int)strlen(hello));
        if (ret > 0 || pump(&p, ssl, ret, &err) != 0)
            break;
    }
    printf("SSL_write: %d\n", ret);
    if (ret <= 0 || flush_out(&p) != 0) {
        status = EXIT_IO_FAILED;
        goto done;
    }
    for (;;) {
        ret = SSL_read(ssl, line + len, (int)sizeof line - 1 - len);
        if (ret > 0) {
            len += ret;
            if (line[len - 1] == '\n')
                break;
            continue;
        }
        if (pump(&p, ssl, ret, &err) != 0) {
            report_error("SSL_read", ret, err, 0);
            status = EXIT_IO_FAILED;
            goto done;
        }
    }
    line[len] = '\0';
    printf("read: %s", line);

    for (;;) {
        ret = SSL_write(ssl, "CLOSE\n", 6);
        if (ret > 0 || pump(&p, ssl, ret, &err) != 0)
            break;
    }
    printf("SSL_write: %d\n", ret);
    flush_out(&p);
    for (;;) {
        ret = SSL_read(ssl, line, (int)sizeof line);
        if (ret > 0)
            continue;
        if (pump(&p, ssl, ret, &err) != 0)
            break;
    }
    report_error("last SSL_read", ret, err, 0);
    if (err != SSL_ERROR_ZERO_RETURN)
        status = EXIT_IO_FAILED;
    ret = SSL_shutdown(ssl);
    printf("SSL_shutdown: %d\n", ret);
    printf("close_notify waiting to be sent: %d\n", BIO_ctrl_pending(p.net_out) > 0);
    flush_out(&p);

done:
    SSL_free(ssl); /* frees a, and b when it is the write BIO */
    if (p.pair)
        BIO_free(b);
    close(fd);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
