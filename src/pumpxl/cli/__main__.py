"""``python -m pumpxl.cli``: the same as the ``pumpxl`` command."""

from pumpxl.cli import main

raise SystemExit(main())
