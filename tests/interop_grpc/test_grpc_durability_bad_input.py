"""POP state across a SIGKILL of the broker, and bad input answered with v5 status codes."""
import time

import grpc
import pytest
from rocketmq.grpc_protocol import definition_pb2 as d
from rocketmq.grpc_protocol import service_pb2 as s
from rocketmq.grpc_protocol import service_pb2_grpc

import v5


def test_pop_state_survives_sigkill(grpc_server, tmp_path):
    data = tmp_path / "popdata"
    server = grpc_server(data_dir=data)
    producer = v5.producer(server, ["DurableTopic"])
    consumer = v5.simple_consumer(server, "DurableGroup", {"DurableTopic": None}, await_duration=2)
    ids = [producer.send(v5.message("DurableTopic", f"m{i}")).message_id for i in range(4)]
    got = v5.receive_all(consumer, 4, timeout=20, invisible=4, ack=False)
    assert sorted(m.message_id for m in got) == sorted(ids)
    acked = {m.message_id for m in got[:2]}
    for m in got[:2]:
        consumer.ack(m)
    unacked = {m.message_id for m in got[2:]}
    taken = time.monotonic()
    consumer.shutdown()
    producer.shutdown()
    server.process.kill()

    restarted = grpc_server(data_dir=data)
    consumer = v5.simple_consumer(restarted, "DurableGroup", {"DurableTopic": None}, await_duration=2)
    try:
        again = v5.receive_all(consumer, 2, timeout=30, invisible=30)
        assert {m.message_id for m in again} == unacked
        assert all(m.delivery_attempt == 2 for m in again)
        assert time.monotonic() - taken >= 3.0, "came back before the invisible time ended"
        assert not acked & {m.message_id for m in again}
        assert consumer.receive(32, 30) == []
    finally:
        consumer.shutdown()


@pytest.fixture
def stub(grpc_server):
    server = grpc_server()
    channel = grpc.insecure_channel(server.endpoint)
    yield service_pb2_grpc.MessagingServiceStub(channel)
    channel.close()


def resource(name):
    return d.Resource(name=name)


def test_illegal_topic_is_refused_with_illegal_topic(stub):
    response = stub.QueryRoute(s.QueryRouteRequest(topic=resource("bad topic!")), timeout=5)
    assert response.status.code == d.Code.ILLEGAL_TOPIC


def test_unknown_receipt_handle_is_refused(stub):
    stub.QueryRoute(s.QueryRouteRequest(topic=resource("AckTopic")), timeout=5)
    request = s.AckMessageRequest(
        group=resource("G"), topic=resource("AckTopic"),
        entries=[s.AckMessageEntry(message_id="x", receipt_handle="not-a-handle")])
    assert stub.AckMessage(request, timeout=5).status.code == d.Code.INVALID_RECEIPT_HANDLE
    request.entries[0].receipt_handle = "q0o12345s99"
    assert stub.AckMessage(request, timeout=5).status.code == d.Code.INVALID_RECEIPT_HANDLE
    change = s.ChangeInvisibleDurationRequest(
        group=resource("G"), topic=resource("AckTopic"), receipt_handle="q0o1s1")
    change.invisible_duration.seconds = 5
    assert stub.ChangeInvisibleDuration(change, timeout=5).status.code == d.Code.INVALID_RECEIPT_HANDLE


def send_request(topic, body, **system):
    message = d.Message(topic=resource(topic), body=body)
    message.system_properties.message_id = "01ABC"
    message.system_properties.message_type = system.pop("message_type", d.MessageType.NORMAL)
    message.system_properties.body_encoding = d.Encoding.IDENTITY
    for key, value in system.items():
        setattr(message.system_properties, key, value)
    return s.SendMessageRequest(messages=[message])


def test_oversize_and_empty_bodies_and_type_conflicts_are_refused(stub):
    big = stub.SendMessage(send_request("SizeTopic", b"x" * (4 * 1024 * 1024 + 1)), timeout=10)
    assert big.status.code == d.Code.MESSAGE_BODY_TOO_LARGE
    assert len(big.entries) == 1
    empty = stub.SendMessage(send_request("SizeTopic", b""), timeout=5)
    assert empty.status.code == d.Code.MESSAGE_BODY_EMPTY
    fifo_without_group = stub.SendMessage(send_request("SizeTopic", b"x", message_type=d.MessageType.FIFO), timeout=5)
    assert fifo_without_group.status.code == d.Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE
    lite = stub.SendMessage(send_request("SizeTopic", b"x", message_type=d.MessageType.LITE), timeout=5)
    assert lite.status.code == d.Code.UNSUPPORTED
    no_messages = stub.SendMessage(s.SendMessageRequest(), timeout=5)
    assert no_messages.status.code == d.Code.BAD_REQUEST
    ok = stub.SendMessage(send_request("SizeTopic", b"fine"), timeout=5)
    assert ok.status.code == d.Code.OK and ok.entries[0].message_id == "01ABC"


def test_bad_receive_requests_get_a_status_not_a_crash(stub):
    queue = d.MessageQueue(topic=resource("RecvTopic"), id=0)
    stub.QueryRoute(s.QueryRouteRequest(topic=resource("RecvTopic")), timeout=5)
    bad_group = list(stub.ReceiveMessage(
        s.ReceiveMessageRequest(group=resource("bad group"), message_queue=queue, batch_size=1), timeout=5))
    assert bad_group[0].status.code == d.Code.ILLEGAL_CONSUMER_GROUP
    bad_sql = s.ReceiveMessageRequest(group=resource("G"), message_queue=queue, batch_size=1)
    bad_sql.filter_expression.type = d.FilterType.SQL
    bad_sql.filter_expression.expression = "a >"
    assert list(stub.ReceiveMessage(bad_sql, timeout=5))[0].status.code == d.Code.ILLEGAL_FILTER_EXPRESSION
    zero = s.ReceiveMessageRequest(group=resource("G"), message_queue=queue, batch_size=0)
    assert list(stub.ReceiveMessage(zero, timeout=5))[0].status.code == d.Code.BAD_REQUEST
    empty = list(stub.ReceiveMessage(
        s.ReceiveMessageRequest(group=resource("G"), message_queue=queue, batch_size=4), timeout=5))
    assert [r.status.code for r in empty] == [d.Code.MESSAGE_NOT_FOUND]
