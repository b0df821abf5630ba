"""Issue 4: the official C++ client (PyPI rocketmq==0.4.4) produces to and consumes from
`comet standalone`: sync, async and oneway sends; every field survives; large compressed bodies."""
import random
import time
import zlib

import pytest
from rocketmq.client import SendStatus

import remoting
from cpp_client import make_message, pull_all, send_async_all, unique, wait_until

PROPERTY_NAMES = ("origin", "seq", "note")


def _expected(topic, mode, i):
    return {
        "body": f"{mode} message {i} from the C++ client: {'x' * (i % 7)} \u00e9\u00e8 {{json: 1}}".encode(),
        "tags": f"Tag{mode.capitalize()}",
        "keys": f"{mode}-key-{i}",
        "properties": {"origin": mode, "seq": str(i), "note": f"user property {i} with spaces and \u00fc"},
    }


def test_sync_async_oneway_sends_reach_a_clustering_push_consumer_intact(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicSends"), unique("GID_sends")
    producer = cpp.producer(server.address)
    started_ms = int(time.time() * 1000)
    count = 20

    sync_results = {}
    for i in range(count):
        e = _expected(topic, "sync", i)
        result = producer.send_sync(make_message(topic, e["body"], tags=e["tags"], keys=e["keys"],
                                                 properties=e["properties"]))
        assert result.status == SendStatus.OK
        assert result.msg_id, "SendResult.msgId is the client's UNIQ_KEY"
        sync_results[e["keys"]] = result

    async_messages = []
    for i in range(count):
        e = _expected(topic, "async", i)
        async_messages.append(make_message(topic, e["body"], tags=e["tags"], keys=e["keys"],
                                           properties=e["properties"]))
    async_results = send_async_all(producer, async_messages)
    assert all(r.status == SendStatus.OK for r in async_results)

    for i in range(count):
        e = _expected(topic, "oneway", i)
        producer.send_oneway(make_message(topic, e["body"], tags=e["tags"], keys=e["keys"],
                                          properties=e["properties"]))

    # The topic was auto-created on first send (through TBW102) and registered with the name server.
    route = remoting.wait_for_route(server.address, topic)
    assert min(remoting.queue_counts(route)) >= 1

    _, received = cpp.push_consumer(server.address, group, topic, property_names=PROPERTY_NAMES)
    expected = {(_expected(topic, mode, i)["keys"]): _expected(topic, mode, i)
                for mode in ("sync", "async", "oneway") for i in range(count)}
    wait_until(lambda: {m.keys.decode() for m in received.snapshot()} >= set(expected), 30,
               lambda: f"all {len(expected)} messages; got {received.count()}: missing "
                       f"{sorted(set(expected) - {m.keys.decode() for m in received.snapshot()})[:10]}")
    time.sleep(1.0)  # anything extra (duplicates) would show up now
    messages = received.snapshot()
    assert not received.errors, received.errors
    by_key = {}
    for message in messages:
        by_key.setdefault(message.keys.decode(), []).append(message)
    duplicates = {k: len(v) for k, v in by_key.items() if len(v) > 1}
    assert not duplicates, f"delivered more than once: {duplicates}"

    now_ms = int(time.time() * 1000)
    for key, e in expected.items():
        message = by_key[key][0]
        assert message.topic == topic
        assert message.body == e["body"]
        assert message.tags.decode() == e["tags"]
        for name, value in e["properties"].items():
            assert message.properties.get(name) == value, f"{key}: property {name}"
        assert message.uniq_key, f"{key}: UNIQ_KEY property lost"
        assert message.reconsume_times == 0
        assert started_ms - 1000 <= message.born_timestamp <= message.store_timestamp + 1000
        assert message.store_timestamp <= now_ms + 1000
        if key in sync_results:
            assert message.uniq_key == sync_results[key].msg_id
            assert message.queue_offset == sync_results[key].offset, f"{key}: queue offset differs from send result"

    # Queue offsets are dense per queue: 0..n-1 with no gaps or repeats.
    per_queue = {}
    for message in messages:
        per_queue.setdefault(message.queue_id, []).append(message.queue_offset)
    for queue_id, offsets in per_queue.items():
        assert sorted(offsets) == list(range(len(offsets))), f"queue {queue_id} offsets {sorted(offsets)}"
    assert server.alive()


@pytest.mark.parametrize("kind", ["incompressible", "compressible"])
def test_200kb_body_arrives_byte_exact(standalone, cpp, kind):
    server = standalone()
    topic, group = unique("TopicLarge"), unique("GID_large")
    rng = random.Random(42)
    size = 200 * 1024
    if kind == "incompressible":
        body = bytes(rng.randrange(1, 256) for _ in range(size))  # no NUL: bodies come back as C strings
    else:
        words = [b"alpha", b"beta", b"gamma", b"delta", b"comet", b"rocket"]
        body = b" ".join(rng.choice(words) for _ in range(size))[:size]
    assert len(body) == size

    producer = cpp.producer(server.address, max_message_size=512 * 1024, timeout_ms=10000)
    result = producer.send_sync(make_message(topic, body, tags="Large", keys="large-1"))
    assert result.status == SendStatus.OK
    small = producer.send_sync(make_message(topic, b"after the large one", tags="Small", keys="small-1"))
    assert small.status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)

    _, received = cpp.push_consumer(server.address, group, topic)
    wait_until(lambda: {m.keys for m in received.snapshot()} >= {b"large-1", b"small-1"}, 30,
               lambda: f"both messages; got {[m.keys for m in received.snapshot()]}")
    large = next(m for m in received.snapshot() if m.keys == b"large-1")
    assert len(large.body) == size
    assert large.body == body

    # The pull consumer sees the same bytes.
    puller = cpp.pull_consumer(server.address)
    pulled = [m for m in pull_all(puller, topic) if m.keys == b"large-1"]
    assert len(pulled) == 1 and pulled[0].body == body

    # The broker stored what the client sent: compressed flag and zlib body kept as is.
    response = remoting.pull(server.broker_address, unique("GID_raw"), topic, large.queue_id, large.queue_offset,
                             max_msgs=1)
    assert response.code == remoting.SUCCESS, response
    (stored,) = remoting.decode_messages(response.body)
    assert stored.sys_flag & remoting.SYSFLAG_COMPRESSED, "the C++ client compresses bodies >= 4 KiB"
    assert zlib.decompress(stored.body) == body
    assert stored.properties.get("KEYS") == "large-1"
    assert stored.properties.get("TAGS") == "Large"


