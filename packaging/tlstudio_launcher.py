"""Entry point of the frozen app bundle: the same ``tlstudio`` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from tlstudio.cli.main import main

    sys.exit(main())
