# From django-allauth 65.21.1, allauth/account/migrations/0005_emailaddress_idx_upper_email.py:13.
# A reusable Django app's migration: AddIndexConcurrently is Postgres-only and would break the app's
# other supported databases; whether the table is big is the site's concern (review tier).
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0004_alter_emailaddress_drop_unique_email"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="emailaddress",
            index=models.Index(
                django.db.models.functions.text.Upper("email"),
                name="account_emailaddress_upper",
            ),
        ),
    ]
