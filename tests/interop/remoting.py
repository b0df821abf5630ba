"""A minimal remoting-protocol client for interop tests that need to see the wire.

The official C++ client hides the broker's answers (a failed sync send is retried on other queues
and then reported as "No route info of this topic"), so tests that check response codes and
remarks, create topics with admin requests or inspect stored records speak the protocol directly:
frames of `length | serialize-type + header-length | header | body` on a plain socket, as a Java
client would. Headers go out as JSON (Java's default) or in RocketMQ's binary form
(`serialization="rocketmq"`, what a Java client sends with `rocketmq.serialize.type=ROCKETMQ`).
Bodies are parsed the way fastjson parses them (`parse_fastjson`): object keys and bare numeric
keys included.
"""
import json
import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

# Request codes (remoting-protocol.md §3).
SEND_MESSAGE = 10
PULL_MESSAGE = 11
QUERY_CONSUMER_OFFSET = 14
UPDATE_AND_CREATE_TOPIC = 17
GET_MAX_OFFSET = 30
GET_MIN_OFFSET = 31
HEART_BEAT = 34
GET_ROUTEINFO_BY_TOPIC = 105
GET_BROKER_CLUSTER_INFO = 106

# Response codes (remoting-protocol.md §2).
SUCCESS = 0
SYSTEM_ERROR = 1
REQUEST_CODE_NOT_SUPPORTED = 3
MESSAGE_ILLEGAL = 13
TOPIC_NOT_EXIST = 17
PULL_NOT_FOUND = 19
PULL_RETRY_IMMEDIATELY = 20
PULL_OFFSET_MOVED = 21
QUERY_NOT_FOUND = 22

RESPONSE_FLAG = 1
ONEWAY_FLAG = 2
SERIALIZE_JSON = 0
SERIALIZE_ROCKETMQ = 1
LANGUAGES = ["JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS",
             "RUST"]
SYSFLAG_COMPRESSED = 0x1
PULL_SYSFLAG_SUBSCRIPTION = 0x4

_opaque_lock = threading.Lock()
_next_opaque = [1000]


def next_opaque() -> int:
    with _opaque_lock:
        _next_opaque[0] += 1
        return _next_opaque[0]


def split_address(address: str):
    host, port = address.rsplit(":", 1)
    return host, int(port)


@dataclass
class Frame:
    header: dict
    body: bytes = b""

    @property
    def code(self) -> int:
        return int(self.header.get("code", -1))

    @property
    def remark(self) -> str:
        return self.header.get("remark") or ""

    @property
    def opaque(self) -> int:
        return int(self.header.get("opaque", -1))

    @property
    def flag(self) -> int:
        return int(self.header.get("flag", 0))

    @property
    def ext(self) -> dict:
        return self.header.get("extFields") or {}

    def __repr__(self):
        return f"Frame(code={self.code}, remark={self.remark!r}, ext={self.ext}, body={len(self.body)} bytes)"


def encode_binary_header(header: dict) -> bytes:
    """RocketMQ's binary header (`RocketMQSerializable.rocketMQProtocolEncode`), big-endian."""
    remark = (header.get("remark") or "").encode("utf-8")
    ext = b""
    for key, value in (header.get("extFields") or {}).items():
        k, v = str(key).encode("utf-8"), str(value).encode("utf-8")
        ext += struct.pack(">h", len(k)) + k + struct.pack(">i", len(v)) + v
    language = header.get("language", "JAVA")
    return (struct.pack(">hBhii", header["code"], LANGUAGES.index(language) if language in LANGUAGES else 7,
                        header.get("version", 0), header.get("opaque", 0), header.get("flag", 0))
            + struct.pack(">i", len(remark)) + remark + struct.pack(">i", len(ext)) + ext)


def decode_binary_header(data: bytes) -> dict:
    code, language, version, opaque, flag, remark_len = struct.unpack(">hBhiii", data[:17])
    pos = 17
    remark = data[pos:pos + remark_len].decode("utf-8") if remark_len > 0 else None
    pos += max(0, remark_len)
    (ext_len,) = struct.unpack(">i", data[pos:pos + 4])
    pos += 4
    end = pos + ext_len
    ext = {}
    while pos < end:
        (klen,) = struct.unpack(">h", data[pos:pos + 2])
        key = data[pos + 2:pos + 2 + klen].decode("utf-8")
        pos += 2 + klen
        (vlen,) = struct.unpack(">i", data[pos:pos + 4])
        ext[key] = data[pos + 4:pos + 4 + vlen].decode("utf-8")
        pos += 4 + vlen
    return {"code": code, "language": LANGUAGES[language] if language < len(LANGUAGES) else "OTHER",
            "version": version, "opaque": opaque, "flag": flag, "remark": remark, "extFields": ext}


