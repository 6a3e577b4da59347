/*
 * SSL_select_next_proto(3) on protocol lists in wire format: a match, no overlap, an empty
 * client list, a malformed list. A pure function, so its answers must match OpenSSL's exactly.
 *
 * usage: select_proto
 */
#include "common.h"

static void try(const char *what, const unsigned char *server, unsigned int server_len,
                const unsigned char *client, unsigned int client_len)
{
    unsigned char *out = NULL;
    unsigned char out_len = 0;
    int r = SSL_select_next_proto(&out, &out_len, server, server_len, client, client_len);

    if (out == NULL)
        printf("%s: %d (none)\n", what, r);
    else
        printf("%s: %d %.*s\n", what, r, (int)out_len, (const char *)out);
}

int main(void)
{
    static const unsigned char server[] = "\x02" "h2" "\x08" "http/1.1";
    static const unsigned char client[] = "\x08" "http/1.1" "\x06" "spdy/3" "\x02" "h2";
    static const unsigned char other[] = "\x03" "foo" "\x03" "bar";
    static const unsigned char bad[] = "\x05" "h2";

    try("match", server, sizeof server - 1, client, sizeof client - 1);
    try("server order", client, sizeof client - 1, server, sizeof server - 1);
    try("no overlap", server, sizeof server - 1, other, sizeof other - 1);
    try("empty client list", server, sizeof server - 1, client, 0);
    try("malformed server list", bad, sizeof bad - 1, client, sizeof client - 1);
    return 0;
}
