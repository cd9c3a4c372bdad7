"""The people `benchmarks/load.py` simulates, as Locust users: headteachers, governors, board members and
coordinators, each signed in as a different person of the county partnership, pausing 1-5 s between pages.

Locust loads this file by itself (`locust -f`); it imports nothing of the portal. `load.py` passes the people to
sign in as in LOAD_PEOPLE (a JSON file: role -> list of {email, review}) and the partnership's host name in
LOAD_HOST. Every request's name, time and outcome is written to LOAD_RECORD (JSON lines) when Locust quits, so that
`load.py` can keep sign-in apart from the steady state and cut the ramp-up off.
"""

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

PASSWORD = os.environ["LOAD_PASSWORD"]
HOST_NAME = os.environ["LOAD_HOST"]
with open(os.environ["LOAD_PEOPLE"]) as people_file:
    PEOPLE = json.load(people_file)
NEXT_OF = {role: itertools.count() for role in PEOPLE}
RECORD: list[tuple[float, str, float, bool]] = []
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def remember(name, response_time, exception, response, **_):
    failed = exception is not None or response is None or response.status_code >= 400
    RECORD.append((time.time(), name, response_time, failed))


@events.quitting.add_listener
def write_record(**_):
    with open(os.environ["LOAD_RECORD"], "w") as record:
        for row in RECORD:
            record.write(json.dumps(row) + "\n")


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 5)
    role = ""

    def on_start(self):
        number = next(NEXT_OF[self.role])
        self.me = PEOPLE[self.role][number % len(PEOPLE[self.role])]
        # Each person comes through the proxy from an address of their own (TRUSTED_PROXY_COUNT=1), over HTTPS.
        self.cookies: dict[str, str] = {}
        self.client.headers.update(
            {"Host": HOST_NAME, "X-Forwarded-For": f"10.{number // 250}.{number % 250}.7", "X-Forwarded-Proto": "https"}
        )
        page = self.client.get("/accounts/login/", name="sign in: form")
        self.keep_cookies(page)
        token = CSRF.search(page.content)
        signed_in = self.client.post(
            "/accounts/login/",
            data={
                "login": self.me["email"],
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"https://{HOST_NAME}/accounts/login/"},
            name="sign in",
            allow_redirects=False,
        )
        if signed_in.status_code != 302:
            raise RuntimeError(f"{self.me['email']} could not sign in: {signed_in.status_code}")
        self.keep_cookies(signed_in)
        self.signed_in_at = time.time()

    def keep_cookies(self, response) -> None:
        """Requests go to 127.0.0.1 with the partnership's name in the Host header, as if through the HTTPS proxy; the
        client's cookie jar would hold back the portal's Secure cookies over plain HTTP, so they are sent by hand, as a
        browser at that address would send them."""
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        self.client.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}")


class Headteacher(Person):
    role = "headteacher"
    weight = 40

    @task(2)
    def home(self):
        self.page("/", "home")

    @task(2)
    def reviews(self):
        self.page("/reviews/", "reviews")

    @task(4)
    def own_review(self):
        self.page(f"/reviews/{self.me['review']}/", "review page")

    @task(1)
    def own_report(self):
        self.page(f"/reviews/{self.me['review']}/report/", "report (page)")


class Governor(Person):
    role = "governor"
    weight = 30

    @task(1)
    def home(self):
        self.page("/", "home")

    @task(2)
    def report_pdf(self):
        self.page(f"/reviews/{self.me['review']}/pdf/", "report (PDF)")


class BoardMember(Person):
    role = "board_member"
    weight = 15

    @task(1)
    def home(self):
        self.page("/", "home")

    @task(3)
    def dashboard(self):
        self.page("/dashboard/", "dashboard")


class Coordinator(Person):
    role = "coordinator"
    weight = 15

    @task(1)
    def home(self):
        self.page("/", "home")

    @task(2)
    def directory(self):
        self.page("/schools/", "schools")

    @task(1)
    def search(self):
        self.page(f"/schools/?q={random.choice(['primary', 'academy', 'church', 'St', 'park'])}", "schools (search)")

    @task(2)
    def school(self):
        self.page(f"/schools/{random.choice(self.me['schools'])}/", "school page")
