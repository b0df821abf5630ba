"""Master/slave replication (RocketMQ 4.9.8's HA protocol): a slave started from a RocketMQ-style
broker.conf copies its master's commit log, builds its own consume queues, refuses sends, survives
restarts without copying again, and serves consumers once the master is gone."""
import json
import random
import re
import string
import subprocess
import threading
import time

import pytest

import cpp_client
import remoting
from conftest import comet_binary
from cpp_client import make_message, unique, wait_until
from ha_group import Group, broker_addrs, commit_log_max, drain, runtime, wait_caught_up

SERVICE_NOT_AVAILABLE = 14


@pytest.fixture
def group(start_comet, tmp_path):
    return Group(start_comet, tmp_path)


def padded(text: str, size: int) -> str:
    """text followed by random letters up to size (incompressible enough that the client sends it raw)."""
    return text + "".join(random.choices(string.ascii_letters, k=max(0, size - len(text))))


def send_all(producer, topic: str, count: int, prefix: str, size: int = 0) -> set:
    sent = set()
    for i in range(count):
        body = padded(f"{prefix}-{i}-", size)
        result = producer.send_sync(make_message(topic, body, tags="ha", keys=f"{prefix}-{i}"))
        assert result.status == 0, result
        sent.add(body)
    return sent


def test_slave_copies_the_log_refuses_sends_and_serves_after_the_master_is_killed(group, cpp):
    master = group.start(0, "ASYNC_MASTER")
    slave = group.start(1, "SLAVE")
    assert broker_addrs(group.namesrv.address, group.name) == {0: master.address, 1: slave.address}
    assert remoting.create_topic(master.address, topic := unique("HaTopic"), 4).code == remoting.SUCCESS

    producer = cpp.producer(group.namesrv.address)
    remoting.wait_for_route(group.namesrv.address, topic)
    sent = send_all(producer, topic, 300, "m")
    wait_caught_up(master.address, slave.address)
    assert commit_log_max(slave.address) == commit_log_max(master.address)

    # RocketMQ's slave answers a send SERVICE_NOT_AVAILABLE ("messages are put to the slave").
    refused = remoting.send_message(slave.address, topic, b"to-the-slave")
    assert refused.code == SERVICE_NOT_AVAILABLE, refused
    assert "messages are put to the slave" in refused.remark

    # The slave copied the topic from the master (metadata sync) and serves every message itself.
    slave.wait_for_log(r"slave copied the master's topics", timeout=20)
    on_slave = drain(slave.address, topic, 4)
    assert sorted(m.body.decode() for m in on_slave) == sorted(sent)
    assert all(m.store_host.endswith(master.address.rsplit(":", 1)[1]) for m in on_slave), "records are copies"

    master.kill()
    deadline = time.monotonic() + 20
    while broker_addrs(group.namesrv.address, group.name) != {1: slave.address}:
        assert time.monotonic() < deadline, "the name server still routes to the killed master"
        time.sleep(0.1)
    consumer = cpp.pull_consumer(group.namesrv.address)
    received = cpp_client.pull_all(consumer, topic)
    assert sorted(m.body.decode() for m in received) == sorted(sent)


def test_a_restarted_slave_resumes_where_it_stopped(group, cpp):
    master = group.start(0, "ASYNC_MASTER")
    slave = group.start(1, "SLAVE")
    topic = unique("HaRestart")
    assert remoting.create_topic(master.address, topic, 2).code == remoting.SUCCESS
    producer = cpp.producer(group.namesrv.address)
    remoting.wait_for_route(group.namesrv.address, topic)
    sent = send_all(producer, topic, 200, "before")
    wait_caught_up(master.address, slave.address)
    held = commit_log_max(slave.address)
    slave.stop()

    sent |= send_all(producer, topic, 200, "while-down")
    restarted = group.start(1, "SLAVE", data_dir=slave.data_dir)
    wait_caught_up(master.address, restarted.address)
    # The master streamed to the restarted slave from the end it already had, not from the start.
    streams = re.findall(r"streaming to the slave from (\d+)", master.log())
    assert len(streams) == 2, streams
    assert int(streams[0]) == 0 and int(streams[1]) == held, (streams, held)

    # SIGKILL mid-stream: the slave recovers its log and still ends with exactly the master's records.
    sender_done = []

    def keep_sending():
        sender_done.append(send_all(producer, topic, 300, "during-kill"))

    thread = threading.Thread(target=keep_sending)
    thread.start()
    time.sleep(0.5)
    restarted.kill()
    thread.join(60)
    sent |= sender_done[0]
    again = group.start(1, "SLAVE", data_dir=slave.data_dir)
    wait_caught_up(master.address, again.address)
    assert commit_log_max(again.address) == commit_log_max(master.address)
    again.wait_for_log(r"slave copied the master's topics", timeout=20)
    on_slave = [m.body.decode() for m in drain(again.address, topic, 2)]
    assert len(on_slave) == len(set(on_slave)), "a record was copied twice"
    assert set(on_slave) == sent


