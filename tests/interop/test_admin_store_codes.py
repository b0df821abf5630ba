"""Issue 14: the store-level admin codes mqadmin sends — QUERY_CONSUME_QUEUE (`mqadmin queryCq`),
CLEAN_UNUSED_TOPIC (`mqadmin cleanUnusedTopic`) and RESUME_CHECK_HALF_MESSAGE (`mqadmin
resumeCheckHalfMessage`) — as raw remoting frames with both header serializations, against a real
`comet standalone` process."""
import json
import socket
import struct
import time

import pytest

import remoting
from cpp_client import unique
from test_admin_codes import SERIALIZATIONS, _heartbeat_body

DELETE_TOPIC_IN_BROKER = 215
VIEW_MESSAGE_BY_ID = 33
CHECK_TRANSACTION_STATE = 39
CLEAN_UNUSED_TOPIC = 316
QUERY_CONSUME_QUEUE = 321
RESUME_CHECK_HALF_MESSAGE = 323
TRANSACTION_PREPARED = 0x4


def _max_offset(broker, topic, queue_id=0):
    response = remoting.request(broker, remoting.GET_MAX_OFFSET, {"topic": topic, "queueId": queue_id})
    assert response.code == remoting.SUCCESS, response
    return int(response.ext["offset"])


def _wait_until(condition, what, timeout=15.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _offset_message_id(store_host: str, physical_offset: int) -> str:
    """MessageDecoder.createMessageId: IPv4 ‖ port ‖ commit-log offset, upper-case hex."""
    host, port = store_host.rsplit(":", 1)
    return (socket.inet_aton(host) + struct.pack(">iq", int(port), physical_offset)).hex().upper()


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_query_consume_queue_shows_units_and_the_group(standalone, serialization):
    server = standalone()
    broker = server.broker_address
    topic, group = unique("TopicCq"), unique("GID_cq")
    assert remoting.create_topic(broker, topic, 2).code == remoting.SUCCESS
    for tag in ("A", "B", "C"):
        response = remoting.send_message(broker, topic, b"x" * 10, properties={"TAGS": tag, "WAIT": "true"})
        assert response.code == remoting.SUCCESS, response

    def query(index, count, queue_id=0, **extra):
        ext = {"topic": topic, "queueId": queue_id, "index": index, "count": count, **extra}
        return remoting.request(broker, QUERY_CONSUME_QUEUE, ext, serialization=serialization)

    response = query(1, 5)
    assert response.code == remoting.SUCCESS, response
    body = remoting.parse_fastjson(response.body)
    assert body["minQueueIndex"] == 0 and body["maxQueueIndex"] == 3
    units = body["queueData"]
    assert len(units) == 2  # index 1 and 2; the queue ends at 3
    # tagsCode is the tag's Java String.hashCode: "B" = 66, "C" = 67.
    assert [unit["tagsCode"] for unit in units] == [66, 67]
    assert units[0]["physicOffset"] < units[1]["physicOffset"]
    assert all(unit["physicSize"] > 0 and unit["eval"] is False for unit in units)
    assert "subscriptionData" not in body and "filterData" not in body
    # The unit points at the record: VIEW_MESSAGE_BY_ID at that offset returns tag B.
    viewed = remoting.request(broker, VIEW_MESSAGE_BY_ID, {"offset": units[0]["physicOffset"]})
    assert viewed.code == remoting.SUCCESS, viewed
    assert remoting.decode_messages(viewed.body)[0].properties["TAGS"] == "B"

    # count limits the run.
    assert len(remoting.parse_fastjson(query(0, 1).body)["queueData"]) == 1

    # A group that is not online is named in filterData.
    offline = remoting.parse_fastjson(query(0, 1, consumerGroup=group).body)
    assert offline["filterData"] == f"{group}@{topic} is not online!"
    assert "subscriptionData" not in offline

    # An online group's subscription is shown; tag filters have no filter data (fastjson writes null).
    with remoting.Connection(broker) as consumer:
        heartbeat = consumer.request(remoting.HEART_BEAT, body=_heartbeat_body(unique("cid"), group, topic, "A || B"))
        assert heartbeat.code == remoting.SUCCESS, heartbeat
        online = remoting.parse_fastjson(query(0, 1, consumerGroup=group).body)
        assert online["subscriptionData"]["topic"] == topic
        assert online["subscriptionData"]["subString"] == "A || B"
        assert online["filterData"] == "null"

    # An index past the end: SUCCESS with a remark and no body, as upstream.
    past = query(3, 1)
    assert past.code == remoting.SUCCESS and past.remark == f"Index 3 of 0@{topic} is not exist!" and past.body == b""
    # A queue that was never written: SYSTEM_ERROR.
    missing = query(0, 1, queue_id=7)
    assert missing.code == remoting.SYSTEM_ERROR and missing.remark == f"7@{topic} is not exist!"
    # A header without the required fields is rejected, not a crash.
    bad = remoting.request(broker, QUERY_CONSUME_QUEUE, {"topic": topic}, serialization=serialization)
    assert bad.code != remoting.SUCCESS
    assert server.alive()


def test_clean_unused_topic_drops_queues_of_deleted_topics_only(standalone):
    server = standalone()
    broker = server.broker_address
    gone, kept = unique("TopicGone"), unique("TopicKept")
    for topic in (gone, kept):
        assert remoting.create_topic(broker, topic, 1).code == remoting.SUCCESS
        for _ in range(2):
            assert remoting.send_message(broker, topic, b"payload").code == remoting.SUCCESS
    delayed = remoting.send_message(broker, kept, b"later", properties={"DELAY": "3", "WAIT": "true"})
    assert delayed.code == remoting.SUCCESS, delayed
    queue_dirs = lambda topic: list(server.data_dir.rglob(f"consumequeue/{topic}"))
    assert queue_dirs(gone) and queue_dirs(kept)

    # DELETE_TOPIC_IN_BROKER drops the configuration; the queue files stay until the clean-up.
    assert remoting.request(broker, DELETE_TOPIC_IN_BROKER, {"topic": gone}).code == remoting.SUCCESS
    assert _max_offset(broker, gone) == 2

    response = remoting.request(broker, CLEAN_UNUSED_TOPIC)
    assert response.code == remoting.SUCCESS, response
    assert queue_dirs(gone) == []
    assert _max_offset(broker, gone) == 0
    assert _max_offset(broker, kept) == 2 and queue_dirs(kept)
    # The broker's own system topics stay (the delayed message still waits in SCHEDULE_TOPIC_XXXX).
    assert list(server.data_dir.rglob("consumequeue/SCHEDULE_TOPIC_XXXX"))

    # Writing to the topic again starts a new queue at 0 (auto-creation is on).
    assert remoting.send_message(broker, gone, b"again").code == remoting.SUCCESS
    assert _max_offset(broker, gone) == 1
    assert server.alive()


def test_resume_check_half_message_asks_the_producer_again(standalone, tmp_path):
    conf = tmp_path / "broker.conf"
    # Check every 100 ms, at once, at most once: a half message nobody answers is discarded to
    # TRANS_CHECK_MAX_TIME_TOPIC on the second round.
    conf.write_text("transactionCheckInterval=100\ntransactionTimeOut=0\ntransactionCheckMax=1\n")
    server = standalone(None, "--config", str(conf))
    broker = server.broker_address
    topic, producer_group = unique("TopicTx"), unique("PID_tx")
    half = remoting.send_message(
        broker, topic, b"half", sys_flag=TRANSACTION_PREPARED, group=producer_group,
        properties={"TRAN_MSG": "true", "PGROUP": producer_group, "WAIT": "true"})
    assert half.code == remoting.SUCCESS, half

    discarded_topic = "TRANS_CHECK_MAX_TIME_TOPIC"
    _wait_until(lambda: remoting.request(broker, remoting.GET_MAX_OFFSET, {"topic": discarded_topic, "queueId": 0})
                .ext.get("offset") == "1", "the half message to be discarded")
    listed = remoting.request(broker, QUERY_CONSUME_QUEUE,
                              {"topic": discarded_topic, "queueId": 0, "index": 0, "count": 1})
    offset = remoting.parse_fastjson(listed.body)["queueData"][0]["physicOffset"]
    viewed = remoting.decode_messages(remoting.request(broker, VIEW_MESSAGE_BY_ID, {"offset": offset}).body)[0]
    assert viewed.body == b"half" and viewed.properties["REAL_TOPIC"] == topic
    message_id = _offset_message_id(viewed.store_host, viewed.physical_offset)

    with remoting.Connection(broker) as producer:
        checks = []
        producer.on_server_request = lambda frame: checks.append(frame) if frame.code == CHECK_TRANSACTION_STATE \
            else None
        heartbeat = producer.request(remoting.HEART_BEAT,
                                     body=_heartbeat_body(unique("cid"), producer_group=producer_group))
        assert heartbeat.code == remoting.SUCCESS, heartbeat
        for serialization in SERIALIZATIONS:
            bad = producer.request(RESUME_CHECK_HALF_MESSAGE, {"msgId": "00"}, serialization=serialization)
            assert bad.code == remoting.SYSTEM_ERROR
            assert bad.remark == "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC."
        resumed = producer.request(RESUME_CHECK_HALF_MESSAGE, {"msgId": message_id}, serialization="rocketmq")
        assert resumed.code == remoting.SUCCESS, resumed
        # The broker asks the producer about the resumed half message again.
        producer.serve_requests(lambda: checks, timeout=15.0)
    checked = remoting.decode_messages(checks[0].body)[0]
    assert checked.body == b"half"
    assert checked.properties["TRANSACTION_CHECK_TIMES"] == "0"
    assert checked.properties["REAL_TOPIC"] == topic
    assert server.alive()
