"""Messages cross protocols intact: the C++ client (remoting) → a v5 consumer (gRPC) and a v5
producer → a C++ push consumer, with tags, keys, properties and bodies (compressed ones included)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import v5
from conftest import common, wait_until

REPO = Path(__file__).resolve().parents[2]
REMOTING_PYTHON = os.environ.get("COMET_REMOTING_PYTHON", str(REPO / ".venv-remoting" / "bin" / "python"))


def cpp(*args, timeout=90):
    if not os.access(REMOTING_PYTHON, os.X_OK):
        pytest.skip(f"the C++ client's venv is missing ({REMOTING_PYTHON})")
    done = subprocess.run(
        [REMOTING_PYTHON, str(Path(__file__).with_name("cpp_side.py")), *args], capture_output=True, text=True,
        timeout=timeout, env={**os.environ, "HOME": os.environ.get("HOME", "/tmp")})
    assert done.returncode == 0, f"cpp_side.py failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_cpp_producer_to_v5_consumer(grpc_server):
    server = grpc_server()
    common.wait_broker_ready(server.namesrv_address, server.broker_address)
    consumer = v5.simple_consumer(server, "CrossV5", {"CrossIn": None})
    try:
        big = "z" * 6000 + "-end"  # over 4 KiB: the C++ client sends it zlib-compressed
        cpp("send", server.namesrv_address, "CrossIn", json.dumps([
            {"body": "hello", "tags": "TagX", "keys": "k1 k2", "properties": {"color": "red"}},
            {"body": big, "tags": "TagY"},
        ]))
        got = {m.body.decode(): m for m in v5.receive_all(consumer, 2, timeout=30)}
        assert set(got) == {"hello", big}
        hello = got["hello"]
        assert hello.tag == "TagX"
        assert set(hello.keys) == {"k1", "k2"}
        assert hello.properties.get("color") == "red"
        assert got[big].tag == "TagY"
    finally:
        consumer.shutdown()


def test_v5_producer_to_cpp_consumer(grpc_server):
    server = grpc_server()
    producer = v5.producer(server, ["CrossOut"])
    try:
        producer.send(v5.message("CrossOut", "warm"))
        sent = [
            v5.message("CrossOut", "from-v5", tag="TagV", keys=["a", "b"], properties={"size": "L"}),
            v5.message("CrossOut", "ordered", group="grp-1"),
        ]
        for m in sent:
            producer.send(m)
        import remoting

        common.wait_broker_ready(server.namesrv_address, server.broker_address)
        wait_until(lambda: remoting.get_route(server.namesrv_address, "CrossOut") is not None, 40,
                   message="route of CrossOut at the name server")
        out = cpp("consume", server.namesrv_address, "CrossOut", "CrossCpp", "3", "60",
                  json.dumps(["size", "__SHARDINGKEY"]))
        got = {m["body"]: m for m in json.loads(out)}
        assert {"warm", "from-v5", "ordered"} <= set(got)
        assert got["from-v5"]["tags"] == "TagV"
        assert set(got["from-v5"]["keys"].split()) == {"a", "b"}
        assert got["from-v5"]["properties"].get("size") == "L"
        assert got["ordered"]["properties"].get("__SHARDINGKEY") == "grp-1"
    finally:
        producer.shutdown()
