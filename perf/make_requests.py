#!/usr/bin/env python3
"""Realistic OpenRTB 2.6 bid requests for perf/run.sh, one per line (NDJSON).

The impressions come as they are from Prebid Server's adapter fixtures
(../shared/data/prebid-requests: real banner format lists, video/audio
protocols, native request strings, imp.ext bidder params); the fixtures are
sparse elsewhere (most lack device, geo and user), so the rest of each request
is filled in the way exchanges send it: a device with a real user agent and a
geo, a publisher site or app, user ids with eids, consent, schain, blocked
categories and advertisers, floors in USD. The pools of countries, devices and
sizes are the ones perf/config_gen.cc targets (keep the two in step). Seeded:
the same arguments write the same file.

usage: perf/make_requests.py --data DIR --count N --seed S --out FILE
"""
import argparse
import json
import pathlib
import random
import sys
import zlib

# (country alpha-3, weight, regions, gdpr) - the traffic mix by country.
COUNTRIES = [
    ("USA", 40, ["CA", "NY", "TX", "FL", "WA", "IL"], 0),
    ("GBR", 10, ["ENG", "SCT"], 1),
    ("DEU", 10, ["BE", "BY", "HH"], 1),
    ("FRA", 8, ["IDF", "ARA"], 1),
    ("CAN", 8, ["ON", "QC", "BC"], 0),
    ("JPN", 6, ["13", "27"], 0),
    ("BRA", 6, ["SP", "RJ"], 0),
    ("AUS", 4, ["NSW", "VIC"], 0),
    ("ESP", 4, ["MD", "CT"], 1),
    ("ITA", 4, ["RM", "MI"], 1),
]

