"""`comet sink postgres` and `comet source postgres` against a real `comet standalone` and a
throwaway PostgreSQL server (scripts/test.sh starts one and exports COMET_TEST_POSTGRES_DSN)."""
import collections
import json
import os
import subprocess
import uuid

import pytest

from conftest import comet_binary
from connectors import Connector, read_topic, wait_for

DSN = os.environ.get("COMET_TEST_POSTGRES_DSN")
PSQL = os.environ.get("COMET_TEST_PSQL", "psql")
pytestmark = pytest.mark.skipif(not DSN, reason="needs COMET_TEST_POSTGRES_DSN (scripts/test.sh starts PostgreSQL)")


def sql(statement: str) -> str:
    return subprocess.run([PSQL, DSN, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement], check=True,
                          capture_output=True, text=True, timeout=30).stdout.strip()


def count(table: str) -> int:
    return int(sql(f"SELECT count(*) FROM {table}"))


def produce(server, topic: str, lines):
    subprocess.run([comet_binary(), "produce", "-n", server.namesrv_address, "-t", topic],
                   input="".join(line + "\n" for line in lines), check=True, capture_output=True, text=True,
                   timeout=120)


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def start_sink(tmp_path, server, topic, group, table, *extra, name="sink"):
    return Connector(["sink", "postgres", "-n", server.namesrv_address, "-t", topic, "-g", group, "--dsn", DSN,
                      "--table", table, *extra], tmp_path / f"{name}.log")


def test_sigkill_between_batches_leaves_every_message_in_the_table_exactly_once(standalone, tmp_path):
    server = standalone()
    table, topic, group = unique("orders"), unique("Orders"), unique("orders_db")
    sql(f"CREATE TABLE {table} (id bigint, note text, amount numeric)")  # no key: a duplicate would show
    total = 4000
    produce(server, topic, [json.dumps({"id": i, "note": f"n{i}", "amount": i / 4}) for i in range(total)])
    kills = 0
    for attempt in range(3):
        sink = start_sink(tmp_path, server, topic, group, table, "--batch", "50", name=f"sink-{attempt}")
        before = count(table)
        wait_for(lambda: count(table) > before, 60, "rows after a restart")
        sink.kill()
        kills += 1
        if count(table) == total:
            break
    final = start_sink(tmp_path, server, topic, group, table, name="sink-final")
    try:
        wait_for(lambda: count(table) >= total, 90, f"{total} rows")
    finally:
        assert final.stop() == 0, final.log()
    assert count(table) == total
    assert int(sql(f"SELECT count(DISTINCT id) FROM {table}")) == total
    assert float(sql(f"SELECT sum(amount) FROM {table}")) == sum(i / 4 for i in range(total))
    offsets = int(sql(f"SELECT sum(next_offset) FROM comet_sink_offsets WHERE group_name = '{group}'"))
    assert offsets == total
    print(f"{kills} SIGKILLs, {total} rows exactly once")


def test_poison_message_goes_to_the_dead_letter_queue_and_the_sink_goes_on(standalone, tmp_path):
    server = standalone()
    table, topic, group = unique("events"), unique("Events"), unique("events_db")
    sql(f"CREATE TABLE {table} (id bigint, kind text)")
    sql(f"ALTER TABLE {table} ADD CONSTRAINT {table}_kind CHECK (kind <> 'forbidden')")
    produce(server, topic, [json.dumps({"id": 1, "kind": "a"}), "this is not json",
                            json.dumps({"id": "not a number", "kind": "c"}), json.dumps({"id": 3, "kind": "forbidden"}),
                            json.dumps({"id": 2, "kind": "b"})])
    sink = start_sink(tmp_path, server, topic, group, table)
    try:
        wait_for(lambda: count(table) == 2, 60, "the two good rows")
        dead = wait_for(lambda: (d := read_topic(server, f"%DLQ%{group}")) and len(d) >= 3 and d, 30, "dead letters")
    finally:
        sink.stop()
    assert sorted(m.body for m in dead) == sorted([b"this is not json", json.dumps({"id": "not a number", "kind": "c"}).encode(),
                                                   json.dumps({"id": 3, "kind": "forbidden"}).encode()])
    assert sql(f"SELECT string_agg(kind, ',' ORDER BY id) FROM {table}") == "a,b"