def encode_frame(header: dict, body: bytes = b"", serialization: str = "json") -> bytes:
    if serialization == "rocketmq":
        header_bytes = encode_binary_header(header)
        word = (SERIALIZE_ROCKETMQ << 24) | len(header_bytes)
    else:
        header_bytes = json.dumps(header).encode("utf-8")
        word = len(header_bytes)
    return struct.pack(">II", 4 + len(header_bytes) + len(body), word) + header_bytes + body


def _recv_exactly(sock: socket.socket, count: int) -> bytes:
    chunks = []
    while count:
        chunk = sock.recv(count)
        if not chunk:
            raise ConnectionError("connection closed by the server")
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


class Connection:
    """One TCP connection to a comet server; every read is bounded by the socket timeout."""

    def __init__(self, address: str, timeout: float = 10.0):
        self.sock = socket.create_connection(split_address(address), timeout=timeout)
        self.sock.settimeout(timeout)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def read_frame(self) -> Frame:
        (length,) = struct.unpack(">I", _recv_exactly(self.sock, 4))
        rest = _recv_exactly(self.sock, length)
        (word,) = struct.unpack(">I", rest[:4])
        serialize_type, header_length = word >> 24, word & 0xFFFFFF
        raw = rest[4:4 + header_length]
        if serialize_type == SERIALIZE_ROCKETMQ:
            header = decode_binary_header(raw)
        else:
            assert serialize_type == SERIALIZE_JSON, f"unknown serialize type {serialize_type}"
            header = json.loads(raw.decode("utf-8"))
        frame = Frame(header, rest[4 + header_length:])
        frame.serialize_type = serialize_type
        return frame

    def request(self, code: int, ext: dict | None = None, body: bytes = b"", *, language: str = "JAVA",
                version: int = 409, flag: int = 0, serialization: str = "json") -> Frame:
        """Sends a request and returns the response with the same opaque. Requests the server sends
        meanwhile go to `on_server_request` (which may return a (code, ext, body) answer)."""
        opaque = next_opaque()
        header = {
            "code": code, "flag": flag, "language": language, "opaque": opaque, "version": version,
            "remark": "", "extFields": {k: str(v) for k, v in (ext or {}).items()},
        }
        self.send_raw(encode_frame(header, body, serialization))
        deadline = time.monotonic() + (self.sock.gettimeout() or 10.0)
        while True:
            frame = self.read_frame()
            if frame.flag & RESPONSE_FLAG and frame.opaque == opaque:
                expected = SERIALIZE_ROCKETMQ if serialization == "rocketmq" else SERIALIZE_JSON
                assert frame.serialize_type == expected, \
                    f"response serialized as {frame.serialize_type}, request as {expected}"
                return frame
            if not frame.flag & RESPONSE_FLAG:
                self.answer_server_request(frame)
            if time.monotonic() > deadline:
                raise TimeoutError(f"no response with opaque {opaque}")

    on_server_request = None

    def answer_server_request(self, frame: Frame):
        """Answers a request the server sent on this connection (unless it is oneway)."""
        answer = self.on_server_request(frame) if self.on_server_request else None
        if frame.flag & ONEWAY_FLAG or answer is None:
            return
        code, ext, body = answer
        header = {"code": code, "flag": RESPONSE_FLAG, "language": "JAVA", "opaque": frame.opaque, "version": 409,
                  "remark": "", "extFields": {k: str(v) for k, v in (ext or {}).items()}}
        self.send_raw(encode_frame(header, body or b""))

    def serve_requests(self, until, timeout: float = 10.0):
        """Reads and answers server requests until `until()` is true (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while not until():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not reached while serving server requests")
            frame = self.read_frame()
            if not frame.flag & RESPONSE_FLAG:
                self.answer_server_request(frame)


def request(address: str, code: int, ext: dict | None = None, body: bytes = b"", **kwargs) -> Frame:
    with Connection(address) as connection:
        return connection.request(code, ext, body, **kwargs)


# ---------------------------------------------------------------------------------------------
# fastjson bodies


@dataclass(frozen=True)
class ObjectKey:
    """A map key fastjson wrote as an object (`{{"brokerName":"b","queueId":0,"topic":"T"}:…}`)."""
    items: tuple

    def as_dict(self) -> dict:
        return dict(self.items)


class _FastJSONParser:
    """JSON plus what fastjson's `MapDeserializer` accepts: bare numeric keys and object keys."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def fail(self, message):
        raise ValueError(f"fastjson parse error at {self.pos}: {message}: {self.text[self.pos:self.pos + 40]!r}")

    def ws(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def value(self):
        self.ws()
        if self.pos >= len(self.text):
            self.fail("unexpected end")
        c = self.text[self.pos]
        if c == "{":
            return self.object()
        if c == "[":
            self.pos += 1
            items = []
            self.ws()
            if self.text[self.pos] == "]":
                self.pos += 1
                return items
            while True:
                items.append(self.value())
                self.ws()
                c = self.text[self.pos]
                self.pos += 1
                if c == "]":
                    return items
                if c != ",":
                    self.fail("expected , or ]")
        if c == '"':
            decoder = json.JSONDecoder()
            result, end = decoder.raw_decode(self.text, self.pos)
            self.pos = end
            return result
        match = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null").match(self.text, self.pos)
        if not match:
            self.fail("unexpected character")
        self.pos = match.end()
        token = match.group(0)
        if token in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[token]
        return float(token) if match.group(1) or match.group(2) else int(token)

    @staticmethod
    def freeze(value):
        if isinstance(value, dict):
            return ObjectKey(tuple(sorted((k, _FastJSONParser.freeze(v)) for k, v in value.items())))
        if isinstance(value, list):
            return tuple(_FastJSONParser.freeze(v) for v in value)
        return value

    def object(self):
        self.pos += 1
        result = {}
        self.ws()
        if self.text[self.pos] == "}":
            self.pos += 1
            return result
        while True:
            self.ws()
            c = self.text[self.pos]
            if c == "{":
                key = self.freeze(self.object())
            elif c == '"':
                key = self.value()
            else:
                key = self.value()
                if not isinstance(key, int):
                    self.fail("expected a key")
            self.ws()
            if self.text[self.pos] != ":":
                self.fail("expected :")
            self.pos += 1
            result[key] = self.value()
            self.ws()
            c = self.text[self.pos]
            self.pos += 1
            if c == "}":
                return result
            if c != ",":
                self.fail("expected , or }")


def parse_fastjson(body: bytes | str):
    """Parses a body as fastjson would: bare numeric keys become ints, object keys `ObjectKey`s."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    parser = _FastJSONParser(text)
    value = parser.value()
    parser.ws()
    if parser.pos != len(text):
        parser.fail("trailing characters")
    return value


def queue_map(table: dict) -> dict:
    """A `Map<MessageQueue, V>` as {(topic, brokerName, queueId): V}, whether fastjson wrote the keys
    as objects or as strings holding the object's JSON (both parse in Java)."""
    result = {}
    for key, value in table.items():
        queue = key.as_dict() if isinstance(key, ObjectKey) else json.loads(key)
        assert set(queue) == {"brokerName", "queueId", "topic"}, f"not a MessageQueue key: {key!r}"
        result[(queue["topic"], queue["brokerName"], int(queue["queueId"]))] = value
    return result


def int_map(table: dict) -> dict:
    """A `Map<Integer, V>`: keys bare or quoted."""
    return {int(key): value for key, value in table.items()}


# ---------------------------------------------------------------------------------------------
# Name server helpers


def parse_lenient_json(body: bytes):
    """Parses JSON that may use fastjson's unquoted numeric keys ({0:"addr"})."""
    text = body.decode("utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(re.sub(r"([{,])\s*(-?\d+)\s*:", r'\1"\2":', text))


def get_route(namesrv: str, topic: str):
    """Returns the topic's route as a dict, or None when the name server has none (TOPIC_NOT_EXIST,
    or an error for a name it refuses)."""
    response = request(namesrv, GET_ROUTEINFO_BY_TOPIC, {"topic": topic})
    if response.code != SUCCESS:
        return None
    return parse_lenient_json(response.body)


def queue_counts(route) -> tuple[int, int]:
    """(read queues, write queues) summed over the route's brokers."""
    datas = route.get("queueDatas") or []
    return sum(int(d["readQueueNums"]) for d in datas), sum(int(d["writeQueueNums"]) for d in datas)


def wait_for_route(namesrv: str, topic: str, timeout: float = 35.0, min_queues: int = 1):
    """Waits until the name server has a route for topic (a broker registers a new topic at once in
    RocketMQ; the timeout also tolerates one 30 s registration period)."""
    deadline = time.monotonic() + timeout
    route = None
    while time.monotonic() < deadline:
        route = get_route(namesrv, topic)
        if route is not None and min(queue_counts(route)) >= min_queues:
            return route
        time.sleep(0.1)
    raise AssertionError(f"no route with {min_queues}+ queues for {topic} within {timeout}s (last: {route})")


def cluster_info_text(namesrv: str) -> str:
    response = request(namesrv, GET_BROKER_CLUSTER_INFO)
    assert response.code == SUCCESS, f"cluster info failed: {response}"
    return response.body.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# Broker helpers


def encode_properties(properties: dict) -> str:
    return "".join(f"{k}\x01{v}\x02" for k, v in properties.items())


def decode_properties(text: str) -> dict:
    result = {}
    for item in text.split("\x02"):
        if item:
            key, _, value = item.partition("\x01")
            result[key] = value
    return result


def send_message(broker: str, topic: str, body: bytes, *, queue_id: int = 0, properties: dict | None = None,
                 sys_flag: int = 0, group: str = "PID_raw_interop", connection: Connection | None = None) -> Frame:
    """A SEND_MESSAGE (10) request with the header fields a Java 4.9 client would send."""
    ext = {
        "producerGroup": group, "topic": topic, "defaultTopic": "TBW102", "defaultTopicQueueNums": 4,
        "queueId": queue_id, "sysFlag": sys_flag, "bornTimestamp": int(time.time() * 1000), "flag": 0,
        "properties": encode_properties(properties or {"WAIT": "true"}), "reconsumeTimes": 0,
        "unitMode": "false", "batch": "false",
    }
    if connection is not None:
        return connection.request(SEND_MESSAGE, ext, body)
    return request(broker, SEND_MESSAGE, ext, body)


def create_topic(broker: str, topic: str, queues: int, perm: int = 6) -> Frame:
    """UPDATE_AND_CREATE_TOPIC (17) as mqadmin updateTopic sends it."""
    return request(broker, UPDATE_AND_CREATE_TOPIC, {
        "topic": topic, "defaultTopic": "TBW102", "readQueueNums": queues, "writeQueueNums": queues,
        "perm": perm, "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0, "order": "false",
    })


@dataclass
class StoredMessage:
    queue_id: int
    flag: int
    queue_offset: int
    physical_offset: int
    sys_flag: int
    born_timestamp: int
    born_host: str
    store_timestamp: int
    store_host: str
    reconsume_times: int
    body: bytes
    topic: str
    properties: dict = field(default_factory=dict)


def _host(data: bytes, pos: int, ipv6: bool):
    size = 16 if ipv6 else 4
    raw = data[pos:pos + size]
    address = socket.inet_ntop(socket.AF_INET6 if ipv6 else socket.AF_INET, raw)
    (port,) = struct.unpack(">i", data[pos + size:pos + size + 4])
    return f"{address}:{port}", pos + size + 4


def decode_messages(data: bytes) -> list[StoredMessage]:
    """Decodes concatenated stored-format records (message-format.md §1)."""
    messages, pos = [], 0
    while pos < len(data):
        start = pos
        total, magic = struct.unpack(">iI", data[pos:pos + 8])
        assert magic == 0xDAA320A7, f"unexpected magic {magic:#x} at {start}"
        queue_id, flag, queue_offset, physical_offset, sys_flag, born_ts = struct.unpack(
            ">iiqqiq", data[pos + 12:pos + 48])
        pos += 48
        born_host, pos = _host(data, pos, bool(sys_flag & 0x10))
        (store_ts,) = struct.unpack(">q", data[pos:pos + 8])
        pos += 8
        store_host, pos = _host(data, pos, bool(sys_flag & 0x20))
        reconsume_times, _prepared = struct.unpack(">iq", data[pos:pos + 12])
        pos += 12
        (body_len,) = struct.unpack(">i", data[pos:pos + 4])
        body = data[pos + 4:pos + 4 + body_len]
        pos += 4 + body_len
        topic_len = data[pos]
        topic = data[pos + 1:pos + 1 + topic_len].decode("utf-8")
        pos += 1 + topic_len
        (props_len,) = struct.unpack(">h", data[pos:pos + 2])
        props = decode_properties(data[pos + 2:pos + 2 + props_len].decode("utf-8"))
        pos += 2 + props_len
        assert pos - start == total, f"record at {start}: TOTALSIZE {total} but fields span {pos - start}"
        messages.append(StoredMessage(queue_id, flag, queue_offset, physical_offset, sys_flag, born_ts, born_host,
                                      store_ts, store_host, reconsume_times, body, topic, props))
    return messages


def pull(broker: str, group: str, topic: str, queue_id: int, offset: int, *, subscription: str = "*",
         max_msgs: int = 32) -> Frame:
    """A non-suspending PULL_MESSAGE with the subscription in the request (as the C++ pull consumer sends)."""
    return request(broker, PULL_MESSAGE, {
        "consumerGroup": group, "topic": topic, "queueId": queue_id, "queueOffset": offset,
        "maxMsgNums": max_msgs, "sysFlag": PULL_SYSFLAG_SUBSCRIPTION, "commitOffset": 0,
        "suspendTimeoutMillis": 0, "subscription": subscription, "subVersion": 0, "expressionType": "TAG",
    })
