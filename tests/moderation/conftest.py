from typing import Any

import pytest

from backend.accounts.models import Device
from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL


@pytest.fixture
def tablet(school: Any) -> Device:
    device, _ = device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)
    return device
