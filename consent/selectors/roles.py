"""Who may do what in the register (per school), and the messages of look-ups."""

import numpy as np

from backend.accounts.models import Role

PERSON_NOT_FOUND = "No such person among your schools."
UNKNOWN_CHANNEL = "Unknown channel {channel!r}; choose one of: {choices}."

# Who may do what in the register (per school).
MANAGE_ROLES = (Role.CONSENT_ADMIN,)
READ_ROLES = (Role.CONSENT_ADMIN, Role.LEADER, Role.DSL)
SENSITIVE_ROLES = (Role.DSL, Role.LEADER)  # see R16 flags' reasons
STATUS_ROLES = tuple(Role)  # "may I publish?" look-ups
DPIA_ROLES = (Role.TRUST_ADMIN, Role.LEADER)
RETENTION_ROLES = (Role.TRUST_ADMIN, Role.DSL)  # set the school's R15 retention policy
ENCODING_DTYPE = np.float64
ENCODING_SIZE = 128
