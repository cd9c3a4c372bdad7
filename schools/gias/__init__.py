"""Get Information about Schools (GIAS): `reader` reads a published extract into school records; `synthetic`
writes files in the same format with made-up schools for the demo, the benchmark and the tests."""

from .reader import (
    GiasExtract,
    GiasFileError,
    GiasRecord,
    Problem,
    Selection,
    TrustRef,
    parse_la_codes,
    parse_urn_list,
    problems_as_text,
    read_extract,
)

__all__ = [
    "GiasExtract",
    "GiasFileError",
    "GiasRecord",
    "Problem",
    "Selection",
    "TrustRef",
    "parse_la_codes",
    "parse_urn_list",
    "problems_as_text",
    "read_extract",
]
