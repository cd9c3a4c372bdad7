"""The partnership's CPD programme: networks, events and their sessions and workshops, schools' CPD leaders and
service-level agreements, bookings with every change of state recorded.

A place is held on a session (and, at a conference, on one of its workshops). Attendance, evaluations and
certificates (the next issue) hang off a booking, which is one person's place on one session.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from partnership.tenancy.roles import Role
from partnership.tenancy.scoping import TenantOwnedModel
from schools.models import School


class CpdSettings(TenantOwnedModel):
    """The partnership's booking rules: one row per partnership."""

    offer_hours = models.PositiveSmallIntegerField(
        default=48, help_text="How long a person offered a freed place has to accept it."
    )
    late_cancellation_charge = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text="Charged for a cancellation of a confirmed place after the booking deadline.",
    )
    no_show_charge = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text="Charged, on top of the place's price, for a person absent on a closed register.",
    )
    reminder_days = models.PositiveSmallIntegerField(
        default=2, help_text="How many days before a session its booked people are reminded (0: no reminders)."
    )

    class Meta:
        verbose_name_plural = "CPD settings"
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="cpd_settings_one_per_partnership"),
            models.CheckConstraint(condition=Q(offer_hours__gte=1), name="cpd_settings_offer_at_least_an_hour"),
            models.CheckConstraint(
                condition=Q(late_cancellation_charge__gte=0), name="cpd_settings_charge_not_negative"
            ),
            models.CheckConstraint(condition=Q(no_show_charge__gte=0), name="cpd_settings_no_show_not_negative"),
            models.CheckConstraint(condition=Q(reminder_days__lte=28), name="cpd_settings_reminder_within_4_weeks"),
        ]

    def __str__(self) -> str:
        return f"CPD settings of {self.partnership_id}"


class Network(TenantOwnedModel):
    """A role network (SENDCo, EYFS, school business managers...): leads, members and a programme of meetings."""

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="cpd_network_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="cpd_network_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class NetworkMember(TenantOwnedModel):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(default=False)
    joined_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "network", "user"], name="cpd_network_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.network}"


class CpdLeader(TenantOwnedModel):
    """The person a school names to approve its staff's bookings. Without one, the headteacher acts."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "school"], name="cpd_one_leader_per_school")]

    def __str__(self) -> str:
        return f"{self.user}, CPD leader of {self.school}"


class SchoolSla(TenantOwnedModel):
    """A school bought the partnership's service-level agreement for an academic year: its places cost the SLA
    price that year."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    academic_year_start = models.PositiveSmallIntegerField(help_text="2026 for the 2026/27 academic year.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "school", "academic_year_start"], name="cpd_sla_once_per_school_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} SLA {self.academic_year_start}"


class EventKind(models.TextChoices):
    COURSE = "course", "Course"
    CONFERENCE = "conference", "Conference"
    BRIEFING = "briefing", "Briefing"
    NETWORK_MEETING = "network_meeting", "Network meeting"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


