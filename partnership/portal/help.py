"""Help inside the portal: a short guide for each role and a glossary of the partnership's words.

The content is plain text kept here (no database, no markdown library): short enough to read in a minute, written
for the people who use the portal rather than for developers (docs/guides/ is the longer version, with demo
sign-ins). Pages that use a word of the glossary link to it with templates/includes/term.html.
"""

from dataclasses import dataclass

from partnership.tenancy.roles import Role


@dataclass(frozen=True)
class Term:
    slug: str
    word: str
    meaning: str
    expansion: str = ""  # what an abbreviation stands for


GLOSSARY: tuple[Term, ...] = (
    Term(
        "area-for-development",
        "Area for development",
        "Something the review team suggests the school works on next. Also written as an EBI.",
    ),
    Term(
        "area-of-excellence",
        "Area of excellence",
        "Something the school does so well that other schools could learn from it; the report names it.",
    ),
    Term("cluster", "Cluster", "A small local group of schools (usually 5 to 10) that work together."),
    Term(
        "cpd",
        "CPD",
        "Training for staff and governors: courses, conferences, network meetings and briefings.",
        "continuing professional development",
    ),
    Term(
        "cycle",
        "Cycle",
        "One academic year of peer review (September to August): the schools taking part, their groups, "
        "their reviews and reports.",
    ),
    Term(
        "ebi",
        "EBI",
        "What could be better: the areas for development a review suggests.",
        "even better if",
    ),
    Term(
        "factual-accuracy",
        "Factual accuracy check",
        "Before a report is final, the reviewed school's headteacher reads the draft and points out anything "
        "that is wrong as a matter of fact (a date, a number, what happened). It is not a chance to change the "
        "reviewers' judgements: that is what the right to reply is for. Usually 5 working days.",
    ),
    Term(
        "final-report",
        "Final report",
        "The report once the factual-accuracy check is done and the coordinator has finalised it. The school's "
        "governors see the final report only, never a draft.",
    ),
    Term(
        "focus-area",
        "Focus area",
        "A part of the school's work that the review looks at, for example Curriculum and teaching. The school "
        "chooses its focus, and may add one or two lines of enquiry.",
    ),
    Term(
        "impact-visit",
        "Impact visit",
        "A visit about six months after the review to see what has changed since.",
    ),
    Term(
        "lead-reviewer",
        "Lead reviewer",
        "The member of the review team (usually a trained headteacher) who leads the visit and writes the report.",
    ),
    Term(
        "line-of-enquiry",
        "Line of enquiry",
        "A question the school asks the review to answer, for example how well pupils with SEND read.",
    ),
    Term(
        "peer-review",
        "Peer review",
        'Leaders of one school visiting another to look at its work with its own leaders: "done with, not done to".',
    ),
    Term(
        "quorum",
        "Quorum",
        "The smallest number of voting members who must be present for a board meeting to make decisions. "
        "Members who declared an interest in an item do not count for that item.",
    ),
    Term(
        "review-group",
        "Review group",
        "Schools that review each other in a cycle: a triad (A reviews B, B reviews C, C reviews A) or a pair.",
    ),
    Term(
        "right-to-reply",
        "Right to reply",
        "The reviewed school's written response to its report. It is printed at the end of the final report, "
        "whether or not the school agrees with it.",
    ),
    Term(
        "sef",
        "SEF",
        "The school's own evaluation of how well it is doing, shared with the review team before the visit.",
        "self-evaluation form",
    ),
    Term(
        "sip",
        "SIP",
        "The school's plan for what it will improve and how, shared with the review team with the SEF.",
        "school improvement plan",
    ),
    Term(
        "sla",
        "SLA",
        "An agreement a school buys for a year that covers CPD at a lower price (or free).",
        "service-level agreement",
    ),
    Term(
        "small-group-rule",
        "Hidden figures [c]",
        "On the dashboard a figure about one or two schools is hidden and reads [c], so that no school can be "
        "singled out.",
    ),
    Term(
        "www",
        "WWW",
        "What the school does well: the strengths a review finds.",
        "what went well",
    ),
)


@dataclass(frozen=True)
class Guide:
    slug: str
    title: str
    template: str
    roles: frozenset[str]


GUIDES: tuple[Guide, ...] = (
    Guide(
        "everyone", "Everyone: signing in, your account and your home page", "portal/help/everyone.html", frozenset()
    ),
    Guide("coordinators", "Coordinators", "portal/help/coordinators.html", frozenset({Role.COORDINATOR})),
    Guide(
        "headteachers",
        "Headteachers and senior leaders",
        "portal/help/headteachers.html",
        frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER}),
    ),
    Guide("reviewers", "Reviewers", "portal/help/reviewers.html", frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER})),
    Guide("governors", "Governors", "portal/help/governors.html", frozenset({Role.GOVERNOR})),
    Guide("board-members", "Board members", "portal/help/board_members.html", frozenset({Role.BOARD_MEMBER})),
)


def guide_by_slug(slug: str) -> Guide | None:
    return next((guide for guide in GUIDES if guide.slug == slug), None)


def guides_for(roles: set[str]) -> tuple[list[Guide], list[Guide]]:
    """(the guides for the person's roles, the others): everyone may read every guide; theirs come first."""
    mine = [g for g in GUIDES if not g.roles or g.roles & roles]
    return mine, [g for g in GUIDES if g not in mine]
