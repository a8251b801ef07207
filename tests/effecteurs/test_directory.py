"""Officines and effecteurs: who reads them, who changes their contact details."""

from __future__ import annotations

import pytest

from services.common.errors import Aborted, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied
from services.effecteurs.attachments import AttachmentService
from services.effecteurs.service import DirectoryService, OfficineInput
from tests.effecteurs.conftest import (
    CONFLUENT,
    DUBOIS,
    LILAS,
    MEDECIN_EHPAD,
    OPERATOR,
    TITULAIRE_CONFLUENT,
    TITULAIRE_LILAS,
)


async def test_an_effecteur_reads_the_officine_it_is_attached_to_and_no_other(
    directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    for who in (DUBOIS, MEDECIN_EHPAD):
        officine = await directory.get_officine(principal(who), f"officines/{LILAS}")
        assert officine.display_name == "Pharmacie des Lilas"
        with pytest.raises(NotFound):
            await directory.get_officine(principal(who), f"officines/{CONFLUENT}")


async def test_contact_details_are_changed_by_the_effecteur_its_officine_or_operators_with_etags(
    directory: DirectoryService, attachments: AttachmentService, principal
) -> None:  # type: ignore[no-untyped-def]
    name = "effecteurs/rpps:99700000104"
    dubois = await directory.get_effecteur(principal(DUBOIS), name)
    changed = await directory.update_effecteur(
        principal(TITULAIRE_LILAS),
        name,
        display_name="",
        email="j.dubois@example.test",
        department="",
        paths=["email"],
        etag=f'W/"{dubois.version}"',
    )
    assert (changed.email, changed.display_name) == ("j.dubois@example.test", "Jeanne Dubois")
    with pytest.raises(Aborted):  # the etag read before the change is stale now
        await directory.update_effecteur(
            principal(DUBOIS),
            name,
            display_name="Jeanne Dubois-Martin",
            email="",
            department="",
            paths=["display_name"],
            etag=f'W/"{dubois.version}"',
        )
    renamed = await directory.update_effecteur(
        principal(DUBOIS),
        name,
        display_name="Jeanne Dubois-Martin",
        email="",
        department="2b",
        paths=["display_name", "department"],
    )
    assert (renamed.display_name, renamed.department) == ("Jeanne Dubois-Martin", "2B")
    found = await attachments.list_attachments(
        principal(TITULAIRE_LILAS), f"officines/{LILAS}", name_contains="dubois-martin"
    )
    assert [v.effecteur.key for v in found.items] == ["rpps:99700000104"]

    with pytest.raises(NotFound):
        await directory.update_effecteur(
            principal(TITULAIRE_CONFLUENT), name, display_name="x", email="", department="", paths=["display_name"]
        )
    with pytest.raises(InvalidArgument) as bad:
        await directory.update_effecteur(
            principal(DUBOIS),
            name,
            display_name="",
            email="pas un e-mail",
            department="99",
            paths=["display_name", "email", "department"],
        )
    assert sorted(v.field for v in bad.value.violations) == [
        "effecteur.department",
        "effecteur.display_name",
        "effecteur.email",
    ]
    with pytest.raises(InvalidArgument) as bad:
        await directory.update_effecteur(
            principal(DUBOIS), name, display_name="x", email="", department="", paths=["type"]
        )
    assert bad.value.violations[0].field == "update_mask"
    with pytest.raises(FailedPrecondition):  # the officine's own effecteur follows the officine
        await directory.update_effecteur(
            principal(TITULAIRE_LILAS),
            f"effecteurs/finess:{LILAS}",
            display_name="x",
            email="",
            department="",
            paths=["display_name"],
        )
    assert (await directory.get_effecteur(principal(OPERATOR), name)).display_name == "Jeanne Dubois-Martin"


async def test_only_operators_list_every_officine_and_effecteur_or_set_titulaires(
    directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    operator = principal(OPERATOR)
    officines = await directory.list_officines(operator, department="", page_size=2, page_token="")
    rest = await directory.list_officines(operator, department="", page_size=2, page_token=officines.next_page_token)
    assert [o.finess for o in officines.items + rest.items] == ["139900138", "699900122", "759900111"]
    assert [
        o.finess for o in (await directory.list_officines(operator, department="69", page_size=0, page_token="")).items
    ] == [CONFLUENT]
    medecins = await directory.list_effecteurs(operator, type_code="MEDECIN", page_size=0, page_token="")
    assert [e.key for e in medecins.items] == ["rpps:99700000104", "rpps:99700000112", "rpps:99700000153"]
    for call in (
        directory.list_officines(principal(TITULAIRE_LILAS), department="", page_size=0, page_token=""),
        directory.list_effecteurs(principal(DUBOIS), type_code="", page_size=0, page_token=""),
        directory.create_officine(principal(TITULAIRE_LILAS), OfficineInput("139900146", "Nouvelle", "13001")),
        directory.update_officine(
            principal(TITULAIRE_LILAS),
            f"officines/{LILAS}",
            OfficineInput("", "", "", titulaires=["899700000047"]),
            ["titulaires"],
        ),
    ):
        with pytest.raises(PermissionDenied):
            await call


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (OfficineInput("139900146", "Pharmacie\x00 Nouvelle", "13001"), "officine.display_name"),
        (OfficineInput("139900146", "Pharmacie Nouvelle", "13001", city="Marseille\x1b"), "officine.city"),
        (OfficineInput("139900146", "Pharmacie Nouvelle", "13001", address="1 rue\x00de la Paix"), "officine.address"),
    ],
)
async def test_an_officine_with_control_characters_in_its_text_is_refused_and_not_stored(
    directory: DirectoryService, principal, changes: OfficineInput, field: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidArgument) as refused:
        await directory.create_officine(principal(OPERATOR), changes)
    assert field in [v.field for v in refused.value.violations]
    assert "caractères de contrôle" in refused.value.violations[0].description
    with pytest.raises(NotFound):
        await directory.get_officine(principal(OPERATOR), "officines/139900146")


async def test_a_city_changed_to_text_with_a_nul_is_refused_and_the_old_city_kept(
    directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    before = await directory.get_officine(principal(OPERATOR), f"officines/{LILAS}")
    with pytest.raises(InvalidArgument) as refused:
        await directory.update_officine(
            principal(OPERATOR), f"officines/{LILAS}", OfficineInput("", "", "", city="Paris\x00"), ["city"]
        )
    assert [v.field for v in refused.value.violations] == ["officine.city"]
    assert (await directory.get_officine(principal(OPERATOR), f"officines/{LILAS}")).city == before.city


async def test_line_breaks_and_tabs_in_a_name_become_single_spaces_never_stored_as_such(
    directory: DirectoryService, principal
) -> None:  # type: ignore[no-untyped-def]
    created = await directory.create_officine(
        principal(OPERATOR), OfficineInput("139900146", "Pharmacie\n\tNouvelle", "13001", city="Marseille\r\n")
    )
    assert (created.display_name, created.city) == ("Pharmacie Nouvelle", "Marseille")
