"""A client of clamd's INSTREAM command: the file is streamed in chunks, clamd answers
"stream: OK" or "stream: <signature> FOUND". Kept to the few lines the protocol needs."""

import socket
import struct

CHUNK = 64 * 1024


class ClamdError(Exception):
    """clamd could not be reached or did not give a verdict."""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target = address
    else:
        host, _sep, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ClamdError(f"bad clamd address {address!r} (host:port or /path/to/socket)")
        sock = socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET)
        target = (host.strip("[]"), int(port))
    sock.settimeout(timeout)
    try:
        sock.connect(target)
    except OSError as error:
        sock.close()
        raise ClamdError(f"clamd unreachable at {address}: {error}") from error
    return sock


def scan(address: str, stream, *, timeout: float = 30) -> str | None:
    """The signature clamd found in `stream` (a binary file object), or None when clean."""
    stream.seek(0)
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as error:
        raise ClamdError(f"clamd failed: {error}") from error
    finally:
        stream.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("OK"):
        return None
    if answer.endswith("FOUND"):
        return answer.removeprefix("stream:").removesuffix("FOUND").strip()
    raise ClamdError(f"clamd gave no verdict: {answer!r}")
