"""Boards and their business: bodies, who sits on them and for how long, the register of interests, meetings with
agendas and papers, attendance, minutes, decisions and actions, and what the partnership shows the public.

The rules that must always hold are database constraints; approved minutes are locked by a trigger (migration
0001), so a correction after approval can only be a recorded amendment."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from partnership.tenancy.scoping import TenantOwnedModel


class Body(TenantOwnedModel):
    """A board or committee: the Partnership Board, a School Improvement Board, an area meeting."""

    name = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, help_text="One or two sentences for the public page.")
    terms_of_reference = models.FileField(upload_to="governance/terms/%Y/", blank=True)
    terms_of_reference_name = models.CharField(max_length=255, blank=True)
    quorum_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A fixed number of voting members present."
    )
    quorum_numerator = models.PositiveSmallIntegerField(null=True, blank=True)
    quorum_denominator = models.PositiveSmallIntegerField(null=True, blank=True)
    is_public = models.BooleanField(default=False, help_text="Shown, with its members, on the public pages.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="body_name_unique_in_partnership"),
            models.CheckConstraint(condition=~Q(name=""), name="body_name_not_blank"),
            models.CheckConstraint(
                condition=(
                    Q(
                        quorum_number__isnull=False,
                        quorum_number__gte=1,
                        quorum_numerator__isnull=True,
                        quorum_denominator__isnull=True,
                    )
                    | Q(
                        quorum_number__isnull=True,
                        quorum_numerator__isnull=False,
                        quorum_denominator__isnull=False,
                        quorum_numerator__gte=1,
                        quorum_denominator__gte=F("quorum_numerator"),
                    )
                ),
                name="body_quorum_number_or_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def quorum_rule(self) -> str:
        if self.quorum_number is not None:
            return f"{self.quorum_number} voting member{'s' if self.quorum_number != 1 else ''}"
        return f"{self.quorum_numerator}/{self.quorum_denominator} of the voting members in post, rounded up"


class Position(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"
    CO_OPTED = "co_opted", "Co-opted member"
    OBSERVER = "observer", "Observer (no vote)"


VOTING_POSITIONS = (Position.CHAIR, Position.VICE_CHAIR, Position.MEMBER, Position.CO_OPTED)


class BodyMembership(TenantOwnedModel):
    """One person's seat on a body for one term of office."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="body_memberships")
    represents = models.CharField(max_length=200, blank=True, help_text="The body this member represents.")
    position = models.CharField(max_length=12, choices=Position.choices, default=Position.MEMBER)
    is_clerk = models.BooleanField(default=False)
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["body", "position", "term_start"]
        indexes = [models.Index(fields=["partnership", "user"]), models.Index(fields=["partnership", "term_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=F("term_start")),
                name="body_membership_term_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["partnership", "body", "user", "term_start"], name="body_membership_one_term_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.body}"

    @property
    def has_vote(self) -> bool:
        return self.position in VOTING_POSITIONS

    def in_post_on(self, day) -> bool:
        return self.term_start <= day and (self.term_end is None or self.term_end >= day)


class InterestDeclaration(TenantOwnedModel):
    """A person's yearly declaration (the year runs from 1 September): their interests, or nothing to declare."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year_start = models.DateField(help_text="1 September of the year declared for.")
    nothing_to_declare = models.BooleanField(default=False)
    business_interests = models.TextField(blank=True)
    governance_interests = models.TextField(blank=True, help_text="Governance of other schools or trusts.")
    family_interests = models.TextField(blank=True)
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["-year_start", "-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "user", "year_start"], name="interest_declaration_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(year_start__month=9, year_start__day=1), name="interest_declaration_year_from_september"
            ),
            models.CheckConstraint(
                condition=(
                    Q(nothing_to_declare=True, business_interests="", governance_interests="", family_interests="")
                    | (
                        Q(nothing_to_declare=False)
                        & (~Q(business_interests="") | ~Q(governance_interests="") | ~Q(family_interests=""))
                    )
                ),
                name="interest_declaration_interests_or_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"Interests of {self.user} from {self.year_start:%Y}"


class Meeting(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Agenda being prepared"
        PUBLISHED = "published", "Pack published"
        CANCELLED = "cancelled", "Cancelled"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["partnership", "body", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(place=""), name="meeting_place_not_blank"),
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True) | ~Q(status="draft"),
                name="meeting_draft_not_published",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="meeting_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status="cancelled", cancelled_at__isnull=False)
                | (~Q(status="cancelled") & Q(cancelled_at__isnull=True)),
                name="meeting_cancelled_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} on {self.starts_at:%d %B %Y}"


class Purpose(models.TextChoices):
    DECISION = "decision", "For decision"
    DISCUSSION = "discussion", "For discussion"
    INFORMATION = "information", "For information"


class AgendaItem(TenantOwnedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    presenter = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.DISCUSSION)
    school = models.ForeignKey(
        "schools.School",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The school the item is about, if any: members linked to it are asked to declare.",
    )
    trust = models.ForeignKey(
        "schools.Trust",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The trust or federation the item is about, if any: members at its schools are asked to declare.",
    )
    is_matters_arising = models.BooleanField(default=False)
    carried_actions = models.ManyToManyField("Action", blank=True, related_name="carried_to")

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "meeting", "number"], name="agenda_item_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="agenda_item_number_positive"),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_title_not_blank"),
            models.CheckConstraint(
                condition=Q(school__isnull=True) | Q(trust__isnull=True), name="agenda_item_about_a_school_or_a_trust"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Paper(TenantOwnedModel):
    """A paper for an agenda item: a PDF or Office document, checked by its content, served only through a view that
    checks permission and records the download."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="governance/papers/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    review_content = models.BooleanField(
        default=False,
        help_text="The paper contains review content about the item's school: only those who may see that "
        "school's review see it, and it is left out of the whole pack.",
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="paper_title_not_blank")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class AgendaChange(TenantOwnedModel):
    """A change to the agenda or its papers after the pack was published: recorded, shown on the meeting's page,
    and sent to the members."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="changes")
    text = models.CharField(max_length=500)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="agenda_change_not_blank")]

    def __str__(self) -> str:
        return self.text


class PaperDownload(TenantOwnedModel):
    paper = models.ForeignKey(Paper, null=True, on_delete=models.SET_NULL, related_name="downloads")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]


class MeetingPack(TenantOwnedModel):
    """The whole pack as one PDF, assembled by a task; `sha256` of what went in, so an unchanged pack is reused."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being assembled"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    inputs_sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="governance/packs/%Y/", blank=True, max_length=300)
    page_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "meeting", "inputs_sha256"], name="meeting_pack_one_per_content"
            ),
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(file=""), name="meeting_pack_ready_has_file"),
        ]


