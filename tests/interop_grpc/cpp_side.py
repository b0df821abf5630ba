"""Runs the official C++ client (rocketmq==0.4.4, from .venv-remoting) for the cross-protocol tests:
the two official clients both claim the `rocketmq` package, so this runs in its own process.

  cpp_side.py send NAMESRV TOPIC JSON      JSON = [{"body", "tags", "keys", "properties"}]; prints nothing
  cpp_side.py consume NAMESRV TOPIC GROUP COUNT TIMEOUT PROPS   prints the received messages as JSON
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))

import cpp_client  # noqa: E402


def main():
    command, namesrv, topic = sys.argv[1:4]
    clients = cpp_client.Clients()
    try:
        if command == "send":
            producer = clients.producer(namesrv)
            for item in json.loads(sys.argv[4]):
                message = cpp_client.make_message(
                    topic, item["body"], tags=item.get("tags"), keys=item.get("keys"),
                    properties=item.get("properties"))
                result = producer.send_sync(message)
                assert result.status == 0, f"send failed: {result}"
        elif command == "consume":
            group, count, timeout = sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
            names = json.loads(sys.argv[7])
            _, collector = clients.push_consumer(namesrv, group, topic, property_names=names)
            deadline = time.monotonic() + timeout
            while collector.count() < count and time.monotonic() < deadline:
                time.sleep(0.05)
            print(json.dumps([
                {"body": m.body.decode(), "tags": m.tags.decode(), "keys": m.keys.decode(), "msg_id": m.msg_id,
                 "properties": m.properties} for m in collector.snapshot()]))
    finally:
        clients.shutdown_all()


if __name__ == "__main__":
    main()
