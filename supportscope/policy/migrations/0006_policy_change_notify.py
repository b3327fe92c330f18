"""On PostgreSQL, every change of the policy row (the revision, the next scheduled
publication) sends NOTIFY supportscope_policy in the same transaction: each worker's
listener hears of it at commit (see supportscope/policy/freshness.py). SQLite needs
nothing: its watcher reads PRAGMA data_version."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION supportscope_policy_changed() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('supportscope_policy', '');
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER supportscope_policy_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_policystate
    FOR EACH STATEMENT EXECUTE FUNCTION supportscope_policy_changed();
"""
DROP = """
DROP TRIGGER IF EXISTS supportscope_policy_changed ON policy_policystate;
DROP FUNCTION IF EXISTS supportscope_policy_changed();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0005_drop_login_failure"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
