import pytest

from local.routes import RouteTable
from local.template import HttpRoute, Template


def route(method: str, path: str | None, function_id: str = "F") -> HttpRoute:
    return HttpRoute(function_id=function_id, event_name="E", method=method, path=path, api_id="Api", authorizer=None)


@pytest.fixture(scope="module")
def project_routes() -> RouteTable:
    return RouteTable(Template.load().http_routes())


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("POST", "/users", ("POST /users", "CreateUserFunction", {})),
        ("GET", "/users", ("GET /users", "GetUsersFunction", {})),
        ("GET", "/me", ("GET /me", "GetUsersFunction", {})),
        ("GET", "/users/u-1", ("GET /users/{user_id}", "GetUsersFunction", {"user_id": "u-1"})),
        ("post", "/users/u-1/houses", ("POST /users/{user_id}/houses", "CreateHouseFunction", {"user_id": "u-1"})),
        ("GET", "/users/u-1/houses", ("GET /users/{user_id}/houses", "GetHousesFunction", {"user_id": "u-1"})),
        ("PATCH", "/houses/h%201", ("PATCH /houses/{house_id}", "UpdateHouseFunction", {"house_id": "h 1"})),
    ],
)
def test_the_project_routes_reach_their_functions(project_routes, method, path, expected):
    match = project_routes.match(method, path)

    assert match is not None
    assert (match.route.route_key, match.route.function_id, match.path_parameters) == expected


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/users"), ("GET", "/nowhere"), ("GET", "/users/"), ("GET", "/users/u-1/houses/h-1"), ("GET", "/")],
)
def test_requests_without_a_route_match_nothing(project_routes, method, path):
    assert project_routes.match(method, path) is None


def test_the_most_specific_route_wins():
    table = RouteTable(
        [
            route("GET", "/items/{id}", "ById"),
            route("GET", "/items/special", "Special"),
            route("ANY", "/items/special", "AnyMethod"),
            route("ANY", "/items/{proxy+}", "Greedy"),
            route("ANY", None, "Default"),
        ]
    )

    def winner(method: str, path: str) -> str:
        match = table.match(method, path)
        assert match is not None
        return match.route.function_id

    assert winner("GET", "/items/special") == "Special"
    assert winner("POST", "/items/special") == "AnyMethod"
    assert winner("GET", "/items/42") == "ById"
    assert winner("GET", "/items/42/parts/7") == "Greedy"
    assert winner("DELETE", "/elsewhere") == "Default"


def test_a_greedy_parameter_captures_the_rest_of_the_path():
    match = RouteTable([route("GET", "/files/{key+}")]).match("GET", "/files/a/b%2Fc.txt")

    assert match is not None
    assert match.path_parameters == {"key": "a/b/c.txt"}


def test_duplicate_routes_are_refused():
    with pytest.raises(ValueError, match="GET /a"):
        RouteTable([route("GET", "/a", "One"), route("GET", "/a", "Two")])