class Attendance(TenantOwnedModel):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(BodyMembership, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)
    apologies_note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "membership"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "meeting", "membership"], name="attendance_one_per_member")
        ]


class ItemInterest(TenantOwnedModel):
    """A member's interest declared in one agenda item: they do not count towards its quorum."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="interests")
    membership = models.ForeignKey(BodyMembership, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "item", "membership"], name="item_interest_one_per_member")
        ]


class Minutes(TenantOwnedModel):
    """A meeting's minutes: drafted by the clerk, approved at a later meeting, then locked (trigger in 0001)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="minutes_approved"
    )
    is_public = models.BooleanField(default=False, help_text="Approved minutes shown on the public pages.")
    circulated_at = models.DateTimeField(null=True, blank=True, help_text="When the draft was last sent to members.")

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_at_meeting__isnull=True, is_public=False)
                | Q(approved_at__isnull=False, approved_at_meeting__isnull=False),
                name="minutes_approved_at_a_meeting_and_public_only_then",
            ),
            models.CheckConstraint(
                condition=~Q(approved_at_meeting=F("meeting")), name="minutes_approved_at_a_later_meeting"
            ),
        ]

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class MinutesSection(TenantOwnedModel):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["item__number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "minutes", "item"], name="minutes_section_one_per_item")
        ]


