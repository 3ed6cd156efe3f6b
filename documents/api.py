"""REST API for documents: the documents a user may see, new documents and versions, downloads,
publication. The same rules as the web pages: who may see or do what is decided in
permissions.py (reads go through it and selectors.py), every write goes through services.py.

A document the user may not see answers 404, exactly like an id that does not exist; one they
may see but not change answers 403."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import default_storage
from django.db.models import BooleanField, Exists, OuterRef, Subquery, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from accounts.permissions import is_approved
from core.text import fold
from core.uploads import file_response
from workinggroups.models import WorkingGroup
from workinggroups.permissions import groups_of

from . import permissions, selectors, services
from .models import Category, Document, DocumentVersion, Language
from .uploads import ALLOWED, UploadRefused, limit_uploads

NOT_FOUND = OpenApiResponse(description="No such document, or one you may not see.")
FORBIDDEN = OpenApiResponse(description="You may see the document but not do this.")


# --- Errors -----------------------------------------------------------------------------------

class UploadRefusedError(APIException):
    """An upload refused by documents.uploads: 413 (too large), 415 (type) or 400 (empty)."""

    def __init__(self, refused: UploadRefused):
        self.status_code = refused.status
        detail = {"detail": refused.message}
        if refused.status == status.HTTP_415_UNSUPPORTED_MEDIA_TYPE:
            detail["allowed_types"] = sorted(ALLOWED)
        super().__init__(detail=detail, code="upload_refused")


class LockedError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "checked_out"


def drf_errors(exc: DjangoValidationError) -> dict:
    """A Django ValidationError as DRF's 400 body (the group is the API's `working_group`)."""
    if hasattr(exc, "error_dict"):
        names = {NON_FIELD_ERRORS: api_settings.NON_FIELD_ERRORS_KEY, "group": "working_group",
                 "original_filename": "file"}
        return {names.get(name, name): messages for name, messages in exc.message_dict.items()}
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


# --- Serializers ------------------------------------------------------------------------------

@extend_schema_field({"type": "string", "enum": Language.values},
                     component_name="DocumentLanguageEnum")
class LanguageField(serializers.ChoiceField):
    """A document's language. Its own schema component: accounts' `language` (the user's
    interface language) has other choices."""

    def __init__(self, **kwargs):
        super().__init__(choices=Language.choices, **kwargs)


class VersionSerializer(serializers.ModelSerializer):
    filename = serializers.CharField(source="original_filename", read_only=True,
                                     help_text=_("The original file name (diacritics kept)."))
    uploaded_by = serializers.SerializerMethodField(help_text=_("Full name, else e-mail."))
    restored_from = serializers.SerializerMethodField(
        help_text=_("The version whose content this one restores, if any."))
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentVersion
        fields = ["number", "filename", "size", "content_type", "sha256", "note",
                  "uploaded_by", "created_at", "restored_from", "download_url"]
        read_only_fields = fields

    def get_uploaded_by(self, version) -> str | None:
        return str(version.uploaded_by) if version.uploaded_by_id else None

    def get_restored_from(self, version) -> int | None:
        return version.restored_from.number if version.restored_from_id else None

    def get_download_url(self, version) -> str:
        url = reverse("api:document-download", args=[version.document_id, version.number])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentSerializer(serializers.ModelSerializer):
    """A document. `current_version` is the version this user may download: for the group's
    members the newest, for everyone else the published one."""

    url = serializers.SerializerMethodField()
    working_group = serializers.SlugRelatedField(source="group", slug_field="code",
                                                 read_only=True)
    is_published = serializers.BooleanField(read_only=True)
    published_version = serializers.SerializerMethodField(
        help_text=_("The number of the version in the public archive, if published."))
    created_by = serializers.SerializerMethodField()
    locked_by = serializers.SerializerMethodField(
        help_text=_("Who has checked the document out (shown to the group's members)."))
    language = LanguageField(read_only=True)
    current_version = VersionSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "url", "working_group", "title", "description", "category",
                  "language", "tags", "status", "is_published", "published_version",
                  "published_at", "created_by", "created_at", "activity_at", "locked_by",
                  "locked_at", "current_version"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        url = reverse("api:document-detail", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_published_version(self, document) -> int | None:
        return document.published_version.number if document.published_version_id else None

    def get_created_by(self, document) -> str | None:
        return str(document.created_by) if document.created_by_id else None

    def get_locked_by(self, document) -> str | None:
        if not document.member_access or not document.locked_by_id:
            return None
        return str(document.locked_by)

    def to_representation(self, document):
        data = super().to_representation(document)
        if not document.member_access:
            data["locked_at"] = None
        return data


class GroupChoiceSerializer(serializers.Serializer):
    working_group = serializers.SlugRelatedField(
        slug_field="code", queryset=WorkingGroup.objects.all(),
        help_text=_("The group's code (WG1 … WG6)."))


class DocumentCreateSerializer(GroupChoiceSerializer):
    """A new document and its version 1 (multipart). Any other field is ignored."""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                        default="")
    category = serializers.ChoiceField(choices=Category.choices)
    language = LanguageField(required=False, default=Language.RO)
    tags = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                 help_text=_("Separated by commas."))
    file = serializers.FileField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True,
                                 default="")


class VersionCreateSerializer(serializers.Serializer):
    """A new version (multipart): the file and a note of what changed. Any other field
    (number, uploaded_by, working_group...) is ignored."""

    file = serializers.FileField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True,
                                 default="")


# --- Filters ----------------------------------------------------------------------------------

class DocumentFilter(filters.FilterSet):
    working_group = filters.ModelChoiceFilter(
        field_name="group", to_field_name="code", queryset=WorkingGroup.objects.all(),
        label=_("Working group code"))
    status = filters.ChoiceFilter(choices=Document.Status.choices)
    category = filters.ChoiceFilter(choices=Category.choices)
    language = filters.ChoiceFilter(choices=Language.choices)
    search = filters.CharFilter(method="filter_search",
                                label=_("Words in the title, description or tags"))

    class Meta:
        model = Document
        fields = ["working_group", "status", "category", "language", "search"]

    def filter_search(self, queryset, name, value):
        # Accents and case ignored, as on the pages (Document.search_text is folded).
        for word in fold(value).split()[:10]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset


# --- The endpoints ----------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(
        summary="Documents you may see",
        description="The documents of your groups (any status, not in the trash) and the "
                    "published documents of every group; anonymous visitors see the published "
                    "ones only. Filtering on a group you are not in gives its published "
                    "documents.",
        responses={200: DocumentSerializer(many=True),
                   400: OpenApiResponse(description="An unknown filter value.")},
    ),
    retrieve=extend_schema(summary="A document",
                           responses={200: DocumentSerializer, 404: NOT_FOUND}),
)
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      viewsets.GenericViewSet):
    """Documents: anyone reads what permissions.documents_visible_to() lets them see; the
    group's members add documents and versions; coordinators publish."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    lookup_value_regex = "[0-9]+"

    # --- Plumbing ---

    def initialize_request(self, request, *args, **kwargs):
        # The size limit must be in place before anything parses the body (DRF's parsers, or
        # the CSRF check of session authentication, which reads request.POST).
        limit_uploads(request)
        return super().initialize_request(request, *args, **kwargs)

    def get_permissions(self):
        if self.request is not None and self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return super().get_permissions()  # writes: approved users (IsApprovedUser)

    def perform_content_negotiation(self, request, force=False):
        # A download answers with the file whatever the client says it accepts.
        return super().perform_content_negotiation(request,
                                                   force=force or self.action == "download")

    def handle_exception(self, exc):
        if isinstance(exc, UploadRefused):
            exc = UploadRefusedError(exc)
        elif isinstance(exc, DjangoValidationError):
            exc = serializers.ValidationError(drf_errors(exc))
        elif isinstance(exc, Document.DoesNotExist):
            exc = NotFound()
        return super().handle_exception(exc)

    def get_queryset(self):
        user = self.request.user
        latest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
        if is_approved(user):
            # One subquery of the user's groups (staff: every group), not a query per row.
            member = Exists(groups_of(user).filter(pk=OuterRef("group_id")))
        else:
            member = Value(False, output_field=BooleanField())
        return (permissions.documents_visible_to(user)
                .annotate(member_access=member,
                          latest_version_id=Subquery(latest.values("pk")[:1]))
                .select_related("group", "created_by", "locked_by", "published_version")
                .order_by("-activity_at", "-pk"))

    def get_object(self) -> Document:
        """A document this user may see (404 otherwise, like an unknown id), with
        `member_access` (all versions) and `current_version` set."""
        try:
            document = selectors.document_for(self.request.user, self.kwargs["pk"])
        except (Document.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound from exc
        document.member_access = permissions.can_view_all_versions(self.request.user, document)
        if document.member_access:
            document.current_version = selectors.version_history(document).first()
        else:
            document.current_version = document.published_version
        return document

    def _visible_versions(self, document):
        """Members: every version; everyone else: the published version only."""
        if document.member_access:
            return selectors.version_history(document)
        return selectors.version_history(document).filter(pk=document.published_version_id)

    def _attach_current_versions(self, documents) -> None:
        """The page's current versions in one query."""
        wanted = {doc.pk: (doc.latest_version_id if doc.member_access
                           else doc.published_version_id) for doc in documents}
        versions = DocumentVersion.objects.select_related("uploaded_by", "restored_from")\
            .in_bulk([pk for pk in wanted.values() if pk])
        for doc in documents:
            doc.current_version = versions.get(wanted[doc.pk])

    def _detail(self, pk, **kwargs) -> Response:
        self.kwargs["pk"] = pk
        return Response(self.get_serializer(self.get_object()).data, **kwargs)

    # --- Reading ---

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._attach_current_versions(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    # --- Writing ---

    @extend_schema(
        summary="Add a document (and its version 1) to one of your groups",
        request={"multipart/form-data": DocumentCreateSerializer},
        responses={201: DocumentSerializer,
                   400: OpenApiResponse(description="Invalid fields, an unknown group or an "
                                                    "empty file."),
                   403: OpenApiResponse(description="You are not a member of that group."),
                   413: OpenApiResponse(description="The file is larger than the limit."),
                   415: OpenApiResponse(description="A type of file that is not accepted.")},
    )
    def create(self, request, *args, **kwargs):
        choice = GroupChoiceSerializer(data={"working_group": request.data.get("working_group")})
        choice.is_valid(raise_exception=True)
        group = choice.validated_data["working_group"]
        if not permissions.can_upload(request.user, group):
            raise PermissionDenied
        data = DocumentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        document = services.document_create(
            group=group, user=request.user, upload=fields["file"], title=fields["title"],
            category=fields["category"], description=fields["description"],
            language=fields["language"], tags=fields["tags"], note=fields["note"])
        response = self._detail(document.pk, status=status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    @extend_schema(
        methods=["GET"],
        summary="A document's versions",
        description="The group's members see every version, newest first; everyone else the "
                    "published version only.",
        filters=False,
        responses={200: VersionSerializer(many=True), 404: NOT_FOUND},
    )
    @extend_schema(
        methods=["POST"],
        summary="Upload a new version",
        request={"multipart/form-data": VersionCreateSerializer},
        responses={201: VersionSerializer,
                   400: OpenApiResponse(description="Invalid fields or an empty file."),
                   403: FORBIDDEN, 404: NOT_FOUND,
                   409: OpenApiResponse(description="Someone else has checked it out."),
                   413: OpenApiResponse(description="The file is larger than the limit."),
                   415: OpenApiResponse(description="A type of file that is not accepted.")},
    )
    @action(detail=True, methods=["get", "post"], url_path="versions", url_name="versions",
            pagination_class=None, filter_backends=[])
    def versions(self, request, pk=None):
        document = self.get_object()
        if request.method == "GET":
            versions = self._visible_versions(document)
            return Response(VersionSerializer(versions, many=True,
                                              context=self.get_serializer_context()).data)
        if not permissions.is_member_of_document_group(request.user, document):
            raise PermissionDenied
        if not permissions.can_add_version(request.user, document):
            raise LockedError(_("%(name)s has checked this document out; a version can be "
                                "added when it is checked in.") % {"name": document.locked_by})
        data = VersionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = services.version_add(document=document, user=request.user,
                                       upload=data.validated_data["file"],
                                       note=data.validated_data["note"])
        return Response(VersionSerializer(version, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Download a version",
        description="The file exactly as uploaded, as an attachment under its original name. "
                    "The group's members download any version; everyone else the published "
                    "version only.",
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH,
                                     description="The version number.")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)/download",
            url_name="download", pagination_class=None, filter_backends=[])
    def download(self, request, pk=None, number=None):
        document = self.get_object()
        version = self._visible_versions(document).filter(number=number).first()
        if version is None:
            raise NotFound
        services.record_download(document=document, version=version, user=request.user)
        return file_response(default_storage.open(version.file.name, "rb"),
                             filename=version.original_filename,
                             content_type=version.content_type)

    @extend_schema(
        summary="Publish a final document (coordinators)",
        description="Its newest version enters the public archive.",
        request=None,
        responses={200: DocumentSerializer,
                   400: OpenApiResponse(description="The document is not final."),
                   403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        services.document_publish(document=self.get_object(), user=request.user)
        return self._detail(pk)

    @extend_schema(
        summary="Remove a document from the public archive (coordinators)",
        request=None,
        responses={200: DocumentSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def unpublish(self, request, pk=None):
        services.document_unpublish(document=self.get_object(), user=request.user)
        return self._detail(pk)
