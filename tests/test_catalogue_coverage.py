"""Every field the API serves is a catalogue entry: a new field without one fails here."""

from graphql import GraphQLNonNull, GraphQLObjectType

from hub.catalogue.loader import read_grants, read_items
from hub.graphql.field_policy import UNGOVERNED_FIELDS, is_governed
from hub.graphql.schema import schema


def governed_fields() -> dict[str, object]:
    fields = {}
    for name, gql_type in schema._schema.type_map.items():
        if isinstance(gql_type, GraphQLObjectType) and is_governed(name):
            for field_name, fld in gql_type.fields.items():
                if field_name not in UNGOVERNED_FIELDS:
                    fields[f"{name}.{field_name}"] = fld
    return fields


def test_every_governed_field_has_a_catalogue_entry_and_the_catalogue_nothing_else():
    catalogued = {item["code"] for item in read_items()}
    served = set(governed_fields())
    assert served - catalogued == set(), "fields without a catalogue entry in schema/catalogue/sharing.yaml"
    assert catalogued - served == set(), "catalogue entries for fields the API does not serve"


def test_governed_fields_are_nullable_so_they_can_be_withheld():
    non_null = [code for code, fld in governed_fields().items() if isinstance(fld.type, GraphQLNonNull)]
    assert non_null == []


def test_default_grants_name_only_catalogued_items():
    assert read_grants()  # raises on an unknown item


def test_every_personal_item_of_a_case_can_be_erased():
    """erasePersonalData empties what the catalogue calls personal: a new personal field must say where it is kept.
    An object item listed as erasable (Case.vatInvoice, Material.file) takes its whole type with it."""
    from graphql import get_named_type

    from hub.cases.erasure import ERASABLE

    fields = governed_fields()
    gone_with_parent = {get_named_type(fields[code].type).name for code in ERASABLE
                        if isinstance(get_named_type(fields[code].type), GraphQLObjectType)}
    personal = {item["code"] for item in read_items() if item["sensitivity"] in ("PERSONAL", "SENSITIVE_PERSONAL")}
    values = {code for code in personal if not isinstance(get_named_type(fields[code].type), GraphQLObjectType)}
    missing = {code for code in values - set(ERASABLE) if code.split(".")[0] not in gone_with_parent}
    assert missing == set(), "personal items erasePersonalData would leave behind (add them to ERASABLE)"
    assert set(ERASABLE) <= set(fields), "ERASABLE names items the API does not serve"
