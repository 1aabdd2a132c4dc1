"""The hub's own signing key: a private JWK on disk, generated on the embedded default's first start."""

import json
import os
import secrets
from pathlib import Path

from joserfc.jwk import ECKey, KeySet


def generate(path: Path) -> ECKey:
    key = ECKey.generate_key("P-256", parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "ES256"}, private=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        json.dump(key.as_dict(private=True), handle)
    tmp.replace(path)
    return key


def load(path: Path) -> ECKey:
    return ECKey.import_key(json.loads(path.read_text()))


def load_or_generate(path: Path, *, may_generate: bool) -> tuple[ECKey, bool]:
    """(key, generated_now). Production never generates: a missing key there is a configuration error."""
    if path.exists():
        return load(path), False
    if not may_generate:
        raise FileNotFoundError(f"signing key {path} not found (set HUB_SIGNING_KEY_FILE)")
    return generate(path), True


def public_keyset(key: ECKey) -> dict:
    """The JWKS document served at /.well-known/jwks.json."""
    return KeySet([ECKey.import_key(key.as_dict(private=False))]).as_dict(private=False)
