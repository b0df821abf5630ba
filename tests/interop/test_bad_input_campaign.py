"""Issue 11: a seeded bad-input campaign over the wire against one real `comet standalone` process
(name server and broker together). Frames of every category — framing, JSON and binary headers,
every field of the request codes with hostile values, properties, batches, bodies, SQL92 and random
bytes — are sent; the process must survive every one and keep serving. Outcomes per category are
printed (the figures in the issue note).

COMET_CAMPAIGN_SEED picks another seed; COMET_CAMPAIGN_SCALE multiplies the random categories."""
import collections
import json
import os
import random
import socket
import struct
import time
import zlib

import remoting
from cpp_client import unique

SEED = int(os.environ.get("COMET_CAMPAIGN_SEED", "11"))
SCALE = int(os.environ.get("COMET_CAMPAIGN_SCALE", "1"))

HOSTILE = [
    "", " ", "-1", "0", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808",
    "9223372036854775808", "9223372000000000000", "1e309", "NaN", "-0", "0x10", "true", "null", "\u0000",
    "\u202e\ud7ff", "x" * 300, "y" * 70_000, "%RETRY%", "../../etc/passwd", "'; DROP TABLE --",
]

# Request code -> header fields a well-formed request would carry.
FIELDS = {
    10: {"producerGroup": "PID_c", "topic": "TopicCampaign", "defaultTopic": "TBW102", "defaultTopicQueueNums": "4",
         "queueId": "0", "sysFlag": "0", "bornTimestamp": "1", "flag": "0", "properties": "WAIT\x01true\x02",
         "reconsumeTimes": "0", "unitMode": "false", "batch": "false", "maxReconsumeTimes": "16"},
    11: {"consumerGroup": "GID_c", "topic": "TopicCampaign", "queueId": "0", "queueOffset": "0", "maxMsgNums": "32",
         "sysFlag": "6", "commitOffset": "0", "suspendTimeoutMillis": "100", "subscription": "*", "subVersion": "0",
         "expressionType": "TAG"},
    12: {"topic": "TopicCampaign", "key": "k", "maxNum": "32", "beginTimestamp": "0", "endTimestamp": "9999999999999"},
    14: {"consumerGroup": "GID_c", "topic": "TopicCampaign", "queueId": "0"},
    15: {"consumerGroup": "GID_c", "topic": "TopicCampaign", "queueId": "0", "commitOffset": "1"},
    17: {"topic": "TopicCampaignNew", "defaultTopic": "TBW102", "readQueueNums": "2", "writeQueueNums": "2",
         "perm": "6", "topicFilterType": "SINGLE_TAG", "topicSysFlag": "0", "order": "false"},
    29: {"topic": "TopicCampaign", "queueId": "0", "timestamp": "1"},
    30: {"topic": "TopicCampaign", "queueId": "0"},
    31: {"topic": "TopicCampaign", "queueId": "0"},
    32: {"topic": "TopicCampaign", "queueId": "0"},
    33: {"offset": "0"},
    36: {"offset": "0", "group": "GID_c", "delayLevel": "0", "originMsgId": "x", "originTopic": "TopicCampaign",
         "unitMode": "false", "maxReconsumeTimes": "16"},
    37: {"producerGroup": "PID_c", "tranStateTableOffset": "0", "commitLogOffset": "0", "commitOrRollback": "8",
         "fromTransactionCheck": "false", "msgId": "x", "transactionId": "x"},
    38: {"consumerGroup": "GID_c"},
    215: {"topic": "TopicCampaignGone"},
    222: {"topic": "TopicCampaign", "group": "GID_c", "timestamp": "0", "isForce": "true"},
    307: {"consumerGroup": "GID_c", "clientId": "nobody", "jstackEnable": "false"},
    310: {"a": "PID_c", "b": "TopicCampaign", "c": "TBW102", "d": "4", "e": "0", "f": "0", "g": "1", "h": "0",
          "i": "WAIT\x01true\x02", "j": "0", "k": "false", "l": "16", "m": "false"},
    320: {"producerGroup": "PID_c", "topic": "TopicCampaign", "defaultTopic": "TBW102", "defaultTopicQueueNums": "4",
          "queueId": "0", "sysFlag": "0", "bornTimestamp": "1", "flag": "0", "properties": "", "reconsumeTimes": "0",
          "unitMode": "false", "batch": "true"},
}
NAMESRV_FIELDS = {
    100: {"namespace": "ns", "key": "k", "value": "v"},
    101: {"namespace": "ns", "key": "k"},
    103: {"brokerName": "broker-x", "brokerAddr": "127.0.0.1:1", "clusterName": "C", "haServerAddr": "",
          "brokerId": "1", "compressed": "false", "bodyCrc32": "0"},
    104: {"brokerName": "broker-x", "brokerAddr": "127.0.0.1:1", "clusterName": "C", "brokerId": "1"},
    105: {"topic": "TopicCampaign"},
}