class MinutesAmendment(TenantOwnedModel):
    """A correction made after approval: the approved text stays as it was, the amendment is recorded beside it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    text = models.TextField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="minutes_amendment_not_blank")]


class Decision(TenantOwnedModel):
    """A vote on a motion, with the quorum it was made with."""

    class CastingVote(models.TextChoices):
        NONE = "", "None"
        FOR = "for", "For"
        AGAINST = "against", "Against"

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    motion = models.TextField()
    votes_for = models.PositiveSmallIntegerField()
    votes_against = models.PositiveSmallIntegerField()
    abstentions = models.PositiveSmallIntegerField()
    casting_vote = models.CharField(max_length=7, choices=CastingVote.choices, blank=True, default="")
    carried = models.BooleanField()
    voting_present = models.PositiveSmallIntegerField(help_text="Voting members present and not declaring.")
    quorum_required = models.PositiveSmallIntegerField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item__number", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(motion=""), name="decision_motion_not_blank"),
            models.CheckConstraint(
                condition=Q(votes_for__gte=0, votes_against__gte=0, abstentions__gte=0)
                & Q(votes_for__lte=F("voting_present") - F("votes_against") - F("abstentions")),
                name="decision_votes_within_present",
            ),
            models.CheckConstraint(
                condition=Q(casting_vote="") | Q(votes_for=F("votes_against")),
                name="decision_casting_vote_only_on_a_tie",
            ),
            models.CheckConstraint(
                condition=(
                    Q(carried=True, votes_for__gt=F("votes_against"))
                    | Q(carried=True, votes_for=F("votes_against"), casting_vote="for")
                    | Q(carried=False, votes_for__lt=F("votes_against"))
                    | Q(carried=False, votes_for=F("votes_against"), casting_vote__in=["", "against"])
                ),
                name="decision_carried_follows_the_votes",
            ),
            models.CheckConstraint(
                condition=Q(voting_present__gte=F("quorum_required")), name="decision_made_when_quorate"
            ),
        ]

    @property
    def quorate(self) -> bool:
        return self.voting_present >= self.quorum_required


class Action(TenantOwnedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the owner was reminded it is due.")

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["partnership", "body", "status"])]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="action_description_not_blank"),
            models.CheckConstraint(
                condition=Q(status="open", completed_on__isnull=True)
                | (~Q(status="open") & Q(completed_on__isnull=False)),
                name="action_completed_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class PublicPages(TenantOwnedModel):
    """What the partnership shows at /public/ without sign-in: the coordinator chooses each part."""

    enabled = models.BooleanField(default=False)
    about = models.TextField(blank=True)
    show_bodies = models.BooleanField(default=True)
    show_areas = models.BooleanField(default=True)
    show_clusters = models.BooleanField(default=True)
    show_schools = models.BooleanField(default=True)
    contact = models.TextField(blank=True, help_text="How the public can reach the partnership.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "public pages"
        constraints = [models.UniqueConstraint(fields=["partnership"], name="public_pages_one_per_partnership")]


class Resource(TenantOwnedModel):
    """A document or a link in the resources library, for the public, for members, for one role or for one CPD
    network's members; each new file is a new version, and the text of the latest is searched with the title and
    summary (PostgreSQL full-text)."""

    class Audience(models.TextChoices):
        PUBLIC = "public", "Everyone (on the public pages)"
        MEMBERS = "members", "Members of the partnership"
        ROLE = "role", "People holding one role"
        NETWORK = "network", "The members of one network"

    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    url = models.URLField(blank=True, help_text="For a link rather than a document.")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.MEMBERS)
    role = models.CharField(max_length=20, blank=True)
    network = models.ForeignKey("cpd.Network", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    text = models.TextField(blank=True, help_text="The latest version's text, for search.")
    search = SearchVectorField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        indexes = [GinIndex(fields=["search"], name="governance_resource_search")]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="resource_title_not_blank"),
            models.CheckConstraint(
                condition=Q(audience="role", role__gt="") | (~Q(audience="role") & Q(role="")),
                name="resource_role_only_for_role_audience",
            ),
            models.CheckConstraint(
                condition=Q(audience="network", network__isnull=False) | (~Q(audience="network") & Q(network=None)),
                name="resource_network_only_for_network_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ResourceVersion(TenantOwnedModel):
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    file = models.FileField(upload_to="governance/resources/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "resource", "number"], name="resource_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="resource_version_positive"),
        ]
