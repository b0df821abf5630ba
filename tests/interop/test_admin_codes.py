"""Issue 14: the admin request codes RocketMQ's Java admin (mqadmin, the dashboard) and the Java
client send, driven the way they send them — raw remoting frames with JSON or binary ROCKETMQ
headers — and their bodies read the way fastjson reads them (object keys, bare numeric keys)."""
import json
import time
from pathlib import Path

import pytest

import remoting
from cpp_client import unique

SERIALIZATIONS = ["json", "rocketmq"]

GET_BROKER_CONFIG = 26
UPDATE_BROKER_CONFIG = 25
GET_BROKER_RUNTIME_INFO = 28
GET_ALL_TOPIC_CONFIG = 21
UPDATE_CONSUMER_OFFSET = 15
GET_ALL_CONSUMER_OFFSET = 43
GET_ALL_DELAY_OFFSET = 45
CHECK_CLIENT_CONFIG = 46
UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200
GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201
GET_TOPIC_STATS_INFO = 202
GET_CONSUMER_CONNECTION_LIST = 203
GET_PRODUCER_CONNECTION_LIST = 204
DELETE_SUBSCRIPTIONGROUP = 207
GET_CONSUME_STATS = 208
QUERY_TOPIC_CONSUME_BY_WHO = 300
QUERY_CONSUME_TIME_SPAN = 303
GET_SYSTEM_TOPIC_LIST_FROM_BROKER = 305
QUERY_CORRECTION_OFFSET = 308
CLONE_GROUP_OFFSET = 314
VIEW_BROKER_STATS_DATA = 315
GET_BROKER_CONSUME_STATS = 317
GET_TOPICS_BY_CLUSTER = 224
GET_SYSTEM_TOPIC_LIST_FROM_NS = 304
GET_NAMESRV_CONFIG = 319
UPDATE_NAMESRV_CONFIG = 318
QUERY_DATA_VERSION = 322
NO_PERMISSION = 16
SUBSCRIPTION_PARSE_FAILED = 23
CONSUMER_NOT_ONLINE = 206


def _send(broker, topic, count, queue_id=0, body=b"payload"):
    for i in range(count):
        response = remoting.send_message(broker, topic, body, queue_id=queue_id)
        assert response.code == remoting.SUCCESS, response


def _commit(broker, group, topic, queue_id, offset, serialization="json"):
    response = remoting.request(broker, UPDATE_CONSUMER_OFFSET, {
        "consumerGroup": group, "topic": topic, "queueId": queue_id, "commitOffset": offset},
        serialization=serialization)
    assert response.code == remoting.SUCCESS, response


