import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User

PASSWORD = "Corect-Parola-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """An approved user with a verified address; traits make the other kinds."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Ștefan Țăranu {n}")
    organisation = "Asociația Clusterul Regional"
    country = "RO"
    requested_role = User.RequestedRole.POLICYMAKER
    motivation = "Urmăresc politicile de cluster."
    language = "en"
    status = User.Status.APPROVED
    status_changed_at = factory.LazyFunction(timezone.now)

    class Params:
        staff = factory.Trait(is_staff=True)
        pending = factory.Trait(status=User.Status.PENDING, status_changed_at=None)
        rejected = factory.Trait(status=User.Status.REJECTED)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """The allauth address row; `UserFactory(verified=False)` leaves it unconfirmed."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )
