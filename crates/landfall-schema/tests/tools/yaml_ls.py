"""Drives yaml-language-server over stdio as an editor does: initialize,
associate a schema with files by glob (the `yaml.schemas` setting), open
each file and collect the diagnostics the server publishes for it.

Usage: yaml_ls.py SERVER_JS SETTINGS_JSON FILE...
Prints {"path": [{"line": N, "message": ..., "source": ...}, ...]} as JSON
(lines counted from 1). Exits 2 when the server does not answer in time.
"""

import json
import os
import pathlib
import subprocess
import sys
import threading
import time

server_js, settings_json, *files = sys.argv[1:]
settings = json.loads(settings_json)

proc = subprocess.Popen(
    ["node", server_js, "--stdio"],
    stdin=subprocess.PIPE,
    stdout=subprocess.PIPE,
    stderr=subprocess.DEVNULL,
)
lock = threading.Lock()
configured = threading.Event()
published = {}
log = []


def send(message):
    body = json.dumps(message).encode()
    with lock:
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()


def reader():
    stream = proc.stdout
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                return
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        message = json.loads(stream.read(length))
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            published[params["uri"]] = params["diagnostics"]
        elif method == "window/logMessage":
            log.append(message["params"]["message"])
        elif "id" in message and method is not None:
            # A request from the server: the settings it asks for, or an
            # empty answer.
            if method == "workspace/configuration":
                result = [
                    settings.get(item.get("section", ""), None)
                    for item in message["params"]["items"]
                ]
            else:
                result = None
            send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            if method == "workspace/configuration":
                configured.set()


threading.Thread(target=reader, daemon=True).start()
root = pathlib.Path.cwd().as_uri()
send(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "processId": os.getpid(),
            "rootUri": root,
            "capabilities": {
                "workspace": {"configuration": True},
                "textDocument": {"publishDiagnostics": {}},
            },
        },
    }
)
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
send(
    {
        "jsonrpc": "2.0",
        "method": "workspace/didChangeConfiguration",
        "params": {"settings": settings},
    }
)
# The server asks for the settings it was told of; a file opened before it
# has them is validated without the schemas first.
if not configured.wait(60):
    sys.stderr.write("yaml-language-server never asked for its settings\n" + "\n".join(log))
    proc.kill()
    sys.exit(2)
time.sleep(1)
uris = {}
for path in files:
    uri = pathlib.Path(path).resolve().as_uri()
    uris[uri] = path
    text = pathlib.Path(path).read_text()
    send(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
            },
        }
    )
# The server publishes once per file after validating it (again when a
# schema finished loading); wait until all are in and nothing changes.
deadline = time.time() + 60
last = None
stable_since = time.time()
while time.time() < deadline:
    time.sleep(0.5)
    snapshot = json.dumps(published, sort_keys=True)
    if snapshot != last:
        last = snapshot
        stable_since = time.time()
    elif all(u in published for u in uris) and time.time() - stable_since > 5:
        break
else:
    sys.stderr.write("yaml-language-server did not publish for every file\n" + "\n".join(log))
    proc.kill()
    sys.exit(2)
proc.kill()
out = {}
for uri, path in uris.items():
    out[path] = [
        {
            "line": d["range"]["start"]["line"] + 1,
            "message": d["message"],
            "source": d.get("source", ""),
        }
        for d in published[uri]
    ]
print(json.dumps(out, indent=1))
