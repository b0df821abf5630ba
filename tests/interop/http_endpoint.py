"""Helpers for Comet's HTTP endpoint: find its address in a process log, GET/POST, parse /metrics."""
import json
import re
import time
import urllib.error
import urllib.request

DASHBOARD = re.compile(r"comet dashboard: (http://\S+?)/\s")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def base_url(process, timeout: float = 15.0) -> str:
    """The http://host:port printed by `comet standalone` / `comet broker --http`."""
    return process.wait_for_log(DASHBOARD.pattern, timeout).group(1)


def get(url: str, timeout: float = 10.0, headers=None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def request_json(method: str, url: str, body=None, timeout: float = 30.0, headers=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text.decode(errors="replace")


def parse_metrics(text: str) -> list[tuple[str, dict, float]]:
    """Every sample of a Prometheus text exposition as (name, labels, value)."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        labels = dict(LABEL.findall(match.group(2) or ""))
        samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def metric_sum(samples, name: str, **labels) -> float:
    """Sum of the samples named `name` whose labels include `labels`."""
    return sum(value for sample_name, sample_labels, value in samples
               if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items()))


def scrape(base: str):
    status, headers, body = get(base + "/metrics")
    assert status == 200, body
    assert headers.get("Content-Type", "").startswith("text/plain; version=0.0.4"), headers
    return parse_metrics(body.decode())


def wait_for_metric(base: str, predicate, timeout: float, message: str):
    deadline = time.monotonic() + timeout
    samples = []
    while time.monotonic() < deadline:
        samples = scrape(base)
        if predicate(samples):
            return samples
        time.sleep(0.2)
    raise AssertionError(f"{message} within {timeout}s; last scrape:\n" +
                         "\n".join(f"{n}{l} {v}" for n, l, v in samples if n.startswith("rocketmq_")))
