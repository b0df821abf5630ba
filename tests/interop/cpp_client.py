"""Helpers around the official C++ client (PyPI rocketmq==0.4.4) for broker interop tests.

Quirks handled here (see /work/shared/spec/clients.md):
- a received message is valid only inside the callback: every field a test checks is copied;
- two clients of one group in one process need distinct instance names: every client gets one;
- bodies go in with SetByteMessageBody (arbitrary bytes) but come back through a C string, so
  test bodies never contain NUL;
- PY4's PullConsumer.pull keeps offsets in a class-level table and loops forever on some
  statuses, so pulls here call the C API with a deadline.
"""
import ctypes
import itertools
import os
import threading
import time
import uuid
from dataclasses import dataclass, field

from rocketmq.client import Message, Producer, PullConsumer, PushConsumer
from rocketmq.ffi import MessageModel, _CMessageQueue, _CPullStatus, dll

_counter = itertools.count(1)
STARTUP_SETTLE_SECONDS = 0.2


def unique(prefix: str) -> str:
    """A topic/group/instance name unique to this run (letters, digits, '_' and '-' only)."""
    return f"{prefix}_{os.getpid()}_{next(_counter)}_{uuid.uuid4().hex[:6]}"


def wait_until(predicate, timeout: float, message: str = "condition", interval: float = 0.05):
    """Polls predicate until it returns a truthy value; fails the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            details = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout}s waiting for {details}")
        time.sleep(interval)


@dataclass
class Received:
    """The fields of one received message, copied inside the callback."""
    topic: str
    tags: bytes
    keys: bytes
    body: bytes
    msg_id: str
    queue_id: int
    queue_offset: int
    reconsume_times: int
    born_timestamp: int
    store_timestamp: int
    properties: dict = field(default_factory=dict)
    consumer: str = ""
    received_at: float = 0.0

    @property
    def uniq_key(self):
        return self.properties.get("UNIQ_KEY")


def copy_message(handle, property_names=(), consumer="") -> Received:
    def text(value):
        return value.decode("utf-8") if isinstance(value, bytes) else value

    properties = {}
    for name in ("UNIQ_KEY", *property_names):
        value = dll.GetMessageProperty(handle, name.encode())
        if value is not None:
            properties[name] = value.decode("utf-8")
    return Received(
        topic=text(dll.GetMessageTopic(handle)),
        tags=dll.GetMessageTags(handle) or b"",
        keys=dll.GetMessageKeys(handle) or b"",
        body=dll.GetMessageBody(handle) or b"",
        msg_id=text(dll.GetMessageId(handle)),
        queue_id=dll.GetMessageQueueId(handle),
        queue_offset=dll.GetMessageQueueOffset(handle),
        reconsume_times=dll.GetMessageReconsumeTimes(handle),
        born_timestamp=dll.GetMessageBornTimestamp(handle),
        store_timestamp=dll.GetMessageStoreTimestamp(handle),
        properties=properties,
        consumer=consumer,
        received_at=time.monotonic(),
    )


class Collector:
    """Thread-safe record of what a push consumer received."""

    def __init__(self, name: str):
        self.name = name
        self.lock = threading.Lock()
        self.messages: list[Received] = []
        self.errors: list[BaseException] = []

    def add(self, message: Received):
        with self.lock:
            self.messages.append(message)

    def snapshot(self) -> list[Received]:
        with self.lock:
            return list(self.messages)

    def bodies(self) -> list[bytes]:
        return [m.body for m in self.snapshot()]

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def make_message(topic: str, body, *, tags=None, keys=None, properties=None) -> Message:
    message = Message(topic)
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    assert b"\x00" not in data, "the C++ client returns bodies as C strings: no NUL in test bodies"
    dll.SetByteMessageBody(message._handle, data, len(data))
    if tags is not None:
        message.set_tags(tags)
    if keys is not None:
        message.set_keys(keys)
    for key, value in (properties or {}).items():
        message.set_property(key, value)
    return message


class Clients:
    """Creates C++ clients bound to one name server and shuts all of them down at test end."""

    def __init__(self):
        self._started = []

    def producer(self, namesrv: str, group: str | None = None, *, max_message_size: int | None = None,
                 timeout_ms: int | None = None) -> Producer:
        producer = Producer(group or unique("PID"))
        dll.SetProducerInstanceName(producer._handle, unique("p").encode())
        producer.set_namesrv_addr(namesrv)
        if max_message_size is not None:
            producer.set_max_message_size(max_message_size)
        if timeout_ms is not None:
            producer.set_timeout(timeout_ms)
        producer.start()
        self._started.append(producer)
        # A send in the first milliseconds after start can fail at once with "No route info of this
        # topic" (observed: the client's start-up tasks race the first send for the connection lock,
        # and all 5 attempts fail within a millisecond). Let the start-up settle.
        time.sleep(STARTUP_SETTLE_SECONDS)
        return producer

    def push_consumer(self, namesrv: str, group: str, topic: str, expression: str = "*", *, orderly: bool = False,
                      broadcasting: bool = False, property_names=(), instance: str | None = None,
                      on_message=None) -> tuple[PushConsumer, Collector]:
        """Starts a push consumer that records every message it receives (and answers CONSUME_SUCCESS)."""
        model = MessageModel.BROADCASTING if broadcasting else MessageModel.CLUSTERING
        consumer = PushConsumer(group, orderly=orderly, message_model=model)
        instance = instance or unique("c")
        consumer.set_instance_name(instance)
        consumer.set_namesrv_addr(namesrv)
        collector = Collector(instance)

        def callback(message):
            try:
                received = copy_message(message._handle, property_names, instance)
                collector.add(received)
                if on_message is not None:
                    on_message(received)
            except BaseException as error:  # never let an exception cross the C boundary
                collector.errors.append(error)

        consumer.subscribe(topic, callback, expression)
        consumer.start()
        self._started.append(consumer)
        return consumer, collector

    def pull_consumer(self, namesrv: str, group: str | None = None) -> PullConsumer:
        consumer = PullConsumer(group or unique("GID_pull"))
        consumer.set_namesrv_addr(namesrv)
        consumer.start()
        self._started.append(consumer)
        return consumer

    def shutdown(self, client):
        if client in self._started:
            self._started.remove(client)
        client.shutdown()

    def shutdown_all(self):
        while self._started:
            client = self._started.pop()
            try:
                client.shutdown()
            except Exception:
                pass


def fetch_queues(consumer: PullConsumer, topic: str) -> list[tuple[str, int]]:
    """The (brokerName, queueId) pairs the pull consumer sees for topic."""
    queues = ctypes.POINTER(_CMessageQueue)()
    size = ctypes.c_int()
    status = dll.FetchSubscriptionMessageQueues(consumer._handle, topic.encode(), ctypes.pointer(queues),
                                                ctypes.pointer(size))
    assert status == 0, f"FetchSubscriptionMessageQueues failed ({status}): {dll.GetLatestErrorMessage()}"
    try:
        return sorted((queues[i].brokerName.decode(), queues[i].queueId) for i in range(size.value))
    finally:
        dll.ReleaseSubscriptionMessageQueue(queues)


@dataclass
class PullOutcome:
    status: int
    next_begin_offset: int
    min_offset: int
    max_offset: int
    messages: list


def pull_once(consumer: PullConsumer, topic: str, broker_name: str, queue_id: int, offset: int,
              expression: str = "*", max_num: int = 32, property_names=()) -> PullOutcome:
    queue = _CMessageQueue()
    queue.topic = topic.encode()
    queue.brokerName = broker_name.encode()
    queue.queueId = queue_id
    result = dll.Pull(consumer._handle, ctypes.pointer(queue), expression.encode(), ctypes.c_longlong(offset),
                      max_num)
    try:
        messages = []
        if result.pullStatus == _CPullStatus.FOUND:
            messages = [copy_message(result.msgFoundList[i], property_names) for i in range(result.size)]
        return PullOutcome(result.pullStatus, result.nextBeginOffset, result.minOffset, result.maxOffset, messages)
    finally:
        dll.ReleasePullResult(result)


def pull_all(consumer: PullConsumer, topic: str, expression: str = "*", timeout: float = 60.0,
             property_names=(), start_offsets: dict | None = None) -> list[Received]:
    """Reads every queue of topic from its start offset until the broker answers NO_NEW_MSG."""
    deadline = time.monotonic() + timeout
    received = []
    for broker_name, queue_id in fetch_queues(consumer, topic):
        offset = (start_offsets or {}).get(queue_id, 0)
        while True:
            assert time.monotonic() < deadline, f"pulling {topic} did not finish within {timeout}s"
            outcome = pull_once(consumer, topic, broker_name, queue_id, offset, expression,
                                property_names=property_names)
            if outcome.status == _CPullStatus.BROKER_TIMEOUT:
                continue
            if outcome.status == _CPullStatus.NO_NEW_MSG:
                break
            assert outcome.status != _CPullStatus.OFFSET_ILLEGAL or outcome.next_begin_offset != offset, (
                f"queue {queue_id}: offset {offset} illegal and no correction")
            received.extend(outcome.messages)
            assert outcome.next_begin_offset >= offset, f"queue {queue_id}: next offset went back"
            if outcome.status == _CPullStatus.FOUND:
                assert outcome.next_begin_offset > offset, f"queue {queue_id}: FOUND without progress"
            offset = outcome.next_begin_offset
    return received


def send_async_all(producer: Producer, messages: list, timeout: float = 30.0):
    """Sends every message asynchronously; returns the SendResults (in completion order)."""
    results, errors, lock = [], [], threading.Lock()
    done = threading.Event()
    total = len(messages)

    def finished():
        if len(results) + len(errors) == total:
            done.set()

    def on_success(result):
        with lock:
            results.append(result)
            finished()

    def on_error(error):
        with lock:
            errors.append(error)
            finished()

    for message in messages:
        producer.send_async(message, on_success, on_error)
    assert done.wait(timeout), f"only {len(results)} of {total} async sends completed within {timeout}s"
    assert not errors, f"async sends failed: {errors[:3]}"
    return results


def create_topic_by_sending(clients: Clients, namesrv: str, topic: str, min_queues: int = 1):
    """Auto-creates topic with one message (key and tag "create"), waits for its route, and returns
    the write queue count. Producers created afterwards see the real route from their first send;
    a producer that sent before the topic existed keeps the default topic's route (capped at 4
    queues) until its 30 s route refresh, which would break queue selection."""
    import remoting

    producer = clients.producer(namesrv)
    result = producer.send_sync(make_message(topic, "create", tags="create", keys="create"))
    assert result.status == 0, result
    clients.shutdown(producer)
    route = remoting.wait_for_route(namesrv, topic, min_queues=min_queues)
    return remoting.queue_counts(route)[1]
