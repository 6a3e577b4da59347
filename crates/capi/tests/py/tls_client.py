"""A client written with Python's ssl module, which reaches libssl.so.3 through its _ssl
extension: the differential tests run it on the system libssl and on ours.

    tls_client.py PORT CA_FILE NAME

Connects to 127.0.0.1:PORT, verifies the server against CA_FILE and NAME (a host name or an
IP address, as server_hostname), sends GET / and prints what it saw; a failed verification
prints its code and message and exits 1.
"""
import socket
import ssl
import sys

port, cafile, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=cafile)
# SSL_CTX_set_cipher_list's rules and SSL_get_ciphers' stack, as SSLContext.get_ciphers shows
# them (with SSL_CIPHER_description and the NID getters).
ctx.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20:!aRSA")
for c in ctx.get_ciphers():
    print("cipher offered:", c["description"], c["kea"], c["auth"], c["symmetric"])
try:
    with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
        with ctx.wrap_socket(raw, server_hostname=name) as tls:
            print("version:", tls.version())
            print("cipher:", tls.cipher()[0])
            subject = dict(item[0] for item in tls.getpeercert()["subject"])
            print("peer:", subject.get("commonName"))
            # RFC 5929 tls-unique: the client's Finished (SSL_get_finished); its length only.
            binding = tls.get_channel_binding("tls-unique")
            print("tls-unique:", None if binding is None else len(binding))
            tls.sendall(b"GET / HTTP/1.0\r\n\r\n")
            print("answer:", tls.recv(12).decode())
except ssl.SSLCertVerificationError as e:
    print("verify failed:", e.verify_code, e.verify_message)
    sys.exit(1)
