import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "association.settings")

app = Celery("association")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _read_the_database(**kwargs):
    """The worker does not use the web's cached reads (kernel.memo): in the embedded mode its cache is its own
    process's memory, which the web process's invalidations never reach."""
    from association.kernel import memo

    memo.ENABLED = False
