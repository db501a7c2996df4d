"""The workflow drawn on the server, its text version, the checks at the element at fault,
the ready-made workflows and the editing operations (catalog/workflow_diagram.py,
catalog/workflow_editing.py)."""

import re

import pytest
from django.core.exceptions import ValidationError

from guichet.catalog import workflow_editing as editing
from guichet.catalog.workflow import Workflow, default_workflow
from guichet.catalog.workflow_diagram import layout, render_svg, text_alternative


def test_the_svg_draws_every_state_and_transition():
    document = default_workflow()
    svg = str(render_svg(document))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
    assert 'role="img"' in svg and 'aria-labelledby="workflow-diagram-title"' in svg
    assert "7 états, 9 transitions" in svg
    for state in document["states"]:
        assert f'data-state="{state["code"]}"' in svg
        assert state["agent_label"] in svg
    for transition in document["transitions"]:
        assert f'data-transition="{transition["code"]}"' in svg
    # "Classer sans suite" leaves every state not closed: drawn from a box of its own.
    assert "Tout état non clôturé" in svg
    assert "style=" not in svg  # the CSP allows no inline style


def test_the_columns_follow_the_distance_from_the_initial_state():
    drawing = layout(default_workflow())
    columns = {code: node.column for code, node in drawing.nodes.items()}
    assert columns["submitted"] == 0
    assert columns["received"] == 1 and columns["in_progress"] == 1
    assert columns["waiting"] == 2 and columns["accepted"] == 2
    assert drawing.width > 0 and drawing.height > 0


def test_labels_are_escaped():
    document = default_workflow()
    document["states"][1]["agent_label"] = "<script>alert(1)</script>"
    svg = str(render_svg(document))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_an_unreadable_document_draws_nothing():
    assert render_svg({"states": "x"}) == ""
    assert text_alternative({"states": "x"}) == []


def test_the_text_alternative_lists_each_state_and_what_leaves_it():
    entries = {entry["state"].code: entry for entry in text_alternative(default_workflow())}
    assert list(entries) == [s["code"] for s in default_workflow()["states"]]
    assert entries["submitted"]["initial"] is True
    leaving = {(t.code, target.code) for t, target in entries["waiting"]["leaving"]}
    assert leaving == {("resume", "in_progress"), ("close", "closed")}
    assert entries["accepted"]["leaving"] == []


def orphan_workflow():
    document = default_workflow()
    return editing.put_state(
        document, {"code": "limbo", "label": "Limbes", "agent_label": "Limbes", "category": "open"}
    )


def test_the_checks_name_the_element_at_fault():
    issues = Workflow(orphan_workflow()).issues()
    # "Classer sans suite" leaves every state not closed: limbo leads to a closing.
    assert [(issue.state, issue.unfinished) for issue in issues] == [("limbo", True)]
    assert "ne peut pas être atteint" in issues[0].message
    dead_end = editing.put_state(
        default_workflow(),
        {"code": "stuck", "label": "Bloquée", "agent_label": "Bloquée", "category": "open"},
    )
    dead_end["transitions"] = [t for t in dead_end["transitions"] if t["code"] != "close"]
    dead_end = editing.put_transition(
        dead_end, {"code": "block", "from": ["in_progress"], "to": "stuck", "label": "Bloquer"}
    )
    issues = Workflow(dead_end).issues()
    # "closed" is no longer reached; "stuck" reaches no closing.
    assert [(issue.state, issue.unfinished) for issue in issues] == [
        ("closed", True),
        ("stuck", True),
    ]
    assert any("aucune suite de transitions" in issue.message for issue in issues)
    document = default_workflow()
    document["transitions"][0]["to"] = "nowhere"
    document["transitions"][1]["roles"] = ["mayor"]
    issues = Workflow(document).issues()
    assert {(issue.transition, issue.unfinished) for issue in issues} == {
        ("receive", False),
        ("start", False),
    }


def test_the_faulty_state_is_drawn_in_red():
    document = orphan_workflow()
    svg = str(render_svg(document, Workflow(document).issues()))
    group = re.search(r'<g class="workflow-state" data-state="limbo">.*?</g>', svg).group(0)
    assert 'stroke="#ce0500"' in group and "⚠" in group
    other = re.search(r'<g class="workflow-state" data-state="received">.*?</g>', svg).group(0)
    assert "#ce0500" not in other


@pytest.mark.parametrize("code", sorted(editing.PRESETS))
def test_every_ready_made_workflow_is_valid(code):
    document = editing.preset(code)
    Workflow(document).validate(templates={}, services=set())
    assert editing.preset(code) == document and editing.preset(code) is not document


def test_the_correction_loop_sends_the_case_back_and_restarts_the_clock():
    workflow = Workflow(editing.preset("correction"))
    assert workflow.state("correction").is_waiting
    back = workflow.reply_transition("correction")
    assert back.target == "checking" and back.action_types() == ["set_deadline"]


def test_renaming_a_state_follows_into_the_transitions_and_the_initial_state():
    document = editing.put_state(
        default_workflow(),
        {"code": "filed", "label": "Déposée", "agent_label": "Nouvelle", "category": "new"},
        replacing="submitted",
    )
    Workflow(document).validate()
    assert document["initial"] == "filed"
    assert editing.find_transition(document, "receive")["from"] == ["filed"]


def test_removing_a_state_takes_the_transitions_to_it_and_keeps_the_others():
    document = default_workflow()
    document["transitions"][0]["from"] = ["submitted", "waiting"]
    changed = editing.remove_state(document, "waiting")
    assert editing.find_transition(changed, "ask") is None  # led to it
    assert editing.find_transition(changed, "resume") is None  # left it only
    assert editing.find_transition(changed, "receive")["from"] == ["submitted"]
    assert editing.find_state(document, "waiting") is not None  # the argument is unchanged
    with pytest.raises(ValidationError):
        editing.remove_state(document, "submitted")


def test_two_states_cannot_share_a_code():
    with pytest.raises(ValidationError) as error:
        editing.put_state(default_workflow(), {"code": "waiting", "label": "X", "category": "open"})
    assert "code" in error.value.message_dict


def test_the_citizen_answer_setting_reads_back_what_was_set():
    document = default_workflow()
    assert editing.reply_setting(document, "waiting")["target"] == "in_progress"
    document = editing.set_reply(document, "waiting", target=editing.REPLY_BACK)
    assert editing.reply_setting(document, "waiting") == {
        "target": editing.REPLY_BACK,
        "clock": "resume",
    }
    # Unmarked, the engine takes the transition back to where the case came from.
    assert Workflow(document).reply_transition("waiting", "in_progress").code == "resume"
    document = editing.set_reply(document, "waiting", target="in_progress", clock="restart")
    assert editing.reply_setting(document, "waiting")["clock"] == "restart"
    assert editing.find_transition(document, "resume")["actions"] == [{"type": "set_deadline"}]
    Workflow(document).validate()
