/*
 * SSL_CTX_set_cert_verify_callback(3): the application's own chain verification, called in
 * place of X509_verify_cert with an X509_STORE_CTX that holds the peer's chain and the SSL.
 * MODE: "standard" (the callback runs X509_verify_cert itself and reports), "pin" (standard,
 * then the leaf's subject must be the expected one), "accept" (accepts whatever it is given),
 * "reject" (refuses with X509_V_ERR_APPLICATION_VERIFICATION). VERIFY is "peer" or "none".
 *
 * usage: certverify HOST PORT CAFILE VERIFY MODE [PIN]
 */
#include "common.h"

static const char *mode;
static const char *pin = "CN=localhost (ecdsa)";
static int calls;

static int app_verify(X509_STORE_CTX *ctx, void *arg)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    STACK_OF(X509) *untrusted = X509_STORE_CTX_get0_untrusted(ctx);
    X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
    char subject[256] = "(none)";
    int ok;

    calls++;
    if (leaf != NULL)
        X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, subject,
                                  sizeof subject);
    printf("app verify: call %d, arg %s, SSL found %d, in init %d, leaf CN=%s, chain %d\n", calls,
           (const char *)arg, ssl != NULL, ssl != NULL && SSL_in_init(ssl), subject,
           untrusted == NULL ? -1 : sk_X509_num(untrusted));
    if (strcmp(mode, "accept") == 0)
        return 1;
    if (strcmp(mode, "reject") == 0) {
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    ok = X509_verify_cert(ctx);
    printf("X509_verify_cert: %d, error %d\n", ok, X509_STORE_CTX_get_error(ctx));
    if (ok > 0 && strcmp(mode, "pin") == 0 && strcmp(pin + 3, subject) != 0) {
        printf("pin mismatch\n");
        X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    }
    return ok;
}

static void print_calls(SSL *ssl)
{
    printf("calls %d, verify result %ld\n", calls, SSL_get_verify_result(ssl));
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    int status;

    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: certverify HOST PORT CAFILE VERIFY MODE [PIN]\n");
        return EXIT_USAGE;
    }
    mode = argv[5];
    if (argc == 7)
        pin = argv[6];
    ctx = client_ctx(argv[3], argv[4]);
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_cert_verify_callback(ctx, app_verify, "the argument");
    status = rev_connection(ctx, argv[1], argv[2], print_calls);
    SSL_CTX_free(ctx);
    return status;
}
