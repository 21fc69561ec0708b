"""Admin forms of the home app."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
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


class SiteConfigurationForm(WagtailAdminModelForm):
    """The « Configuration du site » form: the operator logo is a PNG or JPEG image.

    django-dsfr accepts SVG logos; an SVG is a document that can carry script, served
    from the site's own origin. Only raster images read by Pillow are accepted here.
    """

    RASTER_FORMATS = {"PNG": (".png",), "JPEG": (".jpg", ".jpeg")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("operator_logo_file")
        if field is not None:
            field.widget.attrs["accept"] = "image/png,image/jpeg"

    def clean_operator_logo_file(self):
        upload = self.cleaned_data.get("operator_logo_file")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged or cleared
        refused = forms.ValidationError(
            _("Le logo doit être une image PNG ou JPEG (les fichiers SVG sont refusés)."),
            code="invalid_logo",
        )
        try:
            image_file = forms.ImageField().to_python(upload)
        except forms.ValidationError:
            raise refused from None
        extensions = self.RASTER_FORMATS.get(getattr(image_file.image, "format", None), ())
        if not upload.name.lower().endswith(extensions):
            raise refused
        upload.seek(0)
        return upload
