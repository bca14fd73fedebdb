import sys

from tuiclust.cli.main import main

sys.exit(main())
