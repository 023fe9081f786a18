"""The structure trees of separately written tagged PDFs merged into one (used by :mod:`pdfbind`).

WeasyPrint tags a document with one ``/Document`` element under the ``/StructTreeRoot``; its
``/ParentTree`` maps key ``i`` to the array of elements owning page ``i``'s marked contents (by
MCID) and keys from the page count up to the element of each annotation (a ``/Link`` holding an
``OBJR``). The first piece's ``/Document`` becomes the bound file's: every later piece's kids are
appended to it and re-parented, and so are the elements WeasyPrint writes for margin boxes, which
point to their ``/Document`` without being among its kids. The parent tree is numbered again as a
single write numbers it: page ``i`` of the bound file is key ``i``, annotations follow in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, String

ObjGen = tuple[int, int]


def number_tree(node: pikepdf.Object) -> dict[int, pikepdf.Object]:
    """The entries of a number tree (``/Nums``, and ``/Kids`` below it), by key."""
    found: dict[int, pikepdf.Object] = {}
    nums = node.get(Name.Nums)
    if isinstance(nums, Array):
        for i in range(0, len(nums) - 1, 2):
            found[int(nums[i])] = nums[i + 1]
    kids = node.get(Name.Kids)
    if isinstance(kids, Array):
        for kid in kids:
            found.update(number_tree(kid))
    return found


def _as_list(value: pikepdf.Object | None) -> list[pikepdf.Object]:
    if value is None:
        return []
    return list(value) if isinstance(value, Array) else [value]


def piece_tags(pdf: pikepdf.Pdf) -> pikepdf.Array:
    """A piece's tags, gathered in one array so they can be copied at once into the bound file:
    ``[document kids, [page i's parent-tree array …], [annotation, its element, …], document]``.
    The old root is cut off (``/Document``'s ``/P`` removed) so that copying does not take it."""
    root = pdf.Root.get(Name.StructTreeRoot)
    page_arrays, annots = Array(), Array()
    if not isinstance(root, Dictionary):
        for _page in pdf.pages:
            page_arrays.append(Array())
        return Array([Array(), page_arrays, annots, Dictionary()])
    tops = _as_list(root.get(Name.K))
    document = tops[0] if len(tops) == 1 and tops[0].get(Name.S) == Name.Document else None
    kids = Array(_as_list(document.get(Name.K)) if document is not None else tops)
    parents = number_tree(root[Name.ParentTree]) if Name.ParentTree in root else {}
    for page in pdf.pages:
        key = page.obj.get(Name.StructParents)
        page_arrays.append(parents.get(int(key), Array()) if key is not None else Array())
        for annot in _as_list(page.obj.get(Name.Annots)):
            key = annot.get(Name.StructParent)
            if key is not None and int(key) in parents:
                annots.append(annot)
                annots.append(parents[int(key)])
    if document is not None:
        del document[Name.P]
    return Array([kids, page_arrays, annots, document if document is not None else Dictionary()])


def _rename_ids(tops: list[pikepdf.Object], prefix: str) -> None:
    """Prefix the identifiers of a piece's table headers (WeasyPrint names them after object
    numbers, which pieces share) and the ``/Headers`` of the table cells naming them."""
    stack, seen = list(tops), set()
    K, S, ID, A, HEADERS, TH, TD = (Name.K, Name.S, Name.ID, Name.A, Name.Headers, Name.TH, Name.TD)
    while stack:
        element = stack.pop()
        if not isinstance(element, Dictionary) or element.objgen in seen:
            continue
        seen.add(element.objgen)
        tag = element.get(S)
        if tag == TH or tag == TD:
            ident = element.get(ID)
            if isinstance(ident, String):
                element[ID] = String(prefix + str(ident))
            for attributes in _as_list(element.get(A)):
                headers = attributes.get(HEADERS) if isinstance(attributes, Dictionary) else None
                if isinstance(headers, Array):
                    attributes[HEADERS] = Array([String(prefix + str(h)) for h in headers])
        kids = element.get(K)
        if isinstance(kids, Array):
            stack.extend(kid for kid in kids if isinstance(kid, Dictionary))
        elif isinstance(kids, Dictionary):
            stack.append(kids)


@dataclass
class TagMerge:
    """The bound file's structure tree while pieces are added, in order."""

    pdf: pikepdf.Pdf
    document: pikepdf.Object
    pages: list[pikepdf.Object] = field(default_factory=list)
    annots: dict[ObjGen, tuple[pikepdf.Object, pikepdf.Object]] = field(default_factory=dict)
    pieces: int = 0

    @classmethod
    def start(cls, pdf: pikepdf.Pdf) -> TagMerge:
        """A new tree in ``pdf`` (the first piece, opened as the bound file): one
        ``/StructTreeRoot`` holding one ``/Document`` with no kids yet."""
        old = pdf.Root.get(Name.StructTreeRoot)
        root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array()))
        if isinstance(old, Dictionary) and Name.RoleMap in old:
            root[Name.RoleMap] = old[Name.RoleMap]
        document = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=root, K=Array()))
        root[Name.K] = Array([document])
        pdf.Root[Name.StructTreeRoot] = root
        return cls(pdf, document)

    def add(self, tags: pikepdf.Object) -> None:
        """Add a piece's tags (:func:`piece_tags`, copied into the bound file if foreign)."""
        kids, page_arrays, annots, old = tags[0], tags[1], tags[2], tags[3]
        mine = self.document[Name.K]
        for kid in kids:
            mine.append(kid)
            if isinstance(kid, Dictionary):
                kid[Name.P] = self.document
        self.pages.extend(page_arrays)
        for i in range(0, len(annots) - 1, 2):
            self.annots[annots[i].objgen] = (annots[i], annots[i + 1])
        orphans = self._adopt_orphans(page_arrays, old.objgen) if isinstance(old, Dictionary) and old.is_indirect else []
        self.pieces += 1
        if self.pieces > 1:
            _rename_ids([*kids, *orphans], f"p{self.pieces}-")

    def _adopt_orphans(self, page_arrays: pikepdf.Object, old: ObjGen) -> list[pikepdf.Object]:
        """Re-parent to the one ``/Document`` every element still pointing to its piece's own:
        walk up from each element owning marked content, each element at most once. Returns
        the elements re-parented."""
        seen: set[ObjGen] = set()
        adopted: list[pikepdf.Object] = []
        for array in page_arrays:
            for element in _as_list(array):
                while isinstance(element, Dictionary) and element.objgen not in seen:
                    seen.add(element.objgen)
                    parent = element.get(Name.P)
                    if not isinstance(parent, Dictionary):
                        break
                    if parent.objgen == old:
                        element[Name.P] = self.document
                        adopted.append(element)
                        break
                    element = parent
        return adopted

    def drop_annotation(self, annot: pikepdf.Object) -> None:
        """Forget an annotation being removed: its ``OBJR`` leaves its element's kids."""
        entry = self.annots.pop(annot.objgen, None)
        if entry is None:
            return
        element = entry[1]
        kids = element.get(Name.K)
        if isinstance(kids, Array):
            keep = [k for k in kids if not (isinstance(k, Dictionary) and k.get(Name.Type) == Name.OBJR
                                             and k.get(Name.Obj) is not None and k[Name.Obj].objgen == annot.objgen)]
            element[Name.K] = Array(keep)

    def finish(self) -> None:
        """Number the parent tree again: page ``i`` is key ``i``, annotations follow."""
        nums = Array()
        count = len(self.pdf.pages)
        if len(self.pages) != count:
            raise ValueError(f"tags for {len(self.pages)} pages, but {count} pages bound")
        for i, page in enumerate(self.pdf.pages):
            page.obj[Name.StructParents] = i
            nums.append(i)
            nums.append(self.pages[i])
        key = count
        for annot, element in self.annots.values():
            annot[Name.StructParent] = key
            nums.append(key)
            nums.append(element)
            key += 1
        root = self.pdf.Root[Name.StructTreeRoot]
        root[Name.ParentTree] = self.pdf.make_indirect(Dictionary(Nums=nums))
        root[Name.ParentTreeNextKey] = key
