"""Throughput and latency of a real `comet standalone` driven by the official C++ client.

Usage (with the remoting virtualenv that scripts/test.sh creates):
    .venv-remoting/bin/python Benchmarks/cpp_client_bench.py --comet .build/release/comet \
        [--producers 4] [--seconds 15] [--size 1024]

Prints launch-to-accept time, broker RSS idle and under load, produce msgs/s, MB/s and send
latency percentiles (sync sends, one producer per thread as the client requires), then consume
throughput of everything produced by one push consumer. Everything runs on 127.0.0.1.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

os.environ["HOME"] = tempfile.mkdtemp(prefix="comet-bench-home-")  # C++ client logs go under $HOME/logs

from rocketmq.client import Message, Producer, PushConsumer  # noqa: E402
from rocketmq.ffi import dll  # noqa: E402


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start(comet, data):
    log_path = os.path.join(data, "comet.log")
    log = open(log_path, "wb")
    begin = time.monotonic()
    proc = subprocess.Popen(
        [comet, "standalone", "--data", data, "--namesrv-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--no-http"],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = begin + 30
    while time.monotonic() < deadline:
        text = open(log_path, errors="replace").read()
        namesrv = re.search(r"name server listening on (\S+)", text)
        broker = re.search(r"broker listening on (\S+):(\d+)", text)
        if namesrv and broker:
            return proc, namesrv.group(1), time.monotonic() - begin
        time.sleep(0.002)
    raise RuntimeError("comet did not start listening")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--comet", default=".build/release/comet")
    parser.add_argument("--producers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--size", type=int, default=1024)
    args = parser.parse_args()

    data = tempfile.mkdtemp(prefix="comet-bench-")
    proc, namesrv, accepting = start(args.comet, data)
    try:
        time.sleep(3)
        idle_rss = rss_kib(proc.pid)
        topic = f"Bench{os.getpid()}"
        body = b"x" * args.size

        producers = []
        for i in range(args.producers):
            producer = Producer(f"PID_bench_{i}", max_message_size=4 * 1024 * 1024)
            dll.SetProducerInstanceName(producer._handle, f"bench{i}".encode())
            producer.set_namesrv_addr(namesrv)
            producer.start()
            producers.append(producer)
        warm = Message(topic)
        warm.set_body(body)
        producers[0].send_sync(warm)  # creates the topic and its route

        latencies = [[] for _ in producers]
        stop = time.monotonic() + args.seconds
        peak_rss = [idle_rss]

        def produce(i):
            message = Message(topic)
            message.set_body(body)
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                producers[i].send_sync(message)
                latencies[i].append(time.perf_counter() - t0)

        def sample():
            while time.monotonic() < stop:
                peak_rss[0] = max(peak_rss[0], rss_kib(proc.pid))
                time.sleep(0.5)

        threads = [threading.Thread(target=produce, args=(i,)) for i in range(args.producers)]
        threads.append(threading.Thread(target=sample))
        begin = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - begin
        all_latencies = [x for per in latencies for x in per]
        sent = len(all_latencies) + 1
        for producer in producers:
            producer.shutdown()

        received = [0]
        lock = threading.Lock()

        def on_message(_):
            with lock:
                received[0] += 1

        consumer = PushConsumer(f"CID_bench_{os.getpid()}")
        consumer.set_namesrv_addr(namesrv)
        consumer.set_thread_count(4)
        consumer.subscribe(topic, on_message)
        consume_begin = time.monotonic()
        consumer.start()
        deadline = consume_begin + 300
        while received[0] < sent and time.monotonic() < deadline:
            time.sleep(0.05)
        consume_elapsed = time.monotonic() - consume_begin
        consumer.shutdown()

        result = {
            "launch_to_accepting_ms": round(accepting * 1000, 1),
            "idle_rss_mib": round(idle_rss / 1024, 1),
            "load_peak_rss_mib": round(peak_rss[0] / 1024, 1),
            "producers": args.producers,
            "body_bytes": args.size,
            "produce_msgs_per_s": round(len(all_latencies) / elapsed),
            "produce_mb_per_s": round(len(all_latencies) * args.size / elapsed / 1e6, 2),
            "send_p50_ms": round(percentile(all_latencies, 0.50) * 1000, 3),
            "send_p99_ms": round(percentile(all_latencies, 0.99) * 1000, 3),
            "consumed": received[0],
            "produced": sent,
            "consume_msgs_per_s": round(received[0] / consume_elapsed),
        }
        print(json.dumps(result, indent=2))
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
