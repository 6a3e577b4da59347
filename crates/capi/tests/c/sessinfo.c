/*
 * What an SSL_SESSION tells a program (SSL_SESSION_get_id(3), SSL_SESSION_get_time(3),
 * SSL_SESSION_get0_cipher(3), SSL_SESSION_get_master_key(3), SSL_SESSION_get0_hostname(3),
 * SSL_SESSION_get0_peer(3)), for the session of a full handshake and of its resumption; then,
 * for TLS 1.3, the same session moved back in time past its timeout, which is not offered.
 *
 * Each connection: handshake, one line to an `s_server -rev` and back (TLS 1.3 tickets arrive
 * before the answer), then "CLOSE" and the server's close_notify.
 *
 * usage: sessinfo HOST PORT CAFILE 1.2|1.3
 */
#include "common.h"

static void print_info(const char *what, SSL_SESSION *sess)
{
    unsigned int id_len = 0;
    const SSL_CIPHER *cipher;
    const char *host;
    char subject[256] = "(null)";
    X509 *peer;
    long t;

    printf("%s:\n", what);
    if (sess == NULL) {
        printf("  (no session)\n");
        return;
    }
    SSL_SESSION_get_id(sess, &id_len);
    t = SSL_SESSION_get_time(sess);
    cipher = SSL_SESSION_get0_cipher(sess);
    host = SSL_SESSION_get0_hostname(sess);
    peer = SSL_SESSION_get0_peer(sess);
    if (peer != NULL)
        X509_NAME_oneline(X509_get_subject_name(peer), subject, sizeof subject);
    printf("  version 0x%x, resumable %d, ticket %d, id length %u\n",
           SSL_SESSION_get_protocol_version(sess), SSL_SESSION_is_resumable(sess),
           SSL_SESSION_has_ticket(sess), id_len);
    printf("  ticket lifetime hint %lu, timeout %ld, time %s\n",
           SSL_SESSION_get_ticket_lifetime_hint(sess), SSL_SESSION_get_timeout(sess),
           /* time(2) may read a coarse clock a tick behind the precise one */
           t > 1700000000 && t <= (long)time(NULL) + 1 ? "now" : "wrong");
    printf("  master key length %zu, max early data %u\n",
           SSL_SESSION_get_master_key(sess, NULL, 0), SSL_SESSION_get_max_early_data(sess));
    printf("  cipher %s, hostname %s, peer %s\n",
           cipher != NULL ? SSL_CIPHER_get_name(cipher) : "(null)",
           host != NULL ? host : "(null)", subject);
}

/*
 * SSL_SESSION_print's text with what changes from run to run (ids, secrets, the ticket bytes,
 * the start time) replaced by its shape, so the layout can be compared line by line.
 */
static void print_text(SSL_SESSION *sess)
{
    BIO *mem = BIO_new(BIO_s_mem());
    char *text = NULL, *line, *end;
    long len;

    printf("SSL_SESSION_print: %d\n", SSL_SESSION_print(mem, sess));
    len = BIO_get_mem_data(mem, &text);
    for (line = text; len > 0 && line < text + len; line = end + 1) {
        const char *colon;

        end = memchr(line, '\n', (size_t)(text + len - line));
        if (end == NULL)
            end = text + len;
        colon = memchr(line, ':', (size_t)(end - line));
        if (colon != NULL && (strncmp(line, "    Session-ID: ", 16) == 0 ||
                              strncmp(line, "    Master-Key: ", 16) == 0 ||
                              strncmp(line, "    Resumption PSK: ", 20) == 0))
            printf("| %.*s <%d hex digits>\n", (int)(colon - line + 1), line,
                   (int)(end - colon - 2));
        else if (strncmp(line, "    Start Time: ", 16) == 0)
            printf("| %.15s <set>\n", line);
        else if (end - line > 10 && strncmp(line + 8, " - ", 3) == 0)
            printf("| %.8s <ticket bytes>\n", line);
        else
            printf("| %.*s\n", (int)(end - line), line);
    }
    BIO_free(mem);
    /* The FILE form, to stderr (not compared). */
    SSL_SESSION_print_fp(stderr, sess);
}

int main(int argc, char **argv)
{
    SSL_SESSION *first, *second = NULL, *third = NULL;
    int status = EXIT_OK;
    SSL_CTX *ctx;

    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE 1.2|1.3\n", argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_max_proto_version(ctx,
                                  strcmp(argv[4], "1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION);

    first = rev_round_trip(ctx, argv[1], argv[2], NULL, &status);
    print_info("full handshake", first);
    if (first != NULL)
        print_text(first);
    if (first != NULL) {
        second = rev_round_trip(ctx, argv[1], argv[2], first, &status);
        print_info("resumed", second);
        /*
         * Past its timeout a TLS 1.3 session is not offered. (OpenSSL 3.0 still offers an
         * expired TLS 1.2 session and leaves it to the server; oxissl does not, so that case
         * is not compared here.)
         */
        if (strcmp(argv[4], "1.3") == 0) {
            SSL_SESSION_set_time(first, SSL_SESSION_get_time(first) - 100000);
            printf("SSL_SESSION_set_timeout: %ld\n", SSL_SESSION_set_timeout(first, 3600));
            third = rev_round_trip(ctx, argv[1], argv[2], first, &status);
        }
    }
    SSL_SESSION_free(third);
    SSL_SESSION_free(second);
    SSL_SESSION_free(first);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
