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
