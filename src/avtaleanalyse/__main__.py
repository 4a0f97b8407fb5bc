"""``python -m avtaleanalyse`` is the same as the ``avtaleanalyse`` command."""

import sys

from avtaleanalyse.cli import main

sys.exit(main())
