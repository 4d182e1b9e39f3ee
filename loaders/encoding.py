"""The text of a file as its writer meant it: UTF-8 (with or without its byte-order mark),
UTF-16 with its mark, or GB 18030, which holds GBK and GB 2312 (the encodings Chinese web
pages, editors and spreadsheet programs save in). Reports and rosters are read alike; the
encoding a file was read in is kept, so that its character offsets can be checked against
the same text later."""

from __future__ import annotations

from govkg.ontology.errors import InputError

UTF8 = "utf-8"
#: What a file that is not UTF-8 and has no UTF-16 mark is read as.
LEGACY = "gb18030"


class EncodingError(InputError, ValueError):
    """Bytes that are text in none of the encodings read; ``line`` and ``byte`` say where
    UTF-8 first fails (also as ``row`` and ``offset``)."""

    def __init__(self, line: int, byte: int) -> None:
        message = f"neither UTF-8 nor GBK/GB 18030 text (line {line}, byte {byte})"
        InputError.__init__(self, message, row=line, offset=byte)
        self.line, self.byte = line, byte


def decode(data: bytes, keep_mark: bool = True) -> tuple[str, str]:
    """``(text, encoding)`` of ``data``; a UTF-16 mark is never part of the text, a UTF-8
    one only with ``keep_mark`` (a report's offsets count it, as its text is stored)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EncodingError(data.count(b"\n", 0, exc.start) + 1, exc.start) from None
        return text.removeprefix("\ufeff"), "utf-16"
    try:
        text = data.decode(UTF8)
    except UnicodeDecodeError as exc:
        try:
            return data.decode(LEGACY), LEGACY
        except UnicodeDecodeError:
            raise EncodingError(data.count(b"\n", 0, exc.start) + 1, exc.start) from None
    return (text if keep_mark else text.removeprefix("\ufeff")), UTF8
