"""``python -m tlstudio`` behaves like the ``tlstudio`` command."""

import sys

from tlstudio.cli.main import main

sys.exit(main())
