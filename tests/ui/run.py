"""Browser tests of Ferry's web UI: headless Chromium (Debian's chromium + chromium-driver)
driven by selenium against a real `ferry serve`. Run from the repository root after
`swift build --product ferry`:  python3 tests/ui/run.py
Screenshots of every page go to .ui-screenshots/ (the path is printed)."""

import sys
import time
import traceback
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from ferry_server import REPO_ROOT, FerryServer
from signin import SignInTests
from slow_git import SlowGitHost

SHOTS = REPO_ROOT / ".ui-screenshots"
WAIT = 30


def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=en-US"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(path).exists():
            options.binary_location = path
            break
    driver_path = next((p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if Path(p).exists()), None)
    service = Service(executable_path=driver_path) if driver_path else Service()
    return webdriver.Chrome(service=service, options=options)


class UITests:
    def __init__(self, server, driver):
        self.server = server
        self.driver = driver
        # Pages replace themselves while jobs run (live updates, a reload when a log ends).
        self.wait = WebDriverWait(driver, WAIT, ignored_exceptions=[StaleElementReferenceException, NoSuchElementException])

    # helpers

    def open(self, path):
        self.driver.get(self.server.base + path)

    def shot(self, name):
        """The whole page: the window is stretched to the page's height for the picture."""
        SHOTS.mkdir(exist_ok=True)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1280, max(800, min(int(height) + 140, 8000)))
        self.driver.save_screenshot(str(SHOTS / f"{name}.png"))
        self.driver.set_window_size(1280, 1600)

    def field(self, name):
        return self.driver.find_element(By.NAME, name)

    def fill(self, name, value):
        element = self.field(name)
        element.clear()
        element.send_keys(value)

    def click(self, css):
        self.driver.find_element(By.CSS_SELECTOR, css).click()

    def until(self, condition, message):
        return self.wait.until(condition, message)

    def create_site(self, name, repo, parent=None):
        """Creates a static-site workload through the wizard: kind → form → review → create."""
        self.open("/new")
        self.click('a[data-kind="static-site"]')
        self.until(EC.presence_of_element_located((By.ID, "wizard")), "the wizard form")
        self.fill("name", name)
        self.fill("source.config.repo", repo.url)
        self.fill("source.config.folder", "public")
        if parent:
            Select(self.field("parent")).select_by_value(parent)
        self.click("#review-button")
        self.until(EC.presence_of_element_located((By.ID, "review")), "the review step")
        review = self.driver.find_element(By.ID, "review").text
        assert f'"name" : "{name}"' in review, review
        self.click("#create")
        self.until(EC.url_contains(f"/workloads/{name}"), "the workload page after create")

    def wait_live(self, name):
        """Waits on the workload page, without reloading it, until a deploy is live: the page
        updates itself while a job runs."""
        self.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#deploys tr.live"), f"a live deploy of {name}")
        self.until(lambda d: d.find_element(By.ID, "health").get_attribute("data-health") == "healthy", f"{name} healthy")

    # tests

    def test_wizard_creates_a_static_site_and_its_first_deploy_succeeds(self):
        repo = self.server.repo("docs")
        repo.commit({"public/index.html": "<h1>version one</h1>"})
        self.create_site("docs", repo)
        self.shot("workload-first-deploy")
        self.wait_live("docs")
        assert "healthy" == self.driver.find_element(By.ID, "health").get_attribute("data-health")
        assert "version one" in self.server.text("/sites/docs/")
        self.shot("workload")
        self.driver.find_element(By.CSS_SELECTOR, "#jobs tbody tr a").click()
        self.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-state") == "succeeded", "the job page shows success")
        self.until(lambda d: "deployed" in d.find_element(By.ID, "log").text or d.find_element(By.ID, "log").text, "the log")
        assert self.driver.find_elements(By.ID, "outcome")
        self.shot("job")

    def test_a_wrong_value_shows_the_servers_message_at_the_field_and_creates_nothing(self):
        self.open("/new?kind=static-site")
        self.fill("name", "wrong-site")
        self.fill("source.config.repo", "ftp://example.com/site.git")
        self.click("#review-button")
        error = self.until(EC.presence_of_element_located(
            (By.CSS_SELECTOR, '[data-path="source.config.repo"] .field-error')), "the message at the field")
        assert "expected a URL" in error.text, error.text
        assert self.field("source.config.repo").get_attribute("value") == "ftp://example.com/site.git"
        assert not self.driver.find_elements(By.ID, "create"), "no create button while the server refuses"
        self.shot("wizard-error")
        # The browser checks too: a name the pattern refuses is not even sent.
        self.fill("source.config.repo", "file:///tmp/x")
        self.fill("name", "Not_A_Name")
        self.click("#review-button")
        assert not self.field("name").get_property("validity")["valid"]
        assert self.server.status("/api/workloads/wrong-site") == 404
        assert self.server.status("/api/workloads/Not_A_Name") == 404

    def test_rollback_and_promote_from_the_ui(self):
        repo = self.server.repo("stages")
        repo.commit({"public/index.html": "release one"})
        self.create_site("stage-dev", repo)
        self.wait_live("stage-dev")
        repo.commit({"public/index.html": "release two"})
        self.driver.find_element(By.CSS_SELECTOR, 'form[data-action="deploy"] button[type=submit]').click()
        self.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-state") in ("succeeded", "failed"), "the deploy job ends")
        assert self.driver.find_element(By.ID, "job").get_attribute("data-state") == "succeeded"
        assert "release two" in self.server.text("/sites/stage-dev/")

        self.open("/workloads/stage-dev")
        self.driver.find_element(By.CSS_SELECTOR, "#deploys button.rollback").click()
        self.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".notice")), "the rollback notice")
        assert "release one" in self.server.text("/sites/stage-dev/")
        self.shot("workload-rolled-back")

        self.create_site("stage-prod", repo, parent="stage-dev")
        self.wait_live("stage-prod")
        self.click("#promote")
        self.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-state") in ("succeeded", "failed"), "the promotion ends")
        assert self.driver.find_element(By.ID, "job").get_attribute("data-state") == "succeeded"
        assert self.server.text("/sites/stage-prod/") == self.server.text("/sites/stage-dev/")
        deploys = self.server.get_json("/api/workloads/stage-prod/deploys")
        assert deploys[0]["kind"] == "promote", deploys

    def test_the_wizard_renders_a_form_for_every_registered_kind(self):
        kinds = self.server.get_json("/api/kinds")
        for source in kinds["sources"]:
            self.open("/new")
            self.click(f'a[data-kind="{source["kind"]}"]')
            form = self.until(EC.presence_of_element_located((By.ID, "wizard")), f"the form of {source['kind']}")
            assert form.get_attribute("data-kind") == source["kind"]
            assert not self.driver.find_elements(By.CSS_SELECTOR, ".error-banner")
            for name in source["schema"].get("x-order", []):
                assert self.driver.find_elements(By.CSS_SELECTOR, f'[data-path="source.config.{name}"]'), (source["kind"], name)
            for control in self.driver.find_elements(By.CSS_SELECTOR, "#wizard input:not([type=hidden]), #wizard select"):
                ident = control.get_attribute("id")
                if ident and ident.startswith("f-"):
                    assert self.driver.find_elements(By.CSS_SELECTOR, f'label[for="{ident}"]'), f"{ident} has no label"
            self.shot(f"wizard-{source['kind']}")
        self.open("/new?kind=static-site")
        for index, trigger in enumerate(kinds["triggers"]):
            Select(self.field("newTrigger")).select_by_value(trigger["kind"])
            self.click("#add-trigger")
            block = self.until(EC.presence_of_element_located(
                (By.CSS_SELECTOR, f'fieldset.trigger[data-trigger="{index}"]')), f"the {trigger['kind']} trigger form")
            assert block.get_attribute("data-kind") == trigger["kind"]
            for name in trigger["schema"].get("x-order", []):
                assert self.driver.find_elements(By.CSS_SELECTOR, f'[data-path="triggers.{index}.config.{name}"]'), (trigger["kind"], name)
        self.shot("wizard-triggers")

    def test_a_running_job_streams_live_and_can_be_cancelled(self):
        host = SlowGitHost()
        try:
            self.open("/new?kind=static-site")
            self.fill("name", "slow-site")
            self.fill("source.config.repo", host.url)
            self.click("#review-button")
            self.until(EC.presence_of_element_located((By.ID, "create")), "the review step").click()
            self.until(EC.url_contains("/workloads/slow-site"), "the workload page")
            assert self.driver.find_element(By.ID, "main").get_attribute("data-live") == "1", "a page with a running job updates itself"
            self.driver.find_element(By.CSS_SELECTOR, "#jobs tbody tr a").click()
            box = self.until(EC.presence_of_element_located((By.ID, "job")), "the job page")
            assert box.get_attribute("data-state") in ("queued", "running"), box.get_attribute("data-state")
            self.until(lambda d: d.find_element(By.ID, "log").text.strip(), "log lines streamed while the job runs")
            self.shot("job-running")
            self.click("#cancel")
            self.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-state") == "cancelled", "the job is cancelled")
            # The message arrives with the page's next update, after the state.
            self.until(lambda d: "cancel" in d.find_element(By.ID, "job-message").text.lower(), "the job says it was cancelled")
            self.shot("job-cancelled")
        finally:
            host.release()

    def test_events_dashboard_and_russian(self):
        self.open("/events")
        Select(self.field("outcome")).select_by_value("accepted")
        self.click(".filters button")
        self.until(EC.url_contains("outcome=accepted"), "the filtered events")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")
        assert rows and all(r.get_attribute("class") == "outcome-accepted" for r in rows)
        self.shot("events")
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.open("/")
        assert self.driver.find_elements(By.CSS_SELECTOR, 'tr[data-workload="docs"]')
        assert self.driver.find_elements(By.CSS_SELECTOR, "#disks tr[data-disk]"), "the dashboard shows free disk space"
        time.sleep(0.5)
        problems = [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"]
        assert not problems, f"the dashboard logged errors in the browser console: {problems}"
        self.shot("dashboard")
        self.open("/workloads/docs")
        assert self.driver.find_elements(By.CSS_SELECTOR, "#charts svg.deploys-chart"), "the deploys chart draws"
        self.shot("workload-charts")
        self.open("/")
        self.click('a[data-lang="ru"]')
        self.until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru", "the Russian page")
        assert "Нагрузки" in self.driver.find_element(By.TAG_NAME, "h1").text
        self.shot("dashboard-ru")
        self.open("/workloads/docs")
        assert self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru", "the choice is remembered"
        self.shot("workload-ru")
        self.click('a[data-lang="en"]')


def run_suite(suite, tests, log_server):
    """Runs each test method, printing ok/FAIL; a failure leaves a screenshot and the server log."""
    passed = failed = 0
    for name in tests:
        started = time.time()
        try:
            getattr(suite, name)()
            passed += 1
            print(f"ok   {name} ({time.time() - started:.1f}s)")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
            try:
                getattr(suite, "ui", suite).shot(f"FAILED-{name}")
            except Exception:
                pass
    log = log_server.dir / "server.log"
    if failed and log.exists():
        print("--- server log (last 40 lines) ---")
        print("\n".join(log.read_text().splitlines()[-40:]))
    return passed, failed


def main():
    SHOTS.mkdir(exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    driver = None
    passed = failed = 0
    servers = []
    try:
        driver = browser()
        server = FerryServer()
        servers.append(server)
        suite = UITests(server, driver)
        tests = [name for name in dir(UITests) if name.startswith("test_")]
        # The events/dashboard test reads what the others created: run it last.
        tests.sort(key=lambda n: (n == "test_events_dashboard_and_russian", 0))
        p, f = run_suite(suite, tests, server)
        passed, failed = passed + p, failed + f

        guarded = FerryServer(auth="token")
        servers.append(guarded)
        signin = SignInTests(guarded, UITests(guarded, driver))
        p, f = run_suite(signin, sorted(n for n in dir(SignInTests) if n.startswith("test_")), guarded)
        passed, failed = passed + p, failed + f
    finally:
        if driver:
            driver.quit()
        for server in servers:
            server.stop()
    print(f"screenshots: {SHOTS}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
