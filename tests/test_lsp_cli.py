"""``copydesk serve`` options: --stdio accepted, --tcp for debugging."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

from conftest import run_cli


def _frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(sock: socket.socket) -> dict:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
    while len(rest) < length:
        rest += sock.recv(4096)
    return json.loads(rest[:length])


def test_serve_help_lists_options():
    proc = run_cli("serve", "--help")
    assert proc.returncode == 0
    assert "--tcp" in proc.stdout_text and "--stdio" in proc.stdout_text


def test_serve_over_tcp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "serve", "--tcp", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        with sock:
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
            reply = _read_message(sock)
            assert reply["id"] == 1
            caps = reply["result"]["capabilities"]
            assert caps["textDocumentSync"]["change"] == 2  # incremental
            assert caps["positionEncoding"] == "utf-16"
            assert reply["result"]["serverInfo"]["name"] == "copydesk"
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": "file:///tmp/x.md", "languageId": "markdown", "version": 1,
                "text": "The regime fell.\n"}}}))
            while True:
                msg = _read_message(sock)
                if msg.get("method") == "textDocument/publishDiagnostics":
                    break
            assert [d["code"] for d in msg["params"]["diagnostics"]] == ["loaded-term/regime"]
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    finally:
        proc.kill()
        proc.wait()
    assert proc.stdout.read() == b""  # nothing on stdout: the protocol is on the socket
