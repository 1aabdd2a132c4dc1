"""schema/hub.graphql is the public contract: it must be what the code serves."""

from hub.cli import SCHEMA_FILE
from hub.graphql.schema import schema


def test_exported_sdl_matches_the_code():
    assert SCHEMA_FILE.read_text() == schema.as_str() + "\n", "schema drifted: run `hub export-schema` and review the diff"


async def test_served_schema_is_the_exported_one(as_role):
    from hub.enums import Role

    data = await as_role(Role.CLERK, "KF-DATA").run("{ __schema { mutationType { fields { name } } } }")
    served = {f["name"] for f in data["__schema"]["mutationType"]["fields"]}
    text = SCHEMA_FILE.read_text()
    assert all(f"  {name}(" in text for name in served)


def test_readme_documents_every_setting():
    from pathlib import Path

    from hub.config import Settings

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    missing = [f"HUB_{name.upper()}" for name in Settings.model_fields if f"`HUB_{name.upper()}`" not in readme]
    assert missing == []