def _heartbeat_body(client_id, consumer_group=None, topic=None, expression="*", producer_group=None):
    consumers = []
    if consumer_group:
        consumers.append({
            "groupName": consumer_group, "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
            "consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "unitMode": False,
            "subscriptionDataSet": [{"topic": topic, "subString": expression, "tagsSet": [], "codeSet": [],
                                     "subVersion": int(time.time() * 1000), "expressionType": "TAG",
                                     "classFilterMode": False}]})
    producers = [{"groupName": producer_group}] if producer_group else []
    return json.dumps({"clientID": client_id, "producerDataSet": producers, "consumerDataSet": consumers}).encode()


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_subscription_group_is_created_listed_persisted_and_deleted(standalone, tmp_path, serialization):
    server = standalone()
    group = unique("GID_admin")
    # mqadmin updateSubGroup sends the whole SubscriptionGroupConfig; a partial body takes defaults.
    body = json.dumps({"groupName": group, "retryMaxTimes": 3, "consumeBroadcastEnable": False}).encode()
    response = remoting.request(server.broker_address, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body,
                                serialization=serialization)
    assert response.code == remoting.SUCCESS, response

    listed = remoting.request(server.broker_address, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, serialization=serialization)
    assert listed.code == remoting.SUCCESS, listed
    wrapper = remoting.parse_fastjson(listed.body)
    config = wrapper["subscriptionGroupTable"][group]
    # 4.9.8's defaults, plus 5.x's consumeMessageOrderly (FIFO for gRPC consumers), which 4.x fastjson ignores.
    assert config == {"brokerId": 0, "consumeBroadcastEnable": False, "consumeEnable": True,
                      "consumeFromMinEnable": True, "consumeMessageOrderly": False, "groupName": group, "notifyConsumerIdsChangedEnable": True,
                      "retryMaxTimes": 3, "retryQueueNums": 1, "whichBrokerWhenConsumeSlowly": 1}
    for builtin in ("TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONSAPI_OWNER"):
        assert builtin in wrapper["subscriptionGroupTable"]
    assert set(wrapper["dataVersion"]) == {"counter", "timestamp"}

    saved = json.loads((Path(server.data_dir) / "config" / "subscriptionGroup.json").read_text())
    assert saved["subscriptionGroupTable"][group]["retryMaxTimes"] == 3

    # The stored setting is what the broker enforces: broadcasting members are refused.
    broadcast = json.loads(_heartbeat_body("cid-1", group, "TopicX"))
    broadcast["consumerDataSet"][0]["messageModel"] = "BROADCASTING"
    refused = remoting.request(server.broker_address, remoting.HEART_BEAT, {}, json.dumps(broadcast).encode())
    assert refused.code == NO_PERMISSION, refused

    deleted = remoting.request(server.broker_address, DELETE_SUBSCRIPTIONGROUP,
                               {"groupName": group, "removeOffset": "true"}, serialization=serialization)
    assert deleted.code == remoting.SUCCESS, deleted
    listed = remoting.parse_fastjson(remoting.request(server.broker_address, GET_ALL_SUBSCRIPTIONGROUP_CONFIG).body)
    assert group not in listed["subscriptionGroupTable"]


