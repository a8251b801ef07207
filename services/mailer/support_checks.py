"""What a support request and an agent's answer must look like (French field
violations naming the proto fields), and the callback phone number."""

from __future__ import annotations

from dataclasses import dataclass

from services.common.errors import Violations
from services.common.phones import french_phone
from services.common.text import has_control_characters
from services.mailer.addresses import is_valid_address

SUBJECT_MAX = 150
BODY_MAX = 5_000
ABOUT_MAX = 64

# The proto's categories, as stored (enum names without their prefix).
CATEGORIES = ("LOGIN", "ORDER", "DELIVERY", "ATTACHMENT", "OTHER")


@dataclass(frozen=True)
class SupportDraft:
    contact_email: str
    subject: str
    body: str
    about: str = ""
    category: str = "OTHER"
    # As typed ("06 12 34 56 78"); "" when no callback is asked for.
    callback_phone: str = ""

    def stripped(self) -> SupportDraft:
        return SupportDraft(
            contact_email=self.contact_email.strip(),
            subject=self.subject.strip(),
            body=self.body.strip(),
            about=self.about.strip(),
            category=self.category or "OTHER",
            callback_phone=self.callback_phone.strip(),
        )


def check_request(draft: SupportDraft) -> str:
    """Raise every violation at once; the callback number in E.164 ("" when none)."""
    violations = Violations()
    prefix = "support_request."
    if not draft.contact_email:
        violations.add(prefix + "contact_email", "Indiquez l'adresse e-mail à laquelle vous répondre.")
    elif not is_valid_address(draft.contact_email):
        violations.add(
            prefix + "contact_email", "Adresse e-mail invalide : vérifiez-la (exemple : pharmacie@exemple.fr)."
        )
    if not draft.subject:
        violations.add(prefix + "subject", "Indiquez l'objet de votre demande.")
    elif len(draft.subject) > SUBJECT_MAX or has_control_characters(draft.subject):
        violations.add(prefix + "subject", f"L'objet tient sur une ligne de {SUBJECT_MAX} caractères au plus.")
    check_text(violations, prefix + "body", draft.body, empty="Décrivez votre demande.")
    if len(draft.about) > ABOUT_MAX or has_control_characters(draft.about):
        violations.add(prefix + "about", f"L'identifiant concerné tient en {ABOUT_MAX} caractères au plus.")
    if draft.category not in CATEGORIES:
        violations.add(prefix + "category", "Choisissez la catégorie de votre demande.")
    phone = ""
    if draft.callback_phone:
        phone = french_phone(draft.callback_phone) or ""
        if not phone:
            violations.add(
                prefix + "callback_phone",
                "Numéro de téléphone invalide : indiquez un numéro français à 10 chiffres (exemple : 01 23 45 67 89).",
            )
    violations.raise_if_any()
    return phone


def check_text(violations: Violations, field: str, text: str, *, empty: str, required: bool = True) -> None:
    """Free multi-line text: required unless said, at most BODY_MAX characters, printable."""
    if not text:
        if required:
            violations.add(field, empty)
    elif len(text) > BODY_MAX:
        violations.add(field, f"Le texte dépasse {BODY_MAX} caractères : raccourcissez-le.")
    elif has_control_characters(text, multiline=True):
        violations.add(field, "Le texte contient des caractères non imprimables.")
