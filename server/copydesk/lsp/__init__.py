"""The copydesk language server: a protocol layer over ``copydesk.engine``.

Nothing here analyses text; it converts between LSP and the engine
(positions, diagnostics, edits) and manages documents, settings and reloads.
"""
