"""Issue 4: orderly sends with a queue selector and an orderly push consumer (queue locks,
LOCK_BATCH_MQ / UNLOCK_BATCH_MQ) keep per-key order against `comet standalone`."""
import time

from rocketmq.client import SendStatus

from cpp_client import create_topic_by_sending, make_message, unique, wait_until

KEYS = 6
PER_KEY = 30


def test_orderly_send_and_orderly_consume_keep_per_key_order(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicOrderly"), unique("GID_orderly")
    queue_count = create_topic_by_sending(cpp, server.address, topic)
    producer = cpp.producer(server.address)

    # Interleave the keys so that order can only hold if the broker keeps each queue in send order.
    offsets_by_key = {}
    for seq in range(PER_KEY):
        for key in range(KEYS):
            message = make_message(topic, f"order-{key}-{seq}", tags=f"Key{key}", keys=f"order-{key}-{seq}",
                                   properties={"shardingKey": str(key), "seq": str(seq)})
            result = producer.send_orderly(message, key)  # hashing selector: queue = key % queue count
            assert result.status == SendStatus.OK
            offsets_by_key.setdefault(key, []).append(result.offset)
    for key, offsets in offsets_by_key.items():
        assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets), (
            f"key {key}: queue offsets of sequential sends are not increasing: {offsets}")


    _, received = cpp.push_consumer(server.address, group, topic, orderly=True, property_names=("shardingKey", "seq"))
    total = KEYS * PER_KEY
    wait_until(lambda: len({m.keys for m in received.snapshot()} - {b"create"}) >= total, 60,
               lambda: f"{total} messages; got {len({m.keys for m in received.snapshot()})}")
    time.sleep(0.5)
    assert not received.errors, received.errors

    sequences, queues = {}, {}
    for message in received.snapshot():
        if message.keys == b"create":
            continue
        key = int(message.properties["shardingKey"])
        sequences.setdefault(key, []).append(int(message.properties["seq"]))
        queues.setdefault(key, set()).add(message.queue_id)
    for key in range(KEYS):
        assert sequences[key] == list(range(PER_KEY)), f"key {key} consumed out of order: {sequences[key]}"
        assert queues[key] == {key % queue_count}, f"key {key} was spread over queues {queues[key]}"
    assert server.alive()


def test_orderly_consumer_receives_messages_sent_after_it_started(standalone, cpp):
    """Long polling on locked queues: messages sent while the orderly consumer waits arrive in order."""
    server = standalone()
    topic, group = unique("TopicOrderlyLive"), unique("GID_orderly_live")
    create_topic_by_sending(cpp, server.address, topic)
    producer = cpp.producer(server.address)
    assert producer.send_orderly(make_message(topic, "warm-up", keys="warm-up", properties={"seq": "-1"}),
                                 0).status == SendStatus.OK

    _, received = cpp.push_consumer(server.address, group, topic, orderly=True, property_names=("seq",))
    wait_until(lambda: any(m.keys == b"warm-up" for m in received.snapshot()), 30, "the warm-up message")

    for seq in range(50):
        assert producer.send_orderly(make_message(topic, f"live-{seq}", keys=f"live-{seq}",
                                                  properties={"seq": str(seq)}), 0).status == SendStatus.OK
    wait_until(lambda: len([m for m in received.snapshot() if m.keys.startswith(b"live-")]) >= 50, 30,
               lambda: f"50 live messages; got {received.count() - 1}")
    seqs = [int(m.properties["seq"]) for m in received.snapshot() if m.keys.startswith(b"live-")]
    assert seqs == list(range(50))
