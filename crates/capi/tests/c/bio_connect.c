/*
 * The BIO way: BIO_new_ssl_connect makes an SSL BIO on top of a connect BIO, which opens the
 * TCP connection itself; BIO_do_connect connects and runs the handshake; BIO_puts/BIO_read carry
 * the data.
 *
 * usage: bio_connect HOST:PORT CAFILE peer|none CHECKHOST|-
 * The server is an `s_server -rev`: a line comes back reversed, "CLOSE" makes it close.
 */
#include "common.h"

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl = NULL;
    BIO *bio;
    long r;
    int n, status = EXIT_OK, len = 0;
    char line[256];

    signal(SIGPIPE, SIG_IGN);
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST:PORT CAFILE peer|none CHECKHOST|-\n", argv[0]);
        return EXIT_USAGE;
    }
    ctx = client_ctx(argv[2], argv[3]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    bio = BIO_new_ssl_connect(ctx);
    if (bio == NULL) {
        ERR_print_errors_fp(stderr);
        return EXIT_SETUP_FAILED;
    }
    r = BIO_get_ssl(bio, &ssl);
    printf("BIO_get_ssl: %ld, got an SSL: %d\n", r, ssl != NULL);
    if (ssl == NULL)
        return EXIT_SETUP_FAILED;
    name_server(ssl, argv[4]);
    printf("BIO_set_conn_hostname: %ld\n", BIO_set_conn_hostname(bio, argv[1]));

    ERR_clear_error();
    errno = 0;
    r = BIO_do_connect(bio);
    printf("BIO_do_connect: %ld\n", r);
    if (r <= 0) {
        report("after BIO_do_connect", ssl, (int)r, errno);
        printf("verify: %ld\n", SSL_get_verify_result(ssl));
        status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    print_session(ssl);

    n = BIO_puts(bio, "through an SSL BIO\n");
    printf("BIO_puts: %d\n", n);
    printf("BIO_flush: %d\n", BIO_flush(bio));
    while (len < (int)sizeof line - 1) {
        n = BIO_read(bio, line + len, (int)sizeof line - 1 - len);
        if (n <= 0) {
            printf("BIO_read: %d, retry: %d\n", n, BIO_should_retry(bio));
            status = EXIT_IO_FAILED;
            goto done;
        }
        len += n;
        if (line[len - 1] == '\n')
            break;
    }
    line[len] = '\0';
    printf("read: %s", line);

    printf("BIO_puts: %d\n", BIO_puts(bio, "CLOSE\n"));
    ERR_clear_error();
    do {
        n = BIO_read(bio, line, (int)sizeof line);
    } while (n > 0);
    printf("BIO_read at the end: %d, retry: %d\n", n, BIO_should_retry(bio));
    report("SSL_get_error", ssl, n, errno);
    printf("BIO_ssl_shutdown done\n");
    BIO_ssl_shutdown(bio);
    printf("shutdown flags: %d\n", SSL_get_shutdown(ssl));

done:
    BIO_free_all(bio);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
