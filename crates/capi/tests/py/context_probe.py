"""What Python's SSLContext reports and does on top of libssl, printed for the differential
tests: its defaults, the CA store's statistics, the cipher list, the ECDH group setter
(SSL_CTX_set1_groups), and two connections to the same server, the second resuming the
first's session, with the session statistics (SSL_CTX_sess_*) before and after.

    context_probe.py PORT CA_FILE
"""
import socket
import ssl
import sys


def show(name, f):
    try:
        value = f()
    except Exception as e:  # printed, so both libraries' failures compare too
        value = "error %s: %s" % (type(e).__name__, e)
    print(name, "=", value)


port, cafile = int(sys.argv[1]), sys.argv[2]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
show("options", lambda: int(ctx.options))
show("minimum_version", lambda: ctx.minimum_version)
show("maximum_version", lambda: ctx.maximum_version)
show("verify_flags", lambda: int(ctx.verify_flags))
show("security_level", lambda: ctx.security_level)
show("num_tickets", lambda: ctx.num_tickets)
show("post_handshake_auth", lambda: ctx.post_handshake_auth)
ctx.load_verify_locations(cafile)
show("cert_store_stats", lambda: ctx.cert_store_stats())
show("ca subjects", lambda: [c["subject"] for c in ctx.get_ca_certs()])
show("session_stats before", lambda: ctx.session_stats())
show("set_ecdh_curve", lambda: ctx.set_ecdh_curve("prime256v1"))
show("set_ecdh_curve unknown", lambda: ctx.set_ecdh_curve("no-such-curve"))
ctx.set_alpn_protocols(["h2", "http/1.1"])
session = None
for i in range(2):
    with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
            show("version", tls.version)
            show("cipher", tls.cipher)
            show("alpn", tls.selected_alpn_protocol)
            show("session_reused", lambda: tls.session_reused)
            tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                chunk = tls.recv(4096)
                if not chunk:
                    break
                data += chunk
            show("answer", lambda: data[:15])
            show("session", lambda: (tls.session.has_ticket, tls.session.timeout))
            session = tls.session
show("session_stats after", lambda: ctx.session_stats())
