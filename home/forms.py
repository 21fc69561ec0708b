"""Admin forms of the home app."""

from django.contrib.auth.forms import AuthenticationForm
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    """Wagtail's login form, with its password field labelled in the user's language.

    Wagtail 8 declares the field without a label, so the login page shows the raw field
    name "Password" in every language; Django's own label is translated. Enabled by
    ``WAGTAILADMIN_USER_LOGIN_FORM``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = AuthenticationForm.base_fields["password"].label