def test_raw_mapping_writes_body_and_metadata(standalone, tmp_path):
    server = standalone()
    table, topic, group = unique("raw"), unique("Raw"), unique("raw_db")
    sql(f"CREATE TABLE {table} (topic text, queue_offset bigint, msg_id text, body text, extra text DEFAULT 'd')")
    produce(server, topic, ["plain text 1", "plain text 2"])
    sink = start_sink(tmp_path, server, topic, group, table, "--mapping", "raw")
    try:
        wait_for(lambda: count(table) == 2, 60, "two rows")
    finally:
        sink.stop()
    rows = sql(f"SELECT topic, body, extra, length(msg_id) FROM {table} ORDER BY body").splitlines()
    assert rows == [f"{topic}|plain text 1|d|32", f"{topic}|plain text 2|d|32"]


def test_bad_dsn_missing_table_and_unknown_topic_exit_non_zero_with_a_clear_message(standalone, tmp_path):
    server = standalone()
    table, topic = unique("present"), unique("Present")
    sql(f"CREATE TABLE {table} (id bigint)")
    produce(server, topic, ['{"id":1}'])

    def run(*args):
        result = subprocess.run([comet_binary(), *args], capture_output=True, text=True, timeout=60)
        return result.returncode, result.stderr

    code, err = run("sink", "postgres", "-n", server.namesrv_address, "-t", topic, "-g", "g", "--dsn",
                    "mysql://nope", "--table", table)
    assert code != 0 and "--dsn must look like postgres://" in err
    code, err = run("sink", "postgres", "-n", server.namesrv_address, "-t", topic, "-g", "g", "--dsn", DSN,
                    "--table", "no_such_table")
    assert code != 0 and "table no_such_table does not exist" in err, err
    code, err = run("sink", "postgres", "-n", server.namesrv_address, "-t", "NoSuchTopic", "-g", "g", "--dsn", DSN,
                    "--table", table)
    assert code != 0 and "cannot read topic NoSuchTopic" in err, err
    port = DSN.split("@127.0.0.1:")[1].split("/")[0]
    wrong = DSN.replace(f":{port}/", ":1/")
    code, err = run("sink", "postgres", "-n", server.namesrv_address, "-t", topic, "-g", "g", "--dsn", wrong,
                    "--table", table)
    assert code != 0 and "cannot use PostgreSQL at" in err, err


def test_source_sends_new_rows_and_after_a_restart_only_the_rows_added_meanwhile(standalone, tmp_path):
    server = standalone()
    table, topic = unique("changes"), unique("Changes")
    sql(f"CREATE TABLE {table} (id bigserial PRIMARY KEY, payload text)")
    sql(f"INSERT INTO {table} (payload) SELECT 'p' || g FROM generate_series(1, 300) g")
    state = tmp_path / "source.state"
    args = ["source", "postgres", "-n", server.namesrv_address, "-t", topic, "--dsn", DSN, "--table", table,
            "--by", "id", "--state", str(state), "--interval", "100ms", "--batch", "50"]
    source = Connector(args, tmp_path / "source-1.log")
    try:
        wait_for(lambda: len(read_topic(server, topic)) >= 300, 60, "300 rows")
    finally:
        source.kill()
    assert json.loads(state.read_text())["position"] == "300"
    sql(f"INSERT INTO {table} (payload) SELECT 'q' || g FROM generate_series(1, 20) g")
    source = Connector(args, tmp_path / "source-2.log")
    try:
        wait_for(lambda: len(read_topic(server, topic)) >= 320, 60, "320 rows")
    finally:
        assert source.stop() == 0
    messages = read_topic(server, topic)
    ids = [json.loads(m.body)["id"] for m in messages]
    assert sorted(ids) == list(range(1, 321)), "each row once: the restart sent only the new rows"
    first = next(m for m in messages if json.loads(m.body)["id"] == 1)
    assert json.loads(first.body)["payload"] == "p1" and first.properties["KEYS"] == "1"
