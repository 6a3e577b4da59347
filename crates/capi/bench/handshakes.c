/* Handshakes and a download by an ordinary OpenSSL 3 client, for scripts/c-bench.sh: the same
 * binary runs on the system libssl and on oxissl's (LD_LIBRARY_PATH), against the same
 * openssl s_server.
 *
 *   handshakes PORT CA_FILE MODE N
 *
 * MODE first:    a new SSL_CTX (CA file loaded, SSL_VERIFY_PEER) for each handshake.
 *      repeat:   one SSL_CTX for all N.
 *      download: one handshake, then GET /PATH (N is the path, served by s_server -WWW) read
 *                with SSL_read into a 16 KiB buffer until the server closes.
 * Each handshake: TCP connect, SSL_connect to "localhost" (SNI and host name check),
 * SSL_shutdown, close. Prints two numbers, from getrusage(RUSAGE_SELF): the process's CPU
 * time in microseconds from the first handshake to the last, divided by N, and its whole CPU
 * time since exec (library loading and set-up included); for a download, the bytes read per
 * microsecond of CPU while reading (MB/s) and the bytes read. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static double cpu_us(void) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e6 + r.ru_utime.tv_usec + r.ru_stime.tv_usec;
}

static SSL_CTX *new_ctx(const char *ca) {
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) return NULL;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  return ctx;
}

/* A TCP connection to 127.0.0.1:port (TCP_NODELAY) and a finished handshake with "localhost"
 * (SNI and host name check) on it; NULL after printing why not. */
static SSL *connected(SSL_CTX *ctx, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("connect");
    if (fd >= 0) close(fd);
    return NULL;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SSL *ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set1_host(ssl, "localhost");
  if (SSL_connect(ssl) != 1) {
    ERR_print_errors_fp(stderr);
    SSL_free(ssl);
    close(fd);
    return NULL;
  }
  return ssl;
}

static void disconnect(SSL *ssl) {
  int fd = SSL_get_fd(ssl);
  SSL_free(ssl);
  close(fd);
}

static int download(SSL_CTX *ctx, int port, const char *path) {
  SSL *ssl = connected(ctx, port);
  if (ssl == NULL) return 1;
  char req[512];
  int len = snprintf(req, sizeof req, "GET /%s HTTP/1.0\r\n\r\n", path);
  if (SSL_write(ssl, req, len) != len) return 1;
  static char buf[16384];
  long total = 0;
  int n;
  double start = cpu_us();
  while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) total += n;
  double end = cpu_us();
  printf("%.1f %ld\n", total / (end - start), total);
  disconnect(ssl);
  return 0;
}

static int handshake(SSL_CTX *ctx, int port) {
  SSL *ssl = connected(ctx, port);
  if (ssl == NULL) return 0;
  SSL_shutdown(ssl);
  disconnect(ssl);
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s PORT CA_FILE first|repeat|download N|PATH\n", argv[0]);
    return 2;
  }
  int port = atoi(argv[1]);
  const char *ca = argv[2];
  if (strcmp(argv[3], "download") == 0) {
    SSL_CTX *ctx = new_ctx(ca);
    return ctx == NULL ? 1 : download(ctx, port, argv[4]);
  }
  int first = strcmp(argv[3], "first") == 0;
  int n = atoi(argv[4]);
  SSL_CTX *shared = first ? NULL : new_ctx(ca);
  double start = cpu_us();
  for (int i = 0; i < n; i++) {
    SSL_CTX *ctx = first ? new_ctx(ca) : shared;
    if (ctx == NULL || !handshake(ctx, port)) return 1;
    if (first) SSL_CTX_free(ctx);
  }
  double end = cpu_us();
  SSL_CTX_free(shared);
  printf("%.1f %.1f\n", (end - start) / n, end);
  return 0;
}