def test_group_settings_survive_a_restart_and_take_effect(standalone, tmp_path):
    data = tmp_path / "data"
    server = standalone(data)
    group, topic = unique("GID_retry"), unique("TopicRetry")
    body = json.dumps({"groupName": group, "retryMaxTimes": 2, "consumeEnable": False}).encode()
    assert remoting.request(server.broker_address, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, body).code == 0
    server.broker_process.stop()
    server = standalone(data)
    # consumeEnable=false: pulls are refused.
    _send(server.broker_address, topic, 1)
    pulled = remoting.pull(server.broker_address, group, topic, 0, 0)
    assert pulled.code == NO_PERMISSION, pulled
    # retryMaxTimes=2: a retry message that was consumed twice goes to the dead-letter topic.
    retry = remoting.request(server.broker_address, remoting.SEND_MESSAGE, {
        "producerGroup": group, "topic": f"%RETRY%{group}", "defaultTopic": "TBW102", "defaultTopicQueueNums": 1,
        "queueId": 0, "sysFlag": 0, "bornTimestamp": int(time.time() * 1000), "flag": 0,
        "properties": remoting.encode_properties({"WAIT": "true"}), "reconsumeTimes": 2}, b"failed twice")
    assert retry.code == remoting.SUCCESS, retry
    dlq = remoting.request(server.broker_address, remoting.GET_MAX_OFFSET, {"topic": f"%DLQ%{group}", "queueId": 0})
    assert dlq.code == remoting.SUCCESS and dlq.ext["offset"] == "1", dlq


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_check_client_config_accepts_valid_sql92_and_rejects_bad_expressions(standalone, serialization):
    server = standalone()

    def check(expression_type, expression):
        body = json.dumps({"clientId": "127.0.0.1@1", "group": "GID_sql", "subscriptionData": {
            "topic": "TopicSql", "subString": expression, "expressionType": expression_type, "tagsSet": [],
            "codeSet": [], "subVersion": 1, "classFilterMode": False}}).encode()
        return remoting.request(server.broker_address, CHECK_CLIENT_CONFIG, {}, body, serialization=serialization)

    assert check("SQL92", "a > 5 AND b = 'x'").code == remoting.SUCCESS
    assert check("TAG", "TagA || TagB").code == remoting.SUCCESS
    bad = check("SQL92", "a >")
    assert bad.code == SUBSCRIPTION_PARSE_FAILED and bad.remark, bad
    other = check("BY_CLASS", "x")
    assert other.code == remoting.SYSTEM_ERROR and "BY_CLASS" in other.remark, other


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_runtime_info_and_stats_count_real_traffic(standalone, serialization):
    server = standalone()
    topic, group = unique("TopicStats"), unique("GID_stats")
    _send(server.broker_address, topic, 5, body=b"x" * 100)
    info = remoting.request(server.broker_address, GET_BROKER_RUNTIME_INFO, serialization=serialization)
    assert info.code == remoting.SUCCESS, info
    table = remoting.parse_fastjson(info.body)["table"]
    assert all(isinstance(v, str) for v in table.values())
    assert int(table["msgPutTotalTodayNow"]) == 5
    assert int(table["putMessageSizeTotal"]) == 500
    assert float(table["putMessageAverageSize"]) == 100.0
    assert table["brokerVersionDesc"] == "V4_9_8"
    assert int(table["commitLogMaxOffset"]) > 0
    assert 0 <= float(table["commitLogDiskRatio"]) <= 1
    assert table["putMessageDistributeTime"].startswith("[<=0ms]:") and table["putMessageDistributeTime"].endswith(" ")
    counts = [int(part.split(":")[1]) for part in table["putMessageDistributeTime"].split()]
    assert sum(counts) == 5
    # mqadmin clusterList parses the first token of putTps as a double (empty until 10 s of uptime).
    first = table["putTps"].split(" ")[0]
    assert first == "" or float(first) >= 0

    stats = remoting.request(server.broker_address, VIEW_BROKER_STATS_DATA,
                             {"statsName": "TOPIC_PUT_NUMS", "statsKey": topic}, serialization=serialization)
    assert stats.code == remoting.SUCCESS, stats
    data = remoting.parse_fastjson(stats.body)
    assert data["statsMinute"]["sum"] == 5 and data["statsHour"]["sum"] == 5 and data["statsDay"]["sum"] == 5
    assert data["statsMinute"]["tps"] > 0
    size = remoting.parse_fastjson(remoting.request(server.broker_address, VIEW_BROKER_STATS_DATA, {
        "statsName": "TOPIC_PUT_SIZE", "statsKey": topic}).body)
    assert size["statsMinute"]["sum"] == 500 and size["statsMinute"]["avgpt"] == 100.0

    pulled = remoting.pull(server.broker_address, group, topic, 0, 0)
    assert pulled.code == remoting.SUCCESS
    gets = remoting.parse_fastjson(remoting.request(server.broker_address, VIEW_BROKER_STATS_DATA, {
        "statsName": "GROUP_GET_NUMS", "statsKey": f"{topic}@{group}"}).body)
    assert gets["statsMinute"]["sum"] == 5
    missing = remoting.request(server.broker_address, VIEW_BROKER_STATS_DATA,
                               {"statsName": "TOPIC_PUT_NUMS", "statsKey": "NoSuchTopic"})
    assert missing.code == remoting.SYSTEM_ERROR and "not exist" in missing.remark


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_topic_and_consume_stats_are_keyed_by_message_queue_objects(standalone, serialization):
    server = standalone()
    topic, group = unique("TopicQStats"), unique("GID_q")
    assert remoting.create_topic(server.broker_address, topic, 2).code == remoting.SUCCESS
    _send(server.broker_address, topic, 3, queue_id=1)
    response = remoting.request(server.broker_address, GET_TOPIC_STATS_INFO, {"topic": topic},
                                serialization=serialization)
    assert response.code == remoting.SUCCESS, response
    assert b'{{"brokerName"' in response.body, "fastjson writes MessageQueue keys as bare objects"
    table = remoting.queue_map(remoting.parse_fastjson(response.body)["offsetTable"])
    assert set(table) == {(topic, "broker-a", 0), (topic, "broker-a", 1)}
    assert table[(topic, "broker-a", 1)]["maxOffset"] == 3 and table[(topic, "broker-a", 1)]["minOffset"] == 0
    assert table[(topic, "broker-a", 1)]["lastUpdateTimestamp"] > 0
    assert table[(topic, "broker-a", 0)] == {"lastUpdateTimestamp": 0, "maxOffset": 0, "minOffset": 0}
    missing = remoting.request(server.broker_address, GET_TOPIC_STATS_INFO, {"topic": "NoSuchTopic"})
    assert missing.code == remoting.TOPIC_NOT_EXIST and "NoSuchTopic" in missing.remark

    _commit(server.broker_address, group, topic, 1, 2, serialization)
    stats = remoting.request(server.broker_address, GET_CONSUME_STATS, {"consumerGroup": group, "topic": topic},
                             serialization=serialization)
    assert stats.code == remoting.SUCCESS, stats
    parsed = remoting.parse_fastjson(stats.body)
    offsets = remoting.queue_map(parsed["offsetTable"])
    assert offsets[(topic, "broker-a", 1)]["brokerOffset"] == 3
    assert offsets[(topic, "broker-a", 1)]["consumerOffset"] == 2
    assert offsets[(topic, "broker-a", 1)]["lastTimestamp"] > 0
    assert isinstance(parsed["consumeTps"], float)
    # No topic: every topic the group has offsets for.
    everything = remoting.parse_fastjson(remoting.request(server.broker_address, GET_CONSUME_STATS,
                                                          {"consumerGroup": group}).body)
    assert set(remoting.queue_map(everything["offsetTable"])) == set(offsets)

    spans = remoting.parse_fastjson(remoting.request(server.broker_address, QUERY_CONSUME_TIME_SPAN,
                                                     {"topic": topic, "group": group}).body)["consumeTimeSpanSet"]
    span = next(s for s in spans if s["messageQueue"]["queueId"] == 1)
    assert span["minTimeStamp"] <= span["consumeTimeStamp"] <= span["maxTimeStamp"]
    assert "#" in span["maxTimeStampStr"]

    # GET_BROKER_CONSUME_STATS walks the subscription groups; a pull creates this one.
    assert remoting.pull(server.broker_address, group, topic, 1, 2).code == remoting.SUCCESS
    broker_stats = remoting.parse_fastjson(remoting.request(server.broker_address, GET_BROKER_CONSUME_STATS,
                                                            {"isOrder": "false"}).body)
    assert broker_stats["totalDiff"] >= 1
    mine = [entry[group] for entry in broker_stats["consumeStatsList"] if group in entry]
    assert mine and remoting.queue_map(mine[0][0]["offsetTable"])[(topic, "broker-a", 1)]["consumerOffset"] == 2


