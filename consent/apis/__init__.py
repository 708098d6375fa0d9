"""Thin views over the register: parse, call a selector or service, render.

Scope: every view finds the school or person through the user's memberships with the
roles the operation needs, so anything of another school (or beyond the user's role)
answers 404. Roles: consent_admin manages; leader and dsl read; any member of staff may
look up "may I publish?" and log a pupil's objection. Safeguarding flags' kinds and the
sensitive reasons are shown to dsl and leaders only (R16). Face encodings are never
returned; reference photos and evidence are streamed to consent administrators only.

One module per concern (people, status, consents, contacts, flags, evidence, enrolments,
imports, dpia; `common` holds the shared look-ups); the views are re-exported here for
consent/urls.py.
"""

from .consents import ConsentTimelineApi, ObjectionApi
from .contacts import ContactListApi, ContactUpdateApi
from .dpia import SchoolDpiaApi
from .enrolments import EnrolmentDetailApi, EnrolmentListApi, EnrolmentPhotoApi
from .evidence import EvidenceFileApi, EvidenceListApi
from .flags import FlagEndApi, FlagListApi
from .imports import ImportColumnsApi, ImportDetailApi, ImportListApi, ImportTemplateApi
from .people import PersonDetailApi, PersonEraseApi, PersonExportApi, PersonLeaveApi, PersonListApi
from .status import PersonStatusApi, PublishStatusListApi

__all__ = [
    "ConsentTimelineApi",
    "ContactListApi",
    "ContactUpdateApi",
    "EnrolmentDetailApi",
    "EnrolmentListApi",
    "EnrolmentPhotoApi",
    "EvidenceFileApi",
    "EvidenceListApi",
    "FlagEndApi",
    "FlagListApi",
    "ImportColumnsApi",
    "ImportDetailApi",
    "ImportListApi",
    "ImportTemplateApi",
    "ObjectionApi",
    "PersonDetailApi",
    "PersonEraseApi",
    "PersonExportApi",
    "PersonLeaveApi",
    "PersonListApi",
    "PersonStatusApi",
    "PublishStatusListApi",
    "SchoolDpiaApi",
]
