"""Issue 14: `comet admin` covers the everyday mqadmin commands under mqadmin's names. Each test runs
the CLI as a separate process against a real `comet standalone` and checks the effect with raw
remoting requests, the way upstream's Java admin would see it."""
import json
import subprocess
import time

import remoting
from conftest import comet_binary
from cpp_client import unique

GET_BROKER_CONFIG = 26
GET_BROKER_RUNTIME_INFO = 28
UPDATE_CONSUMER_OFFSET = 15
GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201
GET_KV_CONFIG = 101
QUERY_NOT_FOUND = 22
PERM_WRITE = 2


def run_admin(server, *args, ok=True):
    run = subprocess.run([comet_binary(), "admin", *args, "-n", server.namesrv_address],
                         capture_output=True, text=True, timeout=60)
    if ok:
        assert run.returncode == 0, f"comet admin {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}"
    return run


def admin_json(server, *args):
    return json.loads(run_admin(server, *args, "--json").stdout)


def _send(server, topic, count, queue_id=0, group="PID_cli"):
    for _ in range(count):
        response = remoting.send_message(server.broker_address, topic, b"payload", queue_id=queue_id, group=group)
        assert response.code == remoting.SUCCESS, response


def _heartbeat(client_id, consumer_group=None, topic=None, producer_group=None):
    consumers = []
    if consumer_group:
        consumers.append({
            "groupName": consumer_group, "consumeType": "CONSUME_ACTIVELY", "messageModel": "CLUSTERING",
            "consumeFromWhere": "CONSUME_FROM_FIRST_OFFSET", "unitMode": False,
            "subscriptionDataSet": [{"topic": topic, "subString": "TagA", "tagsSet": ["TagA"], "codeSet": [],
                                     "subVersion": int(time.time() * 1000), "expressionType": "TAG",
                                     "classFilterMode": False}]})
    producers = [{"groupName": producer_group}] if producer_group else []
    return json.dumps({"clientID": client_id, "producerDataSet": producers, "consumerDataSet": consumers}).encode()


def test_cluster_list_broker_status_and_the_kebab_names(standalone):
    server = standalone()
    topic = unique("TopicCli")
    _send(server, topic, 3)
    brokers = admin_json(server, "clusterList")
    assert len(brokers) == 1
    broker = brokers[0]
    assert broker["address"] == server.broker_address and broker["brokerId"] == 0
    assert broker["version"] == "V4_9_8"
    # The figures are the broker's own runtime info, as mqadmin clusterList reads it.
    runtime = remoting.parse_fastjson(remoting.request(server.broker_address, GET_BROKER_RUNTIME_INFO).body)["table"]
    assert broker["putTodayNow"] >= 3 and broker["putTodayNow"] <= int(runtime["msgPutTotalTodayNow"])
    text = run_admin(server, "cluster").stdout
    assert "#cluster" in text and server.broker_address in text

    status = admin_json(server, "brokerStatus", "-b", server.broker_address)
    assert int(status["msgPutTotalTodayNow"]) >= 3 and status["brokerVersionDesc"] == "V4_9_8"
    assert "putTps" in status and "commitLogDiskRatio" in status

    # mqadmin names and Comet's names are the same commands.
    assert run_admin(server, "topicList", "--json").stdout == run_admin(server, "topics", "--json").stdout
    assert topic in admin_json(server, "topicList")
    assert admin_json(server, "topicClusterList", "-t", topic) == [broker["cluster"]]
    help_text = run_admin(server, "--help").stdout  # -n is accepted and ignored by --help
    for name in ("clusterList", "updateSubGroup", "consumerProgress", "wipeWritePerm", "updateKvConfig"):
        assert name in help_text


