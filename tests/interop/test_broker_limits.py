"""Issue 11: overload and resource limits against a real `comet standalone` process. A client that
pipelines requests without reading answers, idle and excess connections, stalled partial frames,
inflating batches and huge heartbeats cost bounded memory and get clear answers; the broker keeps
serving everyone else."""
import json
import socket
import struct
import threading
import time
import zlib

import remoting
from cpp_client import unique

GET_ALL_TOPIC_CONFIG = 21
SEND_BATCH_MESSAGE = 320
HEART_BEAT = 34
SYSFLAG_COMPRESSED = 0x1


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _conf(tmp_path, **values):
    conf = tmp_path / "limits.conf"
    conf.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return str(conf)


def _answers_quickly(server, timeout=10.0):
    """Another client's request is answered (within a generous bound); returns how long it took."""
    started = time.monotonic()
    with remoting.Connection(server.broker_address, timeout=timeout) as other:
        response = other.request(remoting.GET_MAX_OFFSET, {"topic": "TBW102", "queueId": 0})
    assert response.code in (remoting.SUCCESS, remoting.SYSTEM_ERROR), response
    return time.monotonic() - started


def test_pipelined_requests_without_reading_answers_keep_memory_bounded(standalone):
    server = standalone(log_level="info")
    pid = server.broker_process.proc.pid
    before = _rss_kib(pid)
    frame = remoting.encode_frame({"code": GET_ALL_TOPIC_CONFIG, "flag": 0, "language": "JAVA", "opaque": 1,
                                   "version": 409, "remark": "", "extFields": {}})
    total = 300_000
    sent = [0]
    sock = socket.create_connection(remoting.split_address(server.broker_address))
    # Small kernel buffers on our side: the server's back-pressure shows up quickly.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sock.settimeout(2.0)

    def pump():
        chunk = frame * 1000
        try:
            while sent[0] < total:
                sock.sendall(chunk)
                sent[0] += 1000
        except (socket.timeout, OSError):
            pass  # the server stopped reading: sendall blocked past its timeout

    pumper = threading.Thread(target=pump, daemon=True)
    pumper.start()
    pumper.join(120)
    peak = _rss_kib(pid)
    latency = _answers_quickly(server)
    print(f"\npipelined GET_ALL_TOPIC_CONFIG: {sent[0]} of {total} requests written before the server pushed back; "
          f"RSS {before} KiB -> {peak} KiB (+{(peak - before) // 1024} MiB); another client answered in "
          f"{latency * 1000:.0f} ms")
    sock.close()
    assert server.alive(), server.log()[-3000:]
    assert sent[0] < total, "the server should stop reading a client that does not read its answers"
    assert peak - before < 200 * 1024, f"RSS grew by {(peak - before) // 1024} MiB"
    # Still serving after the connection is gone.
    assert remoting.send_message(server.broker_address, unique("TopicAfterPipeline"), b"x").code == remoting.SUCCESS


def test_idle_connections_are_closed(standalone, tmp_path):
    server = standalone(None, "--config", _conf(tmp_path, serverChannelMaxIdleTimeSeconds=1))
    with socket.create_connection(remoting.split_address(server.broker_address), timeout=10) as idle:
        idle.sendall(b"\x00")  # one byte of a frame, then silence
        started = time.monotonic()
        assert idle.recv(1) == b"", "the server closes the idle connection"
        assert time.monotonic() - started < 8
    assert remoting.send_message(server.broker_address, unique("TopicAfterIdle"), b"x").code == remoting.SUCCESS