@pytest.mark.parametrize("serialization", SERIALIZATIONS)
def test_slave_sync_codes_return_whole_tables(standalone, serialization):
    server = standalone()
    topic, group = unique("TopicSync"), unique("GID_sync")
    _send(server.broker_address, topic, 1)
    _commit(server.broker_address, group, topic, 0, 1)
    topics = remoting.request(server.broker_address, GET_ALL_TOPIC_CONFIG, serialization=serialization)
    assert topic in remoting.parse_fastjson(topics.body)["topicConfigTable"]
    offsets = remoting.request(server.broker_address, GET_ALL_CONSUMER_OFFSET, serialization=serialization)
    assert offsets.code == remoting.SUCCESS, offsets
    assert remoting.int_map(remoting.parse_fastjson(offsets.body)["offsetTable"][f"{topic}@{group}"]) == {0: 1}
    assert b'{0:1}' in offsets.body, "queue ids are bare numeric keys, as fastjson writes Map<Integer, Long>"
    delay = remoting.request(server.broker_address, GET_ALL_DELAY_OFFSET, serialization=serialization)
    assert delay.code == remoting.SUCCESS, delay
    assert isinstance(remoting.parse_fastjson(delay.body)["offsetTable"], dict)
    system = remoting.parse_fastjson(remoting.request(server.broker_address, GET_SYSTEM_TOPIC_LIST_FROM_BROKER).body)
    assert "SCHEDULE_TOPIC_XXXX" in system["topicList"]


