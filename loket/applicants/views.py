from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from loket.applicants.forms import ProfileForm
from loket.applicants.models import ApplicantProfile
from loket.applicants.services import applicant_profile_update
from loket.core.decorators import applicant_required, request_user


@applicant_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    profile = ApplicantProfile.objects.filter(user=user).first()
    initial = {
        "full_name": user.full_name,
        "phone": profile.phone if profile else "",
        "preferred_language": user.preferred_language,
        "notify_by_whatsapp": profile.notify_by_whatsapp if profile else False,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        applicant_profile_update(user=user, **form.cleaned_data)
        translation.activate(form.cleaned_data["preferred_language"])
        messages.success(request, _("Your profile is saved."))
        response = redirect("applicants:home")
        response.set_cookie(
            "django_language", form.cleaned_data["preferred_language"], samesite="Lax"
        )
        return response
    return render(
        request, "applicants/home.html", {"form": form}, status=400 if form.errors else 200
    )
