"""What the virtual users do, identical over gRPC and through the gateway.

The opening rush, per officine, as its titulaire's browser makes it on Monday
08:00: its two médecins ask it for vials (their own tokens); then the titulaire
presents a token and the dashboard reads the service state; the grid loads
(quota table, attachments, the session's lines); one grid save of 15 cells
(every orderable product for each attached effecteur, and Moderna for the
officine itself) in one BatchWriteOrderLines; a second save changing 2 cells
and withdrawing 1; the pending requests listed and both confirmed; the orders
page (the session's lines). What comes back is checked (the right session,
every attachment, every cell saved, 14 lines with the confirmed vials added):
a wrong answer is a failure of the run, not a fast one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from bench.api import CellWrite, Line
from bench.dataset import SESSION_ID, Officine
from bench.load import CallFailed
from bench.stats import Recorder
from bench.tokens import TokenMint, medecin_identity, officine_identity

SESSION = f"sessions/{SESSION_ID}"
# What the médecins ask for: (product, vials), one request each.
REQUESTS = (("products/moderna", 5), ("products/pfizer-adult", 3))
OWN_NEEDS = ("products/moderna",)
# Calls one officine's rush makes: 2 requests, 2 dashboard reads (token, service state),
# 3 grid reads (quota table, attachments, lines), 2 grid saves (15 creates; 2 changes and
# 1 withdrawal), 1 list of requests, 2 confirmations, 1 list of lines.
CALLS_PER_RUSH = 13


class Api(Protocol):
    kind: str
    recorder: Recorder

    async def validate(self, user: int, token: str) -> None: ...
    async def service_state(self, user: int, token: str) -> str: ...
    async def quota_table(self, user: int, token: str, session: str) -> dict[str, list[str]]: ...
    async def attachments(self, user: int, token: str, officine: str) -> list[tuple[str, str]]: ...
    async def create_line(
        self, user: int, token: str, parent: str, effecteur: str, product: str, vials: int
    ) -> Line: ...
    async def update_line(self, user: int, token: str, line: Line, vials: int) -> Line: ...
    async def delete_line(self, user: int, token: str, line: Line) -> None: ...
    async def batch_write(self, user: int, token: str, parent: str, cells: list[CellWrite]) -> list[Line | None]: ...
    async def create_request(
        self, user: int, token: str, parent: str, effecteur: str, product: str, vials: int
    ) -> str: ...
    async def pending_requests(self, user: int, token: str, parent: str) -> list[str]: ...
    async def confirm_request(self, user: int, token: str, name: str) -> Line: ...
    async def list_lines(self, user: int, token: str, parent: str) -> list[tuple[str, str, int]]: ...


class Mismatch(CallFailed):
    """An answer that is not what the data says it must be."""

    def __init__(self, what: str) -> None:
        super().__init__("check", "MISMATCH", what)


@dataclass(frozen=True)
class Tokens:
    titulaire: str
    medecins: tuple[str, ...]


class TokenBook:
    """Tokens of each officine's titulaire and médecins, minted once and reused
    by every phase (a pharmacist keeps the token of its login)."""

    def __init__(self, mint: TokenMint) -> None:
        self.mint = mint
        self._tokens: dict[int, Tokens] = {}

    def for_officine(self, o: Officine) -> Tokens:
        if o.index not in self._tokens:
            self._tokens[o.index] = Tokens(
                self.mint.token(officine_identity(o)),
                tuple(self.mint.token(medecin_identity(e, o)) for e in o.requesters),
            )
        return self._tokens[o.index]

    def prepare(self, officines: Sequence[Officine]) -> None:
        for o in officines:
            self.for_officine(o)


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Mismatch(what)


async def rush(api: Api, book: TokenBook, o: Officine, user: int) -> None:
    """One officine's opening rush (13 calls, 6 of them writes: 20 line writes in 2 saves)."""
    tokens = book.for_officine(o)
    parent = o.order
    for medecin, token, (product, vials) in zip(o.requesters, tokens.medecins, REQUESTS, strict=True):
        await api.create_request(user, token, parent, medecin.resource, product, vials)

    token = tokens.titulaire
    await api.validate(user, token)
    session = await api.service_state(user, token)
    _check(session == SESSION, f"service state names {session!r}, not {SESSION}")
    orderable = await api.quota_table(user, token, session)
    attached = dict(await api.attachments(user, token, o.name))
    missing = {e.resource for e in o.effecteurs} - attached.keys()
    _check(not missing, f"{o.name}: attachments missing {sorted(missing)}")
    before = await api.list_lines(user, token, parent)
    _check(not before, f"{o.name}: {len(before)} lines before the first save")

    wanted = [(e.resource, product) for e in o.effecteurs for product in orderable.get(e.type, [])]
    wanted += [(o.self_effecteur.resource, product) for product in OWN_NEEDS]
    first = [
        CellWrite(10 + (o.index + n) % 10, effecteur=effecteur, product=product)
        for n, (effecteur, product) in enumerate(wanted)
    ]
    saved = await api.batch_write(user, token, parent, first)
    lines: dict[tuple[str, str], Line] = {}
    for key, line in zip(wanted, saved, strict=True):
        _check(line is not None, f"{o.name}: a created cell came back without its line")
        assert line is not None
        lines[key] = line

    medecin, infirmier, sage_femme = o.effecteurs[0], o.effecteurs[2], o.effecteurs[3]
    raised_key, lowered_key = (medecin.resource, "products/pfizer-pediatric"), (infirmier.resource, "products/moderna")
    withdrawn_key = (sage_femme.resource, "products/pfizer-pediatric")
    raised, lowered = lines[raised_key], lines[lowered_key]
    second = [
        CellWrite(raised.vials + 2, line=raised),
        CellWrite(lowered.vials - 1, line=lowered),
        CellWrite(0, line=lines.pop(withdrawn_key)),
    ]
    changed = await api.batch_write(user, token, parent, second)
    for key, line in zip((raised_key, lowered_key), changed, strict=False):
        _check(line is not None, f"{o.name}: a changed cell came back without its line")
        assert line is not None
        lines[key] = line

    pending = await api.pending_requests(user, token, parent)
    _check(len(pending) == len(REQUESTS), f"{o.name}: {len(pending)} pending requests, expected {len(REQUESTS)}")
    for name in pending:
        await api.confirm_request(user, token, name)

    listed = {(effecteur, product): vials for effecteur, product, vials in await api.list_lines(user, token, parent)}
    _check(len(listed) == len(lines), f"{o.name}: {len(listed)} lines listed, {len(lines)} written")
    for requester, (product, vials) in zip(o.requesters, REQUESTS, strict=True):
        expected = lines[(requester.resource, product)].vials + vials
        _check(listed.get((requester.resource, product)) == expected, f"{o.name}: confirmed vials not on the line")


def line_slots(officines: Sequence[Officine], orderable: dict[str, list[str]]) -> Iterator[tuple[Officine, str, str]]:
    """Every (officine, effecteur, product) line that can be created, officine after
    officine in turn (round robin), so concurrent writers work for different officines."""
    per_officine = [
        [(o, e.resource, p) for e in (*o.effecteurs, o.self_effecteur) for p in orderable.get(e.type, [])]
        for o in officines
    ]
    for column in itertools.zip_longest(*per_officine):
        yield from (slot for slot in column if slot is not None)