def test_broker_config_is_read_and_changed(standalone):
    server = standalone()
    updated = admin_json(server, "updateBrokerConfig", "-k", "maxMessageSize", "-v", "1048577")
    assert updated == {"updated": [server.broker_address]}
    raw = remoting.request(server.broker_address, GET_BROKER_CONFIG)
    assert "maxMessageSize=1048577\n" in raw.body.decode()
    config = admin_json(server, "getBrokerConfig", "-b", server.broker_address)
    assert config[server.broker_address]["maxMessageSize"] == "1048577"
    # A refused change exits non-zero, naming the broker and the response code.
    refused = run_admin(server, "updateBrokerConfig", "-k", "brokerConfigPath", "-v", "/tmp/x", ok=False)
    assert refused.returncode != 0
    assert server.broker_address in refused.stderr and "(16)" in refused.stderr, refused.stderr


def test_subscription_group_commands(standalone):
    server = standalone()
    group = unique("GID_cli")

    def group_config():
        body = remoting.request(server.broker_address, GET_ALL_SUBSCRIPTIONGROUP_CONFIG).body
        return remoting.parse_fastjson(body)["subscriptionGroupTable"].get(group)

    admin_json(server, "updateSubGroup", "-g", group, "--retry-max-times", "3", "--consume-broadcast-enable", "false")
    config = group_config()
    assert config["retryMaxTimes"] == 3 and config["consumeBroadcastEnable"] is False
    assert config["consumeEnable"] is True
    # Options not given keep the group's current values.
    admin_json(server, "update-sub-group", "-g", group, "--consume-enable", "false")
    config = group_config()
    assert config["retryMaxTimes"] == 3 and config["consumeBroadcastEnable"] is False
    assert config["consumeEnable"] is False
    admin_json(server, "deleteSubGroup", "-g", group, "--remove-offsets")
    assert group_config() is None


