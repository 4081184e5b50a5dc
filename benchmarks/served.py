"""A real `cityqa serve --workers N` for the load test (`benchmarks/load_test.py`): an ingested demo
home, the server started on a free port of 127.0.0.1 in its own process group, waited for, stopped;
and the RSS of its processes (the supervisor, each worker), sampled from /proc in a thread.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import DEMO_PATHS, REPO_ROOT, say

DEMO_KEYS_FILE = REPO_ROOT / "data/demo/api_keys.toml"
STARTUP_SECONDS = 600  # a 2-core machine that is busy elsewhere starts two workers slowly
WARM_UP_MESSAGES = ("warm-up done", "warm-up failed")  # a worker's log line when its warm-up ends


# -- the server --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cityqa_command() -> list[str]:
    script = Path(sys.executable).parent / "cityqa"
    return (
        [str(script)] if script.exists() else [sys.executable, "-c", "from assistant.cli import app; app()"]
    )


def server_environment(home: Path, **settings: str) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CITYQA_") and name != "PROMETHEUS_MULTIPROC_DIR"
    }
    environment |= {
        "CITYQA_HOME": str(home),
        "CITYQA_API_KEYS_FILE": str(DEMO_KEYS_FILE),
        "HF_HUB_OFFLINE": "1",
    }
    return environment | {f"CITYQA_{name.upper()}": value for name, value in settings.items()}


def ingest_demo_home(home: Path, log: Path) -> float:
    say(f"[home] ingesting the demo corpus into {home} (a few minutes) ...")
    started = time.perf_counter()
    with log.open("wb") as output:
        subprocess.run(
            [*cityqa_command(), "ingest", *map(str, DEMO_PATHS)],
            env=server_environment(home),
            cwd=log.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=True,
        )
    return time.perf_counter() - started


@dataclass
class Server:
    """`cityqa serve --workers N` in its own process group (the supervisor and its workers)."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    workers: int
    started: float = field(default_factory=time.perf_counter)

    def log_records(self) -> list[dict[str, Any]]:
        """The server's log lines (JSON objects; a line that is not one as {"level": "TEXT", ...})."""
        records = []
        for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None
            records.append(record if isinstance(record, dict) else {"level": "TEXT", "message": line})
        return records

    def log_messages(self) -> list[str]:
        return [str(record.get("message", "")) for record in self.log_records()]

    def log_summary(self) -> dict[str, Any]:
        """Lines by level, the warnings and errors (a few), and how many workers uvicorn restarted."""
        records = self.log_records()
        troubles = [r for r in records if r.get("level") in ("WARNING", "ERROR", "CRITICAL", "TEXT")]
        return {
            "lines_by_level": dict(sorted(Counter(str(r.get("level")) for r in records).items())),
            "warnings_and_errors": [str(r.get("message"))[:300] for r in troubles[:10]],
            "worker_restarts": sum(str(r.get("message", "")).endswith("] died") for r in records),
        }

    def wait(self, path: str, warm_workers: int = 0) -> float:
        """Seconds from the start until `path` answers 200 and `warm_workers` workers have logged the
        end of their warm-up."""
        import httpx

        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"cityqa serve ended (exit {self.process.returncode}); see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"cityqa serve was not ready in {STARTUP_SECONDS} s; see {self.log}")
            try:
                answered = httpx.get(f"{self.url}{path}", timeout=5).status_code == 200
            except httpx.TransportError:
                answered = False
            warm = sum(message.startswith(WARM_UP_MESSAGES) for message in self.log_messages())
            if answered and warm >= warm_workers:
                return time.perf_counter() - self.started
            time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM to the process group (uvicorn stops its workers), SIGKILL if it lingers."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


@contextmanager
def running_server(home: Path, work: Path, name: str, workers: int, **settings: str) -> Iterator[Server]:
    port = free_port()
    log = work / f"{name}.log"
    arguments = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [*cityqa_command(), *arguments],
            env=server_environment(home, **settings),
            cwd=work,  # no .env of the repository
            stdout=errors,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    server = Server(process, f"http://127.0.0.1:{port}", log, workers)
    try:
        yield server
    finally:
        server.stop()


# -- memory ------------------------------------------------------------------------------------------


def process_tree(root: int) -> dict[int, str]:
    """`root` and its descendants, each with its role: supervisor, worker or helper."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, frontier = {root: "supervisor"}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree[pid] = _role(pid)
                frontier.append(pid)
    return tree


def _role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "helper"
    return "helper" if "resource_tracker" in command else "worker" if "spawn_main" in command else "helper"


def rss_megabytes(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of `pid` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ProcessSampler:
    """Samples the RSS and CPU time of a process tree every `interval` seconds in a thread, while in
    use: whether memory stays flat, and how the work was shared among the workers."""

    def __init__(self, root: int, interval: float) -> None:
        self.root, self.interval = root, interval
        self.samples: list[dict[str, Any]] = []
        self.roles: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="process-sampler", daemon=True)
        self._started = 0.0

    def __enter__(self) -> ProcessSampler:
        self._started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def _sample(self) -> None:
        tree = process_tree(self.root)
        self.roles.update(tree)
        rss = {pid: value for pid in tree if (value := rss_megabytes(pid)) is not None}
        cpu = {pid: value for pid in tree if (value := cpu_seconds(pid)) is not None}
        self.samples.append({"t": round(time.perf_counter() - self._started, 1), "rss_mb": rss, "cpu_s": cpu})

    def summary(self) -> dict[str, Any]:
        quarter = max(1, len(self.samples) // 4)

        def flatness(series: list[float]) -> dict[str, float]:
            first, last = statistics.median(series[:quarter]), statistics.median(series[-quarter:])
            return {
                "first_quarter_median_mb": first,
                "last_quarter_median_mb": last,
                "last_over_first": last / first if first else 0.0,
                "max_mb": max(series),
            }

        processes = {}
        for pid, role in sorted(self.roles.items()):
            series = [sample["rss_mb"][pid] for sample in self.samples if pid in sample["rss_mb"]]
            cpu = [sample["cpu_s"][pid] for sample in self.samples if pid in sample["cpu_s"]]
            if len(series) == len(cpu) == len(self.samples):  # alive for the whole load
                processes[str(pid)] = {"role": role, **flatness(series), "cpu_seconds": cpu[-1] - cpu[0]}
        total = [sum(sample["rss_mb"].values()) for sample in self.samples]
        return {
            "interval_s": self.interval,
            "samples": len(self.samples),
            "quarter": quarter,
            "processes": processes,
            "replaced_or_added": sorted(pid for pid in map(str, self.roles) if pid not in processes),
            "total": flatness(total),
            "series": [
                {"t": sample["t"], "rss_mb": {str(pid): round(mb, 1) for pid, mb in sample["rss_mb"].items()}}
                for sample in self.samples
            ],
        }
