"""What the virtual users do, identical over gRPC and through the gateway.

The opening rush, per officine: its two médecins ask it for vials (their own
tokens), then its titulaire presents a token, reads the service state and the
quota table, lists the attachments, writes 15 order lines (every orderable
product for each attached effecteur, and Moderna for the officine itself),
changes 2, withdraws 1, lists and confirms the 2 pending requests, and lists
the session's lines. What comes back is checked (the right session, every
attachment, 14 lines with the confirmed vials added): a wrong answer is a
failure of the run, not a fast one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from bench.api import Line
from bench.dataset import SESSION_ID, Officine
from bench.load import CallFailed
from bench.stats import Recorder
from bench.tokens import TokenMint, medecin_identity, officine_identity

SESSION = f"sessions/{SESSION_ID}"
# What the médecins ask for: (product, vials), one request each.
REQUESTS = (("products/moderna", 5), ("products/pfizer-adult", 3))
OWN_NEEDS = ("products/moderna",)
# Calls one officine's rush makes: 2 requests, 4 reads, 15 creates, 2 changes,
# 1 withdrawal, 1 list of requests, 2 confirmations, 1 list of lines.
CALLS_PER_RUSH = 28


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
    """One officine's opening rush (28 calls, 22 of them writes)."""
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

    lines: dict[tuple[str, str], Line] = {}
    wanted = [(e.resource, product) for e in o.effecteurs for product in orderable.get(e.type, [])]
    wanted += [(o.self_effecteur.resource, product) for product in OWN_NEEDS]
    for n, (effecteur, product) in enumerate(wanted):
        lines[(effecteur, product)] = await api.create_line(
            user, token, parent, effecteur, product, 10 + (o.index + n) % 10
        )

    medecin, infirmier, sage_femme = o.effecteurs[0], o.effecteurs[2], o.effecteurs[3]
    raised = lines[(medecin.resource, "products/pfizer-pediatric")]
    lines[(medecin.resource, "products/pfizer-pediatric")] = await api.update_line(
        user, token, raised, raised.vials + 2
    )
    lowered = lines[(infirmier.resource, "products/moderna")]
    lines[(infirmier.resource, "products/moderna")] = await api.update_line(user, token, lowered, lowered.vials - 1)
    await api.delete_line(user, token, lines.pop((sage_femme.resource, "products/pfizer-pediatric")))

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
