"""A real Chroma server for tests and benchmarks: `chroma run --path <folder> --host 127.0.0.1 --port <free>`.

The `chroma` command is the one chromadb installs beside the interpreter (the venv's `.venv/bin/chroma`),
a Rust server that starts in about a second. It keeps its data under `path`, so a restart on the same
path serves the same collections. Nothing is fetched: cityqa sends its own vectors, the server has no
embedding function to load, and telemetry is off in the client (`assistant.stores.vector_store`) and
in the server's environment.

    server = start_chroma_server(tmp_path / "chroma")
    settings = Settings(home=..., chroma_url=server.url)
    ...
    server.restart()   # same path and port
    server.stop()
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


def chroma_command() -> str:
    """The `chroma` script of this interpreter's environment (else the one on PATH)."""
    beside = Path(sys.executable).with_name("chroma")
    if beside.is_file():
        return str(beside)
    found = shutil.which("chroma")
    if found is None:
        raise RuntimeError("the `chroma` command is missing: pip install chromadb")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        HF_HUB_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        NO_COLOR="1",
    )
    return environment


@dataclass
class ChromaServer:
    """One `chroma run` process; `start` and `restart` wait until its heartbeat answers."""

    path: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    start_seconds: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def heartbeat(self, timeout: float = 2.0) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v2/heartbeat", timeout=timeout).status_code == 200
        except httpx.HTTPError:
            return False

    def start(self) -> ChromaServer:
        if self.running:
            return self
        self.path.mkdir(parents=True, exist_ok=True)
        command = [chroma_command(), "run", "--path", str(self.path), "--host", "127.0.0.1"]
        command += ["--port", str(self.port)]
        started = time.perf_counter()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=_environment(),
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"chroma run exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            if self.heartbeat(timeout=1.0):
                self.start_seconds = time.perf_counter() - started
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"chroma run did not answer within {START_TIMEOUT_S:g} s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)

    def restart(self) -> ChromaServer:
        """Stop and start again on the same path and port (the data must survive)."""
        self.stop()
        return self.start()

    def pause(self) -> None:
        """Stop the process without ending it (SIGSTOP): it keeps its port and accepts connections
        but answers nothing, like a hung server. `resume` continues it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


def start_chroma_server(folder: Path) -> ChromaServer:
    """A Chroma server keeping its data in folder/data, logging to folder/chroma.log."""
    folder.mkdir(parents=True, exist_ok=True)
    return ChromaServer(path=folder / "data", log_path=folder / "chroma.log").start()
