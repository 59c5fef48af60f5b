"""``PrePostProcessor``: ``ppp.input()``, ``ppp.output()``, ``ppp.build()``, ``str(ppp)``."""

from __future__ import annotations

from typing import Any

from pyvino._core_ops import Result
from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino.preprocess import _ppp
from pyvino.preprocess._info import InputInfo, OutputInfo
from pyvino.preprocess._layout import get_layout


class PrePostProcessor:
    """Adds pre/post-processing ops to ``model`` (``openvino.preprocess.PrePostProcessor``).

    Example::

        ppp = PrePostProcessor(model)
        ppp.input().tensor().set_element_type(Type.u8).set_layout(Layout("NHWC")) \\
            .set_color_format(ColorFormat.BGR)
        ppp.input().model().set_layout(Layout("NCHW"))
        ppp.input().preprocess().convert_element_type(Type.f32) \\
            .convert_color(ColorFormat.RGB).mean([123.7, 116.3, 103.5]).scale(58.4)
        model = ppp.build()
    """

    def __init__(self, model: Model) -> None:
        self._model = model
        self._inputs: dict[int, InputInfo] = {}
        self._outputs: dict[int, OutputInfo] = {}

    def input(self, key: int | str | Any = None) -> InputInfo:
        """The InputInfo of input ``key`` (index, tensor name, or the only input)."""
        port = self._model.input(key)
        index = self._model.inputs.index(port)
        return self._inputs.setdefault(index, InputInfo(port))

    def output(self, key: int | str | Any = None) -> OutputInfo:
        port = self._model.output(key)
        index = self._model.outputs.index(port)
        return self._outputs.setdefault(index, OutputInfo(port))

    def _result(self, index: int) -> Result:
        return self._model.get_results()[index]

    def build(self) -> Model:
        """Insert the ops into the model (in place, as OpenVINO) and return it."""
        plans = []
        for info in self._inputs.values():
            plan = _ppp.plan_input(info)
            plans.append((plan, _ppp.run_input(info, plan)))
        for plan, node in plans:
            _ppp.attach_input(self._model, plan, node)
        for index, info in self._outputs.items():
            result = self._result(index)
            node, layout = _ppp.run_output(info, result)
            _ppp.attach_output(result, node, layout)
        try:
            self._model.validate_nodes_and_infer_types()
        except PyvinoError as exc:
            raise PyvinoError(f"PrePostProcessor.build: the model is invalid after inserting "
                              f"the steps: {exc}") from exc
        return self._model

    def __str__(self) -> str:
        lines: list[str] = []
        for info in self._inputs.values():
            plan = _ppp.plan_input(info)
            ctx = plan.ctx
            name = sorted(info.port.names)[0] if info.port.names else ""
            color = info.tensor().color_format
            head = f'Input "{name}"' if name else "Input"
            if color.value != "UNDEFINED":
                head += f" (color {color.value})"
            lines.append(head + ":")
            params = plan.new_params
            if len(params) == 1:
                tensor = _ppp.dump_tensor(params[0].output(0), ctx)
                lines.append("    User's input tensor: " + tensor)
            else:
                lines.append(f"    {len(params)} user's tensors expected for each plane:")
                for i, p in enumerate(params):
                    pname = sorted(p.output(0).names)[0] + " " if p.output(0).names else ""
                    lines.append(f"       {i}: {pname}" + _ppp.dump_tensor(p.output(0), ctx))
            lines.append("    Model's expected tensor: " + _ppp.dump_tensor(
                info.port, ctx, layout=ctx.target_layout))
            _ppp.run_input(info, plan, lines)
        for index, info in self._outputs.items():
            port = info.port
            name = ",".join(sorted(port.names))
            lines.append(f'Output "{name}":' if name else "Output:")
            layout = info.model().layout or get_layout(self._result(index).output(0))
            ctx = _ppp.Context(layout)
            lines.append("    Model's data tensor: " + _ppp.dump_tensor(port, ctx))
            node, final = _ppp.run_output(info, self._result(index), lines)
            lines.append("    User's output tensor: " + _ppp.dump_tensor(node, ctx, layout=final))
        return "\n".join(lines) + ("\n" if lines else "")

    def __repr__(self) -> str:
        return f"<PrePostProcessor: {self._model.friendly_name}>\n{self}"
