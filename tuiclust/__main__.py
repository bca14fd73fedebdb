"""`python3 -m tuiclust`: the same command line as the `tuiclust` script."""

import sys

from tuiclust.cli.main import main

sys.exit(main())
