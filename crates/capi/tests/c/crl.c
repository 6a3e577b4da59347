/*
 * Revocation through libcrypto's verification flags, as an OpenSSL 3 client sets them: a CRL
 * added to the context's store (X509_STORE_add_crl on SSL_CTX_get_cert_store) and
 * X509_V_FLAG_CRL_CHECK set on the store or on the context's X509_VERIFY_PARAM. MODE: "revoked"
 * (the CRL revokes the server's leaf), "empty" (a CRL revoking nothing), "missing" (the flag
 * without a CRL), "param" (revoked, the flag on the context's parameters), "noflag" (revoked,
 * no flag: CRLs are not consulted).
 *
 * usage: crl HOST PORT CAFILE CRLDIR MODE
 */
#include "common.h"

#include <openssl/pem.h>

static int add_crl(SSL_CTX *ctx, const char *dir, const char *name)
{
    char path[1024];
    X509_CRL *crl;
    FILE *f;
    int ok;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "r");
    crl = f == NULL ? NULL : PEM_read_X509_CRL(f, NULL, NULL, NULL);
    if (f != NULL)
        fclose(f);
    ok = crl != NULL && X509_STORE_add_crl(SSL_CTX_get_cert_store(ctx), crl) == 1;
    X509_CRL_free(crl);
    return ok;
}

int main(int argc, char **argv)
{
    const char *mode;
    SSL_CTX *ctx;
    int status;

    if (argc != 6) {
        fprintf(stderr, "usage: crl HOST PORT CAFILE CRLDIR MODE\n");
        return EXIT_USAGE;
    }
    mode = argv[5];
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    if (strcmp(mode, "empty") == 0)
        printf("CRL added: %d\n", add_crl(ctx, argv[4], "empty.pem"));
    else if (strcmp(mode, "missing") != 0)
        printf("CRL added: %d\n", add_crl(ctx, argv[4], "revoked.pem"));
    if (strcmp(mode, "param") == 0)
        printf("param flags: %d\n",
               X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(ctx), X509_V_FLAG_CRL_CHECK));
    else if (strcmp(mode, "noflag") != 0)
        printf("store flags: %d\n",
               X509_STORE_set_flags(SSL_CTX_get_cert_store(ctx), X509_V_FLAG_CRL_CHECK));
    status = rev_connection(ctx, argv[1], argv[2], print_verify_result);
    SSL_CTX_free(ctx);
    return status;
}
