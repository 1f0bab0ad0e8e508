"""The ``copydesk`` command line: a front-end over the engine.

One module per subcommand (``check``, ``rules``, ``corpus``, ``serve``), each
imported only when that subcommand runs: ``copydesk check`` does not pay for
the language server's imports. A new subcommand is a module here and one line
in ``LazyGroup.lazy``.
"""
from __future__ import annotations

import os
import sys

import click

from .. import __version__
from .common import EXIT_ERROR


class LazyGroup(click.Group):
    """Subcommands that live in other modules are imported only when used,
    so ``copydesk check`` does not pay for the language server's imports."""

    lazy: dict[str, str] = {
        # name: "module:attribute" (relative to this package)
        "check": ".check:check",
        "corpus": ".corpus:corpus",
        "report": ".report:report",
        "rules": ".rules:rules",
        "serve": ".serve:serve",
        "sources": ".sources:sources",
    }

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.lazy))

    def invoke(self, ctx):
        # Never a traceback for the user: an unexpected error is one line on
        # stderr and exit 2 (COPYDESK_DEBUG=1 shows the traceback).
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            # 130 like a shell, not click's 1 (which would read as "findings").
            click.echo("copydesk: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            raise
        except Exception as e:
            if os.environ.get("COPYDESK_DEBUG"):
                raise
            click.echo(f"copydesk: internal error: {type(e).__name__}: {e} "
                       "(set COPYDESK_DEBUG=1 for the traceback; please report it)", err=True)
            sys.exit(EXIT_ERROR)

    def get_command(self, ctx, name):
        if name in self.lazy and name not in self.commands:
            import importlib

            module, attr = self.lazy[name].split(":")
            self.add_command(getattr(importlib.import_module(module, __package__), attr), name)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="copydesk")
def main() -> None:
    """Source-bias and attribution checker for news drafts."""
