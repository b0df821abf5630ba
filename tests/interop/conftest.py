"""Shared fixtures for interop tests: real `comet` processes driven by official RocketMQ clients.

Every server runs on an ephemeral loopback port with a temporary data folder, every wait is
bounded, and every process started here is killed at the end of its test.
"""
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

# The C++ client writes its logs under $HOME/logs at import time: keep them out of the real home.
_HOME = tempfile.mkdtemp(prefix="comet-interop-home-")
os.environ["HOME"] = _HOME

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on (\S+):(\d+)")


def comet_binary() -> str:
    path = os.environ.get("COMET_BINARY") or str(REPO / ".build" / "debug" / "comet")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"comet binary not found at {path}; build it or set COMET_BINARY")
    return path


class CometProcess:
    """A running `comet` subcommand whose log is captured to a file."""

    def __init__(self, args, log_path: Path, timeout: float = 15.0):
        self.args = [comet_binary(), *args]
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT)
        self.address = self._wait_for_listening(timeout)

    def _wait_for_listening(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = LISTENING.search(self.log())
            if match:
                return f"127.0.0.1:{match.group(2)}"
            if self.proc.poll() is not None:
                raise RuntimeError(f"comet exited with {self.proc.returncode}:\n{self.log()}")
            time.sleep(0.02)
        raise TimeoutError(f"comet did not report a listening address within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, pattern: str, timeout: float = 10.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log())
            if match:
                return match
            time.sleep(0.05)
        raise AssertionError(f"log never matched {pattern!r}:\n{self.log()}")

    def stop(self, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        return self.proc.returncode


@pytest.fixture
def start_comet(tmp_path):
    """Starts `comet <args>`; everything started is stopped after the test."""
    started = []

    def start(*args, name="comet"):
        process = CometProcess(list(args), tmp_path / f"{name}-{len(started)}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
