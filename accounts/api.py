"""REST API for accounts: personal tokens and sign-up moderation."""

from allauth.account.utils import has_verified_email
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import selectors, services
from .models import User
from .permissions import CanModerate, login_refusal


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class AuthTokenView(APIView):
    """POST e-mail and password to get your personal API token; DELETE to revoke it."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth-token"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else super().get_permissions()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            email=data.validated_data["email"].strip().lower(),
            password=data.validated_data["password"],
        )
        if user is None:
            raise AuthenticationFailed(_("The e-mail address or the password is not correct."))
        refusal = login_refusal(user)
        if refusal is None and not has_verified_email(user):
            refusal = str(_("Confirm your e-mail address first: follow the link we sent you."))
        if refusal is not None:
            return Response({"detail": refusal}, status=status.HTTP_403_FORBIDDEN)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class SignupSerializer(CountryFieldMixin, serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField()
    decided_by = serializers.SlugRelatedField(
        source="status_changed_by", slug_field="email", read_only=True, allow_null=True
    )

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "organisation", "country", "requested_role",
                  "motivation", "language", "date_joined", "email_verified", "status",
                  "decided_by", "status_changed_at", "status_reason"]
        read_only_fields = fields

    def get_email_verified(self, user) -> bool:
        # Uses the prefetched addresses: no query per row.
        return any(a.verified for a in user.emailaddress_set.all())


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class SignupFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=User.Status.choices)

    class Meta:
        model = User
        fields = ["status"]


class SignupViewSet(viewsets.ReadOnlyModelViewSet):
    """Sign-ups for staff to moderate: `?status=pending|approved|rejected`."""

    permission_classes = [CanModerate]
    serializer_class = SignupSerializer
    filterset_class = SignupFilter

    def get_queryset(self):
        return selectors.signups_for_moderation(status=None)

    def _decide(self, request, decision_status):
        applicant = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.user_moderate(
                user=applicant, status=decision_status, decided_by=request.user,
                reason=data.validated_data.get("reason", ""),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": exc.messages}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=applicant.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=SignupSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, User.Status.APPROVED)

    @extend_schema(request=DecisionSerializer, responses=SignupSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, User.Status.REJECTED)
