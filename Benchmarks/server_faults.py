"""Bad input and faults against a running embed-server, with its memory before and after.

    .build/release/embed-server --model DIR --model-name all-MiniLM-L6-v2 --api-key k --idle-timeout 5 &
    python Benchmarks/server_faults.py --port 8080 --api-key k --server-pid $! [--rounds 20]

Each case of issue 11's list is sent over a raw socket and its status and OpenAI error object
checked: malformed JSON, wrong types, an empty list, 10,000 inputs, a 100 MB body (announced by
Content-Length, and streamed chunked), a 1 MB input, invalid UTF-8, unknown routes and methods, a
wrong or missing key, a client sending its headers one byte at a time, clients that disconnect
before or in the middle of the body or before reading the answer. After each round a good request
must still answer 200. The server's VmRSS is read after a warm-up of good requests, after the
first round and after the last: "memory flat" means the last two are close.
"""

import argparse
import json
import socket
import sys
import time

MODEL = "all-MiniLM-L6-v2"


def vm(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return None


def connect(args):
    s = socket.create_connection(("127.0.0.1", args.port), timeout=args.timeout)
    return s


def head(method, path, args, length=None, key=True, extra=""):
    auth = f"Authorization: Bearer {args.api_key}\r\n" if key and args.api_key else ""
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    return (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{auth}{size}{extra}\r\n").encode()


def read_reply(s):
    """Status, headers and body of one HTTP/1.1 answer (Content-Length framing)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {len(data)} bytes")
        data += chunk
    header, _, body = data.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def send(args, method, path, body=b"", key=True, extra=""):
    with connect(args) as s:
        s.sendall(head(method, path, args, len(body) if method in ("POST", "PUT") else None, key, extra) + body)
        return read_reply(s)


def embed(args, obj, **kw):
    return send(args, "POST", "/v1/embeddings", json.dumps(obj).encode() if not isinstance(obj, bytes) else obj, **kw)


def is_error(reply, status):
    code, _, body = reply
    try:
        err = json.loads(body)["error"]
        shaped = all(k in err for k in ("message", "type", "param", "code")) and err["message"]
    except (ValueError, KeyError, TypeError):
        shaped = False
    return code == status and bool(shaped), f"{code} {body[:90]!r}"


def big_body(args, chunked):
    """100 MB of JSON: announced by Content-Length, or streamed chunked until the server answers."""
    total = 100 * 1024 * 1024
    piece = b"[" + b'"word word word word",' * 46000  # about 1 MB
    with connect(args) as s:
        if chunked:
            s.sendall(head("POST", "/v1/embeddings", args, extra="Transfer-Encoding: chunked\r\n"))
        else:
            s.sendall(head("POST", "/v1/embeddings", args, total))
        sent = 0
        try:
            while sent < total:
                n = min(len(piece), total - sent)
                s.sendall((b"%x\r\n" % n + piece[:n] + b"\r\n") if chunked else piece[:n])
                sent += n
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            code, _, body = read_reply(s)
        except (ConnectionError, OSError) as e:
            return False, f"no answer after {sent >> 20} MiB sent: {e}"
        return code == 413, f"{code} after {sent >> 20} MiB sent"


def slow_headers(args):
    """Headers one byte every 20 ms while another client is served; then the answer."""
    body = json.dumps({"model": MODEL, "input": "slow"}).encode()
    raw = head("POST", "/v1/embeddings", args, len(body)) + body
    with connect(args) as s:
        start = time.perf_counter()
        for i, b in enumerate(raw):
            s.sendall(bytes([b]))
            if i == 20:
                other = embed(args, {"model": MODEL, "input": "meanwhile"})
                other_ms = (time.perf_counter() - start) * 1000
            time.sleep(0.02)
        code, _, _ = read_reply(s)
    return code == 200 and other[0] == 200, f"slow client {code}, other client {other[0]} while it trickled ({other_ms:.0f} ms in)"


def idle_timeout(args):
    """A client that sends half its headers and stops is closed after the idle timeout."""
    with connect(args) as s:
        s.settimeout(args.idle + 30)
        s.sendall(b"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\n")
        start = time.perf_counter()
        try:
            data = s.recv(1024)
        except (ConnectionResetError, socket.timeout):
            data = b""
        waited = time.perf_counter() - start
    return waited < args.idle + 10, f"closed after {waited:.1f} s ({len(data)} bytes sent back)"


def disconnects(args):
    """Clients vanishing: after the headers, mid-body, and after a full request without reading."""
    body = json.dumps({"model": MODEL, "input": ["a sentence to encode"] * 8}).encode()
    for cut in ("headers", "mid-body", "unread"):
        for _ in range(10):
            s = connect(args)
            h = head("POST", "/v1/embeddings", args, len(body))
            if cut == "headers":
                s.sendall(h)
            elif cut == "mid-body":
                s.sendall(h + body[: len(body) // 2])
            else:
                s.sendall(h + body)
            s.close()
    ok = embed(args, {"model": MODEL, "input": "after the disconnects"})
    return ok[0] == 200, f"30 vanished clients, then {ok[0]}"


def cases(args):
    m = MODEL
    bad_json = [b'{"input": "abc", "model": ', b"not json", b"", b"[1, 2]", b'"text"', b"null"]
    yield "malformed JSON (6 bodies)", all(is_error(embed(args, b), 400)[0] for b in bad_json), ""
    wrong = [{"input": 5, "model": m}, {"input": ["a", 3], "model": m}, {"input": [["a"]], "model": m},
             {"model": m}, {"input": "a"}, {"input": "a", "model": m, "encoding_format": "hex"},
             {"input": "a", "model": m, "dimensions": "8"}, {"input": "a", "model": m, "dimensions": 9999}]
    yield "wrong types (8 bodies)", all(is_error(embed(args, o), 400)[0] for o in wrong), ""
    yield ("empty list", *is_error(embed(args, {"input": [], "model": m}), 400))
    yield ("10,000 inputs", *is_error(embed(args, {"input": ["short text"] * 10000, "model": m}), 400))
    yield ("100 MB body, Content-Length", *big_body(args, chunked=False))
    yield ("100 MB body, chunked", *big_body(args, chunked=True))
    yield ("1 MB input (175,000 tokens)", *is_error(embed(args, {"input": "token " * 175000, "model": m}), 400))
    bad = b'{"input": "abc\xff\xfe\xc3", "model": "' + m.encode() + b'"}'
    yield ("invalid UTF-8", *is_error(embed(args, bad), 400))
    yield ("unknown route", *is_error(send(args, "GET", "/v1/nothing"), 404))
    yield ("wrong method", *is_error(send(args, "GET", "/v1/embeddings"), 405))
    yield ("DELETE /v1/models", *is_error(send(args, "DELETE", "/v1/models"), 405))
    if args.api_key:
        yield ("missing key", *is_error(embed(args, {"input": "x", "model": m}, key=False), 401))
        yield ("wrong key", *is_error(embed(args, {"input": "x", "model": m}, key=False,
                                            extra="Authorization: Bearer wrong\r\n"), 401))
    yield ("disconnects", *disconnects(args))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--api-key")
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--idle", type=float, default=5, help="the server's --idle-timeout")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--warmup", type=int, default=20, help="good requests of 8 texts before the first reading")
    args = p.parse_args()
    good = {"model": MODEL, "input": ["warm-up sentence number %d about cats" % i for i in range(8)]}
    for _ in range(args.warmup):
        assert embed(args, good)[0] == 200
    rss = {"after warm-up": vm(args.server_pid, "VmRSS")}
    failed = 0
    for r in range(args.rounds):
        for name, ok, detail in cases(args):
            failed += not ok
            if r == 0 or not ok:
                print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        alive = embed(args, good)[0] == 200
        failed += not alive
        if r == 0:
            for name, ok, detail in (("slow headers", *slow_headers(args)), ("idle timeout", *idle_timeout(args))):
                failed += not ok
                print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
            rss["after round 1"] = vm(args.server_pid, "VmRSS")
        print(f"round {r + 1}: VmRSS {vm(args.server_pid, 'VmRSS'):.1f} MiB", flush=True)
    rss[f"after round {args.rounds}"] = vm(args.server_pid, "VmRSS")
    rss["peak (VmHWM)"] = vm(args.server_pid, "VmHWM")
    print("server memory, MiB: " + ", ".join(f"{k} {v:.1f}" for k, v in rss.items()))
    print(f"{args.rounds} rounds, {failed} failed checks")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
