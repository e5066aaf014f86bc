"""Every operation of the six service models Sesame serves (IAM, STS, SES v1, SES v2, SNS, SQS),
called with botocore against the real binary with minimal parameters built from the model.

Every answer must be one botocore parses: a success, a modelled error, a validation error, or
501 NotImplemented naming the service and the operation. Never an empty body, a 404 for an
operation the model has, or a 5xx other than 501. The test also counts, per service, the
operations Sesame implements (the README's table) and the generator's drift check lives here."""
import datetime
import os
import subprocess
import sys
import tempfile

import botocore
import botocore.session
import pytest
from botocore.exceptions import ClientError

SERVICES = ["iam", "sts", "ses", "sesv2", "sns", "sqs"]
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def minimal(shape, depth=0):
    """The smallest value botocore's own validation accepts for `shape`."""
    kind = shape.type_name
    if kind == "structure":
        return {name: minimal(shape.members[name], depth + 1) for name in shape.required_members}
    if kind == "list":
        count = shape.metadata.get("min", 0)
        return [minimal(shape.member, depth + 1) for _ in range(count)]
    if kind == "map":
        count = shape.metadata.get("min", 0)
        return {f"k{i}": minimal(shape.value, depth + 1) for i in range(count)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        length = max(shape.metadata.get("min", 1), 1)
        text = ("sesame" * (length // 6 + 1))[:max(length, 6)]
        maximum = shape.metadata.get("max")
        return text[:maximum] if maximum else text
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("double", "float"):
        return float(shape.metadata.get("min", 1))
    if kind == "boolean":
        return False
    if kind == "timestamp":
        return datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    if kind == "blob":
        return b"sesame"
    raise AssertionError(f"unexpected shape type {kind}")


def modelled_error_codes(model):
    codes = set()
    for name in model.shape_names:
        shape = model.shape_for(name)
        if shape.metadata.get("exception") or shape.metadata.get("error"):
            codes.add(shape.metadata.get("error", {}).get("code", name))
            codes.add(name)
    return codes


# Errors every AWS API may answer besides its modelled ones (request-level and validation).
COMMON = {"ValidationError", "ValidationException", "BadRequestException", "InvalidParameterValue", "InvalidParameter",
          "AccessDenied", "AccessDeniedException", "NotImplemented", "MessageRejected", "InvalidParameterValueException"}


# SQS (JSON, query-compatible) reports errors by their Query code, as AWS does; botocore shows
# that code. The modelled shape each stands for:
SQS_QUERY_CODES = {"AWS.SimpleQueueService.NonExistentQueue": "QueueDoesNotExist", "QueueAlreadyExists": "QueueNameExists",
                   "AWS.SimpleQueueService.EmptyBatchRequest": "EmptyBatchRequest",
                   "AWS.SimpleQueueService.TooManyEntriesInBatchRequest": "TooManyEntriesInBatchRequest",
                   "AWS.SimpleQueueService.BatchEntryIdsNotDistinct": "BatchEntryIdsNotDistinct",
                   "AWS.SimpleQueueService.InvalidBatchEntryId": "InvalidBatchEntryId",
                   "AWS.SimpleQueueService.PurgeQueueInProgress": "PurgeQueueInProgress",
                   "AWS.SimpleQueueService.MessageNotInflight": "MessageNotInflight"}


# How many operations of each model Sesame implements: the README's table says the same.
EXPECTED_IMPLEMENTED = {"iam": 95, "sts": 7, "ses": 71, "sesv2": 82, "sns": 21, "sqs": 23}


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_gets_an_answer_botocore_parses(sqlite_sesame, service):
    node = sqlite_sesame
    client = node.root_client(service)
    model = client.meta.service_model
    allowed = modelled_error_codes(model) | COMMON
    implemented, unimplemented, failures = [], [], []
    for name in model.operation_names:
        operation = model.operation_model(name)
        params = minimal(operation.input_shape) if operation.input_shape else {}
        method = getattr(client, botocore.xform_name(name))
        try:
            method(**params)
            implemented.append(name)
        except ClientError as error:
            code = error.response["Error"].get("Code", "")
            message = error.response["Error"].get("Message", "")
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            if code == "NotImplemented":
                unimplemented.append(name)
                if status != 501 or name not in message or model.metadata.get("serviceId", "") not in message:
                    failures.append(f"{name}: NotImplemented with status {status} and message {message!r}")
                continue
            implemented.append(name)
            if not code or code == str(status) or not message:
                failures.append(f"{name}: unparsed error (status {status}, code {code!r}, message {message!r})")
            elif status >= 500:
                failures.append(f"{name}: {status} {code}: {message}")
            elif code not in allowed and SQS_QUERY_CODES.get(code) not in allowed:
                failures.append(f"{name}: {code} is neither modelled nor a request-level error ({message})")
        except Exception as error:  # noqa: BLE001 - anything else botocore raises is a failure to parse
            failures.append(f"{name}: {type(error).__name__}: {error}")
    print(f"\n{service}: {len(implemented)} of {len(model.operation_names)} operations implemented")
    assert len(implemented) == EXPECTED_IMPLEMENTED[service], (
        f"{service} implements {len(implemented)} operations; update EXPECTED_IMPLEMENTED and the README's table")
    assert not failures, "\n".join(failures)
    assert len(implemented) + len(unimplemented) == len(model.operation_names)


def test_unimplemented_operation_is_501_in_each_protocol(sqlite_sesame):
    node = sqlite_sesame
    for service, call in [("iam", lambda c: c.create_instance_profile(InstanceProfileName="p")),
                          ("sesv2", lambda c: c.get_deliverability_dashboard_options()),
                          # SQS (AWS JSON 1.0) implements every operation, so none is left to answer 501 there.
                          ("sns", lambda c: c.create_platform_application(Name="p", Platform="GCM", Attributes={}))]:
        client = node.root_client(service)
        with pytest.raises(ClientError) as raised:
            call(client)
        error = raised.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 501, (service, error)
        assert error["Error"]["Code"] == "NotImplemented"
        assert "Sesame does not implement the" in error["Error"]["Message"]


def test_generated_models_are_current():
    """Running the generator again against the installed botocore changes nothing."""
    with open(os.path.join(ROOT, "Sources", "SesameAWSModels", "IAM", "IAMModel.swift")) as f:
        header = f.readline()
    assert f"botocore {botocore.__version__} " in header, (
        f"the generated models come from another botocore ({header.strip()}); installed is {botocore.__version__}: "
        "run scripts/generate-aws-models and commit the result")
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "generate-aws-models"), out], check=True,
                       capture_output=True)
        diff = subprocess.run(["diff", "-r", out, os.path.join(ROOT, "Sources", "SesameAWSModels")],
                              capture_output=True, text=True)
        assert diff.returncode == 0, "scripts/generate-aws-models changes the generated code:\n" + diff.stdout[:4000]
