"""RecallMessage (cancel a scheduled message by its handle), and the broker's plain ACL and TLS applied
to the gRPC endpoint, driven by rocketmq-python-client 5.1.2."""
import os
import subprocess
import sys
import textwrap
import time

import grpc
import pytest
from rocketmq import ClientConfiguration, Credentials, Producer
from rocketmq.grpc_protocol import definition_pb2 as d
from rocketmq.grpc_protocol import service_pb2 as s
from rocketmq.grpc_protocol import service_pb2_grpc

import v5

SECRET = "app-secret-1"


def test_recall_cancels_a_scheduled_message_before_it_is_due(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["RecallTopic"])
    consumer = v5.simple_consumer(server, "RecallGroup", {"RecallTopic": None}, await_duration=2)
    try:
        due = int(time.time()) + 4
        recalled = producer.send(v5.message("RecallTopic", "recalled", delivery=due))
        kept = producer.send(v5.message("RecallTopic", "kept", delivery=due))
        assert recalled.recall_handle and kept.recall_handle
        assert producer.recall_message("RecallTopic", recalled.recall_handle) == recalled.message_id
        # The kept one arrives when due; the recalled one never does (it was due at the same time).
        got = v5.receive_all(consumer, 2, timeout=12)
        assert [m.message_id for m in got] == [kept.message_id]
        assert consumer.receive(32, 15) == []
        # Too late now: the kept message was delivered, so its handle no longer recalls anything.
        with pytest.raises(Exception, match="already delivered"):
            producer.recall_message("RecallTopic", kept.recall_handle)
        with pytest.raises(Exception, match="illegal"):
            producer.recall_message("RecallTopic", "not-a-handle")
        # Messages delivered at once carry no handle.
        assert not producer.send(v5.message("RecallTopic", "now")).recall_handle
    finally:
        consumer.shutdown()
        producer.shutdown()


def test_a_recall_survives_a_sigkill_of_the_broker(grpc_server, tmp_path):
    data = tmp_path / "recalldata"
    server = grpc_server(data_dir=data)
    producer = v5.producer(server, ["RecallDurable"])
    due = int(time.time()) + 6
    recalled = producer.send(v5.message("RecallDurable", "recalled", delivery=due))
    kept = producer.send(v5.message("RecallDurable", "kept", delivery=due))
    producer.recall_message("RecallDurable", recalled.recall_handle)
    producer.shutdown()
    server.process.kill()

    restarted = grpc_server(data_dir=data)
    consumer = v5.simple_consumer(restarted, "RecallDurableGroup", {"RecallDurable": None}, await_duration=2)
    try:
        got = v5.receive_all(consumer, 2, timeout=20)
        assert [m.message_id for m in got] == [kept.message_id]
        assert consumer.receive(32, 15) == []
    finally:
        consumer.shutdown()


def acl_file(path, topic, group):
    path.write_text(
        "globalWhiteRemoteAddresses: []\n"
        "accounts:\n"
        "  - accessKey: app-user1\n"
        f"    secretKey: {SECRET}\n"
        "    admin: false\n"
        "    defaultTopicPerm: DENY\n"
        "    defaultGroupPerm: DENY\n"
        "    topicPerms:\n"
        f"      - {topic}=PUB|SUB\n"
        "      - AclAutoCreated=PUB|SUB\n"
        "    groupPerms:\n"
        f"      - {group}=SUB\n")
    return path


def client_config(server, access_key, secret_key):
    return ClientConfiguration(server.endpoint, Credentials(access_key, secret_key), request_timeout=5)


