"""Domain errors. The domain raises them; the API boundary (shared.api) maps them to problem details."""

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


@dataclass
class UniqueValueTakenError(Exception):
    """Raised by the storage layer when a unique value (email, NIF, address...) is already taken."""

    key: str
    owner_id: str | None = field(default=None)
