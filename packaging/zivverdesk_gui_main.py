"""Entry point of the bundled `zivverdesk-gui` program: the desktop app without a console window
(the Start-menu shortcut starts it). Arguments are those of `zivverdesk gui`."""

import sys

from zivverdesk.cli import main

if __name__ == "__main__":
    sys.exit(main(["gui", *sys.argv[1:]]))