def test_acl_applies_to_the_grpc_endpoint(grpc_server, tmp_path):
    path = acl_file(tmp_path / "plain_acl.yml", "AclTopic", "AclGroup")
    server = grpc_server(extra_args=("--acl", str(path)))
    producer = Producer(client_config(server, "app-user1", SECRET), topics=("AclTopic",))
    producer.startup()
    consumer = None
    try:
        sent = producer.send(v5.message("AclTopic", "signed"))
        from rocketmq import SimpleConsumer, FilterExpression
        consumer = SimpleConsumer(client_config(server, "app-user1", SECRET), "AclGroup",
                                  {"AclTopic": FilterExpression()}, await_duration=2)
        consumer.startup()
        got = v5.receive_all(consumer, 1, timeout=15)
        assert [m.message_id for m in got] == [sent.message_id]
    finally:
        if consumer:
            consumer.shutdown()
        producer.shutdown()

    # Raw calls signed as the client signs them (authorization over x-mq-date-time): the v5 status
    # tells an unknown identity (UNAUTHORIZED) from a missing permission (FORBIDDEN).
    channel = grpc.insecure_channel(server.endpoint)
    stub = service_pb2_grpc.MessagingServiceStub(channel)
    try:
        def route(topic, access_key, secret_key):
            import hashlib
            import hmac
            stamp = time.strftime("%Y%m%dT%H%M%SZ")
            signature = hmac.new(secret_key.encode(), stamp.encode(), hashlib.sha1).hexdigest()
            metadata = (("x-mq-date-time", stamp), ("authorization",
                        f"MQv2-HMAC-SHA1 Credential={access_key}, SignedHeaders=x-mq-date-time, Signature={signature}"))
            request = s.QueryRouteRequest(topic=d.Resource(name=topic))
            return stub.QueryRoute(request, metadata=metadata, timeout=5).status

        assert route("AclTopic", "app-user1", SECRET).code == d.Code.OK
        wrong = route("AclTopic", "app-user1", "not-the-secret")
        assert wrong.code == d.Code.UNAUTHORIZED and "Check signature failed" in wrong.message
        unknown = route("AclTopic", "nobody-here", SECRET)
        assert unknown.code == d.Code.UNAUTHORIZED and "No acl config for nobody-here" in unknown.message
        denied = route("OtherTopic", "app-user1", SECRET)
        assert denied.code == d.Code.FORBIDDEN and "topic:OtherTopic" in denied.message
        unsigned = stub.QueryRoute(s.QueryRouteRequest(topic=d.Resource(name="AclTopic")), timeout=5).status
        assert unsigned.code == d.Code.UNAUTHORIZED
    finally:
        channel.close()

    # The official client with a wrong secret cannot send.
    bad = Producer(client_config(server, "app-user1", "not-the-secret"), topics=("AclTopic",))
    with pytest.raises(Exception):
        bad.startup()
        bad.send(v5.message("AclTopic", "unsigned"))
    try:
        bad.shutdown()
    except Exception:
        pass


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def test_tls_applies_to_the_grpc_endpoint(grpc_server, tmp_path):
    certs = tmp_path / "certs"
    certs.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=comet test CA", cwd=certs)
    (certs / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=comet test server", cwd=certs)
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.pem", "-days", "2", "-extfile", "server.ext", cwd=certs)
    server = grpc_server(extra_args=("--tls-mode", "enforcing", "--tls-cert", str(certs / "server.pem"),
                                     "--tls-key", str(certs / "server.key")))

    # The official client with tls_enable=True trusts gRPC's default roots, which the environment
    # points at the test CA; it runs in its own process so the setting applies from the start.
    script = textwrap.dedent(f"""
        from rocketmq import ClientConfiguration, Credentials, FilterExpression, Message, Producer, SimpleConsumer
        config = ClientConfiguration({server.endpoint!r}, Credentials(), request_timeout=5)
        producer = Producer(config, topics=("TlsTopic",), tls_enable=True)
        producer.startup()
        message = Message()
        message.topic = "TlsTopic"
        message.body = b"over tls"
        sent = producer.send(message)
        consumer = SimpleConsumer(config, "TlsGroup", {{"TlsTopic": FilterExpression()}}, await_duration=2,
                                  tls_enable=True)
        consumer.startup()
        import time
        deadline = time.monotonic() + 15
        got = []
        while not got and time.monotonic() < deadline:
            got = consumer.receive(8, 15)
        for m in got:
            consumer.ack(m)
        print("RESULT", sent.message_id, [m.message_id for m in got], [m.body for m in got])
        consumer.shutdown()
        producer.shutdown()
        """)
    env = dict(os.environ, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=str(certs / "ca.pem"))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=90)
    result = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert done.returncode == 0 and result, done.stdout[-2000:] + done.stderr[-2000:]
    _, sent_id, rest = result[0].split(" ", 2)
    assert sent_id in rest and "over tls" in rest

    # Plain-text HTTP/2 is refused on the TLS port.
    channel = grpc.insecure_channel(server.endpoint)
    try:
        stub = service_pb2_grpc.MessagingServiceStub(channel)
        with pytest.raises(grpc.RpcError):
            stub.QueryRoute(s.QueryRouteRequest(topic=d.Resource(name="TlsTopic")), timeout=3)
    finally:
        channel.close()


def test_a_broadcasting_group_gives_every_client_every_message(grpc_server):
    """A group configured with messageModel=BROADCASTING: each v5 client of it receives (and acks) every
    message on its own; a clustering group's clients share them out."""
    server = grpc_server()
    # Set the way an operator would: mqadmin's updateSubGroup with Comet's --message-model.
    done = subprocess.run([os.environ.get("COMET_BINARY", "comet"), "admin", "updateSubGroup", "-n",
                           server.namesrv_address, "-g", "BcastGroup", "--message-model", "broadcasting"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    producer = v5.producer(server, ["BcastTopic"])
    clients = [v5.simple_consumer(server, group, {"BcastTopic": None}, await_duration=2)
               for group in ("BcastGroup", "BcastGroup", "SharedGroup", "SharedGroup")]
    try:
        # A broadcasting client starts with what arrives after its first receive.
        for client in clients[:2]:
            assert client.receive(32, 15) == []
        ids = sorted(producer.send(v5.message("BcastTopic", f"b{i}")).message_id for i in range(6))
        for client in clients[:2]:
            got = v5.receive_all(client, 6, timeout=20)
            assert sorted(m.message_id for m in got) == ids
        for client in clients[:2]:
            assert client.receive(32, 15) == [], "an acknowledged message came back"
        shared = []
        deadline = time.monotonic() + 20
        while len(shared) < 6 and time.monotonic() < deadline:
            for client in clients[2:]:
                for m in client.receive(32, 15):
                    shared.append(m.message_id)
                    client.ack(m)
        assert sorted(shared) == ids, "clustering clients should share the messages, each once"
    finally:
        for client in clients:
            client.shutdown()
        producer.shutdown()
