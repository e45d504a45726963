"""Public information pages: the office directory, each office's service standard (page
and printable poster) and the questions and answers. Read-only; no login."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from loket.offices.selectors import office_get_public, offices_public
from loket.reports.forms import DirectorySearchForm, QuestionSearchForm
from loket.reports.poster import standard_poster_pdf
from loket.reports.selectors import (
    directory_entry,
    directory_search,
    questions_search,
    service_standard_for_code,
)

DIRECTORY_PAGE_SIZE = 10


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)
    name = region = ""
    if form.is_bound and form.is_valid():
        name, region = form.cleaned_data["name"], form.cleaned_data["region"]
    page = Paginator(directory_search(name=name, region=region), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    # Availability is computed for the offices on this page only.
    entries = [directory_entry(office=office, now=now) for office in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reports/directory.html",
        {
            "form": form,
            "page": page,
            "entries": entries,
            "query": query.urlencode(),
            "searched": bool(name or region),
        },
    )


def standard(request: HttpRequest, code: str) -> HttpResponse:
    std = service_standard_for_code(code=code)
    return render(request, "reports/standard.html", {"std": std, "office": std.office})


def standard_pdf(request: HttpRequest, code: str) -> HttpResponse:
    std = service_standard_for_code(code=code)
    url = request.build_absolute_uri(reverse("reports:standard", args=[std.office.code]))
    complaint_url = request.build_absolute_uri(
        reverse("feedback:complaint_new_office", args=[std.office.code])
    )
    response = HttpResponse(
        standard_poster_pdf(std, url, complaint_url), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="standar-{std.office.code}.pdf"'
    return response


def questions(request: HttpRequest) -> HttpResponse:
    offices = list(offices_public())
    form = QuestionSearchForm(
        request.GET or None, office_choices=[(o.code, o.name) for o in offices]
    )
    q, office = "", None
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"]
        if form.cleaned_data["office"]:
            office = office_get_public(code=form.cleaned_data["office"])
    return render(
        request,
        "reports/questions.html",
        {
            "form": form,
            "items": questions_search(q=q, office=office),
            "q": q,
            "office": office,
        },
    )
