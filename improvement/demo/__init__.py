"""Demo data for school improvement, run by the portal's demo (partnership/portal/demo.py) inside each demo
partnership's scope after the reviews' reports: action plans with an impact visit, and categories with history.
Every date follows from the day the demo is loaded. Running it again changes nothing."""

from partnership.tenancy.contributions import DemoRun

from .after_review import ensure_demo_action_plans
from .annual_report import ensure_demo_annual_report
from .categories import ensure_demo_categories
from .grants import ensure_demo_grants
from .self_evaluation import ensure_demo_self_evaluation
from .support import ensure_demo_support


def build_improvement_demo(run: DemoRun) -> None:
    ensure_demo_action_plans(run.partnership, run.today)
    ensure_demo_categories(run.partnership, run.today)
    ensure_demo_support(run.partnership, run.today)
    ensure_demo_self_evaluation(run.partnership, run.today)
    ensure_demo_grants(run.partnership, run.today)
    ensure_demo_annual_report(run.partnership, run.today)
    run.add_note(
        "improvement",
        "School improvement (/improvement/): action plans with an impact visit, categories with their history, system "
        "leaders, support at every stage, two years of self-evaluation, grants and commissioned work, and this year's "
        "annual report, published on the public pages (/improvement/annual-report/, /public/annual-reports/); "
        "coordinator@ brokers support and writes the foreword, head@ sees their school's category, plan and support, "
        "board@ sees counts by category and reads the annual report.",
    )