def test_connection_lists_and_consumers_of_a_topic(standalone):
    server = standalone()
    topic, group, producer_group = unique("TopicConn"), unique("GID_conn"), unique("PID_conn")
    with remoting.Connection(server.broker_address) as client:
        beat = client.request(remoting.HEART_BEAT, {}, _heartbeat_body("10.0.0.1@42", group, topic, "TagA || TagB",
                                                                        producer_group))
        assert beat.code == remoting.SUCCESS, beat
        response = remoting.request(server.broker_address, GET_CONSUMER_CONNECTION_LIST, {"consumerGroup": group})
        assert response.code == remoting.SUCCESS, response
        body = remoting.parse_fastjson(response.body)
        (connection,) = body["connectionSet"]
        assert connection["clientId"] == "10.0.0.1@42" and connection["language"] == "JAVA"
        assert connection["version"] == 409 and connection["clientAddr"].startswith("127.0.0.1:")
        assert body["messageModel"] == "CLUSTERING" and body["consumeType"] == "CONSUME_PASSIVELY"
        assert body["subscriptionTable"][topic]["tagsSet"] == ["TagA", "TagB"]
        producers = remoting.request(server.broker_address, GET_PRODUCER_CONNECTION_LIST,
                                     {"producerGroup": producer_group})
        assert remoting.parse_fastjson(producers.body)["connectionSet"][0]["clientId"] == "10.0.0.1@42"
        _commit(server.broker_address, "GID_offline_only", topic, 0, 0)
        who = remoting.parse_fastjson(remoting.request(server.broker_address, QUERY_TOPIC_CONSUME_BY_WHO,
                                                       {"topic": topic}).body)
        assert set(who["groupList"]) == {group, "GID_offline_only"}
    offline = remoting.request(server.broker_address, GET_CONSUMER_CONNECTION_LIST, {"consumerGroup": "GID_nobody"})
    assert offline.code == CONSUMER_NOT_ONLINE and "GID_nobody" in offline.remark
    nobody = remoting.request(server.broker_address, GET_PRODUCER_CONNECTION_LIST, {"producerGroup": "PID_nobody"})
    assert nobody.code == remoting.SYSTEM_ERROR and "PID_nobody" in nobody.remark


def test_clone_and_correction_offsets(standalone):
    server = standalone()
    topic = unique("TopicClone")
    assert remoting.create_topic(server.broker_address, topic, 2).code == remoting.SUCCESS
    _send(server.broker_address, topic, 5, queue_id=0)
    _commit(server.broker_address, "GID_src", topic, 0, 4)
    _commit(server.broker_address, "GID_low", topic, 0, 1)
    cloned = remoting.request(server.broker_address, CLONE_GROUP_OFFSET,
                              {"srcGroup": "GID_src", "destGroup": "GID_dst", "topic": topic, "offline": "true"})
    assert cloned.code == remoting.SUCCESS, cloned
    table = remoting.parse_fastjson(remoting.request(server.broker_address, GET_ALL_CONSUMER_OFFSET).body)
    assert remoting.int_map(table["offsetTable"][f"{topic}@GID_dst"]) == {0: 4}
    correction = remoting.request(server.broker_address, QUERY_CORRECTION_OFFSET,
                                  {"topic": topic, "compareGroup": "GID_low", "filterGroups": "GID_low"})
    offsets = remoting.int_map(remoting.parse_fastjson(correction.body)["correctionOffsets"])
    assert offsets == {0: 9223372036854775807}, "GID_low is behind every other group"


