/*
 * OCSP stapling as an OpenSSL 3 client asks for it: SSL_CTX_set_tlsext_status_type,
 * SSL_CTX_set_tlsext_status_cb with its argument, SSL_get_tlsext_status_ocsp_resp inside the
 * callback, and libcrypto's OCSP calls on the response (OCSP_basic_verify against the peer's
 * chain and the context's store, OCSP_resp_find_status for the leaf). MODE is the callback's
 * verdict ("accept" 1, "reject" 0, "fail" -1), "nocb" (stapling asked for, no callback),
 * "off" (a callback, stapling not asked for) or "ssl" (asked for on the SSL, not the context).
 *
 * usage: ocsp HOST PORT CAFILE VERSION(1.2|1.3) MODE
 */
#include "common.h"

#include <openssl/ocsp.h>

static int verdict;

/* Prints what a stapled response says about the leaf; 1 if it parsed. */
static void print_response(SSL *s, const unsigned char *p, long len)
{
    OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, len);
    OCSP_BASICRESP *basic;
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(s);
    X509_STORE *store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(s));
    OCSP_CERTID *id;
    int status, reason;
    ASN1_GENERALIZEDTIME *revoked, *this_update, *next_update;

    if (resp == NULL) {
        printf("the response does not parse\n");
        return;
    }
    printf("OCSP response status: %s\n", OCSP_response_status_str(OCSP_response_status(resp)));
    basic = OCSP_response_get1_basic(resp);
    printf("peer chain: %d certificates\n", chain == NULL ? -1 : sk_X509_num(chain));
    if (basic != NULL && chain != NULL && sk_X509_num(chain) >= 2) {
        printf("OCSP_basic_verify: %d\n", OCSP_basic_verify(basic, chain, store, 0));
        id = OCSP_cert_to_id(NULL, sk_X509_value(chain, 0), sk_X509_value(chain, 1));
        if (OCSP_resp_find_status(basic, id, &status, &reason, &revoked, &this_update,
                                  &next_update))
            printf("leaf status: %s, current: %d\n", OCSP_cert_status_str(status),
                   OCSP_check_validity(this_update, next_update, 300, -1));
        OCSP_CERTID_free(id);
    }
    OCSP_BASICRESP_free(basic);
    OCSP_RESPONSE_free(resp);
}

static int status_cb(SSL *s, void *arg)
{
    const unsigned char *p = (const unsigned char *)"unset";
    long len = SSL_get_tlsext_status_ocsp_resp(s, &p);

    printf("status callback (%s): length %ld, %s, in init %d\n", (const char *)arg, len,
           p == NULL ? "null" : "a response", SSL_in_init(s));
    /* Called once the server's flight is in: after its Finished (TLS 1.3), at ServerHelloDone
     * (TLS 1.2). */
    printf("status callback state: %s\n", SSL_state_string_long(s));
    if (len > 0)
        print_response(s, p, len);
    printf("status callback returns %d\n", verdict);
    return verdict;
}

int main(int argc, char **argv)
{
    const unsigned char *p;
    const char *mode;
    int (*cb)(SSL *, void *) = NULL;
    void *arg = NULL;
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r, err;

    if (argc != 6) {
        fprintf(stderr, "usage: ocsp HOST PORT CAFILE VERSION MODE\n");
        return EXIT_USAGE;
    }
    mode = argv[5];
    verdict = strcmp(mode, "reject") == 0 ? 0 : strcmp(mode, "fail") == 0 ? -1 : 1;
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_max_proto_version(ctx, strcmp(argv[4], "1.2") == 0 ? TLS1_2_VERSION
                                                                     : TLS1_3_VERSION);
    printf("status type by default: %ld\n", SSL_CTX_get_tlsext_status_type(ctx));
    if (strcmp(mode, "off") != 0 && strcmp(mode, "ssl") != 0)
        printf("set status type: %ld\n",
               SSL_CTX_set_tlsext_status_type(ctx, TLSEXT_STATUSTYPE_ocsp));
    printf("status type: %ld\n", SSL_CTX_get_tlsext_status_type(ctx));
    if (strcmp(mode, "nocb") != 0) {
        printf("set callback: %ld\n", SSL_CTX_set_tlsext_status_cb(ctx, status_cb));
        printf("set argument: %ld\n", SSL_CTX_set_tlsext_status_arg(ctx, "the argument"));
    }
    SSL_CTX_get_tlsext_status_cb(ctx, &cb);
    SSL_CTX_get_tlsext_status_arg(ctx, &arg);
    printf("callback stored: %d, argument stored: %d\n", cb == status_cb,
           arg != NULL && strcmp(arg, "the argument") == 0);

    ssl = new_client(ctx, argv[1], argv[2], "localhost", NULL, &fd);
    if (ssl == NULL)
        return EXIT_IO_FAILED;
    if (strcmp(mode, "ssl") == 0) {
        printf("set on the SSL: %ld\n", SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp));
        printf("context still: %ld\n", SSL_CTX_get_tlsext_status_type(ctx));
    }
    printf("SSL status type: %ld\n", SSL_get_tlsext_status_type(ssl));
    p = (const unsigned char *)"unset";
    printf("before the handshake: %ld, %s\n", SSL_get_tlsext_status_ocsp_resp(ssl, &p),
           p == NULL ? "null" : "not null");

    r = SSL_connect(ssl);
    if (r != 1) {
        err = SSL_get_error(ssl, r);
        if (verdict < 0)
            printf("SSL_connect: ret=%d error=%d(%s)\n", r, err, error_name(err));
        else
            report_error("SSL_connect", r, err, errno);
        return EXIT_HANDSHAKE_FAILED;
    }
    printf("connected: %s, verify %ld\n", SSL_get_version(ssl), SSL_get_verify_result(ssl));
    p = NULL;
    r = (int)SSL_get_tlsext_status_ocsp_resp(ssl, &p);
    printf("after the handshake: %d, %s\n", r, p == NULL ? "null" : "a response");
    rev_ping_and_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return EXIT_OK;
}
