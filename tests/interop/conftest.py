"""Shared fixtures for interop tests: real `comet` processes driven by official RocketMQ clients.

Every server runs on an ephemeral loopback port with a temporary data folder, every wait is
bounded, and every process started here is killed at the end of its test.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# The C++ client writes its logs under $HOME/logs at import time: keep them out of the real home.
_HOME = tempfile.mkdtemp(prefix="comet-interop-home-")
os.environ["HOME"] = _HOME

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on (\S+):(\d+)")
NAMESRV_LISTENING = re.compile(r"name server listening on (\S+):(\d+)")
BROKER_LISTENING = re.compile(r"broker listening on (\S+):(\d+)")

# Test modules import the helper modules next to this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))


def comet_binary() -> str:
    path = os.environ.get("COMET_BINARY") or str(REPO / ".build" / "debug" / "comet")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"comet binary not found at {path}; build it or set COMET_BINARY")
    return path


class CometProcess:
    """A running `comet` subcommand whose log is captured to a file."""

    def __init__(self, args, log_path: Path, timeout: float = 15.0, listening: re.Pattern = LISTENING):
        self.args = [comet_binary(), *args]
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self.address = self.wait_for_listening(listening, timeout)
        except BaseException:
            self.kill()
            raise

    def wait_for_listening(self, listening: re.Pattern = LISTENING, timeout: float = 15.0) -> str:
        """Waits for a `... listening on HOST:PORT` log line; fails at once if the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = listening.search(self.log())
            if match:
                return f"127.0.0.1:{match.group(2)}"
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{' '.join(self.args[1:])}: comet exited with {self.proc.returncode} before logging "
                    f"{listening.pattern!r}:\n{self.log()}")
            time.sleep(0.02)
        raise TimeoutError(f"comet did not log {listening.pattern!r} within {timeout}s:\n{self.log()}")

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

    def kill(self) -> int:
        """SIGKILL: no shutdown code runs (simulates a crash)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()
        return self.proc.returncode

    def alive(self) -> bool:
        return self.proc.poll() is None


@pytest.fixture
def start_comet(tmp_path):
    """Starts `comet <args>`; everything started is stopped after the test."""
    started = []

    def start(*args, name="comet", listening=LISTENING, timeout=15.0):
        process = CometProcess(list(args), tmp_path / f"{name}-{len(started)}.log", timeout, listening)
        started.append(process)
        return process

    yield start
    for process in reversed(started):
        process.stop()
    # Broker data folders hold preallocated commit-log files (1 GiB each by default) and pytest keeps
    # the temp folders of the last runs: delete the data, keep the logs.
    for process in started:
        for flag, value in zip(process.args, process.args[1:]):
            if flag == "--data":
                shutil.rmtree(value, ignore_errors=True)


def write_broker_conf(path: Path, config: dict) -> Path:
    """A RocketMQ-style broker.conf (key=value lines)."""
    path.write_text("".join(f"{key}={value}\n" for key, value in config.items()))
    return path


def wait_broker_ready(namesrv: str, broker: str, auto_create: bool = True, timeout: float = 20.0):
    """Waits until the broker is registered with the name server (and, with auto-creation on, until
    the default topic TBW102 has a route, which C++ producers need for their first send)."""
    import remoting

    port = broker.rsplit(":", 1)[1]
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            last = remoting.cluster_info_text(namesrv)
            if f":{port}\"" in last and (not auto_create or remoting.get_route(namesrv, "TBW102") is not None):
                return
        except (OSError, AssertionError) as error:
            last = repr(error)
        time.sleep(0.1)
    raise AssertionError(f"broker {broker} not registered (with TBW102 route: {auto_create}) at name server "
                         f"{namesrv} within {timeout}s; last cluster info: {last}")


class Server:
    """A name server plus one broker (one `comet standalone` process, or two processes)."""

    def __init__(self, namesrv_address, broker_address, data_dir, processes, broker_process):
        self.namesrv_address = namesrv_address
        self.address = namesrv_address  # what clients use
        self.broker_address = broker_address
        self.data_dir = data_dir
        self.processes = processes
        self.broker_process = broker_process

    def log(self) -> str:
        return "\n".join(process.log() for process in self.processes)

    def alive(self) -> bool:
        return all(process.alive() for process in self.processes)


@pytest.fixture
def standalone(start_comet, tmp_path):
    """Starts `comet standalone` on ephemeral loopback ports: start(data_dir=None) -> Server.

    Starting again with the same data_dir restarts on the same data (stop or kill the previous
    Server's broker_process first)."""
    count = [0]

    def start(data_dir: Path | None = None, *extra_args, auto_create: bool = True, timeout: float = 20.0,
              log_level: str = "debug") -> Server:
        count[0] += 1
        data_dir = Path(data_dir or tmp_path / "data")
        process = start_comet(
            "standalone", "--data", str(data_dir), "--namesrv-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0",
            "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--log-level", log_level, *extra_args, name=f"standalone-{count[0]}", listening=NAMESRV_LISTENING,
            timeout=timeout)
        broker = process.wait_for_listening(BROKER_LISTENING, timeout)
        wait_broker_ready(process.address, broker, auto_create, timeout)
        return Server(process.address, broker, data_dir, [process], process)

    return start


@pytest.fixture
def namesrv_and_broker(start_comet, tmp_path):
    """Starts `comet namesrv` and `comet broker --config broker.conf` as two processes:
    start(config={...}, data_dir=None, namesrv=None) -> Server. Pass namesrv=<Server> to start
    another broker process (e.g. a restart on the same data_dir) against a running name server."""
    count = [0]

    def start(config: dict | None = None, data_dir: Path | None = None, namesrv: Server | None = None,
              name: str = "broker-a", timeout: float = 20.0, log_level: str = "debug") -> Server:
        count[0] += 1
        data_dir = Path(data_dir or tmp_path / "broker-data")
        processes = []
        if namesrv is None:
            namesrv_process = start_comet("namesrv", "--listen", "127.0.0.1:0", "--log-level", "debug",
                                          name=f"namesrv-{count[0]}", listening=NAMESRV_LISTENING, timeout=timeout)
            processes.append(namesrv_process)
            namesrv_address = namesrv_process.address
        else:
            namesrv_address = namesrv.namesrv_address
            processes.extend(p for p in namesrv.processes if p is not namesrv.broker_process)
        args = ["broker", "--namesrv", namesrv_address, "--listen", "127.0.0.1:0", "--data", str(data_dir),
                "--name", name, "--cluster", "InteropCluster", "--id", "0", "--log-level", log_level]
        config = dict(config or {})
        if config:
            conf = write_broker_conf(tmp_path / f"broker-{count[0]}.conf", config)
            args += ["--config", str(conf)]
        broker_process = start_comet(*args, name=f"broker-{count[0]}", listening=BROKER_LISTENING, timeout=timeout)
        processes.append(broker_process)
        auto_create = str(config.get("autoCreateTopicEnable", "true")).lower() == "true"
        wait_broker_ready(namesrv_address, broker_process.address, auto_create, timeout)
        return Server(namesrv_address, broker_process.address, data_dir, processes, broker_process)

    return start


@pytest.fixture
def cpp(start_comet):
    """Factory for C++ clients (cpp_client.Clients); every client is shut down before the servers stop."""
    import cpp_client

    clients = cpp_client.Clients()
    yield clients
    clients.shutdown_all()
