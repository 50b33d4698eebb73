"""`zivverdesk gui`: open the desktop application."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gui", help="open the desktop application")
    parser.add_argument("--profile", type=Path, help="profile folder (default: the user's)")
    parser.add_argument("--language", choices=("nl", "en"), help="override the language")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from zivverdesk.gui.app import run

    return run(args.profile, language=args.language)
