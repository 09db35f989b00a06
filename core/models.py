from django.db import models


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)


class OutgoingEmail(models.Model):
    """An email the site sends. It is stored first and sent after the response (or by
    `manage.py send_queued_email`, which cron runs every minute); a failed send is retried."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Given up"

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    purpose = models.CharField(max_length=40, help_text="What kind of email this is.")
    about = models.CharField(
        max_length=60,
        blank=True,
        db_index=True,
        help_text='What it is about, e.g. "correction:12".',
    )
    secret = models.BooleanField(
        default=False, help_text="It carries a sign-in link: the body is erased once sent."
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"

    def __str__(self):
        return f"{self.subject} → {self.to}"
