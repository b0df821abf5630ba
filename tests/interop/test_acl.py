"""Issue 12: plain ACL (RocketMQ 4.x plain_acl.yml) against the official C++ client (PyPI rocketmq==0.4.4,
which signs with set_session_credentials) and raw signed remoting requests: allowed send and consume, a
denied topic, a wrong secret, a non-admin account calling an admin code, white-listed addresses, a
reload after the file changes, and the ACL admin codes through `comet admin acl`."""
import base64
import hashlib
import hmac
import json
import subprocess
import time

import pytest
from rocketmq.client import Producer, PushConsumer

import remoting
from conftest import comet_binary
from cpp_client import Collector, STARTUP_SETTLE_SECONDS, copy_message, make_message, unique, wait_until

SECRET = "app-secret-1"
ADMIN_SECRET = "admin-secret-1"
ACL_REMARK_PREFIX = "org.apache.rocketmq.acl.common.AclException: "
VALIDATE_FRAME = "org.apache.rocketmq.acl.plain.PlainPermissionManager.validate(PlainPermissionManager.java:{})"
CHECK_FRAME = "org.apache.rocketmq.acl.plain.PlainPermissionManager.checkPerm(PlainPermissionManager.java:{})"


def acl_yaml(allowed_topic, group, *, global_white=(), extra_topic_perms=(), app_white=""):
    white = "".join(f"  - {entry}\n" for entry in global_white) or "  []\n"
    topic_perms = "".join(f"      - {entry}\n" for entry in (f"{allowed_topic}=PUB|SUB", "deniedTopic=DENY",
                                                            *extra_topic_perms))
    return (
        f"globalWhiteRemoteAddresses:\n{white}"
        "accounts:\n"
        "  - accessKey: app-user1\n"
        f"    secretKey: {SECRET}\n"
        f"    whiteRemoteAddress: {app_white}\n"
        "    admin: false\n"
        "    defaultTopicPerm: DENY\n"
        "    defaultGroupPerm: SUB\n"
        "    topicPerms:\n"
        f"{topic_perms}"
        "    groupPerms:\n"
        f"      - {group}=SUB\n"
        "  - accessKey: admin-user1\n"
        f"    secretKey: {ADMIN_SECRET}\n"
        "    admin: true\n"
        "    defaultTopicPerm: PUB|SUB\n"
        "    defaultGroupPerm: PUB|SUB\n"
    )


def sign(ext: dict, body: bytes, access_key: str, secret_key: str) -> dict:
    """AclClientRPCHook: values sorted by key, then the body, HMAC-SHA1, Base64."""
    signed = {k: str(v) for k, v in ext.items()}
    signed["AccessKey"] = access_key
    content = "".join(signed[k] for k in sorted(signed)).encode() + body
    signed["Signature"] = base64.b64encode(hmac.new(secret_key.encode(), content, hashlib.sha1).digest()).decode()
    return signed


def signed_request(address, code, ext, body=b"", access_key="app-user1", secret_key=SECRET):
    return remoting.request(address, code, sign(ext, body, access_key, secret_key), body)


def cpp_producer(namesrv, access_key, secret_key):
    producer = Producer(unique("PID_acl"))
    producer.set_namesrv_addr(namesrv)
    producer.set_session_credentials(access_key, secret_key, "ALIYUN")
    producer.start()
    time.sleep(STARTUP_SETTLE_SECONDS)
    return producer


def cpp_consumer(namesrv, group, topic, access_key, secret_key):
    consumer = PushConsumer(group)
    consumer.set_instance_name(unique("c_acl"))
    consumer.set_namesrv_addr(namesrv)
    consumer.set_session_credentials(access_key, secret_key, "ALIYUN")
    collector = Collector(group)

    def callback(message):
        try:
            collector.add(copy_message(message._handle))
        except BaseException as error:  # never let an exception cross the C boundary
            collector.errors.append(error)

    consumer.subscribe(topic, callback, "*")
    consumer.start()
    return consumer, collector


