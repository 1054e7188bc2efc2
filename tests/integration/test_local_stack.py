"""The project's template.yaml provisioned in moto: every resource exists as the template declares it.

Each test provisions under its own prefix: moto's backends are per process, and another fixture of this
folder may hold a session-wide deployment in them.
"""

import json
import uuid

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

from local.deployment import Deployment
from local.functions import FunctionRuntime
from local.gateway import http_api_from_deployment
from local.provision import RealAwsRefusedError, provision
from local.seed import seed_user
from local.stack import LOCAL_PARAMETERS
from local.template import Template

REGION = "eu-west-1"


@pytest.fixture(scope="module")
def template() -> Template:
    return Template.load()


@pytest.fixture
def prefix() -> str:
    return f"stack{uuid.uuid4().hex[:8]}"


@pytest.fixture
def deployed(template, prefix):
    with mock_aws():
        yield provision(template, prefix=prefix, region=REGION, parameters=LOCAL_PARAMETERS)


def resolved_properties(deployment: Deployment, logical_id: str) -> dict:
    return deployment.resolve(deployment.template.resource(logical_id).properties)


def test_every_table_exists_as_declared(deployed: Deployment, template, prefix):
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    assert template.tables(), "the template declares tables"

    for table in template.tables():
        declared = resolved_properties(deployed, table.logical_id)
        name = deployed.ref(table.logical_id)
        assert name == f"{prefix}-{table.logical_id}"
        actual = dynamodb.describe_table(TableName=name)["Table"]

        assert actual["KeySchema"] == declared["KeySchema"], table.logical_id
        assert sorted(actual["AttributeDefinitions"], key=str) == sorted(declared["AttributeDefinitions"], key=str)
        assert actual["BillingModeSummary"]["BillingMode"] == declared["BillingMode"]
        declared_indexes = {index["IndexName"]: index for index in declared.get("GlobalSecondaryIndexes", [])}
        actual_indexes = {index["IndexName"]: index for index in actual.get("GlobalSecondaryIndexes", [])}
        assert actual_indexes.keys() == declared_indexes.keys(), table.logical_id
        for index_name, index in declared_indexes.items():
            assert actual_indexes[index_name]["KeySchema"] == index["KeySchema"]
            assert actual_indexes[index_name]["Projection"] == index["Projection"]
        if declared.get("SSESpecification", {}).get("SSEEnabled"):
            assert actual["SSEDescription"]["Status"] == "ENABLED"

        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if "TimeToLiveSpecification" in declared:
            attribute = declared["TimeToLiveSpecification"]["AttributeName"]
            assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": attribute}
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED"

        backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        declared_recovery = declared.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled")
        expected_status = "ENABLED" if declared_recovery else "DISABLED"
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == expected_status


def test_the_user_pool_exists_as_declared(deployed: Deployment, template, prefix):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    declared = resolved_properties(deployed, template.user_pool().logical_id)

    pool = cognito.describe_user_pool(UserPoolId=deployed.ref("UserPool"))["UserPool"]

    assert pool["Name"] == f"{prefix}-users"
    assert pool["UsernameAttributes"] == declared["UsernameAttributes"]
    assert pool["UsernameConfiguration"] == declared["UsernameConfiguration"]
    assert pool["AutoVerifiedAttributes"] == declared["AutoVerifiedAttributes"]
    assert pool["Policies"]["PasswordPolicy"] == declared["Policies"]["PasswordPolicy"]
    assert pool["AdminCreateUserConfig"] == declared["AdminCreateUserConfig"]
    assert pool["EmailConfiguration"] == {"EmailSendingAccount": "COGNITO_DEFAULT"}  # the condition is false
    schema = {attribute["Name"]: attribute for attribute in pool["SchemaAttributes"]}
    for attribute in declared["Schema"]:
        assert schema[attribute["Name"]]["Required"] == attribute["Required"]
        assert schema[attribute["Name"]]["Mutable"] == attribute["Mutable"]
        assert schema[attribute["Name"]]["AttributeDataType"] == attribute["AttributeDataType"]


def test_the_app_client_and_groups_exist_as_declared(deployed: Deployment, template, prefix):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    pool_id = deployed.ref("UserPool")

    for client in template.user_pool_clients():
        declared = resolved_properties(deployed, client.logical_id)
        actual = cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=deployed.ref(client.logical_id))[
            "UserPoolClient"
        ]
        assert sorted(actual["ExplicitAuthFlows"]) == sorted(declared["ExplicitAuthFlows"])
        assert "ALLOW_USER_PASSWORD_AUTH" in actual["ExplicitAuthFlows"]
        assert "ClientSecret" not in actual
        assert actual["ClientName"] == f"{prefix}-portal-and-app"
        for setting in ("AccessTokenValidity", "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits"):
            assert actual[setting] == declared[setting], setting

    for group in template.user_pool_groups():
        declared = resolved_properties(deployed, group.logical_id)
        actual = cognito.get_group(GroupName=deployed.ref(group.logical_id), UserPoolId=pool_id)["Group"]
        assert actual["GroupName"] == declared["GroupName"] == "operators"
        assert actual["Description"] == declared["Description"]


