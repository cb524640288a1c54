"""Units and count nouns a figure can be about, by group, with the factor to the group's base
unit ("km" is 1,000 of "length"; troops, forces and soldiers are all "troops"), and the words
that may stand between a figure and its noun ("100,000 Russian troops")."""

from __future__ import annotations

# unit words -> (group, factor to the group's base unit); count nouns have factor 1
UNIT_GROUPS: dict[str, tuple[str, float]] = {}


def _units(group: str, factor: float, words: str) -> None:
    for w in words.split("|"):
        UNIT_GROUPS[w] = (group, factor)


_units("duration", 1 / 60, "second|seconds|sec|secs")
_units("duration", 1, "minute|minutes|min|mins")
_units("duration", 60, "hour|hours|hr|hrs|h")
_units("duration", 1440, "day|days")
_units("duration", 10080, "week|weeks")
_units("duration", 43830, "month|months")
_units("duration", 525960, "year|years|yr|yrs|year-old|years-old")
_units("duration", 5259600, "decade|decades")
_units("length", 0.001, "mm|millimetre|millimetres|millimeter|millimeters")
_units("length", 0.01, "cm|centimetre|centimetres|centimeter|centimeters")
_units("length", 1, "m|metre|metres|meter|meters")
_units("length", 1000, "km|kilometre|kilometres|kilometer|kilometers")
_units("length", 1609.344, "mile|miles|mi")
_units("length", 0.3048, "foot|feet|ft")
_units("mass", 0.001, "mg|milligram|milligrams")
_units("mass", 1, "g|gram|grams")
_units("mass", 1000, "kg|kilogram|kilograms|kilo|kilos")
_units("mass", 1_000_000, "tonne|tonnes|ton|tons")
_units("money:usd", 1, "dollar|dollars|usd")
_units("money:eur", 1, "euro|euros|eur")
_units("money:gbp", 1, "pound|pounds|sterling|gbp")
_units("money:jpy", 1, "yen")
_units("money:rub", 1, "rouble|roubles|ruble|rubles")
_units("money:cny", 1, "yuan|renminbi")
_units("share", 0.01, "percent|per cent|pct|%|percentage")
_units("points", 1, "percentage points|percentage point|points|point|pts")
_units("times", 1, "times|fold|x")
_units("bp", 1, "bp|base pairs|base pair|basepairs|nucleotides|nt")
_units("bp", 1000, "kb|kbp|kilobases|kilobase")
_units("kda", 1, "kd|kda|kilodalton|kilodaltons")
_units("troops", 1, "troops|troop|forces|force|soldiers|soldier|personnel|servicemen|serviceman|"
                    "servicemembers|service members|military personnel|fighters")
_units("people", 1, "people|persons|person|individuals|individual|residents|citizens|inhabitants|civilians|"
                    "population")
_units("workers", 1, "workers|worker|employees|employee|staff|staffers")
_units("journalists", 1, "journalists|journalist|reporters|reporter|correspondents")
_units("deaths", 1, "deaths|death|dead|fatalities|fatality|death toll|toll|killed")
_units("casualties", 1, "casualties|casualty")
_units("refugees", 1, "refugees|refugee|displaced")
_units("ships", 1, "ships|ship|vessels|vessel|warships|warship")
_units("aircraft", 1, "aircraft|planes|plane|jets|jet|warplanes")
_units("btg", 1, "battalion tactical groups|battalion tactical group|btgs|btg|battalion groups|battalions|"
                 "battalion")
_units("members", 1, "members|member|member states")
_units("patients", 1, "patients|patient")
_units("participants", 1, "participants|participant|subjects|volunteers")
_units("votes", 1, "votes|vote|ballots")
_units("ppm", 1, "ppm")
COUNT_GROUPS = frozenset({"troops", "people", "workers", "journalists", "deaths", "casualties", "refugees",
                           "ships", "aircraft", "btg", "members", "patients", "participants", "votes"})
MODIFIERS = frozenset("""
more additional extra new other total active armed combat ground military russian ukrainian american
foreign regular reserve civilian confirmed registered estimated young adult elderly local international
national further full-time part-time u.s us eu nato western eastern northern southern front-line
""".split())
