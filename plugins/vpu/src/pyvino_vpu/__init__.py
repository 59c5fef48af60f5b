"""pyvino-vpu: an honest emulator of a Myriad X-class VPU (the ``VPU`` device of pyvino).

It runs on the host CPU and says so: fp16 storage of every tensor, float32 accumulation, a
restricted op list, static shapes, a device-memory budget, several sticks ``VPU.0..N-1``,
compiled blobs, and a cost model whose simulated device time appears in the profiling counters.
See README.md for what is emulated and what is not.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
