"""Personal data encrypted at rest, and found again by keyed hashes (blind indexes).

National IDs, IBANs, health and disability notes and income figures are stored as AES-256-GCM
ciphertext (authenticated: a changed byte or a value moved to another column fails to decrypt). The
stored text is ``enc1:<key id>:<base64url(nonce + ciphertext + tag)>``; the column's name
(``app_label.model.field``) is the associated data, so a value copied into another column is refused.

Keys come from the environment (``settings.FIELD_ENCRYPTION_KEYS``: ``[key_id:]base64`` entries, the
first encrypts, every one decrypts; ``settings.BLIND_INDEX_KEY``: the HMAC key of the blind indexes).
Losing the keys is losing the data: back them up apart from the database (README, "Encryption keys").

Exact lookups never decrypt: a ``BlindIndexField`` beside the encrypted one keeps HMAC-SHA256 of the
value (``purpose`` names the kind of value, so a national ID hashes the same in every table), with a
unique constraint where the value must be unique. Lookups on an encrypted column are refused except
``isnull`` and equality with the empty value.

The kernel imports no app: ``encrypted_models()`` finds the tables through Django's app registry.
"""

import base64
import binascii
import decimal
import functools
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.backends.utils import format_number
from django.db.models.lookups import Exact, IsNull

PREFIX = "enc1"
KEY_BYTES = 32
NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


@dataclass(frozen=True)
class FieldKey:
    key_id: str
    aead: AESGCM


class DecryptionError(ImproperlyConfigured):
    """A stored value this installation cannot decrypt: its key is not in FIELD_ENCRYPTION_KEYS, or it was altered."""


def decode_key(text: str, name: str) -> bytes:
    """A base64 (standard or URL-safe) 32-byte key, or ValueError naming ``name``."""
    try:
        standard = text.strip().replace("-", "+").replace("_", "/")
        raw = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name}: not base64") from None
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{name}: must decode to {KEY_BYTES} bytes (32 random bytes), not {len(raw)}")
    if len(set(raw)) < 8:
        raise ValueError(f"{name}: not random")
    return raw


def derived_key_id(raw: bytes) -> str:
    """The id stored with each value when the entry names none: a fingerprint that reveals nothing of the key."""
    return hmac.new(raw, b"portal field key id", hashlib.sha256).hexdigest()[:8]


def parse_keyring(entries: list[str]) -> list[tuple[str, bytes]]:
    """``[key_id:]base64`` entries as (key id, key) pairs; ValueError on a bad or repeated entry."""
    keys = []
    for position, entry in enumerate(entries, start=1):
        key_id, _sep, text = entry.strip().rpartition(":")
        raw = decode_key(text, f"FIELD_ENCRYPTION_KEYS entry {position}")
        key_id = key_id or derived_key_id(raw)
        if not _KEY_ID.match(key_id):
            raise ValueError(f"FIELD_ENCRYPTION_KEYS entry {position}: key id must be 1-16 letters, digits, - or _")
        if any(key_id == known for known, _raw in keys):
            raise ValueError(f"FIELD_ENCRYPTION_KEYS entry {position}: key id {key_id!r} is used twice")
        keys.append((key_id, raw))
    if not keys:
        raise ValueError("FIELD_ENCRYPTION_KEYS is empty")
    return keys


@functools.cache
def _keyring() -> tuple[FieldKey, dict[str, FieldKey]]:
    from django.conf import settings

    try:
        pairs = parse_keyring(list(settings.FIELD_ENCRYPTION_KEYS))
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    keys = [FieldKey(key_id, AESGCM(raw)) for key_id, raw in pairs]
    return keys[0], {key.key_id: key for key in keys}


@functools.cache
def _blind_key() -> bytes:
    from django.conf import settings

    try:
        return decode_key(settings.BLIND_INDEX_KEY, "BLIND_INDEX_KEY")
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


def reset_keys(**kwargs) -> None:
    """Forget the loaded keys (the settings changed: a test, or a rotation run in the same process)."""
    _keyring.cache_clear()
    _blind_key.cache_clear()


setting_changed.connect(reset_keys, dispatch_uid="kernel-crypto-reset-keys")


def current_key_id() -> str:
    return _keyring()[0].key_id


