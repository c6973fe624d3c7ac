"""The tag structure of a rendered PDF repaired where WeasyPrint leaves PDF/UA-1 short, with pikepdf.

WeasyPrint (70) tags the text of page margin boxes (running header, footer, page number) as /Span content it
never links into the tree, puts the paragraphs of a loose list item directly under /LI without an /LBody (and
leaves an empty /LI where a page break splits an item), gives table header cells no /Scope, paints a list item's
marker after its body, and leaves links out of print; in PDF/A-3 it lists an embedded file twice among the
document's associated files (/AF). Each is fixed here, after rendering, on the structure WeasyPrint wrote (no
change to WeasyPrint is needed); the text and the layout are not touched.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

ARTIFACT = Name("/Artifact")


def repair(data: bytes) -> bytes:
    """The PDF with margin boxes as artifacts, every /LI with an /LBody (empty ones dropped), /Scope on every
    /TH, markers painted before their item, printable links and each associated file listed once."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.StructTreeRoot
        linked = _linked_elements(tree)
        parents = pikepdf.NumberTree(tree.ParentTree)
        for number, page in enumerate(pdf.pages):
            mapping = parents.get(page.obj.get("/StructParents", number))
            if mapping is None:
                continue
            orphans = {mcid for mcid, element in enumerate(mapping)
                       if isinstance(element, Dictionary) and element.objgen not in linked}
            _rewrite_page(pdf, page, orphans, _marker_order(mapping, linked))
            for mcid in orphans:
                mapping[mcid] = pikepdf.Object.parse(b"null")
        for element in list(_elements(tree)):
            if element.S == "/LI":
                _give_body(pdf, element)
            elif element.S == "/TH":
                _give_scope(element)
        if "/AF" in pdf.Root:
            pdf.Root.AF = Array(list({spec.objgen: spec for spec in pdf.Root.AF}.values()))
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") == "/Link":
                    annotation.F = int(annotation.get("/F", 0)) | 4  # Print: printed as it is shown
        out = io.BytesIO()
        # The file's identifier from its content, not from the clock: the same document makes the same official copy,
        # byte for byte, and so the same checksum in SHA256SUMS and on the verification page.
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _elements(root):
    """Every structure element below `root`, depth first in tag order."""
    for kid in _kids(root):
        if isinstance(kid, Dictionary) and "/S" in kid:
            yield kid
            yield from _elements(kid)


def _linked_elements(tree) -> set:
    return {element.objgen for element in _elements(tree)}


def _marker_order(mapping, linked) -> dict[int, int]:
    """For each list marker's MCID, the MCID of its item's body: the marker is painted just before it."""
    before = {}
    for mcid, element in enumerate(mapping):
        if not isinstance(element, Dictionary) or element.objgen not in linked:
            continue
        label = element.get("/P")
        if label is None or label.get("/S") != "/Lbl":
            continue
        item = label.get("/P")
        body = [kid for kid in _kids(item) if isinstance(kid, Dictionary) and kid.get("/S") != "/Lbl"]
        first = _first_mcid(body, mapping)
        if first is not None:
            before[mcid] = first
    return before


def _first_mcid(elements, mapping) -> int | None:
    """The first marked content of these elements that is on the page of `mapping`."""
    on_page = {element.objgen: mcid for mcid, element in enumerate(mapping) if isinstance(element, Dictionary)}
    for element in elements:
        for candidate in [element, *_elements(element)]:
            if candidate.objgen in on_page:
                return on_page[candidate.objgen]
    return None


def _rewrite_page(pdf, page, orphans: set[int], markers: dict[int, int]) -> None:
    """Orphaned marked content becomes a pagination artifact; each marker's painting moves before its item's body."""
    page.contents_coalesce()
    operations = list(pikepdf.parse_content_stream(page))
    blocks = _blocks(operations)
    for mcid in orphans:
        if mcid in blocks:
            start, _ = blocks[mcid]
            operations[start] = pikepdf.ContentStreamInstruction(
                [ARTIFACT, Dictionary(Type=Name("/Pagination"))], pikepdf.Operator("BDC"))
    for marker, body in markers.items():
        if marker in blocks and body in blocks and blocks[marker][0] > blocks[body][0]:
            operations = _move_before(operations, blocks[marker], blocks[body][0])
            blocks = _blocks(operations)
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))


def _blocks(operations) -> dict[int, tuple[int, int]]:
    """MCID -> (index of its BDC, index after its EMC) in the page's operations."""
    found, open_at = {}, []
    for index, (operands, operator) in enumerate(operations):
        name = str(operator)
        if name in ("BDC", "BMC"):
            mcid = operands[1].get("/MCID") if name == "BDC" and isinstance(operands[1], Dictionary) else None
            open_at.append((index, None if mcid is None else int(mcid)))
        elif name == "EMC" and open_at:
            start, mcid = open_at.pop()
            if mcid is not None:
                found[mcid] = (start, index + 1)
    return found


def _move_before(operations, block: tuple[int, int], target: int) -> list:
    """Move the marker's block, with the graphics state saves around it, to just before `target`.

    WeasyPrint paints each marker as `q q BDC … EMC Q Q` with its absolute text position and font set inside, so
    the block paints at the same place; it keeps the colour of the text around it, as the body it now precedes.
    """
    start, end = block
    while start > 0 and end < len(operations) and str(operations[start - 1][1]) == "q" and str(operations[end][1]) == "Q":
        start, end = start - 1, end + 1
    moved = operations[start:end]
    rest = operations[:start] + operations[end:]
    return rest[:target] + moved + rest[target:]


def _give_body(pdf, item) -> None:
    """Wrap every kid of a list item but its label in one /LBody, as PDF/UA asks; an item left empty where a
    page break split it is dropped."""
    kids = _kids(item)
    if not kids:
        parent = item.P
        parent.K = Array([kid for kid in _kids(parent) if not (isinstance(kid, Dictionary) and kid.objgen == item.objgen)])
        return
    labels = [kid for kid in kids if isinstance(kid, Dictionary) and kid.get("/S") == "/Lbl"]
    body = [kid for kid in kids if not (isinstance(kid, Dictionary) and kid.get("/S") == "/Lbl")]
    if not body or any(isinstance(kid, Dictionary) and kid.get("/S") == "/LBody" for kid in body):
        return
    wrapper = pdf.make_indirect(Dictionary(Type=Name("/StructElem"), S=Name("/LBody"), P=item, K=Array(body)))
    if "/Pg" in item:
        wrapper.Pg = item.Pg
    for kid in body:
        if isinstance(kid, Dictionary) and "/S" in kid:
            kid.P = wrapper
    item.K = Array([*labels, wrapper])


def _give_scope(cell) -> None:
    """A header cell heads its column, unless it stands in the body of the table (then it heads its row)."""
    row_group = cell.get("/P", Dictionary()).get("/P", Dictionary()).get("/S")
    scope = Name("/Row") if row_group == "/TBody" else Name("/Column")
    attributes = cell.get("/A")
    if isinstance(attributes, Dictionary) and attributes.get("/O") == "/Table":
        attributes.Scope = scope
    else:
        cell.A = Dictionary(O=Name("/Table"), Scope=scope)