def test_pulled_records_keep_header_fields(standalone, cpp):
    """The stored record served to a pull carries what the producer sent plus broker-set hosts."""
    server = standalone()
    topic = unique("TopicFields")
    producer = cpp.producer(server.address)
    before = int(time.time() * 1000)
    result = producer.send_sync(make_message(topic, b"fields", tags="TagF", keys="k1 k2",
                                             properties={"color": "blue"}))
    assert result.status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)

    found = []
    read_queues = remoting.queue_counts(remoting.get_route(server.address, topic))[0]
    for queue_id in range(read_queues):
        response = remoting.pull(server.broker_address, unique("GID_raw"), topic, queue_id, 0)
        if response.code == remoting.SUCCESS:
            found.extend(remoting.decode_messages(response.body))
        else:
            assert response.code == remoting.PULL_NOT_FOUND, response
        if found:
            assert int(response.ext["nextBeginOffset"]) == 1
            assert int(response.ext["minOffset"]) == 0
            assert int(response.ext["maxOffset"]) == 1
            break
    assert len(found) == 1, found
    stored = found[0]
    assert stored.topic == topic
    assert stored.body == b"fields"
    assert stored.queue_offset == result.offset == 0
    assert stored.properties["TAGS"] == "TagF"
    assert stored.properties["KEYS"] == "k1 k2"
    assert stored.properties["color"] == "blue"
    assert stored.properties["UNIQ_KEY"] == result.msg_id
    assert stored.born_host.startswith("127.0.0.1:")
    assert stored.store_host == server.broker_address, "STOREHOST must be the broker's client-facing address"
    assert before - 1000 <= stored.born_timestamp <= stored.store_timestamp <= int(time.time() * 1000) + 1000