def is_encrypted(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


def key_id_of(token: str) -> str | None:
    return token.split(":", 2)[1] if is_encrypted(token) else None


def encrypt(plaintext: str, *, context: str) -> str:
    """``plaintext`` under the current key, bound to ``context`` (the column). The empty value stays empty."""
    if plaintext == "":
        return ""
    key = _keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}:{key.key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii').rstrip('=')}"


def decrypt(token: str, *, context: str) -> str:
    if not is_encrypted(token):
        return token  # the empty value, or a row the data migration has not reached yet
    _prefix, key_id, body = token.split(":", 2)
    key = _keyring()[1].get(key_id)
    if key is None:
        raise DecryptionError(f"{context}: encrypted with key {key_id!r}, which FIELD_ENCRYPTION_KEYS does not hold")
    blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8")).decode("utf-8")
    except InvalidTag:
        raise DecryptionError(f"{context}: a stored value fails its authentication (altered or moved)") from None


def blind_index(value, *, purpose: str, last: int | None = None) -> str | None:
    """HMAC-SHA256 (hex) of ``value`` in its stored form, or None for the empty value. ``last``: of its last
    characters only (the search by the last digits of an ID)."""
    if value in (None, ""):
        return None
    text = str(value)
    if last:
        if len(text) < last:
            return None
        text = text[-last:]
    message = f"{purpose}\x00{text}".encode()
    return hmac.new(_blind_key(), message, hashlib.sha256).hexdigest()


# --- model fields ---------------------------------------------------------------------------------


class EmptyOnlyExact(Exact):
    """``field=""`` (is the value recorded?) on an encrypted column; any other value must go through its
    blind index."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target} is encrypted: look it up by its blind index, not by value")
        return ""


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back. The column is text whatever the
    Python type; ``max_length`` and validators apply to the clear value."""

    encrypted = True

    def crypto_context(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}.{self.name}"

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def clear_to_text(self, value) -> str:
        return str(value)

    def text_to_clear(self, text: str):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        text = decrypt(value, context=self.crypto_context())
        return None if text == "" and self.null else self.text_to_clear(text)

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None:
            return None
        return encrypt(self.clear_to_text(value), context=self.crypto_context())

    def get_db_prep_value(self, value, connection, prepared=False):
        return value if prepared else self.get_prep_value(value)

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EmptyOnlyExact
        raise FieldError(f"{self.model.__name__}.{self.name} is encrypted: no {lookup_name!r} lookup (blind index)")

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short value (national ID, IBAN): ``max_length`` is the clear value's, the column is text."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Notes (health, disability)."""


class EncryptedDecimalField(EncryptedMixin, models.DecimalField):
    """An amount (income): a Decimal in Python, ciphertext in the column. Not summable by the database."""

    def clear_to_text(self, value) -> str:
        # As the numeric column stored it: the field's decimal places (0 -> "0.00").
        return format_number(value, self.max_digits, self.decimal_places)

    def text_to_clear(self, text: str):
        try:
            return decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise DecryptionError(f"{self.crypto_context()}: not an amount") from None


class BlindIndexField(models.CharField):
    """HMAC-SHA256 of the field ``source`` (its stored, normalised form), computed on every save and
    ``bulk_create``. ``purpose`` names the kind of value (``national_id``, ``iban``): the same value hashes
    the same in every table that uses the same purpose. ``last``: of its last characters only."""

    def __init__(self, *args, source: str = "", purpose: str = "", last: int | None = None, **kwargs):
        self.source, self.purpose, self.last = source, purpose, last
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        kwargs.update(source=self.source, purpose=self.purpose)
        if self.last:
            kwargs["last"] = self.last
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        for flag in ("null", "blank"):
            if kwargs.get(flag) is True:
                del kwargs[flag]
            else:
                kwargs[flag] = False
        return name, path, args, kwargs

    def value_for(self, instance) -> str | None:
        return blind_index(getattr(instance, self.source), purpose=self.purpose, last=self.last)

    def pre_save(self, model_instance, add):
        value = self.value_for(model_instance)
        setattr(model_instance, self.attname, value)
        return value


def refresh_blind_indexes(instance) -> None:
    """Recompute ``instance``'s blind indexes now (before a uniqueness check that reads them)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, BlindIndexField):
            setattr(instance, field.attname, field.value_for(instance))


def encrypted_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def blind_index_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypted_models() -> list:
    """Every installed model with an encrypted column, in a stable order (the app registry: no app imported)."""
    from django.apps import apps

    found = [model for model in apps.get_models() if encrypted_fields(model)]
    return sorted(found, key=lambda model: model._meta.label)


# --- data migrations: existing rows into ciphertext and back ------------------------------------------


def _batches(queryset, batch_size: int):
    last_pk = None
    while True:
        page = queryset.order_by("pk")
        if last_pk is not None:
            page = page.filter(pk__gt=last_pk)
        rows = list(page[:batch_size])
        if not rows:
            return
        yield rows
        last_pk = rows[-1].pk


def overwrite_freed_pages(apps, schema_editor) -> None:
    """SQLite keeps deleted and rewritten content in free pages: ``secure_delete`` zeroes them, so the clear
    values a migration replaces do not stay readable in the file. (PostgreSQL: VACUUM FULL afterwards.)"""
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")


def encrypt_rows(model, batch_size: int = 500) -> int:
    """Write every row's encrypted columns under the current key and its blind indexes (a migration's
    forward step: clear values are read as they are, then stored encrypted). Returns the rows written.

    One UPDATE per row: ``bulk_update``'s CASE over hundreds of rows is several times slower on PostgreSQL."""
    fields = encrypted_fields(model)
    indexes = blind_index_fields(model)
    done = 0
    for rows in _batches(model._base_manager.all(), batch_size):
        for row in rows:
            values = {field.attname: getattr(row, field.attname) for field in fields}
            values.update({field.attname: field.value_for(row) for field in indexes})
            model._base_manager.filter(pk=row.pk).update(**values)
        done += len(rows)
    return done


def decrypt_rows(model, batch_size: int = 500) -> int:
    """Write every row's encrypted columns back in clear (a migration's reverse step)."""
    fields = encrypted_fields(model)
    done = 0
    for rows in _batches(model._base_manager.all(), batch_size):
        for row in rows:
            clear = {}
            for field in fields:
                value = getattr(row, field.attname)
                clear[field.attname] = models.Value(
                    None if value is None else str(value), output_field=models.TextField()
                )
            model._base_manager.filter(pk=row.pk).update(**clear)
        done += len(rows)
    return done


def encrypted_field_names(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if getattr(field, "encrypted", False)]


def without_secrets(queryset, *relations: str):
    """``queryset`` with the encrypted columns of the rows it joins at ``relations`` (``"beneficiary"``,
    ``"contact__beneficiary"``) left unread: a list shows a person's name, and each encrypted value read is a
    decryption (four a row). Reading one of them later costs a query, which the lists' constant-query tests
    would catch."""
    deferred = []
    for path in relations:
        model = queryset.model
        for part in path.split("__"):
            model = model._meta.get_field(part).related_model
        deferred += [f"{path}__{name}" for name in encrypted_field_names(model)]
    return queryset.defer(*deferred)
