"""Reads satupeta's OGC API as OWSLib does (Debian python3-owslib) and prints what it got as JSON.

Usage: python3 owslib_read.py <base url of /ogc> <collection id> <dated collection id>
"""
import json
import sys

from owslib.ogcapi.features import Features

base, kel, dated = sys.argv[1:4]
api = Features(base)
out = {}
out["collections"] = api.feature_collections()
out["queryables"] = sorted(api.collection_queryables(kel)["properties"].keys())
box = api.collection_items(kel, bbox=[106.62, -6.2, 106.66, -6.16], limit=500)
out["bbox"] = sorted(f["id"] for f in box["features"])
out["bboxMatched"] = box["numberMatched"]
flt = api.collection_items(kel, filter="kode LIKE '36.71.04.%' AND luas_km2 > 1", limit=500)
out["filter"] = sorted(f["id"] for f in flt["features"])
page = api.collection_items(kel, sortby="-luas_km2", limit=5, offset=5, properties=["nama", "luas_km2"])
out["sorted"] = [f["properties"] for f in page["features"]]
out["sortedIds"] = [f["id"] for f in page["features"]]
when = api.collection_items(dated, datetime="2025-01-01T00:00:00Z/..", limit=1000)
out["datetime"] = sorted(f["id"] for f in when["features"])
out["item"] = api.collection_item(kel, "3")["id"]
print(json.dumps(out))
