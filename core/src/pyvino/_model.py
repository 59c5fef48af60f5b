"""Model: a graph of ops from Parameters to Results, in topological order."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pyvino._core_ops import Parameter, Result
from pyvino._errors import PyvinoError
from pyvino._node import Op, Output, as_output
from pyvino._shape import PartialShape


def topological_sort(roots: Iterable[Op]) -> list[Op]:
    """Every node reachable from ``roots`` (following inputs), producers before consumers.

    Deterministic: depth-first, inputs visited in port order. Raises on a cycle.
    """
    order: list[Op] = []
    state: dict[int, int] = {}  # id -> 1 visiting, 2 done
    for root in roots:
        if state.get(id(root)) == 2:
            continue
        stack: list[tuple[Op, int]] = [(root, 0)]
        state[id(root)] = 1
        while stack:
            node, i = stack[-1]
            if i < len(node.inputs):
                stack[-1] = (node, i + 1)
                child = node.inputs[i].node
                s = state.get(id(child))
                if s == 1:
                    raise PyvinoError(f"the graph has a cycle through {child.describe()}")
                if s is None:
                    state[id(child)] = 1
                    stack.append((child, 0))
            else:
                stack.pop()
                state[id(node)] = 2
                order.append(node)
    return order


class Model:
    """A computation graph: ``Model(results, parameters, name)`` as in OpenVINO."""

    def __init__(
        self,
        results: Sequence[Any] | Any,
        parameters: Sequence[Parameter] = (),
        name: str = "Model",
    ) -> None:
        if not isinstance(results, (list, tuple)):
            results = [results]
        self._results: list[Result] = [
            r if isinstance(r, Result) else self._make_result(as_output(r)) for r in results
        ]
        self._parameters: list[Parameter] = list(parameters)
        self.friendly_name = name
        self.rt_info: dict[str, Any] = {}
        self._check_parameters()

    @staticmethod
    def _make_result(src: Output) -> Result:
        return Result([src], name=f"{src.node.friendly_name}/sink_port_{src.index}")

    def _check_parameters(self) -> None:
        reachable = [n for n in self.get_ordered_ops() if isinstance(n, Parameter)]
        listed = {id(p) for p in self._parameters}
        missing = [p.friendly_name for p in reachable if id(p) not in listed]
        if missing:
            raise PyvinoError(
                f"model {self.friendly_name!r}: Parameter(s) {', '.join(missing)} are used by "
                "the graph but not listed in the model's parameters"
            )

    # ----------------------------------------------------------------- structure
    @property
    def name(self) -> str:
        return self.friendly_name

    def get_name(self) -> str:
        return self.friendly_name

    def get_friendly_name(self) -> str:
        return self.friendly_name

    def get_parameters(self) -> list[Parameter]:
        return list(self._parameters)

    def get_results(self) -> list[Result]:
        return list(self._results)

    def get_ordered_ops(self) -> list[Op]:
        """All nodes, producers first; Parameters no Result depends on come first."""
        order = topological_sort(self._results)
        seen = {id(n) for n in order}
        unused = [p for p in self._parameters if id(p) not in seen]
        return unused + order

    def get_ops(self) -> list[Op]:
        return self.get_ordered_ops()

    @property
    def inputs(self) -> list[Output]:
        return [p.output(0) for p in self._parameters]

    @property
    def outputs(self) -> list[Output]:
        return [r.inputs[0] for r in self._results]

    def _find(self, ports: list[Output], key: int | str | Output | None, what: str) -> Output:
        if key is None:
            if len(ports) != 1:
                raise PyvinoError(f"model has {len(ports)} {what}s; name one")
            return ports[0]
        if isinstance(key, Output):
            if key in ports:
                return key
            raise PyvinoError(f"{key!r} is not an {what} of model {self.friendly_name!r}")
        if isinstance(key, int):
            if 0 <= key < len(ports):
                return ports[key]
            raise PyvinoError(f"model has {len(ports)} {what}s, no index {key}")
        for port in ports:
            if key in port.names or key == port.node.friendly_name:
                return port
        names = sorted(n for p in ports for n in p.names)
        raise PyvinoError(f"model has no {what} named {key!r}; {what}s are: {', '.join(names)}")

    def input(self, key: int | str | Output | None = None) -> Output:
        return self._find(self.inputs, key, "input")

    def output(self, key: int | str | Output | None = None) -> Output:
        return self._find(self.outputs, key, "output")

    @property
    def is_dynamic(self) -> bool:
        return any(n.get_output_partial_shape(i).is_dynamic
                   for n in self.get_ordered_ops() for i in range(n.get_output_size()))

    # ----------------------------------------------------------------- editing
    def validate_nodes_and_infer_types(self) -> None:
        for node in self.get_ordered_ops():
            node.validate()

    def replace_output(self, old: Output, new: Output) -> None:
        """Make every consumer of ``old`` read ``new`` instead (tensor names move too)."""
        for node in self.get_ordered_ops():
            for i, src in enumerate(node.inputs):
                if src == old:
                    node.inputs[i] = new
                    node.__dict__.pop("_value_cache", None)
        new.add_names(old.names)
        old.names.clear()

    def replace_parameter(self, index: int, parameters: Parameter | Sequence[Parameter]) -> None:
        """Put ``parameters`` (one or several) in the place of input ``index`` (the caller has
        rewired the old Parameter's consumers), as ``openvino.Model.replace_parameter``."""
        if not 0 <= index < len(self._parameters):
            raise PyvinoError(f"model has {len(self._parameters)} parameters, no index {index}")
        new = [parameters] if isinstance(parameters, Parameter) else list(parameters)
        self._parameters[index:index + 1] = new
        self._check_parameters()

    def reshape(self, shapes: Mapping[Any, Any] | Any) -> None:
        """Give inputs new (partial) shapes and re-infer the graph, as ``openvino.Model.reshape``.

        ``shapes`` maps input index, tensor name or Output to a shape (list, str, PartialShape);
        a bare shape applies to the only input.
        """
        if not isinstance(shapes, Mapping):
            shapes = {0 if len(self._parameters) == 1 else None: shapes}
        for key, shape in shapes.items():
            port = self.input(key)
            param = port.node
            assert isinstance(param, Parameter)
            param.set_partial_shape(shape if isinstance(shape, PartialShape) else PartialShape(
                PartialShape.parse(shape) if isinstance(shape, str) else shape))
        self.validate_nodes_and_infer_types()

    def clone(self) -> Model:
        """A deep copy of the graph; constant data is shared (it is read-only)."""
        mapping: dict[int, Op] = {}
        for node in self.get_ordered_ops():
            new_inputs = [Output(mapping[id(i.node)], i.index) for i in node.inputs]
            mapping[id(node)] = node.clone_with_new_inputs(new_inputs)
        model = Model(
            [mapping[id(r)] for r in self._results],
            [mapping[id(p)] for p in self._parameters],
            self.friendly_name,
        )
        model.rt_info = copy.deepcopy(self.rt_info)
        return model

    # ----------------------------------------------------------------- rt_info
    def set_rt_info(self, value: Any, path: str | Sequence[str]) -> None:
        keys = [path] if isinstance(path, str) else list(path)
        d = self.rt_info
        for k in keys[:-1]:
            d = d.setdefault(k, {})
        d[keys[-1]] = value

    def get_rt_info(self, path: str | Sequence[str] | None = None) -> Any:
        if path is None:
            return self.rt_info
        d: Any = self.rt_info
        for k in [path] if isinstance(path, str) else path:
            d = d[k]
        return d

    def has_rt_info(self, path: str | Sequence[str]) -> bool:
        try:
            self.get_rt_info(path)
            return True
        except (KeyError, TypeError):
            return False

    def __repr__(self) -> str:
        ins = ", ".join(f"{p.friendly_name}{p.get_partial_shape()}" for p in self._parameters)
        return f"<Model: '{self.friendly_name}' inputs: [{ins}] outputs: {len(self._results)}>"
