"""`comet tail` against a real `comet standalone`: every line arrives, duplicates only from the
unacknowledged tail after a SIGKILL, rotation by rename and copy-truncate loses nothing."""
import collections
import json
import os

import pytest

from connectors import Connector, read_topic, wait_for


def start_tail(tmp_path, server, topic, *paths, state=None, extra=(), name="tail"):
    args = ["tail", "-n", server.namesrv_address, "-t", topic, "--from-beginning",
            "--state", str(state or tmp_path / "tail.state"), *extra, *[str(p) for p in paths]]
    return Connector(args, tmp_path / f"{name}.log")


def acknowledged(state, path) -> int:
    """The offset the state file records for `path` (0 before the first acknowledgement)."""
    if not state.exists():
        return 0
    entries = [e for e in json.loads(state.read_text())["files"] if e["path"] == str(path)]
    return entries[0]["offset"] if entries else 0


def bodies(messages):
    return [m.body.decode() for m in messages]


def test_tail_sends_every_line_with_source_properties(standalone, tmp_path):
    server = standalone()
    log = tmp_path / "app.log"
    log.write_text("".join(f'{{"level":"info","id":{i}}}\n' for i in range(100)))
    tail = start_tail(tmp_path, server, "TailBasic", log, extra=["--json-tag", "level", "--json-key", "id"])
    try:
        messages = wait_for(lambda: (m := read_topic(server, "TailBasic")) and len(m) >= 100 and m, 30, "100 lines")
        with open(log, "a") as f:
            f.write("".join(f'{{"level":"warn","id":{i}}}\n' for i in range(100, 150)))
        messages = wait_for(lambda: (m := read_topic(server, "TailBasic")) and len(m) >= 150 and m, 30, "150 lines")
    finally:
        tail.stop()
    assert sorted(json.loads(b)["id"] for b in bodies(messages)) == list(range(150))
    first = next(m for m in messages if json.loads(m.body)["id"] == 0)
    assert first.properties["source_path"] == str(log)
    assert first.properties["source_offset"] == "0"
    assert first.properties["TAGS"] == "info"
    assert first.properties["KEYS"] == "0"
    assert len(first.properties["UNIQ_KEY"]) == 32


def test_sigkill_mid_file_loses_nothing_and_duplicates_only_the_unacknowledged_tail(standalone, tmp_path):
    server = standalone()
    log = tmp_path / "big.log"
    total = 40_000
    with open(log, "w") as f:
        for i in range(total):
            f.write(f"line-{i:07d} " + "x" * 100 + "\n")
    state = tmp_path / "tail.state"
    first = start_tail(tmp_path, server, "TailKill", log, state=state, name="tail-1")
    # Kill once a part (not all) has been sent: mid-file, with batches in flight.
    wait_for(lambda: acknowledged(state, log) > 0, 60, "progress")
    first.kill()
    at_kill = acknowledged(state, log)
    assert 0 < at_kill < log.stat().st_size, "killed mid-file"
    second = start_tail(tmp_path, server, "TailKill", log, state=state, name="tail-2")
    try:
        wait_for(lambda: acknowledged(state, log) == log.stat().st_size, 120, "the whole file acknowledged")
    finally:
        second.stop()
    messages = read_topic(server, "TailKill")
    counts = collections.Counter(bodies(messages))
    assert set(counts) == {f"line-{i:07d} " + "x" * 100 for i in range(total)}, "every line arrived"
    duplicates = [body for body, n in counts.items() if n > 1]
    assert all(n <= 2 for n in counts.values())
    # A duplicate is always the same line position (same UNIQ_KEY), and only lines at or after the
    # last saved position can have been sent twice.
    by_key = collections.defaultdict(set)
    for m in messages:
        by_key[m.properties["UNIQ_KEY"]].add(m.body)
    assert all(len(v) == 1 for v in by_key.values())
    line_size = len(f"line-{0:07d} " + "x" * 100 + "\n")
    for body in duplicates:
        assert int(body[5:12]) * line_size >= at_kill
    print(f"acknowledged at kill: {at_kill} bytes; duplicates: {len(duplicates)}")


def test_rotation_by_rename_and_copy_truncate_loses_nothing(standalone, tmp_path):
    server = standalone()
    folder = tmp_path / "logs"
    folder.mkdir()
    log = folder / "app.log"
    tail = start_tail(tmp_path, server, "TailRotate", folder / "*.log")
    try:
        sent = []

        def write(prefix, count, path=log):
            with open(path, "a") as f:
                for i in range(count):
                    line = f"{prefix}-{i}"
                    f.write(line + "\n")
                    sent.append(line)

        write("a", 500)
        wait_for(lambda: len(read_topic(server, "TailRotate")) >= 500, 30, "first lines")
        # Rename rotation; the writer appends a little to the old file before reopening.
        os.rename(log, folder / "app.log.1")
        write("a-late", 50, folder / "app.log.1")
        write("b", 500)
        wait_for(lambda: len(read_topic(server, "TailRotate")) >= 1050, 30, "lines after rename rotation")
        # Copy-truncate rotation.
        (folder / "copy.bak").write_bytes(log.read_bytes())
        os.truncate(log, 0)
        write("c", 300)
        messages = wait_for(
            lambda: (m := read_topic(server, "TailRotate")) and len(m) >= 1350 and m, 30, "lines after copy-truncate")
    finally:
        tail.stop()
    assert sorted(bodies(messages)) == sorted(sent)
