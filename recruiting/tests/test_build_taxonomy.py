"""The taxonomy builder (scripts/build_taxonomy.py): realigning ESCO's synonyms, cleaning O*NET's
product names, deciding which names need context, and what the committed fixture holds of its
sources."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from mlcore.skills import normalize_skill_name

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
ONET = SHARED_DATA / "onet_29_2_skills_occupations"
ESCO = SHARED_DATA / "esco_skills_subset"
VOCABULARY = frozenset(
    {"asset", "dental", "depreciation", "easy", "enterprise", "fast", "fixed", "presentation"}
    | {"studio", "visual"}
)


@pytest.fixture(scope="module")
def bt():
    spec = importlib.util.spec_from_file_location(
        "build_taxonomy", REPO_ROOT / "scripts" / "build_taxonomy.py"
    )
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the script is executed
    sys.modules["build_taxonomy"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("build_taxonomy", None)


def surfaces() -> dict[str, str]:
    rows = json.loads((REPO_ROOT / "fixtures" / "skills.json").read_text(encoding="utf-8"))
    return {
        normalize_skill_name(s): row["fields"]["name"]
        for row in rows
        for s in (row["fields"]["name"], *row["fields"]["aliases"])
    }


def need(folder: Path) -> None:
    if not folder.is_dir():
        pytest.skip(f"shared data folder missing: {folder}")


# -- ESCO ----------------------------------------------------------------------------------------
def test_a_synonym_group_goes_to_the_preferred_label_it_holds_not_to_its_row(bt):
    prefs = ["show initiative", "manage budgets", "apply credit risk policy"]
    groups = [
        ["manage budgets", "administer budgets", "control budgets"],
        ["apply credit risk policy", "implement credit risk policy"],
        ["take the initiative", "show sense of initiative"],
    ]

    # the third group names no preferred label: it goes to the closest unclaimed one
    assert bt.realign_esco(prefs, groups) == {0: 1, 1: 2, 2: 0}


def test_a_group_too_far_from_every_unclaimed_label_stays_unassigned(bt):
    prefs = ["show initiative", "operate forklift"]
    groups = [["operate forklifts", "drive a forklift"], ["bake bread", "make dough"]]

    assert bt.realign_esco(prefs, groups) == {0: 1}


def test_synonyms_opening_with_a_light_verb_or_a_single_word_are_not_used(bt):
    assert bt.usable_esco_alias("administer budgets", "manage budgets")
    assert not bt.usable_esco_alias("be responsible", "assume responsibility")
    assert not bt.usable_esco_alias("budgets", "manage budgets")
    assert not bt.usable_esco_alias("knowledge of budgets", "manage budgets")


# -- O*NET ---------------------------------------------------------------------------------------
def test_a_vendor_prefix_is_dropped_only_when_the_product_name_stands_alone(bt):
    examples = [
        "Henry Schein Dentrix",
        "Henry Schein Easy Dental",
        "Kea Software impDAT",
        "Neurobehavioral Systems Presentation",
        "Sage 100 Contractor",
    ]
    vendors = bt.learn_vendors(examples, VOCABULARY)

    def clean(example):
        cleaned = bt.clean_onet_name(example, vendors, VOCABULARY)
        return cleaned.name, cleaned.aliases

    assert clean("Henry Schein Dentrix") == ("Dentrix", ("Henry Schein Dentrix",))
    assert clean("Henry Schein Easy Dental") == ("Henry Schein Easy Dental", ())
    assert clean("Kea Software impDAT") == ("impDAT", ("Kea Software impDAT",))
    assert clean("Neurobehavioral Systems Presentation")[0] == (
        "Neurobehavioral Systems Presentation"
    )
    assert clean("Sage 100 Contractor")[0] == "Sage 100 Contractor"
    assert clean("Apple iWork")[0] == "iWork"


def test_a_product_line_made_of_plain_words_is_not_taken_for_a_vendor(bt):
    vendors = bt.learn_vendors(
        ["Microsoft Visual Basic", "Microsoft Visual Studio", "Henry Schein Dentrix"], VOCABULARY
    )

    assert ["Microsoft", "Visual"] not in vendors
    assert ["Microsoft"] in vendors


def test_a_software_category_becomes_the_activity_it_names(bt):
    cleaned = bt.clean_onet_name("Inventory tracking software", [], VOCABULARY)

    assert (cleaned.name, cleaned.aliases) == (
        "Inventory Tracking",
        ("Inventory tracking software",),
    )
    assert not bt.is_generic(["Apple", "iWork"])


def test_a_long_form_followed_by_its_acronym_offers_the_acronym(bt):
    cleaned = bt.clean_onet_name(
        "Production Flow Analysis and Simplification Toolkit PFAST", [], VOCABULARY
    )

    assert (cleaned.name, cleaned.acronym) == (
        "Production Flow Analysis and Simplification Toolkit",
        "PFAST",
    )


def test_a_product_named_by_one_plain_word_needs_context_a_skill_named_by_one_does_not(bt):
    def ambiguous(name, product):
        return bt.ambiguous_name(name, product=product, vocabulary=VOCABULARY)

    assert ambiguous("Presentation", product=True)
    assert ambiguous("FAST", product=True)
    assert not ambiguous("Dentrix", product=True)
    assert not ambiguous("Presentation Design", product=True)
    assert not ambiguous("Presentation", product=False)
    assert ambiguous("R", product=False)
    assert ambiguous("Excel", product=False)  # a hand-listed common word


# -- what the committed fixture holds of its sources ---------------------------------------------
@pytest.mark.shared_data
def test_esco_alt_labels_in_this_extract_mostly_belong_to_another_row():
    need(ESCO)
    with (ESCO / "skills_en.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    own = sum(
        r["preferredLabel"].casefold() in {a.strip().casefold() for a in r["altLabels"].split("\n")}
        for r in rows
    )

    assert len(rows) == 4199 and own < 50


@pytest.mark.shared_data
def test_every_onet_example_but_those_dropped_by_hand_is_a_name_or_alias(bt):
    need(ONET)
    with (ONET / "Technology Skills.txt").open(encoding="utf-8", newline="") as fh:
        examples = {" ".join(r["Example"].split()) for r in csv.DictReader(fh, delimiter="\t")}
    known = surfaces()

    missing = sorted(
        e for e in examples if e not in bt.ONET_DROP and normalize_skill_name(e) not in known
    )

    assert len(examples) == 8768
    assert missing == []


@pytest.mark.shared_data
def test_every_esco_skill_but_languages_and_those_dropped_by_hand_is_a_name_or_alias(bt):
    need(ESCO)
    with (ESCO / "skills_en.csv").open(encoding="utf-8", newline="") as fh:
        labels = [" ".join(r["preferredLabel"].split()) for r in csv.DictReader(fh)]
    known = surfaces()

    missing = [
        label
        for label in labels
        if normalize_skill_name(label) not in known
        and label not in bt.ESCO_DROP
        and not bt.ESCO_LANGUAGE_PATTERN.match(label)
        and label.lower() not in bt.COMMON_WORDS
    ]

    assert missing == []
