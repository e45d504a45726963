"""The planner page: scope, calibration on the page, comparison, bad input, saved
scenarios and the staffing helper."""

import re

import pytest
from django.urls import reverse

from loket.core.choices import Role
from loket.planning.models import SavedScenario

PERIOD = {"calibrate_from": "2025-02-03", "calibrate_to": "2025-02-05"}


def url(office, **query):
    base = reverse("planning:planner", args=[office.code])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def form_data(response, **changes):
    """The scenario form's fields as the page rendered them, with ``changes``."""
    data = {}
    for slot in ("a", "b"):
        form = dict(response.context["forms"])[slot.upper()]
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[f"{slot}-{name}"] = value
    data.update(changes)
    return data


@pytest.fixture
def head(recorded_small, make_staff):
    return make_staff(Role.HEAD_OF_OFFICE, recorded_small["office"])


@pytest.mark.django_db
class TestScope:
    def test_roles_and_offices(self, client, planning_office, office_wita, make_staff):
        assert client.get(url(planning_office)).status_code == 302
        client.force_login(make_staff(Role.FRONT_DESK, planning_office))
        assert client.get(url(planning_office)).status_code == 403
        client.force_login(make_staff(Role.HEAD_OF_OFFICE, office_wita))
        assert client.get(url(planning_office)).status_code == 404
        for role in (Role.KASUBSI, Role.KASI, Role.HEAD_OF_OFFICE):
            client.force_login(make_staff(role, planning_office))
            assert client.get(url(planning_office)).status_code == 200
        client.force_login(make_staff(Role.NATIONAL_ANALYST, None))
        assert client.get(url(planning_office)).status_code == 200
        # A saved-scenario id that only looks like digits is ignored, not a server error.
        assert client.get(url(planning_office, a="%C2%B2", b="%C2%B9")).status_code == 200


