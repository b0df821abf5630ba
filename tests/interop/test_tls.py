"""Issue 12: TLS on the remoting port with RocketMQ's settings (tls.server.mode disabled | permissive |
enforcing, need.client.auth), checked with Python's ssl client speaking the remoting protocol and with
the Swift client (`comet produce/consume --tls`). Certificates are generated per test run with the
openssl command (throwaway keys in the test's temp folder)."""
import json
import socket
import ssl
import struct
import subprocess
from pathlib import Path

import pytest

import remoting
from conftest import BROKER_LISTENING, NAMESRV_LISTENING, comet_binary
from cpp_client import unique, wait_until

GET_ALL_TOPIC_CONFIG = 21
GET_BROKER_CLUSTER_INFO = 106
GET_ROUTEINFO_BY_TOPIC = 105


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA, plus a
    client certificate from a different CA."""
    d = tmp_path_factory.mktemp("certs")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=comet test CA", cwd=d)
    (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, ca in (("server", "ca"), ("client", "ca")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN=comet test {name}", cwd=d)
        extra = ["-extfile", "server.ext"] if name == "server" else []
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "2", *extra, cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue.key", "-out", "rogue.pem", "-days", "2",
            "-subj", "/CN=rogue", cwd=d)
    return d


def tls_context(certs: Path, client_cert: str | None = None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    if client_cert:
        context.load_cert_chain(str(certs / f"{client_cert}.pem"), str(certs / f"{client_cert}.key"))
    return context


def tls_request(address: str, context: ssl.SSLContext, code: int, ext: dict | None = None):
    host, port = remoting.split_address(address)
    with socket.create_connection((host, port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as sock:
            header = {"code": code, "flag": 0, "language": "JAVA", "opaque": 7, "version": 409, "remark": "",
                      "extFields": ext or {}}
            sock.sendall(remoting.encode_frame(header))
            (length,) = struct.unpack(">I", recv_exactly(sock, 4))
            return decode(recv_exactly(sock, length))


def recv_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def decode(rest: bytes):
    (word,) = struct.unpack(">I", rest[:4])
    header_length = word & 0xFFFFFF
    return remoting.Frame(json.loads(rest[4:4 + header_length]), rest[4 + header_length:])


def plaintext_refused(address: str) -> bool:
    """True when the server closes a plaintext connection without answering a request."""
    host, port = remoting.split_address(address)
    with socket.create_connection((host, port), timeout=10) as sock:
        header = {"code": GET_BROKER_CLUSTER_INFO, "flag": 0, "language": "JAVA", "opaque": 1, "version": 409,
                  "remark": "", "extFields": {}}
        sock.sendall(remoting.encode_frame(header))
        try:
            return sock.recv(4) == b""
        except ConnectionResetError:
            return True


class TLSServer:
    def __init__(self, process, namesrv_address, broker_address):
        self.process = process
        self.address = self.namesrv_address = namesrv_address
        self.broker_address = broker_address

    def alive(self):
        return self.process.alive()


def start_tls_standalone(start_comet, tmp_path, certs, mode, client_auth="none") -> TLSServer:
    """`comet standalone` with TLS; waits (over TLS, with the client certificate) until the broker has
    registered with the name server and TBW102 is routed."""
    process = start_comet(
        "standalone", "--data", str(tmp_path / "data"), "--namesrv-listen", "127.0.0.1:0", "--listen",
        "127.0.0.1:0", "--http", "127.0.0.1:0", "--log-level", "debug", "--tls-mode", mode, "--tls-cert", str(certs / "server.pem"),
        "--tls-key", str(certs / "server.key"), "--tls-trust-cert", str(certs / "ca.pem"),
        "--tls-client-auth", client_auth, name="tls-standalone", listening=NAMESRV_LISTENING)
    broker = process.wait_for_listening(BROKER_LISTENING)
    port = broker.rsplit(":", 1)[1]
    context = tls_context(certs, "client")

    def registered():
        info = tls_request(process.address, context, GET_BROKER_CLUSTER_INFO)
        route = tls_request(process.address, context, GET_ROUTEINFO_BY_TOPIC, {"topic": "TBW102"})
        return f":{port}" in info.body.decode() and route.code == 0

    wait_until(registered, 20, "the broker to register over TLS")
    return TLSServer(process, process.address, broker)


def test_disabled_mode_refuses_a_tls_handshake(standalone, certs):
    server = standalone()
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        tls_request(server.namesrv_address, tls_context(certs), GET_BROKER_CLUSTER_INFO)
    assert remoting.request(server.namesrv_address, GET_BROKER_CLUSTER_INFO).code == 0


def test_permissive_mode_takes_tls_and_plaintext_on_one_port(start_comet, tmp_path, certs):
    server = start_tls_standalone(start_comet, tmp_path, certs, "permissive")
    for address in (server.namesrv_address, server.broker_address):
        assert tls_request(address, tls_context(certs), GET_ALL_TOPIC_CONFIG if address == server.broker_address
                           else GET_BROKER_CLUSTER_INFO).code == 0
    assert remoting.request(server.namesrv_address, GET_BROKER_CLUSTER_INFO).code == 0
    assert remoting.request(server.broker_address, GET_ALL_TOPIC_CONFIG).code == 0


def test_enforcing_mode_closes_plaintext_connections_and_serves_tls(start_comet, tmp_path, certs):
    server = start_tls_standalone(start_comet, tmp_path, certs, "enforcing")
    assert plaintext_refused(server.namesrv_address)
    assert plaintext_refused(server.broker_address)
    assert tls_request(server.broker_address, tls_context(certs), GET_ALL_TOPIC_CONFIG).code == 0
    assert server.alive()


def test_mutual_tls_requires_a_client_certificate_from_the_trusted_ca(start_comet, tmp_path, certs):
    server = start_tls_standalone(start_comet, tmp_path, certs, "enforcing", "require")
    assert tls_request(server.broker_address, tls_context(certs, "client"), GET_ALL_TOPIC_CONFIG).code == 0
    for context in (tls_context(certs), tls_context(certs, "rogue")):
        with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
            tls_request(server.broker_address, context, GET_ALL_TOPIC_CONFIG)
    assert server.alive()


def test_optional_client_auth_accepts_clients_without_certificates(start_comet, tmp_path, certs):
    server = start_tls_standalone(start_comet, tmp_path, certs, "enforcing", "optional")
    assert tls_request(server.broker_address, tls_context(certs), GET_ALL_TOPIC_CONFIG).code == 0
    assert tls_request(server.broker_address, tls_context(certs, "client"), GET_ALL_TOPIC_CONFIG).code == 0
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        tls_request(server.broker_address, tls_context(certs, "rogue"), GET_ALL_TOPIC_CONFIG)


def test_swift_client_produces_and_consumes_over_tls(start_comet, tmp_path, certs):
    server = start_tls_standalone(start_comet, tmp_path, certs, "enforcing", "require")
    topic, group = unique("TopicTls"), unique("GID_tls")
    tls = ["--tls-ca", str(certs / "ca.pem"), "--tls-client-cert", str(certs / "client.pem"),
           "--tls-client-key", str(certs / "client.key")]
    sent = subprocess.run([comet_binary(), "produce", "-n", server.address, "-t", topic, "--count", "3",
                           "--body", "over tls", *tls], capture_output=True, text=True, timeout=60)
    assert sent.returncode == 0, sent.stderr
    consumed = subprocess.run([comet_binary(), "consume", "-n", server.address, "-t", topic, "-g", group,
                               "--from", "earliest", "--count", "3", "--json", *tls],
                              capture_output=True, text=True, timeout=90)
    assert consumed.returncode == 0, consumed.stderr
    assert consumed.stdout.count("over tls") == 3
    # Verification is real: a client that trusts another CA fails; --tls-insecure skips the check.
    untrusted = subprocess.run([comet_binary(), "produce", "-n", server.address, "-t", topic, "--body", "x",
                                "--tls-ca", str(certs / "rogue.pem"), "--tls-client-cert", str(certs / "client.pem"),
                                "--tls-client-key", str(certs / "client.key")],
                               capture_output=True, text=True, timeout=60)
    assert untrusted.returncode != 0
    insecure = subprocess.run([comet_binary(), "produce", "-n", server.address, "-t", topic, "--body", "x",
                               "--tls-insecure", "--tls-client-cert", str(certs / "client.pem"),
                               "--tls-client-key", str(certs / "client.key")],
                              capture_output=True, text=True, timeout=60)
    assert insecure.returncode == 0, insecure.stderr
    plain = subprocess.run([comet_binary(), "produce", "-n", server.address, "-t", topic, "--body", "x"],
                           capture_output=True, text=True, timeout=60)
    assert plain.returncode != 0
