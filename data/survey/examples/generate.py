#!/usr/bin/env python3
"""Writes the example survey-tool exports of data/survey/examples/ from one table of invented answers.

Not copied from any tool or study: twelve made-up respondents in knowledge-base localities,
rendered as a Qualtrics CSV export (three header rows, choice texts), a LimeSurvey CSV export
(question codes, answer codes) and a KoboToolbox CSV export (';' separator, group paths, XML
values). expected.csv holds the same answers in mlgov's own wide layout: importing any of the three
exports with its mapping must give exactly those answers (tested in crates/mlgov-survey and
crates/mlgov-cli). Run: python3 data/survey/examples/generate.py
"""
import csv
import io
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

ACTORS = ["pro_migrant_groups", "trade_unions", "regional_government", "national_government"]
ACTOR_LABELS = ["Pro-migrant groups / CSOs", "Trade unions", "Regional government", "National government and institutions"]
NATURE_ACTORS = ["pro_migrant_groups", "national_government"]
OPTIONS = ["newspapers", "local_media", "social_media", "international_organisation_reports", "civil_society_reports", "academic_research"]
OPTION_LABELS = ["Newspapers", "Local media", "Social media", "Material of international organisations", "Civil-society reports", "Research / academic studies"]
RESP = ["local_government", "regional_government", "national_government", "migrants_themselves", "civil_society", "shared"]
RESP_LABELS = ["Local government", "Regional government", "National government", "Migrants themselves", "Civil society", "Shared / other"]

# locality, role, affiliation, freq p1 (4 actors), freq p2 (4), nature p2 (2), attitudes, responsibility, sources.
# None = not answered.
N = None
TRUTH = [
    ("loc:turin", "elected_policymaker", "progressive", [4, 3, 2, 1], [3, 2, 2, 2], [5, 3], 4, "local_government", ["newspapers", "academic_research"]),
    ("loc:turin", "local_official", "progressive", [5, 2, 3, 1], [4, 1, 3, 1], [4, 2], 3, "shared", ["local_media"]),
    ("loc:lyon", "elected_policymaker", "conservative", [2, 0, 1, 1], [1, 0, 1, 2], [3, 1], 2, "national_government", ["newspapers", "social_media"]),
    ("loc:lyon", "local_official", None, [3, N, 2, 0], [2, 1, N, 0], [4, N], 3, "regional_government", []),
    ("loc:marseille", "elected_policymaker", "mixed", [5, 4, 3, 2], [5, 4, 2, 3], [5, 2], 4, "civil_society", ["civil_society_reports", "international_organisation_reports"]),
    ("loc:marseille", "local_official", "mixed", [4, 1, 1, 0], [3, 1, 1, 0], [N, N], N, "local_government", ["newspapers"]),
    ("loc:saint-etienne", "elected_policymaker", "progressive", [3, 3, 3, 3], [2, 2, 2, 2], [4, 3], 5, "shared", ["local_media", "newspapers"]),
    ("loc:saint-etienne", "local_official", "non_partisan", [1, 0, 0, 0], [0, 0, 0, 0], [N, N], 1, "migrants_themselves", ["social_media"]),
    ("loc:strasbourg", "elected_policymaker", "conservative", [2, 1, 4, 2], [2, 1, 3, 3], [3, 1], 2, "national_government", N),
    ("loc:strasbourg", "local_official", None, [N, N, N, N], [N, N, N, N], [N, N], N, N, N),  # answered nothing: kept
    ("loc:barcelona", "elected_policymaker", "progressive", [5, 5, 4, 3], [4, 4, 4, 2], [5, 2], 4, "local_government", ["academic_research"]),
    ("loc:barcelona", "local_official", "progressive", [4, 2, 5, 1], [4, 3, 4, 1], [4, 3], 3, "regional_government", ["newspapers", "local_media", "social_media"]),
]

LOCALITY_NAMES = {"loc:turin": "Torino", "loc:lyon": "Lyon", "loc:marseille": "Marseille", "loc:saint-etienne": "Saint-Étienne", "loc:strasbourg": "Strasbourg", "loc:barcelona": "Barcelona"}
ROLE_LABELS = {"elected_policymaker": "Mayor / member of local government responsible for integration", "local_official": "High-level local official"}
AFF_LABELS = {"progressive": "Progressive", "conservative": "Conservative", "mixed": "Mixed / coalition", "non_partisan": "Non-partisan / civic list"}
FREQ_WORDS = ["Never", "Occasionally", "2-3 times a year", "Monthly", "Weekly", "Daily"]


