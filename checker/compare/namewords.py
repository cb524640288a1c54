"""Word lists the name check reads (and the date check, for the people around a date): the
alias table (U.S./Washington/American, Russia/Moscow/Kremlin, ...), job titles, words that are
not names, and the spelling tests for acronyms and transliterations."""

from __future__ import annotations

ALIAS_GROUPS = {
    "us": "us|usa|united states|united states of america|america|american|americans|washington",
    "russia": "russia|russian|russians|moscow|kremlin|russian federation",
    "ukraine": "ukraine|ukrainian|ukrainians|kyiv|kiev",
    "nato": "nato|north atlantic treaty organization|north atlantic treaty organisation|north atlantic alliance",
    "uk": "uk|united kingdom|britain|great britain|british|london",
    "eu": "eu|european union",
    "osce": "osce|organization for security and co-operation in europe|organization for security and "
            "cooperation in europe|organisation for security and co-operation in europe",
    "un": "un|united nations",
    "china": "china|chinese|beijing",
    "germany": "germany|german|germans|berlin",
    "france": "france|french|paris",
    "belarus": "belarus|belarusian|minsk",
    "poland": "poland|polish|warsaw",
    "japan": "japan|japanese|tokyo",
    "north korea": "north korea|north korean|pyongyang|dprk",
    "south korea": "south korea|south korean|seoul",
    "crimea": "crimea|crimean",
    "donbas": "donbas|donbass",
    "odesa": "odesa|odessa",
    "kharkiv": "kharkiv|kharkov",
    "zelensky": "zelensky|zelenskiy|zelenskyy|zelenskyi|zelenskij",
    "fed": "fed|federal reserve",
    "pentagon": "pentagon|department of defense|defense department|dod",
    "state department": "state department|department of state",
    "twitter": "twitter|tweet|tweeted|tweets",
    "white house": "white house",
    "who": "who|world health organization|world health organisation",
}
ALIAS: dict[str, str] = {}
for _group, _members in ALIAS_GROUPS.items():
    for _member in _members.split("|"):
        ALIAS[_member.replace("-", " ")] = _group
ALIAS_STARTS: dict[str, list[tuple[str, ...]]] = {}
for _member in sorted(ALIAS, key=lambda m: -len(m.split())):
    if " " in _member:
        ALIAS_STARTS.setdefault(_member.split()[0], []).append(tuple(_member.split()))
LOWERCASE_ALIASES = frozenset({"tweet", "tweeted", "tweets"})  # lower-case words that mention a name
# countries and capitals: as context they say little about which event is meant
PLACES = frozenset(ALIAS_GROUPS) - {"zelensky", "twitter", "fed", "who", "white house", "pentagon",
                                      "state department", "nato", "osce", "eu", "un"}

TITLE_WORDS = frozenset("""
president presidents secretary secretary-general minister ministers ambassador chancellor spokesman
spokeswoman spokesperson chairman chairwoman chair senator sen governor mayor general gen lt lieutenant
colonel admiral commander director envoy mr mrs ms dr sir dame lord king queen prince princess pope
deputy vice prime foreign defence defense interior finance assistant under chief press acting former
first justice adviser advisor head leader premier
""".split())
TITLE_HEADS = frozenset("""
president presidents secretary secretary-general minister ministers ambassador chancellor spokesman
spokeswoman spokesperson chairman chairwoman senator sen governor mayor general gen lt admiral commander
director envoy mr mrs ms dr sir king queen pope justice premier
""".split())
NOT_NAMES = frozenset("""
i a an the he she it we they you his her its our their this that these those there here in on at by for
of to from with after before as but and or if when while since until during although though however
monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow asked speaking neither
both earlier later meanwhile also still yet then so thus hence therefore now instead despite according
western eastern northern southern european god
""".split())
GENERIC_ORG = frozenset("""
ministry department council government embassy mission army navy parliament senate court cabinet staff
service agency commission committee office news times post house session meeting summit talks
university institute center centre bank union federation republic forum fund board bureau association
society league assembly
""".split())
ORG_HEADS = frozenset("""
organization organisation department ministry council bank university institute office commission
committee agency union federation republic court league association forum fund centers centre center
school college society assembly states
""".split())
CONNECTORS = frozenset({"of", "for", "and", "in", "the", "on", "de", "du", "von", "van", "al"})
COMMON_STARTERS = frozenset("""
three two four five six seven eight nine ten one some many most several few more less other almost nearly
about around over under half tens dozens hundreds thousands millions fewer up at officials reports report
sources critics analysts experts observers police troops forces prices sales inflation unemployment
turnout elections talks parliament consumer earlier later last next this no not only there here what
why how who where when whether western eastern northern southern
""".split())
NAME_FOLLOWERS = frozenset("""
said says told tells spoke speaks talked met meets wrote writes insisted warned argued announced added
noted stressed urged called accused denied denies confirmed responded replied answered tweeted visited
arrived discussed signed won defeated beat rejected accepted agreed declined repeated predicted promised
threatened welcomed criticised criticized
""".split())


def is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and letters[:2].isupper() and letters.isalnum() and (
        letters.isupper() or letters[:-1].isupper())


def fuzzy_same(a: str, b: str) -> bool:
    """Transliterations and demonyms: Zelensky/Zelenskiy, Sergei/Sergey, Tonga/Tongan."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 3:
        return False
    shorter, longer = sorted((a, b), key=len)
    if longer.startswith(shorter) and len(shorter) >= 5:
        return True
    return len(a) >= 6 and len(b) >= 6 and a[:5] == b[:5] and abs(len(a) - len(b)) <= 2
