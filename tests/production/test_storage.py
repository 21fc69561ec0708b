"""Media on S3-compatible storage (a real S3 server): documents private in the bucket
and served by the site after its checks, images public, nothing overwritten."""

import pytest
from django.core.files.base import ContentFile
from wagtail.models import Collection, CollectionViewRestriction

from tests.factories import DocumentFactory, ImageFactory

pytestmark = pytest.mark.django_db

PROGRAMME = b"%PDF-1.4\nProgramme de l'atelier territorial de la Vallee du Gier\n%%EOF\n"


@pytest.fixture
def s3_media(settings, s3_server, bucket):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "rencontres_site.storage.MediaStorage",
            "OPTIONS": s3_server.storage_options(bucket),
        },
    }
    settings.WAGTAILDOCS_SERVE_METHOD = "serve_view"
    return s3_server


def bucket_url(s3_server, bucket, name):
    return f"{s3_server.endpoint}/{bucket}/{name}"


def test_documents_are_private_in_the_bucket_and_served_by_the_site(client, s3_media, bucket):
    document = DocumentFactory(title="Programme", file=ContentFile(PROGRAMME, name="programme.pdf"))

    assert document.file.name == "documents/programme.pdf"
    assert s3_media.anonymous_get(bucket_url(s3_media, bucket, document.file.name)) == 403
    grants = s3_media.client().get_object_acl(Bucket=bucket, Key=document.file.name)["Grants"]
    assert [grant["Grantee"].get("URI") for grant in grants] == [None]  # the owner only
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PROGRAMME
    assert response["Content-Type"] == "application/pdf"


def test_a_document_of_a_private_collection_reaches_no_visitor(client, s3_media, bucket):
    private = Collection.get_first_root_node().add_child(name="Documents internes")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = DocumentFactory(
        collection=private, file=ContentFile(PROGRAMME, name="compte-rendu-interne.pdf")
    )

    response = client.get(document.url)

    assert response.status_code == 302
    assert f"/login/?next={document.url}" in response["Location"]
    assert s3_media.anonymous_get(bucket_url(s3_media, bucket, document.file.name)) == 403
    signed = document.file.storage.url(document.file.name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed


def test_images_and_renditions_are_public_at_a_stable_address(s3_media, bucket):
    image = ImageFactory(title="Photo de l’atelier")
    rendition = image.get_rendition("fill-80x60")

    for name, url in ((image.file.name, image.file.url), (rendition.file.name, rendition.url)):
        assert url == bucket_url(s3_media, bucket, name)  # unsigned: cached pages keep it
        assert s3_media.anonymous_get(url) == 200
    assert image.file.name.startswith("original_images/")
    assert rendition.file.name.startswith("images/")


def test_two_uploads_with_the_same_name_keep_both_files(s3_media, bucket):
    first = DocumentFactory(file=ContentFile(b"premier", name="programme.pdf"))
    second = DocumentFactory(file=ContentFile(b"second", name="programme.pdf"))

    assert first.file.name != second.file.name
    keys = sorted(
        item["Key"] for item in s3_media.client().list_objects_v2(Bucket=bucket)["Contents"]
    )
    assert keys == sorted([first.file.name, second.file.name])
    assert first.file.open().read() == b"premier"
