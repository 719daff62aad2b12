"""What goes wrong with a snapshot: one line each, exit status 2 at the command line."""


class SnapshotError(Exception):
    pass


class OldSchemaError(SnapshotError):
    """A sound snapshot in an older layout; ``command`` re-runs it (check --update)."""

    def __init__(self, message, command):
        super().__init__(message)
        self.command = command
