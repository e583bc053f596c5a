"""The ``tlstudio`` command line: ``main`` opens the window or runs a headless subcommand."""
