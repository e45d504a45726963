"""The PNBP passport fees in force since 2019 (brief §4), as data.

PP 28/2019 until 16 December 2024; PP 45/2024 from 17 December 2024. Polycarbonate
passports are not in either table as we hold it: quoting one raises a clear
"tariff_not_found" until a national admin enters its line.
"""

import datetime as dt

from django.db import migrations

PP28 = ("PP 28/2019", dt.date(2019, 5, 3), dt.date(2024, 12, 16))
PP45 = ("PP 45/2024", dt.date(2024, 12, 17), None)

ROWS = [
    # regulation, item, book_type, validity, amount
    (PP28, "passport", "non_electronic", None, 350_000),
    (PP28, "passport", "electronic", None, 650_000),
    (PP28, "percepatan", "", None, 1_000_000),
    (PP28, "lost", "", None, 1_000_000),
    (PP28, "damaged", "", None, 500_000),
    (PP45, "passport", "non_electronic", 5, 350_000),
    (PP45, "passport", "non_electronic", 10, 650_000),
    (PP45, "passport", "electronic", 5, 650_000),
    (PP45, "passport", "electronic", 10, 950_000),
    (PP45, "percepatan", "", None, 1_000_000),
    (PP45, "lost", "", None, 1_000_000),
    (PP45, "damaged", "", None, 500_000),
]


def forwards(apps, schema_editor):
    Tariff = apps.get_model("payments", "Tariff")
    for (regulation, valid_from, valid_until), item, book_type, validity, amount in ROWS:
        Tariff.objects.get_or_create(
            regulation=regulation, item=item, book_type=book_type, validity_years=validity,
            valid_from=valid_from,
            defaults={"valid_until": valid_until, "amount": amount},
        )


def backwards(apps, schema_editor):
    Tariff = apps.get_model("payments", "Tariff")
    Tariff.objects.filter(regulation__in=["PP 28/2019", "PP 45/2024"]).delete()


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
