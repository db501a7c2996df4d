"""The workflow drawn as a diagram: an SVG document made on the server (no JavaScript), for
the designer's workflow editor.

States are boxes in columns by their distance from the initial state (the shortest number of
transitions); states that cannot be reached stand in a last column, marked. Transitions are
arrows, labelled; one that starts from "any state not closed" leaves a box of its own. The
picture is an image for sighted users: the page gives the same content as a list
(`text_alternative`), and the SVG's title says so.
"""

from collections import deque
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .workflow import ANY_STATE, Category, Workflow

BOX_W, BOX_H = 190, 62
COL_GAP, ROW_GAP = 120, 46
MARGIN = 24
FAULT_COLOUR = "#ce0500"
LINE_COLOUR = "#3a3a3a"
ANY_NODE = "*"


@dataclass
class Node:
    code: str
    title: str
    subtitle: str
    colour: str
    column: int
    row: int
    initial: bool = False
    faulty: bool = False
    reachable: bool = True

    @property
    def x(self) -> int:
        return MARGIN + self.column * (BOX_W + COL_GAP)

    @property
    def y(self) -> int:
        return MARGIN + self.row * (BOX_H + ROW_GAP)


@dataclass
class Edge:
    code: str
    source: str
    target: str
    label: str
    faulty: bool = False


@dataclass
class Layout:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    width: int = 0
    height: int = 0


def _short(text: str, limit: int = 24) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def layout(document, issues=()) -> Layout | None:
    """Where each state and transition goes; None when the document cannot be read."""
    try:
        workflow = Workflow(document)
    except (KeyError, TypeError, AttributeError, ValueError):
        return None
    faulty_states = {issue.state for issue in issues if issue.state}
    faulty_transitions = {issue.transition for issue in issues if issue.transition}
    # Columns: distance from the initial state, over the transitions from named states.
    following = {code: [] for code in workflow.states}
    for t in workflow.transitions:
        for source in t.sources:
            if source in following and t.target in workflow.states and t.target != source:
                following[source].append(t.target)
    depth = {}
    if workflow.initial in workflow.states:
        depth[workflow.initial] = 0
        queue = deque([workflow.initial])
        while queue:
            code = queue.popleft()
            for target in following[code]:
                if target not in depth:
                    depth[target] = depth[code] + 1
                    queue.append(target)
    # Reached through "any state" only: one column after the furthest open state.
    reachable = Workflow._reach([workflow.initial], workflow._edges()) if depth else set()
    last = max(depth.values(), default=-1)
    for code in workflow.states:
        if code not in depth and code in reachable:
            depth[code] = last + 1
    last = max(depth.values(), default=-1)
    has_any = any(t.from_any_state for t in workflow.transitions)
    result = Layout()
    rows: dict[int, int] = {}
    categories = dict(Category.CHOICES)
    for code, state in workflow.states.items():
        column = depth.get(code, last + 1)
        row = rows.get(column, 0)
        rows[column] = row + 1
        result.nodes[code] = Node(
            code=code,
            title=state.agent_label,
            subtitle=str(categories.get(state.category, state.category)),
            colour=state.colour,
            column=column,
            row=row,
            initial=code == workflow.initial,
            faulty=code in faulty_states,
            reachable=code in reachable,
        )
    if has_any:
        # Just before the first state it leads to, so that its arrows stay short.
        targets = [
            result.nodes[t.target].column
            for t in workflow.transitions
            if t.from_any_state and t.target in result.nodes
        ]
        column = max(0, min(targets, default=1) - 1)
        row = rows.get(column, 0)
        rows[column] = row + 1
        result.nodes[ANY_NODE] = Node(
            code=ANY_NODE,
            title=_("Tout état non clôturé"),
            subtitle="",
            colour="#ffffff",
            column=column,
            row=row,
        )
    for t in workflow.transitions:
        sources = [ANY_NODE] if t.from_any_state else list(t.sources)
        for source in sources:
            if source not in result.nodes or t.target not in result.nodes:
                continue
            result.edges.append(
                Edge(
                    code=t.code,
                    source=source,
                    target=t.target,
                    label=t.label,
                    faulty=t.code in faulty_transitions,
                )
            )
    columns = max((node.column for node in result.nodes.values()), default=0) + 1
    height_rows = max(rows.values(), default=1)
    result.width = 2 * MARGIN + columns * BOX_W + (columns - 1) * COL_GAP
    # Room under the last row for the arrows that go back.
    result.height = 2 * MARGIN + height_rows * BOX_H + (height_rows - 1) * ROW_GAP + 40
    return result


def _edge_path(source: Node, target: Node, bend: int) -> tuple[str, float, float]:
    """The arrow's path and where its label goes."""
    if target.column > source.column:
        x1, y1 = source.x + BOX_W, source.y + BOX_H / 2
        x2, y2 = target.x - 4, target.y + BOX_H / 2
        middle = (x1 + x2) / 2
        path = f"M{x1:.0f},{y1:.0f} C{middle:.0f},{y1:.0f} {middle:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"
        return path, middle, (y1 + y2) / 2 - 6 + bend
    # Back, or within a column: from the bottom of the source to the bottom of the target.
    x1, y1 = source.x + BOX_W * 0.6, source.y + BOX_H
    x2, y2 = target.x + BOX_W * 0.4, target.y + BOX_H + 4
    low = max(y1, y2) + 26 + bend
    path = f"M{x1:.0f},{y1:.0f} C{x1:.0f},{low:.0f} {x2:.0f},{low:.0f} {x2:.0f},{y2:.0f}"
    return path, (x1 + x2) / 2, low - 4


