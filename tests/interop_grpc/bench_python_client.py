"""Receive/ack throughput and receive latency of comet's gRPC endpoint with the official Python 5.x
client, plus the broker's CPU time per message (from /proc). Not a test: run it by hand, e.g.

  .venv-grpc/bin/python tests/interop_grpc/bench_python_client.py --comet .build/release/comet --count 20000

It starts `comet standalone` on loopback ports in a temporary folder, sends --count messages with a
pool of producer threads, then receives and acks them with --consumers SimpleConsumers, and prints
msgs/s for both phases, p50/p99 of the receive call latency and broker CPU µs per message.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rocketmq import ClientConfiguration, Credentials, FilterExpression, Message, Producer, SimpleConsumer  # noqa: E402,E501

GRPC = re.compile(r"gRPC \(RocketMQ 5\.x\) endpoint listening on (\S+):(\d+)")


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comet", required=True)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--producers", type=int, default=8)
    parser.add_argument("--consumers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="comet-grpc-bench-")
    log = open(Path(data) / "comet.log", "wb")
    proc = subprocess.Popen(
        [args.comet, "standalone", "--data", data + "/d", "--namesrv-listen", "127.0.0.1:0", "--listen",
         "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--no-http", "--log-level", "info"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        endpoint = None
        while endpoint is None and time.monotonic() < deadline:
            match = GRPC.search((Path(data) / "comet.log").read_text(errors="replace"))
            if match:
                endpoint = f"127.0.0.1:{match.group(2)}"
            time.sleep(0.05)
        assert endpoint, "comet did not start"
        config = ClientConfiguration(endpoint, Credentials(), request_timeout=10)
        topic = "BenchTopic"
        producer = Producer(config, (topic,))
        producer.startup()
        body = b"x" * args.size
        per_thread = args.count // args.producers
        cpu0 = cpu_seconds(proc.pid)
        start = time.monotonic()

        def produce():
            for _ in range(per_thread):
                m = Message()
                m.topic = topic
                m.body = body
                producer.send(m)

        threads = [threading.Thread(target=produce) for _ in range(args.producers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent = per_thread * args.producers
        send_seconds = time.monotonic() - start
        send_cpu = cpu_seconds(proc.pid) - cpu0
        producer.shutdown()

        consumers = [SimpleConsumer(config, "BenchGroup", {topic: FilterExpression()}, await_duration=2)
                     for _ in range(args.consumers)]
        for c in consumers:
            c.startup()
        received = [0]
        latencies = []
        lock = threading.Lock()
        cpu1 = cpu_seconds(proc.pid)
        start = time.monotonic()

        def consume(c):
            while True:
                with lock:
                    if received[0] >= sent:
                        return
                t0 = time.monotonic()
                batch = c.receive(args.batch, 30)
                with lock:
                    latencies.append(time.monotonic() - t0)
                if not batch and time.monotonic() - start > 120:
                    return
                for m in batch:
                    c.ack(m)
                with lock:
                    received[0] += len(batch)

        threads = [threading.Thread(target=consume, args=(c,)) for c in consumers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        receive_seconds = time.monotonic() - start
        receive_cpu = cpu_seconds(proc.pid) - cpu1
        for c in consumers:
            c.shutdown()
        print(f"send:    {sent} msgs in {send_seconds:.2f}s = {sent / send_seconds:.0f} msgs/s, "
              f"broker CPU {send_cpu / sent * 1e6:.0f} µs/msg")
        print(f"receive+ack: {received[0]} msgs in {receive_seconds:.2f}s = {received[0] / receive_seconds:.0f} msgs/s, "
              f"broker CPU {receive_cpu / max(1, received[0]) * 1e6:.0f} µs/msg")
        print(f"receive call latency (batch {args.batch}): p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
              f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms over {len(latencies)} calls")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