def _json_frame(code, ext, body=b"", opaque=1, flag=0):
    return remoting.encode_frame({"code": code, "flag": flag, "language": "JAVA", "opaque": opaque, "version": 409,
                                  "remark": "", "extFields": ext}, body)


def _binary_frame(code, ext, body=b"", opaque=1):
    entries = b"".join(struct.pack(">h", len(k.encode())) + k.encode() + struct.pack(">i", len(v.encode()))
                       + v.encode() for k, v in ext.items())
    header = struct.pack(">hBhiii", code, 0, 409, opaque, 0, 0) + struct.pack(">i", len(entries)) + entries
    return struct.pack(">II", 4 + len(header) + len(body), (1 << 24) | len(header)) + header + body


def _batch_entry(body, props=b"", flag=0, total=None):
    size = 20 + len(body) + 2 + len(props)
    return struct.pack(">iiiii", size if total is None else total, 0, 0, flag, len(body)) + body \
        + struct.pack(">h", len(props)) + props


class Campaign:
    def __init__(self, server):
        self.server = server
        self.outcomes = collections.defaultdict(collections.Counter)

    def fire(self, category, address, data, read_timeout=5.0, half_close=False):
        """Sends one frame (or byte string) on a fresh connection and records what happened.

        With `half_close` the sending side is shut down after the data (for input that may be an
        incomplete frame, so the server sees the end of stream instead of waiting for more bytes).
        Otherwise the connection stays open until the answer arrives: the server closes a
        connection at end of stream, which would drop answers still being computed."""
        try:
            with socket.create_connection(remoting.split_address(address), timeout=5) as sock:
                sock.settimeout(read_timeout)
                try:
                    sock.sendall(data)
                    if half_close:
                        sock.shutdown(socket.SHUT_WR)
                except OSError:
                    self.outcomes[category]["closed"] += 1
                    return
                try:
                    head = sock.recv(8)
                    if not head:
                        outcome = "closed"
                    else:
                        while len(head) < 8:
                            more = sock.recv(8 - len(head))
                            if not more:
                                break
                            head += more
                        outcome = "answered"
                        if len(head) == 8:
                            (length, word) = struct.unpack(">II", head)
                            header_length = word & 0xFFFFFF
                            rest = b""
                            while len(rest) < min(header_length, length - 4):
                                more = sock.recv(min(header_length, length - 4) - len(rest))
                                if not more:
                                    break
                                rest += more
                            if word >> 24 == 0:
                                try:
                                    outcome = f"code {json.loads(rest.decode('utf-8'))['code']}"
                                except (ValueError, KeyError, UnicodeDecodeError):
                                    outcome = "answered (unparsed)"
                            else:
                                outcome = f"code {struct.unpack('>h', rest[:2])[0]}" if len(rest) >= 2 else outcome
                except socket.timeout:
                    outcome = "no answer"
                except ConnectionResetError:
                    outcome = "closed"
        except OSError as error:
            outcome = f"connect failed: {error.__class__.__name__}"
        self.outcomes[category][outcome] += 1

    def check_alive(self, category):
        assert self.server.alive(), f"the process died during {category}:\n{self.server.log()[-4000:]}"


