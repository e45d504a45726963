"""The gateway's side of the web: the signed payment callback and the SIMULATOR's pay page."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from loket.core.errors import ApplicationError
from loket.payments import conf
from loket.payments.billing import SIGNATURE_HEADER, payment_callback_handle
from loket.payments.gateway import billing_code_valid
from loket.payments.models import Bill
from loket.payments.simulator import simulator_pay


@csrf_exempt  # a server-to-server call, authenticated by its HMAC signature instead
@require_POST
def payment_callback(request: HttpRequest) -> JsonResponse:
    status, answer = payment_callback_handle(
        raw_body=request.body, signature=request.headers.get(SIGNATURE_HEADER, "")
    )
    return JsonResponse(answer, status=status)


class SimulatorForm(forms.Form):
    billing_code = forms.CharField(
        label=_("Billing code (15 digits)"),
        min_length=15,
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_billing_code(self) -> str:
        code = self.cleaned_data["billing_code"].strip()
        if not billing_code_valid(code):
            raise forms.ValidationError(
                _("This is not a valid billing code: check the 15 digits and try again.")
            )
        return code


@require_http_methods(["GET", "POST"])
def simulator_page(request: HttpRequest) -> HttpResponse:
    """SIMULATOR: a pretend bank where the payer pays, fails or times out a billing code."""
    if conf.gateway_name() != "simulator":
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    form = SimulatorForm(data or None)
    bill = result = error = None
    status = 200
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["billing_code"]
        bill = Bill.objects.filter(billing_code=code).first()
        if bill is None:
            form.add_error("billing_code", _("This billing code is not known to the SIMULATOR."))
        elif request.method == "POST":
            try:
                result = simulator_pay(billing_code=code, outcome=request.POST.get("outcome", ""))
            except ApplicationError as exc:
                error, status = exc, exc.status
            bill.refresh_from_db()
    elif form.is_bound:
        status = 400
    return render(
        request,
        "payments/simulator.html",
        {
            "form": form,
            "bill": bill,
            "result": result,
            "error": error,
            "mode": conf.simulator_mode(),
        },
        status=status,
    )
