"""Issue 16: handing work to Celery never fails a request whose change committed. With the
broker down, a submission still answers 200 and the post waits for its sweep (approvals
with Redis really down: tests/integration/test_broker_outage.py)."""

from typing import Any

import pytest
from kombu.exceptions import OperationalError

from backend.accounts.services import device_enrol
from backend.common.actors import SYSTEM_SHELL
from backend.common.dispatch import send_now
from moderation import tasks as moderation_tasks
from moderation.models import Post
from tests.commits import commits_for_real
from tests.moderation.factories import draft

REFUSED = "Error 111 connecting to 127.0.0.1:6379. Connection refused."


def _broker_down(*args: Any, **kwargs: Any) -> None:
    raise OperationalError(REFUSED)


@pytest.fixture
def tablet_and_token(school: Any) -> tuple[Any, str]:
    return device_enrol(school=school, name="Year 3 iPad", actor=SYSTEM_SHELL)


def test_a_message_the_broker_refuses_is_reported_not_raised(monkeypatch: Any) -> None:
    monkeypatch.setattr(moderation_tasks.run_checks, "delay", _broker_down)

    assert send_now(moderation_tasks.run_checks, [1]) is False


def test_errors_that_are_not_the_brokers_still_raise(monkeypatch: Any) -> None:
    def bug(*args: Any, **kwargs: Any) -> None:
        raise KeyError("a bug in the caller")

    monkeypatch.setattr(moderation_tasks.run_checks, "delay", bug)

    with pytest.raises(KeyError):
        send_now(moderation_tasks.run_checks, [1])


@commits_for_real
def test_submitting_while_the_broker_is_down_answers_success_and_the_post_waits(
    teacher: Any, tablet_and_token: tuple[Any, str], api_as: Any, monkeypatch: Any
) -> None:
    tablet, token = tablet_and_token
    post = draft(teacher, tablet, text="Well done to the choir")
    client = api_as(teacher)
    client.credentials(HTTP_X_DEVICE_TOKEN=token)
    monkeypatch.setattr(moderation_tasks.run_checks, "delay", _broker_down)

    response = client.post(f"/api/posts/{post.pk}/submit", format="json")

    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.status == Post.Status.SUBMITTED  # moderation.sweep_lost checks it later
