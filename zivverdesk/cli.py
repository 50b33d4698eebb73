"""The `zivverdesk` command.

The command groups live beside the code they drive and register themselves here; each is
imported only when needed, so `zivverdesk relay serve` never loads Qt and `--version` loads
nothing. Every failure the user can act on ends with one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from zivverdesk import __version__
from zivverdesk.core.errors import ZivverdeskError

# module → the name of its `register(subparsers)` function. Modules that do not exist yet
# in a build (for example a server-only install) are left out of the help.
COMMAND_GROUPS: tuple[str, ...] = (
    "zivverdesk.relay.commands",
    "zivverdesk.services.commands",
    "zivverdesk.gui.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zivverdesk",
        description="Secure mail for offices that send privacy-sensitive letters and files.",
    )
    parser.add_argument("--version", action="version", version=f"zivverdesk {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_GROUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "--version":  # answer without importing any group
        print(f"zivverdesk {__version__}")
        return 0
    parser = build_parser()
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        result = handler(args)
    except ZivverdeskError as exc:
        print(f"zivverdesk: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("zivverdesk: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)
