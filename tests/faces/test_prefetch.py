"""The encoder's full-resolution decode, started by detect_faces on an idle core."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from backend.faces import decode
from backend.faces.detect import DetectorSettings, detect_faces
from backend.faces.encode import encode_faces
from tests.faces.realistic import portrait_on_canvas

NO_PREFETCH = DetectorSettings(prefetch_full_image=False)


def test_it_queues_the_full_decode_once_a_face_is_found() -> None:
    data = portrait_on_canvas("obama2.jpg").jpeg

    detect_faces(data)

    assert decode._prefetched.take(data) is not None


def test_it_encodes_from_the_prefetched_decode_exactly_as_from_a_fresh_one() -> None:
    data = portrait_on_canvas("obama2.jpg").jpeg
    boxes = detect_faces(data, NO_PREFETCH).boxes
    fresh = encode_faces(data, boxes)

    detect_faces(data)
    prefetched = encode_faces(data, boxes)

    assert np.array_equal(np.stack(prefetched), np.stack(fresh))
    assert decode._prefetched.take(data) is None  # taken: its 36 MB are not held on to


def test_it_never_hands_one_photos_pixels_to_another() -> None:
    first = portrait_on_canvas("obama2.jpg").jpeg
    second = portrait_on_canvas("biden.jpg").jpeg
    with ThreadPoolExecutor(max_workers=1) as pool:
        decode.prefetch_upright(first, pool)

        image = decode.take_upright(second)

    assert image.tobytes() == decode.decode_upright(second).tobytes()
    decode.drop_upright(first)


def test_it_does_not_decode_twice_when_no_face_is_large_enough_to_encode() -> None:
    data = portrait_on_canvas("obama2.jpg").jpeg  # one face, ~308 px tall
    only_larger = DetectorSettings(prefetch_min_face_px=400)

    detect_faces(data, only_larger)

    assert decode._prefetched.take(data) is None


def test_it_releases_the_prefetched_decode_when_no_face_needs_encoding() -> None:
    data = portrait_on_canvas("obama2.jpg").jpeg
    detect_faces(data)

    assert encode_faces(data, []) == []
    assert decode._prefetched.take(data) is None
