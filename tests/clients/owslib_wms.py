"""Reads satupeta's WMS as OWSLib does (Debian python3-owslib) and prints what it got as JSON.

Usage: python3 owslib_wms.py <url of /wms> <layer> <output folder>
GetMap images are written to the output folder (inside.png, outside.png, inside-111.png).
"""
import json
import os
import sys

from owslib.wms import WebMapService

url, layer, out_dir = sys.argv[1:4]
AIRPORT = (106.6559, -6.1256)
out = {}

wms = WebMapService(url, version="1.3.0")
out["title"] = wms.identification.title
out["layers"] = [name for name, l in wms.contents.items() if l.name]
kel = wms[layer]
out["bbox"] = list(kel.boundingBoxWGS84)
out["crs"] = sorted(kel.crsOptions)
out["queryable"] = kel.queryable
out["legend"] = kel.styles["default"]["legend"]
out["operations"] = sorted(op.name for op in wms.operations)


def save(name, response):
    data = response.read()
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
    return len(data)


city = (106.55, -6.26, 106.75, -6.09)
save("inside.png", wms.getmap(layers=[layer], styles=[""], srs="EPSG:4326", bbox=city,
                              size=(200, 170), format="image/png", transparent=True))
save("outside.png", wms.getmap(layers=[layer], styles=[""], srs="EPSG:4326", bbox=(106.6, -5.9, 106.7, -5.8),
                               size=(100, 100), format="image/png", transparent=True))
lon, lat = AIRPORT
box = (lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01)
info = wms.getfeatureinfo(layers=[layer], styles=[""], srs="EPSG:4326", bbox=box, size=(101, 101),
                          format="image/png", query_layers=[layer], info_format="application/json", xy=(50, 50))
out["info"] = [f["properties"]["nama"] for f in json.loads(info.read())["features"]]

old = WebMapService(url, version="1.1.1")
out["layers111"] = len([l for l in old.contents.values() if l.name])
save("inside-111.png", old.getmap(layers=[layer], styles=[""], srs="EPSG:4326", bbox=city,
                                  size=(200, 170), format="image/png", transparent=True))
print(json.dumps(out))