def test_consumer_progress_connections_status_and_clone(standalone):
    server = standalone()
    topic, group, copy, producer_group = unique("TopicProg"), unique("GID_prog"), unique("GID_copy"), unique("PID_p")
    assert remoting.create_topic(server.broker_address, topic, 2).code == remoting.SUCCESS
    _send(server, topic, 5, queue_id=0)
    _send(server, topic, 2, queue_id=1)
    for queue_id, offset in ((0, 3), (1, 2)):
        response = remoting.request(server.broker_address, UPDATE_CONSUMER_OFFSET, {
            "consumerGroup": group, "topic": topic, "queueId": queue_id, "commitOffset": offset})
        assert response.code == remoting.SUCCESS

    rows = admin_json(server, "consumerProgress", "-g", group, "-t", topic)
    assert [(r["queueId"], r["brokerOffset"], r["consumerOffset"], r["diff"]) for r in rows] == [(0, 5, 3, 2),
                                                                                            (1, 2, 2, 0)]
    # By topic only: the groups are found through their offsets.
    assert {r["group"] for r in admin_json(server, "consumerProgress", "-t", topic)} == {group}
    assert "Diff Total: 2" in run_admin(server, "consumerProgress", "-g", group).stdout

    admin_json(server, "cloneGroupOffset", "-s", group, "-d", copy, "-t", topic, "--offline")
    cloned = admin_json(server, "consumerProgress", "-g", copy, "-t", topic)
    assert [r["consumerOffset"] for r in cloned] == [3, 2]

    # Nobody online yet: the broker's refusal (206 CONSUMER_NOT_ONLINE) is reported.
    offline = run_admin(server, "consumerConnection", "-g", group, ok=False)
    assert offline.returncode != 0 and "(206)" in offline.stderr, offline.stderr
    client_id = unique("127.0.0.1@cli")
    with remoting.Connection(server.broker_address) as client:
        response = client.request(remoting.HEART_BEAT,
                                  body=_heartbeat(client_id, group, topic, producer_group=producer_group))
        assert response.code == remoting.SUCCESS, response
        members = admin_json(server, "consumerConnection", "-g", group)
        assert [c["clientId"] for c in members["connections"]] == [client_id]
        assert members["subscriptions"] == {topic: "TagA"} and members["consumeType"] == "CONSUME_ACTIVELY"
        producers = admin_json(server, "producerConnection", "-g", producer_group)
        assert [p["clientId"] for p in producers] == [client_id] and producers[0]["language"] == "JAVA"

        # consumerStatus asks the client itself (GET_CONSUMER_RUNNING_INFO relayed by the broker).
        report = {"properties": {"PROP_CONSUME_TYPE": "CONSUME_ACTIVELY"}, "subscriptionSet": []}
        client.on_server_request = lambda frame: (0, {}, json.dumps(report).encode())
        status = subprocess.Popen([comet_binary(), "admin", "consumerStatus", "-g", group, "-n",
                                   server.namesrv_address, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        try:
            asked = client.read_frame()  # bounded by the socket timeout
            assert asked.code == 307 and asked.ext["clientId"] == client_id, asked
            client.answer_server_request(asked)
            out, err = status.communicate(timeout=30)
        finally:
            if status.poll() is None:
                status.kill()
                status.wait(10)
        assert status.returncode == 0, err
        assert json.loads(json.loads(out)[client_id]) == report


def test_write_permission_kv_and_order_conf(standalone):
    server = standalone()
    topic = unique("TopicPerm")
    assert remoting.create_topic(server.broker_address, topic, 1).code == remoting.SUCCESS
    remoting.wait_for_route(server.namesrv_address, topic)
    broker_name = admin_json(server, "clusterList")[0]["brokerName"]

    def perm():
        return int(remoting.get_route(server.namesrv_address, topic)["queueDatas"][0]["perm"])

    wiped = admin_json(server, "wipeWritePerm", "-b", broker_name)
    assert wiped["topics"][0] >= 1
    assert perm() & PERM_WRITE == 0
    admin_json(server, "addWritePerm", "-b", broker_name)
    assert perm() & PERM_WRITE == PERM_WRITE

    namespace, key = unique("NS"), unique("key")
    admin_json(server, "updateKvConfig", "-s", namespace, "-k", key, "-v", "v1")
    got = remoting.request(server.namesrv_address, GET_KV_CONFIG, {"namespace": namespace, "key": key})
    assert got.code == remoting.SUCCESS and got.ext["value"] == "v1"
    admin_json(server, "deleteKvConfig", "-s", namespace, "-k", key)
    got = remoting.request(server.namesrv_address, GET_KV_CONFIG, {"namespace": namespace, "key": key})
    assert got.code == QUERY_NOT_FOUND

    admin_json(server, "updateOrderConf", "-t", topic, "-v", f"{broker_name}:4")
    got = remoting.request(server.namesrv_address, GET_KV_CONFIG, {"namespace": "ORDER_TOPIC_CONFIG", "key": topic})
    assert got.ext["value"] == f"{broker_name}:4"
    bad = run_admin(server, "updateOrderConf", "-t", topic, "-m", "get", ok=False)
    assert bad.returncode != 0 and "put or delete" in bad.stderr


def test_cluster_rt_sends_to_each_master(standalone):
    server = standalone()
    rows = admin_json(server, "clusterRT", "--count", "3")
    assert len(rows) == 1 and rows[0]["count"] == 3 and rows[0]["address"] == server.broker_address
    assert 0 < rows[0]["averageMillis"] <= rows[0]["maxMillis"]
    # The round trips are real sends: the broker's own topic grew by 3.
    assert int(remoting.request(server.broker_address, remoting.GET_MAX_OFFSET,
                                {"topic": rows[0]["brokerName"], "queueId": 0}).ext["offset"]) == 3


def test_message_commands(standalone):
    server = standalone()
    topic = unique("TopicMsg")
    assert remoting.create_topic(server.broker_address, topic, 2).code == remoting.SUCCESS
    remoting.wait_for_route(server.namesrv_address, topic)
    broker_name = admin_json(server, "clusterList")[0]["brokerName"]

    sent = admin_json(server, "sendMessage", "-t", topic, "-p", "hello admin", "-k", "k1 k2", "-c", "TagA",
                      "-b", broker_name, "-i", "1")
    assert sent["status"] == "ok" and sent["queueId"] == 1 and sent["queueOffset"] == 0
    # What the broker stored, read with a raw pull.
    pulled = remoting.pull(server.broker_address, "GID_cli_check", topic, 1, 0)
    assert pulled.code == remoting.SUCCESS, pulled
    stored = remoting.decode_messages(pulled.body)[0]
    assert stored.body == b"hello admin" and stored.properties["TAGS"] == "TagA"
    assert stored.properties["KEYS"] == "k1 k2"

    by_id = admin_json(server, "queryMsgById", "-i", sent["offsetMessageId"])
    assert [(m["body"], m["tags"], m["keys"], m["queueOffset"]) for m in by_id] == [("hello admin", "TagA",
                                                                                       ["k1", "k2"], 0)]
    by_key = admin_json(server, "queryMsgByKey", "-t", topic, "-k", "k2")
    assert [m["offsetMessageId"] for m in by_key] == [sent["offsetMessageId"]]
    assert admin_json(server, "queryMsgByKey", "-t", topic, "-k", "nothing") == []
    by_unique = admin_json(server, "queryMsgByUniqueKey", "-t", topic, "-i", sent["messageId"])
    assert [m["uniqueKey"] for m in by_unique] == [sent["messageId"]]

    for i in range(3):
        response = remoting.send_message(server.broker_address, topic, f"m{i}".encode(), queue_id=0)
        assert response.code == remoting.SUCCESS
    ranged = admin_json(server, "consumeMessage", "-t", topic, "-b", broker_name, "-i", "0", "-o", "1", "-c", "5")
    assert [(m["queueOffset"], m["body"]) for m in ranged] == [(1, "m1"), (2, "m2")]
    at = admin_json(server, "queryMsgByOffset", "-t", topic, "-b", broker_name, "-i", "0", "-o", "2")
    assert at["body"] == "m2"
    everything = admin_json(server, "printMsg", "-t", topic)
    assert sorted(m["body"] for m in everything) == ["hello admin", "m0", "m1", "m2"]
    assert "Body:             m1" in run_admin(server, "printMsg", "-t", topic).stdout

    bad = run_admin(server, "queryMsgById", "-i", "not-an-id", ok=False)
    assert bad.returncode != 0 and "not an offset message id" in bad.stderr
    past = run_admin(server, "queryMsgByOffset", "-t", topic, "-b", broker_name, "-i", "0", "-o", "9", ok=False)
    assert past.returncode != 0 and "no message at offset 9" in past.stderr


def test_stats_all_and_allocate_mq(standalone):
    server = standalone()
    topic, group, idle = unique("TopicStats"), unique("GID_stats"), unique("TopicIdle")
    assert remoting.create_topic(server.broker_address, topic, 4).code == remoting.SUCCESS
    assert remoting.create_topic(server.broker_address, idle, 1).code == remoting.SUCCESS
    remoting.wait_for_route(server.namesrv_address, topic)
    _send(server, topic, 6)
    pulled = remoting.pull(server.broker_address, group, topic, 0, 0)
    assert pulled.code == remoting.SUCCESS and len(remoting.decode_messages(pulled.body)) == 6
    response = remoting.request(server.broker_address, UPDATE_CONSUMER_OFFSET, {
        "consumerGroup": group, "topic": topic, "queueId": 0, "commitOffset": 2})
    assert response.code == remoting.SUCCESS

    rows = admin_json(server, "statsAll", "-t", topic)
    assert [(r["group"], r["accumulation"], r["inMessages24h"], r["outMessages24h"]) for r in rows] == [
        (group, 4, 6, 6)]
    assert rows[0]["inTps"] > 0 and rows[0]["outTps"] > 0
    # Active topics only: the idle topic (no traffic, no consumer) is left out.
    active = {r["topic"] for r in admin_json(server, "statsAll", "--active-topic")}
    assert topic in active and idle not in active
    assert idle in {r["topic"] for r in admin_json(server, "statsAll")}

    broker_name = admin_json(server, "clusterList")[0]["brokerName"]
    allocation = admin_json(server, "allocateMQ", "-t", topic, "-i", "c1,c2,c3")["result"]
    # 4 queues over 3 clients: the first gets two, in queue order.
    assert {client: [q["queueId"] for q in queues] for client, queues in allocation.items()} == {
        "c1": [0, 1], "c2": [2], "c3": [3]}
    assert all(q["brokerName"] == broker_name for queues in allocation.values() for q in queues)
