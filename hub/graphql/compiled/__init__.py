"""The compiled read path (编译读取): hot reads of the shared record as one SQL statement each.

A query whose every root field is one of the record's reads (`cases`, `case`, `caseByNumber`, `workQueue`)
and whose every selected field is a column of the record is planned once per document, operation and access
plan into a statement in which the database builds the response JSON, with the caller's row scope in its
WHERE clause and withheld fields as null; masks and the audit's reads come from one fixed pass. Everything
else — and every request that would answer with an error — goes to the GraphQL executor, which stays the
reference: tests/test_compiled_reads.py runs documents through both and requires identical responses and
audit records. See docs/read-path.md.
"""
