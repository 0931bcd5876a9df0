"""The calling token itself: a first call to check that a token works and what it may do."""

from datetime import datetime

from ninja import Field, Router, Schema

from aula.api.auth import TokenAuth, token_of

router = Router(tags=["token"], auth=TokenAuth())


class TokenOut(Schema):
    name: str
    prefix: str
    project: str = Field(description="The slug of the project the token acts on.")
    scopes: list[str] = Field(description="read, write, personal")
    created_at: datetime
    expires_at: datetime | None


@router.get("/token", response=TokenOut, url_name="token", summary="The calling token")
def token(request):
    current = token_of(request)
    return {"name": current.name, "prefix": current.prefix, "project": current.project.slug,
            "scopes": current.scopes, "created_at": current.created_at,
            "expires_at": current.expires_at}