def write(name, rows, delimiter=",", quoting=csv.QUOTE_MINIMAL, newline="\n"):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=newline)
    w.writerows(rows)
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def expected():
    head = ["respondent", "locality", "role", "affiliation"]
    head += [f"freq_p1_{a}" for a in ACTORS] + [f"freq_p2_{a}" for a in ACTORS] + [f"nature_p2_{a}" for a in NATURE_ACTORS]
    head += ["public_attitudes", "responsibility", "information_sources"]
    rows = [head]
    for i, (loc, role, aff, f1, f2, nat, att, resp, src) in enumerate(TRUTH, 1):
        cell = lambda v: "" if v is None else str(v)
        rows.append([f"r{i:02}", loc, role, aff or ""] + [cell(v) for v in f1 + f2 + nat] + [cell(att), resp or "", "" if src is None else (";".join(sorted(src, key=OPTIONS.index)) or "none")])
    write("expected.csv", rows)


def qualtrics():
    meta = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished", "RecordedDate", "ResponseId",
            "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference", "LocationLatitude", "LocationLongitude",
            "DistributionChannel", "UserLanguage"]
    meta_text = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished", "Recorded Date", "Response ID",
                 "Recipient Last Name", "Recipient First Name", "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
                 "Distribution Channel", "User Language"]
    ids = meta + ["Q1", "Q2", "Q3"] + [f"Q4_{i}" for i in range(1, 5)] + [f"Q5_{i}" for i in range(1, 5)] + ["Q6_1", "Q6_2", "Q7", "Q8", "Q9", "Q10"]
    texts = meta_text + ["In which municipality do you work?", "What is your role?", "Political affiliation of the local government"]
    texts += [f"How often did you interact with the following actors in 2017–2019? - {l}" for l in ACTOR_LABELS]
    texts += [f"How often did you interact with the following actors in 2020–2021? - {l}" for l in ACTOR_LABELS]
    texts += [f"How would you describe your interactions in 2020–2021 (1 = very conflictual, 5 = very collaborative)? - {l}" for l in (ACTOR_LABELS[0], ACTOR_LABELS[3])]
    texts += ["How do locals perceive migrants? (1 = very negative, 5 = very positive)", "Who is primarily responsible for migrant integration?",
              "Which sources of information do you use for decisions on integration? - Selected Choice", "Any comments?"]
    imports = [json.dumps({"ImportId": m[0].lower() + m[1:]}, separators=(",", ":")) for m in meta]
    imports[0] = json.dumps({"ImportId": "startDate", "timeZone": "Europe/Rome"}, separators=(",", ":"))
    imports += [json.dumps({"ImportId": f"QID{q[1:]}"}, separators=(",", ":")) for q in ids[len(meta):]]
    rows = [ids, texts, imports]
    for i, (loc, role, aff, f1, f2, nat, att, resp, src) in enumerate(TRUTH, 1):
        m = [f"2022-03-{i:02} 09:{i:02}:00", f"2022-03-{i:02} 09:{i + 20:02}:00", "IP Address", f"10.0.0.{i}", "100", str(600 + 37 * i), "True",
             f"2022-03-{i:02} 09:{i + 20:02}:01", f"R_{i:02}aBcDeFgHiJkLmN", "", "", "", "", "45.07", "7.68", "anonymous", "EN"]
        word = lambda v: "-99" if v is None else FREQ_WORDS[v]
        num = lambda v: "-99" if v is None else str(v)
        role_text = "Mayor" if (role == "elected_policymaker" and i % 2 == 1 and i > 4) else ROLE_LABELS[role]
        answers = [LOCALITY_NAMES[loc], role_text, AFF_LABELS[aff] if aff else ""] + [word(v) for v in f1 + f2] + [num(v) for v in nat]
        answers += [num(att), RESP_LABELS[RESP.index(resp)] if resp else "", "" if src is None else ",".join(OPTION_LABELS[OPTIONS.index(o)] for o in sorted(src, key=OPTIONS.index)),
                    "thanks" if i == 3 else ""]
        # "none of these": Qualtrics leaves the cell empty; our mapping cannot tell it from "not answered" there.
        if src == []:
            answers[-2] = "None of these"
        rows.append(m + answers)
    write("qualtrics.csv", rows)


