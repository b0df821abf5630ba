"""Issue 11, trust boundaries, against real `comet` processes: unauthenticated broker registrations
cannot evict a live broker, internal topics refuse producers, and offsets chosen by a client only
ever name records the broker wrote (a record forged inside a message body is never served)."""
import json
import struct

import pytest

import remoting
from cpp_client import unique

REGISTER_BROKER = 103
VIEW_MESSAGE_BY_ID = 33
END_TRANSACTION = 37
NO_PERMISSION = 16


def _cluster(namesrv):
    return remoting.parse_lenient_json(remoting.request(namesrv, remoting.GET_BROKER_CLUSTER_INFO).body)


@pytest.mark.parametrize("topic", ["rmq_sys_wheel_timer", "SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC",
                                   "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", "rmq_sys_REVIVE_LOG_x"])
def test_sends_to_internal_topics_are_refused(standalone, topic):
    server = standalone()
    response = remoting.send_message(server.broker_address, topic, b"forged")
    assert response.code == NO_PERMISSION, response
    assert topic in response.remark


def test_registration_from_another_address_does_not_evict_a_live_broker(namesrv_and_broker):
    server = namesrv_and_broker({"brokerIP1": "127.0.0.1"})
    topic = unique("TopicTrusted")
    assert remoting.create_topic(server.broker_address, topic, 2).code == remoting.SUCCESS
    remoting.wait_for_route(server.namesrv_address, topic)
    cluster = _cluster(server.namesrv_address)
    [(name, data)] = cluster["brokerAddrTable"].items()
    real = data["brokerAddrs"]["0"]
    body = json.dumps({"topicConfigSerializeWrapper": {"topicConfigTable": {}, "dataVersion": {
        "timestamp": 1, "counter": 1}}, "filterServerList": []}).encode()
    with remoting.Connection(server.namesrv_address) as attacker:
        response = attacker.request(REGISTER_BROKER, {
            "brokerName": name, "brokerAddr": "127.0.0.1:1", "clusterName": data["cluster"], "haServerAddr": "",
            "brokerId": 0, "compressed": "false", "bodyCrc32": 0}, body)
        assert response.code == NO_PERMISSION, response
        assert real in response.remark
        # Same address as the real broker, over the attacker's connection: accepted as a refresh
        # (without authentication it cannot be told apart), but closing this connection must not
        # remove what the real broker's connection registered.
        same = json.dumps({"topicConfigSerializeWrapper": {"topicConfigTable": {topic: {
            "topicName": topic, "readQueueNums": 2, "writeQueueNums": 2, "perm": 6}}, "dataVersion": {
            "timestamp": 1, "counter": 1}}, "filterServerList": []}).encode()
        response = attacker.request(REGISTER_BROKER, {
            "brokerName": name, "brokerAddr": real, "clusterName": data["cluster"], "haServerAddr": "",
            "brokerId": 0, "compressed": "false", "bodyCrc32": 0}, same)
        assert response.code == remoting.SUCCESS, response
    # The attacker's connection is closed now: the real broker's routes survive.
    assert _cluster(server.namesrv_address)["brokerAddrTable"][name]["brokerAddrs"]["0"] == real
    route = remoting.get_route(server.namesrv_address, topic)
    assert route is not None, "the real broker's routes must survive the attacker's connection closing"
    assert "refusing broker registration" in server.log()


def _raw_pull(broker, topic, offset=0):
    response = remoting.pull(broker, unique("GID_trust"), topic, 0, offset)
    assert response.code == remoting.SUCCESS, response
    return response.body


def test_records_forged_inside_a_body_are_never_served(standalone):
    server = standalone()
    broker = server.broker_address
    topic = unique("TopicForge")
    assert remoting.create_topic(broker, topic, 1).code == remoting.SUCCESS
    probe = remoting.send_message(broker, topic, b"probe")
    assert probe.code == remoting.SUCCESS
    raw = _raw_pull(broker, topic)
    [record] = remoting.decode_messages(raw)
    size = struct.unpack(">i", raw[:4])[0]
    next_offset = record.physical_offset + size
    # A stored record that claims to start where the next message's body will be (88 bytes into it).
    forged_at = next_offset + 88
    forged = raw[:28] + struct.pack(">q", forged_at) + raw[36:size]
    carrier = remoting.send_message(broker, topic, forged)
    assert carrier.code == remoting.SUCCESS
    assert int(carrier.ext["msgId"][16:], 16) == next_offset, "nothing else was written in between"

    real = remoting.request(broker, VIEW_MESSAGE_BY_ID, {"offset": record.physical_offset})
    assert real.code == remoting.SUCCESS and remoting.decode_messages(real.body)[0].body == b"probe"
    fake = remoting.request(broker, VIEW_MESSAGE_BY_ID, {"offset": forged_at})
    assert fake.code != remoting.SUCCESS, "a record inside a message body is not a record"
    end = remoting.request(broker, END_TRANSACTION, {
        "producerGroup": "PID_forge", "tranStateTableOffset": 0, "commitLogOffset": forged_at,
        "commitOrRollback": 8, "fromTransactionCheck": "false", "msgId": "x"}, language="JAVA")
    assert end.code != remoting.SUCCESS, end
    assert [m.body for m in remoting.decode_messages(_raw_pull(broker, topic))] == [b"probe", forged]
