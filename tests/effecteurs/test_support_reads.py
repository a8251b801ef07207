"""Support agents read an officine and its attachments (to answer its questions)
and change nothing: every write is PERMISSION_DENIED and leaves things as they were."""

from __future__ import annotations

import pytest

from services.common.context import Principal
from services.common.errors import PermissionDenied
from services.common.psc_claims import principal_from_claims
from services.effecteurs.attachments import AttachmentService, NewEffecteur
from services.effecteurs.identifiers import IdKind
from services.effecteurs.service import DirectoryService, OfficineInput
from tests.effecteurs.conftest import ADJOINT_LILAS, LILAS, with_key

# The adjoint acts for no officine; on the support agents' allow-list, support is all they are.
AGENT = ADJOINT_LILAS


@pytest.fixture
def agent(psc) -> Principal:  # type: ignore[no-untyped-def]
    principal = principal_from_claims(psc.claims_for(AGENT), psc.operators, [AGENT])
    assert principal.roles == frozenset({"SUPPORT"})
    return principal


async def test_a_support_agent_reads_an_officine_its_attachments_and_their_history(
    agent: Principal, directory: DirectoryService, attachments: AttachmentService
) -> None:
    officine = await directory.get_officine(agent, f"officines/{LILAS}")
    assert officine.display_name == "Pharmacie des Lilas"
    listed = await attachments.list_attachments(agent, f"officines/{LILAS}")
    assert "Jeanne Dubois" in {view.effecteur.display_name for view in listed.items}
    events = await attachments.list_events(agent, f"officines/{LILAS}")
    assert events.items


async def test_a_support_agent_changes_nothing(
    agent: Principal, directory: DirectoryService, attachments: AttachmentService
) -> None:
    before = await attachments.list_attachments(agent, f"officines/{LILAS}")
    some = before.items[0]
    refusals = [
        attachments.attach(
            agent,
            f"officines/{LILAS}",
            IdKind.RPPS,
            with_key("1000000001"),
            NewEffecteur("INFIRMIER", "Léa Mercier", ""),
        ),
        attachments.detach(agent, f"officines/{LILAS}/attachments/{some.attachment.id}"),
        directory.update_officine(
            agent,
            f"officines/{LILAS}",
            OfficineInput(finess=LILAS, display_name="Autre nom", postal_code="75011"),
            ["display_name"],
        ),
    ]
    for call in refusals:
        with pytest.raises(PermissionDenied) as caught:
            await call
        assert caught.value.reason == "SUPPORT_READ_ONLY"
        assert "agents du support" in caught.value.message
    after = await attachments.list_attachments(agent, f"officines/{LILAS}")
    assert [(v.attachment.id, v.attachment.is_current) for v in after.items] == [
        (v.attachment.id, v.attachment.is_current) for v in before.items
    ]
    assert (await directory.get_officine(agent, f"officines/{LILAS}")).display_name == "Pharmacie des Lilas"