def limesurvey():
    freq_sq = {"pro_migrant_groups": "SQ001", "trade_unions": "SQ007", "regional_government": "SQ010", "national_government": "SQ012"}
    head = ["id", "submitdate", "lastpage", "startlanguage", "seed", "locality", "role", "affiliation"]
    head += [f"freqp1[{freq_sq[a]}]" for a in ACTORS] + [f"freqp2[{freq_sq[a]}]" for a in ACTORS] + [f"naturep2[{freq_sq[a]}]" for a in NATURE_ACTORS]
    head += ["attitudes", "respons"] + [f"sources[SQ00{k + 1}]" for k in range(len(OPTIONS))]
    rows = [head]
    loc_codes = {l: f"L{k + 1:02}" for k, l in enumerate(LOCALITY_NAMES)}
    for i, (loc, role, aff, f1, f2, nat, att, resp, src) in enumerate(TRUTH, 1):
        code = lambda v: "" if v is None else f"A{v}"
        r = [str(i), f"2022-04-{i:02} 10:00:00", "5", "en", str(1000 + i), loc_codes[loc], "R1" if role == "elected_policymaker" else "R2", {"progressive": "P", "conservative": "C", "mixed": "M", "non_partisan": "NP", None: "N/A"}[aff]]
        r += [code(v) for v in f1 + f2 + nat] + [code(att), "" if resp is None else f"O{RESP.index(resp) + 1}"]
        # A checked box is "Y"; unchecked "N" when the respondent answered the question, empty when not.
        r += ["" if src is None else ("Y" if o in src else "N") for o in OPTIONS]
        rows.append(r)
    write("limesurvey.csv", rows, quoting=csv.QUOTE_ALL)


def kobo():
    short = {"pro_migrant_groups": "pro_migrant", "trade_unions": "trade_unions", "regional_government": "regional_government", "national_government": "national_government"}
    head = ["start", "end", "today", "deviceid", "grp_profile/municipality", "grp_profile/role", "grp_profile/affiliation"]
    head += [f"grp_interactions/freq_p1_{short[a]}" for a in ACTORS] + [f"grp_interactions/freq_p2_{short[a]}" for a in ACTORS]
    head += [f"grp_interactions/nature_p2_{short[a]}" for a in NATURE_ACTORS]
    head += ["grp_perceptions/attitudes", "grp_perceptions/responsibility", "grp_perceptions/info_sources"] + [f"grp_perceptions/info_sources/{o}" for o in OPTIONS]
    head += ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]
    rows = [head]
    xml = ["never", "occasionally", "few_times_year", "monthly", "weekly", "daily"]
    kobo_loc = {"loc:turin": "turin", "loc:lyon": "lyon", "loc:marseille": "marseille", "loc:saint-etienne": "saint_etienne", "loc:strasbourg": "strasbourg", "loc:barcelona": "barcelona"}
    for i, (loc, role, aff, f1, f2, nat, att, resp, src) in enumerate(TRUTH, 1):
        r = [f"2022-05-{i:02}T08:00:00.000+02:00", f"2022-05-{i:02}T08:15:00.000+02:00", f"2022-05-{i:02}", f"ee.kobotoolbox.org:{i:04}",
             kobo_loc[loc], "mayor" if role == "elected_policymaker" else "official", aff or "NA"]
        r += ["" if v is None else xml[v] for v in f1 + f2] + ["" if v is None else str(v) for v in nat]
        r += ["" if att is None else str(att), resp or ""]
        r += ["" if src is None else " ".join(sorted(src, key=OPTIONS.index))]
        r += ["" if src is None else ("1" if o in src else "0") for o in OPTIONS]
        r += [str(90000 + i), f"5c0c{i:04}-6d1b-4a4e-9a7e-0000000000{i:02}", f"2022-05-{i:02}T06:15:03", "", "[]", "submitted_via_web", "", "vAbCdEf", "[]", str(i)]
        rows.append(r)
    write("kobo.csv", rows, delimiter=";")


if __name__ == "__main__":
    expected()
    qualtrics()
    limesurvey()
    kobo()
