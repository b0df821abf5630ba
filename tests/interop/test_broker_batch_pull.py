"""Issue 4: batch sends from the C++ client (SEND_MESSAGE with `batch`="1" and an encoded batch
body) are stored as the individual messages; the pull consumer reads every queue by offset; pull
semantics over the wire (long polling, commit offset on pull, min/max offsets)."""
import threading
import time

from rocketmq.client import SendStatus
from rocketmq.ffi import _CPullStatus

import remoting
from cpp_client import fetch_queues, make_message, pull_all, pull_once, unique, wait_until


def _batch(topic, prefix, count, body_size=0):
    return [make_message(topic, f"{prefix} body {i} " + "b" * body_size, tags=f"Tag{i % 2}", keys=f"{prefix}-{i}",
                         properties={"index": str(i), "batch": prefix}) for i in range(count)]


def _check_batch(messages, prefix, count, body_size=0):
    mine = sorted((m for m in messages if m.keys.decode().startswith(prefix + "-")),
                  key=lambda m: int(m.properties["index"]))
    assert [m.keys.decode() for m in mine] == [f"{prefix}-{i}" for i in range(count)], (
        f"batch {prefix}: expected {count} individual messages, got {[m.keys for m in mine]}")
    for i, message in enumerate(mine):
        assert message.body == f"{prefix} body {i} ".encode() + b"b" * body_size
        assert message.tags == f"Tag{i % 2}".encode()
        assert message.properties["batch"] == prefix
    # One batch goes to one queue, at consecutive offsets, in batch order.
    assert len({m.queue_id for m in mine}) == 1
    offsets = [m.queue_offset for m in mine]
    assert offsets == list(range(offsets[0], offsets[0] + count)), offsets
    return mine


def test_batch_send_is_stored_as_individual_messages(standalone, cpp):
    server = standalone()
    topic = unique("TopicBatch")
    producer = cpp.producer(server.address)
    first = producer.send_batch(_batch(topic, "small", 10))
    assert first.status == SendStatus.OK
    second = producer.send_batch(_batch(topic, "second", 5))
    assert second.status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)

    puller = cpp.pull_consumer(server.address)
    messages = pull_all(puller, topic, property_names=("index", "batch"))
    assert len(messages) == 15, [m.keys for m in messages]
    small = _check_batch(messages, "small", 10)
    _check_batch(messages, "second", 5)
    assert small[0].queue_offset == first.offset, "the send result carries the batch's first queue offset"

    # A push consumer sees the same individual messages.
    _, received = cpp.push_consumer(server.address, unique("GID_batch"), topic, property_names=("index", "batch"))
    wait_until(lambda: received.count() >= 15, 30, lambda: f"15 messages; got {received.count()}")
    _check_batch(received.snapshot(), "small", 10)


def test_batch_over_4kib_compressed_by_the_client_is_unpacked(standalone, cpp):
    """C++ 1.2.3 zlib-compresses a batch body >= 4 KiB and sets the compressed sys flag on the batch
    request itself; the individual messages must still come out (each uncompressed, as sent)."""
    server = standalone()
    topic = unique("TopicBatchZ")
    producer = cpp.producer(server.address)
    result = producer.send_batch(_batch(topic, "big", 20, body_size=400))
    assert result.status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)

    puller = cpp.pull_consumer(server.address)
    messages = pull_all(puller, topic, property_names=("index", "batch"))
    assert len(messages) == 20
    _check_batch(messages, "big", 20, body_size=400)


def test_pull_consumer_reads_every_queue_by_offset(standalone, cpp):
    server = standalone()
    topic = unique("TopicPull")
    producer = cpp.producer(server.address)
    sent = {}
    for i in range(100):
        result = producer.send_sync(make_message(topic, f"pull body {i}", tags="P", keys=f"pull-{i}"))
        assert result.status == SendStatus.OK
        sent[f"pull-{i}"] = result
    remoting.wait_for_route(server.address, topic)

    puller = cpp.pull_consumer(server.address)
    queues = fetch_queues(puller, topic)
    assert len(queues) >= 1
    messages = pull_all(puller, topic)
    assert sorted(m.keys.decode() for m in messages) == sorted(sent), "every message exactly once"
    for message in messages:
        assert message.body == f"pull body {message.keys.decode()[5:]}".encode()
        assert message.queue_offset == sent[message.keys.decode()].offset

    # Per queue: dense offsets from 0; a pull from the middle starts there; the end reports NO_NEW_MSG.
    for broker_name, queue_id in queues:
        in_queue = sorted(m.queue_offset for m in messages if m.queue_id == queue_id)
        assert in_queue == list(range(len(in_queue))), f"queue {queue_id}: {in_queue}"
        if len(in_queue) >= 3:
            middle = len(in_queue) // 2
            outcome = pull_once(puller, topic, broker_name, queue_id, middle, max_num=2)
            assert outcome.status == _CPullStatus.FOUND
            assert [m.queue_offset for m in outcome.messages] == [middle, middle + 1]
            assert outcome.next_begin_offset == middle + 2
            assert outcome.min_offset == 0 and outcome.max_offset == len(in_queue)
        end = pull_once(puller, topic, broker_name, queue_id, len(in_queue))
        assert end.status == _CPullStatus.NO_NEW_MSG, f"queue {queue_id}: status {end.status} at the end"
        assert end.next_begin_offset == len(in_queue)
        too_far = pull_once(puller, topic, broker_name, queue_id, len(in_queue) + 1000)
        assert too_far.status == _CPullStatus.OFFSET_ILLEGAL, f"queue {queue_id}: overflow status {too_far.status}"
        assert too_far.next_begin_offset == len(in_queue)

    # Messages sent later are found from the old end offsets.
    ends = {queue_id: len([m for m in messages if m.queue_id == queue_id]) for _, queue_id in queues}
    for i in range(100, 120):
        assert producer.send_sync(make_message(topic, f"pull body {i}", keys=f"pull-{i}")).status == SendStatus.OK
    later = pull_all(puller, topic, start_offsets=ends)
    assert sorted(m.keys.decode() for m in later) == sorted(f"pull-{i}" for i in range(100, 120))


