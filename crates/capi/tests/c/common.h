/*
 * Helpers shared by the test clients: a TCP connect to 127.0.0.1, a context set up from a CA
 * file and a verify mode, and one-line reports of a failed TLS call.
 *
 * Everything printed must be the same from run to run: return values, SSL_get_error codes,
 * error-queue reasons, verify results and echoed data; never addresses, timings or counts of
 * retries.
 */
#ifndef OXISSL_TEST_COMMON_H
#define OXISSL_TEST_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* Exit statuses shared by all the programs. */
#define EXIT_OK 0
#define EXIT_HANDSHAKE_FAILED 1
#define EXIT_USAGE 2
#define EXIT_IO_FAILED 3
#define EXIT_SETUP_FAILED 4

/* Every wait on a socket gives up after this many milliseconds. */
#define POLL_MS 10000

static inline const char *error_name(int err)
{
    switch (err) {
    case SSL_ERROR_NONE:
        return "NONE";
    case SSL_ERROR_SSL:
        return "SSL";
    case SSL_ERROR_WANT_READ:
        return "WANT_READ";
    case SSL_ERROR_WANT_WRITE:
        return "WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP:
        return "WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL:
        return "SYSCALL";
    case SSL_ERROR_ZERO_RETURN:
        return "ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT:
        return "WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT:
        return "WANT_ACCEPT";
    default:
        return "?";
    }
}

/*
 * Prints "<what>: ret=R error=E(NAME) ..." for a call that returned `ret` and the SSL_get_error
 * code `err` it gave: for SSL_ERROR_SSL the library and reason of the earliest queued error, for
 * SSL_ERROR_SYSCALL the saved errno (0 for a plain EOF) and whether the queue holds anything.
 * The full queue goes to stderr.
 */
static inline void report_error(const char *what, int ret, int err, int saved_errno)
{
    unsigned long e = ERR_peek_error();

    char text[256];

    printf("%s: ret=%d error=%d(%s)", what, ret, err, error_name(err));
    if (err == SSL_ERROR_SSL)
        printf(" lib=%d reason=%d", ERR_GET_LIB(e), ERR_GET_REASON(e));
    if (err == SSL_ERROR_SYSCALL)
        printf(" errno=%d queue=%s", saved_errno, e == 0 ? "empty" : "nonempty");
    printf("\n");
    if (e != 0) {
        /* What programs show their users; the reason text comes from the SSL library. */
        ERR_error_string_n(e, text, sizeof text);
        printf("  %s\n", text);
    }
    ERR_print_errors_fp(stderr);
}

/* report_error with SSL_get_error(ssl, ret) asked right now. */
static inline void report(const char *what, SSL *ssl, int ret, int saved_errno)
{
    report_error(what, ret, SSL_get_error(ssl, ret), saved_errno);
}

/* Reads one line (up to and including '\n') into buf; its length, or -1 after a report. */
static inline int read_line(SSL *ssl, char *buf, int size)
{
    int len = 0;

    while (len < size - 1) {
        int n = SSL_read(ssl, buf + len, size - 1 - len);

        if (n <= 0) {
            report("SSL_read", ssl, n, errno);
            return -1;
        }
        len += n;
        if (buf[len - 1] == '\n')
            break;
    }
    buf[len] = '\0';
    return len;
}

/* A blocking TCP connection to host:port (a numeric IPv4 address), or -1. */
static inline int tcp_connect(const char *host, const char *port)
{
    struct sockaddr_in sa;
    int fd;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(port));
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "bad address %s\n", host);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("connect");
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * A client for host:port: a blocking TCP connection (its descriptor in *fd) and an SSL on it
 * with SNI "localhost", `hostname` for SSL_set1_host (NULL: none) and `offer` for
 * SSL_set_session (NULL: none). NULL if the connection failed.
 */
static inline SSL *new_client(SSL_CTX *ctx, const char *host, const char *port,
                              const char *hostname, SSL_SESSION *offer, int *fd)
{
    SSL *ssl;

    *fd = tcp_connect(host, port);
    if (*fd < 0)
        return NULL;
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, *fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (hostname != NULL)
        SSL_set1_host(ssl, hostname);
    if (offer != NULL)
        printf("SSL_set_session: %d\n", SSL_set_session(ssl, offer));
    return ssl;
}

/* Sends "CLOSE" to an `s_server -rev`, reads until its close_notify; the last SSL_read. */
static inline int close_rev(SSL *ssl)
{
    char line[256];
    int ret;

    SSL_write(ssl, "CLOSE\n", 6);
    do {
        ret = SSL_read(ssl, line, sizeof line - 1);
    } while (ret > 0);
    return ret;
}

/*
 * On an established connection to an `s_server -rev`: one line there and back, then "CLOSE"
 * and the server's close_notify; prints what SSL_shutdown returns.
 */
static inline void rev_ping_and_shutdown(SSL *ssl)
{
    char line[256];

    SSL_write(ssl, "ping\n", 5);
    read_line(ssl, line, sizeof line);
    close_rev(ssl);
    printf("SSL_shutdown: %d\n", SSL_shutdown(ssl));
}

/*
 * One connection with `ctx` to an `s_server -rev` (SNI and SSL_set1_host "localhost"): the
 * handshake reported, `after_handshake` told what came of it, then on success one line there and
 * back and both close_notify. Returns the exit status.
 */
