"""Each shared helper has one definition (docs: where each shared helper lives). A copy written again elsewhere
fails here, naming the file, so that the next app uses the helper instead of growing its own."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("partnership", "reviews", "schools")

# (what a copy looks like, the one file allowed to have it, the helper to use instead)
ONE_HOME = [
    (r"%A\}? ?\{?\w*\.day\}? ?\{?\w*:%B %Y", "partnership/common/text.py", "long_date"),
    (r"\{\w+\.day\} \{\w+:%B %Y\}", "partnership/common/text.py", "short_date"),
    (r"\.join\([^)]*\)\)? ?\+ ?\" and \"|and \{\w+\[-1\]\}", "partnership/common/text.py", "and_join"),
    (r"url_has_allowed_host_and_scheme", "partnership/common/http.py", "safe_next"),
    (r"\.error_dict\b", "partnership/common/forms.py", "add_service_errors / service_errors"),
    (r"def _?review_or_404\(", "reviews/views/lookups.py", "review_or_404"),
    (r"def _?lock_review\(", "reviews/services/locks.py", "lock_review"),
    (r"(?<!class )ReviewEvent\(|ReviewEvent\.objects\.create", "reviews/services/events.py", "review_event_record"),
    (r"for \w+ in Partnership\.objects", "partnership/tenancy/tasks.py", "for_each_partnership"),
]


def sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, path.read_text()


@pytest.mark.parametrize(("pattern", "home", "helper"), ONE_HOME, ids=[h for _, _, h in ONE_HOME])
def test_the_helper_is_written_once(pattern, home, helper):
    copies = [
        f"{relative}:{text[: match.start()].count(chr(10)) + 1}"
        for relative, text in sources()
        if relative != home
        for match in re.finditer(pattern, text)
    ]
    assert copies == [], f"use {helper} ({home}) instead of a copy"


@pytest.mark.parametrize(("pattern", "home", "helper"), ONE_HOME, ids=[h for _, _, h in ONE_HOME])
def test_the_home_has_the_helper(pattern, home, helper):
    assert re.search(pattern, (ROOT / home).read_text()), f"{home} no longer matches the pattern for {helper}"


def test_views_catch_a_service_refusal_one_way():
    """A view catches a service's ValidationError with `service_errors`; where the same call has another outcome
    to handle (an EditConflict, a queue that is down), its `except ValidationError` passes the error on to
    `add_service_errors` or `show_service_errors`, never to code of its own."""
    by_hand = [
        f"{relative}:{text[: match.start()].count(chr(10)) + 1}"
        for relative, text in sources()
        if "/views" in relative
        for match in re.finditer(r"except ValidationError as \w+:\n *(?! |(?:add|show)_service_errors\()", text)
    ]
    assert by_hand == []
