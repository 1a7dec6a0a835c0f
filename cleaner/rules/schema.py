"""A JSON Schema of the rule file format, built from the rule kinds' declared options so it
cannot drift from what the loader accepts. Editors use it to validate and complete rule files."""
from __future__ import annotations

from typing import Any

from cleaner.document import PAGE_TYPES
from cleaner.rules.kinds.base import Option
from cleaner.rules.kinds.registry import RULE_KINDS
from cleaner.rules.limits import MAX_PATTERN_CHARS

_JSON_TYPES = {str: "string", int: "integer", bool: "boolean", float: "number"}

_PAGE_TYPES = {"type": "array", "minItems": 1, "items": {"enum": list(PAGE_TYPES)},
               "description": "Run only on documents of these page types (metadata.page_type); default: all."}

_EXAMPLES = {
    "type": "array",
    "minItems": 2,
    "description": "Text the rule must drop and text it must keep; run when the file is loaded.",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "drop": {"type": "string", "description": "Every line of this text must be dropped."},
            "keep": {"type": "string", "description": "Nothing in this text may change."},
            "input": {"type": "string", "description": "A text to clean with this rule alone..."},
            "output": {"type": "string", "description": "...and what must be left of it."},
            "metadata": {"type": "object", "description": "Metadata the rule must capture from 'input'."},
            "page_type": {"enum": list(PAGE_TYPES), "description": "The example is a page of this type."},
        },
        "minProperties": 1,
    },
}


def _option_schema(option: Option) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": _JSON_TYPES[option.type], "description": option.help}
    if option.default is not None:
        schema["default"] = option.default
    if option.is_pattern:
        schema["maxLength"] = MAX_PATTERN_CHARS  # rules/limits.py: the loader refuses longer
    return schema


def _kind_schema(kind: str) -> dict[str, Any]:
    cls = RULE_KINDS[kind]
    properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$", "description": "Stable id shown in reports."},
        "kind": {"const": kind, "description": cls.summary},
        "description": {"type": "string", "description": "One line: what the rule removes."},
        "enabled": {"type": "boolean", "default": True, "description": "false switches the rule off."},
        "page_types": {**_PAGE_TYPES, "description": "Run only on documents of these page types; default: the "
                                                     "rule set's page_types, else all."},
        "examples": _EXAMPLES,
    }
    properties.update({name: _option_schema(option) for name, option in cls.options.items()})
    required = ["id", "kind", "description", "examples"] + [n for n, o in cls.options.items() if o.required]
    return {"title": kind, "description": cls.summary, "type": "object", "required": required,
            "properties": properties, "additionalProperties": False}


def rule_file_schema() -> dict[str, Any]:
    string_list = {"type": "array", "items": {"type": "string"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cleaner.invalid/rule-file.schema.json",
        "title": "cleaner rule set",
        "description": "One rule set: generic (no 'match') or for one site.",
        "type": "object",
        "required": ["name", "description", "rules"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "description": "Unique name; a site rule set's name is the site reported."},
            "description": {"type": "string"},
            "match": {
                "type": "object", "additionalProperties": False,
                "description": "How a site rule set selects itself; any one match is enough.",
                "properties": {
                    "domains": {**string_list, "description": "The document URL's host is or ends with one of these."},
                    "paths": {**string_list, "description": "The document's file path matches one of these globs."},
                    "markers": {**string_list, "description": "One of these regexes occurs in the text."},
                },
            },
            "page_types": {**_PAGE_TYPES, "description": "Its rules run only on documents of these page types "
                                                         "(a rule's own page_types wins); default: all."},
            "html": {"type": "object", "additionalProperties": False,
                     "description": "For HTML input: what to cut from the page before extraction.",
                     "properties": {"prune": {**string_list, "description": "XPath expressions pruned from the page."}}},
            "defines": {"type": "object", "additionalProperties": {"type": "string", "maxLength": MAX_PATTERN_CHARS},
                        "description": "Named sub-patterns, used in patterns as (?&name)."},
            "rules": {"type": "array", "items": {"oneOf": [_kind_schema(kind) for kind in sorted(RULE_KINDS)]}},
        },
    }
