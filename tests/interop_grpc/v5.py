"""Helpers around rocketmq-python-client 5.1.2 (the official 5.x gRPC client)."""
import time

from rocketmq import ClientConfiguration, Credentials, FilterExpression, Message, Producer, SimpleConsumer


def config(server, timeout=5):
    return ClientConfiguration(server.endpoint, Credentials(), request_timeout=timeout)


def producer(server, topics=(), checker=None):
    p = Producer(config(server), topics=tuple(topics), checker=checker)
    p.startup()
    return p


def simple_consumer(server, group, subscriptions, await_duration=2):
    """subscriptions: {topic: FilterExpression or None}."""
    subs = {topic: (expr or FilterExpression()) for topic, expr in subscriptions.items()}
    c = SimpleConsumer(config(server), group, subs, await_duration=await_duration)
    c.startup()
    return c


def message(topic, body, tag=None, keys=(), properties=None, group=None, delivery=None):
    m = Message()
    m.topic = topic
    m.body = body if isinstance(body, bytes) else body.encode()
    if tag:
        m.tag = tag
    for key in keys:
        m.keys = key
    for k, v in (properties or {}).items():
        m.add_property(k, v)
    if group:
        m.message_group = group
    if delivery:
        m.delivery_timestamp = delivery
    return m


def receive_all(consumer, count, timeout, invisible=15, ack=True):
    """Receives until `count` messages arrived or `timeout` passed; acks each unless told not to."""
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        for m in consumer.receive(32, invisible):
            got.append(m)
            if ack:
                consumer.ack(m)
    return got