def test_connections_beyond_the_limit_are_closed(standalone, tmp_path):
    server = standalone(None, "--config", _conf(tmp_path, serverMaxConnections=4))
    # The broker's own name-server connection is to the name server's port, so 4 are ours.
    held = [remoting.Connection(server.broker_address) for _ in range(4)]
    try:
        for connection in held:
            assert connection.request(remoting.GET_MAX_OFFSET, {"topic": "TBW102", "queueId": 0}).code in (
                remoting.SUCCESS, remoting.SYSTEM_ERROR)
        with socket.create_connection(remoting.split_address(server.broker_address), timeout=5) as extra:
            try:
                data = extra.recv(1)
            except ConnectionResetError:
                data = b""
            assert data == b"", "the connection over the limit is closed at once"
        assert "refusing connection" in server.log()
    finally:
        for connection in held:
            connection.close()
    # Once connections close, new ones are accepted again.
    deadline = time.monotonic() + 10
    while True:
        try:
            assert remoting.send_message(server.broker_address, unique("TopicAfterLimit"), b"x").code == remoting.SUCCESS
            break
        except (ConnectionError, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_stalled_partial_frames_are_bounded(standalone, tmp_path):
    server = standalone(None, "--config", _conf(tmp_path, serverMaxBufferedPartialFrameBytes=4 * 1024 * 1024))
    first = socket.create_connection(remoting.split_address(server.broker_address), timeout=10)
    second = socket.create_connection(remoting.split_address(server.broker_address), timeout=10)
    try:
        declared = 15 * 1024 * 1024
        first.sendall(struct.pack(">I", declared) + b"\x00" * (3 * 1024 * 1024))
        time.sleep(0.5)
        try:
            second.sendall(struct.pack(">I", declared) + b"\x00" * (3 * 1024 * 1024))
        except OSError:
            pass
        try:
            data = second.recv(1)
        except ConnectionResetError:
            data = b""
        assert data == b"", "the connection that went over the partial-frame budget is closed"
        assert "maxBufferedPartialFrameBytes" in server.log()
    finally:
        first.close()
        second.close()
    assert remoting.send_message(server.broker_address, unique("TopicAfterPartial"), b"x").code == remoting.SUCCESS


def _batch(entries: int) -> bytes:
    entry = struct.pack(">iiiii", 22, 0, 0, 0, 0) + struct.pack(">h", 0)
    return entry * entries


def _send_batch(server, topic, body, sys_flag):
    ext = {"producerGroup": "PID_batch_limits", "topic": topic, "defaultTopic": "TBW102", "defaultTopicQueueNums": 4,
           "queueId": 0, "sysFlag": sys_flag, "bornTimestamp": int(time.time() * 1000), "flag": 0, "properties": "",
           "reconsumeTimes": 0, "unitMode": "false", "batch": "true"}
    return remoting.request(server.broker_address, SEND_BATCH_MESSAGE, ext, body)


def test_inflating_batches_are_bounded(standalone):
    server = standalone()
    topic = unique("TopicBatchBomb")
    bomb = zlib.compress(_batch(762_600), 9)
    assert len(bomb) < 64 * 1024
    response = _send_batch(server, topic, bomb, SYSFLAG_COMPRESSED)
    assert response.code == remoting.MESSAGE_ILLEGAL, response
    # Uncompressed, under maxMessageSize, but too many entries.
    response = _send_batch(server, topic, _batch(10_001), 0)
    assert response.code == remoting.MESSAGE_ILLEGAL and "10000" in response.remark, response
    assert server.alive()
    # A normal compressed batch is still stored.
    ok = struct.pack(">iiiii", 27, 0, 0, 0, 5) + b"hello" + struct.pack(">h", 0)
    response = _send_batch(server, topic, zlib.compress(ok * 3), SYSFLAG_COMPRESSED)
    assert response.code == remoting.SUCCESS, response


def _consumer_heartbeat(groups, topic):
    return json.dumps({"clientID": unique("client"), "producerDataSet": [], "consumerDataSet": [{
        "groupName": group, "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
        "consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "unitMode": False,
        "subscriptionDataSet": [{"topic": topic, "subString": "*", "tagsSet": [], "codeSet": [], "subVersion": 0,
                                 "expressionType": "TAG"}]} for group in groups]}).encode()


def test_group_names_are_validated_and_many_new_groups_are_written_once(standalone):
    server = standalone(log_level="info")
    topic = unique("TopicGroups")
    for bad in ("bad group", "x" * 200, "tab\tgroup"):
        response = remoting.request(server.broker_address, HEART_BEAT, {}, _consumer_heartbeat([bad], topic))
        assert response.code != remoting.SUCCESS and "group" in response.remark, (bad, response)
    groups = [unique(f"GID_many{i}") for i in range(1000)]
    started = time.monotonic()
    response = remoting.request(server.broker_address, HEART_BEAT, {}, _consumer_heartbeat(groups, topic))
    elapsed = time.monotonic() - started
    print(f"\none heartbeat naming 1,000 new groups answered in {elapsed * 1000:.0f} ms")
    assert response.code == remoting.SUCCESS, response
    stored = json.loads((server.data_dir / "config" / "subscriptionGroup.json").read_text())
    assert set(groups) <= set(stored["subscriptionGroupTable"])
    topics = json.loads((server.data_dir / "config" / "topics.json").read_text())
    assert all(f"%RETRY%{group}" in topics["topicConfigTable"] for group in groups)


def test_sends_that_waited_too_long_are_answered_system_busy(standalone, tmp_path):
    # waitTimeMillsInSendQueue=0: every send that waited at all before the broker got to it is
    # refused with RocketMQ's remark, so the client retries on another broker.
    server = standalone(None, "--config", _conf(tmp_path, waitTimeMillsInSendQueue=0))
    response = remoting.send_message(server.broker_address, unique("TopicBusy"), b"late")
    assert response.code == 2, response  # SYSTEM_BUSY
    assert response.remark.startswith("[TIMEOUT_CLEAN_QUEUE]broker busy"), response
    # Other requests are not subject to the send queue's limit.
    assert remoting.request(server.broker_address, remoting.GET_MAX_OFFSET,
                            {"topic": "TBW102", "queueId": 0}).code == remoting.SUCCESS
