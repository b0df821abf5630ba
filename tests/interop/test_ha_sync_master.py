"""SYNC_MASTER group transfer: a send is answered once a slave holds it (FLUSH_SLAVE_TIMEOUT after
slaveTimeout, SLAVE_NOT_AVAILABLE with no slave, both still stored), so every acknowledged message
survives a SIGKILL of the master and is consumed from the slave; consumer offsets follow to the slave."""
import os
import signal
import threading
import time

import pytest

import cpp_client
import remoting
from cpp_client import make_message, unique, wait_until
from ha_group import Group, broker_addrs, drain, wait_caught_up

SLAVE_NOT_AVAILABLE = 11
FLUSH_SLAVE_TIMEOUT = 12
GET_ALL_CONSUMER_OFFSET = 43


@pytest.fixture
def group(start_comet, tmp_path):
    return Group(start_comet, tmp_path)


def wait_master_gone(group, slave):
    wait_until(lambda: broker_addrs(group.namesrv.address, group.name) == {1: slave.address}, 20,
               "the name server to drop the killed master")


def test_sync_master_without_a_slave_answers_slave_not_available_and_stores(group):
    master = group.start(0, "SYNC_MASTER")
    topic = unique("SyncAlone")
    assert remoting.create_topic(master.address, topic, 1).code == remoting.SUCCESS
    response = remoting.send_message(master.address, topic, b"alone")
    assert response.code == SLAVE_NOT_AVAILABLE, response
    assert response.ext.get("msgId") and response.ext.get("queueOffset") == "0"
    assert [m.body for m in drain(master.address, topic, 1)] == [b"alone"]
    # WAIT=false: the producer does not wait for the store, so no slave is waited for either.
    unwaited = remoting.send_message(master.address, topic, b"nowait", properties={"WAIT": "false"})
    assert unwaited.code == remoting.SUCCESS, unwaited


def test_sync_master_answers_flush_slave_timeout_while_the_slave_does_not_acknowledge(group):
    master = group.start(0, "SYNC_MASTER", extra={"slaveTimeout": 800})
    slave = group.start(1, "SLAVE")
    topic = unique("SyncStalled")
    assert remoting.create_topic(master.address, topic, 1).code == remoting.SUCCESS
    assert remoting.send_message(master.address, topic, b"acked").code == remoting.SUCCESS
    os.kill(slave.proc.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = remoting.send_message(master.address, topic, b"unacked")
        waited = time.monotonic() - started
        assert response.code == FLUSH_SLAVE_TIMEOUT, response
        assert waited >= 0.7, waited
        assert response.ext.get("queueOffset") == "1"
    finally:
        os.kill(slave.proc.pid, signal.SIGCONT)
    wait_caught_up(master.address, slave.address)
    assert remoting.send_message(master.address, topic, b"acked-again").code == remoting.SUCCESS


def test_every_acknowledged_send_survives_a_master_sigkill_and_the_group_continues_on_the_slave(group, cpp):
    master = group.start(0, "SYNC_MASTER")
    slave = group.start(1, "SLAVE")
    topic = unique("SyncKill")
    assert remoting.create_topic(master.address, topic, 4).code == remoting.SUCCESS
    remoting.wait_for_route(group.namesrv.address, topic)

    # A consumer group reads the first part from the master and commits its offsets there.
    consumer_group = unique("GID_ha")
    first = [f"first-{i}" for i in range(200)]
    producer = cpp.producer(group.namesrv.address)
    for body in first:
        assert producer.send_sync(make_message(topic, body)).status == 0
    consumer, seen = cpp.push_consumer(group.namesrv.address, consumer_group, topic)
    wait_until(lambda: len(set(seen.bodies())) >= len(first), 60, "the first part to be consumed")
    cpp.shutdown(consumer)  # persists its offsets on the master

    def slave_offsets():
        body = remoting.request(slave.address, GET_ALL_CONSUMER_OFFSET).body
        table = remoting.parse_fastjson(body)["offsetTable"].get(f"{topic}@{consumer_group}") or {}
        return sum(int(v) for v in table.values()) >= len(first)

    wait_until(slave_offsets, 30, "the slave to copy the group's offsets")

    # Senders on 4 threads; the master is killed mid-load.
    acknowledged, lock, stop = [], threading.Lock(), threading.Event()
    counter = iter(range(10**9))

    def send_loop():
        while not stop.is_set():
            body = f"load-{next(counter)}"
            try:
                result = producer.send_sync(make_message(topic, body))
            except Exception:
                continue
            if result.status == 0:
                with lock:
                    acknowledged.append(body)

    threads = [threading.Thread(target=send_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    wait_until(lambda: len(acknowledged) >= 5000, 180, "5000 acknowledged sends")
    master.kill()
    killed_at = time.monotonic()
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join(60)
    with lock:
        acked = set(acknowledged)
    wait_master_gone(group, slave)

    on_slave = {m.body.decode() for m in drain(slave.address, topic, 4)}
    missing = acked - on_slave
    assert not missing, f"{len(missing)} acknowledged messages are not on the slave: {sorted(missing)[:5]}"

    # The group continues on the slave from the offsets it copied: nothing of the first part again.
    consumer, rest = cpp.push_consumer(group.namesrv.address, consumer_group, topic)
    wait_until(lambda: acked <= set(b.decode() for b in rest.bodies()), 90,
               lambda: f"{len(acked - set(b.decode() for b in rest.bodies()))} acknowledged messages from the slave")
    print(f"consumers read from the slave {time.monotonic() - killed_at:.1f}s after the master's SIGKILL "
          f"({len(acked)} acknowledged sends)")
    again = set(b.decode() for b in rest.bodies()) & set(first)
    assert not again, f"{len(again)} messages of the first part were consumed again"
