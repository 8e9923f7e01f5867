"""rnn_core is cut by idea: its face works, no module needs another to be imported first, none imports streamlit."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import rnn_core

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(m.name for m in pkgutil.walk_packages(rnn_core.__path__, "rnn_core."))

# Each module imported first, with every rnn_core module forgotten before it: a cycle between
# two modules fails here whichever is imported first. One interpreter, so torch loads once.
FRESH_IMPORTS = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "rnn_core" or m.startswith("rnn_core.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as err:
        failed.append(f"{name}: {type(err).__name__}: {err}")
print("\\n".join(failed) or "ok")
print("streamlit" in sys.modules)
"""


def test_the_library_is_a_few_subpackages_that_follow_the_lecture():
    packages = {m.rsplit(".", 1)[0] for m in MODULES if m.count(".") >= 2}
    assert {"rnn_core.data", "rnn_core.networks", "rnn_core.training", "rnn_core.forecasting", "rnn_core.labs",
            "rnn_core.plots"} <= packages
    top = [m for m in MODULES if m.count(".") == 1 and m.rsplit(".", 1)[1] not in
           ("data", "networks", "training", "forecasting", "labs", "plots", "resources")]
    assert len(top) <= 9, top  # config, errors, runtime, experiment, export, questions, bench, _checks


def test_every_module_imports_first_without_a_cycle_and_without_streamlit():
    out = subprocess.run([sys.executable, "-c", FRESH_IMPORTS, *MODULES], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    *failed, streamlit = out.stdout.strip().splitlines()
    assert failed == ["ok"], "\n".join(failed)
    assert streamlit == "False", "rnn_core never imports streamlit"


def test_the_face_gives_the_contract_names():
    from rnn_core import baselines, cells, config, data, diagnostics, errors, experiment, train, windows

    assert data.load("collatz").values[0] == 67
    assert windows.make_windows is not None and cells.GRUCell is not None and train.Trainer is not None
    assert diagnostics.hidden_grad_norms is not None and baselines.arima_forecast is not None
    assert config.PRESETS["tiny"] and experiment.run is not None and issubclass(errors.DataError, ValueError)
