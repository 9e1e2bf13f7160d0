"""Text helpers, bylines and language detection (words from newscrawl.languages)."""

import pytest
from parsel import Selector

from newscrawl.bylines import author_names, split_byline
from newscrawl.languages.el import GREEK
from newscrawl.languages.en import ENGLISH
from newscrawl.text import (
    MOJIBAKE_HINTS,
    clean_text,
    detect_language,
    element_set,
    lead_characters,
    paragraphs,
    repair_mojibake,
)


def test_clean_text_collapses_whitespace_and_drops_invisible_characters() -> None:
    assert clean_text("  Hello\u00a0\n\t world\u200b \ufeff") == "Hello world"
    assert clean_text("Κυ\u0301προς") == "Κύπρος"  # NFC
    assert clean_text(" \n ") is None
    assert clean_text(None) is None


def test_paragraphs_skip_boilerplate_scripts_and_figures() -> None:
    html = """<div class="c">
      <p>First <b>para</b>graph.</p>
      <div class="td-a-rec"><a class="td_spot_img_all"><img alt="spot_img"></a> Ad text</div>
      <script>var x = "no";</script><style>.a{}</style>
      <figure><img src="a.jpg"><figcaption>Caption</figcaption></figure>
      <h2>A heading</h2>
      <ul><li>One</li><li>Two<br>lines</li></ul>
      Loose text
      <blockquote><p>Quoted</p></blockquote>
      <p>   </p>
    </div>"""
    container = Selector(text=html).css("div.c")[0]
    excluded = element_set(s.root for s in container.css(".td-a-rec"))
    assert paragraphs(container.root, excluded) == [
        "First paragraph.",
        "A heading",
        "One",
        "Two lines",
        "Loose text",
        "Quoted",
    ]


@pytest.mark.parametrize(
    ("paragraph", "authors", "rest"),
    [
        ("By NPR,", ["NPR"], ""),
        ("By The Associated Press, Athens", ["The Associated Press"], "Athens"),
        (
            "By NPR, Israel Prime Minister Benjamin Netanyahu is due to meet",
            ["NPR"],
            "Israel Prime Minister Benjamin Netanyahu is due to meet",
        ),
        (
            "By Defence Industry Europe, President Recep Tayyip Erdogan has",
            ["Defence Industry Europe"],
            "President Recep Tayyip Erdogan has",
        ),
        ("By: Shai Feldman, National Interest,", ["Shai Feldman"], ""),
        ("By: Shai Feldman, National Interest, For the first time", ["Shai Feldman"], "For the first time"),
        ("by Khaled Abu Toameh, Gatestone Institute, There are also", ["Khaled Abu Toameh"], "There are also"),
        ("By: Dr. Shuki Friedman, The Jewish People Policy Institute, A real", ["Dr. Shuki Friedman"], "A real"),
        ("Του Κωστή Μπακογιάννη", ["Κωστή Μπακογιάννη"], ""),
        ("Του Κωστή Μπακογιάννη Η ‘Διακήρυξη των 91’’ όπως", ["Κωστή Μπακογιάννη"], "Η ‘Διακήρυξη των 91’’ όπως"),
        ("Της Μαρίας Παπαδάκη Στην Αθήνα χθες", ["Μαρίας Παπαδάκη"], "Στην Αθήνα χθες"),
        ("Των Γιώργου Αλεξίου και Νίκου Σταύρου", ["Γιώργου Αλεξίου", "Νίκου Σταύρου"], ""),
        # Capitals of any alphabet, not only of the languages listed: a third language adds only words.
        ("By Émile Zola, Reuters, The text", ["Émile Zola"], "The text"),
        ("By Łukasz Żuk, Ørsted Ärzte Zeitung, In Gdańsk", ["Łukasz Żuk"], "In Gdańsk"),
        ("By Ivan Ž. Petrović,", ["Ivan Ž. Petrović"], ""),
        ("Του Ἀλεξάνδρου Παπαδιαμάντη Η Φόνισσα", ["Ἀλεξάνδρου Παπαδιαμάντη"], "Η Φόνισσα"),
    ],
)
def test_bylines(paragraph: str, authors: list[str], rest: str) -> None:
    assert split_byline(paragraph) == (authors, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "By the end of the week, prices rose",
        "By Monday, Athens will respond",
        "Του πρωθυπουργού η δήλωση",
        "Turkey will not turn back",
        "Βy",
    ],
)
def test_sentences_are_not_bylines(paragraph: str) -> None:
    assert split_byline(paragraph) is None


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Του Ἀλεξάνδρου Παπαδιαμάντη", ["Ἀλεξάνδρου Παπαδιαμάντη"]),
        ("Του πρωθυπουργού", ["Του πρωθυπουργού"]),  # a genitive article opens a byline only before a capital
        ("By Émile Zola and Çağla Öztürk", ["Émile Zola", "Çağla Öztürk"]),
    ],
)
def test_byline_markers_go_from_author_names(byline: str, names: list[str]) -> None:
    assert author_names(byline) == names


