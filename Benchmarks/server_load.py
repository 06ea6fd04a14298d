"""Load test for embed-server (or any OpenAI-compatible /v1/embeddings server) from a second process.

A bare asyncio HTTP/1.1 keep-alive client (no third-party package, little CPU per request) runs
CONCURRENCY workers for SECONDS each level, each worker sending one request at a time with
--texts-per-request sentences (STS-B dev sentences from ../shared/data, else the-verdict.txt).

    python Benchmarks/server_load.py --port 8080 --model all-MiniLM-L6-v2 \
        --levels 1,8,64,256 --seconds 20 --server-pid PID --json out.json

Per level: requests/s, texts/s, p50/p99 latency, status counts (200, 429, other, errors) and the
server's peak RSS (VmHWM of --server-pid) after the level.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time


def sentences():
    root = os.path.join(os.path.dirname(__file__), "..")
    sts = os.path.join(root, "..", "shared", "data", "sts", "sts-dev.csv")
    out = []
    if os.path.exists(sts):
        for line in open(sts, encoding="utf-8"):
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 7:
                out += [cols[5], cols[6]]
    else:
        text = open(os.path.join(root, "Sources/embed/Resources/the-verdict.txt"), encoding="utf-8").read()
        out = [s.strip() for s in text.replace("\n", " ").split(".") if len(s.strip()) > 10]
    return out


def peak_rss_mib(pid):
    if not pid:
        return None
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


async def worker(host, port, bodies, headers, deadline, stats, latencies, texts_per_request):
    reader = writer = None
    i = random.randrange(len(bodies))
    while time.perf_counter() < deadline:
        body = bodies[i % len(bodies)]
        i += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            start = time.perf_counter()
            writer.write(headers.replace(b"%d", str(len(body)).encode()) + body)
            status_line = await reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length = 0
            close = False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
            elapsed = time.perf_counter() - start
            if status == 200:
                stats["200"] += 1
                stats["texts"] += texts_per_request
                latencies.append(elapsed)
            elif status == 429:
                stats["429"] += 1
            else:
                stats["other"] += 1
            if close:
                writer.close()
                reader = writer = None
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            stats["errors"] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
            await asyncio.sleep(0.01)
    if writer is not None:
        writer.close()


async def level(args, bodies, concurrency):
    headers = (
        f"POST {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
        "Content-Type: application/json\r\n"
        + (f"Authorization: Bearer {args.api_key}\r\n" if args.api_key else "")
        + "Content-Length: %d\r\n\r\n"
    ).encode()
    stats = {"200": 0, "429": 0, "other": 0, "errors": 0, "texts": 0}
    latencies = []

    start = time.perf_counter()
    deadline = start + args.seconds
    cpu0 = os.times()
    await asyncio.gather(*[
        worker(args.host, args.port, bodies, headers, deadline, stats, latencies, args.texts_per_request)
        for _ in range(concurrency)
    ])
    wall = time.perf_counter() - start
    cpu1 = os.times()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else None

    done = stats["200"] + stats["429"] + stats["other"]
    return {
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "requests_per_s": round(done / wall, 1),
        "ok_requests_per_s": round(stats["200"] / wall, 1),
        "texts_per_s": round(stats["texts"] / wall, 1),
        "p50_ms": pct(0.50) and round(pct(0.50), 2),
        "p99_ms": pct(0.99) and round(pct(0.99), 2),
        "status_200": stats["200"],
        "status_429": stats["429"],
        "status_other": stats["other"],
        "errors": stats["errors"],
        "client_cpu_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 2),
        "server_peak_rss_mib": peak_rss_mib(args.server_pid),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--model", default="all-MiniLM-L6-v2")
    p.add_argument("--api-key")
    p.add_argument("--levels", default="1,8,64,256")
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--texts-per-request", type=int, default=1)
    p.add_argument("--server-pid", type=int)
    p.add_argument("--label", default="embed-server")
    p.add_argument("--json")
    p.add_argument("--path", default="/v1/embeddings")
    p.add_argument("--dump-texts", help="write the sentences the bodies hold (one a line) and exit")
    args = p.parse_args()
    texts = sentences()
    rng = random.Random(0)
    bodies = []
    for _ in range(2000):
        chosen = [rng.choice(texts) for _ in range(args.texts_per_request)]
        payload = chosen[0] if args.texts_per_request == 1 else chosen
        bodies.append(json.dumps({"model": args.model, "input": payload}).encode())
    if args.dump_texts:
        with open(args.dump_texts, "w", encoding="utf-8") as f:
            for b in bodies:
                payload = json.loads(b)["input"]
                f.write("\n".join([payload] if isinstance(payload, str) else payload) + "\n")
        return 0
    results = []
    for c in [int(x) for x in args.levels.split(",")]:
        r = asyncio.run(level(args, bodies, c))
        r["label"] = args.label
        r["texts_per_request"] = args.texts_per_request
        results.append(r)
        print(json.dumps(r), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