def render_svg(document, issues=(), *, title_id="workflow-diagram-title") -> SafeString:
    """The diagram as an inline SVG element ("" when the document cannot be read)."""
    drawing = layout(document, issues)
    if drawing is None:
        return mark_safe("")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" role="img" '
        f'width="{drawing.width}" height="{drawing.height}" '
        f'viewBox="0 0 {drawing.width} {drawing.height}" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">'
        + escape(
            _(
                "Schéma du circuit : %(states)s états, %(transitions)s transitions ; le même "
                "contenu est donné en texte sous le schéma."
            )
            % {
                "states": len([n for n in drawing.nodes if n != ANY_NODE]),
                "transitions": len({edge.code for edge in drawing.edges}),
            }
        )
        + "</title>",
        "<defs>",
        f'<marker id="{title_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{LINE_COLOUR}"/></marker>',
        f'<marker id="{title_id}-fault" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{FAULT_COLOUR}"/></marker>',
        "</defs>",
    ]
    seen_pairs: dict[tuple[str, str], int] = {}
    for edge in drawing.edges:
        source, target = drawing.nodes[edge.source], drawing.nodes[edge.target]
        pair = (edge.source, edge.target)
        bend = seen_pairs.get(pair, 0) * 16
        seen_pairs[pair] = seen_pairs.get(pair, 0) + 1
        path, lx, ly = _edge_path(source, target, bend)
        colour = FAULT_COLOUR if edge.faulty else LINE_COLOUR
        marker = f"{title_id}-fault" if edge.faulty else f"{title_id}-arrow"
        dash = ' stroke-dasharray="6 4"' if edge.source == ANY_NODE else ""
        parts.append(
            f'<g class="workflow-edge" data-transition="{escape(edge.code)}">'
            f"<title>{escape(edge.label)} ({escape(edge.code)})</title>"
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.6"{dash} '
            f'marker-end="url(#{marker})"/>'
            f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle" font-size="11" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f"{escape(_short(edge.label, 20))}</text></g>"
        )
    for node in drawing.nodes.values():
        stroke = (
            FAULT_COLOUR if node.faulty else (node.colour if node.code != ANY_NODE else "#666666")
        )
        dash = ' stroke-dasharray="5 3"' if node.code == ANY_NODE or node.faulty else ""
        parts.append(
            f'<g class="workflow-state" data-state="{escape(node.code)}">'
            f"<title>{escape(node.title)} ({escape(node.code)})</title>"
            f'<rect x="{node.x}" y="{node.y}" width="{BOX_W}" height="{BOX_H}" rx="8" '
            f'fill="#ffffff" stroke="{stroke}" stroke-width="{3 if node.faulty else 2}"{dash}/>'
        )
        if node.code != ANY_NODE:
            parts.append(
                f'<rect x="{node.x}" y="{node.y}" width="10" height="{BOX_H}" rx="4" '
                f'fill="{escape(node.colour)}"/>'
            )
        parts.append(
            f'<text x="{node.x + 20}" y="{node.y + 26}" font-size="14" font-weight="bold" '
            f'fill="#161616">{escape(_short(node.title))}</text>'
        )
        subtitle = node.subtitle
        if node.initial:
            subtitle = _("%(category)s · initial") % {"category": subtitle}
        if node.faulty:
            subtitle = "⚠ " + (subtitle or "")
        if subtitle:
            parts.append(
                f'<text x="{node.x + 20}" y="{node.y + 46}" font-size="12" '
                f'fill="{FAULT_COLOUR if node.faulty else "#3a3a3a"}">'
                f"{escape(_short(subtitle, 30))}</text>"
            )
        if node.initial:
            parts.append(
                f'<path d="M{node.x - 20},{node.y + BOX_H / 2:.0f} L{node.x - 4},'
                f'{node.y + BOX_H / 2:.0f}" stroke="{LINE_COLOUR}" stroke-width="2" '
                f'marker-end="url(#{title_id}-arrow)"/>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of data above is escaped)


def text_alternative(document) -> list[dict]:
    """The diagram's content as a list: each state with the transitions that leave it
    ({"state": State, "initial": bool, "leaving": [(Transition, target State)]})."""
    try:
        workflow = Workflow(document)
    except (KeyError, TypeError, AttributeError, ValueError):
        return []
    entries = []
    for code, state in workflow.states.items():
        leaving = [
            (t, workflow.state(t.target))
            for t in workflow.transitions
            if (code in t.sources or (t.from_any_state and not state.is_closed))
            and t.target != code
        ]
        entries.append({"state": state, "initial": code == workflow.initial, "leaving": leaving})
    return entries


__all__ = ["ANY_STATE", "layout", "render_svg", "text_alternative"]
