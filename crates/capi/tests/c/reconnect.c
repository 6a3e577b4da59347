/*
 * One SSL object for several connections to an `s_server -rev`: after each, the object is
 * reset with SSL_clear(3) or SSL_set_connect_state(3), given a new socket and connected again.
 * With SSL_shutdown before the reset the session is offered again and resumed; without it,
 * SSL_clear drops the session (OpenSSL does not resume a connection that was not shut down).
 *
 * usage: reconnect HOST PORT CAFILE clear|connect_state shutdown|drop
 */
#include "common.h"

#define CONNECTIONS 3

int main(int argc, char **argv)
{
    static const char hello[] = "again\n";
    char line[256];
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r, clear, shutdown;

    if (argc != 6) {
        fprintf(stderr, "usage: reconnect HOST PORT CAFILE clear|connect_state shutdown|drop\n");
        return EXIT_USAGE;
    }
    clear = strcmp(argv[4], "clear") == 0;
    shutdown = strcmp(argv[5], "shutdown") == 0;
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    for (int i = 0; i < CONNECTIONS; i++) {
        if (i > 0) {
            if (clear)
                printf("SSL_clear: %d\n", SSL_clear(ssl));
            else
                SSL_set_connect_state(ssl);
            printf("after the reset: in before %d, session %s, shutdown %d\n", SSL_in_before(ssl),
                   SSL_get_session(ssl) != NULL ? "kept" : "none", SSL_get_shutdown(ssl));
            fd = tcp_connect(argv[1], argv[2]);
            if (fd < 0)
                return EXIT_IO_FAILED;
            SSL_set_fd(ssl, fd);
        }
        r = SSL_connect(ssl);
        if (r != 1) {
            report_error("SSL_connect", r, SSL_get_error(ssl, r), errno);
            return EXIT_HANDSHAKE_FAILED;
        }
        printf("connection %d: %s, reused %d, verify %ld\n", i, SSL_get_version(ssl),
               SSL_session_reused(ssl), SSL_get_verify_result(ssl));
        if (SSL_write(ssl, hello, (int)strlen(hello)) <= 0 || read_line(ssl, line, sizeof line) < 0)
            return EXIT_IO_FAILED;
        printf("  answer: %s", line);
        if (shutdown) {
            close_rev(ssl);
            printf("  SSL_shutdown: %d\n", SSL_shutdown(ssl));
        }
        close(fd);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return EXIT_OK;
}
