"""Entry point of the bundled `zivverdesk` program (the same command line as the pip script)."""

import multiprocessing
import sys

from zivverdesk.cli import main

if __name__ == "__main__":
    # `relay serve --workers N` starts processes; a frozen program must let them through here.
    multiprocessing.freeze_support()
    sys.exit(main())