def test_broker_config_is_listed_updated_live_and_persisted(standalone, tmp_path):
    data = tmp_path / "data"
    server = standalone(data)
    listed = remoting.request(server.broker_address, GET_BROKER_CONFIG)
    assert listed.code == remoting.SUCCESS, listed
    properties = dict(line.split("=", 1) for line in listed.body.decode().splitlines())
    assert properties["autoCreateTopicEnable"] == "true" and properties["brokerName"] == "broker-a"
    assert json.loads(listed.ext["version"])["counter"] == 0

    refused = remoting.request(server.broker_address, UPDATE_BROKER_CONFIG, {}, b"brokerConfigPath=/tmp/x\n")
    assert refused.code == NO_PERMISSION and refused.remark == "Can not update config in black list."
    bad = remoting.request(server.broker_address, UPDATE_BROKER_CONFIG, {}, b"defaultTopicQueueNums=zero\n")
    assert bad.code == remoting.SYSTEM_ERROR and "string2Properties" in bad.remark

    # Java's Properties.store writes `key=value`; a space-separated pair is the same to Properties.load.
    updated = remoting.request(server.broker_address, UPDATE_BROKER_CONFIG, {}, b"autoCreateTopicEnable false\n")
    assert updated.code == remoting.SUCCESS, updated
    refused_send = remoting.send_message(server.broker_address, unique("TopicAfterUpdate"), b"x")
    assert refused_send.code == remoting.TOPIC_NOT_EXIST, refused_send
    listed = remoting.request(server.broker_address, GET_BROKER_CONFIG)
    assert "autoCreateTopicEnable=false" in listed.body.decode()
    assert json.loads(listed.ext["version"])["counter"] == 1
    assert "autoCreateTopicEnable=false" in (data / "config" / "broker.conf").read_text()

    server.broker_process.stop()
    server = standalone(data, auto_create=False)
    again = remoting.send_message(server.broker_address, unique("TopicAfterRestart"), b"x")
    assert again.code == remoting.TOPIC_NOT_EXIST, again


def test_name_server_admin_codes(standalone):
    server = standalone()
    topic = unique("TopicNs")
    _send(server.broker_address, topic, 1)
    remoting.wait_for_route(server.namesrv_address, topic)
    cluster = remoting.parse_lenient_json(remoting.request(server.namesrv_address, remoting.GET_BROKER_CLUSTER_INFO).body)
    (cluster_name,) = cluster["clusterAddrTable"]
    topics = remoting.parse_fastjson(remoting.request(server.namesrv_address, GET_TOPICS_BY_CLUSTER,
                                                      {"cluster": cluster_name}).body)["topicList"]
    assert topic in topics
    empty = remoting.parse_fastjson(remoting.request(server.namesrv_address, GET_TOPICS_BY_CLUSTER,
                                                     {"cluster": "NoSuchCluster"}).body)
    assert empty["topicList"] == []
    system = remoting.parse_fastjson(remoting.request(server.namesrv_address, GET_SYSTEM_TOPIC_LIST_FROM_NS).body)
    assert cluster_name in system["topicList"] and "broker-a" in system["topicList"]
    assert system["brokerAddr"] == server.broker_address

    # QUERY_DATA_VERSION: unchanged for the version the broker last registered, changed otherwise.
    version = remoting.parse_fastjson(remoting.request(server.broker_address, GET_ALL_TOPIC_CONFIG).body)["dataVersion"]
    header = {"brokerName": "broker-a", "brokerAddr": server.broker_address, "clusterName": cluster_name,
              "brokerId": 0}
    same = remoting.request(server.namesrv_address, QUERY_DATA_VERSION, header, json.dumps(version).encode())
    assert same.code == remoting.SUCCESS and same.ext["changed"] == "false", same
    other = dict(version, counter=version["counter"] + 1000)
    changed = remoting.request(server.namesrv_address, QUERY_DATA_VERSION, header, json.dumps(other).encode())
    assert changed.ext["changed"] == "true"

    config = remoting.request(server.namesrv_address, GET_NAMESRV_CONFIG)
    assert "listenPort=" in config.body.decode()
    assert remoting.request(server.namesrv_address, UPDATE_NAMESRV_CONFIG, {}, b"clusterTest=true\n").code == 0
    assert "clusterTest=true" in remoting.request(server.namesrv_address, GET_NAMESRV_CONFIG).body.decode()
    blocked = remoting.request(server.namesrv_address, UPDATE_NAMESRV_CONFIG, {}, b"kvConfigPath=/tmp/x\n")
    assert blocked.code == NO_PERMISSION
