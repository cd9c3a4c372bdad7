"""The shell's pages: the home page, and the pages about people that offer a choice of schools (the people list's
filter, the invitation form), which the core cannot offer without knowing the schools app."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static

from partnership.accounts.forms import InvitationForm
from partnership.accounts.selectors import pending_invitations
from partnership.accounts.services import invitation_create, user_set_emails_declined
from partnership.common import once
from partnership.common.forms import add_service_errors
from partnership.tenancy.permissions import (
    can_end_membership,
    can_invite,
    can_revoke_invitation,
    can_view_people,
    is_coordinator,
    schools_led_by,
)
from partnership.tenancy.roles import ROLES_A_HEADTEACHER_MAY_INVITE, Role
from partnership.tenancy.selectors import active_memberships, memberships_list, partnerships_of
from schools.models import Area, Cluster, School

from . import help as guides
from .forms import EmailPreferencesForm
from .home import home_sections
from .registry import email_topics

PEOPLE_PER_PAGE = 50


def root(request):
    """The portal address lists a person's partnerships; a partnership's address shows their home page."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    if request.partnership is None:
        return render(request, "portal/portal_home.html", {"partnerships": partnerships_of(request.user)})
    return render(request, "portal/home.html", {"sections": home_sections(request.user, request.partnership)})


@login_required
def people(request):
    partnership = request.partnership
    if not can_view_people(request.user, partnership):
        raise Http404
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    ended = request.GET.get("state") == "ended"
    coordinator = is_coordinator(request.user, partnership)
    school_scope = None if coordinator else schools_led_by(request.user, partnership) or None
    school_id = request.GET.get("school", "")
    school_id = int(school_id) if school_id.isdigit() else None
    page = Paginator(memberships_list(role=role or None, school_id=school_id, ended=ended), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    invitations = []
    if can_invite(request.user, partnership) and not ended:
        invitations = pending_invitations(school_ids=school_scope)
        if role:
            invitations = invitations.filter(role=role)
    return render(
        request,
        "tenancy/people.html",
        {
            "page": page,
            "memberships": [(m, not ended and can_end_membership(request.user, m)) for m in page],
            "ended": ended,
            "invitations": [(i, can_revoke_invitation(request.user, i)) for i in invitations],
            "roles": Role.choices,
            "selected_role": role,
            "schools": School.objects.order_by("name").only("pk", "name"),
            "selected_school": school_id,
            "may_invite": can_invite(request.user, partnership),
        },
    )


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
        elif (claim := once.claim(request, form, "invitation")).repeated:
            # The same form sent again (Back, a second press): the first one was acted on; nothing more is sent.
            messages.info(request, "That invitation was sent already; it was not sent twice.")
            return redirect("people")
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
                add_service_errors(form, error)
                claim.release()
            else:
                claim.done(invitation.pk)
                messages.success(
                    request,
                    f"Invitation sent to {invitation.email}. The link works for "
                    f"{(invitation.expires_at - invitation.created_at).days} days.",
                )
                return redirect("people")
    return render(request, "accounts/invitation_new.html", {"form": form})


def favicon(request):
    """The icon's address is read per request: the static files' manifest may not exist when URLs are loaded."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


@login_required
def account_emails(request):
    """Which optional emails a person gets (the same for every partnership they belong to)."""
    topics = email_topics()
    form = EmailPreferencesForm(request.POST or None, topics=topics, declined=set(request.user.emails_declined))
    if request.method == "POST" and form.is_valid():
        try:
            user_set_emails_declined(user=request.user, declined=form.declined(), known=[topic.key for topic in topics])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your email choices are saved.")
            return redirect("account_emails")
    return render(request, "portal/account_emails.html", {"form": form})


def _roles_here(request) -> set[str]:
    if request.partnership is None or not request.user.is_authenticated:
        return set()
    return {m.role for m in active_memberships(request.user, request.partnership)}


@login_required
def help_index(request):
    mine, others = guides.guides_for(_roles_here(request))
    return render(request, "portal/help/index.html", {"mine": mine, "others": others})


@login_required
def help_guide(request, guide: str):
    found = guides.guide_by_slug(guide)
    if found is None:
        raise Http404
    return render(request, found.template, {"guide": found})


@login_required
def help_glossary(request):
    return render(request, "portal/help/glossary.html", {"terms": guides.GLOSSARY})
