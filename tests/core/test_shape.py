"""Dimension and PartialShape: static, dynamic and interval dims."""

from __future__ import annotations

import pytest
from pyvino import Dimension, PartialShape, PyvinoError


def test_parse_openvino_spellings():
    s = PartialShape.parse("?,3,1..10,8")
    assert str(s) == "[?,3,1..10,8]"
    assert s[0].is_dynamic and s[1] == 3 and (s[2].min, s[2].max) == (1, 10)
    assert PartialShape.parse("[1,-1]")[1].is_dynamic
    assert not PartialShape.parse("...").rank_is_static
    assert str(Dimension.parse("2..")) == "2.."


def test_compatibility_with_concrete_shapes():
    s = PartialShape.parse("?,3,8..64")
    assert s.compatible((5, 3, 8))
    assert s.compatible((1, 3, 64))
    assert not s.compatible((1, 3, 65))
    assert not s.compatible((1, 4, 10))
    assert not s.compatible((1, 3))
    assert PartialShape(None).compatible((1, 2, 3))


def test_static_shape_and_errors():
    assert PartialShape([1, 2]).to_shape() == (1, 2)
    with pytest.raises(PyvinoError, match="dynamic"):
        PartialShape.parse("1,?").to_shape()
    with pytest.raises(PyvinoError, match="cannot parse dimension"):
        Dimension.parse("x")
    with pytest.raises(PyvinoError, match="invalid dimension interval"):
        Dimension(5, 2)


def test_merge_intersects_intervals():
    assert Dimension(1, 10).merge(Dimension(5, 20)) == Dimension(5, 10)
    with pytest.raises(PyvinoError, match="incompatible"):
        Dimension(1, 2).merge(Dimension(3, 4))
