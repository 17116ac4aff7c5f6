"""Where a shape stands on a page being refreshed, read and set on its XML (a refresh asks
it of every shape of an edited page; python-pptx's shape properties are XPath queries): its
box, a line's two ends, this month's place put on last month's shape, and the shapes drawn
over a chart a person moved following it."""

from __future__ import annotations

from typing import Any

from pptx.shapes.shapetree import BaseShapeFactory

from pumpxl.report.marks import remarked
from pumpxl.report.shapexml import (
    element_geometry,
    placeholder,
    set_shape_name,
    shape_name,
    shape_xfrm,
)

__all__ = ["Box", "Move", "box", "copy_place", "follow", "page_box", "place", "shape_object",
           "space_scale"]

_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_LINE, _OFF, _EXT = f"{_P}cxnSp", f"{_A}off", f"{_A}ext"
_GROUP, _CH_OFF, _CH_EXT = f"{_P}grpSp", f"{_A}chOff", f"{_A}chExt"


def shape_object(slide: Any, el: Any) -> Any:
    """python-pptx's shape object for one of the slide's shape elements (where python-pptx
    does what the XML alone cannot: a transform added to a shape without one). Its factory
    asks by XPath whether the shape is a placeholder; asked here of the element directly."""
    if placeholder(el) is not None:
        return slide.shapes._shape_factory(el)
    return BaseShapeFactory(el, slide.shapes)


Box = tuple[int, int, int, int]  # x, y, width, height (EMU)
Move = tuple[float, float, float, float, float, float]  # from (x, y) to (x, y), by (w, h)


def _off_ext(el: Any) -> tuple[Any | None, Any | None]:
    xfrm = shape_xfrm(el)
    if xfrm is None:
        return None, None
    return next(xfrm.iterchildren(_OFF), None), next(xfrm.iterchildren(_EXT), None)


def box(el: Any) -> Box | None:
    """Where a shape element stands and how large (None: its XML does not say, as for a
    placeholder its layout places)."""
    off, ext = _off_ext(el)
    if off is None or ext is None:
        return None
    return (int(off.get("x", "0")), int(off.get("y", "0")), int(ext.get("cx", "0")),
            int(ext.get("cy", "0")))  # fmt: skip


def page_box(el: Any) -> Box | None:
    """:func:`box` on the page: a shape in a group stands in the group's own space, which
    the group maps onto its place on the page (None: a group's XML does not say how, or the
    group is rotated or flipped)."""
    at = box(el)
    group = el.getparent()
    while at is not None and group is not None and group.tag == _GROUP:
        xfrm = shape_xfrm(group)
        if xfrm is not None and (int(xfrm.get("rot", "0")) or any(
                xfrm.get(a) in ("1", "true") for a in ("flipH", "flipV"))):  # fmt: skip
            return None  # a rotated or flipped group: not followed
        found = {c.tag: c for c in xfrm.iterchildren(_OFF, _EXT, _CH_OFF, _CH_EXT)} if (
            xfrm is not None) else {}  # fmt: skip
        if len(found) < 4 or not int(found[_CH_EXT].get("cx", "0")) or not int(
                found[_CH_EXT].get("cy", "0")):  # fmt: skip
            return None
        off, ext, ch_off, ch_ext = (found[t] for t in (_OFF, _EXT, _CH_OFF, _CH_EXT))
        sx = int(ext.get("cx", "0")) / int(ch_ext.get("cx"))
        sy = int(ext.get("cy", "0")) / int(ch_ext.get("cy"))
        x, y, cx, cy = at
        at = (round(int(off.get("x", "0")) + (x - int(ch_off.get("x", "0"))) * sx),
              round(int(off.get("y", "0")) + (y - int(ch_off.get("y", "0"))) * sy),
              round(cx * sx), round(cy * sy))  # fmt: skip
        group = group.getparent()
    return at


