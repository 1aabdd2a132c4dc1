"""What the parsed-document cache saves per request: parse and validation of a document seen before.

    .venv/bin/python bench/document_cache.py [--rounds 2000]

In process, no server: for each document — the mobile "my cases" page, the TypeScript client's largest
operation (CaseById, with its fragments) and GraphiQL's schema introspection — the time per request of the
stage between the request's text and execution:

  * uncached     parse + the limits on the parsed document + validation, every time;
  * strawberry   strawberry's ParserCache and ValidationCache (the hub before): the parse cache is keyed by the
                 text, the validation cache by the parsed document, whose hash walks the whole syntax tree;
  * by SHA-256   hub/graphql/document_cache.py: the text's SHA-256, one lookup, the kept outcome of the limits
                 and of validation;
  * limits       of the strawberry figure, the request limits on the parsed document (measured every time
                 there), and the SHA-256 of the text (paid every time here).

Figures are the median of 5 runs of --rounds requests each, in microseconds. Nothing is asserted.
"""

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from graphql import get_introspection_query, parse, specified_rules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from strawberry.extensions.parser_cache import _get_parse_cache  # noqa: E402
from strawberry.extensions.validation_cache import _get_validate_cache  # noqa: E402
from strawberry.schema.schema import validate_document  # noqa: E402

from hub.config import Settings  # noqa: E402
from hub.graphql.document_cache import DocumentCache  # noqa: E402
from hub.graphql.limits import QueryLimits, check_document  # noqa: E402
from hub.graphql.schema import schema  # noqa: E402

MANIFEST = Path(__file__).resolve().parent.parent / "clients" / "typescript" / "src" / "generated" / "persisted-documents.json"
MY_CASES = """query { cases(first: 20) { edges { node { number status submittedAt
  assignments { service status result { accountNumber } } } } pageInfo { hasNextPage endCursor } } }"""


def documents() -> dict[str, str]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    case_by_id = next(text for text in manifest.values() if "query CaseById(" in text)
    return {"my cases (README)": MY_CASES, "CaseById (TypeScript client)": case_by_id,
            "introspection (GraphiQL)": get_introspection_query()}


def per_request(step: Callable[[], object], rounds: int) -> float:
    """Median over 5 runs of the time of one call, in microseconds."""
    step()  # warm: fills the caches
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(rounds):
            step()
        runs.append((time.perf_counter() - started) / rounds * 1e6)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    graphql_schema = schema._schema
    limits = QueryLimits.configured(Settings(), graphql_schema)
    parse_cached, validate_cached = _get_parse_cache(128), _get_validate_cache(128)
    cache = DocumentCache(maxsize=128)

    print(f"{'document':30} {'bytes':>6} {'uncached':>10} {'strawberry':>11} {'by SHA-256':>11} "
          f"{'saved':>8} {'limits':>8} {'sha256':>8}   (µs per request)")
    for name, text in documents().items():
        def uncached() -> None:
            document = parse(text)
            check_document(document, graphql_schema, None, limits)
            validate_document(graphql_schema, document, tuple(specified_rules))

        def strawberry_caches() -> None:
            document = parse_cached(text)
            check_document(document, graphql_schema, None, limits)
            validate_cached(graphql_schema, document, tuple(specified_rules))

        def by_sha256() -> None:
            entry = cache.parsed(text, {})
            cache.refusal(entry, graphql_schema, None, limits)
            cache.validated(entry, graphql_schema, tuple(specified_rules))

        document = parse(text)
        figures = [per_request(step, max(args.rounds // 20, 20) if step is uncached else args.rounds)
                   for step in (uncached, strawberry_caches, by_sha256)]
        limits_only = per_request(lambda: check_document(document, graphql_schema, None, limits), args.rounds)
        hashing = per_request(lambda: hashlib.sha256(text.encode()).digest(), args.rounds)
        print(f"{name:30} {len(text.encode()):6} {figures[0]:10.1f} {figures[1]:11.1f} {figures[2]:11.1f} "
              f"{figures[1] - figures[2]:8.1f} {limits_only:8.1f} {hashing:8.1f}")


if __name__ == "__main__":
    main()
