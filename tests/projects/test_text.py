"""Structured text keeps the report's bullet structure through every round trip."""

from projects.text import blocks_to_text, normalise, parse_blocks, plain_lines

SAMPLE = """În primele două etape derulate s-au elaborat:
- agenda strategică de cercetare-dezvoltare și inovare;
- planul de implementare:
  - un Studiu de piață pentru produse noi;
  - 21 rapoarte de audit specifice pentru membrii clusterului;
    - competence mapping
- o bancă de date cu serviciile și oferta membrilor clusterului;
Au fost atrași 3 membri în clusterul TREC;"""


def test_paragraphs_and_nested_bullets():
    blocks = [b.as_dict() for b in parse_blocks(SAMPLE)]
    assert blocks[0] == {"type": "paragraph",
                         "text": "În primele două etape derulate s-au elaborat:"}
    items = blocks[1]["items"]
    assert [i["text"] for i in items] == [
        "agenda strategică de cercetare-dezvoltare și inovare;",
        "planul de implementare:",
        "o bancă de date cu serviciile și oferta membrilor clusterului;",
    ]
    assert [c["text"] for c in items[1]["children"]] == [
        "un Studiu de piață pentru produse noi;",
        "21 rapoarte de audit specifice pentru membrii clusterului;",
    ]
    assert items[1]["children"][1]["children"][0]["text"] == "competence mapping"
    assert blocks[2] == {"type": "paragraph", "text": "Au fost atrași 3 membri în clusterul TREC;"}


def test_round_trip_is_lossless():
    assert blocks_to_text(parse_blocks(SAMPLE)) == SAMPLE
    as_dicts = [b.as_dict() for b in parse_blocks(SAMPLE)]
    assert blocks_to_text(as_dicts) == SAMPLE


def test_a_bullet_cannot_skip_levels():
    blocks = parse_blocks("- a\n      - deep")
    assert blocks[0].items[0].children[0].text == "deep"


def test_normalise_pasted_text():
    pasted = "Rezultate:\r\n•\tprimul rezultat  \r\n\r\n\r\n* al doilea\r\nţintă şi ştiinţă"
    assert normalise(pasted) == (
        "Rezultate:\n- primul rezultat\n\n- al doilea\nțintă și știință"
    )


def test_numbered_lines_stay_paragraphs():
    blocks = parse_blocks("1. Prima etapă\n2) A doua etapă")
    assert [b.kind for b in blocks] == ["paragraph", "paragraph"]
    assert blocks[0].text == "1. Prima etapă"


def test_plain_lines_for_flat_outputs():
    assert plain_lines("Titlu\n- a\n  - b") == [(-1, "Titlu"), (0, "a"), (1, "b")]


def test_empty_text():
    assert parse_blocks("") == []
    assert normalise("  \n\n ") == ""
