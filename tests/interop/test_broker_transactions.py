"""Issue 6 (transactions) against a real `comet` process over raw remoting (the C API of the
PyPI C++ client 0.4.4 exports no transactional producer): half messages are invisible, commit and
rollback resolve them, an unresolved one is checked back with a live producer of its group, and
resolutions survive SIGKILL + restart."""
import time

import remoting
from cpp_client import unique, wait_until

END_TRANSACTION = 37
CHECK_TRANSACTION_STATE = 39
COMMIT, ROLLBACK, UNKNOWN = 8, 12, 0


def _conf(tmp_path):
    conf = tmp_path / "broker.conf"
    conf.write_text("transactionCheckInterval=1000\ntransactionTimeOut=1000\ntransactionCheckMax=5\n")
    return str(conf)


def _send_half(broker, topic, group, key, queue_id=0):
    response = remoting.send_message(broker, topic, key.encode(), queue_id=queue_id, group=group, properties={
        "WAIT": "true", "TRAN_MSG": "true", "PGROUP": group, "UNIQ_KEY": key, "KEYS": key})
    assert response.code == remoting.SUCCESS, response
    msg_id = response.ext["msgId"]
    return {"queue_offset": int(response.ext["queueOffset"]), "commit_log_offset": int(msg_id[16:], 16), "key": key}


def _end(connection, group, half, outcome, from_check=False):
    # As the C++ client sends it: every value a string, "0"/"1" booleans, no oneway flag.
    return connection.request(END_TRANSACTION, {
        "producerGroup": group, "tranStateTableOffset": half["queue_offset"],
        "commitLogOffset": half["commit_log_offset"], "commitOrRollback": outcome,
        "fromTransactionCheck": "1" if from_check else "0", "msgId": half["key"], "transactionId": half["key"]},
        language="CPP")


def _bodies(broker, topic, queue_id=0):
    response = remoting.pull(broker, unique("GID_tx"), topic, queue_id, 0)
    if response.code != remoting.SUCCESS:
        return []
    return [m.body.decode() for m in remoting.decode_messages(response.body)]


def test_resolutions_and_check_back_survive_sigkill(standalone, tmp_path):
    server = standalone(None, "--config", _conf(tmp_path))
    topic, group = unique("TopicTx"), unique("PID_tx")
    broker = server.broker_address
    committed = _send_half(broker, topic, group, "committed")
    rolled_back = _send_half(broker, topic, group, "rolled-back")
    unknown = _send_half(broker, topic, group, "unknown")
    assert _bodies(broker, topic) == [], "half messages are invisible to consumers"
    with remoting.Connection(broker) as connection:
        assert _end(connection, group, committed, COMMIT).code == remoting.SUCCESS
        assert _end(connection, group, rolled_back, ROLLBACK).code == remoting.SUCCESS
        assert _end(connection, group, unknown, UNKNOWN).code == remoting.SUCCESS
    assert _bodies(broker, topic) == ["committed"]
    server.broker_process.kill()

    restarted = standalone(server.data_dir, "--config", _conf(tmp_path))
    broker = restarted.broker_address
    with remoting.Connection(broker, timeout=15) as producer:
        heartbeat = f'{{"clientID":"tx-interop","producerDataSet":[{{"groupName":"{group}"}}],"consumerDataSet":[]}}'
        assert producer.request(remoting.HEART_BEAT, {}, heartbeat.encode()).code == remoting.SUCCESS
        deadline = time.monotonic() + 10
        checks = []
        while time.monotonic() < deadline and not checks:
            frame = producer.read_frame()
            if frame.code == CHECK_TRANSACTION_STATE and not frame.flag & remoting.RESPONSE_FLAG:
                checks.append(frame)
        assert checks, "a CHECK_TRANSACTION_STATE for the unresolved half message"
        check = checks[0]
        assert check.ext["msgId"] == "unknown"
        assert int(check.ext["commitLogOffset"]) == unknown["commit_log_offset"]
        assert int(check.ext["tranStateTableOffset"]) == unknown["queue_offset"]
        [body] = remoting.decode_messages(check.body)
        assert body.topic == topic and body.body == b"unknown"
        assert _end(producer, group, unknown, COMMIT, from_check=True).code == remoting.SUCCESS

    wait_until(lambda: sorted(_bodies(broker, topic)) == ["committed", "unknown"], 5,
               lambda: f"committed + checked; got {_bodies(broker, topic)}")
    time.sleep(2.5)
    assert sorted(_bodies(broker, topic)) == ["committed", "unknown"], "nothing twice, rollback never"


def test_transactional_send_throughput(standalone, tmp_path):
    server = standalone(None, "--config", _conf(tmp_path))
    broker = server.broker_address
    topic, group = unique("TopicTxRate"), unique("PID_txrate")
    count = 2000
    with remoting.Connection(broker) as connection:
        started = time.monotonic()
        for i in range(count):
            response = remoting.send_message(broker, topic, b"x" * 128, group=group, connection=connection, properties={
                "WAIT": "true", "TRAN_MSG": "true", "PGROUP": group, "UNIQ_KEY": f"k{i}"})
            assert response.code == remoting.SUCCESS
            half = {"queue_offset": int(response.ext["queueOffset"]),
                    "commit_log_offset": int(response.ext["msgId"][16:], 16), "key": f"k{i}"}
            assert _end(connection, group, half, COMMIT).code == remoting.SUCCESS
        elapsed = time.monotonic() - started
    print(f"\n{count} transactional send+commit round trips on one connection in {elapsed:.2f} s "
          f"({count / elapsed:.0f}/s)")
    max_offset = remoting.request(broker, remoting.GET_MAX_OFFSET, {"topic": topic, "queueId": 0})
    assert int(max_offset.ext["offset"]) == count, "every committed message delivered once"
