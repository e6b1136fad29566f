"""PyInstaller entry point (see build.spec): the same `main` as the `fieldreg` command.

Keep it in step with `[project.scripts] fieldreg` in pyproject.toml.
"""

from ui.cli import main

raise SystemExit(main())
