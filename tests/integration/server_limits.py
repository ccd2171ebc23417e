#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Hostile clients for tests/integration/server_limits.sh, on raw sockets: each command attacks
# an `acsa serve` on 127.0.0.1:PORT and prints what it saw as one JSON object.
#   slow PORT COUNT          COUNT connections from 127.0.1.x (ten per address) that send a
#                            header line every 2 s, one that sends its body a byte every 2 s,
#                            and GET /healthz from 127.0.0.1 meanwhile
#   per-address PORT COUNT   COUNT connections from 127.0.0.3, held open with half a request
#   bodies PORT PID COUNT    COUNT connections that announce and send a 32 MiB body to
#                            /sync/v1/batches, with the server's VmRSS sampled meanwhile
#   raw PORT                 a request read on stdin, sent as it is; prints the answer
import json
import resource
import selectors
import socket
import sys
import time

HOST = "127.0.0.1"
LINE_EVERY_S = 2.0          # A slow client's pace: far inside the server's idle timeout.
SLOW_WINDOW_S = 40.0        # Slow clients give up after this (the header deadline is 10 s).
BODY_BYTES = 32 << 20       # ACSA_BATCH_BYTES_MAX.


def more_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def connect(port, source, blocking=True):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.connect((HOST, port))
    s.setblocking(blocking)
    return s


def exchange(port, request, source=HOST, timeout=5.0):
    """Sends request and reads until the server closes or the timeout; the bytes, or None
    when the connection failed or nothing came back."""
    answer = b""
    s = None
    try:
        s = connect(port, source)
        s.settimeout(timeout)
        s.sendall(request)
        while True:
            data = s.recv(65536)
            if not data:
                break
            answer += data
    except OSError:
        pass
    finally:
        if s is not None:
            s.close()
    return answer or None


def healthz(port, source=HOST, timeout=5.0):
    answer = exchange(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                      source, timeout)
    return answer is not None and answer.startswith(b"HTTP/1.1 200 ")


def closed_by_server(s):
    """True when the server has closed s (end of stream or reset); False if still open."""
    try:
        data = s.recv(4096)
        return not data or data.startswith(b"HTTP/")
    except BlockingIOError:
        return False
    except OSError:
        return True


def slow(port, count):
    more_files()
    clients = []
    for i in range(count):
        source = "127.0.1.%d" % (1 + i // 10)
        s = connect(port, source)
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        s.setblocking(False)
        clients.append({"sock": s, "open": True, "lifetime": None})
    body = connect(port, "127.0.2.1")
    body.sendall(b"POST /api/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 1000\r\n\r\n{")
    body.setblocking(False)
    clients.append({"sock": body, "open": True, "lifetime": None, "body": True})
    start = time.monotonic()
    healthz_ok = healthz_failed = 0
    last_line = start
    while time.monotonic() - start < SLOW_WINDOW_S and any(c["open"] for c in clients):
        time.sleep(0.25)
        if healthz(port, timeout=10.0):
            healthz_ok += 1
        else:
            healthz_failed += 1
        send = time.monotonic() - last_line >= LINE_EVERY_S
        last_line = time.monotonic() if send else last_line
        for i, c in enumerate(clients):
            if not c["open"]:
                continue
            if closed_by_server(c["sock"]):
                c["open"] = False
                c["lifetime"] = time.monotonic() - start
                c["sock"].close()
            elif send:
                try:
                    c["sock"].send(b" " if c.get("body") else b"X-Slow-%d: 1\r\n" % i)
                except OSError:
                    pass
    heads = [c for c in clients if not c.get("body")]
    cut = [c["lifetime"] for c in heads if c["lifetime"] is not None]
    print(json.dumps({
        "opened": len(heads),
        "cut": len(cut),
        "first_cut_s": round(min(cut), 1) if cut else None,
        "last_cut_s": round(max(cut), 1) if cut else None,
        "body_cut_s": round(clients[-1]["lifetime"], 1) if clients[-1]["lifetime"] else None,
        "healthz_ok": healthz_ok,
        "healthz_failed": healthz_failed,
    }))
    for c in clients:
        c["sock"].close()


def per_address(port, count):
    held = []
    for _ in range(count):
        s = connect(port, "127.0.0.3")
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        s.setblocking(False)
        held.append(s)
    time.sleep(1.0)
    refused = sum(1 for s in held if closed_by_server(s))
    other_address = healthz(port, "127.0.0.4")
    for s in held:
        s.close()
    time.sleep(1.0)
    print(json.dumps({"held": count - refused, "refused": refused,
                      "other_address_served": other_address,
                      "served_after_closing": healthz(port, "127.0.0.3")}))


def rss_kb(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def bodies(port, pid, count):
    """count clients, each announcing and sending a 32 MiB body as fast as the server takes
    it; the server's VmRSS is sampled between writes."""
    chunk = b"x" * 65536
    selector = selectors.DefaultSelector()
    before = rss_kb(pid)
    peak = before
    statuses = {}
    for i in range(count):
        s = connect(port, "127.0.0.5", blocking=False)
        s.send(b"POST /sync/v1/batches HTTP/1.1\r\nHost: t\r\n"
               b"Content-Type: application/octet-stream\r\n"
               b"Content-Length: %d\r\n\r\n" % BODY_BYTES)
        selector.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE,
                          {"i": i, "sent": 0, "answer": b""})
    deadline = time.monotonic() + 120
    while selector.get_map() and time.monotonic() < deadline:
        for key, events in selector.select(timeout=0.05):
            s, c = key.fileobj, key.data
            done = False
            if events & selectors.EVENT_READ:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                c["answer"] += data
                done = not data
            if not done and events & selectors.EVENT_WRITE:
                try:
                    c["sent"] += s.send(chunk[:min(len(chunk), BODY_BYTES - c["sent"])])
                except BlockingIOError:
                    pass
                except OSError:
                    done = True
                if c["sent"] >= BODY_BYTES:
                    selector.modify(s, selectors.EVENT_READ, c)
            if done:
                status = c["answer"][9:12].decode(errors="replace") or "closed"
                statuses[status] = statuses.get(status, 0) + 1
                selector.unregister(s)
                s.close()
        peak = max(peak, rss_kb(pid))
    for key in list(selector.get_map().values()):
        statuses["unanswered"] = statuses.get("unanswered", 0) + 1
        key.fileobj.close()
    print(json.dumps({"rss_before_kb": before, "rss_peak_kb": peak,
                      "hwm_kb": rss_kb(pid, "VmHWM"), "statuses": statuses}))


def raw(port):
    answer = exchange(port, sys.stdin.buffer.read())
    sys.stdout.write((answer or b"").decode(errors="replace"))


def main():
    command, port = sys.argv[1], int(sys.argv[2])
    if command == "slow":
        slow(port, int(sys.argv[3]))
    elif command == "per-address":
        per_address(port, int(sys.argv[3]))
    elif command == "bodies":
        bodies(port, int(sys.argv[3]), int(sys.argv[4]))
    elif command == "raw":
        raw(port)
    else:
        sys.exit("server_limits.py: unknown command " + command)


if __name__ == "__main__":
    main()
