"""What was executed: PERF_COUNT records and ``get_runtime_model()`` (the executed graph).

Each step is reported under its naming node (the anchor of a fusion) as EXECUTED with its
kernel's ``exec_type`` (``gemm_1x1_FP32``, ``winograd_FP32``, ``ref_any_FP32`` ...); the nodes
fused into it, folded constants and views are OPTIMIZED_OUT; Parameters, Constants and Results
are NOT_RUN. The runtime model has one ``ExecutionNode`` per step, view and model input/output,
with OpenVINO's rt_info keys.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pyvino import Model, Op, PartialShape, ProfilingInfo, Type
from pyvino._core_ops import Constant, Parameter, Result

from pyvino_cpu._plan import CONST, Plan, Step


def _precision(node: Op) -> str:
    return node.get_output_element_type(0).precision if node.get_output_size() else "undef"


def exec_type(step: Step) -> str:
    """``<kernel>_<precision>``, e.g. ``im2col_gemm_FP32``."""
    return f"{step.kernel.exec_type}_{_precision(step.nodes[0])}"


def profiling_info(plan: Plan, times: list[float]) -> list[ProfilingInfo]:
    zero = timedelta(0)
    info = [
        ProfilingInfo(n.friendly_name, n.type_name, "undef", "NOT_RUN", zero, zero)
        for n in plan.static_nodes
    ]
    info += [
        ProfilingInfo(n.friendly_name, n.type_name, "constant_folded", "OPTIMIZED_OUT", zero, zero)
        for n in plan.folded
    ]
    info += [
        ProfilingInfo(n.friendly_name, n.type_name, "view", "OPTIMIZED_OUT", zero, zero)
        for n in plan.views
    ]
    for step, t in zip(plan.steps, times):
        kind, spent = exec_type(step), timedelta(seconds=t)
        lead, *fused = step.nodes
        info.append(
            ProfilingInfo(lead.friendly_name, lead.type_name, kind, "EXECUTED", spent, spent)
        )
        info += [
            ProfilingInfo(n.friendly_name, n.type_name, kind, "OPTIMIZED_OUT", zero, zero)
            for n in fused
        ]
    return info


class ExecutionNode(Op):
    """A node of the executed graph (OpenVINO's ``ExecutionNode``): types and shapes as run."""

    type_name = "ExecutionNode"
    version_id = "opset1"
    num_inputs = (0, None)

    def __init__(
        self, inputs: list[Any], outputs: list[tuple[Type, PartialShape]], name: str
    ) -> None:
        self._declared = outputs
        super().__init__(inputs, {}, name)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return list(self._declared)


def _rt(
    order: int,
    micros: float | None,
    layer: str,
    names: list[Op],
    primitive: str,
    precision: str,
    outputs: list[tuple[Type, PartialShape]],
) -> dict[str, str]:
    return {
        "execOrder": str(order),
        "execTimeMcs": "not_executed" if micros is None else str(round(micros)),
        "layerType": layer,
        "originalLayersNames": ",".join(n.friendly_name for n in names),
        "primitiveType": primitive,
        "runtimePrecision": precision,
        "outputPrecisions": ",".join(t.name for t, _ in outputs),
        "outputLayouts": ",".join(
            "abcdefgh"[: len(sh)] if sh.rank_is_static else "undef" for _, sh in outputs
        ),
    }


class _Builder:
    """Rebuilds the executed graph slot by slot (views and constants on first use)."""

    def __init__(self, plan: Plan, times: list[float]) -> None:
        self.plan, self.times = plan, times
        self.producer: dict[int, Any] = {}
        self.order = 0

    def _add(
        self,
        node: Op,
        micros: float | None,
        layer: str,
        names: list[Op],
        primitive: str,
        precision: str,
    ) -> Op:
        outs = [
            (node.get_output_element_type(i), node.get_output_partial_shape(i))
            for i in range(node.get_output_size())
        ]
        node.rt_info.update(_rt(self.order, micros, layer, names, primitive, precision, outs))
        self.order += 1
        return node

    def value(self, s: int) -> Any:
        if s not in self.producer:
            slot = self.plan.slots[s]
            if slot.kind == CONST:
                const = Constant(slot.value, Type.get(slot.value.dtype), f"const_{s}")
                self._add(const, None, "Const", [], "unknown_" + _precision(const), "undef")
                self.producer[s] = const.output(0)
            else:  # a view
                original = self.plan.view_nodes[s]
                t, shape = Type.get(slot.dtype), PartialShape(list(slot.shape))
                node = ExecutionNode([self.value(slot.base)], [(t, shape)], original.friendly_name)
                self._add(node, 0.0, original.type_name, [original], f"view_{t.precision}", t.name)
                self.producer[s] = node.output(0)
        return self.producer[s]

    def build(self, model: Model) -> Model:
        params = []
        for p, s in zip(model.get_parameters(), self.plan.params):
            node = Parameter(
                p.get_output_element_type(0), p.get_output_partial_shape(0), p.friendly_name
            )
            self._add(
                node,
                None,
                "Parameter",
                [p],
                "unknown_" + _precision(p),
                p.get_output_element_type(0).name,
            )
            self.producer[s] = node.output(0)
            params.append(node)
        for i, step in enumerate(self.plan.steps):
            lead = step.nodes[0]
            outs = [
                (
                    lead.get_output_element_type(k)
                    if step.is_reference
                    else step.nodes[-1].get_output_element_type(0),
                    PartialShape(list(self.plan.slots[s].shape))
                    if self.plan.slots[s].shape is not None
                    else PartialShape(None),
                )
                for k, s in enumerate(step.outputs)
            ]
            node = ExecutionNode([self.value(s) for s in step.inputs], outs, lead.friendly_name)
            micros = self.times[i] * 1e6 if self.times else None
            precision = "undef" if step.is_reference else outs[0][0].name
            self._add(node, micros, lead.type_name, step.nodes, exec_type(step), precision)
            for k, s in enumerate(step.outputs):
                self.producer[s] = node.output(k)
        results = []
        for r, s in zip(model.get_results(), self.plan.results):
            node = Result([self.value(s)], name=r.friendly_name)
            self._add(
                node,
                None,
                "Result",
                [r],
                "unknown_" + _precision(r),
                node.get_output_element_type(0).name,
            )
            results.append(node)
        return Model(results, params, model.friendly_name)


def runtime_model(model: Model, plan: Plan, times: list[float]) -> Model:
    """The executed graph of ``plan``; times (execTimeMcs) from the last profiled run."""
    return _Builder(plan, times).build(model)
