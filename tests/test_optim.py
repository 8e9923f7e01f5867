"""rnn_core.networks.optim: torch.optim's Adam and SGD arithmetic, without importing torch's compiler."""

import subprocess
import sys

import pytest
import torch

from rnn_core.networks import optim


def _train(make, steps=25, lr_change_at=None):
    torch.manual_seed(0)
    model = torch.nn.GRU(2, 8, batch_first=True)
    head = torch.nn.Linear(8, 1)
    params = [*model.parameters(), *head.parameters()]
    opt = make(params)
    g = torch.Generator().manual_seed(1)
    for step in range(steps):
        if step == lr_change_at:
            opt.param_groups[0]["lr"] /= 10
        x, y = torch.randn(16, 5, 2, generator=g), torch.randn(16, 1, generator=g)
        opt.zero_grad(set_to_none=True)
        loss = ((head(model(x)[0][:, -1]) - y) ** 2).mean()
        loss.backward()
        opt.step()
    return [p.detach().clone() for p in params]


@pytest.mark.parametrize("ours, theirs", [
    (lambda p: optim.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    (lambda p: optim.SGD(p, lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    (lambda p: optim.SGD(p, lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
])
def test_weights_match_torch_optim_bit_for_bit(ours, theirs):
    for a, b in zip(_train(ours, lr_change_at=10), _train(theirs, lr_change_at=10)):
        assert torch.equal(a, b)


def test_a_different_learning_rate_gives_different_weights():  # the comparison above can tell them apart
    a = _train(lambda p: optim.Adam(p, lr=0.01))
    b = _train(lambda p: torch.optim.Adam(p, lr=0.02))
    assert not all(torch.equal(x, y) for x, y in zip(a, b))


def test_parameters_without_a_gradient_are_left_alone():
    w, frozen = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    opt = optim.Adam([w, frozen], lr=0.1)
    (w ** 2).sum().backward()
    opt.step()
    assert torch.equal(frozen, torch.ones(3)) and not torch.equal(w.detach(), torch.ones(3))


def test_training_never_imports_the_compiler():
    code = (
        "import sys\n"
        "from rnn_core import config, data\n"
        "from rnn_core.training.trainer import Trainer\n"
        "optimizers = []\n"
        "for name in ('default', 'diverging_lr'):  # Adam, then plain SGD\n"
        "    cfg = config.PRESETS[name]\n"
        "    tr = Trainer(cfg.replace(train={'epochs': 3}), data.load(cfg.data.name, **cfg.data.kwargs()))\n"
        "    tr.run()\n"
        "    optimizers.append(type(tr.optimizer).__name__)\n"
        "print(optimizers)\n"
        "print(sorted(m for m in ('torch._dynamo', 'sympy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    trained, imported = out.stdout.strip().splitlines()[-2:]
    assert trained == "['Adam', 'SGD']", "both optimizers were exercised"
    assert imported == "[]", out.stdout + out.stderr
