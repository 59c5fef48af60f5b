"""Op cases of elementwise ops: math, activations, comparison, logic, conversion."""

from __future__ import annotations

import numpy as np

from pyvino.testing._op_case_helpers import B34, IMG, X, binary, one, unary
from pyvino.testing._op_cases import Const, Data, OpCase

SPECIALS = Data((6,), value=[0.0, np.nan, np.inf, -np.inf, 1.5, -2.0])
PLAIN_UNARY = (
    "Abs Ceiling Floor Negative Sign Relu Sigmoid Tanh Exp Erf Sin Cos Atan Sinh Asinh Mish "
    "SoftPlus SoftSign HSwish HSigmoid Swish"
).split()
PLAIN_BINARY = "Add Subtract Multiply Maximum Minimum SquaredDifference".split()
INTS = (Data((3, 4), "i32"), Data((2, 3, 4), "i32"))
BITS = (Data((3, 4), "i32", 0, 64), Data((2, 3, 4), "i32", 0, 64))
BOOLS = (Data((3, 4), "boolean"), Data((2, 3, 4), "boolean"))

CASES: dict[str, list[OpCase]] = {
    **{t: unary() for t in PLAIN_UNARY},
    **{t: unary(0.1, 4.0) for t in ("Sqrt", "Log")},
    **{t: unary(-0.9, 0.9) for t in ("Asin", "Acos", "Atanh")},
    "Tan": unary(-1.2, 1.2),
    "Cosh": unary(-3.0, 3.0),
    "Acosh": unary(1.1, 4.0),
    "Round": [
        one("half_to_even", X, mode="half_to_even"),
        one("half_away", X, mode="half_away_from_zero"),
    ],
    "Gelu": [
        one("erf", X, approximation_mode="ERF"),
        one("tanh", X, approximation_mode="TANH", versions=(7,)),
    ],
    "LogicalNot": unary(type="boolean"),
    "BitwiseNot": unary(type="i32"),
    **{t: [one("specials", SPECIALS)] for t in ("IsNaN", "IsInf", "IsFinite")},
    "Clamp": [one("basic", X, min=-0.5, max=0.5)],
    "Elu": [one("basic", X, alpha=0.5)],
    "Selu": [one("basic", X, Const([1.6732632], "f32"), Const([1.0507], "f32"))],
    "HardSigmoid": [one("basic", X, Const(0.2, "f32"), Const(0.5, "f32"))],
    "PRelu": [one("per_channel", IMG, Const(np.array([0.1, 0.2, 0.3], np.float32)))],
    "Convert": [
        one("to_f16", X, destination_type="f16"),
        one("from_i32", Data((2, 3), "i32", -5, 5), destination_type="f32"),
    ],
    "ConvertLike": [
        one("i32_to_f32", Data((2, 3), "i32", -5, 5), Const(np.zeros(1, np.float32))),
    ],
    **{t: binary() for t in PLAIN_BINARY},
    "Divide": binary(Data((3, 4), low=0.5, high=2.0)),
    "Power": binary(Data((3, 4), low=-2.0, high=2.0), Data((2, 3, 4), low=0.5, high=2.0)),
    "FloorMod": binary(Data((3, 4), low=1.0, high=3.0)),
    "Mod": binary(Data((3, 4), low=1.0, high=3.0)),
    "Equal": binary(*INTS),
    "NotEqual": binary(*INTS),
    **{t: binary() for t in ("Less", "LessEqual", "Greater", "GreaterEqual")},
    **{t: binary(*BOOLS) for t in ("LogicalAnd", "LogicalOr", "LogicalXor")},
    **{t: binary(*BITS) for t in ("BitwiseAnd", "BitwiseOr", "BitwiseXor")},
    "Select": [one("broadcast", Data((2, 3, 4), "boolean"), X, B34, auto_broadcast="numpy")],
    "FakeQuantize": [
        one("levels256", X, *(Const(v, "f32") for v in (-1.0, 1.0, -1.0, 1.0)), levels=256),
    ],
}
