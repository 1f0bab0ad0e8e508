"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary
folder, listening on 127.0.0.1 only (a free port) and on a Unix socket in
that folder, stopped and removed at the end.  As root (CI containers) the
server runs as the unprivileged ``postgres`` user the Debian package creates
(initdb refuses root)."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

ADMIN = "copydesk_admin"
ADMIN_PASSWORD = "admin-secret-for-tests"


def bindir() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: [int(x) for x in
                                                                              p.split("/")[4].split(".") if x.isdigit()])
    if found:
        return str(Path(found[-1]).parent)
    initdb = shutil.which("initdb")
    return str(Path(initdb).parent) if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        self.bin = bindir()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL (initdb) is not installed: see .ci/setup.d/40-postgresql.sh")
        self.base = Path(tempfile.mkdtemp(prefix="copydesk-pg-"))
        self.data = self.base / "data"
        self.sock = self.base
        self.port = _free_port()
        self.user = None
        if os.geteuid() == 0:
            import pwd

            self.user = pwd.getpwnam("postgres")
            os.chown(self.base, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.base, 0o755)
        pw = self.base / "pw"
        pw.write_text(ADMIN_PASSWORD + "\n")
        if self.user:
            os.chown(pw, self.user.pw_uid, self.user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", ADMIN, f"--pwfile={pw}", "-E", "UTF8", "--no-locale",
                  "--auth-local=trust", "--auth-host=scram-sha-256")
        pw.unlink()
        self.start()

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        cmd = [os.path.join(self.bin, tool), *args]
        if self.user:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120, cwd=self.base)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-w", "-t", "60", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sock} -c fsync=off "
                  "-c synchronous_commit=off -c full_page_writes=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    # ------------------------------------------------------------ admin

    def admin(self, db: str = "postgres"):
        import psycopg

        return psycopg.connect(host=str(self.sock), port=self.port, user=ADMIN, dbname=db, autocommit=True)

    def url(self, user: str, db: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{db}"

    def create_db(self, name: str, owner: str, password: str) -> str:
        """A database owned by a new login role (the indexer); its URL."""
        with self.admin() as con:
            con.execute(f'CREATE ROLE "{owner}" LOGIN PASSWORD \'{password}\'')
            con.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return self.url(owner, name)

    def create_reader(self, db: str, role: str, password: str) -> str:
        """A login role that may only read the copydesk schema; its URL."""
        with self.admin() as con:
            con.execute(f'CREATE ROLE "{role}" LOGIN PASSWORD \'{password}\'')
        with self.admin(db) as con:
            con.execute(f'GRANT CONNECT ON DATABASE "{db}" TO "{role}"')
            con.execute(f'GRANT USAGE ON SCHEMA copydesk TO "{role}"')
            con.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA copydesk TO "{role}"')
        return self.url(role, db)
