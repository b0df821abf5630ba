#!/usr/bin/env bash
# Runs every Comet test on a fresh clone: Swift unit and integration tests, then interop tests that
# drive a real `comet` process with the official RocketMQ clients from PyPI (installed here into
# virtualenvs, since the two clients both claim the `rocketmq` Python package name).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
venv_remoting=.venv-remoting   # rocketmq==0.4.4: the official C++ client (remoting protocol)
venv_grpc=.venv-grpc           # rocketmq-python-client==5.1.2: the official 5.x gRPC client

setup_venv() { # dir packages...
    local dir=$1
    shift
    if [ ! -x "$dir/bin/python" ]; then "$python" -m venv "$dir"; fi
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
}

echo "== installing interop clients"
# openapi-spec-validator (with jsonschema, PyYAML) checks the HTTP admin API against its OpenAPI document.
# selenium drives Debian's chromium for the dashboard tests.
setup_venv "$venv_remoting" rocketmq==0.4.4 pytest pytest-timeout openapi-spec-validator==0.9.0 jsonschema PyYAML \
    selenium &
remoting_pid=$!
setup_venv "$venv_grpc" rocketmq-python-client==5.1.2 pytest pytest-timeout &
grpc_pid=$!

echo "== swift format lint (configuration: .swift-format)"
swift format lint --strict --recursive Sources Tests

echo "== swift build (warnings are errors in Comet's targets; undeclared imports of package targets fail)"
# Both checks report through the exit code ("Build complete!" can still be printed): set -e stops here.
export COMET_WARNINGS_AS_ERRORS=1
swift build --build-tests --explicit-target-dependency-import-check error
bin=$(swift build --show-bin-path)

echo "== swift test"
# Suites carry Swift Testing time limits; this bounds the whole run too, so a hang fails CI instead of stalling it.
timeout --signal=TERM --kill-after=30s 30m swift test --skip-build

wait "$remoting_pid"
wait "$grpc_pid"

echo "== PostgreSQL for the connector tests (a throwaway server on a loopback port, stopped on exit)"
start_postgres() {
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    if [ -z "$pg_bin" ]; then
        local sudo=""
        if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
        pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/comet-pg-XXXXXX")
    as_postgres=()
    # initdb refuses to run as root: the server runs as Debian's postgres user then.
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$pg_dir"
        as_postgres=(runuser -u postgres --)
    fi
    local port
    port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >"$pg_dir/initdb.log"
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
        -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    trap stop_postgres EXIT
    export COMET_TEST_POSTGRES_DSN="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    export COMET_TEST_PSQL="$pg_bin/psql"
}
stop_postgres() {
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$pg_dir"
}
start_postgres

echo "== chromium and chromedriver for the dashboard tests (Debian packages)"
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
    sudo_apt=""
    if [ "$(id -u)" != 0 ]; then sudo_apt=sudo; fi
    $sudo_apt apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_apt apt-get install -y -qq chromium chromium-driver >/dev/null
fi

echo "== interop tests (official clients against a real comet process)"
# Dashboard screenshots land in $COMET_TEST_OUTPUT/dashboard.
COMET_TEST_OUTPUT="$PWD/.build/test-output" COMET_BINARY="$bin/comet" \
    "$venv_remoting/bin/python" -m pytest tests/interop -p no:cacheprovider --timeout 300 -q

echo "== gRPC interop tests (rocketmq-python-client 5.x against a real comet process)"
COMET_BINARY="$bin/comet" COMET_REMOTING_PYTHON="$PWD/$venv_remoting/bin/python" \
    "$venv_grpc/bin/python" -m pytest tests/interop_grpc -p no:cacheprovider --timeout 300 -q

echo "== fuzzing (libFuzzer targets in FuzzTesting/, a bounded number of runs each)"
# A fixed seed and run count: the same ~1 minute of inputs on every CI run (longer runs: FuzzTesting/README.md).
FUZZ_RUNS=${FUZZ_RUNS:-20000} FUZZ_SEED=${FUZZ_SEED:-11} FuzzTesting/fuzz.sh