def test_function_environments_name_the_local_resources(deployed: Deployment, prefix):
    environment = deployed.function_environment("CreateHouseFunction")

    assert environment["HOUSES_TABLE"] == f"{prefix}-HousesTable"
    assert environment["USERS_TABLE"] == f"{prefix}-UsersTable"
    assert environment["IDEMPOTENCY_TABLE"] == f"{prefix}-IdempotencyTable"
    assert environment["POWERTOOLS_SERVICE_NAME"] == "house-energy"
    assert deployed.function_environment("CreateUserFunction")["USER_POOL_ID"] == deployed.ref("UserPool")
    assert deployed.combined_function_environment()["HOUSES_TABLE"] == f"{prefix}-HousesTable"


def test_provisioning_refuses_an_account_that_is_not_moto(template, prefix):
    with mock_aws():
        # Credentials of another account, as real AWS credentials would be.
        credentials = boto3.client("sts", region_name=REGION).assume_role(
            RoleArn="arn:aws:iam::999999999999:role/someone", RoleSessionName="test"
        )["Credentials"]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=REGION,
        )

        with pytest.raises(RealAwsRefusedError, match="999999999999"):
            provision(template, prefix=prefix, region=REGION, session=session)

        assert session.client("dynamodb").list_tables()["TableNames"] == []  # nothing was created there