def test_an_empty_slave_catches_up_from_a_backlog(group, cpp):
    master = group.start(0, "ASYNC_MASTER")
    topic = unique("HaBacklog")
    assert remoting.create_topic(master.address, topic, 4).code == remoting.SUCCESS
    producer = cpp.producer(group.namesrv.address)
    remoting.wait_for_route(group.namesrv.address, topic)
    messages = [make_message(topic, padded(f"b-{i}-", 4096)) for i in range(3000)]
    cpp_client.send_async_all(producer, messages, timeout=120)
    backlog = commit_log_max(master.address)

    slave = group.start(1, "SLAVE")
    seconds = wait_caught_up(master.address, slave.address, timeout=120)
    print(f"empty slave caught up {backlog / 1e6:.1f} MB in {seconds:.2f}s ({backlog / 1e6 / seconds:.1f} MB/s)")
    slave.wait_for_log(r"slave copied the master's topics", timeout=20)
    assert len(drain(slave.address, topic, 4)) == 3000


def test_a_brand_new_slave_starts_at_the_masters_newest_segment(group, cpp):
    segment = 1024 * 1024
    master = group.start(0, "ASYNC_MASTER", extra={"mappedFileSizeCommitLog": segment, "maxMessageSize": 65536})
    topic = unique("HaSegments")
    assert remoting.create_topic(master.address, topic, 1).code == remoting.SUCCESS
    producer = cpp.producer(group.namesrv.address)
    remoting.wait_for_route(group.namesrv.address, topic)
    messages = [make_message(topic, padded(f"s-{i}-", 8000)) for i in range(400)]
    cpp_client.send_async_all(producer, messages, timeout=120)
    end = commit_log_max(master.address)
    assert end > 2 * segment

    slave = group.start(1, "SLAVE", extra={"mappedFileSizeCommitLog": segment, "maxMessageSize": 65536})
    wait_caught_up(master.address, slave.address)
    newest = end - end % segment
    assert int(runtime(slave.address)["commitLogMinOffset"]) == newest
    # Later records, across segment ends (blanks included), land at the master's offsets.
    send_all(producer, topic, 300, "later", size=8000)
    wait_caught_up(master.address, slave.address)
    assert commit_log_max(slave.address) == commit_log_max(master.address)


def test_pulls_suggest_the_slave_when_far_behind_and_admin_shows_the_group(group):
    master = group.start(0, "ASYNC_MASTER", extra={"slaveReadEnable": "true", "accessMessageInMemoryMaxRatio": 0})
    slave = group.start(1, "SLAVE")
    topic = unique("HaSuggest")
    assert remoting.create_topic(master.address, topic, 1).code == remoting.SUCCESS
    for i in range(20):
        assert remoting.send_message(master.address, topic, f"s-{i}".encode()).code == remoting.SUCCESS
    # accessMessageInMemoryMaxRatio=0: every message counts as "no longer in memory", so the master
    # suggests the group's whichBrokerWhenConsumeSlowly (1).
    response = remoting.pull(master.address, "GID_suggest", topic, 0, 0, max_msgs=4)
    assert response.code == remoting.SUCCESS and response.ext["suggestWhichBrokerId"] == "1", response
    wait_caught_up(master.address, slave.address)

    output = subprocess.run([comet_binary(), "admin", "replication", "-n", group.namesrv.address, "--json"],
                            capture_output=True, text=True, timeout=30)
    assert output.returncode == 0, output.stderr
    rows = {row["brokerId"]: row for row in json.loads(output.stdout)}
    assert rows[0]["role"] == "ASYNC_MASTER" and rows[0]["address"] == master.address
    assert rows[0]["haState"].startswith("1 slave(s)"), rows[0]
    assert rows[1]["role"] == "SLAVE" and rows[1]["lagBytes"] == 0, rows[1]
    assert rows[1]["haState"].startswith("connected to "), rows[1]
    assert rows[1]["commitLogMaxOffset"] == rows[0]["commitLogMaxOffset"]


