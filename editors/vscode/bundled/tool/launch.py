"""Start copydesk from the VS Code extension.

The extension runs ``<python> launch.py serve`` (the language server),
``launch.py check ...`` (Lint Workspace), ``launch.py rules explain ID``, or
``launch.py --probe`` to learn whether an interpreter can run copydesk at all.

With COPYDESK_IMPORT_STRATEGY=useBundled (the default) the libraries shipped
in ``../libs`` (copydesk, its rule packs and corpus, and its dependencies,
installed there when the .vsix was built) come first on sys.path, so nothing
needs installing. With ``fromEnvironment`` the interpreter's own copydesk is
used when it has one, and the bundled one otherwise.

Kept compatible with old Pythons on purpose (no f-strings): it must be able to
say "too old" rather than fail with a SyntaxError.
"""
import json
import os
import platform
import sys

MIN_PYTHON = (3, 10)
HERE = os.path.dirname(os.path.abspath(__file__))
LIBS = os.path.normpath(os.path.join(HERE, "..", "libs"))
MANIFEST = os.path.join(LIBS, "copydesk_bundle.json")

# Exit codes the extension turns into messages.
EXIT_OLD_PYTHON = 3
EXIT_NOT_IMPORTABLE = 4


def _manifest():
    try:
        with open(MANIFEST, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _bundle_problem(manifest):
    """Why the bundled libraries cannot run on this interpreter, or None."""
    if not manifest:
        return "the extension's bundled libraries are missing (%s)" % LIBS
    here = "%d.%d" % sys.version_info[:2]
    versions = manifest.get("python_versions", [])
    if here not in versions:
        return "the bundled libraries are built for CPython %s, not %s" % (", ".join(versions), here)
    machine = platform.machine().lower()
    system = sys.platform
    if system != manifest.get("sys_platform") or machine not in manifest.get("machines", []):
        return "the bundled libraries are built for %s/%s, not %s/%s" % (
            manifest.get("sys_platform"), "|".join(manifest.get("machines", [])), system, machine)
    if platform.python_implementation() != "CPython":
        return "the bundled libraries are built for CPython, not %s" % platform.python_implementation()
    return None


def _has_env_copydesk():
    import importlib.util

    return importlib.util.find_spec("copydesk") is not None


def setup_path():
    """Arrange sys.path; return (source, problem)."""
    strategy = os.environ.get("COPYDESK_IMPORT_STRATEGY", "useBundled")
    if strategy == "fromEnvironment" and _has_env_copydesk():
        return "environment", None
    problem = _bundle_problem(_manifest())
    sys.path.insert(0, LIBS)
    return "bundled", problem


def probe():
    info = {
        "executable": sys.executable,
        "version": "%d.%d.%d" % sys.version_info[:3],
        "ok": False,
    }
    if sys.version_info < MIN_PYTHON:
        info["error"] = "Python %s is too old: copydesk needs %d.%d or newer" % (
            info["version"], MIN_PYTHON[0], MIN_PYTHON[1])
    else:
        source, problem = setup_path()
        info["source"] = source
        try:
            import copydesk
            import copydesk.cli  # noqa: F401  (imports the engine's dependencies)
            import re2  # noqa: F401  (compiled: the likeliest to be missing)
            import pygls.lsp.server  # noqa: F401  (the language server's own)
            info["copydesk"] = copydesk.__version__
            info["location"] = os.path.dirname(copydesk.__file__)
            info["ok"] = True
        except Exception as e:  # report any import failure, with the bundle's reason if known
            info["error"] = "cannot import copydesk's libraries (%s: %s)%s" % (
                type(e).__name__, e, "; " + problem if problem else "")
    sys.stdout.write(json.dumps(info) + "\n")
    return 0 if info["ok"] else (EXIT_OLD_PYTHON if sys.version_info < MIN_PYTHON else EXIT_NOT_IMPORTABLE)


def main():
    if sys.argv[1:2] == ["--probe"]:
        return probe()
    if sys.version_info < MIN_PYTHON:
        sys.stderr.write("copydesk needs Python %d.%d or newer; %s is %s.\n" % (
            MIN_PYTHON[0], MIN_PYTHON[1], sys.executable, platform.python_version()))
        return EXIT_OLD_PYTHON
    _source, problem = setup_path()
    try:
        from copydesk.cli import main as cli_main
    except ImportError as e:
        sys.stderr.write("copydesk: cannot import its libraries with %s: %s\n" % (sys.executable, e))
        if problem:
            sys.stderr.write("copydesk: %s\n" % problem)
        sys.stderr.write("copydesk: install copydesk into that Python (pip install copydesk) and set "
                         "copydesk.importStrategy to fromEnvironment, or point copydesk.interpreter "
                         "at a supported Python.\n")
        return EXIT_NOT_IMPORTABLE
    return cli_main(args=sys.argv[1:], prog_name="copydesk")


if __name__ == "__main__":
    sys.exit(main())
