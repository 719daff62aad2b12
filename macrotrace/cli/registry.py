"""The subcommands of ``macrotrace``, registered by name.

Adding a command is adding a module to ``macrotrace/cli/commands/``, named as the
command (``journey.py``; ``foo_bar.py`` for ``foo-bar``), that registers itself::

    def _arguments(p):
        p.add_argument("file", help="the C file")

    @command("journey", "follow one macro through the headers", arguments=_arguments,
             flags=("config", "output"))
    def run(ns, compiler_command):
        ...                     # ns: the parsed flags; compiler_command: after --, or None
        return 0                # the exit status

``flags`` names shared flag groups (cli/options.py: GROUPS); ``rank`` orders
``macrotrace --help``.  A command module imports at its top only what every run needs
(startup time is paid by every command).
"""

from ..record import record
from .options import GROUPS


@record(frozen=True)
class Command:
    name: str
    help: str                         # one line in macrotrace --help
    run: object                       # (ns, compiler_command or None) -> exit status
    arguments: object                 # (parser) -> None: the command's own arguments, or None
    flags: tuple = ()                 # names of shared flag groups
    rank: int = 50                    # position in --help (lower first)
    description: "str | None" = None
    epilog: "str | None" = None
    extra_args: bool = False          # unknown arguments go to ns.extra instead of an error

    def configure(self, parser):
        """Give ``parser`` this command's arguments and flag groups."""
        if self.arguments is not None:
            self.arguments(parser)
        for group in self.flags:
            GROUPS[group](parser)
        parser.set_defaults(subcommand=self)


COMMANDS = {}


def command(name, help, arguments=None, **details):
    """Register the decorated ``run(ns, compiler_command)`` as subcommand ``name``."""
    def register(run):
        if name in COMMANDS:
            raise ValueError("two commands named %s" % name)
        COMMANDS[name] = Command(name=name, help=help, run=run, arguments=arguments, **details)
        return run
    return register


def ordered():
    return sorted(COMMANDS.values(), key=lambda c: (c.rank, c.name))
