"""Skill extraction: symbol-aware boundaries, longest match, context rules, evidence spans, and
micro precision/recall on a hand-labelled set."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcore.skills import SkillEntry, SkillMatch, SkillTaxonomy

GOLD_PATH = Path(__file__).parent / "data" / "skills_gold.json"

# name, aliases, kind. requires_context comes from the same heuristic the fixture builder uses.
_TAXONOMY_ROWS: list[tuple[str, tuple[str, ...], str]] = [
    ("Python", ("Python3",), "technical"),
    ("Java", (), "technical"),
    ("JavaScript", ("JS", "ECMAScript"), "technical"),
    ("TypeScript", ("TS",), "technical"),
    ("C++", ("cpp",), "technical"),
    ("C#", ("C Sharp", "csharp"), "technical"),
    ("C", (), "technical"),
    ("R", (), "technical"),
    ("Go", ("Golang",), "technical"),
    ("Rust", (), "technical"),
    ("Swift", (), "technical"),
    ("Ruby", (), "technical"),
    ("Ruby on Rails", ("Rails", "RoR"), "technical"),
    ("PHP", (), "technical"),
    ("Kotlin", (), "technical"),
    ("Scala", (), "technical"),
    ("SQL", (), "technical"),
    ("SQL Server", ("MS SQL Server", "MSSQL", "Microsoft SQL Server"), "technical"),
    ("PostgreSQL", ("Postgres", "psql"), "technical"),
    ("MySQL", (), "technical"),
    ("MongoDB", ("Mongo",), "technical"),
    ("Redis", (), "technical"),
    ("Elasticsearch", ("Elastic Search", "ES"), "technical"),
    (".NET", ("dotnet", ".NET Framework"), "technical"),
    ("ASP.NET", ("ASP.NET Core", "ASP.NET MVC"), "technical"),
    ("Node.js", ("NodeJS", "Node"), "technical"),
    ("React", ("React.js", "ReactJS"), "technical"),
    ("Angular", ("AngularJS",), "technical"),
    ("Vue.js", ("Vue", "VueJS"), "technical"),
    ("Django", (), "technical"),
    ("Flask", (), "technical"),
    ("Spring Boot", (), "technical"),
    ("Docker", (), "technical"),
    ("Kubernetes", ("k8s",), "technical"),
    ("Terraform", (), "technical"),
    ("AWS", ("Amazon Web Services",), "technical"),
    ("Azure", ("Microsoft Azure",), "technical"),
    ("GCP", ("Google Cloud", "Google Cloud Platform"), "technical"),
    ("Linux", (), "technical"),
    ("Git", (), "technical"),
    ("CI/CD", ("CI / CD", "continuous integration"), "technical"),
    ("Jenkins", (), "technical"),
    ("Apache Spark", ("Spark", "PySpark"), "technical"),
    ("Apache Kafka", ("Kafka",), "technical"),
    ("Airflow", ("Apache Airflow",), "technical"),
    ("Machine Learning", ("ML",), "technical"),
    ("Deep Learning", ("DL",), "technical"),
    ("Natural Language Processing", ("NLP",), "technical"),
    ("TensorFlow", (), "technical"),
    ("PyTorch", (), "technical"),
    ("scikit-learn", ("sklearn",), "technical"),
    ("pandas", (), "technical"),
    ("NumPy", (), "technical"),
    ("A/B Testing", ("A/B tests", "split testing"), "technical"),
    ("Statistics", (), "technical"),
    ("Tableau", (), "technical"),
    ("Power BI", ("PowerBI",), "technical"),
    ("Excel", ("Microsoft Excel", "MS Excel"), "technical"),
    ("Word", ("Microsoft Word", "MS Word"), "technical"),
    ("Access", ("Microsoft Access", "MS Access"), "technical"),
    ("REST APIs", ("REST", "RESTful", "REST API"), "technical"),
    ("GraphQL", (), "technical"),
    ("HTML", ("HTML5",), "technical"),
    ("CSS", ("CSS3",), "technical"),
    ("Jira", ("Atlassian Jira",), "technical"),
    ("Outlook", ("Microsoft Outlook",), "tool"),
    ("Agile", (), "methodology"),
    ("Scrum", (), "methodology"),
    ("Communication", ("communication skills",), "soft"),
    ("Leadership", (), "soft"),
]


@pytest.fixture(scope="module")
def taxonomy() -> SkillTaxonomy:
    return SkillTaxonomy.from_entries(
        SkillEntry(
            name,
            aliases,
            kind=kind,
            requires_context=SkillTaxonomy.default_requires_context(name),
        )
        for name, aliases, kind in _TAXONOMY_ROWS
    )


def names(matches: tuple[SkillMatch, ...]) -> list[str]:
    return [m.name for m in matches]


def surfaces(text: str, matches: tuple[SkillMatch, ...]) -> dict[str, list[str]]:
    return {m.name: [text[s:e] for s, e in m.spans] for m in matches}


# --- boundaries and longest match -------------------------------------------------------------


def test_cpp_and_csharp_match_with_and_without_version_numbers(taxonomy):
    text = "C++, C++17 and C++11 code; C# and C#10."
    assert surfaces(text, taxonomy.extract(text)) == {
        "C++": ["C++", "C++", "C++"],
        "C#": ["C#", "C#"],
    }


def test_go_does_not_match_inside_good_google_or_a_file_name(taxonomy):
    text = "Skills: good, Google, main.go, Gopher, Go2"
    assert "Go" not in names(taxonomy.extract(text))


def test_r_does_not_match_in_r_and_d_even_in_a_list(taxonomy):
    text = "Areas: R&D, QA, Support"
    assert "R" not in names(taxonomy.extract(text))


def test_java_does_not_match_inside_javascript(taxonomy):
    text = "Built the UI in JavaScript."
    assert names(taxonomy.extract(text)) == ["JavaScript"]


def test_aspnet_wins_over_dotnet_and_is_not_counted_twice(taxonomy):
    text = "ASP.NET Core services"
    assert surfaces(text, taxonomy.extract(text)) == {"ASP.NET": ["ASP.NET Core"]}


def test_dotnet_inside_another_dotted_name_counts_as_dotnet(taxonomy):
    text = "Maintained VB.NET and ADO.NET code."
    assert surfaces(text, taxonomy.extract(text)) == {".NET": [".NET", ".NET"]}


def test_node_alias_does_not_match_the_start_of_node_js(taxonomy):
    text = "Node.js, NodeJS and plain Node."
    assert surfaces(text, taxonomy.extract(text)) == {"Node.js": ["Node.js", "NodeJS", "Node"]}


def test_sql_server_is_one_skill_not_also_sql(taxonomy):
    text = "Tuned SQL Server indexes."
    assert names(taxonomy.extract(text)) == ["SQL Server"]


def test_multi_word_names_match_across_hyphens_and_line_breaks(taxonomy):
    text = "Machine-Learning and machine\nlearning and MACHINE  LEARNING"
    (match,) = taxonomy.extract(text)
    assert match.name == "Machine Learning"
    assert len(match.spans) == 3


def test_slash_names_match_whole(taxonomy):
    text = "Owned CI/CD and A/B testing."
    assert names(taxonomy.extract(text)) == ["CI/CD", "A/B Testing"]


def test_matching_ignores_case(taxonomy):
    text = "POSTGRES, postgresql, PostgreSQL"
    assert surfaces(text, taxonomy.extract(text)) == {
        "PostgreSQL": ["POSTGRES", "postgresql", "PostgreSQL"]
    }


def test_letters_whose_lower_case_is_longer_do_not_shift_spans(taxonomy):
    text = "İstanbul office: Python and Django"
    assert surfaces(text, taxonomy.extract(text)) == {"Python": ["Python"], "Django": ["Django"]}


# --- context rules ----------------------------------------------------------------------------


def test_default_requires_context_flags_short_names_and_common_words():
    flag = SkillTaxonomy.default_requires_context
    assert all(flag(n) for n in ["R", "C", "Go", "ML", "Swift", "Rust", "Spark", "Access", "Word"])
    assert not any(flag(n) for n in ["C#", "C++", ".NET", "Python", "Excel", "Golang", "Java"])


def test_ambiguous_name_in_prose_does_not_count(taxonomy):
    text = "We go the extra mile and react fast; access to the word processor was limited."
    assert names(taxonomy.extract(text)) == []


def test_ambiguous_name_counts_inside_a_given_skills_section(taxonomy):
    text = "Languages: Go and Swift\n\nI go hiking."
    section = (0, text.index("\n"))
    matches = taxonomy.extract(text, contexts=[section])
    assert surfaces(text, matches) == {"Go": ["Go"], "Swift": ["Swift"]}


def test_ambiguous_name_counts_on_a_list_like_line(taxonomy):
    text = "Tools • Go • Rust • Docker"
    assert names(taxonomy.extract(text)) == ["Go", "Rust", "Docker"]


def test_ambiguous_name_counts_next_to_an_unambiguous_skill(taxonomy):
    text = "Wrote firmware in C/C++ and analyses in Python and R."
    assert names(taxonomy.extract(text)) == ["C", "C++", "Python", "R"]


def test_two_ambiguous_names_joined_by_and_do_not_vouch_for_each_other(taxonomy):
    text = "Let's go and react to what users say."
    assert names(taxonomy.extract(text)) == []


def test_short_upper_case_aliases_match_case_sensitively_and_need_no_context(taxonomy):
    text = "Three years of ML work in JS. Also: html, ml, js, es6"
    assert surfaces(text, taxonomy.extract(text)) == {
        "Machine Learning": ["ML"],
        "JavaScript": ["JS"],
        "HTML": ["html"],
    }


def test_an_ambiguous_alias_needs_context_though_its_canonical_name_does_not(taxonomy):
    assert names(taxonomy.extract("A spark of genius on Apache Spark.")) == ["Apache Spark"]
    text = "Spark, Kafka, Airflow"
    assert surfaces(text, taxonomy.extract(text))["Apache Spark"] == ["Spark"]


def test_unambiguous_alias_of_an_ambiguous_skill_counts_anywhere(taxonomy):
    text = "Our services are written in Golang."
    assert surfaces(text, taxonomy.extract(text)) == {"Go": ["Golang"]}


def test_a_capitalised_product_word_counts_only_with_its_capital(taxonomy):
    section = "Skills: access, word, outlook, go\n"
    text = section + "Skills: Access, Word, Outlook, Go"
    matches = taxonomy.extract(text, contexts=[(0, len(text))])
    assert surfaces(text, matches) == {
        "Access": ["Access"],
        "Word": ["Word"],
        "Outlook": ["Outlook"],
        "Go": ["Go"],
    }


def test_a_common_word_name_that_needs_no_context_still_counts_only_with_its_capital():
    taxonomy = SkillTaxonomy.from_entries([SkillEntry("React", requires_context=False)])
    text = "We react quickly to incidents. Rebuilt the dashboard in React last year."
    assert surfaces(text, taxonomy.extract(text)) == {"React": ["React"]}


def test_a_product_word_with_capitals_inside_counts_only_as_written():
    taxonomy = SkillTaxonomy.from_entries(
        [SkillEntry("SOLiD", requires_context=True), SkillEntry("FAST", requires_context=True)]
    )
    text = "Tools: solid, fast, Solid, Fast, SOLiD, FAST"
    matches = taxonomy.extract(text, contexts=[(0, len(text))])
    assert surfaces(text, matches) == {"SOLiD": ["SOLiD"], "FAST": ["FAST"]}


def test_an_ambiguous_activity_named_by_a_gerund_counts_in_lower_case_in_context():
    taxonomy = SkillTaxonomy.from_entries([SkillEntry("Networking", requires_context=True)])
    text = "Skills: networking, sales"
    assert names(taxonomy.extract(text, contexts=[(0, len(text))])) == ["Networking"]


def test_an_ambiguous_name_vouched_for_by_its_neighbour_vouches_for_the_next(taxonomy):
    text = "Wrote the monthly reports for the board in Python, Word and Outlook."
    assert names(taxonomy.extract(text)) == ["Python", "Word", "Outlook"]


def test_a_serial_comma_before_and_still_joins_neighbours(taxonomy):
    text = "I ran the analyses for the finance team in Python, SQL, and R every quarter."
    assert names(taxonomy.extract(text)) == ["Python", "SQL", "R"]


def test_lines_glued_together_by_a_flattened_posting_still_split_into_words(taxonomy):
    text = (
        "Excellent communication skills.Ability to build in Python and MySQLFamiliarity with "
        "Docker and Microsoft OutlookMust have a degreeStrong Kubernetes background"
    )
    assert names(taxonomy.extract(text)) == [
        "Communication",
        "Python",
        "MySQL",
        "Docker",
        "Outlook",
        "Kubernetes",
    ]


def test_a_short_name_glued_to_a_capitalised_word_is_still_not_matched(taxonomy):
    # "Java" in "JavaBeans" and "Go" in "GoLand" end before a capital, but four letters at
    # least must come before a glued boundary and two-letter names are never split off
    assert "Go" not in names(taxonomy.extract("Skills: GoLand, Docker, Git"))
    assert names(taxonomy.extract("Built the UI in JavaScript.")) == ["JavaScript"]


def test_names_that_begin_or_end_inside_one_another_are_each_found_whole():
    taxonomy = SkillTaxonomy.from_entries(
        SkillEntry(name)
        for name in [
            "Excel",
            "Excel VBA",
            "Excel Services",
            "ExcelTrans",
            "SQL",
            "SQL Server",
            "SQL Server Reporting Services",
            "Server Administration",
        ]
    )
    text = (
        "Excel; Excel VBA; Excel Services; ExcelTrans; Excel Ser; SQL Server Reporting "
        "Services; SQL Server Reporting; SQL Serve; server administration"
    )
    found = [(m.name, text[s:e]) for m in taxonomy.extract(text) for s, e in m.spans]
    assert sorted(found) == sorted(
        [
            ("Excel", "Excel"),
            ("Excel", "Excel"),
            ("Excel VBA", "Excel VBA"),
            ("Excel Services", "Excel Services"),
            ("ExcelTrans", "ExcelTrans"),
            ("SQL Server Reporting Services", "SQL Server Reporting Services"),
            ("SQL Server", "SQL Server"),
            ("SQL", "SQL"),
            ("Server Administration", "server administration"),
        ]
    )


# --- output shape -----------------------------------------------------------------------------


def test_spans_point_at_the_matched_text_and_results_follow_first_occurrence(taxonomy):
    text = "Docker first. Then Python, k8s and more Docker."
    matches = taxonomy.extract(text)
    assert names(matches) == ["Docker", "Python", "Kubernetes"]
    assert surfaces(text, matches) == {
        "Docker": ["Docker", "Docker"],
        "Python": ["Python"],
        "Kubernetes": ["k8s"],
    }
    assert matches[0].kind == "technical"


def test_extraction_is_deterministic(taxonomy):
    text = GOLD_PATH.read_text(encoding="utf-8")
    assert taxonomy.extract(text) == taxonomy.extract(text)


def test_empty_text_and_empty_taxonomy_give_no_skills(taxonomy):
    assert taxonomy.extract("") == ()
    assert SkillTaxonomy.from_entries([]).extract("Python") == ()


def test_canonical_resolves_aliases_in_any_case(taxonomy):
    assert taxonomy.canonical("K8S") == "Kubernetes"
    assert taxonomy.canonical("golang") == "Go"
    assert taxonomy.canonical("COBOL") is None
    assert taxonomy.canonicalize(["postgres", "PostgreSQL", "COBOL"]) == ("PostgreSQL", "COBOL")


def test_entry_aliases_are_stripped_tuples_and_a_bare_string_is_refused():
    assert SkillEntry(" Python ", ["py3 ", " "]).aliases == ("py3",)
    with pytest.raises(TypeError):
        SkillEntry("Python", "py3")
    with pytest.raises(ValueError):
        SkillEntry("  ")


def test_duplicate_canonical_names_are_refused():
    with pytest.raises(ValueError, match="same name"):
        SkillTaxonomy.from_entries([SkillEntry("Python"), SkillEntry("python")])


def test_an_alias_claimed_twice_keeps_the_first_owner_and_is_reported():
    taxonomy = SkillTaxonomy.from_entries(
        [SkillEntry("Machine Learning", ("ML",)), SkillEntry("Markup Language", ("ML",))]
    )
    assert taxonomy.canonical("ML") == "Machine Learning"
    assert len(taxonomy.conflicts) == 1


_PIECES = [
    "Python",
    "python3",
    "C++17",
    "C#",
    ".NET",
    "ASP.NET",
    "VB.NET",
    "Node.js",
    "node",
    "Go",
    "good",
    "R",
    "R&D",
    "JS",
    "js",
    "ML",
    "SQL Server",
    "SQL",
    "Java",
    "JavaScript",
    "k8s",
    "A/B testing",
    "CI/CD",
    "machine",
    "learning",
    "Spark",
    "spring",
    "word",
    "Word",
    "İ",
    "é",
    "e.g.",
    "main.go",
    "and",
    "or",
    "with",
    "we",
]
_GLUE = [" ", ", ", "/", " | ", "\n", "\n- ", ". ", "-", "", "&", "(", ")"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_GLUE)), max_size=25))
def test_spans_are_in_bounds_disjoint_ordered_and_spell_their_skill(taxonomy, pieces):
    text = "".join(piece + glue for piece, glue in pieces)
    matches = taxonomy.extract(text)
    spans = sorted(span for m in matches for span in m.spans)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start  # no overlap, no double counting
    for match in matches:
        assert list(match.spans) == sorted(match.spans)
        for start, end in match.spans:
            assert 0 <= start < end <= len(text)
            assert taxonomy.canonical(text[start:end]) == match.name
    firsts = [m.spans[0][0] for m in matches]
    assert firsts == sorted(firsts)
    assert len({m.name for m in matches}) == len(matches)


# --- hand-labelled set ------------------------------------------------------------------------


def test_micro_precision_and_recall_on_the_gold_set_are_at_least_0_9(taxonomy):
    gold = json.loads(GOLD_PATH.read_text(encoding="utf-8"))["snippets"]
    assert len(gold) >= 25
    known = {name for name, _, _ in _TAXONOMY_ROWS}
    true_pos = false_pos = false_neg = 0
    errors = []
    for snippet in gold:
        text = snippet["text"]
        expected = set(snippet["expected"])
        assert expected <= known, f"{snippet['id']}: labels outside the taxonomy"
        contexts = []
        if "context" in snippet:
            start = text.index(snippet["context"])
            contexts.append((start, start + len(snippet["context"])))
        found = set(names(taxonomy.extract(text, contexts=contexts)))
        true_pos += len(found & expected)
        false_pos += len(found - expected)
        false_neg += len(expected - found)
        if found != expected:
            errors.append(
                f"  {snippet['id']}: extra {sorted(found - expected)}, "
                f"missed {sorted(expected - found)}"
            )
    precision = true_pos / (true_pos + false_pos)
    recall = true_pos / (true_pos + false_neg)
    print(
        f"\nskills gold set: {len(gold)} snippets, micro precision {precision:.3f}, "
        f"recall {recall:.3f} (tp={true_pos}, fp={false_pos}, fn={false_neg})"
    )
    print("\n".join(errors))
    assert precision >= 0.9
    assert recall >= 0.9
