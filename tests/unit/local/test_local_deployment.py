from pathlib import Path
from textwrap import dedent

import pytest

from local.deployment import (
    Deployment,
    EnvironmentConflictError,
    ProvisionedResource,
    export_function_environments,
)
from local.template import Template, TemplateError

TEMPLATE = """
Parameters:
  Sender:
    Type: String
    Default: ""
  Origins:
    Type: CommaDelimitedList
    Default: "https://a.example,https://b.example"
Conditions:
  UseSes: !Not [!Equals [!Ref Sender, ""]]
Mappings:
  Retention:
    eu-west-1: {Days: 30}
Globals:
  Function:
    Environment:
      Variables:
        SERVICE: energy
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  Pool:
    Type: AWS::Cognito::UserPool
  Queue:
    Type: AWS::SQS::Queue
    Condition: UseSes
  ReadFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: read/
      Handler: app.handler
      Environment:
        Variables:
          TABLE: !Ref Table
          POOL_ARN: !GetAtt Pool.Arn
          ISSUER: !Sub "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
          DEBUG: true
          RETENTION: !FindInMap [Retention, !Ref AWS::Region, Days]
          SENDER: !If [UseSes, !Ref Sender, !Ref AWS::NoValue]
  WriteFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: write/
      Handler: app.handler
      Environment:
        Variables:
          TABLE: !Ref Table
"""


def deployment_of(tmp_path: Path, text: str = TEMPLATE, **parameters: str) -> Deployment:
    path = tmp_path / "template.yaml"
    path.write_text(dedent(text))
    deployment = Deployment(Template.load(path), prefix="dev", region="eu-west-1", parameters=parameters)
    deployment.record("Table", ProvisionedResource(ref="dev-Table", attributes={"Arn": "arn:table"}))
    deployment.record("Pool", ProvisionedResource(ref="eu-west-1_abc", attributes={"Arn": "arn:pool"}))
    return deployment


def test_a_function_environment_resolves_to_local_values(tmp_path):
    environment = deployment_of(tmp_path).function_environment("ReadFunction")

    assert environment == {
        "SERVICE": "energy",
        "TABLE": "dev-Table",
        "POOL_ARN": "arn:pool",
        "ISSUER": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc",
        "DEBUG": "true",
        "RETENTION": "30",
    }


def test_conditions_follow_parameters(tmp_path):
    deployment = deployment_of(tmp_path, Sender="arn:ses")

    assert deployment.condition("UseSes") is True
    assert deployment.function_environment("ReadFunction")["SENDER"] == "arn:ses"
    assert deployment.is_created(deployment.template.resource("Queue"))
    assert not deployment_of(tmp_path).is_created(deployment.template.resource("Queue"))


def test_refs_of_parameters_pseudo_parameters_and_unprovisioned_resources(tmp_path):
    deployment = deployment_of(tmp_path)

    assert deployment.resolve({"Ref": "Origins"}) == ["https://a.example", "https://b.example"]
    assert deployment.resolve({"Ref": "AWS::StackName"}) == "dev"
    assert deployment.resolve({"Ref": "AWS::AccountId"}) == "123456789012"
    assert deployment.resolve({"Ref": "ReadFunction"}) == "dev-ReadFunction"
    assert deployment.resolve({"Fn::Sub": "${!Literal}-${Table.Arn}"}) == "${Literal}-arn:table"
    assert deployment.resolve({"Fn::Sub": ["${X}/${Table}", {"X": {"Ref": "AWS::Region"}}]}) == "eu-west-1/dev-Table"
    assert deployment.resolve(["a", {"Ref": "AWS::NoValue"}, "b"]) == ["a", "b"]


def test_unresolvable_values_are_errors_that_name_the_problem(tmp_path):
    deployment = deployment_of(tmp_path)

    with pytest.raises(TemplateError, match="Missing"):
        deployment.resolve({"Ref": "Missing"})
    with pytest.raises(TemplateError, match="ReadFunction is not provisioned"):
        deployment.resolve({"Fn::GetAtt": ["ReadFunction", "Arn"]})
    with pytest.raises(TemplateError, match="StreamArn"):
        deployment.resolve({"Fn::GetAtt": ["Table", "StreamArn"]})
    with pytest.raises(TemplateError, match="condition is false"):
        deployment.resolve({"Ref": "Queue"})
    with pytest.raises(TemplateError, match="Fn::ImportValue"):
        deployment.resolve({"Fn::ImportValue": "x"})


def test_the_combined_environment_is_the_union_of_the_functions(tmp_path):
    deployment = deployment_of(tmp_path)
    environ: dict[str, str] = {"TABLE": "stale", "UNRELATED": "kept"}

    exported = export_function_environments(deployment, environ)

    assert exported["TABLE"] == "dev-Table"
    assert exported["POOL_ARN"] == "arn:pool"
    assert environ == {**exported, "UNRELATED": "kept"}


def test_two_functions_wanting_different_values_for_one_variable_are_refused(tmp_path):
    write_function_overrides_service = TEMPLATE + "          SERVICE: other\n"
    deployment = deployment_of(tmp_path, write_function_overrides_service)

    with pytest.raises(EnvironmentConflictError, match=r"SERVICE is 'energy' in ReadFunction but 'other' in Write"):
        deployment.combined_function_environment()
