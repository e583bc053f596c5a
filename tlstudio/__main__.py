"""``python -m tlstudio`` behaves like the ``tlstudio`` command."""

import sys

from tlstudio.cli import main

sys.exit(main())
