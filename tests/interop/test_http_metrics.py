"""Issue 15: `/healthz`, `/readyz` and Prometheus `/metrics` of `comet standalone`, checked against
real traffic from the official C++ client (counts equal what was sent and consumed)."""
from rocketmq.client import SendStatus

from cpp_client import make_message, pull_all, unique
from http_endpoint import base_url, get, metric_sum, scrape, wait_for_metric


def test_metrics_are_gzipped_when_asked(standalone):
    import gzip

    server = standalone()
    base = base_url(server.broker_process)
    plain = get(base + "/metrics")[2]
    status, headers, body = get(base + "/metrics", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"
    text = gzip.decompress(body).decode()
    assert "rocketmq_topic_number" in text and len(body) < len(plain)


def test_health_and_readiness(standalone):
    server = standalone()
    base = base_url(server.broker_process)
    status, _, body = get(base + "/healthz")
    assert (status, body) == (200, b"ok\n")
    status, _, body = get(base + "/readyz")
    assert (status, body) == (200, b"ready\n")
    status, _, _ = get(base + "/no-such-page")
    assert status == 404


def test_metrics_count_what_the_cpp_client_sent_and_consumed(standalone, cpp):
    server = standalone()
    base = base_url(server.broker_process)
    topic, pull_group, push_group = unique("TopicMetrics"), unique("GID_metrics_pull"), unique("GID_metrics_push")
    producer = cpp.producer(server.address)
    bodies = [f"metrics message {i} ".encode() * (1 + i % 50) for i in range(60)]
    # The C++ client compresses bodies of 4 KiB and more, and the broker counts stored bytes: stay below.
    bodies.append(b"y" * 3000)
    for i, body in enumerate(bodies):
        result = producer.send_sync(make_message(topic, body, keys=f"k{i}"))
        assert result.status == SendStatus.OK

    samples = scrape(base)
    labels = {"topic": topic, "message_type": "normal", "is_system": "false", "protocol_type": "remoting",
              "node_type": "broker"}
    assert metric_sum(samples, "rocketmq_messages_in_total", **labels) == len(bodies)
    assert metric_sum(samples, "rocketmq_throughput_in_total", **labels) == sum(map(len, bodies))
    assert metric_sum(samples, "rocketmq_message_size_count", **labels) == len(bodies)
    assert metric_sum(samples, "rocketmq_message_size_sum", **labels) == sum(map(len, bodies))
    small = sum(1 for body in bodies if len(body) <= 1024)
    assert 0 < small < len(bodies)
    assert metric_sum(samples, "rocketmq_message_size_bucket", le="1024.0", **labels) == small
    assert metric_sum(samples, "rocketmq_message_size_bucket", le="4096.0", **labels) == len(bodies)
    assert metric_sum(samples, "rocketmq_message_size_bucket", le="+Inf", **labels) == len(bodies)
    # Every send was answered and timed.
    sends = sum(metric_sum(samples, "rocketmq_rpc_latency_milliseconds_count", request_code=code,
                           response_code="success") for code in ("send_message", "send_message_v2"))
    assert sends >= len(bodies), [s for s in samples if s[0] == "rocketmq_rpc_latency_milliseconds_count"]
    assert metric_sum(samples, "rocketmq_storage_size_bytes") > sum(map(len, bodies))
    assert metric_sum(samples, "rocketmq_topic_number") >= 1
    assert metric_sum(samples, "process_resident_memory_bytes") > 0
    assert metric_sum(samples, "process_open_fds") > 0
    assert metric_sum(samples, "rocketmq_messages_out_total", topic=topic) == 0

    # A pull consumer reads each queue once from its start: out counts equal what it got.
    consumer = cpp.pull_consumer(server.address, pull_group)
    received = pull_all(consumer, topic)
    assert len(received) == len(bodies)
    samples = scrape(base)
    out = {"topic": topic, "consumer_group": pull_group, "is_system": "false", "protocol_type": "remoting"}
    assert metric_sum(samples, "rocketmq_messages_out_total", **out) == len(bodies)
    assert metric_sum(samples, "rocketmq_throughput_out_total", **out) >= sum(map(len, bodies))

    # A push consumer commits as it consumes: its lag gauge appears and falls to 0.
    _, collector = cpp.push_consumer(server.address, push_group, topic)
    wait_for_metric(
        base, lambda s: collector.count() >= len(bodies) and any(
            n == "rocketmq_consumer_lag_messages" and l.get("consumer_group") == push_group
            and l.get("topic") == topic and v == 0 for n, l, v in s),
        timeout=60, message=f"{push_group} lag on {topic} did not reach 0")
    samples = scrape(base)
    assert metric_sum(samples, "rocketmq_consumer_connections", consumer_group=push_group, consume_mode="push") == 1
    assert metric_sum(samples, "rocketmq_messages_out_total", topic=topic, consumer_group=push_group) >= len(bodies)
