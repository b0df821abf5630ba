"""Issue 11: the four inputs that killed `comet standalone` (name server and broker together), each
sent over the wire to a real process. Every test asserts a clear answer (response code + remark),
that the process is still alive, and that it still serves a plain send and pull afterwards."""
import json
import struct
import time

import remoting
from cpp_client import unique

HEART_BEAT = 34
GET_CONSUMER_RUNNING_INFO = 307
SUBSCRIPTION_PARSE_FAILED = 23
PULL_SYSFLAG_SUSPEND = 0x2


def _still_serves(server):
    """The process is alive and a raw send + pull round-trips."""
    assert server.alive(), server.log()[-3000:]
    topic = unique("TopicStillServes")
    sent = remoting.send_message(server.broker_address, topic, b"still serving")
    assert sent.code == remoting.SUCCESS, sent
    pulled = remoting.pull(server.broker_address, unique("GID_still"), topic, int(sent.ext["queueId"]), 0)
    assert pulled.code == remoting.SUCCESS, pulled
    assert [m.body for m in remoting.decode_messages(pulled.body)] == [b"still serving"]
    # The name server (same process) answers too.
    assert remoting.get_route(server.address, topic) is not None


def _pull_ext(group, topic, *, sys_flag, suspend, subscription="*", expression_type="TAG"):
    return {
        "consumerGroup": group, "topic": topic, "queueId": 0, "queueOffset": 0, "maxMsgNums": 32,
        "sysFlag": sys_flag, "commitOffset": 0, "suspendTimeoutMillis": suspend, "subscription": subscription,
        "subVersion": 0, "expressionType": expression_type,
    }


def test_pull_with_a_huge_suspend_timeout_is_held_and_answered(standalone):
    server = standalone()
    topic = unique("TopicSuspend")
    assert remoting.create_topic(server.broker_address, topic, 1).code == remoting.SUCCESS
    group = unique("GID_suspend")
    for suspend in (9223372036854775807, 9223372000000000000, -9223372036854775808):
        with remoting.Connection(server.broker_address, timeout=15) as connection:
            # sysFlag 6 = suspend + subscription, on an empty queue: the pull is held.
            opaque = remoting.next_opaque()
            header = {"code": remoting.PULL_MESSAGE, "flag": 0, "language": "JAVA", "opaque": opaque,
                      "version": 409, "remark": "",
                      "extFields": {k: str(v) for k, v in _pull_ext(group, topic, sys_flag=6, suspend=suspend).items()}}
            connection.send_raw(remoting.encode_frame(header))
            time.sleep(0.3)
            assert server.alive(), f"suspendTimeoutMillis={suspend} killed the process:\n{server.log()[-3000:]}"
            # A message arrives: the held pull is answered with it.
            sent = remoting.send_message(server.broker_address, topic, b"wakes the pull")
            assert sent.code == remoting.SUCCESS, sent
            response = connection.read_frame()
            assert response.opaque == opaque
            assert response.code in (remoting.SUCCESS, remoting.PULL_NOT_FOUND), response
    _still_serves(server)


def _send_half(broker, topic, group, immunity):
    return remoting.send_message(broker, topic, b"half", group=group, sys_flag=4, properties={
        "WAIT": "true", "TRAN_MSG": "true", "PGROUP": group, "UNIQ_KEY": unique("k"),
        "CHECK_IMMUNITY_TIME_IN_SECONDS": immunity})


def test_transaction_immunity_time_that_does_not_fit_is_refused_at_send(standalone, tmp_path):
    conf = tmp_path / "broker.conf"
    conf.write_text("transactionCheckInterval=500\ntransactionTimeOut=500\n")
    server = standalone(None, "--config", str(conf))
    topic, group = unique("TopicImmunity"), unique("PID_immunity")
    for immunity in ("9223372036854775807", "9223372036854776", "-9223372036854775", "ten", "1e9"):
        response = _send_half(server.broker_address, topic, group, immunity)
        assert response.code == remoting.MESSAGE_ILLEGAL, (immunity, response)
        assert "CHECK_IMMUNITY_TIME_IN_SECONDS" in response.remark, response
    # Accepted values still work: -1 (the transaction timeout) and a small number of seconds.
    for immunity in ("-1", "1", "31536000"):
        assert _send_half(server.broker_address, topic, group, immunity).code == remoting.SUCCESS, immunity
    # Several check rounds pass (interval 0.5 s) without the process dying.
    time.sleep(2)
    _still_serves(server)
    # And a restart re-reads the stored half messages without a crash loop.
    server.broker_process.stop()
    restarted = standalone(server.data_dir, "--config", str(conf))
    time.sleep(1.5)
    _still_serves(restarted)


# -- binary (ROCKETMQ) serialization -------------------------------------------------------------

def _binary_frame(code, opaque, ext):
    entries = b"".join(struct.pack(">h", len(k.encode())) + k.encode() + struct.pack(">i", len(v.encode()))
                       + v.encode() for k, v in ext.items())
    header = struct.pack(">hBhiii", code, 0, 409, opaque, 0, 0) + struct.pack(">i", len(entries)) + entries
    return struct.pack(">II", 4 + len(header), (1 << 24) | len(header)) + header


def _read_binary_response(connection):
    (length,) = struct.unpack(">I", remoting._recv_exactly(connection.sock, 4))
    rest = remoting._recv_exactly(connection.sock, length)
    (word,) = struct.unpack(">I", rest[:4])
    assert word >> 24 == 1, "a binary request gets a binary response"
    header = rest[4:4 + (word & 0xFFFFFF)]
    code, _language, _version, opaque, flag, remark_length = struct.unpack(">hBhiii", header[:17])
    remark = header[17:17 + remark_length].decode()
    return code, opaque, flag, remark


