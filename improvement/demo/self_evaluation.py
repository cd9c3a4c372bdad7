"""The demo's self-evaluation: a six-strand rubric and two years of ratings, the later year a step further on."""

import datetime

from partnership.tenancy.models import Partnership
from schools.models import Cluster

from ..models import Strand
from ..selectors.self_evaluation import held_evidence
from ..services.self_evaluation import self_evaluation_save, strand_create
from ..wording import current_academic_year

RUBRIC = [
    (
        "Shared vision",
        "A few leaders share it",
        "Most schools know it",
        "Every school acts on it",
        "Others learn from it",
    ),
    ("Leadership", "One officer holds it", "A small group leads", "Leadership is spread", "Heads lead by turns"),
    (
        "Peer review",
        "Some schools take part",
        "Most schools reviewed",
        "Every school, every year",
        "Trained reviewers in every school",
    ),
    ("CPD", "Occasional courses", "A termly programme", "Programme set from review themes", "Schools lead the CPD"),
    ("Impact", "Activity is counted", "Some outcomes are tracked", "Impact is evaluated", "Evaluation changes plans"),
    (
        "Governance",
        "Informal meetings",
        "A board meets",
        "The board holds leaders to account",
        "Governors lead strands",
    ),
]


def ensure_demo_self_evaluation(partnership: Partnership, today: datetime.date) -> None:
    if Strand.objects.exists():
        return
    strands = [
        strand_create(partnership=partnership, name=name, position=position, descriptors=list(descriptors))
        for position, (name, *descriptors) in enumerate(RUBRIC, start=1)
    ]
    this_year = current_academic_year(today)
    for offset, year in enumerate((this_year - 1, this_year)):
        self_evaluation_save(
            partnership=partnership,
            year=year,
            ratings={
                strand.pk: (min(4, 1 + (index + offset) % 3 + offset), held_evidence(year))
                for index, strand in enumerate(strands)
            },
            actor=None,
        )
    # Each local partnership (cluster) rates itself this year too, for the coordinator to compare side by side.
    for number, cluster in enumerate(Cluster.objects.order_by("name")[:3]):
        self_evaluation_save(
            partnership=partnership,
            year=this_year,
            ratings={
                strand.pk: (1 + (index + number) % 4, held_evidence(this_year, cluster))
                for index, strand in enumerate(strands)
            },
            actor=None,
            cluster=cluster,
        )
