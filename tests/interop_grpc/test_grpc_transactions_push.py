"""Transactions (commit, rollback, orphaned-transaction check over Telemetry) and the PushConsumer
(success, failure → redelivery → dead-letter queue) over gRPC."""
import threading
import time

from rocketmq import (ConsumeResult, FilterExpression, MessageListener, PushConsumer, TransactionChecker,
                      TransactionResolution)

import v5
from conftest import wait_until


class Checker(TransactionChecker):
    def __init__(self, resolution):
        self.resolution = resolution
        self.checked = []

    def check(self, message):
        self.checked.append(message.message_id)
        return self.resolution


def test_commit_delivers_and_rollback_drops(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["TxTopic"], checker=Checker(TransactionResolution.ROLLBACK))
    consumer = v5.simple_consumer(server, "TxGroup", {"TxTopic": None})
    try:
        tx = producer.begin_transaction()
        committed = producer.send(v5.message("TxTopic", "commit-me"), tx)
        assert committed.transaction_id
        tx.commit()
        tx2 = producer.begin_transaction()
        producer.send(v5.message("TxTopic", "roll-me-back"), tx2)
        tx2.rollback()
        got = v5.receive_all(consumer, 1, timeout=15)
        assert [m.body for m in got] == [b"commit-me"]
        assert consumer.receive(32, 15) == []
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_orphaned_transaction_is_resolved_by_the_checker(grpc_server):
    import os
    import tempfile

    conf = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
    conf.write("transactionTimeOut=1000\ntransactionCheckInterval=1000\n")
    conf.close()
    try:
        server = grpc_server(extra_args=["--config", conf.name])
        checker = Checker(TransactionResolution.COMMIT)
        producer = v5.producer(server, ["OrphanTopic"], checker=checker)
        consumer = v5.simple_consumer(server, "OrphanGroup", {"OrphanTopic": None})
        try:
            tx = producer.begin_transaction()
            receipt = producer.send(v5.message("OrphanTopic", "decided-by-check"), tx)
            # Neither commit nor rollback: the broker asks the producer over its Telemetry stream.
            got = v5.receive_all(consumer, 1, timeout=30)
            assert [m.body for m in got] == [b"decided-by-check"]
            assert receipt.message_id in checker.checked
        finally:
            consumer.shutdown()
            producer.shutdown()
    finally:
        os.unlink(conf.name)


class Listener(MessageListener):
    def __init__(self, fail=False):
        self.fail = fail
        self.lock = threading.Lock()
        self.seen = []

    def consume(self, message):
        with self.lock:
            self.seen.append((message.body, message.delivery_attempt))
        return ConsumeResult.FAILURE if self.fail else ConsumeResult.SUCCESS


def test_push_consumer_receives_and_acks(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["PushTopic"])
    listener = Listener()
    consumer = PushConsumer(v5.config(server), "PushGroup", listener, {"PushTopic": FilterExpression()})
    consumer.startup()
    try:
        for i in range(5):
            producer.send(v5.message("PushTopic", f"p{i}"))
        wait_until(lambda: len(listener.seen) >= 5, 30, message="5 messages consumed")
        time.sleep(1)
        assert sorted(b for b, _ in listener.seen) == [f"p{i}".encode() for i in range(5)]
        assert all(attempt == 1 for _, attempt in listener.seen)
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_push_consumer_failure_is_redelivered_then_dead_lettered(grpc_server):
    # retryMaxTimes 1 → 2 delivery attempts, then %DLQ%PushFail (backoff 1 s between them).
    server = grpc_server(group_config={"PushFail": {"retryMaxTimes": 1}})
    producer = v5.producer(server, ["FailTopic"])
    listener = Listener(fail=True)
    consumer = PushConsumer(v5.config(server), "PushFail", listener, {"FailTopic": FilterExpression()})
    consumer.startup()
    dlq_reader = None
    try:
        receipt = producer.send(v5.message("FailTopic", "poison"))
        wait_until(lambda: len(listener.seen) >= 2, 40, message="two delivery attempts")
        assert [attempt for _, attempt in listener.seen[:2]] == [1, 2]
        dlq_reader = v5.simple_consumer(server, "DlqReader", {"%DLQ%PushFail": None})
        got = v5.receive_all(dlq_reader, 1, timeout=40)
        assert [m.message_id for m in got] == [receipt.message_id]
        time.sleep(1.5)
        assert len(listener.seen) == 2
    finally:
        if dlq_reader:
            dlq_reader.shutdown()
        consumer.shutdown()
        producer.shutdown()
