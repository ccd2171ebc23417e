# SPDX-License-Identifier: MIT
"""Write load for crash_kill.sh: clients that raise orders over HTTP while the server is
killed and restarted under them, each remembering every order the server acknowledged.

  crash_load.py token BASE                  signs in as the demo's requester; prints a token
  crash_load.py load BASE TOKEN DIR CLIENTS raises orders until DIR/stop exists; every 2xx
                                            answer goes to DIR/acks.N as "number<TAB>place"
  crash_load.py check BASE TOKEN DIR DB     every acknowledged order is served with its own
                                            content; no number twice; prints a summary

Each request carries a place of its own ("crash c1 n42"): the content an acknowledged number
must still map to after any number of kills. No Idempotency-Key: a request cut off by a kill
may or may not have been taken, and only acknowledged ones count."""
import http.client
import json
import os
import sqlite3
import sys
import threading
import time
import urllib.parse

PASSWORD = "demo-password-1"
ORDER = {
    "agreement": "IN-JP-2020", "requester": "IN", "supplier": "JP", "activity": 2,
    "method": "cash", "requester_unit": 2, "supplier_unit": 5, "place": "",
    "need_by": "2024-06-18", "date": "2024-06-12",
    "backdate_reason": "replayed from exercise records",
    "lines": [{"category": "pol", "desc": "diesel", "qty": "10", "unit": "l", "price": "150",
               "currency": "JPY"}],
}
TIMEOUT_S = 10        # A request the server leaves unanswered this long is given up.
RETRY_PAUSE_S = 0.02  # Between attempts while the server is down.


def connect(base):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT_S)


def request(conn, method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    conn.request(method, path, body=data, headers=all_headers)
    response = conn.getresponse()
    return response.status, response.getheaders(), response.read()


def token(base):
    conn = connect(base)
    status, headers, body = request(conn, "POST", "/api/session",
                                    {"username": "in-requester", "password": PASSWORD})
    if status != 200:
        sys.exit(f"sign-in: {status} {body[:200]!r}")
    cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
    csrf = json.loads(body)["csrf_token"]
    status, _, body = request(conn, "POST", "/api/tokens", {"name": "crash load"},
                              {"Cookie": cookie, "X-CSRF-Token": csrf})
    if status != 201:
        sys.exit(f"token: {status} {body[:200]!r}")
    print(json.loads(body)["token"])


def client(base, secret, directory, index, counts):
    stop = os.path.join(directory, "stop")
    acks = open(os.path.join(directory, f"acks.{index}"), "a", encoding="utf-8")
    auth = {"Authorization": f"Bearer {secret}"}
    conn = connect(base)
    n = 0
    while not os.path.exists(stop):
        n += 1
        place = f"crash c{index} n{n}"
        try:
            status, _, body = request(conn, "POST", "/api/orders", dict(ORDER, place=place),
                                      auth)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = connect(base)
            counts["cut"] += 1
            time.sleep(RETRY_PAUSE_S)
            continue
        if 200 <= status < 300:
            acks.write(f"{json.loads(body)['number']}\t{place}\n")
            acks.flush()  # Acknowledged: on record before the next request.
            counts["acked"] += 1
        else:
            counts[f"status {status}"] = counts.get(f"status {status}", 0) + 1
            time.sleep(RETRY_PAUSE_S)
    acks.close()


def load(base, secret, directory, clients):
    counts = [{"acked": 0, "cut": 0} for _ in range(clients)]
    threads = [threading.Thread(target=client, args=(base, secret, directory, i, counts[i]))
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = {}
    for c in counts:
        for k, v in c.items():
            total[k] = total.get(k, 0) + v
    print(json.dumps(total, sort_keys=True))


def check(base, secret, directory, db):
    acked = []
    for name in sorted(os.listdir(directory)):
        if name.startswith("acks."):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                acked += [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    problems = []
    numbers = {}
    for number, place in acked:
        if number in numbers:
            problems.append(f"{number} acknowledged twice: {numbers[number]!r} and {place!r}")
        numbers[number] = place
    stored = dict(sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                  .execute("SELECT number, place FROM orders"))
    places = {}
    for number, place in stored.items():
        if place.startswith("crash c"):
            places.setdefault(place, []).append(number)
    problems += [f"one request stored as {len(v)} orders: {k!r} {v}"
                 for k, v in places.items() if len(v) > 1]
    conn = connect(base)
    auth = {"Authorization": f"Bearer {secret}"}
    missing = 0
    for number, place in numbers.items():
        status, _, body = request(conn, "GET", f"/api/orders/{number}", headers=auth)
        got = json.loads(body).get("place") if status == 200 else None
        if status != 200 or got != place or stored.get(number) != place:
            missing += 1
            problems.append(f"{number} ({place!r}) answered {status} with place {got!r}, "
                            f"stored place {stored.get(number)!r}")
    print(json.dumps({"acknowledged": len(acked), "distinct": len(numbers), "missing": missing,
                      "stored_by_load": sum(len(v) for v in places.values())}))
    for p in problems[:20]:
        print(f"problem: {p}")
    return 1 if problems or not acked else 0


def main(argv):
    if len(argv) == 3 and argv[1] == "token":
        token(argv[2])
        return 0
    if len(argv) == 6 and argv[1] == "load":
        load(argv[2], argv[3], argv[4], int(argv[5]))
        return 0
    if len(argv) == 6 and argv[1] == "check":
        return check(argv[2], argv[3], argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