# (devicetype, os, osv, make, model, user agent, weight, app-capable)
DEVICES = [
    (4, "iOS", "17.4", "Apple", "iPhone15,2",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", 25, True),
    (4, "Android", "14", "Samsung", "SM-S918B",
     "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.6367.82 Mobile Safari/537.36", 25, True),
    (5, "iOS", "17.4", "Apple", "iPad13,18",
     "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", 8, True),
    (5, "Android", "13", "Samsung", "SM-X710",
     "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/123.0.6312.118 Safari/537.36", 4, True),
    (2, "Windows", "10", "", "",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", 28, False),
    (2, "macOS", "14.4", "Apple", "",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", 10, False),
]

SITES = ["news.example.com", "sports.example.net", "recipes.example.org", "weather.example.com",
         "finance.example.com", "travel.example.net", "tech.example.io", "autos.example.com",
         "gaming.example.gg", "health.example.org", "music.example.fm", "local.example.us",
         "fashion.example.co", "science.example.edu", "movies.example.tv", "parenting.example.com"]
APPS = ["com.example.puzzle", "com.example.news", "com.example.runner", "com.example.weather",
        "com.example.chess", "com.example.recipes", "com.example.radio", "com.example.solitaire"]
CATEGORIES = ["IAB1", "IAB2", "IAB3", "IAB5", "IAB7", "IAB8", "IAB9", "IAB12", "IAB13", "IAB17", "IAB19", "IAB20"]


def weighted(rng, items, weight):
    return rng.choices(items, weights=[weight(i) for i in items])[0]


def hex_id(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def uuid(rng):
    h = hex_id(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def load_impressions(data_dir):
    """The imps of every fixture (up to 3 per request), each offering at least one media type."""
    imps = []
    for path in sorted(pathlib.Path(data_dir, "prebid-requests").glob("*.json")):
        try:
            request = json.loads(path.read_text())
        except ValueError:
            continue
        group = [i for i in request.get("imp", [])[:3]
                 if isinstance(i, dict) and any(m in i for m in ("banner", "video", "native", "audio"))]
        if group:
            imps.append(group)
    if not imps:
        sys.exit(f"make_requests.py: no Prebid fixtures under {data_dir}/prebid-requests")
    return imps


def impression(rng, fixture_imp, k, site_or_app):
    imp = json.loads(json.dumps(fixture_imp))
    imp["id"] = str(k + 1)
    imp["bidfloor"] = round(rng.uniform(0.05, 1.5), 2)
    imp["bidfloorcur"] = "USD"
    imp["secure"] = 1
    imp.setdefault("tagid", f"{site_or_app.replace('.', '-')}-slot-{k + 1}")
    imp.pop("bidder", None)
    return imp


def request(rng, imp_groups):
    country, _, regions, gdpr = weighted(rng, COUNTRIES, lambda c: c[1])
    in_app = rng.random() < 0.3
    device = weighted(rng, [d for d in DEVICES if d[7] or not in_app], lambda d: d[6])
    devicetype, os_name, osv, make, model, ua = device[:6]
    domain = rng.choice(APPS if in_app else SITES)
    publisher = {"id": f"pub-{zlib.crc32(domain.encode()) % 9000 + 1000}", "name": domain.split(".")[0].title() + " Media"}
    r = {"id": uuid(rng),
         "imp": [impression(rng, i, k, domain) for k, i in enumerate(rng.choice(imp_groups))],
         "at": 1 if rng.random() < 0.8 else 2,
         "tmax": rng.choice([120, 150, 200, 300]),
         "cur": ["USD"]}
    cats = rng.sample(CATEGORIES, 2)
    if in_app:
        r["app"] = {"id": f"app-{hex_id(rng, 6)}", "name": domain.split(".")[-1].title(), "bundle": domain,
                    "storeurl": f"https://play.google.com/store/apps/details?id={domain}", "ver": "4.2.1",
                    "cat": cats, "publisher": publisher}
    else:
        r["site"] = {"id": f"site-{hex_id(rng, 6)}", "domain": domain,
                     "page": f"https://{domain}/{rng.choice(['world', 'local', 'reviews', 'guides'])}/2026/{hex_id(rng, 10)}",
                     "ref": "https://www.google.com/", "cat": cats, "publisher": publisher}
    region = rng.choice(regions)
    dev = {"ua": ua, "ip": f"{rng.randint(23, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0",
           "geo": {"country": country, "region": region, "city": f"City {region}", "zip": str(rng.randint(10000, 99999)),
                   "lat": round(rng.uniform(-40, 60), 4), "lon": round(rng.uniform(-120, 140), 4), "type": 2},
           "devicetype": devicetype, "os": os_name, "osv": osv, "language": "en", "connectiontype": rng.choice([2, 6])}
    if make:
        dev["make"] = make
    if model:
        dev["model"] = model
    if in_app:
        dev["ifa"] = uuid(rng)
        dev["lmt"] = 0
    r["device"] = dev
    user = {"id": hex_id(rng, 24), "buyeruid": hex_id(rng, 16),
            "ext": {"eids": [{"source": "liveramp.com", "uids": [{"id": "XY" + hex_id(rng, 30), "atype": 3}]},
                             {"source": "id5-sync.com", "uids": [{"id": "ID5*" + hex_id(rng, 24), "atype": 1}]}]}}
    if gdpr:
        user["ext"]["consent"] = "CP" + hex_id(rng, 40).upper() + "AAAA.YAAAAAAAAAAA"
    r["user"] = user
    r["regs"] = {"coppa": 0, "ext": {"gdpr": gdpr, **({"us_privacy": "1YNN"} if country == "USA" else {})}}
    r["source"] = {"tid": uuid(rng), "ext": {"schain": {"ver": "1.0", "complete": 1, "nodes": [
        {"asi": "exchange.example", "sid": publisher["id"], "hp": 1, "rid": r["id"][:8]}]}}}
    r["bcat"] = rng.sample(["IAB25", "IAB26", "IAB7-39", "IAB8-18", "IAB9-9"], 3)
    r["badv"] = ["competitor.example", "blocked-brand.example"]
    return r


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", required=True, help="the shared data folder (holds prebid-requests/)")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    rng = random.Random(a.seed)
    imp_groups = load_impressions(a.data)
    sizes = []
    with open(a.out, "w") as out:
        for _ in range(a.count):
            line = json.dumps(request(rng, imp_groups), separators=(",", ":"))
            sizes.append(len(line))
            out.write(line + "\n")
    sizes.sort()
    print(f"make_requests.py: {a.count} requests from {len(imp_groups)} Prebid fixtures, "
          f"body bytes p50 {sizes[len(sizes) // 2]}, mean {sum(sizes) // len(sizes)}, max {sizes[-1]}")


if __name__ == "__main__":
    main()
