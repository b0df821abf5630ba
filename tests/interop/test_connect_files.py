"""`comet sink files` against a real `comet standalone`: rolled files hold every message exactly once,
also across a SIGKILL."""
import collections
import json
import subprocess

from conftest import comet_binary
from connectors import Connector, wait_for


def rolled(folder):
    return sorted(p for p in folder.glob("*.jsonl"))


def lines(folder, in_progress=False):
    paths = rolled(folder) + (sorted(folder.glob(".*.inprogress")) if in_progress else [])
    result = []
    for path in paths:
        try:
            text = path.read_text()
        except FileNotFoundError:  # an in-progress file renamed meanwhile: read again on the next poll
            return []
        result += [json.loads(line) for line in text.splitlines() if line.endswith("}")]
    return result


def test_files_roll_by_size_and_hold_every_message_once_across_a_sigkill(standalone, tmp_path):
    server = standalone()
    topic, folder = "Archive", tmp_path / "archive"
    total = 3000
    subprocess.run([comet_binary(), "produce", "-n", server.namesrv_address, "-t", topic],
                   input="".join(f"event-{i}\n" for i in range(total)), check=True, capture_output=True, text=True,
                   timeout=120)
    args = ["sink", "files", "-n", server.namesrv_address, "-t", topic, "-g", "archiver", "--dir", str(folder),
            "--roll-size", "64KB"]
    first = Connector(args, tmp_path / "files-1.log")
    wait_for(lambda: len(rolled(folder)) >= 2, 60, "two rolled files")
    first.kill()
    second = Connector(args, tmp_path / "files-2.log")
    try:
        wait_for(lambda: len(lines(folder, in_progress=True)) >= total, 60, "every message written")
    finally:
        assert second.stop() == 0, second.log()  # SIGTERM rolls the file in progress
    received = lines(folder)
    counts = collections.Counter(r["body"] for r in received)
    assert set(counts) == {f"event-{i}" for i in range(total)}
    assert max(counts.values()) == 1, "no message in two files"
    assert len(rolled(folder)) >= 3
    # Rolled by size: at least --roll-size, plus at most the batch that crossed it.
    assert all(64 * 1024 <= path.stat().st_size < 256 * 1024 for path in rolled(folder)[:-1])
    assert not list(folder.glob(".*.inprogress"))
    sample = received[0]
    assert sample["topic"] == topic and len(sample["msgId"]) == 32 and "queueOffset" in sample
