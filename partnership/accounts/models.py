import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from partnership.tenancy.roles import Role, StaffRole
from partnership.tenancy.scoping import TenantOwnedModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Email is the login; what they may do comes from their memberships."""

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=20, blank=True, help_text="Mr, Mrs, Ms, Dr...")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Platform operators who may use the admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token, editable=False)
    emails_declined = ArrayField(
        models.CharField(max_length=40),
        default=list,
        blank=True,
        help_text="The kinds of optional email (EmailTopic keys) this person has turned off.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lower_case"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def get_short_name(self) -> str:
        return self.first_name or self.email


def default_invitation_expiry():
    return timezone.now() + timezone.timedelta(days=settings.INVITATION_VALID_DAYS)


class Invitation(TenantOwnedModel):
    """An email invitation into one role; the link is single-use and expires."""

    email = models.EmailField()
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("schools.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey("schools.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    staff_role = models.CharField(max_length=20, choices=StaffRole.choices, blank=True)
    is_chair_of_governors = models.BooleanField(default=False)
    represents = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(default=default_invitation_expiry)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="invitation_email_lower_case"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_after_creation"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_both_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
                name="invitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
