from pathlib import Path
from textwrap import dedent

import pytest

from local.template import DEFAULT_TEMPLATE_PATH, Template, TemplateError, load_yaml, merge_globals


def test_short_tags_become_their_long_form():
    body = load_yaml(
        dedent("""
        a: !Ref UsersTable
        b: !GetAtt UserPool.Arn
        c: !GetAtt [UserPool, ProviderURL]
        d: !Sub "arn:${AWS::Partition}:x:${UsersTable}"
        e: !If [UseSes, !Ref Sender, !Ref AWS::NoValue]
        f: !Not [!Equals [!Ref Sender, ""]]
        g: !Join [",", [a, b]]
        h: !Select [0, !Split [",", "a,b"]]
        i: !Condition UseSes
        j: !GetAtt Db.Endpoint.Address
        """)
    )

    assert body == {
        "a": {"Ref": "UsersTable"},
        "b": {"Fn::GetAtt": ["UserPool", "Arn"]},
        "c": {"Fn::GetAtt": ["UserPool", "ProviderURL"]},
        "d": {"Fn::Sub": "arn:${AWS::Partition}:x:${UsersTable}"},
        "e": {"Fn::If": ["UseSes", {"Ref": "Sender"}, {"Ref": "AWS::NoValue"}]},
        "f": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Sender"}, ""]}]},
        "g": {"Fn::Join": [",", ["a", "b"]]},
        "h": {"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]},
        "i": {"Condition": "UseSes"},
        "j": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
    }


def test_unquoted_dates_stay_strings_as_in_cloudformation():
    assert load_yaml("AWSTemplateFormatVersion: 2010-09-09") == {"AWSTemplateFormatVersion": "2010-09-09"}


def test_globals_merge_as_sam_does():
    merged = merge_globals(
        {"Timeout": 10, "Layers": ["L1"], "Environment": {"Variables": {"A": "global", "B": "global"}}},
        {"Timeout": 30, "Layers": ["L2"], "Environment": {"Variables": {"B": "own", "C": {"Ref": "T"}}}},
    )

    assert merged == {
        "Timeout": 30,
        "Layers": ["L1", "L2"],
        "Environment": {"Variables": {"A": "global", "B": "own", "C": {"Ref": "T"}}},
    }


def test_an_intrinsic_replaces_rather_than_merges():
    assert merge_globals({"Ref": "A"}, {"Fn::GetAtt": ["B", "Arn"]}) == {"Fn::GetAtt": ["B", "Arn"]}


def write_template(tmp_path: Path, text: str) -> Template:
    path = tmp_path / "template.yaml"
    path.write_text(dedent(text))
    return Template.load(path)


def test_a_function_spec_reads_code_handler_environment_and_limits(tmp_path):
    template = write_template(
        tmp_path,
        """
        Globals:
          Function:
            Timeout: 10
            MemorySize: 512
            Environment:
              Variables:
                SERVICE: energy
        Resources:
          Table:
            Type: AWS::DynamoDB::Table
          DoFunction:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: functions/do_it/
              Handler: handlers.api.lambda_handler
              Timeout: 20
              Environment:
                Variables:
                  TABLE: !Ref Table
              Events:
                Post:
                  Type: HttpApi
                  Properties: {ApiId: !Ref Api, Method: post, Path: "/things/{id}"}
                Everything:
                  Type: HttpApi
                  Properties: {Auth: {Authorizer: NONE}}
                Nightly:
                  Type: Schedule
                  Properties: {Schedule: rate(1 day)}
        """,
    )

    function = template.function("DoFunction")

    assert function.code_dir == tmp_path / "functions" / "do_it"
    assert function.handler_file == tmp_path / "functions" / "do_it" / "handlers" / "api.py"
    assert function.handler_attribute == "lambda_handler"
    assert function.environment == {"SERVICE": "energy", "TABLE": {"Ref": "Table"}}
    assert (function.timeout_seconds, function.memory_mb) == (20, 512)
    assert [event.type for event in function.events] == ["HttpApi", "HttpApi", "Schedule"]
    post, everything = function.http_routes
    assert (post.route_key, post.api_id, post.authorizer) == ("POST /things/{id}", "Api", None)
    assert (everything.route_key, everything.api_id, everything.authorizer) == ("$default", None, "NONE")


def test_sam_defaults_apply_without_globals(tmp_path):
    template = write_template(
        tmp_path,
        """
        Resources:
          F:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: f/, Handler: app.handler}
        """,
    )

    function = template.function("F")

    assert (function.timeout_seconds, function.memory_mb, function.environment) == (3, 128, {})


def test_a_function_without_local_code_cannot_run_locally(tmp_path):
    template = write_template(
        tmp_path,
        """
        Resources:
          F:
            Type: AWS::Serverless::Function
            Properties: {CodeUri: {Bucket: b, Key: k}, Handler: app.handler}
        """,
    )

    with pytest.raises(TemplateError, match="CodeUri"):
        template.function("F")


def test_the_project_template_describes_its_functions_and_routes():
    template = Template.load()

    assert template.root == DEFAULT_TEMPLATE_PATH.parent
    functions = {function.logical_id: function for function in template.functions()}
    create_house = functions["CreateHouseFunction"]
    assert create_house.handler_file == template.root / "functions" / "create_house" / "app.py"
    assert create_house.handler_attribute == "lambda_handler"
    assert create_house.environment["HOUSES_TABLE"] == {"Ref": "HousesTable"}
    assert create_house.environment["POWERTOOLS_SERVICE_NAME"] == "house-energy"  # from Globals
    assert ("POST /users/{user_id}/houses", "CreateHouseFunction") in {
        (route.route_key, route.function_id) for route in template.http_routes()
    }
    assert {table.logical_id for table in template.tables()} >= {"UsersTable", "HousesTable", "IdempotencyTable"}
    assert template.user_pool().logical_id == "UserPool"
    assert [group.properties["GroupName"] for group in template.user_pool_groups()] == ["operators"]


def test_a_route_with_authorization_scopes_is_refused_rather_than_run_unchecked(tmp_path):
    # API Gateway checks those scopes and passes them in jwt.scopes; the local gateway does neither.
    template = write_template(
        tmp_path,
        """
        Resources:
          F:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: f/
              Handler: app.handler
              Events:
                Post:
                  Type: HttpApi
                  Properties: {Method: post, Path: /imports, Auth: {AuthorizationScopes: [imports/write]}}
        """,
    )

    with pytest.raises(TemplateError, match="AuthorizationScopes"):
        _ = template.function("F").http_routes