class Event(TenantOwnedModel):
    """One item of the programme. Each of its sessions offers `capacity` places (a conference's workshops have
    their own); a person books a session."""

    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.COURSE)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=EventStatus.choices, default=EventStatus.DRAFT)
    network = models.ForeignKey(Network, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    audience_phases = ArrayField(
        models.CharField(max_length=20, choices=School.Phase.choices), blank=True, default=list
    )
    audience_roles = ArrayField(models.CharField(max_length=20, choices=Role.choices), blank=True, default=list)
    is_free = models.BooleanField(default=False)
    price_sla = models.DecimalField("price for SLA schools", max_digits=8, decimal_places=2, default=0)
    price_non_sla = models.DecimalField("price for other schools", max_digits=8, decimal_places=2, default=0)
    capacity = models.PositiveIntegerField()
    minimum = models.PositiveIntegerField(default=0, help_text="Fewest bookings for the event to run.")
    booking_deadline = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["booking_deadline", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="cpd_event_title_not_blank"),
            models.CheckConstraint(
                condition=Q(price_sla__gte=0, price_non_sla__gte=0), name="cpd_event_prices_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(is_free=False) | Q(price_sla=0, price_non_sla=0), name="cpd_event_free_costs_nothing"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cpd_event_capacity_positive"),
            models.CheckConstraint(condition=Q(minimum__lte=F("capacity")), name="cpd_event_minimum_within_capacity"),
            models.CheckConstraint(
                condition=Q(kind=EventKind.NETWORK_MEETING, network__isnull=False) | ~Q(kind=EventKind.NETWORK_MEETING),
                name="cpd_network_meeting_has_network",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_phase_labels(self) -> list[str]:
        return [School.Phase(p).label for p in self.audience_phases]

    @property
    def audience_role_labels(self) -> list[str]:
        return [Role(r).label for r in self.audience_roles]


class Session(TenantOwnedModel):
    """A dated meeting of an event. Its row is the lock every booking of its places takes."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    facilitator = models.CharField(max_length=200, blank=True)
    facilitator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A person of the portal who leads the session: they open, mark and close its register.",
    )

    class Meta:
        ordering = ["date", "starts_at"]
        indexes = [models.Index(fields=["partnership", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="cpd_session_ends_after_start"),
            models.CheckConstraint(condition=~Q(venue="") | ~Q(online_link=""), name="cpd_session_has_venue_or_link"),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.date:%d %b %Y}"


class Workshop(TenantOwnedModel):
    """One of a conference session's parallel workshops, with its own capacity: a person books one per session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(max_length=200)
    capacity = models.PositiveIntegerField()
    facilitator = models.CharField(max_length=200, blank=True)
    room = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cpd_workshop_capacity_positive"),
            models.UniqueConstraint(fields=["partnership", "session", "title"], name="cpd_workshop_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class BookingState(models.TextChoices):
    REQUESTED = "requested", "Awaiting approval"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    EXPIRED = "expired", "Expired"
    WAITING = "waiting", "On the waiting list"
    OFFERED = "offered", "Offered a place"


# States that hold one of the session's places.
HOLDING_STATES = (BookingState.CONFIRMED, BookingState.REQUESTED, BookingState.OFFERED)
# States in which the person still has (or is waiting for) a place: at most one per person per session.
LIVE_STATES = (*HOLDING_STATES, BookingState.WAITING)


class PriceBand(models.TextChoices):
    FREE = "free", "Free"
    SLA = "sla", "SLA school"
    NON_SLA = "non_sla", "Non-SLA school"


class Booking(TenantOwnedModel):
    """One person's place (or place in the queue) on one session. The price is fixed when the booking is made."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="bookings")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="bookings")
    workshop = models.ForeignKey(Workshop, null=True, blank=True, on_delete=models.PROTECT, related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=20, choices=BookingState.choices)
    needs_approval = models.BooleanField(default=True)
    price_band = models.CharField(max_length=10, choices=PriceBand.choices)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    charge = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="A late cancellation's charge, fixed when it happened."
    )
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    walk_in = models.BooleanField(
        default=False, help_text="Added on the day at the register: a person who came without a booking."
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["partnership", "session", "state"]),
            models.Index(fields=["partnership", "user", "state"]),
            models.Index(fields=["partnership", "school", "state"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "session", "user"],
                condition=Q(state__in=LIVE_STATES),
                name="cpd_one_live_booking_per_person_per_session",
            ),
            models.CheckConstraint(condition=Q(price__gte=0, charge__gte=0), name="cpd_booking_amounts_not_negative"),
            models.CheckConstraint(
                condition=Q(state=BookingState.OFFERED, offer_expires_at__isnull=False)
                | (~Q(state=BookingState.OFFERED) & Q(offer_expires_at__isnull=True)),
                name="cpd_booking_offer_has_expiry",
            ),
            models.CheckConstraint(
                condition=Q(price_band=PriceBand.FREE, price=0) | ~Q(price_band=PriceBand.FREE),
                name="cpd_booking_free_costs_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.session}"

    @property
    def holds_place(self) -> bool:
        return self.state in HOLDING_STATES


class BookingChange(TenantOwnedModel):
    """One change of a booking's state: who made it, when and why. Never edited."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="changes")
    from_state = models.CharField(max_length=20, choices=BookingState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=BookingState.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_state=F("to_state")), name="cpd_booking_change_changes"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.from_state or 'new'} -> {self.to_state}"


class Invoice(TenantOwnedModel):
    """One school's invoice for a period (usually a term): its places and late-cancellation charges. Once issued it
    never changes (a trigger refuses any update or deletion); a correction is a credit note."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=120, help_text="For example, Autumn term 2026.")
    period_start = models.DateField()
    period_end = models.DateField()
    number = models.PositiveIntegerField(null=True, blank=True, help_text="Given when the invoice is issued.")
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-period_end", "school__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="cpd_invoice_period_order"),
            models.CheckConstraint(condition=Q(total__gte=0), name="cpd_invoice_total_not_negative"),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True, number__isnull=True)
                | Q(issued_at__isnull=False, number__isnull=False),
                name="cpd_invoice_number_when_issued",
            ),
            models.UniqueConstraint(fields=["partnership", "number"], name="cpd_invoice_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.school}: {self.label}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class InvoiceLineKind(models.TextChoices):
    PLACE = "place", "Place"
    LATE_CANCELLATION = "late_cancellation", "Late cancellation"
    NO_SHOW = "no_show", "No-show"


class InvoiceLine(TenantOwnedModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=InvoiceLineKind.choices)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cpd_invoice_line_not_negative"),
            # A booking's place, late cancellation or no-show is invoiced once: a second run for the same term adds
            # only what is new (a no-show recorded after the place was invoiced, say).
            models.UniqueConstraint(
                fields=["partnership", "booking", "kind"], name="cpd_invoice_line_booking_kind_once"
            ),
        ]

    def __str__(self) -> str:
        return self.description


class CreditNote(TenantOwnedModel):
    """A correction to an issued invoice: lines crediting some of its lines, with the reason. Numbered in a series of
    its own (CN-1, CN-2...) and final from the moment it is made: triggers refuse any change, deletion or later
    line, as for an issued invoice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="cpd_credit_note_number_unique"),
            models.CheckConstraint(condition=Q(total__gt=0), name="cpd_credit_note_total_positive"),
            models.CheckConstraint(condition=~Q(reason=""), name="cpd_credit_note_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Credit note CN-{self.number}"

    @property
    def reference(self) -> str:
        return f"CN-{self.number}"


class CreditNoteLine(TenantOwnedModel):
    """Credits (part of) one line of the invoice; each invoice line is credited at most once."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credits")
    description = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cpd_credit_line_positive"),
            models.UniqueConstraint(fields=["partnership", "invoice_line"], name="cpd_credit_line_once_per_line"),
        ]

    def __str__(self) -> str:
        return self.description


class FinanceDocument(TenantOwnedModel):
    """The PDF of an issued invoice or a credit note, rendered once by a task on the `pdf` queue (neither ever
    changes, so neither is rendered twice); `sha256` is the hash of the stored file."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # Cascade, not protect: deleting an issued invoice or a credit note is refused by its own trigger, and a draft
    # has no document.
    invoice = models.OneToOneField(Invoice, null=True, blank=True, on_delete=models.CASCADE, related_name="pdf")
    credit_note = models.OneToOneField(CreditNote, null=True, blank=True, on_delete=models.CASCADE, related_name="pdf")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="cpd/invoices/%Y/", blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(invoice__isnull=False, credit_note__isnull=True)
                | Q(invoice__isnull=True, credit_note__isnull=False),
                name="cpd_finance_document_of_one_thing",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(file="") & ~Q(sha256="")), name="cpd_finance_document_ready_has_file"
            ),
        ]


