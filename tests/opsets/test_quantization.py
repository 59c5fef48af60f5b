"""FakeQuantize-1 against the specification's formula written as a plain Python loop."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_opsets.quantization import FakeQuantize1

rng = np.random.default_rng(3)


def fq(arrays, levels, auto_broadcast="numpy"):
    inputs = [pyvino.Parameter(pyvino.Type.get(a.dtype), a.shape) for a in arrays]
    node = FakeQuantize1(inputs, {"levels": levels, "auto_broadcast": auto_broadcast})
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0).to_shape() == out.shape
    return out


def spec_loop(x, il, ih, ol, oh, levels):
    """The spec's scalar formula; Python's round() rounds half to even like nearbyint."""
    out = np.empty(x.shape, np.float64)
    il, ih, ol, oh = (np.broadcast_to(a, x.shape) for a in (il, ih, ol, oh))
    for i in np.ndindex(*x.shape):
        v, lo, hi = float(x[i]), float(il[i]), float(ih[i])
        if v <= min(lo, hi):
            out[i] = ol[i]
        elif v > max(lo, hi):
            out[i] = oh[i]
        else:
            step = round((v - lo) / (hi - lo) * (levels - 1))
            out[i] = step / (levels - 1) * (float(oh[i]) - float(ol[i])) + float(ol[i])
    return out


def test_round_half_to_even_known_values():
    # levels 3 on [0, 1]: 0.25 -> step 0.5 -> 0 (even), 0.75 -> step 1.5 -> 2 (even)
    x = np.array([-1.0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.0], np.float32)
    one, zero = np.float32([1.0]), np.float32([0.0])
    got = fq([x, zero, one, np.float32([-10.0]), np.float32([10.0])], 3)
    np.testing.assert_array_equal(got, [-10.0, -10.0, -10.0, 0.0, 10.0, 10.0, 10.0])
    assert got.dtype == np.float32


@pytest.mark.parametrize("levels", [2, 16, 255, 256])
def test_per_channel_limits_match_spec(levels):
    x = rng.uniform(-3, 3, (2, 4, 3, 5)).astype(np.float32)
    il = rng.uniform(-2, -0.5, (1, 4, 1, 1)).astype(np.float32)
    ih = rng.uniform(0.5, 2, (1, 4, 1, 1)).astype(np.float32)
    ol, oh = np.float32(-1.0).reshape(()), rng.uniform(1, 2, (4, 1, 1)).astype(np.float32)
    got = fq([x, il, ih, ol, oh], levels)
    np.testing.assert_allclose(got, spec_loop(x, il, ih, ol, oh, levels), rtol=1e-5, atol=1e-5)


def test_inverted_input_range_and_f16():
    x = rng.uniform(-2, 2, (3, 7)).astype(np.float16)
    il, ih = np.float16([1.0]), np.float16([-1.0])  # input_low > input_high
    ol, oh = np.float16([0.0]), np.float16([8.0])
    got = fq([x, il, ih, ol, oh], 9)
    assert got.dtype == np.float16
    np.testing.assert_allclose(got, spec_loop(x, il, ih, ol, oh, 9), atol=1e-2)


def test_broadcast_shapes_and_errors():
    x = pyvino.Parameter("f32", "[?,3,8,8]")
    lim = pyvino.Parameter("f32", [1, 3, 1, 1])
    node = FakeQuantize1([x, lim, lim, lim, lim], {"levels": 256})
    assert node.get_output_partial_shape(0) == pyvino.PartialShape("[?,3,8,8]")
    with pytest.raises(pyvino.OpValidationError, match="levels"):
        FakeQuantize1([x, lim, lim, lim, lim], {"levels": 1})
    with pytest.raises(pyvino.OpValidationError):
        FakeQuantize1([x, pyvino.Parameter("f32", [4]), lim, lim, lim], {"levels": 4})
    i = pyvino.Parameter("i32", [2])
    with pytest.raises(pyvino.OpValidationError, match="floating"):
        FakeQuantize1([i, i, i, i, i], {"levels": 4})
