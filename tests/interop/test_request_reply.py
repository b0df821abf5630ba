"""Issue 14: request-reply as the Java client does it (`DefaultMQProducer.request`), on raw frames:
the requester heartbeats as a producer, the replier sends SEND_REPLY_MESSAGE (324) or _V2 (325)
with the request's correlation properties, and the broker pushes the reply to the requester with
PUSH_REPLY_MESSAGE_TO_CLIENT (326) before storing it in <CLUSTER>_REPLY_TOPIC."""
import json
import threading
import time

import pytest

import remoting

SEND_REPLY_MESSAGE = 324
SEND_REPLY_MESSAGE_V2 = 325
PUSH_REPLY_MESSAGE_TO_CLIENT = 326
REPLY_TOPIC = "DefaultCluster_REPLY_TOPIC"


def _reply_fields(topic, properties, v2):
    fields = {"producerGroup": "PID_replier", "topic": topic, "defaultTopic": "TBW102", "defaultTopicQueueNums": 4,
              "queueId": -1, "sysFlag": 0, "bornTimestamp": int(time.time() * 1000), "flag": 0,
              "properties": remoting.encode_properties(properties), "reconsumeTimes": 0, "unitMode": "false"}
    if not v2:
        return fields
    keys = {"producerGroup": "a", "topic": "b", "defaultTopic": "c", "defaultTopicQueueNums": "d", "queueId": "e",
            "sysFlag": "f", "bornTimestamp": "g", "flag": "h", "properties": "i", "reconsumeTimes": "j", "unitMode": "k"}
    return {keys[k]: v for k, v in fields.items()}


@pytest.mark.parametrize("code,serialization", [(SEND_REPLY_MESSAGE, "json"), (SEND_REPLY_MESSAGE_V2, "rocketmq")])
def test_reply_is_pushed_to_the_requester_and_stored(standalone, code, serialization):
    server = standalone()
    pushed = []
    with remoting.Connection(server.broker_address) as requester, remoting.Connection(server.broker_address) as replier:
        beat = json.dumps({"clientID": "127.0.0.1@requester", "producerDataSet": [{"groupName": "PID_requester"}],
                           "consumerDataSet": []}).encode()
        assert requester.request(remoting.HEART_BEAT, {}, beat).code == remoting.SUCCESS

        def on_request(frame):
            pushed.append(frame)
            return (remoting.SUCCESS, {}, b"")

        requester.on_server_request = on_request
        serving = threading.Thread(target=lambda: requester.serve_requests(lambda: pushed, timeout=10))
        serving.start()
        properties = {"CORRELATION_ID": "corr-1", "REPLY_TO_CLIENT": "127.0.0.1@requester", "TTL": "3000",
                      "MSG_TYPE": "reply"}
        response = replier.request(code, _reply_fields(REPLY_TOPIC, properties, code == SEND_REPLY_MESSAGE_V2),
                                   b"the answer", serialization=serialization)
        serving.join(15)
    assert response.code == remoting.SUCCESS, response
    assert response.ext["MSG_REGION"] == "DefaultRegion" and response.ext["TRACE_ON"] == "true"
    assert response.ext["msgId"] != "0", "a stored reply answers with the stored record's id"

    (push,) = pushed
    assert push.code == PUSH_REPLY_MESSAGE_TO_CLIENT
    assert push.body == b"the answer"
    assert push.ext["topic"] == REPLY_TOPIC and push.ext["producerGroup"] == "PID_replier"
    assert push.ext["storeHost"] == server.broker_address
    assert push.ext["bornHost"].startswith("127.0.0.1:")
    assert int(push.ext["storeTimestamp"]) > 0
    props = remoting.decode_properties(push.ext["properties"])
    assert props["CORRELATION_ID"] == "corr-1" and "PUSH_REPLY_TIME" in props

    stored = remoting.request(server.broker_address, remoting.GET_MAX_OFFSET, {"topic": REPLY_TOPIC, "queueId": 0})
    assert stored.ext["offset"] == "1"


def test_reply_to_an_unknown_requester_fails_naming_it_and_is_still_stored(standalone):
    server = standalone()
    properties = {"CORRELATION_ID": "corr-2", "REPLY_TO_CLIENT": "127.0.0.1@gone", "MSG_TYPE": "reply"}
    response = remoting.request(server.broker_address, SEND_REPLY_MESSAGE,
                                _reply_fields(REPLY_TOPIC, properties, False), b"late")
    assert response.code == remoting.SYSTEM_ERROR
    assert response.remark == "push reply message fail, channel of <127.0.0.1@gone> not found."
    missing = remoting.request(server.broker_address, SEND_REPLY_MESSAGE,
                               _reply_fields(REPLY_TOPIC, {"CORRELATION_ID": "c"}, False), b"x")
    assert missing.code == remoting.SYSTEM_ERROR
    assert missing.remark == "reply message properties[REPLY_TO_CLIENT] is null"
    stored = remoting.request(server.broker_address, remoting.GET_MAX_OFFSET, {"topic": REPLY_TOPIC, "queueId": 0})
    assert stored.ext["offset"] == "2"
