"""Issue 5: the Swift client (through `comet produce` / `comet consume`) and the official C++ client
(PyPI rocketmq==0.4.4) read each other's messages with tags, keys, properties and bodies intact."""
import json
import subprocess

from conftest import comet_binary
from cpp_client import make_message, unique, wait_until


def test_swift_producer_to_cpp_consumer(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicSwiftToCpp"), unique("GID_cross")
    sent = subprocess.run(
        [comet_binary(), "produce", "-n", server.address, "-t", topic, "--tag", "TagA", "--key", "swift-key",
         "--property", "origin=swift", "--property", "note=caf\u00e9 au lait", "--count", "5",
         "--body", "hello from Swift \u00fc", "--json"],
        capture_output=True, text=True, timeout=60)
    assert sent.returncode == 0, sent.stderr
    results = [json.loads(line) for line in sent.stdout.splitlines()]
    assert len(results) == 5 and all(r["status"] == "ok" for r in results)
    # A second, differently tagged message must be filtered out by the C++ consumer's expression.
    other = subprocess.run(
        [comet_binary(), "produce", "-n", server.address, "-t", topic, "--tag", "TagZ", "--body", "not for you"],
        capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr

    # Started after the topic exists (the C++ client only looks routes up every 30 s); a new group
    # on a young queue starts at offset 0, so it still sees everything.
    _, received = cpp.push_consumer(server.address, group, topic, "TagA", property_names=("origin", "note"))
    wait_until(lambda: received.count() >= 5, 60, lambda: f"5 messages; got {received.count()}")
    messages = received.snapshot()
    assert {m.uniq_key for m in messages} == {r["msgId"] for r in results}
    for message in messages:
        assert message.body == "hello from Swift \u00fc".encode()
        assert message.tags == b"TagA"
        assert message.keys == b"swift-key"
        assert message.properties["origin"] == "swift"
        assert message.properties["note"] == "caf\u00e9 au lait"


def test_cpp_producer_to_swift_consumer(standalone, cpp):
    server = standalone()
    topic, group = unique("TopicCppToSwift"), unique("GID_swift")
    producer = cpp.producer(server.address)
    sent = {}
    for i in range(10):
        body = f"C++ message {i} \u00e9"
        result = producer.send_sync(make_message(
            topic, body, tags="TagB", keys=f"cpp-key-{i}", properties={"origin": "cpp", "seq": str(i)}))
        sent[result.msg_id] = body
    big = "".join(chr(0x41 + (i * 7) % 26) for i in range(200_000))  # compressed by the C++ client
    producer.set_max_message_size(1024 * 1024)
    big_result = producer.send_sync(make_message(topic, big, tags="TagB", keys="cpp-big"))
    sent[big_result.msg_id] = big

    consumed = subprocess.run(
        [comet_binary(), "consume", "-n", server.address, "-t", topic, "-g", group, "--tag", "TagB",
         "--from", "earliest", "--count", str(len(sent)), "--json"],
        capture_output=True, text=True, timeout=90)
    assert consumed.returncode == 0, consumed.stderr
    messages = [json.loads(line) for line in consumed.stdout.splitlines()]
    assert {m["msgId"]: m["body"] for m in messages} == sent
    for message in messages:
        assert message["tags"] == "TagB"
        if message["keys"] != ["cpp-big"]:
            seq = message["properties"]["seq"]
            assert message["keys"] == [f"cpp-key-{seq}"]
            assert message["properties"]["origin"] == "cpp"
