from django.db import migrations, models


def mark_waiting_distress_handoffs(apps, schema_editor):
    """Conversations already waiting after a distress handoff are urgent at once; the rest
    (a safety message written while waiting) are marked when the index next rebuilds them
    (``refresh_conversation_index --rebuild`` marks all)."""
    Conversation = apps.get_model("staff", "Conversation")
    Conversation.objects.filter(paused=True, handoff_reason="distress").update(
        urgent="safety.distress"
    )


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_role_groups")]

    operations = [
        migrations.RemoveIndex(model_name="conversation", name="conv_queue"),
        migrations.AddField(
            model_name="conversation",
            name="urgent",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["paused", "urgent", "paused_at"], name="conv_queue_urgent"),
        ),
        migrations.RunPython(mark_waiting_distress_handoffs, migrations.RunPython.noop),
    ]
