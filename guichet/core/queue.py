"""Enqueueing a task for what a transaction writes, once that is stored.

With the database as the task queue (django-tasks' DatabaseBackend, the default), the task's
row is written in the same transaction: it is stored with the rows it works on, or not at
all, and the commit that stores both is one write to disk instead of two (intake pays one
commit less per case). Any other queue (Redis) is told after the commit, so that a worker
never looks for rows it cannot see yet.
"""

from django.conf import settings
from django.db import transaction

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def enqueue_with_commit(task, *args) -> None:
    if settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