def test_the_swift_client_follows_the_suggested_slave_and_reads_from_it_without_the_master(group):
    master = group.start(0, "ASYNC_MASTER", extra={"slaveReadEnable": "true", "accessMessageInMemoryMaxRatio": 0})
    slave = group.start(1, "SLAVE")
    topic = unique("HaSwift")
    assert remoting.create_topic(master.address, topic, 2).code == remoting.SUCCESS
    bodies = {f"w-{i}" for i in range(100)}
    for i, body in enumerate(sorted(bodies)):
        assert remoting.send_message(master.address, topic, body.encode(), queue_id=i % 2).code == remoting.SUCCESS
    wait_caught_up(master.address, slave.address)
    slave.wait_for_log(r"slave copied the master's topics", timeout=20)
    remoting.wait_for_route(group.namesrv.address, topic)

    def consume(consumer_group: str) -> set:
        output = subprocess.run(
            [comet_binary(), "consume", "-n", group.namesrv.address, "-t", topic, "-g", consumer_group,
             "--from", "earliest", "--count", str(len(bodies)), "--json"],
            capture_output=True, text=True, timeout=90)
        assert output.returncode == 0, output.stderr
        return {json.loads(line)["body"] for line in output.stdout.splitlines() if line.strip()}

    served_before = int(runtime(slave.address)["msgGetTotalTodayNow"])
    assert consume(unique("GID_swift")) == bodies
    # The master suggested the slave (every message counts as not in memory with ratio 0): it served pulls.
    assert int(runtime(slave.address)["msgGetTotalTodayNow"]) > served_before

    master.kill()
    wait_until(lambda: broker_addrs(group.namesrv.address, group.name) == {1: slave.address}, 20,
               "the name server to drop the killed master")
    assert consume(unique("GID_swift_after")) == bodies


def test_promote_makes_the_slave_the_master_without_losing_what_it_holds(group, cpp):
    master = group.start(0, "ASYNC_MASTER")
    slave = group.start(1, "SLAVE")
    topic = unique("HaPromote")
    assert remoting.create_topic(master.address, topic, 2).code == remoting.SUCCESS
    producer = cpp.producer(group.namesrv.address)
    remoting.wait_for_route(group.namesrv.address, topic)
    sent = send_all(producer, topic, 100, "before")
    wait_caught_up(master.address, slave.address)
    slave.wait_for_log(r"slave copied the master's topics", timeout=20)
    assert remoting.send_message(slave.address, topic, b"refused").code == SERVICE_NOT_AVAILABLE

    master.kill()
    wait_until(lambda: broker_addrs(group.namesrv.address, group.name) == {1: slave.address}, 20,
               "the name server to drop the killed master")
    output = subprocess.run([comet_binary(), "admin", "promote", "-n", group.namesrv.address, "-b", slave.address],
                            capture_output=True, text=True, timeout=30)
    assert output.returncode == 0, output.stderr
    wait_until(lambda: broker_addrs(group.namesrv.address, group.name) == {0: slave.address}, 20,
               "the promoted slave to register as brokerId 0")
    assert "brokerRole=ASYNC_MASTER" in (group.tmp_path / "broker-2.conf").read_text()

    # Producers write to it now (a new producer: the C++ client refreshes routes every 30 s);
    # everything it held before is still there.
    late = send_all(cpp.producer(group.namesrv.address), topic, 50, "after")
    consumer = cpp.pull_consumer(group.namesrv.address)
    received = {m.body.decode() for m in cpp_client.pull_all(consumer, topic)}
    assert received == sent | late
