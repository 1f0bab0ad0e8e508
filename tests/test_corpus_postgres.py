"""The shared corpus on a real PostgreSQL server (a throwaway cluster the
session starts: tests/pg_cluster.py): the same findings as SQLite, read-only
readers, the ingest job (incremental, locked, killable), schema versions,
and a server that stops under the CLI and the language server."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, run_cli

REQUIRED = os.environ.get("COPYDESK_REQUIRE_TOOLS") == "1"
PW_ENV = "COPYDESK_TEST_DB_PASSWORD"
INGEST_PW = "ingest-secret"
READER_PW = "reader-secret"
# Every ingest role of these tests has this password; the configs name the
# variable (corpus_db_password_env), the language servers inherit it.
os.environ[PW_ENV] = INGEST_PW
SEED_004 = "004_1ed8f723cc3f719b.txt"
# A toll no article of the archive agrees with, and a loaded term.
DRAFT = "According to the Observatory, the fighting in the regime's stronghold has resulted in over 90,000 deaths.\n"


def _missing(what: str):
    if REQUIRED:
        pytest.fail(f"{what} (COPYDESK_REQUIRE_TOOLS=1: see .ci/setup.d/40-postgresql.sh and the "
                    "'postgres' extra in pyproject.toml)")
    pytest.skip(what)


@pytest.fixture(scope="session")
def pg():
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install '.[postgres]')")
    import pg_cluster

    if pg_cluster.bindir() is None:
        _missing("PostgreSQL is not installed")
    cluster = pg_cluster.Cluster()
    try:
        yield cluster
    finally:
        cluster.destroy()


_N = [0]


@pytest.fixture
def db(pg, monkeypatch):
    """A fresh database owned by an ingest role; its URL.  The password is
    in the environment variable the configs name (never in a file)."""
    _N[0] += 1
    name = f"archive{_N[0]}"
    url = pg.create_db(name, f"ingest{_N[0]}", INGEST_PW)
    monkeypatch.setenv(PW_ENV, INGEST_PW)
    return url


def generate(folder: Path, n: int, seed: int = 5) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_corpus
    finally:
        sys.path.pop(0)
    bench_corpus.generate(folder, n, seed)


def project(tmp_path: Path, name: str, corpus: Path, url: str | None, extra: str = "") -> Path:
    proj = tmp_path / name
    proj.mkdir()
    lines = [f'corpus = ["{corpus}"]', 'cache = "cache"']
    if url:
        lines += [f'corpus_db = "{url}"', f'corpus_db_password_env = "{PW_ENV}"']
    (proj / "copydesk.toml").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return proj


def conf(proj: Path) -> tuple[str, str]:
    """Drafts outside the project folder: name its config."""
    return ("--config", str(proj / "copydesk.toml"))


def drafts(folder: Path, n: int = 6) -> list[str]:
    subprocess.run([sys.executable, str(ROOT / "bench" / "gen_drafts.py"), str(folder), "--count", str(n),
                    "--words", "300"], check=True, capture_output=True)
    paths = sorted(str(p) for p in folder.glob("*.md"))
    return [str(ROOT / "examples" / "aleppo-draft.md")] + paths


def index(proj: Path, *args: str):
    return run_cli("corpus", "index", "--json", *args, cwd=proj, timeout=600)


@pytest.fixture
def archive(tmp_path):
    """The seeds plus generated articles (a third Markdown with front matter)."""
    a = tmp_path / "archive"
    (a / "wires").mkdir(parents=True)
    for p in SEEDS.glob("*.txt"):
        shutil.copy(p, a / "wires" / p.name)
    generate(a / "gen", 60)
    return a


def test_findings_search_and_stats_are_identical_with_sqlite_and_postgres(tmp_path, db, archive):
    lite = project(tmp_path, "lite", archive, None)
    shared = project(tmp_path, "shared", archive, db)
    r = index(shared)
    assert r.returncode == 0, r.stderr_text
    counts = json.loads(r.stdout_text)
    assert counts["added"] == 65 and counts["files"] == 65 and counts["index"] == db
    assert index(lite).returncode == 0

    files = drafts(tmp_path / "drafts")
    a = run_cli("check", "--format", "json", "--fail-on", "never", *conf(lite), *files, cwd=lite)
    b = run_cli("check", "--format", "json", "--fail-on", "never", *conf(shared), *files, cwd=shared)
    assert a.returncode == b.returncode == 0, (a.stderr_text, b.stderr_text)
    la, lb = json.loads(a.stdout_text), json.loads(b.stdout_text)
    figures = [f for f in la["findings"] if f["rule_id"].startswith("figures/")]
    assert len(figures) >= 5 and any(f["related"] for f in figures)
    assert la == lb
    assert run_cli("check", *conf(lite), *files, cwd=lite).stdout == \
        run_cli("check", *conf(shared), *files, cwd=shared).stdout

    for q in ("civilians Idlib", "412 deaths", "killed", "the Observatory said", "Aleppo rebels", "don't"):
        sa = run_cli("corpus", "search", q, "--json", "-n", "25", cwd=lite)
        sb = run_cli("corpus", "search", q, "--json", "-n", "25", cwd=shared)
        assert sa.returncode == sb.returncode and sa.stdout_text == sb.stdout_text, q
    hits = json.loads(run_cli("corpus", "search", "civilians Idlib", "--json", cwd=shared).stdout_text)
    assert hits and Path(hits[0]["path"]).name == SEED_004 and hits[0]["line"] == 28

    st_a = json.loads(run_cli("corpus", "stats", "--json", cwd=lite).stdout_text)
    st_b = json.loads(run_cli("corpus", "stats", "--json", cwd=shared).stdout_text)
    assert st_b["backend"] == "postgresql" and st_b["bytes"] > 0

    # Candidate retrieval, figure by figure: the same candidates from both.
    from copydesk.config import load_config
    from copydesk.engine import Engine

    engines = [Engine(load_config(p / "copydesk.toml")) for p in (lite, shared)]
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_corpus_pg
    finally:
        sys.path.pop(0)
    check, rule, figs = bench_corpus_pg.draft_figures(engines[0], 100, 4)
    compared = 0
    for fig, terms, scope, draft in figs:
        for k in (1, 2, 3):
            got = [sorted(e.corpus.figures_in_context(fig.group, terms, k, 5)) for e in engines]
            assert got[0] == got[1], (fig.text, sorted(terms), k)
            compared += bool(got[0])
        a_, b_ = (next(c for c in e.checks if type(c).__name__ == "Figures").assess(fig, terms, rule, scope, draft)
                  for e in engines)
        assert [(c.figure.id, c.score, c.consistent) for c in a_.candidates] == \
            [(c.figure.id, c.score, c.consistent) for c in b_.candidates]
    assert compared > 100
    assert [st_a[k] for k in ("files", "sentences", "figures")] == [st_b[k] for k in ("files", "sentences", "figures")]


def test_the_ingest_job_is_incremental_and_stores_paths_relative_to_the_archive(tmp_path, db, pg, archive):
    shared = project(tmp_path, "shared", archive, db)
    assert json.loads(index(shared).stdout_text)["added"] == 65
    with pg.admin(db.rsplit("/", 1)[1]) as con:
        before = dict(con.execute("SELECT path, article FROM copydesk.docs").fetchall())
    assert f"wires/{SEED_004}" in before and not any(p.startswith("/") for p in before)
    again = json.loads(index(shared).stdout_text)
    assert (again["added"], again["unchanged"]) == (0, 65)

    seed = archive / "wires" / SEED_004
    seed.write_text(seed.read_text(encoding="utf-8").replace("over 412 deaths", "over 450 deaths"), encoding="utf-8")
    (archive / "wires" / "new.md").write_text("Rebels captured 14 villages near Manbij, the Observatory said.\n",
                                              encoding="utf-8")
    (archive / "wires" / "000_1942a9bef7a5cedc.txt").unlink()
    os.utime(archive / "wires" / "001_f2b34387c5484f8c.txt", ns=(1, 1))  # touched, same content
    c = json.loads(index(shared).stdout_text)
    assert (c["added"], c["changed"], c["removed"], c["unchanged"]) == (1, 1, 1, 63)
    with pg.admin(db.rsplit("/", 1)[1]) as con:
        after = dict(con.execute("SELECT path, article FROM copydesk.docs").fetchall())
        n_docs, n_paths = con.execute("SELECT count(*), count(DISTINCT path) FROM copydesk.docs").fetchone()
    assert after[f"wires/{SEED_004}"] == before[f"wires/{SEED_004}"]  # a stable id across changes
    assert n_docs == n_paths == 65
    hits = json.loads(run_cli("corpus", "search", "450 deaths", "--json", cwd=shared).stdout_text)
    assert [(Path(h["path"]).name, h["line"]) for h in hits] == [(SEED_004, 56)]
    assert run_cli("corpus", "search", "412 deaths", cwd=shared).returncode == 1

    # A reporter whose machine has no copy of the archive: evidence paths are
    # archive-relative ("archive/wires/…"), the same on every machine.
    away = project(tmp_path, "away", tmp_path / "elsewhere" / "archive", db)
    draft = away / "d.md"
    draft.write_text("According to the Observatory, the most recent fighting has resulted in over 90,000 deaths.\n",
                     encoding="utf-8")
    out = json.loads(run_cli("check", "--format", "json", str(draft), cwd=away).stdout_text)
    [f] = [f for f in out["findings"] if f["rule_id"] == "figures/figure-mismatch"]
    assert f["related"] and all(re.fullmatch(r"archive/(wires|gen/\d+)/[^/]+", r["path"]) for r in f["related"])
    text = run_cli("check", str(draft), cwd=away).stdout_text
    assert re.search(r"\(archive/(wires|gen/\d+)/[^/:]+:\d+(, [^)]+)?\)", text), text


def test_readers_need_only_read_rights(tmp_path, db, pg, archive, monkeypatch):
    shared = project(tmp_path, "shared", archive, db)
    assert index(shared).returncode == 0
    dbname = db.rsplit("/", 1)[1]
    reader_url = pg.create_reader(dbname, f"reporter_{dbname}", READER_PW)
    monkeypatch.setenv(PW_ENV, READER_PW)
    reader = project(tmp_path, "reader", archive, reader_url)
    draft = reader / "d.md"
    draft.write_text(DRAFT, encoding="utf-8")
    out = json.loads(run_cli("check", "--format", "json", str(draft), cwd=reader).stdout_text)
    assert {"figures/figure-mismatch", "loaded-term/regime"} <= {f["rule_id"] for f in out["findings"]}
    assert run_cli("corpus", "search", "412 deaths", cwd=reader).returncode == 0
    assert json.loads(run_cli("corpus", "stats", "--json", cwd=reader).stdout_text)["files"] == 65
    # The reader cannot index (nor write anything).
    r = index(reader)
    assert r.returncode == 2 and "permission denied" in r.stderr_text and "Traceback" not in r.stderr_text
    import psycopg

    with psycopg.connect(reader_url, password=READER_PW) as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("DELETE FROM copydesk.files")
    # PGPASSWORD works as well as the variable the config names.
    monkeypatch.delenv(PW_ENV)
    monkeypatch.setenv("PGPASSWORD", READER_PW)
    plain = project(tmp_path, "plain", archive, None, f'corpus_db = "{reader_url}"\n')
    assert run_cli("corpus", "search", "412 deaths", cwd=plain).returncode == 0


def test_a_password_in_the_config_or_on_the_command_line_is_refused(tmp_path, archive):
    proj = project(tmp_path, "p", archive, None, 'corpus_db = "postgresql://news:hunter2@db.internal/archive"\n')
    draft = proj / "d.md"
    draft.write_text("The fighting has left over 500 deaths.\n", encoding="utf-8")
    r = run_cli("check", str(draft), cwd=proj)
    assert r.returncode == 2
    assert "copydesk.toml:3:1: 'corpus_db' contains a password: never put it in a file" in r.stderr_text
    assert "hunter2" not in r.stdout_text
    (proj / "copydesk.toml").write_text('corpus_db = "postgresql://db.internal/archive?password=x"\n')
    assert "contains a password" in run_cli("corpus", "stats", cwd=proj).stderr_text
    (proj / "copydesk.toml").write_text('corpus_db = "mysql://db.internal/archive"\n')
    assert "must be a PostgreSQL URL" in run_cli("corpus", "stats", cwd=proj).stderr_text
    (proj / "copydesk.toml").write_text("")
    r = run_cli("corpus", "stats", "--db", "postgresql://news:hunter2@db.internal/a", cwd=proj)
    assert r.returncode == 2 and "--db contains a password" in r.stderr_text


def test_without_psycopg_the_message_says_what_to_install(tmp_path, archive):
    # An environment without the driver: psycopg cannot be imported.
    blocker = tmp_path / "nodriver"
    blocker.mkdir()
    (blocker / "psycopg.py").write_text("raise ImportError('No module named psycopg')\n")
    proj = project(tmp_path, "p", archive, "postgresql://news@127.0.0.1:1/archive")
    draft = proj / "d.md"
    draft.write_text(DRAFT, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=f"{blocker}{os.pathsep}{os.environ['PYTHONPATH']}")
    r = subprocess.run([sys.executable, "-m", "copydesk", "check", str(draft)], cwd=proj, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "loaded-term/regime" in r.stdout
    assert r.stderr.count("psycopg is not installed: pip install 'copydesk[postgres]'") == 1


def test_schema_versions_newer_and_older_are_clear_errors(tmp_path, db, pg, archive):
    from copydesk.corpus.postgres import SCHEMA_VERSION as V

    shared = project(tmp_path, "shared", archive, db)
    assert index(shared).returncode == 0
    dbname = db.rsplit("/", 1)[1]
    with pg.admin(dbname) as con:
        con.execute("UPDATE copydesk.meta SET value = '99' WHERE key = 'schema'")
    for r in (run_cli("corpus", "search", "deaths", cwd=shared), index(shared)):
        assert r.returncode == 2
        assert f"has index schema version 99, newer than this copydesk's ({V}): upgrade copydesk" in r.stderr_text
    # An index from before the first schema: readers are told to migrate, the
    # indexer migrates.
    with pg.admin(dbname) as con:
        con.execute("DROP SCHEMA copydesk CASCADE")
        con.execute("CREATE SCHEMA copydesk AUTHORIZATION " + db.split("//")[1].split("@")[0])
        con.execute("CREATE TABLE copydesk.meta(key text PRIMARY KEY, value text)")
        con.execute("INSERT INTO copydesk.meta VALUES ('schema', '0')")
        con.execute("ALTER TABLE copydesk.meta OWNER TO " + db.split("//")[1].split("@")[0])
    r = run_cli("corpus", "stats", cwd=shared)
    assert r.returncode == 2 and f"older than this copydesk's ({V}): run `copydesk corpus index`" in r.stderr_text
    assert json.loads(index(shared).stdout_text)["files"] == 65
    assert run_cli("corpus", "search", "412 deaths", cwd=shared).returncode == 0


def test_one_indexer_at_a_time(tmp_path, db, archive):
    import psycopg
    from copydesk.corpus.postgres import LOCK_KEY

    shared = project(tmp_path, "shared", archive, db)
    with psycopg.connect(db, password=INGEST_PW, autocommit=True) as other:  # another indexer's session
        other.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        r = index(shared)
        assert r.returncode == 2 and "another `copydesk corpus index` is indexing" in r.stderr_text
        assert "pass --wait SECONDS" in r.stderr_text
        r = index(shared, "--wait", "1")
        assert r.returncode == 2 and "gave up after waiting 1s" in r.stderr_text
        threading.Timer(1.5, lambda: other.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))).start()
        r = index(shared, "--wait", "60")
        assert r.returncode == 0, r.stderr_text
        assert json.loads(r.stdout_text)["added"] == 65


def test_readers_query_while_the_indexer_runs(tmp_path, db, archive):
    from copydesk.config import load_config
    from copydesk.corpus import open_corpus
    from copydesk.engine import load_ruleset

    generate(archive / "more", 900, seed=9)
    shared = project(tmp_path, "shared", archive, db)
    cfg = load_config(shared / "copydesk.toml")
    first = index(shared)  # nothing yet; then more while a reader reads
    assert first.returncode == 0
    (archive / "more2").mkdir()
    generate(archive / "more2", 500, seed=10)
    reader = open_corpus(cfg, load_ruleset(cfg).lexicons)
    seen, errors, stop = [], [], threading.Event()

    def read():
        while not stop.is_set():
            try:
                reader._checked_at = 0  # re-read the version every time
                st = reader.stats()
                hits = reader.search("Observatory said", limit=5)
                found = reader.figures_in_context("deaths", ["Observatory", "Aleppo", "fighting"], 1)
                reader.figures([fid for fid, _ in found])
                seen.append((st["files"], st["sentences"], len(hits)))
            except Exception as e:  # noqa: BLE001 - any failure is the test's failure
                errors.append(repr(e))

    t = threading.Thread(target=read)
    t.start()
    try:
        r = index(shared)
    finally:
        stop.set()
        t.join()
    assert r.returncode == 0 and json.loads(r.stdout_text)["added"] == 500
    assert not errors
    files = [s[0] for s in seen]
    assert len(set(files)) > 1 and files == sorted(files)  # whole batches appear, never go back
    assert all(n == 5 for _, _, n in seen)
    reader.close()


def test_a_killed_indexer_loses_nothing_and_doubles_nothing(tmp_path, db, pg, archive):
    generate(archive / "more", 1400, seed=3)
    total = 65 + 1400
    shared = project(tmp_path, "shared", archive, db)
    dbname = db.rsplit("/", 1)[1]
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "corpus", "index", "--json"], cwd=shared,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    committed = 0
    with pg.admin(dbname) as con:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                committed = con.execute("SELECT count(*) FROM copydesk.files").fetchone()[0]
            except Exception:  # noqa: BLE001 - the schema is not there yet
                committed = 0
            if committed > 0:
                break
            time.sleep(0.02)
    assert proc.poll() is None, "the indexer finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the indexer and its parsing workers, mid-run
    proc.wait()
    with pg.admin(dbname) as con:
        committed = con.execute("SELECT count(*) FROM copydesk.files").fetchone()[0]
    assert 0 < committed < total

    r = index(shared)
    assert r.returncode == 0, r.stderr_text
    counts = json.loads(r.stdout_text)
    assert counts["added"] == total - committed and counts["files"] == total
    with pg.admin(dbname) as con:
        q = lambda s: con.execute(s).fetchone()  # noqa: E731
        assert q("SELECT count(*), count(DISTINCT path), count(DISTINCT article) FROM copydesk.docs") == (total,) * 3
        assert q("SELECT count(*) FROM copydesk.files f JOIN copydesk.docs d ON d.id = f.doc")[0] == total
        assert q("SELECT value::bigint FROM copydesk.meta WHERE key = 'sentences'")[0] == \
            q("SELECT count(*) FROM copydesk.sents")[0]
        assert q("SELECT count(*) FROM copydesk.sents s LEFT JOIN copydesk.docs d ON d.id = s.doc "
                 "WHERE d.id IS NULL")[0] == 0
        assert q("SELECT count(*) FROM (SELECT grp, term, n, (SELECT count(*) FROM copydesk.fig_terms p "
                 "WHERE p.grp = t.grp AND p.term = t.term) AS m FROM copydesk.term_stats t) x WHERE n <> m")[0] == 0
    lite = project(tmp_path, "lite", archive, None)
    assert index(lite).returncode == 0
    st_a = json.loads(run_cli("corpus", "stats", "--json", cwd=lite).stdout_text)
    st_b = json.loads(run_cli("corpus", "stats", "--json", cwd=shared).stdout_text)
    assert [st_a[k] for k in ("files", "sentences", "figures")] == [st_b[k] for k in ("files", "sentences", "figures")]


def test_a_slow_query_is_cancelled_by_the_statement_timeout(tmp_path, db, pg, archive):
    import psycopg

    shared = project(tmp_path, "shared", archive, db, "corpus_db_timeout = 1\n")
    assert index(shared).returncode == 0
    draft = shared / "d.md"
    draft.write_text(DRAFT, encoding="utf-8")
    with pg.admin(db.rsplit("/", 1)[1]) as con:
        con.autocommit = False
        con.execute("LOCK TABLE copydesk.term_stats IN ACCESS EXCLUSIVE MODE")  # holds every look-up
        r = run_cli("check", str(draft), cwd=shared)
        con.rollback()
    assert r.returncode == 2 and "loaded-term/regime" in r.stdout_text
    assert "took longer than 1s and was cancelled" in r.stderr_text
    assert psycopg  # the driver is what cancels: statement_timeout on every reader connection


def test_server_stopped_under_the_cli_is_one_message_and_the_other_checks_run(tmp_path, db, pg, archive):
    shared = project(tmp_path, "shared", archive, db)
    assert index(shared).returncode == 0
    files = drafts(tmp_path / "drafts", 4)
    pg.stop()
    try:
        r = run_cli("check", *conf(shared), *files, cwd=shared)
        s = run_cli("corpus", "search", "deaths", cwd=shared)
        i = index(shared)
    finally:
        pg.start()
    assert r.returncode == 2 and "[loaded-term/" in r.stdout_text and "[figures/" not in r.stdout_text
    lines = [l for l in r.stderr_text.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"copydesk: cannot reach the corpus database {db}: ")
    assert "figures are not checked" in lines[0] and "Traceback" not in r.stderr_text
    assert s.returncode == 2 and s.stderr_text.startswith("copydesk: cannot reach the corpus database")
    assert i.returncode == 2 and i.stderr_text.startswith("copydesk: cannot reach the corpus database")
    again = run_cli("check", *conf(shared), *files, cwd=shared)
    assert "figures/figure-mismatch" in again.stdout_text and again.returncode == 1


# ----------------------------------------------------------- language server

import pytest_lsp  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402

from lsp_helpers import change_doc, file_uri, open_doc, server_config, start_session, wait_diagnostics  # noqa: E402


@pytest_lsp.fixture(config=server_config())
async def shared_client(lsp_client: LanguageClient, tmp_path, db, pg):
    folder = tmp_path / "ws"
    folder.mkdir()
    await start_session(lsp_client, folder, {"debounce": 0})
    (folder / "copydesk.toml").write_text(
        f'corpus = ["{SEEDS}"]\ncorpus_db = "{db}"\ncorpus_db_password_env = "{PW_ENV}"\n', encoding="utf-8")
    r = index(folder)
    assert r.returncode == 0, r.stderr_text
    lsp_client.pg = pg
    yield
    await lsp_client.shutdown_session()


async def test_the_language_server_keeps_working_while_the_server_is_down_and_retries(
        shared_client: LanguageClient):
    client, pg = shared_client, shared_client.pg
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    codes = {d.code for d in await wait_diagnostics(client, uri)}
    assert {"figures/figure-mismatch", "loaded-term/regime"} <= codes
    [fig] = [d for d in client.diagnostics[uri] if d.code == "figures/figure-mismatch"]
    assert fig.related_information[0].location.uri == file_uri(SEEDS / SEED_004)

    # A restart between two look-ups: the pooled connections are dead, the
    # next look-up connects again without a word to the user.
    pg.stop()
    pg.start()
    time.sleep(1.1)  # readers re-check the server at most once a second
    change_doc(client, uri, 2, None, DRAFT + "\nThe army said it had advanced.\n")
    codes = {d.code for d in await wait_diagnostics(client, uri)}
    assert {"figures/figure-mismatch", "loaded-term/regime"} <= codes
    assert not [m for m in client.messages if "cannot reach" in m.message]

    pg.stop()
    time.sleep(1.1)
    try:
        change_doc(client, uri, 3, None, DRAFT + "\nThe regime's forces fell back.\n")
        codes = [d.code for d in await wait_diagnostics(client, uri)]
        assert codes == ["loaded-term/regime", "loaded-term/regime"]
        warned = [m for m in client.messages if "cannot reach the corpus database" in m.message]
        assert len(warned) == 1 and warned[0].type == types.MessageType.Warning
        hover = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(0, DRAFT.index("90,000") + 1)))
        assert hover is None or "Figure" not in hover.contents.value
        change_doc(client, uri, 4, None, DRAFT + "\nThe regime's forces fell back again.\n")
        await wait_diagnostics(client, uri)
        assert len([m for m in client.messages if "cannot reach" in m.message]) == 1  # said once
    finally:
        pg.start()
    # The server retries after a back-off that doubles while the outage lasts
    # (2 s, 4 s, … at most 60 s): edits go on until the corpus is back.
    codes: set = set()
    for version in range(5, 40):
        time.sleep(2)
        change_doc(client, uri, version, None, DRAFT + ("\n" if version % 2 else ""))
        codes = {d.code for d in await wait_diagnostics(client, uri)}
        if "figures/figure-mismatch" in codes:
            break
    assert {"figures/figure-mismatch", "loaded-term/regime"} <= codes
    assert len([m for m in client.messages if "cannot reach" in m.message]) == 1
