"""Serve a class from several app processes behind HAProxy: ``make serve-class REPLICAS=N``.

    python .streamlit/serve_class.py --replicas 3 [--port 8500] [--first-app-port 8501]

Starts N copies of ``streamlit run app.py`` on consecutive local ports, each a separate
process with its own interpreter lock and memory, then HAProxy on ``--port`` with
``.streamlit/haproxy.cfg`` (its server lines written for N replicas): one address for the
class, a cookie that keeps every browser on its replica, health checks on ``/_stcore/health``.
HAProxy's status page is on ``--stats-port`` (``/stats``). Ctrl-C stops all of it; so does
the end of any one process (an administrator should not serve a class half down unknowingly).

Each replica runs with ``MALLOC_ARENA_MAX=2`` (see ui/memory.py) and logs to its own file.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".streamlit" / "haproxy.cfg"
BEGIN, END = "# replicas: begin", "# replicas: end"


def haproxy_config(template: str, replicas: int, port: int, first_app_port: int, stats_port: int) -> str:
    """``template`` (``.streamlit/haproxy.cfg``) with its class port, stats port and ``replicas`` servers.

    Examples
    --------
    >>> text = haproxy_config(CONFIG.read_text(), 3, 9000, 9001, 8999)
    >>> [line.split()[1:3] for line in text.splitlines() if line.strip().startswith("server ")]
    [['app1', '127.0.0.1:9001'], ['app2', '127.0.0.1:9002'], ['app3', '127.0.0.1:9003']]
    >>> "bind 127.0.0.1:9000" in text and "bind 127.0.0.1:8999" in text
    True
    """
    head, rest = template.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    indent = re.search(r"([ \t]*)$", head).group(1)
    servers = "".join(f"{indent}server app{i} 127.0.0.1:{first_app_port + i - 1} cookie app{i}\n"
                      for i in range(1, replicas + 1))
    text = f"{head}{BEGIN}\n{servers}{indent}{END}{tail}"
    text = re.sub(r"(frontend class\s*\n\s*bind )\S+", rf"\g<1>127.0.0.1:{port}", text)
    return re.sub(r"(listen stats\s*\n\s*bind )\S+", rf"\g<1>127.0.0.1:{stats_port}", text)


def parse_stats(csv_text: str, backend: str = "replicas") -> dict[str, str]:
    """Server name -> status (``UP``, ``DOWN``, ``UP 1/2``…) from HAProxy's ``/stats;csv``.

    >>> parse_stats("# pxname,svname,status\\nreplicas,app1,UP\\nreplicas,app2,DOWN\\nreplicas,BACKEND,UP\\n")
    {'app1': 'UP', 'app2': 'DOWN'}
    """
    rows = csv.DictReader(io.StringIO(csv_text.lstrip("# ")))
    return {r["svname"]: r["status"] for r in rows
            if r.get("pxname") == backend and r.get("svname") not in ("FRONTEND", "BACKEND")}


def _healthy(url: str) -> bool:
    with contextlib.suppress(OSError):
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status == 200
    return False


def haproxy_binary() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None)
    if found is None:
        sys.exit("HAProxy is not installed: `apt-get install haproxy` (Debian's package).")
    return found


@dataclass
class Replica:
    name: str
    port: int
    process: subprocess.Popen
    log: Path


@dataclass
class ClassServers:
    """The running set: its address, its replicas (name, port, process, log) and HAProxy."""

    url: str
    stats_url: str
    replicas: list[Replica]
    haproxy: subprocess.Popen
    config: Path
    logs: list[Path] = field(default_factory=list)

    def statuses(self) -> dict[str, str]:
        with urllib.request.urlopen(f"{self.stats_url};csv", timeout=5) as r:
            return parse_stats(r.read().decode())

    def dead(self) -> list[str]:
        """Names of the processes that have ended."""
        ended = [r.name for r in self.replicas if r.process.poll() is not None]
        return ended + (["haproxy"] if self.haproxy.poll() is not None else [])


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


@contextlib.contextmanager
def class_servers(replicas: int, port: int, first_app_port: int, stats_port: int, app_flags: tuple = (),
                  startup_s: float = 90.0):
    """Start the replicas and HAProxy; yield :class:`ClassServers` once all answer; stop them all after."""
    workdir = Path(tempfile.mkdtemp(prefix="rnn-playground-class-"))
    procs: list[subprocess.Popen] = []
    try:
        started = []
        for i in range(1, replicas + 1):
            app_port, log = first_app_port + i - 1, workdir / f"app{i}.log"
            with open(log, "w") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(app_port),
                     "--server.address", "127.0.0.1", "--server.headless", "true", *app_flags],
                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                    env={**os.environ, "PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2"})
            procs.append(proc)
            started.append(Replica(f"app{i}", app_port, proc, log))
        config = workdir / "haproxy.cfg"
        config.write_text(haproxy_config(CONFIG.read_text(), replicas, port, first_app_port, stats_port))
        check = subprocess.run([haproxy_binary(), "-c", "-q", "-f", str(config)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"HAProxy refused {config}:\n{check.stdout}{check.stderr}")
        haproxy_log = workdir / "haproxy.log"
        with open(haproxy_log, "w") as out:
            haproxy = subprocess.Popen([haproxy_binary(), "-db", "-f", str(config)], stdout=out,
                                       stderr=subprocess.STDOUT)
        procs.append(haproxy)
        servers = ClassServers(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{stats_port}/stats", started,
                               haproxy, config, [r.log for r in started] + [haproxy_log])
        deadline = time.monotonic() + startup_s
        while not all(_healthy(f"http://127.0.0.1:{r.port}/_stcore/health") for r in started):
            if servers.dead() or time.monotonic() > deadline:
                tails = "\n".join(f"{p.name}: {p.read_text()[-1500:]}" for p in servers.logs)
                raise RuntimeError(f"the class did not start ({servers.dead() or 'too slow'}):\n{tails}")
            time.sleep(0.3)
        while set(servers.statuses().values()) != {"UP"}:  # HAProxy's own checks agree
            if servers.dead() or time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy does not see every replica up: {servers.statuses()}")
            time.sleep(0.3)
        yield servers
    finally:
        _stop(procs)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--replicas", type=int, default=2, help="app processes (default 2; about one per core)")
    p.add_argument("--port", type=int, default=8500, help="the class's address: http://127.0.0.1:PORT")
    p.add_argument("--first-app-port", type=int, default=8501, help="replica i listens on this + i - 1")
    p.add_argument("--stats-port", type=int, default=8499, help="HAProxy's status page")
    args = p.parse_args(argv)
    if args.replicas < 1:
        p.error("--replicas must be at least 1")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` stops it as cleanly as Ctrl-C
    try:
        with class_servers(args.replicas, args.port, args.first_app_port, args.stats_port) as servers:
            print(f"{args.replicas} replicas on ports {args.first_app_port}-{args.first_app_port + args.replicas - 1} "
                  f"behind HAProxy: {servers.url}  (status: {servers.stats_url}; logs: "
                  f"{servers.config.parent}). Ctrl-C stops all of it.", flush=True)
            while not servers.dead():
                time.sleep(1.0)
            print(f"stopped: {', '.join(servers.dead())} ended (see the logs in {servers.config.parent})",
                  file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nstopping the class servers", file=sys.stderr)
        return 0


if __name__ == "__main__":
    sys.exit(main())
