"""The small-group rule lives in partnership/common/disclosure.py, below every feature, so that a feature (the
annual report of improvement/) can apply the same rule as the dashboards without importing upwards. The
dashboards keep importing it from here."""

from partnership.common.disclosure import (  # noqa: F401
    ALGORITHM,
    ALL,
    HIDDEN_MARK,
    SUPPRESSED,
    THRESHOLD,
    Cube,
    Dim,
    Key,
    tree_dim,
)
