"""Demo data for school improvement, run by the portal's demo (partnership/portal/demo.py) inside each demo
partnership's scope after the reviews' reports: action plans with an impact visit, and categories with history.
Every date follows from the day the demo is loaded. Running it again changes nothing."""

from partnership.tenancy.contributions import DemoRun

from .after_review import ensure_demo_action_plans
from .categories import ensure_demo_categories
from .support import ensure_demo_support


def build_improvement_demo(run: DemoRun) -> None:
    ensure_demo_action_plans(run.partnership, run.today)
    ensure_demo_categories(run.partnership, run.today)
    ensure_demo_support(run.partnership, run.today)
