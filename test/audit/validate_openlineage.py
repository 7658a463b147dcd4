"""Validate OpenLineage RunEvents (one JSON per line, in the file named by argv[1]) against the
OpenLineage JSON Schema vendored in schema/vendor/openlineage/ (tag 1.52.0), with format
checks, and each standard facet against its own facet schema; replab's facets against
schema/openlineage-facets.schema.json. Prints {"events": N, "errors": [...]} as JSON."""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

ROOT = pathlib.Path(__file__).resolve().parents[2]
VENDOR = ROOT / "schema" / "vendor" / "openlineage"


def load(path):
    return json.loads(path.read_text())


spec = load(VENDOR / "OpenLineage.json")
facet_files = {p.stem: load(p) for p in (VENDOR / "facets").glob("*.json")}
ours = load(ROOT / "schema" / "openlineage-facets.schema.json")
registry = Registry().with_resources(
    [(s["$id"], Resource.from_contents(s)) for s in [spec, ours, *facet_files.values()]]
)
checker = FormatChecker()


def validator(schema):
    return Draft202012Validator(schema, registry=registry, format_checker=checker)


STANDARD = {"schema": "SchemaDatasetFacet", "processing_engine": "ProcessingEngineRunFacet", "jobType": "JobTypeJobFacet"}
OURS = {
    "replab_content": "ContentDatasetFacet",
    "replab_frame": "FrameDatasetFacet",
    "replab_model": "ModelDatasetFacet",
    "replab_run": "RunConfigRunFacet",
    "replab_cellGraph": "CellGraphRunFacet",
}


def facet_errors(where, facets):
    errors = []
    for name, facet in (facets or {}).items():
        if name in STANDARD:
            schema = facet_files[STANDARD[name]]
            found = validator(schema).iter_errors({name: facet})
        elif name in OURS:
            found = validator({"$ref": ours["$id"] + "#/$defs/" + OURS[name]}).iter_errors(facet)
        else:
            errors.append(f"{where}: unknown facet {name}")
            continue
        errors += [f"{where}.{name}: {e.message}" for e in found]
    return errors


events = [json.loads(line) for line in pathlib.Path(sys.argv[1]).read_text().splitlines() if line.strip()]
errors = []
for i, event in enumerate(events):
    errors += [f"event {i}: {e.message} at {list(e.path)}" for e in validator(spec).iter_errors(event)]
    errors += facet_errors(f"event {i} run", event["run"].get("facets"))
    errors += facet_errors(f"event {i} job", event["job"].get("facets"))
    for side in ("inputs", "outputs"):
        for d in event.get(side, []):
            errors += facet_errors(f"event {i} {side} {d['name']}", d.get("facets"))
print(json.dumps({"events": len(events), "errors": errors}))
