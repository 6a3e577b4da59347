/*
 * Sessions saved and loaded (i2d_SSL_SESSION(3), d2i_SSL_SESSION(3),
 * PEM_write_bio_SSL_SESSION(3), PEM_read_bio_SSL_SESSION(3)), as programs keep them across
 * runs: `save` makes a full handshake and writes the session to FILE in PEM; `load` reads FILE
 * and resumes with it; `roundtrip` does both in memory (DER and PEM) in one process.
 *
 * Each connection: handshake, one line to an `s_server -rev` and back (TLS 1.3 tickets arrive
 * before the answer), then "CLOSE" and the server's close_notify.
 *
 * usage: sesspem HOST PORT CAFILE 1.2|1.3 save FILE | load FILE | roundtrip
 */
#include "common.h"

static void describe(const char *what, SSL_SESSION *sess)
{
    unsigned int id_len = 0;

    if (sess == NULL) {
        printf("%s: (null)\n", what);
        return;
    }
    SSL_SESSION_get_id(sess, &id_len);
    printf("%s: version 0x%x, resumable %d, ticket %d, id length %u, master key length %zu, "
           "peer %s\n",
           what, SSL_SESSION_get_protocol_version(sess), SSL_SESSION_is_resumable(sess),
           SSL_SESSION_has_ticket(sess), id_len, SSL_SESSION_get_master_key(sess, NULL, 0),
           SSL_SESSION_get0_peer(sess) != NULL ? "present" : "absent");
}

int main(int argc, char **argv)
{
    SSL_SESSION *sess = NULL, *again = NULL;
    int status = EXIT_OK;
    SSL_CTX *ctx;
    BIO *bio;

    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE 1.2|1.3 save FILE|load FILE|roundtrip\n",
                argv[0]);
        return EXIT_USAGE;
    }
    signal(SIGPIPE, SIG_IGN);
    ctx = client_ctx(argv[3], "peer");
    if (ctx == NULL)
        return EXIT_SETUP_FAILED;
    SSL_CTX_set_max_proto_version(ctx,
                                  strcmp(argv[4], "1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION);

    if (strcmp(argv[5], "save") == 0 && argc == 7) {
        sess = rev_round_trip(ctx, argv[1], argv[2], NULL, &status);
        bio = BIO_new_file(argv[6], "w");
        printf("PEM_write_bio_SSL_SESSION: %d\n",
               sess != NULL && bio != NULL ? PEM_write_bio_SSL_SESSION(bio, sess) : -1);
        BIO_free(bio);
    } else if (strcmp(argv[5], "load") == 0 && argc == 7) {
        bio = BIO_new_file(argv[6], "r");
        sess = bio != NULL ? PEM_read_bio_SSL_SESSION(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        describe("loaded", sess);
        if (sess != NULL)
            again = rev_round_trip(ctx, argv[1], argv[2], sess, &status);
    } else if (strcmp(argv[5], "roundtrip") == 0) {
        unsigned char *der = NULL;
        const unsigned char *p;
        int len;

        sess = rev_round_trip(ctx, argv[1], argv[2], NULL, &status);
        describe("made", sess);
        len = sess != NULL ? i2d_SSL_SESSION(sess, &der) : 0;
        printf("i2d_SSL_SESSION: %s\n", len > 0 ? "ok" : "failed");
        p = der;
        again = len > 0 ? d2i_SSL_SESSION(NULL, &p, len) : NULL;
        printf("d2i_SSL_SESSION: %s, all bytes used: %d\n", again != NULL ? "ok" : "failed",
               (int)(p - der) == len);
        OPENSSL_free(der);
        describe("decoded", again);
        if (again != NULL) {
            SSL_SESSION *third = rev_round_trip(ctx, argv[1], argv[2], again, &status);

            SSL_SESSION_free(third);
        }
        /* PEM through a memory BIO. */
        bio = BIO_new(BIO_s_mem());
        printf("PEM_write_bio_SSL_SESSION: %d\n", PEM_write_bio_SSL_SESSION(bio, sess));
        SSL_SESSION_free(again);
        again = PEM_read_bio_SSL_SESSION(bio, NULL, NULL, NULL);
        BIO_free(bio);
        describe("from PEM", again);
        /* PEM through a C FILE. */
        {
            FILE *f = tmpfile();
            SSL_SESSION *from_file = NULL;

            if (f != NULL) {
                printf("PEM_write_SSL_SESSION: %d\n", PEM_write_SSL_SESSION(f, sess));
                rewind(f);
                from_file = PEM_read_SSL_SESSION(f, NULL, NULL, NULL);
                fclose(f);
            }
            describe("from FILE", from_file);
            SSL_SESSION_free(from_file);
        }
    } else {
        fprintf(stderr, "unknown mode\n");
        status = EXIT_USAGE;
    }
    SSL_SESSION_free(again);
    SSL_SESSION_free(sess);
    SSL_CTX_free(ctx);
    printf("exit: %d\n", status);
    return status;
}
