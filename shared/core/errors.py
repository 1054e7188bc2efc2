"""Domain errors. The domain raises them; the HTTP boundary (shared.core.http) maps them to problem details."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class DomainError(Exception):
    status = 500
    title = "Error"

    def __init__(self, detail: str, *, problems: list[FieldProblem] | None = None, **extensions: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []
        self.extensions = extensions

    @property
    def headers(self) -> dict[str, str]:
        return {}


class InvalidInputError(DomainError):
    status = 422
    title = "Invalid input"

    @classmethod
    def on(cls, field_name: str, message: str) -> "InvalidInputError":
        return cls(message, problems=[FieldProblem(field_name, message)])


class ForbiddenError(DomainError):
    status = 403
    title = "Forbidden"


class NotFoundError(DomainError):
    status = 404
    title = "Not found"


class ConflictError(DomainError):
    status = 409
    title = "Conflict"


class UnavailableError(DomainError):
    """An outside system the request depends on is down or refusing us: nothing was recorded, and the same
    request may be sent again after `retry_after` seconds."""

    status = 503
    title = "Service unavailable"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


@dataclass
class UniqueValueTakenError(Exception):
    """Raised by the storage layer when a unique value (email, NIF, address...) is already taken."""

    key: str
    owner_id: str | None = field(default=None)
