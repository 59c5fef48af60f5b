"""``python -m pyvino`` is the ``pyvino`` command."""

from __future__ import annotations

import sys

from pyvino.cli import main

sys.exit(main())