def space_scale(el: Any) -> tuple[float, float]:
    """How much the space a shape stands in (its groups') is scaled on the page, whether or
    not a group is rotated (1, 1 where a group's XML does not say)."""
    sx = sy = 1.0
    group = el.getparent()
    while group is not None and group.tag == _GROUP:
        xfrm = shape_xfrm(group)
        found = {c.tag: c for c in xfrm.iterchildren(_EXT, _CH_EXT)} if xfrm is not None else {}
        if len(found) == 2 and all(int(found[t].get(a, "0")) for t in (_EXT, _CH_EXT)
                                   for a in ("cx", "cy")):  # fmt: skip
            sx *= int(found[_EXT].get("cx", "0")) / int(found[_CH_EXT].get("cx"))
            sy *= int(found[_EXT].get("cy", "0")) / int(found[_CH_EXT].get("cy"))
        group = group.getparent()
    return sx, sy


def place(slide: Any, el: Any, at: Box) -> None:
    """Put a shape element at ``at`` (python-pptx adds the transform a shape lacks)."""
    off, ext = _off_ext(el)
    if off is None or ext is None:
        shape = shape_object(slide, el)
        shape.left, shape.top, shape.width, shape.height = at
        return
    x, y, cx, cy = at
    off.set("x", str(x))
    off.set("y", str(y))
    ext.set("cx", str(cx))
    ext.set("cy", str(cy))


def _ends(el: Any) -> Box | None:
    """A line's two ends (begin x, begin y, end x, end y), as its flips place them."""
    at, xfrm = box(el), shape_xfrm(el)
    if at is None or xfrm is None:
        return None
    x, y, cx, cy = at
    flip_h, flip_v = (xfrm.get(a) in ("1", "true") for a in ("flipH", "flipV"))
    return (x + (cx if flip_h else 0), y + (cy if flip_v else 0),
            x + (0 if flip_h else cx), y + (0 if flip_v else cy))  # fmt: skip


def _set_ends(el: Any, ends: Box) -> None:
    """Draw a line (which has its transform) from one end to the other."""
    bx, by, ex, ey = ends
    xfrm = shape_xfrm(el)
    assert xfrm is not None  # (asked of lines _ends read)
    place(None, el, (min(bx, ex), min(by, ey), abs(ex - bx), abs(ey - by)))
    for attr, flipped in (("flipH", bx > ex), ("flipV", by > ey)):
        if flipped:
            xfrm.set(attr, "1")
        elif attr in xfrm.attrib:
            del xfrm.attrib[attr]


def copy_place(slide: Any, dst: Any, src: Any) -> None:
    """``src``'s place and size on ``dst`` (same kind of shape; a line: its two ends)."""
    if dst.tag == _LINE:
        ends = _ends(src)
        if ends is not None and box(dst) is not None:
            _set_ends(dst, ends)
        return
    at = box(src)
    if at is not None:
        place(slide, dst, at)


def follow(el: Any, move: Move, scale: tuple[float, float] = (1.0, 1.0)) -> None:
    """Put a shape drawn over pumpxl's chart at the same place over the person's chart (and
    record that place as pumpxl's, so that next month it is not taken for a person's move);
    ``scale``: how much the space it stands in (a person's group) is scaled on the page, its
    size there divided by it (on the page it keeps its size)."""
    x0, y0, x1, y1, sx, sy = move
    if el.tag == _LINE:
        ends = _ends(el)
        if ends is None:
            return
        bx, by, ex, ey = ends
        _set_ends(el, (int(x1 + (bx - x0) * sx), int(y1 + (by - y0) * sy),
                       int(x1 + (ex - x0) * sx), int(y1 + (ey - y0) * sy)))  # fmt: skip
    else:
        at = box(el)
        if at is None:
            return
        # its centre goes where it was over pumpxl's chart; its size stays (text keeps fitting)
        x, y, cx, cy = at
        centre_x, centre_y = x1 + (x + cx / 2 - x0) * sx, y1 + (y + cy / 2 - y0) * sy
        cx, cy = round(cx / scale[0]), round(cy / scale[1])
        place(None, el, (int(centre_x - cx / 2), int(centre_y - cy / 2), cx, cy))
    # where it stands now is where pumpxl put it: next month it does not read as moved
    set_shape_name(el, remarked(shape_name(el), g=element_geometry(el)))