static inline int rev_connection(SSL_CTX *ctx, const char *host, const char *port,
                                 void (*after_handshake)(SSL *))
{
    int fd, r;
    SSL *ssl = new_client(ctx, host, port, "localhost", NULL, &fd);

    if (ssl == NULL)
        return EXIT_IO_FAILED;
    r = SSL_connect(ssl);
    report("SSL_connect", ssl, r, errno);
    after_handshake(ssl);
    if (r != 1)
        return EXIT_HANDSHAKE_FAILED;
    rev_ping_and_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    return EXIT_OK;
}

/* Prints the verify result with its text. */
static inline void print_verify_result(SSL *ssl)
{
    printf("verify result: %ld (%s)\n", SSL_get_verify_result(ssl),
           X509_verify_cert_error_string(SSL_get_verify_result(ssl)));
}

/*
 * One connection to an `s_server -rev` (see new_client; SSL_set1_host "localhost"): the
 * handshake, one line there and back (TLS 1.3 tickets arrive before the answer), then "CLOSE".
 * Prints whether the session was reused. Returns SSL_get1_session, or NULL with *status set.
 */
static inline SSL_SESSION *rev_round_trip(SSL_CTX *ctx, const char *host, const char *port,
                                          SSL_SESSION *offer, int *status)
{
    static const char hello[] = "round trip\n";
    SSL_SESSION *sess = NULL;
    char line[256];
    int fd, ret;
    SSL *ssl;

    ssl = new_client(ctx, host, port, "localhost", offer, &fd);
    if (ssl == NULL) {
        *status = EXIT_SETUP_FAILED;
        return NULL;
    }
    ret = SSL_connect(ssl);
    report("SSL_connect", ssl, ret, errno);
    if (ret != 1) {
        *status = EXIT_HANDSHAKE_FAILED;
        goto done;
    }
    printf("SSL_session_reused: %d, version %s, verify %ld\n", SSL_session_reused(ssl),
           SSL_get_version(ssl), SSL_get_verify_result(ssl));
    if (SSL_write(ssl, hello, (int)strlen(hello)) <= 0 || read_line(ssl, line, sizeof line) < 0) {
        *status = EXIT_IO_FAILED;
        goto done;
    }
    sess = SSL_get1_session(ssl);
    close_rev(ssl);
    SSL_shutdown(ssl);

done:
    SSL_free(ssl);
    close(fd);
    return sess;
}

/*
 * A client context trusting only `cafile`; `verify` is "peer" (SSL_VERIFY_PEER) or "none"
 * (SSL_VERIFY_NONE, the default, left as it is).
 */
static inline SSL_CTX *client_ctx(const char *cafile, const char *verify)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL) {
        ERR_print_errors_fp(stderr);
        return NULL;
    }
    if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
        fprintf(stderr, "cannot load %s\n", cafile);
        ERR_print_errors_fp(stderr);
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (strcmp(verify, "peer") == 0)
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

/* Whether `b` has a non-zero byte. */
static inline int nonzero(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != 0)
            return 1;
    return 0;
}

/* SSL_get_client_random / SSL_get_server_random: their lengths, and that both were drawn. */
static inline void print_randoms(SSL *ssl)
{
    unsigned char client[32], server[32];
    size_t c = SSL_get_client_random(ssl, client, sizeof client);
    size_t s = SSL_get_server_random(ssl, server, sizeof server);

    printf("randoms: %zu/%zu bytes, %s\n", SSL_get_client_random(ssl, NULL, 0),
           SSL_get_server_random(ssl, NULL, 0),
           c == 32 && s == 32 && nonzero(client, c) && nonzero(server, s) &&
                   memcmp(client, server, 32) != 0
               ? "both drawn"
               : "missing");
}

/* Prints what was negotiated: version, cipher, ALPN, the peer's subject, the verify result,
 * the hello randoms. */
static inline void print_session(SSL *ssl)
{
    const unsigned char *alpn = NULL;
    unsigned int alpn_len = 0;
    X509 *peer;

    printf("version: %s\n", SSL_get_version(ssl));
    printf("cipher: %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn_len > 0)
        printf("alpn: %.*s\n", (int)alpn_len, (const char *)alpn);
    else
        printf("alpn: (none)\n");
    peer = SSL_get1_peer_certificate(ssl);
    if (peer != NULL) {
        char name[256];

        X509_NAME_oneline(X509_get_subject_name(peer), name, sizeof name);
        printf("peer: %s\n", name);
        X509_free(peer);
    } else {
        printf("peer: (none)\n");
    }
    printf("verify: %ld\n", SSL_get_verify_result(ssl));
    print_randoms(ssl);
}

/*
 * Names the server: SNI and SSL_set1_host with `checkhost`, or only SNI "localhost" when
 * `checkhost` is "-".
 */
static inline void name_server(SSL *ssl, const char *checkhost)
{
    if (strcmp(checkhost, "-") != 0) {
        printf("SSL_set_tlsext_host_name: %ld\n", SSL_set_tlsext_host_name(ssl, checkhost));
        printf("SSL_set1_host: %d\n", SSL_set1_host(ssl, checkhost));
    } else {
        printf("SSL_set_tlsext_host_name: %ld\n", SSL_set_tlsext_host_name(ssl, "localhost"));
    }
}

/* Waits (bounded) until fd is readable (want_write 0) or writable (want_write 1). */
static inline int wait_fd(int fd, int want_write)
{
    struct pollfd p;
    int n;

    p.fd = fd;
    p.events = want_write ? POLLOUT : POLLIN;
    p.revents = 0;
    do {
        n = poll(&p, 1, POLL_MS);
    } while (n < 0 && errno == EINTR);
    return n;
}

#endif
