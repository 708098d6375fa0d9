"""Thin views for posts: parse, call a service or selector, render. One module per
screen's concern; ``urls.py`` names the views through this package.

| module | views |
|---|---|
| ``posts`` | list, create, detail, edit, submit, history, diff, seen |
| ``images`` | photos and their files |
| ``faces`` | face review (R1, R2, R20) |
| ``decisions`` | approve, reject, request changes, notes, the school's publishing policy |
| ``outputs`` | the post's output shapes shared by the views above |
"""

from .decisions import (
    PostApproveApi,
    PostNoteApi,
    PostRejectApi,
    PostRequestChangesApi,
    SchoolPublishingApi,
)
from .faces import (
    FaceAddApi,
    FaceAdultConfirmApi,
    FaceDisputeApi,
    FaceDisputeResolveApi,
    FaceTagApi,
    PostBlurApi,
)
from .images import PostImageAddApi, PostImageApi, PostImageFileApi
from .outputs import PostDetailOutput, PostSummaryOutput
from .posts import (
    PostDetailApi,
    PostHistoryApi,
    PostListApi,
    PostSeenApi,
    PostSubmitApi,
    PostVersionDiffApi,
)

__all__ = [
    "FaceAddApi",
    "FaceAdultConfirmApi",
    "FaceDisputeApi",
    "FaceDisputeResolveApi",
    "FaceTagApi",
    "PostApproveApi",
    "PostBlurApi",
    "PostDetailApi",
    "PostDetailOutput",
    "PostHistoryApi",
    "PostImageAddApi",
    "PostImageApi",
    "PostImageFileApi",
    "PostListApi",
    "PostNoteApi",
    "PostRejectApi",
    "PostRequestChangesApi",
    "PostSeenApi",
    "PostSubmitApi",
    "PostSummaryOutput",
    "PostVersionDiffApi",
    "SchoolPublishingApi",
]
