"""Issue 12, item 6: the comment and evidence endpoints declare every nested shape, so the
generated TypeScript client has no `unknown` where the dashboard reads them."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

# Free-form by design: what an action records depends on its kind.
FREE_FORM = {("CommentActionOutput", "data")}
TYPED_COMPONENTS = (
    "CommentListOutput",
    "CommentDetailOutput",
    "CommentEvidenceDetailOutput",
    "SchoolScreeningOutput",
    "SchoolScreeningPreviewOutput",
)


def _free_form(prop: dict[str, Any]) -> bool:
    """A property the TypeScript generator can only call `unknown` (or a map of it)."""
    if not prop:
        return True
    if prop.get("type") == "object" and "properties" not in prop:
        extra = prop.get("additionalProperties")
        return extra in (None, True, {})
    if prop.get("type") == "array":
        return _free_form(prop.get("items") or {})
    return False


def _untyped(schema: dict[str, Any], name: str, seen: set[str]) -> list[str]:
    """Every free-form property reachable from component ``name``."""
    if name in seen:
        return []
    seen.add(name)
    found = []
    for field, prop in schema["components"]["schemas"][name].get("properties", {}).items():
        if (name, field) in FREE_FORM:
            continue
        if _free_form(prop):
            found.append(f"{name}.{field}")
        for ref in _refs(prop):
            found += _untyped(schema, ref, seen)
    return found


def _refs(prop: Any) -> list[str]:
    if isinstance(prop, dict):
        refs = [prop["$ref"].rsplit("/", 1)[1]] if "$ref" in prop else []
        return refs + [r for value in prop.values() for r in _refs(value)]
    if isinstance(prop, list):
        return [r for value in prop for r in _refs(value)]
    return []


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("component", TYPED_COMPONENTS)
def test_it_declares_every_nested_shape_of_comments_and_their_evidence(
    schema: dict[str, Any], component: str
) -> None:
    assert _untyped(schema, component, set()) == []
