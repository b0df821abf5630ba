"""The official C++ client (PyPI rocketmq==0.4.4) against `comet namesrv`."""
import time

import pytest
from rocketmq.client import Message, Producer


def test_route_lookup_without_broker_fails_with_no_route(start_comet):
    namesrv = start_comet("namesrv", "--listen", "127.0.0.1:0", "--log-level", "debug")
    producer = Producer("PID-interop-noroute")
    producer.set_namesrv_addr(namesrv.address)
    producer.start()
    try:
        message = Message("TopicInterop")
        message.set_tags("TagA")
        message.set_body("hello")
        with pytest.raises(Exception) as failure:
            producer.send_sync(message)
    finally:
        producer.shutdown()

    # The client's own "no route" error, not a protocol or timeout error.
    assert "No route info of this topic" in str(failure.value)
    # The name server decoded the C++ client's JSON header, and answered TOPIC_NOT_EXIST.
    namesrv.wait_for_log(r"received request GET_ROUTEINFO_BY_TOPIC\(105\) .*lang=CPP .*topic=TopicInterop")
    namesrv.wait_for_log(r"topic=TBW102")
    assert "closing connection" not in namesrv.log()


def test_namesrv_accepts_connections_quickly_and_stops_on_sigterm(start_comet):
    namesrv = start_comet("namesrv", "--listen", "127.0.0.1:0")
    assert time.monotonic() - namesrv.started_at < 5
    assert namesrv.stop() == 0
    assert "comet name server stopped" in namesrv.log()
