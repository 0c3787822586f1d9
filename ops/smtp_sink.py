"""A minimal SMTP server for the loopback cluster: it accepts every message and writes it to
a folder, one `.eml` file each. The cluster's app then sends mail the way production does
(`EMAIL_BACKEND=smtp`), so `check --deploy` sees a production mail backend, and nothing
leaves the machine.

    python -m ops.smtp_sink --port 2525 --dir var/cluster/run/mail

Plain SMTP only (no TLS, no AUTH): EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time
from pathlib import Path

_numbers = itertools.count(1)


async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, folder: Path) -> None:
    def reply(line: str) -> None:
        writer.write(f"{line}\r\n".encode())

    reply("220 mockroom-sink ESMTP")
    try:
        while line := await reader.readline():
            verb = line.decode("latin-1").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                reply("250-mockroom-sink\r\n250-8BITMIME\r\n250 SMTPUTF8")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                await writer.drain()
                lines = []
                while (part := await reader.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(part[1:] if part.startswith(b"..") else part)
                name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(_numbers)}.eml"
                await asyncio.to_thread((folder / name).write_bytes, b"".join(lines))
                reply("250 OK: queued")
            elif verb == "QUIT":
                reply("221 Bye")
                await writer.drain()
                break
            else:
                reply("502 Command not implemented")
            await writer.drain()
    finally:
        writer.close()


async def serve(port: int, folder: Path) -> None:
    server = await asyncio.start_server(
        lambda r, w: session(r, w, folder), host="127.0.0.1", port=port
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m ops.smtp_sink")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(args.port, args.dir))


if __name__ == "__main__":
    main()
