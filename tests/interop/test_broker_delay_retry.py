"""Issue 6 (delay, retry): delay-level and deliver-at messages from the C++ client are held and
delivered on time, survive SIGKILL + restart exactly once; a C++ push consumer answering RECONSUME_LATER gets
the message again from %RETRY% with reconsume count 1 and its original topic."""
import threading
import time

from rocketmq.client import SendStatus
from rocketmq.ffi import MSG_CALLBACK_FUNC, MessageModel, dll

import remoting
from cpp_client import copy_message, make_message, pull_all, unique, wait_until

SHORT_LEVELS = "messageDelayLevel=1s 2s 3s\n"


def _short_levels(tmp_path):
    conf = tmp_path / "broker.conf"
    conf.write_text(SHORT_LEVELS)
    return str(conf)


def test_level_two_arrives_after_5_s_within_6_s_and_deliver_at_within_1_s(standalone, cpp):
    server = standalone()  # default levels: level 2 = 5 s
    topic, group = unique("TopicDelayOnTime"), unique("GID_delay")
    producer = cpp.producer(server.address)
    assert producer.send_sync(make_message(topic, "create", tags="create", keys="create")).status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)
    consumer, received = cpp.push_consumer(server.address, group, topic, "delayed || timed")
    time.sleep(3)  # let the consumer's rebalance and first long poll settle

    message = make_message(topic, "five seconds", tags="delayed", keys="level2")
    message.set_delay_time_level(2)
    sent = time.monotonic()
    assert producer.send_sync(message).status == SendStatus.OK
    deliver_at_ms = int(time.time() * 1000) + 2000
    timed = make_message(topic, "deliver at", tags="timed", keys="timed",
                         properties={"TIMER_DELIVER_MS": str(deliver_at_ms)})
    timed_sent = time.monotonic()
    assert producer.send_sync(timed).status == SendStatus.OK

    wait_until(lambda: {m.keys for m in received.snapshot()} >= {b"level2", b"timed"}, 10, "both delayed messages")
    by_key = {m.keys: m for m in received.snapshot()}
    level2 = by_key[b"level2"].received_at - sent
    assert 5.0 <= level2 <= 6.0, f"level 2 arrived after {level2:.3f} s"
    timer = by_key[b"timed"]
    assert timer.store_timestamp >= deliver_at_ms, "never before the deliver-at time"
    assert timer.received_at - timed_sent - 2.0 <= 1.0, f"deliver-at late by {timer.received_at - timed_sent - 2.0:.3f} s"
    assert timer.body == b"deliver at"


def test_delay_messages_survive_sigkill_exactly_once(standalone, cpp, tmp_path):
    server = standalone(None, "--config", _short_levels(tmp_path))
    topic = unique("TopicDelayKill")
    producer = cpp.producer(server.address)
    sent_at = time.time() * 1000
    keys = set()
    for i in range(20):
        message = make_message(topic, f"body {i}", tags="D", keys=f"k{i}")
        message.set_delay_time_level(1 if i < 5 else 3)  # 1 s for five, 3 s for the rest
        assert producer.send_sync(message).status == SendStatus.OK
        keys.add(f"k{i}")
    deliver_at = int(time.time() * 1000) + 3000
    for i in range(20, 25):  # 5.x deliver-at property, set by hand on the 4.x client
        message = make_message(topic, f"body {i}", tags="T", keys=f"k{i}",
                               properties={"TIMER_DELIVER_MS": str(deliver_at)})
        assert producer.send_sync(message).status == SendStatus.OK
        keys.add(f"k{i}")
    remoting.wait_for_route(server.address, topic)
    time.sleep(1.8)  # the 1 s ones are delivered, the 3 s ones are still pending
    cpp.shutdown(producer)
    server.broker_process.kill()

    restarted = standalone(server.data_dir, "--config", _short_levels(tmp_path))
    puller = cpp.pull_consumer(restarted.address)

    def delivered():
        return pull_all(puller, topic, timeout=20)

    wait_until(lambda: len(delivered()) >= 25, 15, lambda: f"25 delayed messages; got {len(delivered())}")
    time.sleep(2)
    received = delivered()
    assert sorted(m.keys.decode() for m in received) == sorted(keys), "each delayed message exactly once"
    late = [m for m in received if 5 <= int(m.keys.decode()[1:]) < 20]
    assert all(m.store_timestamp >= sent_at + 2900 for m in late), "no 3 s message before its time"
    timed = [m for m in received if int(m.keys.decode()[1:]) >= 20]
    assert all(m.store_timestamp >= deliver_at for m in timed), "no deliver-at message before its time"


def test_cpp_reconsume_later_comes_back_from_retry_with_count_one(standalone, cpp, tmp_path):
    server = standalone(None, "--config", _short_levels(tmp_path))
    topic, group = unique("TopicRetry"), unique("GID_retry")
    producer = cpp.producer(server.address)
    assert producer.send_sync(make_message(topic, "please retry", tags="R", keys="retry-key")).status == SendStatus.OK
    remoting.wait_for_route(server.address, topic)

    seen, lock = [], threading.Lock()

    def on_message(consumer, handle):
        try:
            received = copy_message(handle, ("RETRY_TOPIC", "ORIGIN_MESSAGE_ID"))
            with lock:
                seen.append(received)
            return 1 if received.reconsume_times == 0 else 0  # RECONSUME_LATER the first time
        except BaseException:
            return 0

    handle = dll.CreatePushConsumer(group.encode())
    dll.SetPushConsumerNameServerAddress(handle, server.address.encode())
    dll.SetPushConsumerInstanceName(handle, unique("c").encode())
    dll.SetPushConsumerMessageModel(handle, MessageModel.CLUSTERING)
    dll.Subscribe(handle, topic.encode(), b"*")
    callback = MSG_CALLBACK_FUNC(on_message)
    dll.RegisterMessageCallback(handle, callback)
    assert dll.StartPushConsumer(handle) == 0
    try:
        wait_until(lambda: any(m.reconsume_times == 1 for m in list(seen)), 40,
                   lambda: f"a redelivery with reconsume count 1; saw {[(m.topic, m.reconsume_times) for m in seen]}")
        first = next(m for m in seen if m.reconsume_times == 0)
        again = next(m for m in seen if m.reconsume_times == 1)
        assert again.body == b"please retry"
        assert again.topic == topic, "the C++ client restores the original topic from RETRY_TOPIC"
        assert again.keys == b"retry-key"
        assert again.received_at - first.received_at >= 2.5, "retry level 3 (3 s with the short levels)"
        time.sleep(1)
        assert sum(1 for m in seen if m.reconsume_times == 1) == 1
    finally:
        dll.ShutdownPushConsumer(handle)
        dll.DestroyPushConsumer(handle)
