"""``macrotrace lsp``: macrotrace in any editor that speaks the Language Server Protocol.

``server`` wires the protocol (pygls); ``document`` finds names and invocations in an
editor's text; ``views`` turns a trace model into hovers and edits; ``jobs`` runs traces
one at a time and cancels stale ones; ``settings`` is the session's configuration,
turned into a ``RunConfig`` by the command line's own code; ``defines`` finds what a
``#define`` line defined and under which ``#if`` chain.
"""
