from allauth.account.forms import LoginForm
from django import forms

from partnership.common.once import OnceForm
from partnership.tenancy.roles import SCHOOL_ROLES, Role, StaffRole


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name."},
    )
    last_name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name."},
    )
    password = forms.CharField(
        label="Create a password",
        error_messages={"required": "Create a password."},
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password and not all numbers.",
    )
    password_again = forms.CharField(
        label="Type the password again",
        error_messages={"required": "Type the password again."},
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "The two passwords are different.")
        return cleaned


class InvitationForm(OnceForm):
    """Invite a person into a role. Which roles and schools are offered depends on who is inviting."""

    email = forms.EmailField(
        label="Email address",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "Enter the email address of the person you are inviting."},
    )
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    role = forms.ChoiceField(choices=Role.choices, error_messages={"required": "Choose the role to invite them into."})
    school = forms.ModelChoiceField(
        queryset=None,
        required=False,
        help_text="For headteachers, senior leaders, governors and staff.",
    )
    area = forms.ModelChoiceField(queryset=None, required=False, help_text="For area chairs.")
    cluster = forms.ModelChoiceField(queryset=None, required=False, help_text="For cluster leads.")
    staff_role = forms.ChoiceField(
        choices=[("", "Choose their job"), *StaffRole.choices], required=False, label="Job", help_text="For staff."
    )
    is_chair_of_governors = forms.BooleanField(
        label="Chair of governors", required=False, help_text="Tick if they chair their school's governing body."
    )
    represents = forms.CharField(
        max_length=200,
        required=False,
        label="Body represented",
        help_text="For board members, e.g. Primary Heads' Association.",
    )

    # Which roles each attachment belongs to. The page shows a field only for its roles (static/js/portal.js hides
    # and disables the others); without JavaScript every field shows with its hint, and the service refuses a value
    # that does not belong to the chosen role with a message that says so.
    FIELDS_FOR_ROLES = {
        "school": sorted(SCHOOL_ROLES),
        "area": [Role.AREA_CHAIR],
        "cluster": [Role.CLUSTER_LEAD],
        "staff_role": [Role.STAFF],
        "is_chair_of_governors": [Role.GOVERNOR],
        "represents": [Role.BOARD_MEMBER],
    }

    def __init__(self, *args, roles: list[tuple[str, str]], schools, areas, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("school", "area", "cluster"):
            self.fields[name].required_for_some_roles = True
        # No role is chosen for the inviter: the first in the list would be Coordinator, the most powerful.
        self.fields["role"].choices = [("", "Choose a role"), *roles]
        self.fields["school"].queryset = schools
        self.fields["area"].queryset = areas
        self.fields["cluster"].queryset = clusters
        if not areas.exists():
            del self.fields["area"]
        if not clusters.exists():
            del self.fields["cluster"]
        offered = {value for value, _ in roles}
        for name, for_roles in self.FIELDS_FOR_ROLES.items():
            if name not in self.fields:
                continue
            if not offered.intersection(for_roles):
                # A headteacher cannot invite a board member: a field no offered role uses is not shown at all.
                del self.fields[name]
            else:
                self.fields[name].for_roles = " ".join(str(role) for role in for_roles)


class PortalLoginForm(LoginForm):
    """allauth's sign-in form with GOV.UK wording: labels, no placeholders, 'Forgotten your password?' below."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class NameForm(forms.Form):
    title = forms.CharField(max_length=20, required=False, help_text="For example Mr, Mrs, Ms or Dr. Optional.")
    first_name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Enter your first name."},
    )
    last_name = forms.CharField(
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Enter your last name."},
    )


class TwoFactorPolicyForm(forms.Form):
    require_two_factor_for_review_roles = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for everyone who can see reviews",
        help_text=(
            "Coordinators, headteachers, senior leaders and governors will be asked to set it up the next time they "
            "open a page, and cannot use the portal until they have."
        ),
    )