class BookingReminder(TenantOwnedModel):
    """A reminder sent before a booked session: one per booking (a booking is one person on one session), so a rerun
    of the reminder task sends nothing twice."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partnership", "booking"], name="cpd_reminder_once_per_booking")]


class Register(TenantOwnedModel):
    """A session's attendance register: opened by a coordinator, marked, then closed. Once closed neither it nor
    its marks change (a trigger refuses), so invoices and certificates read a settled record."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="registers")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "session"], name="cpd_register_one_per_session"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="cpd_register_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"Register of {self.session}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class AttendanceMark(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    ABSENT = "absent", "Absent"


# Marks that count as having attended the whole session (for a certificate).
ATTENDED_MARKS = (AttendanceMark.PRESENT, AttendanceMark.LATE)


class Attendance(TenantOwnedModel):
    """One confirmed booking's mark on a session's register. An absence on a closed register is a no-show, which
    the invoice rules charge like a late cancellation."""

    register = models.ForeignKey(Register, on_delete=models.PROTECT, related_name="marks")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="attendance")
    mark = models.CharField(max_length=20, choices=AttendanceMark.choices)
    no_show = models.BooleanField(default=False, help_text="Set when the register closes with the person absent.")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "booking"], name="cpd_attendance_once_per_booking"),
            models.CheckConstraint(
                condition=Q(no_show=False) | Q(mark=AttendanceMark.ABSENT), name="cpd_attendance_no_show_is_absent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id}: {self.mark}"


class Certificate(TenantOwnedModel):
    """A person attended every session of an event. What it certifies is copied onto the row when it is issued and
    never changes (a trigger refuses): a correction revokes it and releases a new one, both recorded. The
    verification code is random and unique: the public page shows only name, event, date and validity."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=24)
    person_name = models.CharField(max_length=300)
    event_title = models.CharField(max_length=200)
    completed_on = models.DateField(help_text="The date of the event's last session.")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    revoked_reason = models.CharField(max_length=300, blank=True)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="The revoked certificate this one reissues.",
    )
    # The PDF, rendered once by a worker on the `pdf` queue and stored (default storage): set once, never changed.
    pdf = models.FileField(upload_to="certificates/", max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="cpd_certificate_code_unique"),
            models.CheckConstraint(condition=~Q(code=""), name="cpd_certificate_has_code"),
            models.UniqueConstraint(
                fields=["partnership", "event", "user"],
                condition=Q(revoked_at__isnull=True),
                name="cpd_one_valid_certificate_per_person_per_event",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""), name="cpd_certificate_revoked_with_reason"
            ),
            models.CheckConstraint(
                condition=Q(pdf="", pdf_sha256="", rendered_at__isnull=True)
                | (~Q(pdf="") & ~Q(pdf_sha256="") & Q(rendered_at__isnull=False)),
                name="cpd_certificate_pdf_with_hash",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name}: {self.event_title}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def is_rendered(self) -> bool:
        return bool(self.pdf)


# -- Evaluations (issue 14): before, on the day and for impact -------------------------------------------------


class EvaluationPoint(models.TextChoices):
    BEFORE = "before", "Before the event"
    ON_THE_DAY = "on_the_day", "On the day"
    IMPACT = "impact", "Impact"


class EvaluationSettings(TenantOwnedModel):
    """The partnership's evaluation rules: one row per partnership (defaults apply until it saves its own)."""

    anonymous = models.BooleanField(
        default=False,
        help_text="Answers are stored without the person: nobody, facilitator or coordinator, can tell who said what.",
    )
    impact_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="How many weeks after the event's last session the impact evaluation opens."
    )
    certificate_needs_evaluation = models.BooleanField(
        default=False, help_text="A certificate is released only to those who completed the on-the-day evaluation."
    )

    class Meta:
        verbose_name_plural = "evaluation settings"
        constraints = [
            models.UniqueConstraint(fields=["partnership"], name="cpd_evaluation_settings_one_per_partnership"),
            models.CheckConstraint(
                condition=Q(impact_weeks__gte=1, impact_weeks__lte=52), name="cpd_evaluation_impact_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation settings of {self.partnership_id}"


class EvaluationForm(TenantOwnedModel):
    """The short form a partnership asks at one point for one kind of event."""

    event_kind = models.CharField(max_length=20, choices=EventKind.choices)
    point = models.CharField(max_length=20, choices=EvaluationPoint.choices)
    intro = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["event_kind", "point"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "event_kind", "point"], name="cpd_evaluation_form_one_per_kind_and_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_kind_display()}: {self.get_point_display()}"


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating from 1 to 5"
    TEXT = "text", "Free text"
    CHOICE = "choice", "One choice from a list"


class EvaluationQuestion(TenantOwnedModel):
    """One question of a form. A question is retired rather than deleted, so answers already given keep their
    question."""

    form = models.ForeignKey(EvaluationForm, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    choices = ArrayField(models.CharField(max_length=120), blank=True, default=list)
    required = models.BooleanField(default=True)
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="cpd_evaluation_question_has_text"),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.CHOICE) | Q(choices__len__gte=2),
                name="cpd_evaluation_choice_has_choices",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class EvaluationCompletion(TenantOwnedModel):
    """That a person answered one point of an event's evaluation: one per person per point. Kept apart from the
    answers, with no time of day, so that an anonymous answer cannot be matched to the person who gave it."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="evaluation_completions")
    point = models.CharField(max_length=20, choices=EvaluationPoint.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "event", "point", "user"], name="cpd_evaluation_once_per_person_per_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} evaluated {self.event_id} ({self.point})"


class EvaluationResponse(TenantOwnedModel):
    """One set of answers to one point of an event's evaluation. Its key is random and it carries no time, so
    neither its order nor its key says when (or after whom) it was given; an anonymous response has no person.
    `answers` maps a question's id to the answer (a rating 1-5, a text, a choice); `score` is the mean of its
    ratings, for the programme's and the board's averages. Area and phase are the person's school's, for the board's
    figures (never shown for fewer than 3 responses)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="evaluation_responses")
    point = models.CharField(max_length=20, choices=EvaluationPoint.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymous = models.BooleanField()
    area = models.ForeignKey("schools.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    phase = models.CharField(max_length=20, choices=School.Phase.choices, blank=True)
    answers = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["partnership", "event", "point"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=True, user__isnull=True) | Q(anonymous=False, user__isnull=False),
                name="cpd_evaluation_anonymous_has_no_person",
            ),
            models.UniqueConstraint(
                fields=["partnership", "event", "point", "user"],
                condition=Q(user__isnull=False),
                name="cpd_evaluation_response_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="cpd_evaluation_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Response to {self.event_id} ({self.point})"


class ImpactReminder(TenantOwnedModel):
    """An impact evaluation's reminder was sent to a person for an event: sent once."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partnership", "event", "user"], name="cpd_impact_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"Impact reminder of {self.event_id} to {self.user_id}"

class EventFocusArea(TenantOwnedModel):
    """An event serves a focus area of the peer reviews: the programme set beside what reviews found (cpd/needs.py).

    The focus area is kept by name, not as a key to one cycle's FocusArea row: each cycle has its own list of focus
    areas, and a course on inclusion meets the need for inclusion whichever year's reviews found it. The name is
    checked against the partnership's focus areas when the tag is set (cpd/services/focus.py)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="focus_areas")
    name = models.CharField(max_length=120)
    tagged_at = models.DateTimeField(auto_now_add=True)
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["partnership", "name"])]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "event", "name"], name="cpd_event_focus_area_once"),
            models.CheckConstraint(condition=~Q(name=""), name="cpd_event_focus_area_name_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.name}"