def test_seeded_bad_input_campaign_survives_and_keeps_serving(standalone):
    server = standalone(log_level="info")
    rng = random.Random(SEED)
    campaign = Campaign(server)
    broker, namesrv = server.broker_address, server.namesrv_address
    assert remoting.create_topic(broker, "TopicCampaign", 1).code == remoting.SUCCESS
    assert remoting.send_message(broker, "TopicCampaign", b"seed").code == remoting.SUCCESS

    # 1. Framing.
    good = _json_frame(30, FIELDS[30])
    framing = [
        b"", b"\x00", b"\x00\x00\x00", struct.pack(">i", -1), struct.pack(">i", 0), struct.pack(">i", 3),
        struct.pack(">I", 0x7FFFFFFF), struct.pack(">I", 16 * 1024 * 1024 + 1), struct.pack(">II", 4, 0),
        struct.pack(">II", 8, 0xFFFFFFFF), struct.pack(">II", 8, 0x02000004) + b"abcd",
        struct.pack(">II", 8, 0x00000010) + b"abcd", good[:len(good) // 2], good + good[:5],
        struct.pack(">II", 100, 10) + b"{" * 10, good.replace(b'"code": 30', b'"code": "30"'),
    ]
    for data in framing:
        campaign.fire("framing", broker, data, half_close=True)
    campaign.check_alive("framing")

    # 2. JSON headers.
    json_headers = [b"{}", b"[]", b"null", b"{" * 5000 + b"}" * 5000, b"[" * 100_000, b'{"code":1e999}',
                    b'{"code":10,"extFields":[]}', b'{"code":10,"extFields":{"a":{"b":1}}}', b'{"code":10,"opaque":"x"}',
                    b'{"code":10,"flag":9223372036854775808}', b'\xff\xfe\x00', b'{"code":10,"extFields":{"topic":null}}',
                    b'{"code":-1}', b'{"code":2147483648}', b'{"code":11,"extFields":{"\\ud800":"x"}}']
    json_headers += [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 200))) for _ in range(40 * SCALE)]
    for header in json_headers:
        campaign.fire("json header", broker, struct.pack(">II", 4 + len(header), len(header)) + header)
    campaign.check_alive("json header")

    # 3. Binary headers.
    binary = [struct.pack(">hBhii", 10, 0, 409, 1, 0), struct.pack(">hBhiii", 10, 0, 409, 1, 0, -5),
              struct.pack(">hBhiiii", 10, 0, 409, 1, 0, 0, 2_000_000_000),
              struct.pack(">hBhiiii", 10, 0, 409, 1, 0, 0, 6) + struct.pack(">h", -3) + b"abcd",
              struct.pack(">hBhiiii", 10, 0, 409, 1, 0, 0, 8) + struct.pack(">h", 2) + b"ab" + struct.pack(">i", 9)]
    binary += [struct.pack(">hBhiiii", rng.choice([10, 11, 30, 34]), 0, 409, 1, 0, 0, 0)
               + bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 64))) for _ in range(40 * SCALE)]
    for header in binary:
        campaign.fire("binary header", broker, struct.pack(">II", 4 + len(header), (1 << 24) | len(header)) + header)
    campaign.check_alive("binary header")

    # 4. Every field of every request code, each with every hostile value (JSON, some binary).
    for code, fields in FIELDS.items():
        body = b"hostile body" if code in (10, 310) else b""
        for name in fields:
            for value in HOSTILE:
                ext = dict(fields)
                ext[name] = value
                frame = _json_frame(code, ext, body) if rng.random() < 0.8 else _binary_frame(code, ext, body)
                campaign.fire(f"fields of code {code}", broker, frame)
            # And the field missing.
            ext = {k: v for k, v in fields.items() if k != name}
            campaign.fire(f"fields of code {code}", broker, _json_frame(code, ext, body))
        campaign.check_alive(f"fields of code {code}")
    for code, fields in NAMESRV_FIELDS.items():
        for name in fields:
            for value in HOSTILE:
                ext = dict(fields)
                ext[name] = value
                campaign.fire(f"name server code {code}", namesrv, _json_frame(code, ext))
        campaign.check_alive(f"name server code {code}")

    # 5. Properties.
    properties = ["\x01\x02", "\x01", "\x02", "k\x01", "\x01v\x02", "k" * 40_000 + "\x01v\x02", "a\x01b\x01c\x02",
                  "DELAY\x01-1\x02", "DELAY\x0199999999999\x02", "TIMER_DELIVER_MS\x019223372036854775807\x02",
                  "TIMER_DELAY_SEC\x019223372036854775807\x02", "TIMER_DELAY_MS\x01-5\x02",
                  "TRAN_MSG\x01true\x02PGROUP\x01G\x02CHECK_IMMUNITY_TIME_IN_SECONDS\x019223372036854775807\x02",
                  "TRAN_MSG\x01true\x02", "UNIQ_KEY\x01\x02", "KEYS\x01" + " " * 5000 + "\x02",
                  "MAX_OFFSET\x01x\x02RETRY_TOPIC\x01rmq_sys_wheel_timer\x02", "REAL_TOPIC\x01SCHEDULE_TOPIC_XXXX\x02"]
    for value in properties:
        ext = dict(FIELDS[10])
        ext["properties"] = value
        for sys_flag in ("0", "4", "8", "12"):
            ext["sysFlag"] = sys_flag
            campaign.fire("properties", broker, _json_frame(10, ext, b"body"))
    campaign.check_alive("properties")

    # 6. Batches.
    batches = [b"", b"\x00" * 19, _batch_entry(b"x", total=-1), _batch_entry(b"x", total=999),
               _batch_entry(b"x") + b"\x00", struct.pack(">iiiii", 30, 0, 0, 0, -1) + b"\x00" * 10,
               struct.pack(">iiiii", 30, 0, 0, 0, 2_000_000_000), _batch_entry(b"y", b"\x01\x02\x01"),
               _batch_entry(b"", b"") * 20_000, zlib.compress(_batch_entry(b"") * 762_600, 9), b"\x78\x9c" + b"\xff" * 50]
    for body in batches:
        for sys_flag in ("0", "1"):
            ext = dict(FIELDS[320])
            ext["sysFlag"] = sys_flag
            campaign.fire("batches", broker, _json_frame(320, ext, body), read_timeout=10)
    campaign.check_alive("batches")

    # 7. Bodies of body-carrying requests.
    bodies = [b"", b"{", b"null", b"[]", b'{"consumerDataSet":[{}]}', b'{"consumerDataSet":"x"}',
              b'{"mqSet":[{"topic":1}]}', b"{" * 10_000, json.dumps({"clientID": "c", "consumerDataSet": [
                  {"groupName": "GID_" + "x" * 300, "subscriptionDataSet": []}]}).encode()]
    bodies += [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 300))) for _ in range(20 * SCALE)]
    for body in bodies:
        for code in (34, 41, 42, 103):
            address = namesrv if code == 103 else broker
            fields = NAMESRV_FIELDS[103] if code == 103 else {"consumerGroup": "GID_c"}
            campaign.fire("bodies", address, _json_frame(code, fields, body))
    campaign.check_alive("bodies")

    # 8. SQL92 in pulls and heartbeats.
    sql = ["(" * 12812 + "a = 1" + ")" * 12812, "NOT " * 76093 + "a", "a = " + "- " * 76093 + "1",
           "a = 1 AND " * 87343 + "a = 1", "a IN (" + ",".join(["'x'"] * 50_000) + ")", "a BETWEEN 2 AND 1",
           "'unterminated", "a = 1e999999", "a = 99999999999999999999999", "a <> NULL", "", "a =", ")(", "\u0000"]
    sql += ["".join(rng.choice(["a", "1", " ", "(", ")", "AND", "OR", "NOT", "=", "<", "'", "IN", ",", "-", "."])
                    for _ in range(rng.randint(1, 40))) for _ in range(60 * SCALE)]
    for expression in sql:
        ext = dict(FIELDS[11])
        ext.update({"sysFlag": "4", "subscription": expression, "expressionType": "SQL92"})
        campaign.fire("sql92", broker, _json_frame(11, ext), read_timeout=10)
        heartbeat = json.dumps({"clientID": "sql", "consumerDataSet": [{
            "groupName": "GID_sql", "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
            "consumeFromWhere": "CONSUME_FROM_LAST_OFFSET", "subscriptionDataSet": [{
                "topic": "TopicCampaign", "subString": expression, "expressionType": "SQL92"}]}]}).encode()
        campaign.fire("sql92", broker, _json_frame(34, {}, heartbeat), read_timeout=10)
    campaign.check_alive("sql92")

    # 9. Random frames with a plausible length prefix.
    for _ in range(200 * SCALE):
        payload = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 512)))
        word = rng.choice([0, 1 << 24]) | rng.randint(0, len(payload))
        campaign.fire("random frames", rng.choice([broker, namesrv]),
                      struct.pack(">II", 4 + len(payload), word) + payload, read_timeout=0.5, half_close=True)
    campaign.check_alive("random frames")

    total = sum(sum(c.values()) for c in campaign.outcomes.values())
    print(f"\nbad-input campaign, seed {SEED}: {total} frames")
    for category, counter in campaign.outcomes.items():
        print(f"  {category:28s} {sum(counter.values()):6d}  " + ", ".join(f"{k}: {v}" for k, v in
                                                                           counter.most_common()))

    # A well-framed request is answered with a response code (and remark), whatever its fields,
    # properties, body or expression hold: the connection is never just dropped.
    for category, counter in campaign.outcomes.items():
        if category in ("framing", "json header", "binary header", "random frames"):
            continue
        unanswered = {k: v for k, v in counter.items() if not k.startswith("code ")}
        assert not unanswered, f"{category}: requests without an answer: {unanswered}"

    # Still serving: a send and a pull round-trip, the name server answers routes.
    assert server.alive(), server.log()[-4000:]
    topic = unique("TopicAfterCampaign")
    sent = remoting.send_message(broker, topic, b"after campaign")
    assert sent.code == remoting.SUCCESS, sent
    pulled = remoting.pull(broker, unique("GID_after"), topic, int(sent.ext["queueId"]), 0)
    assert [m.body for m in remoting.decode_messages(pulled.body)] == [b"after campaign"]
    assert remoting.get_route(namesrv, topic) is not None

    # What the campaign stored (hostile properties, transactions, delays, batches) must not stop a
    # restart on the same data: background services skip what they cannot process.
    assert server.broker_process.stop() == 0, server.log()[-4000:]
    restarted = standalone(server.data_dir, log_level="info")
    assert restarted.alive(), restarted.log()[-4000:]
    again = remoting.pull(restarted.broker_address, unique("GID_restart"), topic, int(sent.ext["queueId"]), 0)
    assert [m.body for m in remoting.decode_messages(again.body)] == [b"after campaign"]
    # Background services (transaction checks, delays, timers) run for a moment over the stored records.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        assert restarted.alive(), f"the restarted process died:\n{restarted.log()[-4000:]}"
        time.sleep(0.1)
    assert remoting.send_message(restarted.broker_address, topic, b"after restart").code == remoting.SUCCESS
