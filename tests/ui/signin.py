"""Signing in to a Ferry that requires it (auth mode token, as `ferry serve` runs by default):
a wrong password is refused at the form, a viewer sees who is signed in and no buttons it may
not use, an operator sees them, the session cookie is HttpOnly and SameSite=Strict (script on
the page cannot read it), and signing out ends the session on the server."""

import json
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC


class SignInTests:
    def __init__(self, server, suite):
        self.server = server
        self.ui = suite  # the helpers (open, fill, shot, until) of the main suite, on this server
        repo = server.repo("private-site")
        repo.commit({"public/index.html": "<h1>signed in</h1>"})
        server.apply({"name": "private-site", "source": {"kind": "static-site", "config": {"repo": repo.url, "folder": "public"}}})
        server.user("vera", "viewer", "viewer password 1")
        server.user("oleg", "operator", "operator password 1")

    def sign_in(self, name, password):
        self.ui.driver.delete_all_cookies()
        self.ui.open("/workloads/private-site")
        self.ui.until(EC.url_contains("/signin"), "a page asked for without a session goes to the sign-in page")
        self.ui.fill("name", name)
        self.ui.fill("password", password)
        self.ui.click('main.signin button[type=submit]')

    def sign_out(self):
        self.ui.click("#signout")
        self.ui.until(EC.url_contains("/signin"), "signing out goes back to the sign-in page")

    def test_a_wrong_password_is_refused_at_the_form(self):
        self.sign_in("vera", "not the password")
        alert = self.ui.until(EC.presence_of_element_located((By.CSS_SELECTOR, "main.signin .error")), "the refusal")
        assert "not accepted" in alert.text, alert.text
        assert all(c["name"] != "ferry_session" for c in self.ui.driver.get_cookies()), "no session for a wrong password"
        self.ui.shot("signin-refused")

    def test_a_viewer_sees_its_name_and_no_buttons_it_may_not_use(self):
        self.sign_in("vera", "viewer password 1")
        self.ui.until(EC.url_contains("/workloads/private-site"), "back at the page asked for")
        driver = self.ui.driver
        assert driver.find_element(By.ID, "viewer").text == "user:vera", driver.find_element(By.ID, "viewer").text
        assert not driver.find_elements(By.ID, "actions"), "a viewer gets no action buttons"
        assert not driver.find_elements(By.CSS_SELECTOR, 'a[href="/new"]'), "nor the create-app link"
        assert not driver.find_elements(By.CSS_SELECTOR, 'form[action$="/suspend"]')
        cookie = next(c for c in driver.get_cookies() if c["name"] == "ferry_session")
        assert cookie["httpOnly"] and cookie.get("sameSite") == "Strict", cookie
        assert "ferry_session" not in driver.execute_script("return document.cookie"), "script cannot read the session"
        self.ui.shot("signed-in-viewer")
        session = cookie["value"]
        self.sign_out()
        self.ui.open("/")
        self.ui.until(EC.url_contains("/signin"), "after sign-out the UI asks again")
        # The server forgot the session, not just the browser: replaying the old cookie fails.
        request = urllib.request.Request(self.server.base + "/api/whoami", headers={"Cookie": f"ferry_session={session}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                raise AssertionError(f"the old session still works: {response.status} {response.read()[:200]}")
        except urllib.error.HTTPError as error:
            assert error.code == 401, error.code

    def test_an_operator_sees_the_actions_and_runs_one(self):
        self.sign_in("oleg", "operator password 1")
        self.ui.until(EC.url_contains("/workloads/private-site"), "back at the page asked for")
        driver = self.ui.driver
        assert driver.find_element(By.ID, "viewer").text == "user:oleg"
        assert not driver.find_elements(By.CSS_SELECTOR, 'a[href="/new"]'), "an operator does not create workloads"
        driver.find_element(By.CSS_SELECTOR, 'form[data-action="deploy"] button[type=submit]').click()
        self.ui.until(lambda d: d.find_element(By.ID, "job").get_attribute("data-state") in ("succeeded", "failed"), "the deploy ends")
        assert driver.find_element(By.ID, "job").get_attribute("data-state") == "succeeded"
        events = self.server.get_json("/api/events?by=user:oleg")
        assert any(e.get("by") == "user:oleg" for e in events), json.dumps(events)[:500]
        self.ui.shot("signed-in-operator")
        self.sign_out()
