"""The API layer: turns GraphQL into calls of domain services. No rules live here."""
