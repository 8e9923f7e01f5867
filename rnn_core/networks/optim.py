"""Adam and SGD with momentum, computed by torch's own functional optimizers.

Why not ``torch.optim.Adam`` itself: in torch 2.x, building or stepping any ``torch.optim``
optimizer imports ``torch._dynamo``, the compiler (sympy and some 800 modules). On a server
that never compiles a model that costs about 70 MB of memory, a seventh of a hosted app's
budget, and 1.2 s on the first Start. The arithmetic here is still torch's:
``torch.optim.adam.adam`` and ``torch.optim.sgd.sgd`` are the functions the classes call,
with the classes' defaults. ``tests/test_optim.py`` checks the weights match
``torch.optim`` bit for bit, and that training leaves ``torch._dynamo`` unimported.

Only what the Trainer needs: one parameter group, ``lr`` changeable between steps
(``param_groups[0]["lr"]``), ``zero_grad`` and ``step``.
"""

from __future__ import annotations

import torch
from torch.optim.adam import adam
from torch.optim.sgd import sgd


def _step_dtype() -> torch.dtype:
    """What torch.optim uses for Adam's step counter on the CPU."""
    return torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32


class _Optimizer:
    def __init__(self, params, lr: float):
        params = list(params)
        if not params:
            raise ValueError("optimizer got an empty parameter list")
        self.param_groups = [{"params": params, "lr": float(lr)}]
        self.state: dict[torch.Tensor, dict] = {}

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.param_groups[0]["params"]:
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad.detach_()
                p.grad.zero_()

    def _with_grads(self) -> list[torch.Tensor]:
        return [p for p in self.param_groups[0]["params"] if p.grad is not None]


class Adam(_Optimizer):
    """``torch.optim.Adam(params, lr)`` with its defaults: betas (0.9, 0.999), eps 1e-8."""

    def __init__(self, params, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        super().__init__(params, lr)
        self.betas, self.eps = betas, eps

    @torch.no_grad()
    def step(self) -> None:
        params = self._with_grads()
        for p in params:
            if p not in self.state:
                self.state[p] = {"step": torch.tensor(0.0, dtype=_step_dtype()),
                                 "exp_avg": torch.zeros_like(p, memory_format=torch.preserve_format),
                                 "exp_avg_sq": torch.zeros_like(p, memory_format=torch.preserve_format)}
        states = [self.state[p] for p in params]
        adam(params, [p.grad for p in params], [s["exp_avg"] for s in states], [s["exp_avg_sq"] for s in states],
             [], [s["step"] for s in states], has_complex=any(torch.is_complex(p) for p in params),
             amsgrad=False, beta1=self.betas[0], beta2=self.betas[1], lr=self.param_groups[0]["lr"],
             weight_decay=0.0, eps=self.eps, maximize=False)


class SGD(_Optimizer):
    """``torch.optim.SGD(params, lr, momentum)``: no dampening, weight decay or Nesterov."""

    def __init__(self, params, lr: float, momentum: float = 0.0):
        super().__init__(params, lr)
        self.momentum = float(momentum)

    @torch.no_grad()
    def step(self) -> None:
        params = self._with_grads()
        buffers = [self.state.get(p, {}).get("momentum_buffer") for p in params]
        sgd(params, [p.grad for p in params], buffers, weight_decay=0.0, momentum=self.momentum,
            lr=self.param_groups[0]["lr"], dampening=0.0, nesterov=False, maximize=False)
        if self.momentum != 0:
            for p, buf in zip(params, buffers):
                self.state.setdefault(p, {})["momentum_buffer"] = buf