def _raw_pull(broker, group, topic, queue_id, offset, sys_flag, suspend_ms, commit_offset=0, timeout=30.0):
    with remoting.Connection(broker, timeout=timeout) as connection:
        return connection.request(remoting.PULL_MESSAGE, {
            "consumerGroup": group, "topic": topic, "queueId": queue_id, "queueOffset": offset, "maxMsgNums": 32,
            "sysFlag": sys_flag, "commitOffset": commit_offset, "suspendTimeoutMillis": suspend_ms,
            "subscription": "*", "subVersion": 0, "expressionType": "TAG",
        })


def test_long_polling_holds_an_empty_pull_until_a_message_arrives(standalone, cpp):
    """A pull with the SUSPEND flag on an empty queue is held (the C++ push consumer re-pulls at once
    after PULL_NOT_FOUND, so a broker that answers at once is spun against) and answered as soon as
    a message for that queue is stored."""
    server = standalone()
    topic, group = unique("TopicLongPoll"), unique("GID_longpoll")
    created = remoting.create_topic(server.broker_address, topic, 1)
    assert created.code == remoting.SUCCESS, created
    suspend_and_subscription = 0x2 | remoting.PULL_SYSFLAG_SUBSCRIPTION

    # Held for about the suspend time, then PULL_NOT_FOUND.
    started = time.monotonic()
    response = _raw_pull(server.broker_address, group, topic, 0, 0, suspend_and_subscription, 2000)
    held = time.monotonic() - started
    assert response.code == remoting.PULL_NOT_FOUND, response
    assert 1.5 <= held <= 10, f"an empty long-poll pull was answered after {held:.2f}s (suspend 2 s)"

    # Answered promptly when a message arrives while it is held.
    outcome = {}

    def pull_in_background():
        begin = time.monotonic()
        outcome["response"] = _raw_pull(server.broker_address, group, topic, 0, 0, suspend_and_subscription, 15000)
        outcome["answered_at"] = time.monotonic()
        outcome["began_at"] = begin

    thread = threading.Thread(target=pull_in_background, daemon=True)
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive(), f"the pull was not held: {outcome.get('response')}"
    sent_at = time.monotonic()
    sent = remoting.send_message(server.broker_address, topic, b"wake up", queue_id=0)
    assert sent.code == remoting.SUCCESS, sent
    thread.join(20)
    assert not thread.is_alive(), "the held pull never returned"
    response = outcome["response"]
    assert response.code == remoting.SUCCESS, response
    assert [m.body for m in remoting.decode_messages(response.body)] == [b"wake up"]
    delay = outcome["answered_at"] - sent_at
    assert delay < 3.0, f"held pull answered {delay:.2f}s after the message arrived"


def test_pull_with_commit_offset_flag_commits_the_offset(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicCommit"), unique("GID_commit")
    created = remoting.create_topic(server.broker_address, topic, 1)
    assert created.code == remoting.SUCCESS, created
    for i in range(10):
        assert remoting.send_message(server.broker_address, topic, f"m{i}".encode()).code == remoting.SUCCESS

    commit_and_subscription = 0x1 | remoting.PULL_SYSFLAG_SUBSCRIPTION
    response = _raw_pull(server.broker_address, group, topic, 0, 7, commit_and_subscription, 0, commit_offset=7)
    assert response.code == remoting.SUCCESS, response
    assert [m.queue_offset for m in remoting.decode_messages(response.body)] == [7, 8, 9]
    assert response.ext["nextBeginOffset"] == "10" and response.ext["maxOffset"] == "10"

    queried = remoting.request(server.broker_address, remoting.QUERY_CONSUMER_OFFSET,
                               {"consumerGroup": group, "topic": topic, "queueId": 0})
    assert queried.code == remoting.SUCCESS and queried.ext["offset"] == "7", queried
    max_offset = remoting.request(server.broker_address, remoting.GET_MAX_OFFSET, {"topic": topic, "queueId": 0})
    assert max_offset.code == remoting.SUCCESS and max_offset.ext["offset"] == "10", max_offset
    min_offset = remoting.request(server.broker_address, remoting.GET_MIN_OFFSET, {"topic": topic, "queueId": 0})
    assert min_offset.code == remoting.SUCCESS and min_offset.ext["offset"] == "0", min_offset
