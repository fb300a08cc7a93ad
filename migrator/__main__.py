"""`python -m migrator`: the usual exit, since a tool may run this module inside its own
process (runpy, cProfile, pdb); the console script is `cli.run`."""

import sys

from migrator.cli import main

sys.exit(main())
