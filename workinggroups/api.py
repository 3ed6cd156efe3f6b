"""REST API for working groups: the public list of the six groups and, for an approved user,
their role in each.

Who belongs where is decided in permissions.py (the Membership table is the one source)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from accounts.permissions import is_approved

from .models import Membership, WorkingGroup


class WorkingGroupSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(
        help_text=_("Your role in the group (member or coordinator); null if you are not in "
                    "it or not logged in."))

    class Meta:
        model = WorkingGroup
        fields = ["code", "name_ro", "name_en", "description_ro", "description_en", "role"]
        read_only_fields = fields

    def get_role(self, group) -> str | None:
        return self.context.get("roles", {}).get(group.pk)


@extend_schema_view(
    list=extend_schema(summary="The six working groups"),
    retrieve=extend_schema(summary="One working group, by its code (WG1 … WG6)"),
)
class WorkingGroupViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The working groups: public; an approved user also sees their role in each."""

    permission_classes = [AllowAny]
    serializer_class = WorkingGroupSerializer
    pagination_class = None
    filter_backends = []
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"
    queryset = WorkingGroup.objects.order_by("code")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        # One query for every row's role, not one per group.
        context["roles"] = (
            dict(Membership.objects.filter(user=user).values_list("group_id", "role"))
            if is_approved(user) else {}
        )
        return context
