"""The usage dashboard: staff only, its figures as plain functions, the pickers and the CSV."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supportscope.analytics import report
from supportscope.analytics.models import Counter
from supportscope.analytics.tally import today, write
from supportscope.policy.querystring import BadParameter
from supportscope.policy.snapshot import get_snapshot
from supportscope.policy.treemap import build_map

pytestmark = pytest.mark.django_db

URL = "/admin/analytics/counter/"
NGINX_VERDICT = "unmanaged-ingress-unsupported"
CERT_VERDICT = "app-certificate-unsupported"


def seed(day: date | None = None, revision: int = 1) -> None:
    day = day or today()
    write(
        {
            (day, revision, "start", "", ""): 10,
            (day, revision, "shown", "topic", ""): 10,
            (day, revision, "answer", "topic", "networking"): 6,
            (day, revision, "shown", "component", ""): 6,
            (day, revision, "answer", "component", "ingress"): 6,
            (day, revision, "shown", "ingress", ""): 6,
            (day, revision, "answer", "ingress", "nginx"): 3,
            (day, revision, "answer", "ingress", "unknown"): 2,
            (day, revision, "verdict", NGINX_VERDICT, "unsupported"): 3,
            (day, revision, "verdict", CERT_VERDICT, "unsupported"): 1,
            (day, revision, "feedback", NGINX_VERDICT, "yes"): 1,
            (day, revision, "feedback", NGINX_VERDICT, "no"): 3,
            (day, revision, "feedback", CERT_VERDICT, "yes"): 1,
            (day, revision, "change", "ingress", ""): 2,
            (day, revision, "proposal", "ingress", "changed"): 1,
            (day, revision, "proposal", "component", "accepted"): 4,
        }
    )


def selection(days: int = 30, revision: int | None = None) -> report.Selection:
    return report.Selection(days, revision, today() - timedelta(days=days - 1), today())


def test_the_verdicts_with_the_lowest_yes_rate_come_first():
    seed()
    rows = report.verdict_rows(report.totals(selection()))
    assert [(r.name, r.yes, r.no, r.reached) for r in rows] == [
        (NGINX_VERDICT, 1, 3, 3),
        (CERT_VERDICT, 1, 0, 1),
    ]
    assert rows[0].yes_rate == 0.25


def test_dont_know_rates_stops_changes_and_proposals_by_question():
    seed()
    counts = report.totals(selection())
    tree = get_snapshot().tree
    [unknown] = report.unknown_rows(counts, tree, "en")
    assert (unknown.key, unknown.total, unknown.part) == ("ingress", 5, 2)
    stops = {row.key: row.part for row in report.stop_rows(counts, tree, "en")}
    assert stops == {"topic": 4, "ingress": 1}
    actions = {
        (a.key, a.changes, a.accepted, a.changed) for a in report.action_rows(counts, tree, "en")
    }
    assert actions == {("ingress", 2, 0, 1), ("component", 0, 4, 0)}
    summary = report.summary(counts)
    assert (summary.starts, summary.verdicts, summary.yes, summary.no) == (10, 4, 2, 3)


def test_the_period_and_the_revision_narrow_the_counts():
    seed(today() - timedelta(days=10), revision=1)
    seed(today(), revision=2)
    assert report.summary(report.totals(selection(7))).starts == 10
    assert report.summary(report.totals(selection(30))).starts == 20
    assert report.summary(report.totals(selection(30, revision=1))).starts == 10
    assert report.revisions_counted() == [2, 1]


def test_a_bad_period_or_revision_names_the_value_and_the_allowed_ones():
    with pytest.raises(BadParameter) as bad:
        report.select({"days": "9"}, [1], today())
    assert (bad.value.key, bad.value.value) == ("days", "9")
    assert [value for value, _label in bad.value.allowed] == ["7", "30", "90", "365"]
    with pytest.raises(BadParameter) as bad:
        report.select({"revision": "5"}, [1, 2], today())
    assert [value for value, _label in bad.value.allowed] == ["", "1", "2"]


def test_the_tree_map_is_shaded_by_traffic():
    seed()
    snapshot = get_snapshot()
    heat = report.heat_map(
        build_map(snapshot, "en", lambda answers: ""), report.totals(selection())
    )
    assert heat.node.key == "topic"
    assert heat.shown == 10
    assert heat.heat == 4  # the busiest
    first = heat.edges[0]  # the busiest answer first
    assert first.given == 6
    assert first.target.node.key == "component"
    ingress = first.target.edges[0]
    assert ingress.given == 6
    assert ingress.target.node.key == "ingress"
    nginx = next(e for e in ingress.target.edges if e.given == 3)
    assert nginx.target.is_leaf
    assert (nginx.target.reached, nginx.target.yes, nginx.target.no) == (3, 1, 3)
    quiet = [e for e in heat.edges if e.given == 0]
    assert quiet
    assert all(e.heat == 0 for e in quiet)


def test_the_daily_chart_has_a_bar_per_day_and_series_scaled_to_the_peak():
    chart = report.daily_chart(
        selection(7), {"bar-start": {today(): 4}, "bar-verdict": {today(): 2}}
    )
    assert len(chart.bars) == 14
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert (tallest.value, tallest.height, tallest.label) == (4, chart.height, today().isoformat())
    assert chart.labels[-1] == today().isoformat()


def test_csv_cells_never_start_a_formula():
    row = Counter(
        day=date(2026, 11, 30), revision=1, kind="answer", subject="=cmd", value="@x", n=2
    )
    assert report.csv_text([row]).splitlines() == [
        "day,revision,kind,subject,value,count",
        "2026-11-30,1,answer,'=cmd,'@x,2",
    ]


# -- over HTTP ---------------------------------------------------------------------------------


def test_the_dashboard_is_for_staff_only(client, django_user_model):
    assert client.get(URL).status_code == 302
    user = django_user_model.objects.create_user("engineer", password="pw-engineer-1")
    client.force_login(user)
    assert client.get(URL).status_code == 302  # to the admin sign-in
    assert client.get(URL + "export.csv").status_code == 302
    user.is_staff = True
    user.save()
    assert client.get(URL).status_code == 200  # any staff member, no permission needed


def test_the_admin_index_links_the_dashboard(admin_client):
    assert b'href="/admin/analytics/counter/"' in admin_client.get("/admin/").content


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "Usage dashboard"), ("ko", "사용 현황 대시보드")]
)
def test_the_dashboard_speaks_both_languages(admin_client, lang, title):
    seed()
    page = admin_client.get(URL, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert title in page
    assert "<script" not in page.split('id="content-main"')[1]  # server-drawn, no script
    assert page.count('class="bar bar-start"') == 30
    assert NGINX_VERDICT in page


def test_a_bad_pick_is_a_400_that_names_it(admin_client):
    answer = admin_client.get(URL + "?days=12")
    assert answer.status_code == 400
    assert "“12” is not allowed for days; allowed: 7, 30, 90, 365." in answer.content.decode()
    assert admin_client.get(URL + "export.csv?revision=x").status_code == 400


def test_the_csv_export_has_the_rows_of_the_selection(admin_client):
    seed(today() - timedelta(days=20), revision=1)
    seed(today(), revision=2)
    answer = admin_client.get(URL + "export.csv?days=7&revision=2")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in answer["Content-Disposition"]
    lines = answer.content.decode().splitlines()
    assert lines[0] == "day,revision,kind,subject,value,count"
    assert len(lines) == 1 + 16
    assert all(line.split(",")[1] == "2" for line in lines[1:])
    assert f"{today().isoformat()},2,start,,,10" in lines
