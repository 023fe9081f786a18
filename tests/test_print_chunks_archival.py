"""The archival copy (PDF/A-2b) of a handbook printed in chunks is a valid archival file with the
pages of the one-document archival copy. The handbook is bench/'s synthetic one, its chapters
once (about 30 pages, the blank forms bound in), cut into chunks of about 12 pages; kept apart
from tests/test_print_chunks.py so that the two run on different workers."""

from __future__ import annotations

import pytest

from sqmkit import printchunks
from tests.print_support import assert_archival, pages_text, synthetic_context

SMALL_CHUNK = 40_000  # characters of HTML: about 12 pages of this handbook


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return synthetic_context(tmp_path_factory.mktemp("synthetic"), copies=1)


def test_an_archival_copy_in_chunks_is_pdfa_2b_with_the_whole_ones_pages(ctx, tmp_path, monkeypatch):
    from sqmkit.render.handbook_pdf import write_archival_copy

    whole = tmp_path / "whole.pdf"
    write_archival_copy(ctx, whole)  # short enough for one document
    laid_out: list[int] = []
    real_layout = printchunks.layout

    def counted(*args, **kwargs):
        part = real_layout(*args, **kwargs)
        laid_out.append(part.pages)
        return part

    monkeypatch.setattr(printchunks, "layout", counted)
    monkeypatch.setattr(printchunks, "CHUNK_CHARS", SMALL_CHUNK)
    monkeypatch.setattr(printchunks, "ONE_DOCUMENT_CHARS", SMALL_CHUNK)
    chunked = tmp_path / "chunked.pdf"
    write_archival_copy(ctx, chunked)
    assert len(laid_out) >= 2, laid_out  # it was cut
    assert_archival(chunked)
    want, got = pages_text(whole), pages_text(chunked)
    assert len(got) == len(want) > 20
    for number, (a, b) in enumerate(zip(want, got)):
        assert b == a, f"page {number + 1}"
