"""Port descriptions of sub-graph ops: how op inputs/outputs meet body Parameters/Results.

Indices refer to ``body.get_parameters()`` / ``body.get_results()`` (they survive
``Model.clone()``); ``input_index`` / ``output_index`` are the op's own port indices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InvariantInput:
    """Op input ``input_index`` feeds body parameter ``body_parameter_index`` on every iteration."""

    input_index: int
    body_parameter_index: int


@dataclass(frozen=True)
class SlicedInput:
    """Op input sliced along ``axis``: iteration k gets part k of ``part_size`` elements taken
    from ``[start, end]`` (inclusive, negative counts from the end), backwards if ``stride < 0``."""

    input_index: int
    body_parameter_index: int
    axis: int
    start: int = 0
    stride: int = 1
    part_size: int = 1
    end: int = -1


@dataclass(frozen=True)
class MergedInput:
    """Op input is the first value of a body parameter; later iterations get the value of body
    result ``body_value_index`` from the previous iteration (a back edge)."""

    input_index: int
    body_parameter_index: int
    body_value_index: int


@dataclass(frozen=True)
class BodyOutput:
    """Op output ``output_index`` is body result ``body_value_index`` of the last iteration."""

    body_value_index: int
    output_index: int
    iteration: int = -1


@dataclass(frozen=True)
class ConcatOutput:
    """Op output ``output_index`` concatenates body result ``body_value_index`` of every
    iteration along ``axis`` (in reverse iteration order when ``stride < 0``)."""

    body_value_index: int
    output_index: int
    axis: int
    start: int = 0
    stride: int = 1
    part_size: int = 1
    end: int = -1


@dataclass(frozen=True)
class SpecialBodyPorts:
    """Loop's body ports with a purpose: the parameter that receives the iteration number and
    the result that decides whether to run the next iteration (-1: none)."""

    current_iteration_input_idx: int = -1
    body_condition_output_idx: int = -1


InputDescription = InvariantInput | SlicedInput | MergedInput
OutputDescription = BodyOutput | ConcatOutput
