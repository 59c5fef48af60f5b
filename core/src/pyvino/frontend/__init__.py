"""Built-in model frontends: framework formats converted to pyvino ``Model`` graphs."""

from __future__ import annotations
