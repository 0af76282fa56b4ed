"""Validate copydesk's machine-readable output, for tests/ci.rs.

  validate.py sarif SCHEMA   (SARIF on stdin) — against the SARIF 2.1.0 schema
  validate.py xml            (XML on stdin)   — well-formed XML
  validate.py schema SCHEMA  (JSON on stdin)  — against a JSON schema of any draft
  validate.py reject SCHEMA  (JSON on stdin)  — the same, expecting it to fail

Prints every problem and exits 1 if there is any.
"""

import json
import sys
import xml.etree.ElementTree as ElementTree


def main():
    mode = sys.argv[1]
    data = sys.stdin.buffer.read()
    if mode == "sarif":
        import jsonschema

        with open(sys.argv[2], encoding="utf-8") as handle:
            schema = json.load(handle)
        validator = jsonschema.Draft4Validator(
            schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
        )
        errors = list(validator.iter_errors(json.loads(data)))
        for error in errors:
            path = "/".join(map(str, error.absolute_path)) or "<root>"
            print(f"{path}: {error.message}")
        sys.exit(1 if errors else 0)
    if mode in ("schema", "reject"):
        import jsonschema

        with open(sys.argv[2], encoding="utf-8") as handle:
            schema = json.load(handle)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        errors = list(cls(schema).iter_errors(json.loads(data)))
        for error in errors:
            path = "/".join(map(str, error.absolute_path)) or "<root>"
            print(f"{path}: {error.message}")
        if mode == "reject":
            sys.exit(0 if errors else 1)
        sys.exit(1 if errors else 0)
    if mode == "xml":
        try:
            ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            print(f"not well-formed XML: {error}")
            sys.exit(1)
        sys.exit(0)
    sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
