"""Files holding people's data are readable by the portal's own user only: the embedded SQLite
database (and its WAL companions), uploaded documents and their folders, the import stash."""

import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.backends.sqlite3.base import DatabaseWrapper

from association.kernel.private_files import write_private_file
from beneficiaries import importing, services
from tests.factories import BeneficiaryFactory, DocumentTypeFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The widest usual umask (022 makes 0644 files): the portal must not depend on it."""
    import os

    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def sqlite_connection(django_db_blocker):
    """A real SQLite connection of Django's to a file of the test's own (not the test database)."""
    connections = []

    def connect(path):
        connection = _wrapper(path)
        connections.append(connection)
        return connection

    with django_db_blocker.unblock():
        yield connect
        for connection in connections:
            connection.close()


def _wrapper(path):
    return DatabaseWrapper(
        {
            "NAME": str(path),
            "ENGINE": "django.db.backends.sqlite3",
            "OPTIONS": {},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="private_files_test",
    )


def test_the_embedded_database_and_its_wal_files_are_owner_only(tmp_path, open_umask, sqlite_connection):
    path = tmp_path / "portal.sqlite3"
    with sqlite_connection(path).cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (x TEXT)")
        cursor.execute("INSERT INTO t VALUES ('1234567890')")
    assert mode(path) == 0o600
    companions = [p for p in tmp_path.iterdir() if p.name != path.name]
    assert companions, "WAL mode leaves -wal/-shm files while the connection is open"
    assert all(mode(p) == 0o600 for p in companions)


def test_an_existing_readable_database_is_tightened_on_connect(tmp_path, open_umask, sqlite_connection):
    path = tmp_path / "old.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    sqlite_connection(path).ensure_connection()
    assert mode(path) == 0o600


@pytest.mark.django_db
def test_uploaded_documents_and_their_folders_are_owner_only(settings, tmp_path, open_umask, officer):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = services.document_add(
        beneficiary=BeneficiaryFactory(),
        document_type=DocumentTypeFactory(),
        uploaded_file=SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf"),
        actor=officer,
    )
    path = tmp_path / "media" / document.file.name
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700


def test_the_import_stash_is_owner_only(settings, tmp_path, open_umask):
    settings.MEDIA_ROOT = tmp_path / "media"
    token = importing.stash_upload(b"national_id\n1000000008\n")
    stashed = importing._stash_path(token)
    assert mode(stashed) == 0o600 and mode(stashed.parent) == 0o700


def test_write_private_file_tightens_an_existing_file(tmp_path, open_umask):
    path = tmp_path / "x.bin"
    path.write_bytes(b"old")
    path.chmod(0o644)
    write_private_file(path, b"new")
    assert path.read_bytes() == b"new" and mode(path) == 0o600
