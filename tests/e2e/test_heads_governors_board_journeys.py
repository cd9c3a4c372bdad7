"""Issue 12's three people, at a desk (1280 px) and on a phone (390 px), with axe-core on every page:

- the headteacher proposes visit dates (a mistyped and an impossible day first), shares the self-review, replies
  to the draft and shares the final report with governors, each irreversible step through its confirmation page,
  using the keyboard only (Tab, Shift+Tab, Enter, Space and typing: no mouse, no clicks);
- the governor is told on the home page that the final report is shared and reads it;
- the board member reads the county dashboard (at 768 px too), without the page scrolling sideways and with chart
  labels at least 12 px high.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partnership.dashboards.scale import academic_year_of, create_county, create_cycles
from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import partnership_scope
from reviews.models import ReviewStatus, SelfReview, VisitProposal
from reviews.services.reports import report_render_synchronously
from reviews.services.scheduling import visit_dates_accept
from reviews.services.workflow import review_finalise
from tests.e2e.test_sign_in_journey import sign_in
from tests.factories import PASSWORD, PartnershipFactory, member
from tests.reviews.factories import review_scenario, visit_on, write_findings
from tests.reviews.factories_reports import reported_scenario
from tests.reviews.factories_scheduling import open_window, school_days

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESK, TABLET, PHONE = 1280, 768, 390


@pytest.fixture
def page(browser, width):
    """The page at the width the test is parametrized with."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northvale", name="Northvale Schools Partnership", colour="#005a5b")


WIDER_THAN_THE_SCREEN = """() => Array.from(document.querySelectorAll('body *'))
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(el => !el.closest('.portal-table-wrapper'))
  .slice(0, 8)
  .map(el => `${el.tagName.toLowerCase()}.${el.className.baseVal ?? el.className} ${el.getBoundingClientRect().right}`)
"""


def fits_the_screen(page) -> None:
    """Nothing makes the whole page scroll sideways (a wide table scrolls inside its own container)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    wide = page.evaluate(WIDER_THAN_THE_SCREEN) if overflow > 0 else []
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen: {wide}"


# Keyboard only ------------------------------------------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {id: "", text: ""};
  const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : null;
  return {id: el.id || "", text: (el.innerText || el.value || "").trim(), label: label ? label.innerText.trim() : ""};
}"""


