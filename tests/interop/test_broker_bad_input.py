"""Issue 4: bad input over the wire gets a response code and a remark, never a crash, and the
broker keeps serving: unknown request codes, illegal topic names, bodies over maxMessageSize,
unknown topics with auto-creation off, malformed frames.

The C++ client retries a failed sync send on other queues and then reports only "No route info
of this topic", so codes and remarks are checked on raw frames; the client is used to show that a
real application sees a failure and that the broker still serves it afterwards."""
import json
import random
import socket
import struct

import pytest
from rocketmq.client import SendStatus

import remoting
from cpp_client import make_message, pull_all, unique


def _still_serves(server, cpp, topic=None):
    """A valid send through the C++ client succeeds and can be read back."""
    assert server.alive(), server.log()[-3000:]
    topic = topic or unique("TopicStillOk")
    producer = cpp.producer(server.address)
    assert producer.send_sync(make_message(topic, "still ok", keys="still-ok")).status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)
    assert [m.body for m in pull_all(cpp.pull_consumer(server.address), topic)] == [b"still ok"]


def test_unknown_request_code_is_answered_with_code_3_and_a_remark(standalone, cpp):
    server = standalone()
    with remoting.Connection(server.broker_address) as connection:
        # Exactly the frame from the issue: JSON header, no body.
        header = {"code": 9999, "flag": 0, "language": "JAVA", "opaque": 1, "version": 409, "extFields": {}}
        connection.send_raw(remoting.encode_frame(header))
        response = connection.read_frame()
        assert response.code == remoting.REQUEST_CODE_NOT_SUPPORTED, response
        assert response.remark, "the error needs a remark"
        assert response.opaque == 1
        assert response.flag & remoting.RESPONSE_FLAG

        # Same with the C++ client's header style (sorted keys, trailing newline, numbers in extFields).
        cpp_style = json.dumps({"code": 9998, "extFields": {"a": 1}, "flag": 0, "language": "CPP", "opaque": 2,
                                "remark": "", "version": 63}, sort_keys=True, separators=(",", ":")) + "\n"
        data = cpp_style.encode()
        connection.send_raw(struct.pack(">II", 4 + len(data), len(data)) + data)
        response = connection.read_frame()
        assert response.code == remoting.REQUEST_CODE_NOT_SUPPORTED and response.opaque == 2, response

        # The connection stays usable for real requests.
        topic = unique("TopicAfterUnknown")
        sent = remoting.send_message(server.broker_address, topic, b"after unknown code", connection=connection)
        assert sent.code == remoting.SUCCESS, sent
        assert "queueOffset" in sent.ext and "msgId" in sent.ext and "queueId" in sent.ext
    _still_serves(server, cpp)


@pytest.mark.parametrize("topic", ["bad topic with spaces", "x" * 128, "tab\tand/slash"],
                         ids=["spaces", "128-chars", "tab-and-slash"])
def test_illegal_topic_name_is_rejected_with_a_remark(standalone, cpp, topic):
    server = standalone()
    response = remoting.send_message(server.broker_address, topic, b"illegal topic")
    assert response.code != remoting.SUCCESS, f"broker accepted topic {topic!r}"
    assert response.remark, "the error needs a remark"
    assert "topic" in response.remark.lower(), response.remark
    # Nothing was created for it.
    assert remoting.get_route(server.address, topic) is None

    # The C++ client does not validate the characters (its regex check is a stub) and allows up to
    # 255 characters, so these sends reach the broker; the application sees the send fail.
    producer = cpp.producer(server.address)
    with pytest.raises(Exception):
        producer.send_sync(make_message(topic, "illegal topic via client", keys="illegal"))
    assert remoting.get_route(server.address, topic) is None
    _still_serves(server, cpp)


def test_body_over_max_message_size_is_rejected(namesrv_and_broker, cpp):
    server = namesrv_and_broker({"maxMessageSize": 1024, "brokerIP1": "127.0.0.1"})
    topic = unique("TopicOversize")
    # Random bytes: incompressible, and under the client's 4 KiB compression threshold anyway.
    body = bytes(random.Random(7).randrange(1, 256) for _ in range(2048))

    accepted = remoting.send_message(server.broker_address, topic, b"fits under the limit")
    assert accepted.code == remoting.SUCCESS, accepted
    response = remoting.send_message(server.broker_address, topic, body)
    assert response.code == remoting.MESSAGE_ILLEGAL, response
    assert response.remark

    producer = cpp.producer(server.address)  # client-side limit is 128 KiB: the 2 KiB body goes out
    with pytest.raises(Exception):
        producer.send_sync(make_message(topic, body, keys="oversize"))
    assert producer.send_sync(make_message(topic, "small again", keys="small")).status == SendStatus.OK

    stored = pull_all(cpp.pull_consumer(server.address), topic)
    assert sorted(m.body for m in stored) == sorted([b"fits under the limit", b"small again"])
    assert server.alive()


def test_unknown_topic_with_auto_creation_off_is_rejected(namesrv_and_broker, cpp):
    server = namesrv_and_broker({"autoCreateTopicEnable": "false", "brokerIP1": "127.0.0.1"})
    topic = unique("TopicNoAuto")
    response = remoting.send_message(server.broker_address, topic, b"no such topic")
    assert response.code == remoting.TOPIC_NOT_EXIST, response
    assert response.remark
    assert remoting.get_route(server.address, topic) is None

    # Without auto-creation there is no TBW102 route either, so the C++ client fails before sending.
    assert remoting.get_route(server.address, "TBW102") is None
    producer = cpp.producer(server.address)
    with pytest.raises(Exception):
        producer.send_sync(make_message(topic, "no such topic", keys="nope"))

    # An admin-created topic works.
    created = remoting.create_topic(server.broker_address, topic, 2)
    assert created.code == remoting.SUCCESS, created
    remoting.wait_for_route(server.address, topic)
    assert remoting.send_message(server.broker_address, topic, b"now it exists").code == remoting.SUCCESS
    assert producer.send_sync(make_message(topic, "via client", keys="ok")).status == SendStatus.OK
    assert server.alive()


def test_malformed_frames_do_not_take_the_broker_down(standalone, cpp):
    server = standalone()
    host, port = remoting.split_address(server.broker_address)
    bad_frames = [
        struct.pack(">II", 4 + 9, 9) + b"not json!",                       # header is not JSON
        struct.pack(">II", 4 + 2, 2) + b"[]",                              # JSON but not an object
        struct.pack(">II", 8, 1000) + b"{}{}",                             # header length past the frame
        struct.pack(">I", 0),                                              # empty frame
        b"\x00\x00",                                                        # truncated length, then EOF
    ]
    for frame in bad_frames:
        with socket.create_connection((host, port), timeout=5) as sock:
            sock.settimeout(5)
            sock.sendall(frame)
            try:
                sock.shutdown(socket.SHUT_WR)
                while sock.recv(65536):  # the server may answer or close; it must not hang or crash
                    pass
            except (ConnectionResetError, BrokenPipeError):
                pass
        assert server.alive(), f"broker died on {frame!r}:\n{server.log()[-3000:]}"
    # A frame announcing 64 MiB (over the 16 MiB frame limit) is refused at once: the server closes
    # the connection instead of waiting for (and buffering) the rest.
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.settimeout(5)
        sock.sendall(struct.pack(">II", 64 * 1024 * 1024, 20) + b"{" * 20)
        try:
            while sock.recv(65536):
                pass
        except ConnectionResetError:
            pass
        except socket.timeout:
            pytest.fail("the server kept a connection open that announced a 64 MiB frame")
    assert server.alive()
    _still_serves(server, cpp)