def test_tokens_of_moto_server_pass_the_template_authorizer(template, prefix, monkeypatch):
    """moto's server mode signs RS256 tokens and serves their JWKS: the real check runs against them."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        deployment = provision(template, prefix=prefix, region=REGION, parameters=LOCAL_PARAMETERS)
        cognito = boto3.client("cognito-idp", region_name=REGION)
        seed_user(
            cognito,
            user_pool_id=deployment.ref("UserPool"),
            email="op@example.com",
            password="Operator-Test-2024",
            groups=["operators"],
        )
        tokens = cognito.initiate_auth(
            ClientId=deployment.ref("UserPoolClient"),
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "op@example.com", "PASSWORD": "Operator-Test-2024"},
        )["AuthenticationResult"]
        route = next(r for r in template.http_routes() if r.route_key == "POST /users/{user_id}/houses")
        runtime = FunctionRuntime(
            template.function(route.function_id), function_name="f", region=REGION, account_id="123456789012"
        )
        api = http_api_from_deployment(deployment, [route], {route.function_id: runtime}, aws_endpoint=endpoint)
        api.stop()
        (gateway_route,) = api.routes
        authorizer = gateway_route.authorizer
        assert authorizer is not None
        assert authorizer.issuer == f"https://cognito-idp.{REGION}.amazonaws.com/{deployment.ref('UserPool')}"
        assert authorizer.identity_header == "authorization"

        id_claims = authorizer.verify(f"Bearer {tokens['IdToken']}")
        access_claims = authorizer.verify(f"Bearer {tokens['AccessToken']}")

        assert id_claims["cognito:groups"] == ["operators"]
        assert id_claims["email"] == "op@example.com"
        assert access_claims["client_id"] == deployment.ref("UserPoolClient")
    finally:
        server.stop()


def test_every_bucket_exists_as_declared(deployed: Deployment, template, prefix):
    s3 = boto3.client("s3", region_name=REGION)
    buckets = template.resources_of_type("AWS::S3::Bucket")
    assert buckets, "the template declares buckets"

    for bucket in buckets:
        declared = resolved_properties(deployed, bucket.logical_id)
        name = deployed.ref(bucket.logical_id)
        assert name == f"{prefix}-{bucket.logical_id.lower()}"
        assert deployed.get_att(bucket.logical_id, "Arn") == f"arn:aws:s3:::{name}"
        if "BucketEncryption" in declared:
            (rule,) = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
            (declared_rule,) = declared["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            assert rule["ApplyServerSideEncryptionByDefault"] == declared_rule["ServerSideEncryptionByDefault"]
        if "PublicAccessBlockConfiguration" in declared:
            block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
            assert block == declared["PublicAccessBlockConfiguration"]
        if "LifecycleConfiguration" in declared:
            rules = {rule["ID"]: rule for rule in s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"]}
            for declared_rule in declared["LifecycleConfiguration"]["Rules"]:
                rule = rules[declared_rule["Id"]]
                assert rule["Filter"] == {"Prefix": declared_rule.get("Prefix", "")}
                if "ExpirationInDays" in declared_rule:
                    assert rule["Expiration"] == {"Days": declared_rule["ExpirationInDays"]}
                if "AbortIncompleteMultipartUpload" in declared_rule:
                    assert rule["AbortIncompleteMultipartUpload"] == declared_rule["AbortIncompleteMultipartUpload"]


def test_every_queue_exists_as_declared_with_its_dead_letter_queue(deployed: Deployment, template, prefix):
    sqs = boto3.client("sqs", region_name=REGION)
    queues = template.resources_of_type("AWS::SQS::Queue")
    assert queues, "the template declares queues"

    for queue in queues:
        declared = resolved_properties(deployed, queue.logical_id)
        url = deployed.ref(queue.logical_id)  # Ref of a queue is its URL
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert url.endswith(f"/{prefix}-{queue.logical_id}")
        assert deployed.get_att(queue.logical_id, "Arn") == attributes["QueueArn"]
        assert deployed.get_att(queue.logical_id, "QueueName") == f"{prefix}-{queue.logical_id}"
        for name in ("VisibilityTimeout", "MessageRetentionPeriod"):
            if name in declared:
                assert attributes[name] == str(declared[name]), (queue.logical_id, name)
        if "RedrivePolicy" in declared:
            redrive = json.loads(attributes["RedrivePolicy"])
            dead_letter_id = next(
                q.logical_id for q in queues if deployed.get_att(q.logical_id, "Arn") == redrive["deadLetterTargetArn"]
            )
            assert redrive["maxReceiveCount"] == declared["RedrivePolicy"]["maxReceiveCount"]
            assert dead_letter_id in deployed.physical_names()


def test_the_new_file_rule_sends_raw_objects_of_the_bucket_to_the_queue(deployed: Deployment):
    events = boto3.client("events", region_name=REGION)
    name = deployed.ref("NewMeteringFileRule")

    pattern = json.loads(events.describe_rule(Name=name)["EventPattern"])
    (target,) = events.list_targets_by_rule(Rule=name)["Targets"]

    assert pattern["detail"] == {
        "bucket": {"name": [deployed.ref("MeteringFilesBucket")]},
        "object": {"key": [{"prefix": "raw/"}]},
    }
    assert target["Arn"] == deployed.get_att("MeteringFileQueue", "Arn")
    policy = json.loads(
        boto3.client("sqs", region_name=REGION).get_queue_attributes(
            QueueUrl=deployed.ref("MeteringFileQueue"), AttributeNames=["Policy"]
        )["Attributes"]["Policy"]
    )
    assert policy["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] == deployed.get_att(
        "NewMeteringFileRule", "Arn"
    )


def test_the_poller_schedule_has_the_rule_sam_generates(deployed: Deployment, template):
    events = boto3.client("events", region_name=REGION)
    (poll,) = template.function("FtpPollerFunction").events_of_type("Schedule")

    rule = events.describe_rule(Name=deployed.ref(f"FtpPollerFunction{poll.name}"))

    assert rule["ScheduleExpression"] == deployed.resolve(poll.properties["Schedule"])
    assert rule["State"] == "ENABLED"
    assert rule["Arn"] == deployed.get_att(f"FtpPollerFunction{poll.name}", "Arn")


def test_function_environments_name_the_local_queues_and_bucket(deployed: Deployment, prefix):
    split = deployed.function_environment("SplitMeteringFileFunction")

    assert split["METERING_CHUNK_QUEUE_URL"] == deployed.ref("MeteringChunkQueue")
    assert split["METERING_FILES_BUCKET"] == f"{prefix}-meteringfilesbucket"
    assert deployed.function_environment("ManageDistributorConnectionsFunction")["CONNECTION_SECRETS_PREFIX"] == (
        f"{prefix}/distributor-connections/"
    )


def test_password_sign_in_is_allowed_only_where_the_stack_parameter_enables_it(template, prefix):
    cognito = boto3.client("cognito-idp", region_name=REGION)
    for parameters, allowed in (({}, False), (LOCAL_PARAMETERS, True)):
        with mock_aws():  # within the session's mock_aws when other tests opened it: a prefix of each one's own
            deployed = provision(template, prefix=f"{prefix}{allowed:d}", region=REGION, parameters=parameters)
            client = cognito.describe_user_pool_client(
                UserPoolId=deployed.ref("UserPool"), ClientId=deployed.ref("UserPoolClient")
            )["UserPoolClient"]
        assert ("ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]) is allowed
        assert "ALLOW_USER_SRP_AUTH" in client["ExplicitAuthFlows"]


def test_the_alarms_are_created_as_declared(deployed: Deployment, template, prefix):
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    alarms = cloudwatch.describe_alarms(AlarmNamePrefix=f"{prefix}-")["MetricAlarms"]
    declared = template.resources_of_type("AWS::CloudWatch::Alarm")
    assert sorted(alarm["AlarmName"] for alarm in alarms) == sorted(deployed.ref(r.logical_id) for r in declared)
    assert {alarm["Namespace"] for alarm in alarms} == {"AWS/SQS", "AWS/Lambda", "HouseEnergy"}
