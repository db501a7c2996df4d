from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: a citizen, an agent, or both. One account spans organizations.

    The e-mail address is the login. What an account may do in an organization comes from
    its memberships (guichet.organization.Membership), not from flags on the user.
    """

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    language = models.CharField(
        _("langue"), max_length=8, default="fr", choices=[("fr", "Français"), ("en", "English")]
    )
    # How the citizen wants to hear of their requests' progress (notify.handlers). The
    # acknowledgement of receipt always goes by e-mail: it is the proof of filing.
    notify_email = models.BooleanField(_("suivi par e-mail"), default=True)
    notify_sms = models.BooleanField(_("suivi par SMS"), default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.email
