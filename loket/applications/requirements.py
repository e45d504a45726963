"""What each case needs: documents to upload and bring, whether it can be booked online.

Requirements are groups of alternatives: every group must be met by one of its kinds
(an adult's proof of identity data may be a birth certificate, a diploma or a marriage
book). Pure functions, shared by the "what do I need?" checker and the wizard.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from loket.applications.choices import WALK_IN_ONLY_CASES, ApplicantType, CaseType, DocumentKind

D = DocumentKind
IDENTITY_PROOF = (D.BIRTH_CERTIFICATE, D.DIPLOMA, D.MARRIAGE_BOOK)

_ADULT: dict[str, list[tuple[DocumentKind, ...]]] = {
    CaseType.NEW: [(D.KTP,), (D.KK,), IDENTITY_PROOF],
    CaseType.RENEWAL_EXPIRED: [(D.KTP,), (D.OLD_PASSPORT,)],
    CaseType.RENEWAL_FULL: [(D.KTP,), (D.OLD_PASSPORT,)],
    CaseType.LOST: [(D.KTP,), (D.KK,), IDENTITY_PROOF, (D.POLICE_REPORT,)],
    CaseType.DAMAGED: [(D.KTP,), (D.KK,), IDENTITY_PROOF, (D.OLD_PASSPORT,)],
    CaseType.DATA_CHANGE: [(D.KTP,), (D.KK,), (D.OLD_PASSPORT,), IDENTITY_PROOF],
}
_CHILD_BASE: list[tuple[DocumentKind, ...]] = [
    (D.KK,),
    (D.BIRTH_CERTIFICATE,),
    (D.PARENT_KTP,),
    (D.PARENT_CONSENT,),
]
_CHILD_EXTRA: dict[str, list[tuple[DocumentKind, ...]]] = {
    CaseType.NEW: [],
    CaseType.RENEWAL_EXPIRED: [(D.OLD_PASSPORT,)],
    CaseType.RENEWAL_FULL: [(D.OLD_PASSPORT,)],
    CaseType.LOST: [(D.POLICE_REPORT,)],
    CaseType.DAMAGED: [(D.OLD_PASSPORT,)],
    CaseType.DATA_CHANGE: [(D.OLD_PASSPORT,)],
}


@dataclass(frozen=True)
class Requirements:
    groups: list[tuple[DocumentKind, ...]]
    walk_in_only: bool
    bap: bool
    percepatan_allowed: bool
    notes: list[str]

    @property
    def kinds(self) -> list[DocumentKind]:
        """Every kind that may be uploaded for the case, in order."""
        seen: list[DocumentKind] = []
        for group in self.groups:
            seen.extend(kind for kind in group if kind not in seen)
        return seen

    def missing(self, uploaded: set[str]) -> list[tuple[DocumentKind, ...]]:
        return [group for group in self.groups if not any(kind in uploaded for kind in group)]


def requirements_for(*, applicant_type: str, case_type: str) -> Requirements:
    if applicant_type not in ApplicantType.values or case_type not in CaseType.values:
        raise ValueError("unknown applicant type or case")
    if applicant_type == ApplicantType.CHILD:
        groups = _CHILD_BASE + _CHILD_EXTRA[case_type]
    else:
        groups = list(_ADULT[case_type])
    walk_in = case_type in WALK_IN_ONLY_CASES
    notes = [
        _(
            "Bring the originals of every document to the office; the officer compares them with your scans."
        )
    ]
    if applicant_type == ApplicantType.CHILD:
        notes.append(
            _(
                "Both parents (or the legal guardian) come with the child and sign the consent letter."
            )
        )
    if walk_in:
        notes.append(
            _(
                "This case needs an examination (BAP) at the office: come without a booking, on a working day, with the documents above."
            )
        )
    if case_type == CaseType.LOST:
        notes.append(
            _(
                "Report the loss to the police first and bring the police report (surat keterangan hilang)."
            )
        )
    return Requirements(
        groups=groups,
        walk_in_only=walk_in,
        bap=walk_in,
        percepatan_allowed=case_type in (CaseType.NEW, CaseType.RENEWAL_EXPIRED),
        notes=notes,
    )


def group_label(group: tuple[DocumentKind, ...]) -> str:
    labels = [str(DocumentKind(kind).label) for kind in group]
    return labels[0] if len(labels) == 1 else _(" or ").join(labels)