@pytest.fixture
def acl_server(standalone, tmp_path):
    """A standalone process with --acl FILE; returns (server, acl_path, topic, group)."""
    def start(**yaml_options):
        topic, group = unique("TopicAcl"), unique("GID_acl")
        path = tmp_path / "plain_acl.yml"
        path.write_text(acl_yaml(topic, group, **yaml_options))
        server = standalone(None, "--acl", str(path))
        # Create the topic as the admin so the C++ clients find a route at once.
        created = signed_request(server.broker_address, 17, {
            "topic": topic, "defaultTopic": "TBW102", "readQueueNums": 4, "writeQueueNums": 4, "perm": 6,
            "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0, "order": "false"},
            access_key="admin-user1", secret_key=ADMIN_SECRET)
        assert created.code == 0, created.remark
        remoting.wait_for_route(server.address, topic)
        return server, path, topic, group

    return start


def test_allowed_account_sends_and_consumes_with_the_cpp_client(acl_server):
    server, _, topic, group = acl_server()
    producer = cpp_producer(server.address, "app-user1", SECRET)
    consumer = None
    try:
        sent = set()
        for i in range(10):
            result = producer.send_sync(make_message(topic, f"acl message {i}", keys=f"k{i}"))
            sent.add(result.msg_id)
        consumer, received = cpp_consumer(server.address, group, topic, "app-user1", SECRET)
        wait_until(lambda: received.count() >= 10, 60, lambda: f"10 messages; got {received.count()}")
        assert {m.uniq_key for m in received.snapshot()} == sent
    finally:
        producer.shutdown()
        if consumer is not None:
            consumer.shutdown()


def create_topic(server, topic, queues=1):
    created = signed_request(server.broker_address, 17, {
        "topic": topic, "defaultTopic": "TBW102", "readQueueNums": queues, "writeQueueNums": queues, "perm": 6,
        "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0, "order": "false"},
        access_key="admin-user1", secret_key=ADMIN_SECRET)
    assert created.code == 0, created.remark
    remoting.wait_for_route(server.address, topic)


def test_denied_topic_and_wrong_secret_fail_the_cpp_send_with_rocketmqs_remarks(acl_server):
    server, _, topic, _ = acl_server()
    denied_topic = unique("TopicNoPerm")
    # deniedTopic has an explicit DENY; other topics fall to defaultTopicPerm: DENY.
    cases = (("deniedTopic", 611), (denied_topic, 606))
    for target, _ in cases:
        create_topic(server, target)
    producer = cpp_producer(server.address, "app-user1", SECRET)
    try:
        for target, frame_line in cases:
            # The C++ client (1.2.x) retries a refused send and then reports "No route info of this
            # topic", as it does against RocketMQ; the refusal itself is checked on the raw request below.
            with pytest.raises(Exception) as failure:
                producer.send_sync(make_message(target, "must not be stored"))
            assert "No route info of this topic" in str(failure.value)
            raw = signed_request(server.broker_address, 310, {"a": "PID_x", "b": target, "c": "TBW102", "d": 4,
                                                              "e": 0, "f": 0, "g": int(time.time() * 1000), "h": 0,
                                                              "i": "", "j": 0, "k": "false", "m": "false"}, b"x")
            assert raw.code == 1
            assert raw.remark == (f"{ACL_REMARK_PREFIX}No default permission for topic:{target}, "
                                  + CHECK_FRAME.format(frame_line))
    finally:
        producer.shutdown()

    wrong = cpp_producer(server.address, "app-user1", "not-the-secret")
    try:
        with pytest.raises(Exception):
            wrong.send_sync(make_message(topic, "must not be stored"))
    finally:
        wrong.shutdown()
    # Nothing was stored by the refused sends.
    for queue_id in range(4):
        offset = remoting.request(server.broker_address, 30, sign({"topic": topic, "queueId": queue_id}, b"",
                                                                    "admin-user1", ADMIN_SECRET))
        assert offset.code == 0 and offset.ext["offset"] == "0"


def test_unsigned_and_unknown_requests_are_refused(acl_server):
    server, _, topic, _ = acl_server()
    unsigned = remoting.request(server.broker_address, 30, {"topic": topic, "queueId": 0})
    assert unsigned.code == 1
    assert unsigned.remark == f"{ACL_REMARK_PREFIX}No accessKey is configured, " + VALIDATE_FRAME.format(664)
    unknown = signed_request(server.broker_address, 30, {"topic": topic, "queueId": 0}, access_key="nobody-at-all")
    assert unknown.remark == f"{ACL_REMARK_PREFIX}No acl config for nobody-at-all, " + VALIDATE_FRAME.format(668)
    wrong = signed_request(server.broker_address, 30, {"topic": topic, "queueId": 0}, secret_key="wrong-secret")
    assert wrong.remark == (f"{ACL_REMARK_PREFIX}Check signature failed for accessKey=app-user1, "
                            + VALIDATE_FRAME.format(684))


def test_non_admin_account_cannot_call_admin_codes(acl_server):
    server, _, topic, _ = acl_server()
    victim = {"topic": topic}
    denied = signed_request(server.broker_address, 215, victim)
    assert denied.code == 1
    assert denied.remark == (f"{ACL_REMARK_PREFIX}Need admin permission for request code=215, but "
                             f"accessKey=app-user1 is not, " + CHECK_FRAME.format(581))
    assert remoting.get_route(server.address, topic) is not None
    # The CLI reports the same refusal and exits non-zero.
    cli = subprocess.run([comet_binary(), "admin", "delete-topic", "-n", server.address, "-t", topic,
                          "--access-key", "app-user1", "--secret-key", SECRET],
                         capture_output=True, text=True, timeout=60)
    assert cli.returncode != 0
    assert "Need admin permission for request code=215" in cli.stderr + cli.stdout
    allowed = signed_request(server.broker_address, 215, victim, access_key="admin-user1", secret_key=ADMIN_SECRET)
    assert allowed.code == 0, allowed.remark


def test_white_listed_addresses_skip_the_signature(acl_server):
    # The account white list (127.0.0.1) lets a client with a wrong secret through.
    server, _, topic, _ = acl_server(app_white="127.0.0.1")
    producer = cpp_producer(server.address, "app-user1", "not-the-secret")
    try:
        result = producer.send_sync(make_message(topic, "white-listed"))
        assert result.msg_id
    finally:
        producer.shutdown()


def test_global_white_list_allows_unsigned_requests(acl_server):
    server, _, topic, _ = acl_server(global_white=["127.0.0.{1,2}"])
    unsigned = remoting.request(server.broker_address, 215, {"topic": topic})
    assert unsigned.code == 0, unsigned.remark


def test_edited_file_is_reloaded_without_restart(acl_server):
    server, path, topic, group = acl_server()
    late_topic = unique("TopicLate")
    created = signed_request(server.broker_address, 17, {
        "topic": late_topic, "defaultTopic": "TBW102", "readQueueNums": 1, "writeQueueNums": 1, "perm": 6,
        "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0, "order": "false"},
        access_key="admin-user1", secret_key=ADMIN_SECRET)
    assert created.code == 0
    send_ext = {"a": "PID_x", "b": late_topic, "c": "TBW102", "d": 1, "e": 0, "f": 0, "g": 0, "h": 0, "i": "",
                "j": 0, "k": "false", "m": "false"}
    assert "No default permission" in signed_request(server.broker_address, 310, send_ext, b"x").remark
    path.write_text(acl_yaml(topic, group, extra_topic_perms=[f"{late_topic}=PUB"]))
    wait_until(lambda: signed_request(server.broker_address, 310, send_ext, b"x").code == 0, 15,
               "the broker to reload plain_acl.yml")
    assert "reloaded ACL file" in server.log()


def test_acl_admin_commands_persist_to_the_file(acl_server):
    server, path, topic, _ = acl_server()
    admin = ["-n", server.address, "--access-key", "admin-user1", "--secret-key", ADMIN_SECRET]

    def comet(*args):
        run = subprocess.run([comet_binary(), "admin", "acl", *args, *admin], capture_output=True, text=True,
                             timeout=60)
        assert run.returncode == 0, run.stderr
        return run.stdout

    comet("update", "--account", "new-user1", "--secret", "new-secret1", "--topic-perm", f"{topic}=SUB",
          "--default-group-perm", "SUB")
    text = path.read_text()
    assert "new-user1" in text and f"{topic}=SUB" in text and "dataVersion" in text
    pull_ext = {"consumerGroup": "GID_new", "topic": topic, "queueId": 0, "queueOffset": 0, "maxMsgNums": 1,
                "sysFlag": 0, "commitOffset": 0, "suspendTimeoutMillis": 0, "subscription": "*", "subVersion": 0}
    pulled = signed_request(server.broker_address, 11, pull_ext, access_key="new-user1", secret_key="new-secret1")
    # Past the ACL (the broker then answers that the new group has no subscription yet).
    assert pulled.code != 1 and not (pulled.remark or "").startswith(ACL_REMARK_PREFIX), pulled.remark
    info = json.loads(comet("info", "--json"))
    assert info[0]["version"].startswith('{"counter":1,')
    comet("delete", "--account", "new-user1")
    assert "new-user1" not in path.read_text()
    refused = signed_request(server.broker_address, 11, pull_ext, access_key="new-user1", secret_key="new-secret1")
    assert refused.remark.startswith(f"{ACL_REMARK_PREFIX}No acl config for new-user1")
    # Bad input gets upstream's failure code and message.
    bad = signed_request(server.broker_address, 50, {"accessKey": "short", "secretKey": "x"},
                         access_key="admin-user1", secret_key=ADMIN_SECRET)
    assert bad.code == 209 and "length should longer than 6" in bad.remark


def test_swift_cli_signs_produce_and_consume(acl_server):
    server, _, topic, group = acl_server()
    env_args = ["-n", server.address, "-t", topic, "--access-key", "app-user1", "--secret-key", SECRET]
    sent = subprocess.run([comet_binary(), "produce", *env_args, "--count", "3", "--body", "from swift", "--json"],
                          capture_output=True, text=True, timeout=60)
    assert sent.returncode == 0, sent.stderr
    consumed = subprocess.run([comet_binary(), "consume", *env_args, "-g", group, "--from", "earliest",
                               "--count", "3", "--json"], capture_output=True, text=True, timeout=90)
    assert consumed.returncode == 0, consumed.stderr
    assert len(consumed.stdout.splitlines()) == 3
    refused = subprocess.run([comet_binary(), "produce", "-n", server.address, "-t", topic, "--body", "x"],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0
    assert "No accessKey is configured" in refused.stderr
