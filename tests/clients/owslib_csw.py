"""Reads satupeta's CSW 2.0.2 as OWSLib does (Debian python3-owslib) and prints what it got as JSON.

Usage: python3 owslib_csw.py <url of /csw> <record id>
"""
import json
import sys

from owslib.csw import CatalogueServiceWeb
from owslib.fes import And, BBox, PropertyIsEqualTo, PropertyIsLike, SortBy, SortProperty

url, rid = sys.argv[1:3]
csw = CatalogueServiceWeb(url, timeout=60)
out = {"operations": [op.name for op in csw.operations], "title": csw.identification.title}

# page through everything by 100, as a harvester does
ids, start = [], 1
while True:
    csw.getrecords2(maxrecords=100, startposition=start, esn="brief")
    ids += list(csw.records.keys())
    if not csw.results["nextrecord"]:
        break
    start = csw.results["nextrecord"]
out["all"] = ids
out["matches"] = csw.results["matches"]

# full-text, sorted by title
like = PropertyIsLike("csw:AnyText", "%sekolah dasar%")
csw.getrecords2(constraints=[like], maxrecords=500, esn="full",
                sortby=SortBy([SortProperty("dc:title", "DESC")]))
out["anytext"] = list(csw.records.keys())
out["anytextTitles"] = [r.title for r in csw.records.values()]

# a box (longitude first, as fes.BBox writes it without a CRS) and an organisation
csw.getrecords2(constraints=[And([BBox([106.62, -6.2, 106.63, -6.19]), PropertyIsEqualTo("apiso:OrganisationName", "Sekretariat Daerah Kota Tangerang")])], maxrecords=500)
out["bboxOrg"] = list(csw.records.keys())

# CQL text, hits only
csw.getrecords2(cql="dc:title LIKE 'Batas%'", resulttype="hits")
out["cqlHits"] = csw.results["matches"]

# one record as Dublin Core and as ISO 19139
csw.getrecordbyid(id=[rid], esn="full")
r = csw.records[rid]
out["dc"] = {"title": r.title, "type": r.type, "subjects": r.subjects, "bbox": [r.bbox.minx, r.bbox.miny, r.bbox.maxx, r.bbox.maxy],
             "references": sorted(x["scheme"] for x in r.references)}
csw.getrecordbyid(id=[rid], outputschema="http://www.isotc211.org/2005/gmd")
md = csw.records[rid]
ident = md.identification[0] if isinstance(md.identification, list) else md.identification
out["iso"] = {
    "title": ident.title,
    "topic": ident.topiccategory,
    "contacts": sorted(c.role for c in ident.contact),
    "bbox": [float(ident.bbox.minx), float(ident.bbox.miny), float(ident.bbox.maxx), float(ident.bbox.maxy)],
    "protocols": sorted(o.protocol for o in md.distribution.online),
    "language": md.language or md.languagecode,
}
csw.getdomain("apiso:OrganisationName", dtype="property")
out["domain"] = csw.results["values"]
print(json.dumps(out))
