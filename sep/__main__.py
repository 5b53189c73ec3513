"""``python -m sep``: the command line (see :mod:`sep._cli`)."""

from __future__ import annotations

import sys

from sep._cli import main

sys.exit(main())
