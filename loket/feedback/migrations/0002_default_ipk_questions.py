"""Default IPK questions covering the aspects of PermenPANRB 90/2021 (office empty = all)."""

from django.db import migrations

DEFAULTS = [
    # code, aspect, sequence, Indonesian, English
    (
        "diskriminasi", "discrimination", 10,
        "Petugas memberikan pelayanan yang sama kepada semua pengguna layanan tanpa membeda-bedakan.",
        "Officers serve every service user the same way, without favouring anyone.",
    ),
    (
        "pungli", "pungli", 20,
        "Tidak ada pungutan liar (biaya di luar ketentuan) dalam pelayanan.",
        "There are no illegal levies (charges outside the official fee) in the service.",
    ),
    (
        "calo", "calo", 30,
        "Tidak ada calo atau perantara dalam pelayanan.",
        "There are no brokers (calo) or intermediaries in the service.",
    ),
    (
        "gratifikasi", "gratuity", 40,
        "Petugas tidak meminta atau menerima imbalan, hadiah, atau uang tip.",
        "Officers do not ask for or accept rewards, gifts or tips.",
    ),
    (
        "kecurangan", "fraud", 50,
        "Tidak ada kecurangan pelayanan (pelayanan di luar prosedur atau mendahulukan yang membayar lebih).",
        "There is no service fraud (service outside the procedure, or serving first those who pay more).",
    ),
]


def forwards(apps, schema_editor):
    IpkQuestion = apps.get_model("feedback", "IpkQuestion")
    for code, aspect, sequence, text_id, text_en in DEFAULTS:
        IpkQuestion.objects.get_or_create(
            office=None,
            code=code,
            defaults={
                "aspect": aspect, "sequence": sequence, "text_id": text_id, "text_en": text_en,
                "low_label_id": "Sangat tidak setuju", "low_label_en": "Strongly disagree",
                "high_label_id": "Sangat setuju", "high_label_en": "Strongly agree",
            },
        )


def backwards(apps, schema_editor):
    IpkQuestion = apps.get_model("feedback", "IpkQuestion")
    IpkQuestion.objects.filter(office=None, code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
