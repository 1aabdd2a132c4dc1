"""Persisted documents (登记的查询文档): GraphQL documents registered by governance and called by their SHA-256."""