def tab_to(page, *, text: str | None = None, element_id: str | None = None, most: int = 150) -> None:
    """Press Tab until the focus is on the link or button reading `text` (or the field `element_id`)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if (element_id and focused["id"] == element_id) or (text and focused["text"] == text):
            return
    raise AssertionError(f"Tab never reached {text or element_id} on {page.url}")


def press(page, *, text: str, key: str = "Enter", navigates: bool = True) -> None:
    tab_to(page, text=text)
    if not navigates:
        page.keyboard.press(key)
        return
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page, element_id: str, value: str) -> None:
    tab_to(page, element_id=element_id)
    page.keyboard.press("Control+A")  # typing replaces what the box held
    page.keyboard.type(value)


def type_date(page, name: str, day: datetime.date | None, *, month: str | None = None) -> None:
    type_into(page, f"id_{name}_day", str(day.day))
    type_into(page, f"id_{name}_month", month if month is not None else str(day.month))
    type_into(page, f"id_{name}_year", str(day.year))


def sign_in_by_keyboard(page, site, partnership, email: str) -> None:
    page.goto(site(partnership, "/accounts/login/"))
    type_into(page, "id_login", email)
    type_into(page, "id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


@pytest.mark.parametrize("width", [DESK, PHONE])
def test_the_headteachers_journey_by_keyboard_only(page, site, axe, partnership, width):
    s = review_scenario(partnership)
    today = timezone.localdate()
    open_window(s.review, today)
    first, second = school_days(today + datetime.timedelta(days=14), 2)
    saturday = next(
        today + datetime.timedelta(days=n) for n in range(7, 14) if (today + datetime.timedelta(days=n)).weekday() == 5
    )

    sign_in_by_keyboard(page, site, partnership, s.head.email)
    fits_the_screen(page)
    axe(page)
    press(page, text="Review of Kingsmead Primary School")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kingsmead Primary School")
    fits_the_screen(page)
    axe(page)

    # Visit dates: a month left out of the first day and a Saturday as the second are both reported at once.
    press(page, text="Propose visit dates")
    type_date(page, "day_1", first, month="")
    type_date(page, "day_2", saturday)
    press(page, text="Propose these dates")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The first day must include a month.")
    expect(summary).to_contain_text(f"{saturday.day} {saturday:%B %Y} is a Saturday.")
    fits_the_screen(page)
    axe(page)
    # The summary's link takes the focus to the box that is wrong.
    press(page, text="The first day must include a month.", navigates=False)
    expect(page.locator("#id_day_1_month")).to_be_focused()
    type_into(page, "id_day_1_month", str(first.month))
    type_date(page, "day_2", second)
    press(page, text="Propose these dates")
    expect(page.get_by_role("status")).to_contain_text("Dates proposed")
    axe(page)

    with partnership_scope(partnership):
        visit_dates_accept(proposal=VisitProposal.objects.get(review=s.review), actor=s.lead_reviewer)

    # The self-review, shared through its "check your answers" page.
    page.reload()
    press(page, text="Write the self-review")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Self-review")
    tab_to(page, element_id="id_focus_areas_0")
    page.keyboard.press("Space")
    type_into(page, "id_line_of_enquiry_1", "How well do pupils who struggle with reading catch up?")
    type_into(page, "id_self_evaluation_summary", "Early reading is strong; writing in key stage 2 is not yet.")
    expect(page.get_by_text(re.compile(r"You have 9,9\d\d characters remaining"))).to_be_visible()
    type_into(page, "id_improvement_plan_summary", "Writing across the curriculum; subject leadership.")
    press(page, text="Save and share with the review team")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your self-review before you share it")
    fits_the_screen(page)
    axe(page)
    press(page, text="Yes, share it with the review team")
    expect(page.get_by_role("status")).to_contain_text("shared with the review team")
    axe(page)
    with partnership_scope(partnership):
        assert SelfReview.objects.get().shared_at is not None

    # The draft: read it and reply.
    with partnership_scope(partnership):
        visit_on(s.review, today - datetime.timedelta(days=20))
        write_findings(s.review)
        s.review.status = ReviewStatus.FACTUAL_ACCURACY
        s.review.save()
    page.goto(site(partnership, f"/reviews/{s.review.pk}/"))
    press(page, text="Check the draft report and reply")
    fits_the_screen(page)
    axe(page)
    tab_to(page, element_id="id_corrections_0")  # "No, there are no factual errors"
    page.keyboard.press("Space")
    type_into(page, "id_school_response", "We welcome the report.")
    press(page, text="Send your reply")
    expect(page.get_by_role("status")).to_contain_text("accepted the draft as factually accurate")
    axe(page)

    # Finalised by the coordinator; the head shares it with governors after the confirmation page.
    with partnership_scope(partnership):
        review_finalise(review=s.review, actor=s.coordinator)
    page.reload()
    press(page, text="Share with governors")
    expect(page.get_by_role("heading", level=1)).to_have_text("Share the final report with governors")
    fits_the_screen(page)
    axe(page)
    press(page, text="Yes, share it with governors", key="Space")
    expect(page.get_by_role("status")).to_contain_text("shared with the school's governors")
    fits_the_screen(page)
    axe(page)


@pytest.mark.parametrize("width", [DESK, PHONE])
def test_the_governor_is_told_and_reads_the_final_report(page, site, axe, partnership, media_root):
    s = reported_scenario(partnership, ReviewStatus.SHARED)
    with partnership_scope(partnership):
        report_render_synchronously(review=s.review)
    page.goto(site(partnership, "/accounts/login/"))
    sign_in(page, s.governor.email)
    section = page.get_by_role("region", name="Peer review reports for governors")
    expect(section).to_contain_text("Kingsmead Primary School")
    fits_the_screen(page)
    axe(page)
    page.get_by_role("link", name=re.compile("^Read the final report")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review report")
    expect(page.get_by_text("Kingsmead Primary School").first).to_be_visible()
    fits_the_screen(page)
    axe(page)


@pytest.fixture
def county():
    partnership, schools = create_county(slug="eastvale", name="Eastvale Schools Partnership", schools=80,
                                         with_people=False)  # fmt: skip
    year = academic_year_of(timezone.localdate())
    create_cycles(partnership, schools, years=[year - 1, year], today=timezone.localdate())
    return partnership


CHART_LABEL_SIZES = """() => Array.from(document.querySelectorAll('.portal-chart__svg text'))
  .filter(t => t.getClientRects().length)
  .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)"""


@pytest.mark.parametrize("width", [DESK, TABLET, PHONE])
def test_the_board_member_reads_the_dashboard_on_any_screen(page, site, axe, county):
    board = member(county, Role.BOARD_MEMBER)
    page.goto(site(county, "/accounts/login/"))
    sign_in(page, board.email)
    fits_the_screen(page)
    axe(page)
    page.goto(site(county, "/dashboard/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    fits_the_screen(page)
    sizes = page.evaluate(CHART_LABEL_SIZES)
    assert sizes and min(sizes) >= 12, f"chart labels as small as {min(sizes):.1f}px"
    axe(page)
