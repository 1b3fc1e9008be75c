"""``python -m helpers.cli``: the same as the ``roeptoeter`` command."""

import sys

from helpers.cli import main

sys.exit(main())
