"""Latency of `landfall lsp` on a generated tree (see bench/lsp.sh).

Usage: python3 bench/lsp_latency.py LANDFALL TREE [EDITS]

Speaks JSON-RPC to the server directly and measures, from the client's
side: the first diagnostics of one open Workload file after `initialize`
(the project loaded and checked once), then the diagnostics of one
keystroke in that file, EDITS times (default 100). Each keystroke toggles
a misspelled key (`image` ↔ `imagee`), so that every one changes the
file's findings and is answered with a publishDiagnostics.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

binary, tree = sys.argv[1], Path(sys.argv[2]).resolve()
edits = int(sys.argv[3]) if len(sys.argv) > 3 else 100

server = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
next_id = 0


def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()


def request(method, params):
    global next_id
    next_id += 1
    send({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})
    return next_id


def notify(method, params):
    send({"jsonrpc": "2.0", "method": method, "params": params})


def receive():
    length = None
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("the server ended")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(server.stdout.read(length))


def diagnostics_of(uri):
    while True:
        message = receive()
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            return message["params"]["diagnostics"]


workload = next(
    p for p in sorted(tree.rglob("*.yaml")) if "kind: Workload" in p.read_text() and "image:" in p.read_text()
)
uri = workload.as_uri()
text = workload.read_text()
typo = text.replace("image:", "imagee:", 1)

start = time.perf_counter()
request("initialize", {"processId": os.getpid(), "rootUri": tree.as_uri(), "capabilities": {}})
notify("initialized", {})
notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
diagnostics_of(uri)
first = (time.perf_counter() - start) * 1000

latencies = []
for version in range(2, edits + 2):
    body = typo if version % 2 == 0 else text
    sent = time.perf_counter()
    notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": body}]},
    )
    diagnostics_of(uri)
    latencies.append((time.perf_counter() - sent) * 1000)

request("shutdown", None)
notify("exit", None)
server.wait(timeout=30)

latencies.sort()
p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)]
print(f"files: {sum(1 for _ in tree.rglob('*.yaml'))}, edited: {workload.relative_to(tree)}")
print(f"first diagnostics after initialize: {first:.0f} ms")
print(f"one keystroke, {len(latencies)} edits: p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms")
