"""Python's non-blocking ways to use libssl, each against the same server:

- asyncio's streams (an SSLObject over two memory BIOs, SSL_set_bio with BIO_s_mem);
- an SSLObject over MemoryBIOs driven by hand, with its SSLWantReadError turns and unwrap();
- a non-blocking socket with do_handshake_on_connect=False and select().

    async_client.py PORT CA_FILE

Verifies the server as "localhost" against CA_FILE, sends GET / each time and prints what it
saw.
"""
import asyncio
import select
import socket
import ssl
import sys

port, cafile = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=cafile)


async def streams():
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, ssl=ctx, server_hostname="localhost"
    )
    tls = writer.get_extra_info("ssl_object")
    print("asyncio:", tls.version(), writer.get_extra_info("peercert")["subject"][0][0][1])
    writer.write(b"GET / HTTP/1.0\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    print("asyncio answer:", answer[:12].decode(), len(answer) > 100)
    writer.close()
    await writer.wait_closed()


asyncio.run(streams())

incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
sock = socket.create_connection(("127.0.0.1", port), timeout=15)


def pump():
    """Sends what the SSLObject wrote, then gives it what the socket has (EOF included)."""
    if outgoing.pending:
        sock.sendall(outgoing.read())
    data = sock.recv(65536)
    if data:
        incoming.write(data)
    else:
        incoming.write_eof()


turns = 0
while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        turns += 1
        pump()
sock.sendall(outgoing.read())
print("memory BIOs:", tls.version(), "handshake turns > 0:", turns > 0)
print("pending before the first read:", tls.pending())
tls.write(b"GET / HTTP/1.0\r\n\r\n")
answer = b""
while True:
    try:
        chunk = tls.read(65536)
    except ssl.SSLWantReadError:
        pump()
        continue
    except ssl.SSLZeroReturnError:
        print("memory BIOs: close_notify")
        break
    if not chunk:
        break
    answer += chunk
print("memory BIOs answer:", answer[:12].decode(), len(answer) > 100)
tls.unwrap()
print("close_notify queued:", outgoing.pending > 0)
sock.sendall(outgoing.read())
sock.close()

raw = socket.create_connection(("127.0.0.1", port))
raw.setblocking(False)
tls = ctx.wrap_socket(raw, server_hostname="localhost", do_handshake_on_connect=False)
# Whether a turn had to wait depends on how fast the server answers, so it is not printed.
while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        select.select([tls], [], [], 15)
    except ssl.SSLWantWriteError:
        select.select([], [tls], [], 15)
print("non-blocking socket:", tls.version())
tls.close()
