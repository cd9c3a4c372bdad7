"""A ZIP of report files written as it is sent: the web worker never holds more than one chunk of one report, and
the first bytes leave at once however many reports there are (a county's cycle has hundreds)."""

import zipfile
from collections.abc import Iterable, Iterator

CHUNK = 64 * 1024


class _Pipe:
    """What zipfile writes into; the generator hands each piece on. zipfile writes to a stream it cannot seek
    with data descriptors, which every unzip tool reads."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


def zip_stream(files: Iterable[tuple[str, object]]) -> Iterator[bytes]:
    """Yield a ZIP of `files`: (name in the archive, a callable that opens the file for reading in binary).
    PDFs are already compressed, so they are stored as they are."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, opener in files:
            with opener() as source, archive.open(name, mode="w", force_zip64=True) as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    if pipe.offset and len(pipe.pieces) > 4:
                        yield pipe.take()
            yield pipe.take()
    yield pipe.take()
