#!/usr/bin/env python3
"""Clients that authenticate and then never read: each opens a WebSocket to
ws://127.0.0.1:PORT/ws with a tiny receive buffer (so the kernel cannot absorb what the
server sends), sends `auth` with TOKEN, and reads nothing after the handshake. Prints
"ready N" once all are authenticated, and "closed K" each time it sees that the server
dropped K of them, until its standard input closes.

Usage: never_read.py PORT TOKEN COUNT
"""
import base64
import json
import os
import select
import socket
import struct
import sys


def frame(text):
    payload = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + struct.pack('!H', n)
    else:
        head += bytes([0x80 | 127]) + struct.pack('!Q', n)
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def open_one(port, token):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(('127.0.0.1', port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f'GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n'
               f'Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n'
               'Sec-WebSocket-Protocol: roundtable.v1\r\n\r\n').encode())
    head = b''
    while b'\r\n\r\n' not in head:
        chunk = s.recv(1)
        if not chunk:
            raise SystemExit('handshake refused')
        head += chunk
    if b' 101 ' not in head.split(b'\r\n')[0]:
        raise SystemExit('handshake refused: ' + head.decode(errors='replace'))
    s.sendall(frame(json.dumps({'type': 'auth', 'token': token})))
    return s


def main():
    port, token, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    socks = [open_one(port, token) for _ in range(count)]
    print(f'ready {len(socks)}', flush=True)
    alive = set(socks)
    while True:
        # Whether a socket was closed shows as an error on sending an empty masked ping (never
        # a read).
        r, _, _ = select.select([sys.stdin], [], [], 0.2)
        if r and not sys.stdin.readline():
            break
        gone = []
        for s in alive:
            try:
                s.send(bytes([0x89, 0x80]) + os.urandom(4))
            except OSError:
                gone.append(s)
        for s in gone:
            alive.discard(s)
        if gone:
            print(f'closed {len(gone)}', flush=True)
    for s in socks:
        s.close()


if __name__ == '__main__':
    main()
