"""Issue 15: the dashboard of `comet standalone` in a real browser (Debian's chromium + chromedriver,
Selenium from PyPI): every page loads, a topic is created through the UI, messages from the C++
client are found by key, a group's lag falls as its consumer runs, its offset is reset, and a dead
letter is re-sent. Screenshots of each step go to $COMET_TEST_OUTPUT/dashboard (default
.build/test-output/dashboard)."""
import datetime
import os
import shutil
import time
from pathlib import Path

import pytest
from rocketmq.client import SendStatus

import remoting

from cpp_client import make_message, unique, wait_until
from http_endpoint import base_url, request_json

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

PAGES = {
    # page: an element that exists once the page has its data
    "overview": "#stat-brokers",
    "cluster": "#runtime table",
    "topics": "#topic-list > *",
    "groups": "#group-list table",
    "producers": "#producer-form",
    "messages": "#search-form",
    "dlq": "#dlq-form",
    "config": "#config-list table",
}


def _chromedriver() -> str:
    for path in (os.environ.get("CHROMEDRIVER"), "/usr/bin/chromedriver", shutil.which("chromedriver")):
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError("chromedriver not found: scripts/test.sh installs Debian's chromium-driver")


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,1000", "--no-first-run", "--disable-extensions"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=_chromedriver()), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def shots(request):
    folder = Path(os.environ.get("COMET_TEST_OUTPUT", REPO / ".build" / "test-output")) / "dashboard"
    folder.mkdir(parents=True, exist_ok=True)
    count = [0]

    def shot(driver, name):
        count[0] += 1
        driver.save_screenshot(str(folder / f"{request.node.name}-{count[0]:02d}-{name}.png"))

    return shot


def wait_for(driver, css, timeout=20):
    return WebDriverWait(driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))


def wait_text(driver, css, predicate, timeout=30, message=""):
    def check(d):
        elements = d.find_elements(By.CSS_SELECTOR, css)
        return elements and predicate(elements[0].text) and elements[0]
    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(check, message or css)


def go(driver, base, page):
    driver.get(f"{base}/#/{page}")
    wait_for(driver, f'body[data-page="{page.split("?")[0]}"]')


def accept_confirmation(driver):
    WebDriverWait(driver, 10).until(EC.alert_is_present())
    driver.switch_to.alert.accept()


def no_errors(driver):
    errors = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".error") if e.text]
    assert not errors, errors


def test_every_page_loads_offline_and_small(standalone, browser, shots):
    server = standalone()
    base = base_url(server.broker_process)
    for page, ready in PAGES.items():
        go(browser, base, page)
        wait_for(browser, ready)
        no_errors(browser)
        shots(browser, page)
    # Everything the page loaded came from the broker itself (no CDN): the page works offline.
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert resources and all(name.startswith(base) for name in resources), resources


def test_topic_messages_lag_reset_and_dead_letters_through_the_ui(standalone, browser, shots, cpp):
    server = standalone()
    base = base_url(server.broker_process)
    topic, group = unique("TopicUi"), unique("GID_ui")

    # Create a topic through the UI.
    go(browser, base, "topics")
    wait_for(browser, "#topic-list")
    browser.find_element(By.ID, "topic-name").send_keys(topic)
    for field in ("topic-read", "topic-write"):
        browser.find_element(By.ID, field).clear()
        browser.find_element(By.ID, field).send_keys("2")
    browser.find_element(By.ID, "topic-create").click()
    wait_text(browser, "#topic-result", lambda t: "saved" in t)
    wait_for(browser, f'[data-topic="{topic}"]').click()
    wait_text(browser, "#topic-route", lambda t: "broker-a" in t)
    shots(browser, "topic-created")
    remoting.wait_for_route(server.address, topic)

    # Send from the C++ client, then find one message by key.
    before = int(time.time()) - 1
    producer = cpp.producer(server.address)
    for i in range(20):
        assert producer.send_sync(make_message(topic, f"ui message {i}", keys=f"order-{i}")).status == SendStatus.OK
    go(browser, base, "messages")
    browser.find_element(By.ID, "search-topic").send_keys(topic)
    browser.find_element(By.ID, "search-key").send_keys("order-7")
    browser.find_element(By.ID, "search-submit").click()
    wait_text(browser, "#search-results", lambda t: "order-7" in t).find_element(By.CSS_SELECTOR, "[data-id]").click()
    assert wait_text(browser, "#message-body", lambda t: t).text == "ui message 7"
    shots(browser, "message-found")

    # A consumer reads everything; after a reset to before the sends, the lag shows 20 and falls
    # to 0 while the consumer runs again.
    consumer, collector = cpp.push_consumer(server.address, group, topic)
    wait_until(lambda: collector.count() >= 20, 60, "the consumer got every message")
    go(browser, base, f"groups?group={group}")
    wait_text(browser, "#group-lag", lambda t: t == "0", message="lag 0 after consuming")
    cpp.shutdown(consumer)
    browser.find_element(By.ID, "reset-topic").clear()
    browser.find_element(By.ID, "reset-topic").send_keys(topic)
    moment = datetime.datetime.fromtimestamp(before).strftime("%Y-%m-%dT%H:%M:%S")
    browser.execute_script("document.getElementById('reset-time').value = arguments[0]", moment)
    browser.find_element(By.ID, "reset-submit").click()
    accept_confirmation(browser)
    wait_text(browser, "#reset-result", lambda t: "2 queues reset" in t)
    wait_text(browser, "#group-lag", lambda t: t == "20", message="lag 20 after the reset")
    shots(browser, "offset-reset")
    seen = []
    _, collector = cpp.push_consumer(server.address, group, topic)
    wait_text(browser, "#group-lag", lambda t: (seen.append(int(t)) or True) and t == "0", timeout=60,
              message="lag fell to 0 as the consumer ran")
    assert collector.count() >= 20 and seen[0] > 0, seen
    shots(browser, "lag-fallen")

    # A dead letter: a retry message that failed 16 times (the default limit) lands in %DLQ%<group>.
    retry = remoting.request(server.broker_address, remoting.SEND_MESSAGE, {
        "producerGroup": group, "topic": f"%RETRY%{group}", "defaultTopic": "TBW102", "defaultTopicQueueNums": 1,
        "queueId": 0, "sysFlag": 0, "bornTimestamp": int(time.time() * 1000), "flag": 0,
        "properties": remoting.encode_properties({"WAIT": "true", "RETRY_TOPIC": topic, "KEYS": "dead-1"}),
        "reconsumeTimes": 16}, b"dead letter body")
    assert retry.code == remoting.SUCCESS, retry
    remoting.wait_for_route(server.address, f"%DLQ%{group}")
    go(browser, base, f"dlq?group={group}")
    wait_text(browser, "#dlq-list", lambda t: "dead letter body" in t)
    shots(browser, "dead-letters")
    browser.find_element(By.ID, "dlq-resend").click()
    accept_confirmation(browser)
    wait_text(browser, "#dlq-result", lambda t: "1 re-sent" in t)
    status, found = request_json("GET", f"{base}/api/messages?topic={topic}&key=dead-1")
    assert status == 200 and [m["body"] for m in found] == ["dead letter body"]
    shots(browser, "dead-letter-resent")
