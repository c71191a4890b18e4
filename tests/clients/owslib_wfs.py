"""Reads satupeta's WFS 2.0 as OWSLib does (Debian python3-owslib) and prints what it got as JSON.

Usage: python3 owslib_wfs.py <url of /wfs> <type name>
"""
import json
import sys

from owslib.etree import etree
from owslib.fes2 import And, Filter, PropertyIsGreaterThan, PropertyIsLike
from owslib.wfs import WebFeatureService

url, typename = sys.argv[1:3]
GML = "{http://www.opengis.net/gml/3.2}"
WFS = "{http://www.opengis.net/wfs/2.0}"
NS = "{urn:x-satupeta:kota-tangerang}"


def members(response):
    """Feature ids (the number after the type name) and properties of a GML 3.2 answer."""
    root = etree.fromstring(response.read())
    out = []
    for m in root.iter(WFS + "member"):
        f = m[0]
        props = {c.tag.replace(NS, ""): c.text for c in f if c.tag != NS + "geometry"}
        pos = [p.text for p in f.iter(GML + "posList")][:1]
        out.append({"id": int(f.get(GML + "id").rsplit(".", 1)[1]), "props": props, "pos": pos})
    return root, out


wfs = WebFeatureService(url, version="2.0.0")
out = {"types": sorted(wfs.contents.keys())}
name = "satupeta:" + typename
layer = wfs.contents[name]
out["crs"] = [str(c) for c in layer.crsOptions]
out["wgs84"] = list(layer.boundingBoxWGS84)
out["schema"] = sorted(wfs.get_schema(name)["properties"].keys())
out["geometryType"] = wfs.get_schema(name)["geometry"]

# bbox as (left, bottom, right, top); OWSLib turns it latitude first for the default CRS (urn EPSG::4326)
_, box = members(wfs.getfeature(typename=[name], bbox=(106.62, -6.2, 106.66, -6.16), maxfeatures=500))
out["bbox"] = sorted(f["id"] for f in box)

# a Filter Encoding 2.0 filter, which OWSLib sends as an XML GetFeature by POST
flt = Filter(And([PropertyIsLike("kode", "36.71.04.*", wildCard="*"), PropertyIsGreaterThan("luas_km2", "1")])).toXML()
_, filtered = members(wfs.getfeature(typename=[name], filter=flt, method="POST", maxfeatures=500))
out["filter"] = sorted(f["id"] for f in filtered)

# sort, page, choose properties
root, page = members(
    wfs.getfeature(typename=[name], sortby=["luas_km2 DESC"], maxfeatures=5, startindex=5, propertyname=["nama", "luas_km2"])
)
out["sortedIds"] = [f["id"] for f in page]
out["sortedProps"] = sorted(page[0]["props"].keys()) if page else []
out["numberMatched"] = int(root.get("numberMatched"))

# by feature id, and as GeoJSON
_, one = members(wfs.getfeature(typename=[name], featureid=[typename + ".3"]))
out["featureid"] = [f["id"] for f in one]
out["firstPos"] = one[0]["pos"][0].split()[:2] if one else []
gj = json.loads(wfs.getfeature(typename=[name], outputFormat="application/json", maxfeatures=2).read())
out["geojson"] = [f["id"] for f in gj["features"]]
print(json.dumps(out))
