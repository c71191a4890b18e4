"""Reads satupeta's WFS 1.1.0 as OWSLib does (Debian python3-owslib) and prints what it got as JSON.

Usage: python3 owslib_wfs110.py <url of /wfs> <type name>
"""
import json
import sys

from owslib.etree import etree
from owslib.fes import And, PropertyIsGreaterThan, PropertyIsLike
from owslib.wfs import WebFeatureService

url, typename = sys.argv[1:3]
GML = "{http://www.opengis.net/gml}"
NS = "{urn:x-satupeta:kota-tangerang}"


def members(response):
    """Feature ids (the number after the type name) and the first coordinates of a GML 3.1.1 answer."""
    data = response.read()
    root = etree.fromstring(data if isinstance(data, bytes) else data.encode())
    out = []
    for m in root.iter(GML + "featureMember"):
        f = m[0]
        pos = [p.text for p in f.iter(GML + "posList")][:1]
        out.append({"id": int(f.get(GML + "id").rsplit(".", 1)[1]), "pos": pos})
    return root, out


wfs = WebFeatureService(url, version="1.1.0")
out = {"version": wfs.version, "types": sorted(wfs.contents.keys())}
name = "satupeta:" + typename
layer = wfs.contents[name]
out["crs"] = [str(c) for c in layer.crsOptions]
out["wgs84"] = list(layer.boundingBoxWGS84)
schema = wfs.get_schema(name)
out["schema"] = sorted(schema["properties"].keys())

# bbox as (left, bottom, right, top) with the default CRS (urn EPSG::4326: OWSLib sends it latitude first)
_, box = members(wfs.getfeature(typename=[name], bbox=(106.62, -6.2, 106.66, -6.16), maxfeatures=500))
out["bbox"] = sorted(f["id"] for f in box)

# a Filter Encoding 1.1 filter
flt = And([PropertyIsLike("kode", "36.71.04.*", wildCard="*"), PropertyIsGreaterThan("luas_km2", "1")])
xml = '<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc">' + etree.tostring(flt.toXML()).decode() + "</ogc:Filter>"
_, filtered = members(wfs.getfeature(typename=[name], filter=xml, maxfeatures=500))
out["filter"] = sorted(f["id"] for f in filtered)

# a few features, latitude first by the default CRS
root, few = members(wfs.getfeature(typename=[name], maxfeatures=3))
out["few"] = len(few)
out["numberOfFeatures"] = int(root.get("numberOfFeatures"))
out["firstPos"] = few[0]["pos"][0].split()[:2] if few else []
print(json.dumps(out))
