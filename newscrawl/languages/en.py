"""English."""

from newscrawl.languages.words import Language

ENGLISH = Language(
    code="en",
    letters="A-Za-z",
    months={
        1: ("January", "Jan"),
        2: ("February", "Feb"),
        3: ("March", "Mar"),
        4: ("April", "Apr"),
        5: ("May",),
        6: ("June", "Jun"),
        7: ("July", "Jul"),
        8: ("August", "Aug"),
        9: ("September", "Sep", "Sept"),
        10: ("October", "Oct"),
        11: ("November", "Nov"),
        12: ("December", "Dec"),
    },
    day_words={"today": 0, "yesterday": 1},
    units={
        "second": "seconds",
        "sec": "seconds",
        "minute": "minutes",
        "min": "minutes",
        "hour": "hours",
        "day": "days",
        "week": "weeks",
    },
    number_words={"a": 1, "an": 1, "one": 1},
    ago_phrases=("{n} {unit} ago",),
    time_joiners=("at",),
    am=("am", "a.m."),
    pm=("pm", "p.m."),
    byline_markers=("By", "By:", "Reporting by"),
    name_joiners=("and", "&"),
    byline_for=("for",),
    name_particles=frozenset("of the and for on in de del della di da van von der den al el bin ibn la le du y".split()),
    sentence_starters=frozenset(
        "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
        "august september october november december this that then now today tomorrow yesterday early late "
        "noon midnight dawn contrast comparison law order".split()
    ),
    desk_names=frozenset(
        {
            "staff",
            "newsroom",
            "news desk",
            "web desk",
            "editorial board",
            "editorial staff",
            "editors",
            "the editors",
            "admin",
            "editor",
            "agencies",
        }
    ),
    placeholders=("Loading", "Please wait"),
)
