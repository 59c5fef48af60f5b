"""Tools that sit on top of the runtime: layer-by-layer cross-checking of two inferences.

Post-training quantization lives in ``pyvino.quantization``; both use ``_observe`` to run a
model with extra Results on the tensors they look at.
"""

from __future__ import annotations

from pyvino.tools.cross_check import CrossCheckReport, LayerComparison, cross_check

__all__ = ["CrossCheckReport", "LayerComparison", "cross_check"]
