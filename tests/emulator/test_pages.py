"""The pages behind the emulator's URLs, in a real headless browser (chromium + chromedriver,
driven by Selenium), and their sign-in rules over plain HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.emulator.conftest import Client, py
from tests.emulator_harness import RunningEmulator, start_emulator

HFJOBS = str(Path(sys.executable).with_name("hfjobs"))


@pytest.fixture(scope="module")
def emu(tmp_path_factory) -> Iterator[RunningEmulator]:
    with start_emulator(tmp_path_factory.mktemp("pages") / "data", keepalive=0.5) as running:
        yield running


def open_link(emu: RunningEmulator, *args: str) -> str:
    """`hfjobs emulator open --print`: the one-time sign-in link, as a user gets it."""
    result = subprocess.run(
        [HFJOBS, "emulator", "open", "--print", "--data-dir", str(emu.data_dir), *args],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    (url,) = result.stdout.splitlines()
    assert url.startswith(f"{emu.url}/pages/login?once=") and emu.token not in url
    assert "works once" in result.stderr
    return url


# -- sign-in rules, over HTTP --------------------------------------------------------------------


def test_pages_need_the_cookie_that_a_one_time_link_sets(emu):
    client = Client(emu)
    job = client.run(py("print('x')"), secrets={"API_KEY": "s3cret-value"})
    page = f"{emu.url}/jobs/local/{job['id']}"
    refused = requests.get(page, timeout=10)
    assert refused.status_code == 401 and "hfjobs emulator open" in refused.text
    assert requests.get(page, headers=emu.headers, timeout=10).status_code == 401  # no bearer
    link = open_link(emu, job["id"])
    session = requests.Session()
    opened = session.get(link, timeout=10)
    assert opened.status_code == 200 and opened.url == page
    assert "API_KEY" in opened.text and "s3cret-value" not in opened.text
    cookie = opened.history[0].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert session.get(link, timeout=10).status_code == 403  # spent
    assert requests.get(link, timeout=10).status_code == 403
    # The API keeps its bearer-token rule: the cookie opens no API route.
    assert session.get(f"{emu.url}/api/jobs/local", timeout=10).status_code == 401
    log = session.get(f"{page}/log-events", timeout=10)
    assert "text/event-stream" in log.headers["Content-Type"] and '"data":"x"' in log.text
    assert requests.get(f"{page}/log-events", timeout=10).status_code == 401


def test_the_link_never_redirects_off_the_emulator(emu):
    response = requests.post(
        f"{emu.url}/api/emulator/page-login",
        json={"next": "//evil.example/x"},
        headers=emu.headers,
        timeout=10,
    )
    link = response.json()["url"]
    opened = requests.get(link, allow_redirects=False, timeout=10)
    assert opened.status_code == 303 and opened.headers["Location"] == "/"
    assert requests.post(f"{emu.url}/api/emulator/page-login", timeout=10).status_code == 401
    unknown = requests.get(f"{emu.url}/api/nothing", headers=emu.headers, timeout=10)
    assert unknown.status_code == 404 and unknown.json() == {"error": "Not found: GET /api/nothing"}


def test_open_without_an_emulator_says_how_to_start_one(tmp_path):
    result = subprocess.run(
        [HFJOBS, "emulator", "open", "--print", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert "The emulator is not running" in result.stderr
    assert "hfjobs emulator start" in result.stderr


# -- in a real browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from selenium import webdriver

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "the browser test needs chromium and chromedriver: .ci/run"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=driver_path)
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver, condition, timeout: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def text_of(driver, css: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, css).text


@pytest.mark.browser
def test_a_job_page_streams_its_log_and_changes_stage_in_a_browser(emu, browser, tmp_path):
    client = Client(emu)
    go = tmp_path / "go"
    code = (
        "import os, time\n"
        "print('first line', flush=True)\n"
        f"while not os.path.exists({str(go)!r}):\n"
        "    time.sleep(0.05)\n"
        "print('second <line>', flush=True)\n"
        "time.sleep(0.3)\n"
    )
    job = client.run(py(code), environment={"MODE": "demo"}, secrets={"API_KEY": "s3cret-value"})
    page = f"{emu.url}/jobs/local/{job['id']}"
    browser.get(page)
    assert "hfjobs emulator open" in browser.page_source  # not signed in yet
    browser.get(open_link(emu, f"local/{job['id']}"))
    assert browser.current_url == page
    wait_for(browser, lambda d: "first line" in text_of(d, "#log"))
    assert text_of(browser, "#stage") == "RUNNING"
    assert "second" not in text_of(browser, "#log")
    assert "API_KEY" in browser.page_source and "s3cret-value" not in browser.page_source
    assert "process runtime: the image python:3.12 was not used" in browser.page_source
    go.touch()  # the job prints its second line while the page is open
    wait_for(browser, lambda d: "second <line>" in text_of(d, "#log"))
    wait_for(browser, lambda d: text_of(d, "#stage") == "COMPLETED")
    lines = text_of(browser, "#log").splitlines()
    assert lines[1:] == ["first line", "second <line>"] and lines[0].startswith("===== Job")
    assert client.job(job["id"])["status"]["stage"] == "COMPLETED"


@pytest.mark.browser
def test_every_list_and_detail_page_opens_in_a_browser(emu, browser):
    from selenium.webdriver.common.by import By

    client = Client(emu)
    job = client.wait(client.run(py("print('listed')"), labels={"name": "listed-job"})["id"])
    sj = client.post(
        "/api/scheduled-jobs/local",
        json={
            "schedule": "@daily",
            "jobSpec": {"dockerImage": "python:3.12", "command": ["echo", "sched"]},
        },
    ).json()
    hook = client.post(
        "/api/settings/webhooks",
        json={"watched": [{"type": "model", "name": "local/m"}], "jobSourceId": job["id"]},
    ).json()["webhook"]
    browser.get(open_link(emu))
    assert browser.current_url == f"{emu.url}/jobs/local"
    browser.find_element(By.LINK_TEXT, job["id"]).click()
    wait_for(browser, lambda d: "listed" in text_of(d, "#log"))
    browser.find_element(By.LINK_TEXT, "Scheduled jobs").click()
    browser.find_element(By.LINK_TEXT, sj["id"]).click()
    assert "@daily" in text_of(browser, "main") and "echo sched" in text_of(browser, "main")
    browser.find_element(By.LINK_TEXT, "Webhooks").click()
    browser.find_element(By.LINK_TEXT, hook["id"]).click()
    assert "local/m" in text_of(browser, "main")
    # The repository URL a webhook payload gives (`repo.url.web`) opens a page too.
    fired = client.post(
        "/api/emulator/webhook-events",
        json={
            "repo": {"type": "model", "name": "local/m"},
            "event": {"action": "update", "scope": "repo.content"},
        },
    ).json()
    (started,) = fired["jobs"]
    env = client.wait(started["id"])["environment"]
    repo_url = json.loads(env["WEBHOOK_PAYLOAD"])["repo"]["url"]["web"]
    assert repo_url == f"{emu.url}/local/m"
    browser.get(repo_url)
    assert "local/m" in text_of(browser, "h1")
    browser.find_element(By.LINK_TEXT, hook["id"])
    browser.get(f"{emu.url}/")
    assert browser.current_url == f"{emu.url}/jobs/local"
    browser.get(f"{emu.url}/jobs/local/{'0' * 24}")
    assert "not found" in text_of(browser, "main").lower()
