from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from loket.core.errors import ApplicationError
from loket.payments.forms import FeeForm
from loket.payments.selectors import fee_quote


def fee_calculator(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = FeeForm(
        request.GET or None,
        initial={"billing_date": today, "validity_years": 10, "book_type": "electronic"},
    )
    quote = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            quote = fee_quote(
                billing_date=data["billing_date"],
                book_type=data["book_type"],
                validity_years=data["validity_years"],
                percepatan=data["percepatan"],
                loss=data["loss"] or None,
                force_majeure=data["force_majeure"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
    template = "payments/fees.html#result" if request.htmx else "payments/fees.html"  # type: ignore[attr-defined]
    return render(request, template, {"form": form, "quote": quote})
