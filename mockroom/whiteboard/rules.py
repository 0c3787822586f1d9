"""What may be uploaded to a board. Pure."""

from __future__ import annotations

# The same limit Excalidraw enforces in the browser, so both sides refuse the same files.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_FINAL_BYTES = 20 * 1024 * 1024

# Magic numbers, so a renamed file can't pass as an image. SVG is refused: it can carry
# scripts, and Excalidraw embeds images as data URLs the browser would render.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}


class UploadRefused(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sniff_image(head: bytes) -> str | None:
    """The image type the first bytes announce, or None."""
    for mime, signatures in SIGNATURES.items():
        for signature in signatures:
            if head.startswith(signature):
                if mime == "image/webp" and head[8:12] != b"WEBP":
                    continue
                return mime
    return None


def check_image(*, size: int, head: bytes, limit: int = MAX_FILE_BYTES) -> str:
    """The verified MIME type of an upload, or UploadRefused with a clear message."""
    if size > limit:
        raise UploadRefused(
            413,
            f"That image is too large ({size / 1024 / 1024:.1f} MiB). "
            f"Images must be {limit // 1024 // 1024} MiB or less.",
        )
    if size == 0:
        raise UploadRefused(400, "The file is empty.")
    mime = sniff_image(head)
    if mime is None:
        raise UploadRefused(415, "Only PNG, JPEG, GIF and WebP images can be added to the board.")
    return mime


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"
