"""Test-only guard: any network access beyond this machine fails loudly.

copydesk must never touch the network (no downloads at run time, no
telemetry).  The test suite installs this guard in its own process
(tests/conftest.py) and, through ``sitecustomize`` on PYTHONPATH, in every
Python subprocess it starts (CLI, language server), so a connection to
anything but loopback or a Unix socket raises ``NetworkBlocked``, is
printed on stderr, and is appended to ``$COPYDESK_NETGUARD_LOG`` when set
(so a server that swallows the exception is still caught).
"""
from __future__ import annotations

import ipaddress
import os
import socket
import sys

MARK = "copydesk-netguard: blocked"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


class NetworkBlocked(RuntimeError):
    """Deliberately not an OSError: callers that shrug off connection
    errors must not hide an attempt to reach the network."""


def _is_local_host(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%", 1)[0]
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name would need DNS: that is network access
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _is_local_address(family, address) -> bool:
    if family not in (socket.AF_INET, socket.AF_INET6):
        return True  # AF_UNIX, AF_NETLINK …: this machine only
    if isinstance(address, tuple) and address:
        return _is_local_host(address[0])
    return False


def _installer() -> bool:
    """pip building a wheel in a test (the VS Code bundle) may reach the
    package registry, as the project's rules allow; copydesk itself may not."""
    argv0 = sys.argv[0] if getattr(sys, "argv", None) else ""
    parts = os.path.normpath(argv0).split(os.sep)
    return "pip" in parts[-2:] or os.path.basename(argv0) in ("pip", "pip3")


def _blocked(what: str):
    if _installer():
        return
    message = f"{MARK} {what} (copydesk must not use the network)"
    print(message, file=sys.stderr, flush=True)
    log = os.environ.get("COPYDESK_NETGUARD_LOG")
    if log:
        try:
            with open(log, "a", encoding="utf-8") as f:
                f.write(f"{os.getpid()} {' '.join(sys.argv)}: {message}\n")
        except OSError:
            pass
    raise NetworkBlocked(message)


_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    sock_cls = socket.socket
    real_connect, real_connect_ex = sock_cls.connect, sock_cls.connect_ex
    real_sendto = sock_cls.sendto
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname, real_gethostbyname_ex = socket.gethostbyname, socket.gethostbyname_ex

    def connect(self, address):
        if not _is_local_address(self.family, address):
            _blocked(f"connect to {address!r}")
        return real_connect(self, address)

    def connect_ex(self, address):
        if not _is_local_address(self.family, address):
            _blocked(f"connect to {address!r}")
        return real_connect_ex(self, address)

    def sendto(self, data, *args):
        address = args[-1]
        if not _is_local_address(self.family, address):
            _blocked(f"sendto {address!r}")
        return real_sendto(self, data, *args)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_local_host(host):
            _blocked(f"name lookup of {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host):
        if not _is_local_host(host):
            _blocked(f"name lookup of {host!r}")
        return real_gethostbyname(host)

    def gethostbyname_ex(host):
        if not _is_local_host(host):
            _blocked(f"name lookup of {host!r}")
        return real_gethostbyname_ex(host)

    sock_cls.connect, sock_cls.connect_ex, sock_cls.sendto = connect, connect_ex, sendto
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname, socket.gethostbyname_ex = gethostbyname, gethostbyname_ex


def installed() -> bool:
    return _installed
