"""FIFO message groups, delivery timestamps and TAG/SQL92 filters over gRPC."""
import time

from rocketmq import FilterExpression
from rocketmq.grpc_protocol import FilterType

import v5


def test_fifo_groups_arrive_in_order_one_in_flight_per_group(grpc_server):
    server = grpc_server(group_config={"FifoGroup": {"consumeMessageOrderly": True}})
    producer = v5.producer(server, ["FifoTopic"])
    consumer = v5.simple_consumer(server, "FifoGroup", {"FifoTopic": None}, await_duration=2)
    try:
        groups = ["g0", "g1", "g2"]
        for i in range(5):
            for g in groups:
                producer.send(v5.message("FifoTopic", f"{g}-{i}", group=g))
        seen = {g: [] for g in groups}
        deadline = time.monotonic() + 40
        while sum(map(len, seen.values())) < 15 and time.monotonic() < deadline:
            batch = consumer.receive(32, 20)
            in_batch = [m.message_group for m in batch]
            assert len(in_batch) == len(set(in_batch)), f"two messages of one group in flight: {in_batch}"
            for m in batch:
                seen[m.message_group].append(m.body.decode())
                consumer.ack(m)
        for g in groups:
            assert seen[g] == [f"{g}-{i}" for i in range(5)]
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_fifo_group_waiting_for_an_ack_does_not_block_other_groups(grpc_server):
    server = grpc_server(group_config={"FifoHold": {"consumeMessageOrderly": True}})
    producer = v5.producer(server, ["HoldTopic"])
    consumer = v5.simple_consumer(server, "FifoHold", {"HoldTopic": None}, await_duration=2)
    try:
        for i in range(3):
            producer.send(v5.message("HoldTopic", f"slow-{i}", group="slow"))
            producer.send(v5.message("HoldTopic", f"fast-{i}", group="fast"))
        held = None
        fast = []
        deadline = time.monotonic() + 30
        while len(fast) < 3 and time.monotonic() < deadline:
            for m in consumer.receive(32, 30):
                if m.message_group == "slow":
                    assert held is None, "a second slow message was handed out while the first was unacked"
                    held = m
                else:
                    fast.append(m.body.decode())
                    consumer.ack(m)
        assert fast == ["fast-0", "fast-1", "fast-2"]
        assert held is not None and held.body == b"slow-0"
        consumer.ack(held)
        rest = [m.body.decode() for m in v5.receive_all(consumer, 2, timeout=15)]
        assert rest == ["slow-1", "slow-2"]
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_delivery_timestamp_delays_the_message(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["DelayTopic"])
    consumer = v5.simple_consumer(server, "DelayGroup", {"DelayTopic": None}, await_duration=2)
    try:
        due = int(time.time()) + 4
        receipt = producer.send(v5.message("DelayTopic", "later", delivery=due))
        got = v5.receive_all(consumer, 1, timeout=20)
        arrived = time.time()
        assert [m.message_id for m in got] == [receipt.message_id]
        assert arrived >= due - 0.2, f"delivered {due - arrived:.2f}s early"
        assert arrived <= due + 5
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_tag_filter_is_applied_by_the_broker(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["TagTopic"])
    consumer = v5.simple_consumer(server, "TagGroup", {"TagTopic": FilterExpression("A || C")})
    try:
        for tag in ["A", "B", "C", "B", "A"]:
            producer.send(v5.message("TagTopic", f"body-{tag}", tag=tag))
        got = v5.receive_all(consumer, 3, timeout=15)
        assert sorted(m.tag for m in got) == ["A", "A", "C"]
        assert consumer.receive(32, 15) == []
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_sql92_filter_is_applied_by_the_broker(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["SqlTopic"])
    consumer = v5.simple_consumer(
        server, "SqlGroup", {"SqlTopic": FilterExpression("a > 5 AND region = 'eu'", FilterType.SQL)})
    try:
        for a, region in [(1, "eu"), (6, "eu"), (7, "us"), (9, "eu")]:
            producer.send(v5.message("SqlTopic", f"{a}-{region}", properties={"a": str(a), "region": region}))
        got = v5.receive_all(consumer, 2, timeout=15)
        assert sorted(m.body for m in got) == [b"6-eu", b"9-eu"]
        assert consumer.receive(32, 15) == []
    finally:
        consumer.shutdown()
        producer.shutdown()
