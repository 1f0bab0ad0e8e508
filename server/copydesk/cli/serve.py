"""``copydesk serve``: start the language server."""
from __future__ import annotations

import click


@click.command()
@click.option("--stdio", is_flag=True, help="Speak LSP over stdin/stdout (the default; accepted for clients that pass it).")
@click.option("--tcp", "tcp", metavar="HOST:PORT", help="Listen on a TCP socket instead (for debugging).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Also write the server's own log to this file.")
def serve(stdio: bool, tcp: str | None, log_file: str | None) -> None:
    """Run the language server (LSP over stdio, or --tcp HOST:PORT)."""
    from ..lsp.memory import use_system_allocator

    use_system_allocator()  # may re-execute this command: nothing is read or started before it
    import logging

    # stdout carries the protocol: logs go to stderr (or a file), never stdout.
    logging.basicConfig(
        filename=log_file, level=logging.INFO if log_file else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from ..lsp.memory import tune_allocator
    from ..lsp.server import create_server

    tune_allocator()
    server = create_server()
    import gc

    # Long-lived imports and rule data never become garbage: keep the cyclic
    # collector off them, and collect less often (fewer pauses mid-keystroke).
    gc.freeze()
    gc.set_threshold(20000, 20, 50)
    if tcp:
        host, _, port = tcp.rpartition(":")
        if not port.isdigit():
            raise click.BadParameter("expected HOST:PORT, e.g. 127.0.0.1:2087", param_hint="--tcp")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        import sys

        # The protocol owns the real stdout; anything a library prints goes
        # to stderr instead of corrupting the message stream.
        from ..lsp.framing import ResyncingReader

        stdin, stdout = ResyncingReader(sys.stdin.buffer), sys.stdout.buffer
        sys.stdout = sys.stderr
        server.start_io(stdin, stdout)