def test_language_from_the_alphabet() -> None:
    assert detect_language("Turkey says it will not turn back from Russian S-400s") == "en"
    assert detect_language("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την ΕΕ") == "el"
    assert detect_language("1234 !!") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("αβγ abc", "el"),  # as many Greek letters as Latin ones: the first language listed
        ("αβγ abcd", "en"),  # one Latin letter more
        ("αβγδ abc", "el"),
        # an English article quoting Greek names is English; a Greek one full of acronyms is Greek
        ("The Μητσοτάκης government said on Monday that talks with Ankara would resume", "en"),
        ("Η NATO και η EU ζήτησαν από την Άγκυρα να σεβαστεί το διεθνές δίκαιο", "el"),
    ],
)
def test_language_is_the_majority_alphabet_ties_going_to_greek(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_walk_of_deeply_nested_elements_needs_no_recursion() -> None:
    depth = 900  # 1,800 levels: past Python's recursion limit, within what libxml2 builds (2,048)
    html = "<div class='c'>" + "<div><span>" * depth + "<p>Deep text</p>" + "</span></div>" * depth + "<p>After</p></div>"
    container = Selector(text=html).css("div.c")[0]
    assert paragraphs(container.root, element_set([])) == ["Deep text", "After"]


def _double_encoded(text: str) -> str:
    """*text*'s UTF-8 bytes read as Windows-1252 (its undefined bytes kept as C1 controls)."""
    return "".join(bytes([b]).decode("cp1252", "ignore") or chr(b) for b in text.encode("utf-8"))


def test_each_language_brings_the_mojibake_hints_of_its_letters() -> None:
    assert lead_characters(GREEK.letters) == "ÍÎÏá"  # Ελ… read as cp1252 is Î•Î»…, polytonic ἀ is á¼€
    assert lead_characters(ENGLISH.letters) == ""  # ASCII is the same in both
    assert lead_characters("\u0400-\u04ff") == "ÐÑÒÓ"
    assert MOJIBAKE_HINTS == "âÂÃÍÎÏá"
    # Double-encoded Russian: none of the listed languages has its letters, so it is not looked at; a
    # language module with Cyrillic letters would add their lead bytes to the hints, and it is repaired.
    russian = _double_encoded("Привет мир")
    assert russian == "ÐŸÑ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€"
    assert repair_mojibake(russian) == (russian, 0)
    assert repair_mojibake(russian, MOJIBAKE_HINTS + lead_characters("\u0400-\u04ff")) == ("Привет мир", 2)
    polytonic = _double_encoded("ἀ ῆ ῶ")  # Greek's other block: lead byte á, not Î or Ï
    assert polytonic == "á¼€ á¿† á¿¶"
    assert repair_mojibake(polytonic) == ("ἀ ῆ ῶ", 3)
