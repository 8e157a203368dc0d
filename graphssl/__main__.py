"""``python -m graphssl`` runs the command-line interface."""

from graphssl.cli import main

raise SystemExit(main())