@pytest.mark.django_db
class TestPlanner:
    def test_calibration_shown_and_compare(self, client, head, recorded_small):
        office = recorded_small["office"]
        client.force_login(head)
        page = client.get(url(office, **PERIOD))
        html = page.content.decode()
        assert page.status_code == 200
        assert 'data-testid="calibration-fit"' in html and 'id="chart-arrivals"' in html
        assert page.context["calibration"].days_with_records == 3

        data = form_data(page, **{"b-counters_interview": "4", "action": "compare"})
        response = client.post(url(office, **PERIOD), data)
        html = response.content.decode()
        assert response.status_code == 200, response.context["forms"][0][1].errors
        assert 'data-testid="comparison"' in html
        for chart in ("chart-wait", "chart-sop", "chart-utilisation"):
            assert f'id="{chart}"' in html
        compared = response.context["compared"]
        assert len(compared["titles"]) == 2
        interview = next(s for s in compared["stages"] if s["code"] == "interview")
        assert interview["counters"][1] == "4"
        assert 'data-testid="result-A-wait_total_p90-1"' in html
        assert 'data-testid="result-A-wait_total_p90-2"' in html

    def test_empty_period_names_it_and_falls_back_to_setup(self, client, head, planning_office):
        client.force_login(head)
        response = client.get(
            url(planning_office, calibrate_from="2024-01-01", calibrate_to="2024-01-31")
        )
        html = response.content.decode()
        assert response.status_code == 200
        errors = response.context["calibration_form"].errors["calibrate_from"]
        assert "2024-01-01" in errors[0] and "2024-01-31" in errors[0]
        assert 'data-testid="setup-baseline"' in html
        plan = response.context["forms"][0][1].base
        assert plan["source"] == "setup"
        document = next(s for s in plan["stages"] if s["code"] == "document_check")
        assert document["counters"] == [3] and document["mean"] == 10.0

    @pytest.mark.parametrize(
        ("changes", "field", "words"),
        [
            ({"a-counters_interview": "-1"}, "counters_interview", "negative"),
            ({"a-counters_interview": "1, 2"}, "counters_interview", "7"),
            ({"a-counters_bap": "0"}, "counters_bap", "0 all day"),
            ({"a-arrivals_A": "-5"}, "arrivals_A", "negative"),
            ({"a-mean_interview": "-2"}, "mean_interview", ""),
            ({"a-policy": "random"}, "policy", "random"),
            (
                {"a-steady_state": "on", "a-counters_document_check": "1"},
                "counters_document_check",
                "utilisation",
            ),
        ],
    )
    def test_bad_input_names_the_parameter(
        self, client, head, recorded_small, changes, field, words
    ):
        office = recorded_small["office"]
        client.force_login(head)
        client.cookies["django_language"] = "en"  # the messages are checked in English
        page = client.get(url(office, **PERIOD))
        data = form_data(page, action="compare", **changes)
        if "a-steady_state" in changes:
            for key in list(data):
                if key.startswith("a-counters_") and key != "a-counters_document_check":
                    data[key] = "9"
        response = client.post(url(office, **PERIOD), data)
        assert response.status_code == 400
        form = dict(response.context["forms"])["A"]
        assert field in form.errors, form.errors
        assert words in " ".join(form.errors[field])
        assert response.context["compared"] is None

    def test_save_load_delete(self, client, head, recorded_small, office_wita, make_staff):
        office = recorded_small["office"]
        client.force_login(head)
        page = client.get(url(office, **PERIOD))
        data = form_data(
            page, **{"a-name": "Tambah loket", "a-counters_interview": "3", "action": "save_a"}
        )
        response = client.post(url(office, **PERIOD), data)
        assert response.status_code == 302
        saved = SavedScenario.objects.get()
        assert saved.office == office and saved.created_by == head
        assert saved.plan["name"] == "Tambah loket" and saved.results["lanes"]["A"]
        assert next(s for s in saved.params["stages"] if s["name"] == "interview")["counters"] == [
            3
        ]
        assert re.search(rf"[?&]a={saved.pk}", response["Location"])

        loaded = client.get(url(office, **PERIOD, a=saved.pk))
        form = dict(loaded.context["forms"])["A"]
        assert form["name"].value() == "Tambah loket"
        assert form["counters_interview"].value() == "3"
        assert f'data-testid="saved-{saved.pk}"' in loaded.content.decode()

        json_url = reverse("planning:scenario_json", args=[office.code, saved.pk])
        assert client.get(json_url).json()["stages"]

        # Both slots loaded with cached results: the comparison shows without a run.
        both = client.get(url(office, **PERIOD, a=saved.pk, b=saved.pk))
        assert both.context["compared"] is not None

        other = make_staff(Role.HEAD_OF_OFFICE, office_wita)
        client.force_login(other)
        assert client.get(url(office_wita, a=saved.pk)).status_code == 404
        delete_url = reverse("planning:scenario_delete", args=[office.code, saved.pk])
        assert client.post(delete_url).status_code == 404
        client.force_login(head)
        assert client.post(delete_url).status_code == 302
        assert not SavedScenario.objects.exists()

    def test_staffing_helper(self, client, head, recorded_small):
        office = recorded_small["office"]
        client.force_login(head)
        page = client.get(url(office, **PERIOD))
        data = form_data(page, action="staffing", target_p90="20")
        response = client.post(url(office, **PERIOD), data)
        assert response.status_code == 200
        staffing = response.context["staffing"]
        assert staffing.runs <= 30
        assert staffing.met
        assert all(n >= 1 for n in staffing.counters.values())
        assert 'data-testid="staffing-result"' in response.content.decode()
        bad = client.post(url(office, **PERIOD), {**data, "target_p90": "-3"})
        assert bad.status_code == 400
        assert "target_p90" in bad.context["staffing_form"].errors

    def test_staffing_per_hour_and_load_into_b(self, client, head, recorded_small):
        office = recorded_small["office"]
        client.force_login(head)
        page = client.get(url(office, **PERIOD))
        data = form_data(page, action="staffing", target_p90="20")
        response = client.post(url(office, **PERIOD), data)
        assert response.status_code == 200
        whole_day, hourly = response.context["staffing"], response.context["hourly"]
        assert hourly.met and hourly.runs <= hourly.max_runs
        hours = len(hourly.hours)
        assert hours == 7  # 08:00-15:00
        for code, row in hourly.schedule.items():
            assert len(row) == hours
            assert all(1 <= c <= whole_day.counters[code] for c in row)
        assert hourly.counter_hours <= hourly.whole_day_counter_hours
        html = response.content.decode()
        table = re.search(r'<table data-testid="staffing-hourly">(.*?)</table>', html, re.S)
        assert table is not None
        assert "<caption>" in table.group(1)
        assert table.group(1).count('<th scope="col"') == hours + 1
        assert table.group(1).count('<th scope="row"') == len(hourly.schedule)
        assert 'data-testid="needed"' in html  # the whole-day answer stays
        assert 'id="staffing-to-b"' in html

        # The button posts the page's form with the schedule as hidden fields.
        hidden = dict(re.findall(r'name="(hourly_\w+)" value="([^"]*)"', html))
        assert set(hidden) == {f"hourly_{code}" for code in hourly.schedule}
        loaded = client.post(url(office, **PERIOD), {**data, **hidden, "action": "staffing_to_b"})
        assert loaded.status_code == 200
        form_b = dict(loaded.context["forms"])["B"]
        for code, row in hourly.schedule.items():
            assert form_b[f"counters_{code}"].value() == ", ".join(map(str, row))
        assert {s["code"]: tuple(s["counters"]) for s in form_b.plan["stages"]} == hourly.schedule
        assert loaded.context["hourly_loaded"]
