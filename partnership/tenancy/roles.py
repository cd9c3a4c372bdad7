"""The roles a person can hold in a partnership, and what each role is attached to."""

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    BOARD_MEMBER = "board_member", "Board member"
    AREA_CHAIR = "area_chair", "Area chair"
    CLUSTER_LEAD = "cluster_lead", "Cluster lead"
    HEADTEACHER = "headteacher", "Headteacher"
    SENIOR_LEADER = "senior_leader", "Senior leader"
    GOVERNOR = "governor", "Governor"
    STAFF = "staff", "Staff"


class StaffRole(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    SUBJECT_LEADER = "subject_leader", "Subject leader"
    SENDCO = "sendco", "SENDCo"
    EYFS_LEAD = "eyfs_lead", "EYFS lead"
    SCHOOL_BUSINESS_MANAGER = "sbm", "School business manager"


SCHOOL_ROLES = frozenset({Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR, Role.STAFF})
"""Roles held at one school: the membership names the school."""

PARTNERSHIP_ROLES = frozenset({Role.COORDINATOR, Role.BOARD_MEMBER})
"""Roles held across the whole partnership: no school, area or cluster."""

ROLES_A_HEADTEACHER_MAY_INVITE = frozenset({Role.SENIOR_LEADER, Role.GOVERNOR, Role.STAFF})

ROLES_THAT_SEE_REVIEWS = frozenset({Role.COORDINATOR, Role.HEADTEACHER, Role.SENIOR_LEADER, Role.GOVERNOR})
"""Roles that open one school's review or its report (reviewers are heads and senior leaders, so hold one)."""
