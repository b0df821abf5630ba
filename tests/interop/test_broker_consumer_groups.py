"""Issue 4: subscriptions and consumer groups with the C++ client: tag filter expressions,
broadcasting (every consumer gets everything) and clustering (the group splits the queues)."""
import time

import pytest
from rocketmq.client import SendStatus

import remoting
from cpp_client import create_topic_by_sending, make_message, pull_all, unique, wait_until


def test_tag_filter_expression_delivers_only_matching_tags(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicTags"), unique("GID_tags")
    producer = cpp.producer(server.address)
    sent = {"TagA": [], "TagB": [], "TagC": []}
    for i in range(60):
        tag = ("TagA", "TagB", "TagC")[i % 3]
        key = f"{tag}-{i}"
        assert producer.send_sync(make_message(topic, f"body {key}", tags=tag, keys=key)).status == SendStatus.OK
        sent[tag].append(key)
    remoting.wait_for_route(server.address, topic)

    _, received = cpp.push_consumer(server.address, group, topic, "TagA || TagB")
    wanted = set(sent["TagA"]) | set(sent["TagB"])
    wait_until(lambda: {m.keys.decode() for m in received.snapshot()} >= wanted, 30,
               lambda: f"{len(wanted)} TagA/TagB messages; got {received.count()}")

    # TagC messages must never arrive, including ones sent while the consumer is running.
    for i in range(9):
        tag = ("TagC", "TagA", "TagC")[i % 3]
        key = f"live-{tag}-{i}"
        assert producer.send_sync(make_message(topic, f"body {key}", tags=tag, keys=key)).status == SendStatus.OK
        if tag == "TagA":
            wanted.add(key)
    wait_until(lambda: {m.keys.decode() for m in received.snapshot()} >= wanted, 30, "the live TagA messages")
    time.sleep(1.0)
    got = [m.keys.decode() for m in received.snapshot()]
    assert not [k for k in got if "TagC" in k], "a TagC message passed the TagA || TagB filter"
    assert {m.tags for m in received.snapshot()} <= {b"TagA", b"TagB"}
    assert len(got) == len(set(got)), "duplicates delivered"

    # The broker filters by tag hash for pulls, too; offsets still advance past filtered messages.
    puller = cpp.pull_consumer(server.address)
    pulled = pull_all(puller, topic, "TagB")
    assert sorted(m.keys.decode() for m in pulled) == sorted(sent["TagB"])

    # Broker-side filtering over the wire: a TagA-only pull returns no TagB/TagC record.
    group_raw = unique("GID_raw")
    for queue_id in range(remoting.queue_counts(remoting.get_route(server.address, topic))[0]):
        offset, seen = 0, 0
        for _ in range(50):
            response = remoting.pull(server.broker_address, group_raw, topic, queue_id, offset, subscription="TagA")
            if response.code == remoting.PULL_NOT_FOUND:
                break
            assert response.code in (remoting.SUCCESS, remoting.PULL_RETRY_IMMEDIATELY), response
            if response.code == remoting.SUCCESS:
                records = remoting.decode_messages(response.body)
                assert {r.properties["TAGS"] for r in records} == {"TagA"}
                seen += len(records)
            next_offset = int(response.ext["nextBeginOffset"])
            assert next_offset > offset, f"queue {queue_id}: no progress past offset {offset}"
            offset = next_offset
        else:
            pytest.fail(f"queue {queue_id}: pull never reached the end")


def _probe_until(producer, topic, queue_count, collectors, done, timeout=45.0):
    """Sends one probe per queue (send_orderly targets the queue) every round until done(round
    deliveries) holds: consumers that start from the max offset (broadcasting) or that are still
    rebalancing (clustering) are then known to be pulling every queue."""
    deadline = time.monotonic() + timeout
    round_no = 0
    while True:
        round_no += 1
        keys = [f"probe-{round_no}-{q}" for q in range(queue_count)]
        for q, key in enumerate(keys):
            assert producer.send_orderly(make_message(topic, key, tags="Probe", keys=key), q).status == SendStatus.OK
        round_end = time.monotonic() + 3.0
        while time.monotonic() < round_end:
            deliveries = {c.name: {m.queue_id for m in c.snapshot() if m.keys.decode() in keys} for c in collectors}
            if done(deliveries):
                return deliveries
            time.sleep(0.1)
        assert time.monotonic() < deadline, f"consumers not ready after {round_no} probe rounds: {deliveries}"


def test_broadcasting_consumers_each_receive_everything(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicBroadcast"), unique("GID_broadcast")
    queue_count = create_topic_by_sending(cpp, server.address, topic)
    producer = cpp.producer(server.address)

    _, first = cpp.push_consumer(server.address, group, topic, broadcasting=True)
    _, second = cpp.push_consumer(server.address, group, topic, broadcasting=True)
    everything = set(range(queue_count))
    _probe_until(producer, topic, queue_count, [first, second],
                 lambda d: all(queues == everything for queues in d.values()))

    keys = [f"bc-{i}" for i in range(40)]
    for key in keys:
        assert producer.send_sync(make_message(topic, f"body {key}", tags="Real", keys=key)).status == SendStatus.OK
    for collector in (first, second):
        wait_until(lambda: {m.keys.decode() for m in collector.snapshot()} >= set(keys), 30,
                   lambda: f"{collector.name}: all 40; got {len([m for m in collector.snapshot() if m.tags == b'Real'])}")
        real = [m for m in collector.snapshot() if m.tags == b"Real"]
        assert {m.body for m in real} == {f"body {k}".encode() for k in keys}
        assert not collector.errors


@pytest.mark.parametrize("creation", ["update-and-create-topic", "auto-create-from-TBW102"])
def test_clustering_consumers_split_the_queues(namesrv_and_broker, cpp, creation):
    server = namesrv_and_broker({"defaultTopicQueueNums": 8, "brokerIP1": "127.0.0.1"})
    topic, group = unique("TopicCluster"), unique("GID_cluster")
    # broker.conf's defaultTopicQueueNums sizes the default topic TBW102.
    assert remoting.queue_counts(remoting.get_route(server.address, "TBW102")) == (8, 8)
    if creation == "update-and-create-topic":
        response = remoting.create_topic(server.broker_address, topic, 8)
        assert response.code == remoting.SUCCESS, response
        expected_queues = 8
    else:
        # Auto-creation on first send, as RocketMQ does it: queue count = min(the request's
        # defaultTopicQueueNums, TBW102's write queues); the C++ client always asks for 4.
        create_topic_by_sending(cpp, server.address, topic)
        expected_queues = 4
    route = remoting.wait_for_route(server.address, topic)
    assert remoting.queue_counts(route) == (expected_queues, expected_queues), route
    producer = cpp.producer(server.address)  # created after the route exists: it sees every queue

    _, first = cpp.push_consumer(server.address, group, topic)
    _, second = cpp.push_consumer(server.address, group, topic)
    everything = set(range(expected_queues))

    def split(deliveries):
        a, b = deliveries[first.name], deliveries[second.name]
        return a and b and not (a & b) and (a | b) == everything

    _probe_until(producer, topic, expected_queues, [first, second], split, timeout=60.0)

    keys = [f"cl-{i}" for i in range(80)]
    for key in keys:
        assert producer.send_sync(make_message(topic, f"body {key}", tags="Real", keys=key)).status == SendStatus.OK

    def real(collector):
        return [m for m in collector.snapshot() if m.tags == b"Real"]

    wait_until(lambda: {m.keys.decode() for m in real(first) + real(second)} >= set(keys), 30,
               lambda: f"all 80 across the group; got {len(real(first))} + {len(real(second))}")
    time.sleep(1.0)
    a, b = real(first), real(second)
    assert a and b, f"one consumer got nothing: {len(a)} / {len(b)}"
    queues_a, queues_b = {m.queue_id for m in a}, {m.queue_id for m in b}
    assert not (queues_a & queues_b), f"queues consumed by both: {queues_a & queues_b}"
    half = expected_queues // 2  # "averagely" allocation: an even split
    assert len(queues_a) == half and len(queues_b) == half, (queues_a, queues_b)
    all_keys = [m.keys.decode() for m in a + b]
    assert sorted(all_keys) == sorted(keys), "lost or duplicated messages in the group"
