"""Fixtures for the RocketMQ 5.x (gRPC) interop tests: a real `comet standalone` process serving
gRPC on an ephemeral loopback port, driven by rocketmq-python-client 5.1.2 from .venv-grpc.

Reuses the process helpers of tests/interop/conftest.py (loaded under another module name, since
both folders have a conftest); every wait is bounded and every process is killed by PID.
"""
import importlib.util
import re
import shutil
import time
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "interop_common", Path(__file__).resolve().parents[1] / "interop" / "conftest.py")
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

GRPC_LISTENING = re.compile(r"gRPC \(RocketMQ 5\.x\) endpoint listening on (\S+):(\d+)")


class GrpcServer:
    """One `comet standalone` process with its name server, broker and gRPC endpoint."""

    def __init__(self, process, endpoint, namesrv_address, broker_address, data_dir):
        self.process = process
        self.endpoint = endpoint
        self.namesrv_address = namesrv_address
        self.broker_address = broker_address
        self.data_dir = data_dir

    def log(self):
        return self.process.log()


@pytest.fixture
def grpc_server(tmp_path):
    """start(data_dir=None, group_config=None, extra_args=()) -> GrpcServer. `group_config` maps
    consumer groups to settings written to config/subscriptionGroup.json before start (the file a
    RocketMQ broker reads), e.g. {"g": {"consumeMessageOrderly": True, "retryMaxTimes": 2}}."""
    started = []

    def start(data_dir=None, group_config=None, extra_args=(), timeout=30.0):
        data_dir = Path(data_dir or tmp_path / "data")
        if group_config:
            write_groups(data_dir, group_config)
        process = common.CometProcess(
            ["standalone", "--data", str(data_dir), "--namesrv-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0",
             "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--log-level", "debug", *extra_args],
            tmp_path / f"standalone-{len(started)}.log", timeout, GRPC_LISTENING)
        started.append(process)
        broker = process.wait_for_listening(common.BROKER_LISTENING, timeout)
        namesrv = process.wait_for_listening(common.NAMESRV_LISTENING, timeout)
        return GrpcServer(process, process.address, namesrv, broker, data_dir)

    yield start
    for process in reversed(started):
        process.stop()
    for process in started:
        for flag, value in zip(process.args, process.args[1:]):
            if flag == "--data":
                shutil.rmtree(value, ignore_errors=True)


def write_groups(data_dir: Path, groups: dict):
    import json

    config = data_dir / "config"
    config.mkdir(parents=True, exist_ok=True)
    table = {}
    for name, settings in groups.items():
        entry = {"groupName": name, "consumeEnable": True, "consumeBroadcastEnable": True, "retryQueueNums": 1,
                 "retryMaxTimes": 16, "notifyConsumerIdsChangedEnable": True}
        entry.update(settings)
        table[name] = entry
    (config / "subscriptionGroup.json").write_text(json.dumps({"subscriptionGroupTable": table}))


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    """Polls `predicate` until it returns a truthy value or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} not reached within {timeout}s")
