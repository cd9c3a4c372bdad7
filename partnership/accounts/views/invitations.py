from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from partnership.tenancy.permissions import can_invite, can_revoke_invitation, is_coordinator, schools_led_by
from partnership.tenancy.roles import ROLES_A_HEADTEACHER_MAY_INVITE, Role
from schools.models import Area, Cluster, School

from ..forms import AcceptInvitationForm, InvitationForm
from ..models import Invitation, User
from ..services import (
    InvitationUnusableError,
    invitation_accept_as_existing_user,
    invitation_accept_as_new_user,
    invitation_create,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
)

UNUSABLE_STATUS = {"invalid": 404, "accepted": 410, "revoked": 410, "expired": 410}


def invitation_accept(request, token: str):
    """The link in an invitation email: set a password (or sign in) and join the partnership."""
    if request.partnership is None:
        raise Http404
    try:
        invitation = invitation_for_token(token)
    except InvitationUnusableError as unusable:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"reason": unusable.reason, "invitation": unusable.invitation},
            status=UNUSABLE_STATUS[unusable.reason],
        )
    existing_account = User.objects.filter(email=invitation.email).first()
    context = {"invitation": invitation, "token": token}
    if existing_account is not None:
        return _accept_with_existing_account(request, token, invitation, existing_account, context)

    if request.user.is_authenticated:
        context["signed_in_as_someone_else"] = True
        return render(request, "accounts/invitation_accept.html", context)
    form = AcceptInvitationForm(
        request.POST or None,
        initial={
            "first_name": invitation.first_name,
            "last_name": invitation.last_name,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = invitation_accept_as_new_user(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password"],
            )
        except InvitationUnusableError as unusable:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"reason": unusable.reason},
                status=UNUSABLE_STATUS[unusable.reason],
            )
        except ValidationError as error:
            form.add_error("password", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to {request.partnership.name}. You have joined as {membership.get_role_display().lower()}.",
            )
            return redirect("home")
    context["form"] = form
    return render(request, "accounts/invitation_accept.html", context)


def _accept_with_existing_account(request, token, invitation, account, context):
    context["existing_account"] = account
    if not request.user.is_authenticated:
        context["login_url"] = f"{reverse('account_login')}?next={request.path}"
        return render(request, "accounts/invitation_accept.html", context)
    if request.user.pk != account.pk:
        context["signed_in_as_someone_else"] = True
        return render(request, "accounts/invitation_accept.html", context)
    if request.method == "POST":
        try:
            membership = invitation_accept_as_existing_user(token=token, user=request.user)
        except InvitationUnusableError as unusable:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"reason": unusable.reason},
                status=UNUSABLE_STATUS[unusable.reason],
            )
        messages.success(
            request, f"You have joined {request.partnership.name} as {membership.get_role_display().lower()}."
        )
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", context)


def _invitation_form(request, data=None):
    partnership = request.partnership
    if is_coordinator(request.user, partnership):
        roles = Role.choices
        schools = School.objects.exclude(status=School.Status.CLOSED).order_by("name")
        areas, clusters = Area.objects.all(), Cluster.objects.all()
    else:
        roles = [(value, label) for value, label in Role.choices if value in ROLES_A_HEADTEACHER_MAY_INVITE]
        schools = School.objects.filter(pk__in=schools_led_by(request.user, partnership))
        areas, clusters = Area.objects.none(), Cluster.objects.none()
    initial = {}
    if schools.count() == 1:
        initial["school"] = schools.first()
    elif request.GET.get("school", "").isdigit():
        initial["school"] = schools.filter(pk=int(request.GET["school"])).first()
    return InvitationForm(data, roles=roles, schools=schools, areas=areas, clusters=clusters, initial=initial)


@login_required
def invitation_new(request):
    if not can_invite(request.user, request.partnership):
        raise Http404
    form = _invitation_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = data.get("school")
        if not can_invite(
            request.user, request.partnership, role=data["role"], school_id=school.pk if school else None
        ):
            form.add_error("role", "You cannot invite someone into this role at this school.")
        else:
            try:
                invitation = invitation_create(
                    partnership=request.partnership,
                    invited_by=request.user,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    school=school,
                    area=data.get("area"),
                    cluster=data.get("cluster"),
                    staff_role=data.get("staff_role") or "",
                    is_chair_of_governors=data.get("is_chair_of_governors") or False,
                    represents=data.get("represents") or "",
                )
            except ValidationError as error:
                _add_validation_error(form, error)
            else:
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. The link works for "
                    f"{(invitation.expires_at - invitation.created_at).days} days.",
                )
                return redirect("people")
    return render(request, "accounts/invitation_new.html", {"form": form})


def _add_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


def _invitation_for_action(request, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation, pk=pk)
    if not can_revoke_invitation(request.user, invitation):
        raise Http404
    return invitation


@login_required
@require_POST
def invitation_resend_view(request, pk: int):
    invitation = _invitation_for_action(request, pk)
    try:
        invitation_resend(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"A new invitation link is on its way to {invitation.email}.")
    return redirect("people")


@login_required
@require_POST
def invitation_revoke_view(request, pk: int):
    invitation = _invitation_for_action(request, pk)
    try:
        invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation to {invitation.email} has been withdrawn; its link no longer works.")
    return redirect("people")
