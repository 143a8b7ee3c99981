"""``python -m tbgeo`` runs the command line."""

from tbgeo.cli import main

raise SystemExit(main())
