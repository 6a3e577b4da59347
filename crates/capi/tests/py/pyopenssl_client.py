"""A pyOpenSSL client (python3-openssl, over cryptography's OpenSSL bindings), for the
differential tests: on a blocking socket (pyOpenSSL does not retry on a timeout socket), it
verifies the server against CA_FILE with a verify callback, sends GET / and prints what it saw.

    pyopenssl_client.py PORT CA_FILE
"""
import socket
import sys

from OpenSSL import SSL

ctx = SSL.Context(SSL.TLS_CLIENT_METHOD)
ctx.load_verify_locations(sys.argv[2])
ctx.set_verify(SSL.VERIFY_PEER, lambda conn, cert, errno, depth, ok: ok)
with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
    tls = SSL.Connection(ctx, raw)
    tls.set_tlsext_host_name(b"localhost")
    tls.set_connect_state()
    tls.do_handshake()
    print("version:", tls.get_protocol_version_name())
    print("peer:", tls.get_peer_certificate().get_subject().CN)
    tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
    print("answer:", tls.recv(12).decode())
