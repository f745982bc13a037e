"""The procedure of each request (issue 13): who decides it (the committee, the manager or a competent body,
under the name the policy gives), the decision window or none, who decided each decision, the recorded step of
the referral to the social researcher to explain the procedure; and the wording of the messages that name the
deciding body and the window («يُعرض الطلب على {{ decider }} … خلال مدة لا تقل عن {{ window }}»). Only message
templates that still read as shipped are reworded (an admin's wording is left as it is); for a committee with
two weeks the new Arabic wording reads exactly as before."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SIGN = {"ar": '{{ association_name|default:"الجمعية" }}', "en": '{{ association_name|default:"The association" }}'}
GREETING = {
    "ar": "السلام عليكم {% firstof beneficiary_name user_name %}،\n\n",
    "en": "Dear {% firstof beneficiary_name user_name %},\n\n",
}
CLOSING = {"ar": "مع التحية،", "en": "Kind regards,"}

# event: {language: (email subject, text)}
OLD = {'request_received': {'ar': ('استلام طلبك{% if reference %} {{ reference }}{% endif %}', 'استلمنا طلبك{% if reference %} {{ reference }}{% endif %}{% if service %} ({{ service }}){% endif %}. يُعرض الطلب على لجنة البحث، ويصدر قرارها بالقبول أو الاعتذار خلال مدة لا تقل عن أسبوعين.'), 'en': ('Your request{% if reference %} {{ reference }}{% endif %} is received', 'We received your request{% if reference %} {{ reference }}{% endif %}{% if service %} ({{ service }}){% endif %}. It goes to the research committee, which answers (accept or decline) in no less than two weeks.')}, 'decision_made': {'ar': ('قرار لجنة البحث في طلبك{% if reference %} {{ reference }}{% endif %}', '{% if outcome %}قررت لجنة البحث {{ outcome }}.{% else %}صدر قرار لجنة البحث في طلبك{% if reference %} {{ reference }}{% endif %}.{% endif %}{% if url %} {{ url }}{% endif %}'), 'en': ('Decision on your request{% if reference %} {{ reference }}{% endif %}', '{% if outcome %}The research committee decided {{ outcome }}.{% else %}The research committee decided on your request{% if reference %} {{ reference }}{% endif %}.{% endif %}{% if url %} {{ url }}{% endif %}')}, 'decision_window_open': {'ar': ('الطلب{% if reference %} {{ reference }}{% endif %} جاهز لقرار اللجنة', 'انقضت مهلة القرار للطلب{% if reference %} {{ reference }}{% endif %}، ويمكن للجنة البت فيه الآن.{% if url %} {{ url }}{% endif %}'), 'en': ("Request{% if reference %} {{ reference }}{% endif %} is ready for the committee's decision", 'The decision window of request{% if reference %} {{ reference }}{% endif %} is over; the committee may decide now.{% if url %} {{ url }}{% endif %}')}}
NEW = {'request_received': {'ar': ('استلام طلبك{% if reference %} {{ reference }}{% endif %}', 'استلمنا طلبك{% if reference %} {{ reference }}{% endif %}{% if service %} ({{ service }}){% endif %}. يُعرض الطلب على {{ decider|default:"لجنة البحث" }}، ويصدر {% if committee or not decider %}قرارها{% else %}القرار{% endif %} بالقبول أو الاعتذار {% if window %}خلال مدة لا تقل عن {{ window }}{% elif decider %}فور اكتمال دراسته، دون مهلة انتظار{% else %}خلال مدة لا تقل عن أسبوعين{% endif %}.'), 'en': ('Your request{% if reference %} {{ reference }}{% endif %} is received', 'We received your request{% if reference %} {{ reference }}{% endif %}{% if service %} ({{ service }}){% endif %}. It goes to {% if committee or not decider %}the research committee{% else %}{{ decider }}{% endif %}, which answers (accept or decline) {% if window %}in no less than {{ window }}{% elif decider %}as soon as it is studied, with no waiting period{% else %}in no less than two weeks{% endif %}.')}, 'decision_made': {'ar': ('قرار {{ decider|default:"لجنة البحث" }} في طلبك{% if reference %} {{ reference }}{% endif %}', '{% if outcome %}{% if committee or not decider %}قررت {{ decider|default:"لجنة البحث" }} {{ outcome }}{% else %}صدر قرار {{ decider }} ب{{ outcome }}{% endif %}.{% else %}صدر قرار {{ decider|default:"لجنة البحث" }} في طلبك{% if reference %} {{ reference }}{% endif %}.{% endif %}{% if url %} {{ url }}{% endif %}'), 'en': ('Decision on your request{% if reference %} {{ reference }}{% endif %}', '{% if outcome %}{% if committee or not decider %}The research committee{% else %}{{ decider }}{% endif %} decided {{ outcome }}.{% else %}{% if committee or not decider %}The research committee{% else %}{{ decider }}{% endif %} decided on your request{% if reference %} {{ reference }}{% endif %}.{% endif %}{% if url %} {{ url }}{% endif %}')}, 'decision_window_open': {'ar': ('الطلب{% if reference %} {{ reference }}{% endif %} جاهز {% if committee or not decider %}لقرار اللجنة{% else %}للقرار{% endif %}', '{% if window or not decider %}انقضت مهلة القرار للطلب{% if reference %} {{ reference }}{% endif %}{% else %}اكتملت دراسة الطلب{% if reference %} {{ reference }}{% endif %}{% endif %}، {% if committee or not decider %}ويمكن للجنة البت فيه الآن{% else %}ويمكن البت فيه الآن ({{ decider }}){% endif %}.{% if url %} {{ url }}{% endif %}'), 'en': ("Request{% if reference %} {{ reference }}{% endif %} is ready for {% if committee or not decider %}the committee's decision{% else %}a decision{% endif %}", '{% if window or not decider %}The decision window of request{% if reference %} {{ reference }}{% endif %} is over{% else %}Request{% if reference %} {{ reference }}{% endif %} is studied{% endif %}; {% if committee or not decider %}the committee may decide now{% else %}{{ decider }} may decide now{% endif %}.{% if url %} {{ url }}{% endif %}')}}


def _rows(texts: dict) -> dict:
    rows = {}
    for event, by_language in texts.items():
        for language, (subject, text) in by_language.items():
            rows[(event, "sms", language)] = ("", f"{SIGN[language]}: {text}")
            body = f"{GREETING[language]}{text}\n\n{CLOSING[language]}\n{SIGN[language]}"
            rows[(event, "email", language)] = (subject, body)
    return rows


def _replace(apps, old: dict, new: dict):
    MessageTemplate = apps.get_model("channels_log", "MessageTemplate")
    old_rows, new_rows = _rows(old), _rows(new)
    for (event, channel, language), (subject, body) in old_rows.items():
        new_subject, new_body = new_rows[(event, channel, language)]
        MessageTemplate.objects.filter(event=event, channel=channel, language=language, body=body).update(
            body=new_body
        )
        if subject:
            MessageTemplate.objects.filter(
                event=event, channel=channel, language=language, subject=subject, body=new_body
            ).update(subject=new_subject)


def reword(apps, schema_editor):
    _replace(apps, OLD, NEW)


def restore(apps, schema_editor):
    _replace(apps, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0007_refer_close_permissions'),
        ('channels_log', '0015_mobile_validators'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='supportrequest',
            options={'ordering': ['-created_at', '-pk'], 'permissions': [('process_supportrequest', 'Can receive, submit, register and deliver support requests'), ('refer_supportrequest', 'Can refer a submitted support request to social research'), ('research_supportrequest', 'Can carry out the social research of a support request'), ('vote_supportrequest', 'Can vote in the research committee'), ('decide_supportrequest', "Can record the research committee's decision"), ('decide_body_supportrequest', 'Can record the decision of the manager or the competent body'), ('close_supportrequest', 'Can close a support request')], 'verbose_name': 'support request', 'verbose_name_plural': 'support requests'},
        ),
        migrations.AddField(
            model_name='committeedecision',
            name='decider',
            field=models.CharField(choices=[('committee', 'The research committee'), ('manager', 'The manager'), ('competent_body', 'The competent body')], default='committee', max_length=20, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='committeedecision',
            name='decider_name',
            field=models.CharField(blank=True, max_length=200, verbose_name='deciding body'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='decider',
            field=models.CharField(choices=[('committee', 'The research committee'), ('manager', 'The manager'), ('competent_body', 'The competent body')], default='committee', editable=False, max_length=20, verbose_name='decided by'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='decider_name',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='deciding body'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='explanation',
            field=models.CharField(blank=True, choices=[('clear', 'The procedure was clear to the applicant'), ('referred', 'Referred to the social researcher, who explained the procedure')], editable=False, max_length=10, verbose_name='procedure explained'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='explanation_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='procedure explained at'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='explanation_note',
            field=models.TextField(blank=True, editable=False, verbose_name='what was explained'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='explanation_recorded_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='explanation recorded by'),
        ),
        migrations.AddField(
            model_name='supportrequest',
            name='explanation_researcher',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='social researcher who explained the procedure'),
        ),
        migrations.AlterField(
            model_name='supportrequest',
            name='decision_window_days',
            field=models.PositiveSmallIntegerField(blank=True, default=14, null=True, verbose_name='decision window (days)'),
        ),
        migrations.RunPython(reword, restore),
    ]