def test_relayed_running_info_answer_with_a_40k_key_becomes_an_error_response(standalone):
    server = standalone()
    group, client_id = unique("GID_running"), unique("client")
    heartbeat = {"clientID": client_id, "producerDataSet": [], "consumerDataSet": [{
        "groupName": group, "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
        "consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "unitMode": False,
        "subscriptionDataSet": [{"topic": unique("TopicRunning"), "subString": "*", "tagsSet": [], "codeSet": [],
                                 "subVersion": 0, "expressionType": "TAG"}]}]}
    with remoting.Connection(server.broker_address) as consumer, \
            remoting.Connection(server.broker_address) as admin:
        assert consumer.request(HEART_BEAT, {}, json.dumps(heartbeat).encode()).code == remoting.SUCCESS
        admin.send_raw(_binary_frame(GET_CONSUMER_RUNNING_INFO, 77, {"consumerGroup": group, "clientId": client_id}))
        relayed = consumer.read_frame()
        assert relayed.code == GET_CONSUMER_RUNNING_INFO and not relayed.flag & remoting.RESPONSE_FLAG, relayed
        answer = {"code": 0, "flag": remoting.RESPONSE_FLAG, "language": "JAVA", "opaque": relayed.opaque,
                  "version": 409, "remark": "", "extFields": {"k" * 40_000: "v"}}
        consumer.send_raw(remoting.encode_frame(answer, b"{}"))
        code, opaque, flag, remark = _read_binary_response(admin)
        assert opaque == 77 and flag & remoting.RESPONSE_FLAG
        assert code == remoting.SYSTEM_ERROR and "cannot be encoded" in remark, (code, remark)
    _still_serves(server)


def test_deep_or_long_sql92_is_refused_with_subscription_parse_failed(standalone):
    server = standalone()
    topic = unique("TopicSql")
    assert remoting.create_topic(server.broker_address, topic, 1).code == remoting.SUCCESS
    expressions = {
        "parentheses": "(" * 12812 + "a = 1" + ")" * 12812,
        "not": "NOT " * 76093 + "a",
        "minus": "a = " + "- " * 76093 + "1",
        "and-chain": "a = 1 AND " * 87343 + "a = 1",
    }
    for name, expression in expressions.items():
        # In a PULL with sysFlag 4 (subscription in the request).
        response = remoting.request(server.broker_address, remoting.PULL_MESSAGE, _pull_ext(
            unique("GID_sql"), topic, sys_flag=remoting.PULL_SYSFLAG_SUBSCRIPTION, suspend=0,
            subscription=expression, expression_type="SQL92"))
        assert response.code == SUBSCRIPTION_PARSE_FAILED, (name, response)
        assert len(response.remark) < 1000, "the remark quotes only the start of the expression"
        # In a HEART_BEAT subscription.
        heartbeat = {"clientID": unique("sql-client"), "producerDataSet": [], "consumerDataSet": [{
            "groupName": unique("GID_sqlhb"), "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
            "consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "unitMode": False,
            "subscriptionDataSet": [{"topic": topic, "subString": expression, "tagsSet": [], "codeSet": [],
                                     "subVersion": 0, "expressionType": "SQL92"}]}]}
        response = remoting.request(server.broker_address, HEART_BEAT, {}, json.dumps(heartbeat).encode())
        assert response.code == SUBSCRIPTION_PARSE_FAILED, (name, response)
        assert server.alive(), f"{name} killed the process:\n{server.log()[-3000:]}"
    # A long but legal chain (within the token limit) still filters correctly.
    sent = remoting.send_message(server.broker_address, topic, b"matching", properties={"WAIT": "true", "a": "1"})
    assert sent.code == remoting.SUCCESS
    legal = " AND ".join(["a = 1"] * 500)
    response = remoting.request(server.broker_address, remoting.PULL_MESSAGE, _pull_ext(
        unique("GID_sqlok"), topic, sys_flag=remoting.PULL_SYSFLAG_SUBSCRIPTION, suspend=0, subscription=legal,
        expression_type="SQL92"))
    assert response.code == remoting.SUCCESS, response
    assert [m.body for m in remoting.decode_messages(response.body)] == [b"matching"]
    _still_serves(server)


def test_pull_at_the_largest_offsets_is_refused_not_a_crash(standalone):
    """Found by the bad-input campaign: the event-loop pull path added `maxMsgNums` to the client's
    queueOffset without a bound (arithmetic overflow, SIGILL) when the queue held messages."""
    server = standalone()
    topic = unique("TopicPullOffset")
    sent = remoting.send_message(server.broker_address, topic, b"one")
    assert sent.code == remoting.SUCCESS, sent
    queue_id = int(sent.ext["queueId"])
    for offset in (9223372036854775807, 9223372036854775807 - 31, 9223372000000000000):
        for max_msgs in (1, 32, 2147483647):
            pulled = remoting.pull(server.broker_address, unique("GID_offset"), topic, queue_id, offset,
                                   max_msgs=max_msgs)
            assert server.alive(), f"queueOffset={offset} maxMsgNums={max_msgs} killed the process:\n" \
                                   f"{server.log()[-3000:]}"
            # Past the end of the queue: OFFSET_OVERFLOW_BADLY, answered as PULL_OFFSET_MOVED (or
            # PULL_NOT_FOUND) with the queue's real end as the next offset.
            assert pulled.code in (remoting.PULL_OFFSET_MOVED, remoting.PULL_NOT_FOUND), pulled
            assert int(pulled.ext["nextBeginOffset"]) <= 1, pulled
    _still_serves(server)
