"""Producer + SimpleConsumer against comet's gRPC endpoint: send, receive, ack, redelivery after the
invisible time, change-invisible-duration, bad input."""
import time

import pytest
from rocketmq import FilterExpression

import v5


def test_send_receive_ack_keeps_tag_keys_properties_and_body(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["OrderTopic"])
    consumer = v5.simple_consumer(server, "GroupA", {"OrderTopic": FilterExpression("*")})
    try:
        sent = {}
        for i in range(10):
            receipt = producer.send(
                v5.message("OrderTopic", f"body-{i}", tag="TagA", keys=[f"k{i}", "common"], properties={"n": str(i)}))
            assert receipt.message_id
            sent[receipt.message_id] = i
        got = v5.receive_all(consumer, 10, timeout=20)
        assert sorted(sent) == sorted(m.message_id for m in got)
        for m in got:
            i = sent[m.message_id]
            assert m.body == f"body-{i}".encode()
            assert m.tag == "TagA"
            assert set(m.keys) == {f"k{i}", "common"}
            assert m.properties.get("n") == str(i)
            assert m.delivery_attempt == 1
        # Acknowledged messages never come back.
        assert consumer.receive(32, 15) == []
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_unacked_message_returns_after_invisible_time_with_attempt_two(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["RetryTopic"])
    consumer = v5.simple_consumer(server, "GroupRetry", {"RetryTopic": None}, await_duration=3)
    try:
        receipt = producer.send(v5.message("RetryTopic", "once"))
        first = v5.receive_all(consumer, 1, timeout=15, invisible=2, ack=False)
        assert [m.message_id for m in first] == [receipt.message_id]
        assert first[0].delivery_attempt == 1
        taken = time.monotonic()
        again = v5.receive_all(consumer, 1, timeout=15, invisible=30, ack=False)
        assert [m.message_id for m in again] == [receipt.message_id]
        assert again[0].delivery_attempt == 2
        assert time.monotonic() - taken >= 1.0
        consumer.ack(again[0])
        # The first handle belongs to an earlier delivery: it no longer acknowledges anything.
        with pytest.raises(Exception):
            consumer.ack(first[0])
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_change_invisible_duration_makes_the_message_visible_sooner(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["ChangeTopic"])
    consumer = v5.simple_consumer(server, "GroupChange", {"ChangeTopic": None}, await_duration=3)
    try:
        receipt = producer.send(v5.message("ChangeTopic", "x"))
        got = v5.receive_all(consumer, 1, timeout=15, invisible=60, ack=False)
        assert [m.message_id for m in got] == [receipt.message_id]
        consumer.change_invisible_duration(got[0], 1)
        again = v5.receive_all(consumer, 1, timeout=10, invisible=60, ack=False)
        assert [m.message_id for m in again] == [receipt.message_id]
        assert again[0].delivery_attempt == 2
        consumer.ack(again[0])
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_two_groups_each_get_every_message(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["FanTopic"])
    a = v5.simple_consumer(server, "FanA", {"FanTopic": None})
    b = v5.simple_consumer(server, "FanB", {"FanTopic": None})
    try:
        ids = {producer.send(v5.message("FanTopic", f"m{i}")).message_id for i in range(5)}
        assert {m.message_id for m in v5.receive_all(a, 5, timeout=15)} == ids
        assert {m.message_id for m in v5.receive_all(b, 5, timeout=15)} == ids
    finally:
        a.shutdown()
        b.shutdown()
        producer.shutdown()


def test_receive_waits_for_a_message_sent_later(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["PollTopic"])
    consumer = v5.simple_consumer(server, "GroupPoll", {"PollTopic": None}, await_duration=10)
    try:
        import threading

        def later():
            time.sleep(1.0)
            producer.send(v5.message("PollTopic", "late"))

        thread = threading.Thread(target=later)
        thread.start()
        got = v5.receive_all(consumer, 1, timeout=12)
        thread.join(5)
        assert [m.body for m in got] == [b"late"]
    finally:
        consumer.shutdown()
        producer.shutdown()
