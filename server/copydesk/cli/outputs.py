"""``copydesk check --write FORMAT=FILE``: one lint, several reports (the
GitHub Action writes annotations, SARIF, JUnit and a job summary from one run)."""
from __future__ import annotations

import click

from ..formats import format_names


def parse_writes(_ctx, param, values) -> list[tuple[str, str]]:
    """``sarif=out.sarif`` -> ("sarif", "out.sarif"), the format checked now."""
    out = []
    known = format_names()
    for value in values:
        fmt, sep, path = value.partition("=")
        fmt = fmt.strip().lower()
        if not sep or not path:
            raise click.BadParameter(f"{value!r}: expected FORMAT=FILE, e.g. sarif=copydesk.sarif", param=param)
        if fmt not in known:
            raise click.BadParameter(f"{value!r}: unknown format {fmt!r} (one of {', '.join(known)})", param=param)
        out.append((fmt, path))
    return out


def write_option(fn):
    return click.option(
        "--write", "writes", multiple=True, metavar="FORMAT=FILE", callback=parse_writes,
        help="Also write the report in FORMAT to FILE, from the same run (repeatable): "
             "--write sarif=copydesk.sarif --write junit=copydesk.xml --write markdown=summary.md.")(fn)

