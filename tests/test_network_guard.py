"""The network guard the whole suite runs under really trips.

copydesk must never use the network; tests/netguard blocks it in this
process and (through sitecustomize on PYTHONPATH) in every subprocess the
tests start.  These tests prove the guard is live, blocks non-loopback
connections and name lookups, and leaves loopback and Unix sockets alone.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import urllib.request

import pytest

import copydesk_netguard
from conftest import run_cli
from copydesk_netguard import MARK, NetworkBlocked

# TEST-NET-1/3 and the IPv6 documentation prefix: never routed anywhere.
FAR_ADDRESSES = [("192.0.2.1", 9), ("203.0.113.7", 443), ("2001:db8::1", 80)]


@pytest.fixture(autouse=True)
def _private_log(request, tmp_path, monkeypatch):
    """These attempts are deliberate: log them privately, not in the
    session log whose entries fail the run."""
    if request.node.name != "test_cli_and_server_processes_run_under_the_guard":
        monkeypatch.setenv("COPYDESK_NETGUARD_LOG", str(tmp_path / "blocked.log"))


def test_guard_is_installed_in_this_process():
    assert copydesk_netguard.installed()


@pytest.mark.parametrize("address", FAR_ADDRESSES, ids=lambda a: a[0])
def test_connect_to_a_remote_address_raises(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        with pytest.raises(NetworkBlocked, match="connect to"):
            s.connect(address)
        with pytest.raises(NetworkBlocked):
            s.connect_ex(address)


def test_create_connection_and_dns_and_urllib_raise():
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(NetworkBlocked, match="name lookup"):
        socket.getaddrinfo("pypi.org", 443)
    with pytest.raises(NetworkBlocked, match="name lookup"):
        socket.gethostbyname("example.com")
    with pytest.raises(NetworkBlocked):
        urllib.request.urlopen("http://example.com/", timeout=1)


def test_udp_sendto_remote_raises():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        with pytest.raises(NetworkBlocked, match="sendto"):
            s.sendto(b"x", ("192.0.2.1", 53))


def test_loopback_and_unix_sockets_still_work():
    a, b = socket.socketpair()  # AF_UNIX: what asyncio and pipes use
    with a, b:
        a.sendall(b"ping")
        assert b.recv(4) == b"ping"
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    got = []

    def accept():
        conn, _ = server.accept()
        with conn:
            got.append(conn.recv(4))

    t = threading.Thread(target=accept)
    t.start()
    with socket.create_connection(("localhost", port), timeout=10) as c:
        c.sendall(b"pong")
    t.join(10)
    server.close()
    assert got == [b"pong"]


def _python(code: str, log) -> subprocess.CompletedProcess:
    env = dict(os.environ, COPYDESK_NETGUARD_LOG=str(log))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_guard_trips_in_subprocesses_and_logs(tmp_path):
    # A private log: this deliberate attempt must not fail the session check.
    log = tmp_path / "blocked.log"
    proc = _python("import socket; socket.create_connection(('192.0.2.1', 9), timeout=5)", log)
    assert proc.returncode != 0
    assert MARK in proc.stderr and "NetworkBlocked" in proc.stderr
    assert "192.0.2.1" in log.read_text(encoding="utf-8")


def test_guard_catches_a_swallowed_attempt(tmp_path):
    """A server that catches every exception still leaves a log entry."""
    log = tmp_path / "blocked.log"
    code = (
        "import urllib.request\n"
        "try:\n    urllib.request.urlopen('https://pypi.org/simple/', timeout=5)\n"
        "except BaseException:\n    pass\n"
    )
    proc = _python(code, log)
    assert proc.returncode == 0
    assert "pypi.org" in log.read_text(encoding="utf-8")


def test_cli_and_server_processes_run_under_the_guard():
    probe = ("import sys, copydesk.cli; "
             "print('guarded' if 'copydesk_netguard' in sys.modules else 'UNGUARDED')")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "guarded", proc.stderr
    # And the CLI itself runs normally under it.
    proc = run_cli("check", "-", "--stdin-filename", "d.md", input="The council met on Tuesday.\n")
    assert proc.returncode == 0, proc.stderr_text
    assert MARK not in proc.stderr_text
