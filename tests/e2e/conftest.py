from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import Browsing, playwright_or_skip, screenshot_dir


@pytest.fixture
def e2e(live_server: Any, transactional_db: None, tmp_path: Path) -> Browsing:
    """The live server, Playwright and screenshots for one test, or a skip saying what is
    missing (the built front end, Chromium or Playwright)."""
    return Browsing(playwright_or_skip(), live_server.url, screenshot_dir(tmp_path))
