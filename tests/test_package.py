"""rnn_core installs and imports like a library: its data ships inside it, importing it changes nothing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnn_core import config, export, runtime

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, cwd: Path, env: dict | None = None) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()


def test_importing_and_using_rnn_core_changes_no_thread_setting_or_variable():
    code = (
        "import os, torch\n"
        "before = (torch.get_num_threads(), dict(os.environ))\n"
        "from rnn_core import config, data, windows, cells, train, diagnostics, baselines, experiment, errors\n"
        "experiment.run(config.PRESETS['tiny'])\n"
        "print(torch.get_num_threads() == before[0], dict(os.environ) == before[1])\n"
        "from rnn_core import runtime\n"
        "print(runtime.use_one_thread(), torch.get_num_threads(), os.environ['OPENBLAS_NUM_THREADS'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in (*runtime.BLAS_VARIABLES, runtime.THREADS_VARIABLE)}
    unchanged, asked = _python(code, ROOT, env)
    assert unchanged == "True True", "a notebook user keeps their own settings"
    assert asked == "1 1 1", "the app and the benchmark ask for one thread themselves"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """rnn_core installed by pip from the checkout into a folder of its own (no dependencies, offline)."""
    source, target = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("site")
    # a copy of what the build reads, so that building leaves nothing behind in the checkout
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "rnn_core", source / "rnn_core", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "--target", str(target), str(source)],
                   check=True, timeout=300, capture_output=True)
    return target


def test_an_installed_rnn_core_runs_from_any_folder_with_its_data(installed, tmp_path):
    code = (
        "import rnn_core\n"
        "from rnn_core import config, experiment, questions\n"
        "from rnn_core.labs import memory as memory_task, text\n"
        "res = experiment.run(config.PRESETS['tiny'])\n"
        "print(rnn_core.__file__)\n"
        "print(sorted(res.metrics))\n"
        "print(len(questions.load()), len(memory_task.read_cache()), len(text.load_corpus('english')) > 1000)\n"
    )
    where, models, counts = _python(code, tmp_path, {**os.environ, "PYTHONPATH": str(installed)})
    assert where.startswith(str(installed)), "the installed copy, not the checkout"
    assert "'rnn'" in models and "'naive'" in models
    n_questions, n_rows, corpus = counts.split()
    assert int(n_questions) >= 12 and int(n_rows) > 0 and corpus == "True"


def test_the_exported_notebook_snippet_runs_as_downloaded(installed, tmp_path):
    cfg = config.PRESETS["tiny"].replace(train={"epochs": 2})
    (tmp_path / "snippet.py").write_text(export.notebook_snippet(cfg), encoding="utf-8")
    out = subprocess.run([sys.executable, "snippet.py"], cwd=tmp_path, capture_output=True, text=True, timeout=180,
                         env={**os.environ, "PYTHONPATH": str(installed)})
    assert out.returncode == 0, out.stderr
    assert "Finished all 2 epochs" in out.stdout and "naive" in out.stdout
