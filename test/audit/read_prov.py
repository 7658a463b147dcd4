"""Load a PROV-JSON file (argv[1]) with the reference `prov` library and print what it read:
per bundle its activities, entities, used / wasGeneratedBy / wasDerivedFrom / wasInformedBy
pairs, and prov's own PROV-N serialisation of the document. Fails if prov cannot read it."""
import json
import sys

from prov.model import (
    ProvActivity,
    ProvCommunication,
    ProvDerivation,
    ProvDocument,
    ProvEntity,
    ProvGeneration,
    ProvUsage,
)

doc = ProvDocument.deserialize(sys.argv[1], format="json")


def pairs(bundle, kind, first, second):
    out = []
    for record in bundle.get_records(kind):
        attrs = {str(k): v for k, v in record.formal_attributes}
        out.append([str(attrs[first]), str(attrs[second])])
    return sorted(out)


bundles = {}
for bundle in doc.bundles:
    bundles[str(bundle.identifier)] = {
        "activities": sorted(str(a.identifier) for a in bundle.get_records(ProvActivity)),
        "entities": sorted(str(e.identifier) for e in bundle.get_records(ProvEntity)),
        "used": pairs(bundle, ProvUsage, "prov:activity", "prov:entity"),
        "wasGeneratedBy": pairs(bundle, ProvGeneration, "prov:entity", "prov:activity"),
        "wasDerivedFrom": pairs(bundle, ProvDerivation, "prov:generatedEntity", "prov:usedEntity"),
        "wasInformedBy": pairs(bundle, ProvCommunication, "prov:informed", "prov:informant"),
    }
top = sorted(str(e.identifier) for e in doc.get_records(ProvEntity))
print(json.dumps({"bundles": bundles, "topEntities": top, "provn": doc.get_provn()}))
