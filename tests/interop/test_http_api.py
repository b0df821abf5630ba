"""Issue 15: the JSON admin API of `comet standalone` (`/api/...`), driven over HTTP while the official
C++ client produces and consumes; every answer is checked against the served OpenAPI document."""
import time

import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate
from rocketmq.client import SendStatus

import remoting
from cpp_client import make_message, unique, wait_until
from http_endpoint import base_url, get, request_json


@pytest.fixture
def api(standalone):
    """(server, call): call(method, path, body=None, status=200) checks the status and the answer's schema."""
    server = standalone()
    base = base_url(server.broker_process)
    status, headers, text = get(base + "/api/openapi.yaml")
    assert status == 200 and headers["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(text)
    validate(document)  # a valid OpenAPI 3.0 document
    components = document["components"]

    def schema_of(path_template, method, status):
        responses = document["paths"][path_template][method.lower()]["responses"]
        response = responses.get(str(status)) or responses["default"]
        if "$ref" in response:
            response = components["responses"][response["$ref"].rsplit("/", 1)[1]]
        return response["content"]["application/json"]["schema"]

    def call(method, path, body=None, status=200, template=None):
        got, answer = request_json(method, base + "/api/" + path, body)
        assert got == status, (method, path, got, answer)
        # Validate against the document's schema for that path (components resolved in place).
        template = template or "/api/" + path.split("?")[0]
        schema = {**schema_of(template, method, got), "components": components}
        jsonschema.validate(answer, schema)
        return answer

    return server, base, call


def test_openapi_document_describes_every_api_route(api):
    _, base, _ = api
    document = yaml.safe_load(get(base + "/api/openapi.yaml")[2])
    assert len(document["paths"]) >= 18
    for path in document["paths"]:
        assert path.startswith("/api/"), path


def test_topics_messages_groups_and_offsets_through_the_api(api, cpp):
    server, base, call = api
    topic, group = unique("TopicApi"), unique("GID_api")
    started = int(time.time() * 1000) - 1000

    overview = call("GET", "overview")
    assert overview["brokers"][0]["brokerName"] and overview["topics"] >= 1

    assert call("POST", "topics", {"topic": topic, "readQueues": 4, "writeQueues": 4}, status=201)["brokers"]
    remoting.wait_for_route(server.address, topic)
    assert topic in call("GET", "topics")
    status = call("GET", f"topics/{topic}/status", template="/api/topics/{topic}/status")
    assert sorted(q["queueId"] for q in status) == [0, 1, 2, 3]
    route = call("GET", f"topics/{topic}/route", template="/api/topics/{topic}/route")
    assert route["queues"][0]["writeQueues"] == 4

    # A test message from the API, then messages from the C++ client with keys.
    sent = call("POST", f"topics/{topic}/messages", {"body": "from the api", "keys": ["api-key"]}, status=201,
                template="/api/topics/{topic}/messages")
    producer = cpp.producer(server.address)
    for i in range(10):
        assert producer.send_sync(make_message(topic, f"cpp {i}", keys=f"order-{i}")).status == SendStatus.OK

    found = call("GET", f"messages?topic={topic}&key=order-3", template="/api/messages")
    assert [m["body"] for m in found] == ["cpp 3"] and found[0]["keys"] == ["order-3"]
    by_id = call("GET", f"messages?id={sent['offsetMessageId']}", template="/api/messages")
    assert by_id[0]["body"] == "from the api" and by_id[0]["keys"] == ["api-key"]
    in_range = call("GET", f"messages?topic={topic}&begin={started}&end={int(time.time() * 1000) + 1000}",
                    template="/api/messages")
    assert len(in_range) == 11
    assert call("GET", f"messages?topic={topic}&begin=0&end={started}", template="/api/messages") == []

    # A consumer group consumes everything: lag per queue falls to 0 and the trace says consumed.
    call("POST", "groups", {"group": group, "retryMaxTimes": 3}, status=201)
    assert group in [g["group"] for g in call("GET", "groups")]
    consumer, collector = cpp.push_consumer(server.address, group, topic)
    wait_until(lambda: collector.count() >= 11, 60, "the push consumer got every message")

    def lag():
        return sum(q["diff"] for q in call("GET", f"groups/{group}/progress?topic={topic}",
                                           template="/api/groups/{group}/progress"))
    wait_until(lambda: lag() == 0, 30, "lag reached 0")
    members = call("GET", f"groups/{group}/connections", template="/api/groups/{group}/connections")
    assert len(members["connections"]) == 1 and topic in members["subscriptions"]
    trace = call("GET", f"messages/{found[0]['offsetMessageId']}/trace", template="/api/messages/{id}/trace")
    assert {"group": group, "consumed": True} in [{k: d[k] for k in ("group", "consumed")} for d in trace["deliveries"]]
    cpp.shutdown(consumer)

    # Reset to before the first message: everything is unconsumed again.
    assert call("POST", f"groups/{group}/reset-offset", {"topic": topic, "timestamp": started},
                template="/api/groups/{group}/reset-offset")["count"] == 4
    assert lag() == 11

    call("DELETE", f"groups/{group}?removeOffsets=true", template="/api/groups/{group}")
    assert group not in [g["group"] for g in call("GET", "groups")]
    call("DELETE", f"topics/{topic}", template="/api/topics/{topic}")
    wait_until(lambda: topic not in call("GET", "topics"), 10, "topic deleted")


def test_dead_letters_are_listed_and_resent(api):
    server, _, call = api
    topic, group = unique("TopicDead"), unique("GID_dead")
    remoting.create_topic(server.broker_address, topic, 1)
    # A retry message that failed 16 times (the default maximum) goes to the group's dead-letter queue.
    retry = remoting.request(server.broker_address, remoting.SEND_MESSAGE, {
        "producerGroup": group, "topic": f"%RETRY%{group}", "defaultTopic": "TBW102", "defaultTopicQueueNums": 1,
        "queueId": 0, "sysFlag": 0, "bornTimestamp": int(time.time() * 1000), "flag": 0,
        "properties": remoting.encode_properties({"WAIT": "true", "RETRY_TOPIC": topic, "KEYS": "dead-1"}),
        "reconsumeTimes": 16}, b"failed too often")
    assert retry.code == remoting.SUCCESS, retry
    remoting.wait_for_route(server.address, f"%DLQ%{group}")
    dead = call("GET", f"dlq/{group}", template="/api/dlq/{group}")
    assert [(d["originalTopic"], d["body"], d["keys"]) for d in dead] == [(topic, "failed too often", ["dead-1"])]
    assert call("POST", f"dlq/{group}/resend", template="/api/dlq/{group}/resend")["count"] == 1
    # A second resend sends nothing again.
    assert call("POST", f"dlq/{group}/resend", template="/api/dlq/{group}/resend")["count"] == 0
    assert [m["body"] for m in call("GET", f"messages?topic={topic}&key=dead-1", template="/api/messages")] == [
        "failed too often"]


def test_bad_requests_get_clear_errors(api):
    _, base, call = api
    assert "error" in call("GET", "messages", status=400)
    assert "error" in call("GET", "topics/NoSuchTopic_x/route", status=404, template="/api/topics/{topic}/route")
    assert "error" in call("GET", "messages?id=nothex", status=400, template="/api/messages")
    status, _ = request_json("POST", base + "/api/topics", {"nope": 1})
    assert status == 400


def test_with_acl_on_the_api_requires_an_admin_account(standalone, tmp_path):
    import base64

    from test_acl import ADMIN_SECRET, SECRET, acl_yaml

    path = tmp_path / "plain_acl.yml"
    path.write_text(acl_yaml("TopicAllowed", "GID_allowed"))
    server = standalone(None, "--acl", str(path))
    base = base_url(server.broker_process)

    def basic(access_key, secret_key):
        return "Basic " + base64.b64encode(f"{access_key}:{secret_key}".encode()).decode()

    status, headers, _ = get(base + "/api/topics")
    assert status == 401 and headers.get("WWW-Authenticate", "").startswith("Basic")
    # The dashboard's own requests get no browser prompt (it shows a login form).
    status, headers, _ = get(base + "/api/topics", headers={"X-Requested-With": "comet-dashboard"})
    assert status == 401 and "WWW-Authenticate" not in headers
    assert get(base + "/api/topics", headers={"Authorization": basic("app-user1", SECRET)})[0] == 401
    assert get(base + "/api/topics", headers={"Authorization": basic("admin-user1", "wrong")})[0] == 401
    assert get(base + "/api/topics", headers={"Authorization": basic("admin-user1", ADMIN_SECRET)})[0] == 200
    assert get(base + "/api/topics", headers={"Authorization": f"Bearer admin-user1:{ADMIN_SECRET}"})[0] == 200
    # Calls run with the admin's keys: the broker (ACL on) accepts the topic creation.
    status, answer = request_json("POST", base + "/api/topics", {"topic": "TopicByAdmin"},
                                  headers={"Authorization": basic("admin-user1", ADMIN_SECRET)})
    assert status == 201, answer
    # Health and metrics stay open for probes and Prometheus.
    assert get(base + "/healthz")[0] == 200 and get(base + "/metrics")[0] == 200


def test_broker_runtime_and_config_read_and_update(api):
    _, _, call = api
    address = call("GET", "cluster")[0]["address"]
    runtime = call("GET", f"brokers/{address}/runtime", template="/api/brokers/{address}/runtime")
    assert runtime["brokerVersionDesc"] == "V4_9_8"
    config = {e["key"]: e["value"] for e in call("GET", f"brokers/{address}/config",
                                                    template="/api/brokers/{address}/config")}
    assert config["brokerName"] == "broker-a"
    updated = call("PUT", f"brokers/{address}/config", {"key": "maxMessageSize", "value": "1048577"},
                   template="/api/brokers/{address}/config")
    assert updated["brokers"] == [address]
    config = {e["key"]: e["value"] for e in call("GET", f"brokers/{address}/config",
                                                    template="/api/brokers/{address}/config")}
    assert config["maxMessageSize"] == "1048577"
    # A setting on the black list is refused with the broker's remark.
    refused = call("PUT", f"brokers/{address}/config", {"key": "brokerConfigPath", "value": "/tmp/x"}, status=502,
                   template="/api/brokers/{address}/config")
    assert "black list" in refused["error"]
