"""`python -m migrator`: the same command line as the `upsun-migrator` script."""

import sys

from migrator.cli import main

sys.exit(main())
