"""Helpers for master/slave tests: a name server plus brokers of one group started from RocketMQ-style
broker.conf files, and raw-remoting reads of what each broker holds."""
import re
import time
from pathlib import Path

import remoting
from conftest import BROKER_LISTENING, NAMESRV_LISTENING, write_broker_conf

GET_BROKER_RUNTIME_INFO = 28
GET_MAX_OFFSET = 30
HA_OPEN = re.compile(r"replication \(HA\) port open at (\S+):(\d+)")


class Group:
    """A name server and the brokers of one broker group (`brokerName`), each its own process."""

    def __init__(self, start_comet, tmp_path: Path, name: str = "broker-ha", cluster: str = "HACluster"):
        self.start_comet = start_comet
        self.tmp_path = tmp_path
        self.name = name
        self.cluster = cluster
        self.namesrv = start_comet("namesrv", "--listen", "127.0.0.1:0", name="namesrv",
                                   listening=NAMESRV_LISTENING)
        self.count = 0

    def start(self, broker_id: int, role: str, data_dir: Path | None = None, extra: dict | None = None,
              timeout: float = 20.0):
        """Starts a broker of the group from a broker.conf; returns its CometProcess (address set)."""
        self.count += 1
        data_dir = data_dir or self.tmp_path / f"data-{broker_id}"
        config = {
            "brokerClusterName": self.cluster, "brokerName": self.name, "brokerId": broker_id, "brokerRole": role,
            "namesrvAddr": self.namesrv.address, "listenPort": 0, "storePathRootDir": data_dir,
            "brokerIP1": "127.0.0.1", "haSendHeartbeatInterval": 1000,
        }
        config.update(extra or {})
        conf = write_broker_conf(self.tmp_path / f"broker-{self.count}.conf", config)
        process = self.start_comet("broker", "--config", str(conf), "--listen", "127.0.0.1:0", "--data",
                                   str(data_dir), "--log-level", "debug", name=f"broker-{broker_id}-{self.count}",
                                   listening=BROKER_LISTENING, timeout=timeout)
        process.data_dir = data_dir
        process.ha_address = process.wait_for_listening(HA_OPEN, timeout)
        wait_registered(self.namesrv.address, self.name, broker_id, process.address, timeout)
        return process


def wait_registered(namesrv: str, broker_name: str, broker_id: int, address: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        table = broker_addrs(namesrv, broker_name)
        if table.get(broker_id) == address:
            return
        time.sleep(0.1)
    raise AssertionError(f"{address} not registered as {broker_name}/{broker_id}: {remoting.cluster_info_text(namesrv)}")


def broker_addrs(namesrv: str, broker_name: str) -> dict:
    """The group's id -> address map from GET_BROKER_CLUSTER_INFO."""
    info = remoting.parse_fastjson(remoting.request(namesrv, remoting.GET_BROKER_CLUSTER_INFO).body)
    data = info.get("brokerAddrTable", {}).get(broker_name) or {}
    return {int(k): v for k, v in (data.get("brokerAddrs") or {}).items()}


def runtime(broker: str) -> dict:
    response = remoting.request(broker, GET_BROKER_RUNTIME_INFO)
    assert response.code == remoting.SUCCESS, response
    return remoting.parse_fastjson(response.body)["table"]


def commit_log_max(broker: str) -> int:
    return int(runtime(broker)["commitLogMaxOffset"])


def wait_caught_up(master: str, slave: str, timeout: float = 60.0) -> float:
    """Waits until the slave's commit log ends where the master's does; returns the seconds it took."""
    started = time.monotonic()
    deadline = started + timeout
    target = commit_log_max(master)
    while time.monotonic() < deadline:
        if commit_log_max(slave) >= target:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"slave at {commit_log_max(slave)} did not reach the master's {target} in {timeout}s")


def drain(broker: str, topic: str, queues: int, group: str = "GID_ha_drain") -> list:
    """Every message of topic on broker, read with raw non-suspending pulls from offset 0."""
    messages = []
    for queue_id in range(queues):
        offset = 0
        while True:
            response = remoting.pull(broker, group, topic, queue_id, offset)
            if response.code != remoting.SUCCESS:
                break
            batch = remoting.decode_messages(response.body)
            if not batch:
                break
            messages.extend(batch)
            offset = int(response.ext["nextBeginOffset"])
    return messages
