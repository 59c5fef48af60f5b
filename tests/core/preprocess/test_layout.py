"""Layout: OpenVINO's spellings, indices by name, permutations between layouts."""

from __future__ import annotations

import pytest
from pyvino import PyvinoError
from pyvino.preprocess import Layout
from pyvino.preprocess._layout import apply_permutation, find_permutation


def test_letter_and_bracket_forms_are_the_same_layout():
    assert Layout("NCHW") == Layout("[N,C,H,W]") == Layout("nchw")
    assert Layout("NCHW").to_string() == "[N,C,H,W]"
    assert str(Layout("[batch,seq]")) == "[BATCH,SEQ]"


def test_index_by_name_counts_from_the_end_after_an_ellipsis():
    assert Layout("NCHW").get_index_by_name("C") == 1
    assert Layout("NHWC").get_index_by_name("c") == 3
    assert Layout("...C").get_index_by_name("C") == -1
    assert Layout("NC...").get_index_by_name("C") == 1
    assert Layout("N...HW").get_index_by_name("H") == -2


def test_unknown_names_and_bad_text_are_rejected():
    with pytest.raises(PyvinoError, match="no dimension named 'D'"):
        Layout("NCHW").get_index_by_name("D")
    with pytest.raises(PyvinoError, match="repeated"):
        Layout("NCC")
    with pytest.raises(PyvinoError, match="only once"):
        Layout("N......")
    with pytest.raises(PyvinoError, match="closing"):
        Layout("[N,C")


def test_empty_layout():
    assert Layout().empty() and not Layout()
    assert Layout("").to_string() == ""


def test_permutations_between_layouts():
    assert find_permutation(Layout("NHWC"), 4, Layout("NCHW")) == [0, 3, 1, 2]
    assert find_permutation(Layout("NCHW"), 4, Layout("NHWC")) == [0, 2, 3, 1]
    assert find_permutation(Layout("NHWC"), 4, Layout("NC...")) == [0, 3, 1, 2]
    assert find_permutation(Layout("NC..."), 4, Layout("NHWC")) == [0, 2, 3, 1]
    assert find_permutation(Layout("NCHW"), 4, Layout("NCHW")) is None
    assert apply_permutation(Layout("NHWC"), [0, 3, 1, 2]) == Layout("NCHW")
