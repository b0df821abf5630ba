"""Helpers for the connector tests: `comet tail|sink|source` child processes and reading a whole topic."""
import signal
import subprocess
import time
from pathlib import Path

import remoting
from conftest import comet_binary


class Connector:
    """A `comet tail|sink|source` process with its log in a file; killed by PID at the end."""

    def __init__(self, args, log_path: Path):
        self.args = [comet_binary(), *args]
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL: nothing of the connector's shutdown runs (a crash)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()

    def stop(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        return self.proc.returncode

    def wait_exit(self, timeout: float = 20.0) -> int:
        self.proc.wait(timeout)
        self._log.close()
        return self.proc.returncode


def read_topic(server, topic: str) -> list:
    """Every message stored in `topic` (all queues, from offset 0), with its properties."""
    route = remoting.get_route(server.namesrv_address, topic)
    if route is None:
        return []
    queues, _ = remoting.queue_counts(route)
    messages = []
    with remoting.Connection(server.broker_address) as connection:
        for queue_id in range(queues):
            offset = 0
            while True:
                response = connection.request(remoting.PULL_MESSAGE, {
                    "consumerGroup": "connector-test-reader", "topic": topic, "queueId": queue_id,
                    "queueOffset": offset, "maxMsgNums": 32, "sysFlag": remoting.PULL_SYSFLAG_SUBSCRIPTION,
                    "commitOffset": 0, "suspendTimeoutMillis": 0, "subscription": "*", "subVersion": 0,
                    "expressionType": "TAG"})
                if response.code != remoting.SUCCESS:
                    break
                batch = remoting.decode_messages(response.body)
                if not batch:
                    break
                messages.extend(batch)
                offset = int(response.ext["nextBeginOffset"])
    return messages


def wait_for(condition, timeout: float, what: str, interval: float = 0.05):
    """Polls `condition` until it returns a truthy value (returned) or `timeout` passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")

