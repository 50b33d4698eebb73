"""`python -m zivverdesk` runs the same command line as the `zivverdesk` script."""

from zivverdesk.cli import main

raise SystemExit(main())
