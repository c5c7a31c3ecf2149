#!/usr/bin/env python3
"""WebSocket negative conformance for Roundtable, in the spirit of the Autobahn TestSuite.

Raw frames and raw HTTP from the Python 3 standard library against the real server. Each case
states what RFC 6455 (or Roundtable's own limits) require: a close code, a refused handshake, or
a dropped connection. Between cases a normal, authenticated client must still be served, and at
the end the server must stop cleanly (exit 0: no sanitizer report, no valgrind error).

    ws_conformance.py --bin build-asan/roundtable --web build-asan/web
    ws_conformance.py --bin build/roundtable --web build/web --valgrind
"""
import argparse
import base64
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_MESSAGE = 65536  # the server's default --max-message
HEADER_TIMEOUT = 2   # passed to the server as --header-timeout


class Closed(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Peer:
    """One raw TCP connection to the server, speaking HTTP and then WebSocket frames."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            raise Closed()
        self.buf += data

    def read_response(self):
        """The HTTP response head (status line and headers), or None if the server hung up."""
        try:
            while b"\r\n\r\n" not in self.buf:
                self._fill()
        except (Closed, socket.timeout):
            return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head.decode("latin1")

    def handshake(self, protocol="roundtable.v1", upgrade="websocket", extra="", version="13", key=True):
        lines = ["GET /ws HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade"]
        if version is not None:
            lines.append(f"Sec-WebSocket-Version: {version}")
        if upgrade is not None:
            lines.append(f"Upgrade: {upgrade}")
        if key:
            lines.append("Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode())
        if protocol:
            lines.append(f"Sec-WebSocket-Protocol: {protocol}")
        self.send(("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode("latin1"))
        return self.read_response()

    def frame(self, opcode, payload=b"", fin=True, rsv=0, mask=True, length=None):
        """Sends one frame; length overrides the announced payload length."""
        n = len(payload) if length is None else length
        b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
        mbit = 0x80 if mask else 0
        if n < 126:
            head = struct.pack("!BB", b0, mbit | n)
        elif n < 65536:
            head = struct.pack("!BBH", b0, mbit | 126, n)
        else:
            head = struct.pack("!BBQ", b0, mbit | 127, n)
        if mask:
            key = os.urandom(4)
            payload = bytes(c ^ key[i % 4] for i, c in enumerate(payload))
            head += key
        self.send(head + payload)

    def text(self, obj):
        self.frame(0x1, json.dumps(obj).encode())

    def read_frame(self):
        """(opcode, payload) of the server's next frame; raises Closed when the socket ends."""
        while len(self.buf) < 2:
            self._fill()
        b0, b1 = self.buf[0], self.buf[1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            while len(self.buf) < 4:
                self._fill()
            n, off = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            while len(self.buf) < 10:
                self._fill()
            n, off = struct.unpack("!Q", self.buf[2:10])[0], 10
        while len(self.buf) < off + n:
            self._fill()
        payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
        return b0 & 0x0F, payload

    def next_message(self):
        while True:
            op, payload = self.read_frame()
            if op == 0x8:
                raise Closed(close_code(payload))
            if op == 0x1:
                return json.loads(payload)

    def close_code(self, seconds=5.0):
        """The code of the server's close frame, 'drop' if it hung up without one."""
        self.sock.settimeout(seconds)
        try:
            while True:
                op, payload = self.read_frame()
                if op == 0x8:
                    return close_code(payload)
        except Closed:
            return "drop"
        except (socket.timeout, TimeoutError):
            return "open"


def close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005


class Server:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="roundtable-conformance-")
        self.port = free_port()
        agenda = os.path.join(REPO, "protocol", "agendas", "engagement-session.json")
        made = subprocess.run([args.bin, "new", agenda, "--data", self.dir, "--invitations", "0", "--json"],
                              capture_output=True, text=True, check=True)
        links = json.loads(made.stdout)["links"]
        self.stage = links["stage"].split("#", 1)[1].split(".")[0]
        cmd = [args.bin, "serve", "--data", self.dir, "--port", str(self.port), "--listen", "127.0.0.1",
               "--web", args.web, "--header-timeout", str(HEADER_TIMEOUT)]
        if args.valgrind:
            cmd = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite",
                   "--track-fds=no"] + cmd
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + (60 if args.valgrind else 10)
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if "listening on" in line:
                return
        raise RuntimeError("the server did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=60)
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
        return self.proc.returncode, out


def authed(srv, timeout=5.0):
    p = Peer(srv.port, timeout)
    head = p.handshake()
    assert head and head.startswith("HTTP/1.1 101"), head
    p.text({"type": "auth", "token": srv.stage})
    first = p.next_message()
    assert first["type"] == "snapshot", first
    return p


def opened(srv):
    p = Peer(srv.port)
    head = p.handshake()
    assert head and head.startswith("HTTP/1.1 101"), head
    return p


# --- the cases: each returns what happened, compared with what it must be ---------------------

def case_frame(build, expect):
    def run(srv):
        p = opened(srv)
        try:
            build(p, srv)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed while we were still sending: fine, read its close
        got = p.close_code()
        p.close()
        return got, expect
    return run


def oversized_frame(p, srv):
    # Announces 10 MB, then sends it in 64 KiB pieces until the server answers: refused at its
    # first chunk, and only the little the server drains to deliver its close is read.
    p.frame(0x1, b"x" * 65536, length=10 * 1024 * 1024)
    sent = 65536
    while sent < 10 * 1024 * 1024 and not select.select([p.sock], [], [], 0)[0]:
        p.send(b"x" * 65536)
        sent += 65536
    assert sent < 10 * 1024 * 1024, "the server read the whole 10 MB"


def fragment_flood(p, srv):
    p.frame(0x1, b'{"type":"auth","token":"', fin=False)
    for _ in range(MAX_MESSAGE // 1000 + 2):
        p.frame(0x0, b"A" * 1000, fin=False)
    p.frame(0x0, b'"}', fin=True)


def utf8_split_invalid(p, srv):
    p.frame(0x1, b'{"type":"auth","token":"\xce', fin=False)
    p.frame(0x0, b'\xff"}', fin=True)


def utf8_truncated_at_end(p, srv):
    p.frame(0x1, b'{"type":"auth","token":"', fin=False)
    p.frame(0x0, b"\xe2\x82", fin=True)


def case_many_fragments(srv):
    # An auth split into one-byte fragments is reassembled and answered.
    p = opened(srv)
    msg = json.dumps({"type": "auth", "token": srv.stage}).encode()
    for i, b in enumerate(msg):
        p.frame(0x1 if i == 0 else 0x0, bytes([b]), fin=i == len(msg) - 1)
    got = p.next_message()["type"]
    p.close()
    return got, "snapshot"


def case_utf8_split_valid(srv):
    # Valid UTF-8 whose character straddles two fragments is fine.
    p = authed(srv)
    p.frame(0x1, b'{"type":"clock.sync","id":"\xc3', fin=False)
    p.frame(0x0, b'\xa9"}', fin=True)
    got = p.next_message()
    p.close()
    # 'é' is not allowed in a command id: a typed error, not a close.
    return (got["type"], got.get("code")), ("error", "protocol.invalid_field")


def case_ping(srv):
    p = authed(srv)
    p.frame(0x9, b"are you there")
    op, payload = p.read_frame()
    p.close()
    return (op, payload), (0xA, b"are you there")


def case_close(payload, expect):
    def run(srv):
        p = authed(srv)
        p.frame(0x8, payload)
        got = p.close_code()
        p.close()
        return got, expect
    return run


def case_handshake(expect_upgrade=False, **kw):
    def run(srv):
        p = Peer(srv.port, 3.0)
        head = p.handshake(**kw)
        p.close()
        status = head.split("\r\n", 1)[0] if head else "no answer"
        websocket = bool(head) and "sec-websocket-accept" in head.lower()
        return websocket, expect_upgrade, status
    return run


def case_slow_headers(srv):
    # One header byte a second: the server hangs up after its header timeout.
    p = Peer(srv.port, 1.5)
    t0 = time.time()
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 60
    try:
        for b in request:
            p.send(bytes([b]))
            time.sleep(0.25)
            if time.time() - t0 > HEADER_TIMEOUT + 8:
                break
        p.sock.settimeout(HEADER_TIMEOUT + 3)
        data = p.sock.recv(100)
        hung_up = not data or not data.startswith(b"HTTP/1.1 200")
    except (ConnectionResetError, BrokenPipeError, socket.timeout, TimeoutError, OSError):
        hung_up = True
    elapsed = time.time() - t0
    p.close()
    return (hung_up, elapsed < HEADER_TIMEOUT + 4), (True, True)


def case_header_bomb(size, count=1):
    def run(srv):
        p = Peer(srv.port, 5.0)
        lines = "".join(f"X-Bomb-{i}: {'b' * size}\r\n" for i in range(count))
        try:
            p.send(f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{lines}\r\n".encode())
        except (BrokenPipeError, ConnectionResetError):
            pass
        head = p.read_response()
        p.close()
        ok = head is None or not head.startswith("HTTP/1.1 200")
        return ok, True, head.split("\r\n", 1)[0] if head else "dropped"
    return run


CASES = [
    # frames (RFC 6455 §5) and Roundtable's own limits
    # The server drains at most 1 MiB of it to deliver its 1009; a client that sends on past
    # that sees its connection reset instead.
    ("a frame announcing 10 MB", case_frame(oversized_frame, {1009, "drop"})),
    ("fragments past the message cap", case_frame(fragment_flood, 1009)),
    ("invalid UTF-8 split across fragments", case_frame(utf8_split_invalid, 1007)),
    ("a message ending inside a UTF-8 sequence", case_frame(utf8_truncated_at_end, 1007)),
    ("RSV1 without an extension", case_frame(lambda p, s: p.frame(0x1, b"{}", rsv=4), 1002)),
    ("RSV2", case_frame(lambda p, s: p.frame(0x1, b"{}", rsv=2), 1002)),
    ("RSV3 on a ping", case_frame(lambda p, s: p.frame(0x9, b"", rsv=1), 1002)),
    *[(f"reserved data opcode {op}", case_frame(lambda p, s, op=op: p.frame(op, b"{}"), 1002)) for op in range(3, 8)],
    *[(f"reserved control opcode {op:#x}", case_frame(lambda p, s, op=op: p.frame(op, b""), 1002)) for op in range(0xB, 0x10)],
    # lws fails these connections by dropping them, without a close frame (allowed: RFC 6455 §7.1.7).
    ("a ping of 126 bytes", case_frame(lambda p, s: p.frame(0x9, b"p" * 126), {1002, "drop"})),
    ("a fragmented ping", case_frame(lambda p, s: p.frame(0x9, b"p", fin=False), 1002)),
    ("a continuation without a start", case_frame(lambda p, s: p.frame(0x0, b"{}"), 1002)),
    ("a new message inside a fragmented one",
     case_frame(lambda p, s: (p.frame(0x1, b"{", fin=False), p.frame(0x1, b"}")), 1002)),
    # lws 4.1 does not check that a client masks its frames (masking protects proxies, not the
    # server): the frame is read like any other, and as a first message that is not an auth it
    # gets Roundtable's own 1008.
    ("an unmasked frame from a client", case_frame(lambda p, s: p.frame(0x1, b"{}", mask=False), 1008)),
    ("a binary frame", case_frame(lambda p, s: p.frame(0x2, b"{}"), 1003)),
    ("a one-byte close payload", case_close(b"\x03", "drop")),
    *[(f"close code {c}", case_close(struct.pack("!H", c), 1002)) for c in (0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535)],
    ("close with invalid UTF-8 in its reason", case_close(struct.pack("!H", 1000) + b"\xff", "drop")),
    ("a valid close (1000)", case_close(struct.pack("!H", 1000), 1000)),
    ("a valid close (4000, application)", case_close(struct.pack("!H", 4000), 4000)),
    # what must work
    ("an auth in one-byte fragments", case_many_fragments),
    ("valid UTF-8 split across fragments", case_utf8_split_valid),
    ("a ping is answered with its payload", case_ping),
    # handshakes
    ("a handshake without the subprotocol", case_handshake(protocol=None)),
    ("a handshake with another subprotocol", case_handshake(protocol="chat")),
    ("Upgrade: foo", case_handshake(upgrade="foo")),
    ("Upgrade: h2c", case_handshake(upgrade="h2c")),
    ("an empty Upgrade", case_handshake(upgrade="")),
    ("no Upgrade header", case_handshake(upgrade=None)),
    ("Sec-WebSocket-Version: 8", case_handshake(version="8")),
    ("Sec-WebSocket-Version: 14", case_handshake(version="14")),
    ("no Sec-WebSocket-Version", case_handshake(version=None)),
    ("no Sec-WebSocket-Key", case_handshake(key=False)),
    ("a good handshake", case_handshake(expect_upgrade=True)),
    # HTTP
    ("slow headers (a byte every 250 ms)", case_slow_headers),
    ("one 100 KB header", case_header_bomb(100 * 1024)),
    ("2,000 small headers", case_header_bomb(20, 2000)),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--web", required=True)
    ap.add_argument("--valgrind", action="store_true", help="run the server under valgrind (a build without ASan)")
    ap.add_argument("--only", help="run the cases whose name contains this")
    args = ap.parse_args()

    srv = Server(args)
    failures = 0
    try:
        normal = authed(srv, 30.0 if args.valgrind else 5.0)
        n = 0
        for name, case in CASES:
            if args.only and args.only not in name:
                continue
            try:
                got, want, *detail = case(srv)
                ok = got in want if isinstance(want, (set, frozenset)) else got == want
            except Exception as e:  # a case that could not even run is a failure too
                got, want, detail, ok = repr(e), "", [], False
            # Between cases the normal client is still served.
            n += 1
            normal.text({"type": "clock.sync", "id": f"n{n}"})
            try:
                reply = normal.next_message()
                alive = reply.get("type") == "clock.now"
            except (Closed, OSError) as e:
                alive = False
                reply = repr(e)
            mark = "ok  " if ok and alive else "FAIL"
            extra = f" ({detail[0]})" if detail else ""
            print(f"{mark} {name}: got {got!r}, expected {want!r}{extra}"
                  + ("" if alive else f"; the normal client was not served: {reply}"), flush=True)
            failures += 0 if ok and alive else 1
            if not alive:
                break
        normal.close()
    finally:
        code, out = srv.stop()
    if code != 0:
        print(f"FAIL the server exited with {code}:\n{out}")
        failures += 1
    print(f"{len(CASES) if not args.only else n} cases, {failures} failed; server exit {code}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
