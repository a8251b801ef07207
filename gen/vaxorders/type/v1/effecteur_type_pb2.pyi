from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class EffecteurType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EFFECTEUR_TYPE_UNSPECIFIED: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_MEDECIN: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_PHARMACIEN: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_INFIRMIER: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_SAGE_FEMME: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_CHIRURGIEN_DENTISTE: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_MSP: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_CDS: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_LBM: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_FAM: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_MAS: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_EHPAD: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_USLD: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_RESIDENCE_AUTONOMIE: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_SST: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_SSU: _ClassVar[EffecteurType]
    EFFECTEUR_TYPE_PMI: _ClassVar[EffecteurType]
EFFECTEUR_TYPE_UNSPECIFIED: EffecteurType
EFFECTEUR_TYPE_MEDECIN: EffecteurType
EFFECTEUR_TYPE_PHARMACIEN: EffecteurType
EFFECTEUR_TYPE_INFIRMIER: EffecteurType
EFFECTEUR_TYPE_SAGE_FEMME: EffecteurType
EFFECTEUR_TYPE_CHIRURGIEN_DENTISTE: EffecteurType
EFFECTEUR_TYPE_MSP: EffecteurType
EFFECTEUR_TYPE_CDS: EffecteurType
EFFECTEUR_TYPE_LBM: EffecteurType
EFFECTEUR_TYPE_FAM: EffecteurType
EFFECTEUR_TYPE_MAS: EffecteurType
EFFECTEUR_TYPE_EHPAD: EffecteurType
EFFECTEUR_TYPE_USLD: EffecteurType
EFFECTEUR_TYPE_RESIDENCE_AUTONOMIE: EffecteurType
EFFECTEUR_TYPE_SST: EffecteurType
EFFECTEUR_TYPE_SSU: EffecteurType
EFFECTEUR_TYPE_PMI: EffecteurType
