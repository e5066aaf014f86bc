"""SES v2 import and export jobs, with moto's S3 server on 127.0.0.1 as the S3-compatible peer
(checking Signature V4: Sesame signs with an access key made in moto's IAM), and a local
directory as the other place files may live."""
import csv
import io
import json
import os
import time

import pytest
from botocore.exceptions import ClientError

from conftest import Sesame, create_database
from delivery_helpers import states, wait_until

SIM = "@simulator.amazonses.com"


def wait_job(get, job_id, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = get(JobId=job_id)
        if job["JobStatus"] in ("COMPLETED", "FAILED", "CANCELLED"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['JobStatus']}")


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_import_and_export_jobs_through_an_s3_compatible_endpoint(tmpdir_path, moto_s3, engine):
    endpoint, key, s3 = moto_s3
    n = Sesame(os.path.join(tmpdir_path, "data"), database_url=create_database() if engine == "postgres" else None,
               env={"SESAME_S3_ACCESS_KEY_ID": key["AccessKeyId"], "SESAME_S3_SECRET_ACCESS_KEY": key["SecretAccessKey"]},
               args=["--s3-endpoint", endpoint]).start()
    try:
        v2 = n.root_client("sesv2")
        # Suppression list: a CSV without a header (address,reason); one bad line fails alone.
        s3.put_object(Bucket="ses-jobs", Key="in/suppressed.csv",
                      Body=b"gone@example.net,BOUNCE\r\nangry@example.net,COMPLAINT\nnot-an-address,BOUNCE\n\"quoted@example.net\",bounce\n")
        job_id = v2.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                      ImportDataSource={"S3Url": "s3://ses-jobs/in/suppressed.csv", "DataFormat": "CSV"})["JobId"]
        job = wait_job(v2.get_import_job, job_id)
        assert (job["JobStatus"], job["ProcessedRecordsCount"], job["FailedRecordsCount"]) == ("COMPLETED", 4, 1)
        assert job["ImportDestination"] == {"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}}
        listed = {s["EmailAddress"]: s["Reason"] for s in v2.list_suppressed_destinations()["SuppressedDestinationSummaries"]}
        assert listed == {"gone@example.net": "BOUNCE", "angry@example.net": "COMPLAINT", "quoted@example.net": "BOUNCE"}
        # JSON Lines, DELETE.
        s3.put_object(Bucket="ses-jobs", Key="in/remove.json", Body=b'{"emailAddress": "angry@example.net"}\n')
        job_id = v2.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "DELETE"}},
                                      ImportDataSource={"S3Url": "s3://ses-jobs/in/remove.json", "DataFormat": "JSON"})["JobId"]
        assert wait_job(v2.get_import_job, job_id)["JobStatus"] == "COMPLETED"
        assert sorted(s["EmailAddress"] for s in v2.list_suppressed_destinations()["SuppressedDestinationSummaries"]) == [
            "gone@example.net", "quoted@example.net"]

        # Contact list: a header row names the columns, a column per topic.
        v2.create_contact_list(ContactListName="customers", Topics=[
            {"TopicName": "news", "DisplayName": "News", "DefaultSubscriptionStatus": "OPT_IN"}])
        s3.put_object(Bucket="ses-jobs", Key="in/contacts.csv",
                      Body=b'emailAddress,unsubscribeAll,attributes,news\nann@example.net,false,"{""plan"": ""gold""}",OPT_OUT\n'
                           b"bob@example.net,,,\n")
        job_id = v2.create_import_job(
            ImportDestination={"ContactListDestination": {"ContactListName": "customers", "ContactListImportAction": "PUT"}},
            ImportDataSource={"S3Url": "s3://ses-jobs/in/contacts.csv", "DataFormat": "CSV"})["JobId"]
        assert wait_job(v2.get_import_job, job_id)["ProcessedRecordsCount"] == 2
        ann = v2.get_contact(ContactListName="customers", EmailAddress="ann@example.net")
        assert ann["TopicPreferences"] == [{"TopicName": "news", "SubscriptionStatus": "OPT_OUT"}]
        assert json.loads(ann["AttributesData"]) == {"plan": "gold"}
        assert [c["EmailAddress"] for c in v2.list_contacts(ContactListName="customers")["Contacts"]] == [
            "ann@example.net", "bob@example.net"]
        with pytest.raises(ClientError) as missing:
            v2.create_import_job(
                ImportDestination={"ContactListDestination": {"ContactListName": "nope", "ContactListImportAction": "PUT"}},
                ImportDataSource={"S3Url": "s3://ses-jobs/in/contacts.csv", "DataFormat": "CSV"})
        assert missing.value.response["Error"]["Code"] == "NotFoundException"
        # A file that is not there: the job fails and says why.
        job_id = v2.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                      ImportDataSource={"S3Url": "s3://ses-jobs/in/nothing.csv", "DataFormat": "CSV"})["JobId"]
        failed = wait_job(v2.get_import_job, job_id)
        assert failed["JobStatus"] == "FAILED" and "NoSuchKey" in failed["FailureInfo"]["ErrorMessage"]
        assert len(v2.list_import_jobs()["ImportJobs"]) == 4
        assert len(v2.list_import_jobs(ImportDestinationType="CONTACT_LIST")["ImportJobs"]) == 1
        page = v2.list_import_jobs(PageSize=2)
        assert len(page["ImportJobs"]) == 2 and len(v2.list_import_jobs(PageSize=2, NextToken=page["NextToken"])["ImportJobs"]) == 2

        # Exports: message insights as CSV, metrics as JSON Lines.
        v2.create_email_identity(EmailIdentity="example.com")
        sent = v2.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["success" + SIM, "bounce" + SIM]},
                             Content={"Simple": {"Subject": {"Data": "Quarterly"}, "Body": {"Text": {"Data": "x"}}}})["MessageId"]
        wait_until(n, sent, lambda s: "queued" not in states(s).values() and len(s["recipients"]) == 2)
        now = time.time()
        window = {"StartDate": now - 3600, "EndDate": now + 60}
        job_id = v2.create_export_job(
            ExportDataSource={"MessageInsightsDataSource": dict(window, Exclude={"LastDeliveryEvent": ["PERMANENT_BOUNCE"]})},
            ExportDestination={"DataFormat": "CSV", "S3Url": "s3://ses-jobs/out/insights.csv"})["JobId"]
        job = wait_job(v2.get_export_job, job_id)
        assert job["JobStatus"] == "COMPLETED" and job["Statistics"]["ExportedRecordsCount"] == 1, job
        assert job["ExportSourceType"] == "MESSAGE_INSIGHTS"
        rows = list(csv.DictReader(io.StringIO(s3.get_object(Bucket="ses-jobs", Key="out/insights.csv")["Body"].read().decode())))
        assert [(r["messageId"], r["destination"], r["subject"], r["lastDeliveryEvent"]) for r in rows] == [
            (sent, "success" + SIM, "Quarterly", "DELIVERY")]
        job_id = v2.create_export_job(
            ExportDataSource={"MetricsDataSource": dict(window, Namespace="VDM", Dimensions={"EMAIL_IDENTITY": ["example.com"]},
                                                        Metrics=[{"Name": "SEND", "Aggregation": "VOLUME"},
                                                                 {"Name": "PERMANENT_BOUNCE", "Aggregation": "RATE"}])},
            ExportDestination={"DataFormat": "JSON", "S3Url": "s3://ses-jobs/out/metrics.json"})["JobId"]
        assert wait_job(v2.get_export_job, job_id)["JobStatus"] == "COMPLETED"
        lines = [json.loads(l) for l in s3.get_object(Bucket="ses-jobs", Key="out/metrics.json")["Body"].read().decode().splitlines()]
        assert sum(int(l["value"]) for l in lines if l["metric"] == "SEND") == 2
        assert max(float(l["value"]) for l in lines if l["metric"] == "PERMANENT_BOUNCE") == 0.5
        assert [j["JobId"] for j in v2.list_export_jobs(ExportSourceType="METRICS_DATA")["ExportJobs"]] == [job_id]
        with pytest.raises(ClientError) as finished:
            v2.cancel_export_job(JobId=job_id)
        assert finished.value.response["Error"]["Code"] == "BadRequestException"
        with pytest.raises(ClientError) as unknown:
            v2.get_export_job(JobId="no-such-job")
        assert unknown.value.response["Error"]["Code"] == "NotFoundException"
    finally:
        assert n.stop() == 0, n.read_log()


def test_jobs_with_a_local_directory_and_without_any_place(tmpdir_path):
    files = os.path.join(tmpdir_path, "files")
    os.makedirs(os.path.join(files, "bucket", "lists"))
    open(os.path.join(files, "bucket", "lists", "s.csv"), "w").write("emailAddress,reason\nx@example.net,BOUNCE\n")
    n = Sesame(os.path.join(tmpdir_path, "data"), args=["--s3-directory", files]).start()
    try:
        v2 = n.root_client("sesv2")
        job_id = v2.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                      ImportDataSource={"S3Url": "s3://bucket/lists/s.csv", "DataFormat": "CSV"})["JobId"]
        assert wait_job(v2.get_import_job, job_id)["JobStatus"] == "COMPLETED"
        assert v2.get_suppressed_destination(EmailAddress="x@example.net")["SuppressedDestination"]["Reason"] == "BOUNCE"
        job_id = v2.create_export_job(
            ExportDataSource={"MetricsDataSource": {"StartDate": time.time() - 60, "EndDate": time.time() + 60, "Namespace": "VDM",
                                                    "Dimensions": {"CONFIGURATION_SET": ["none"]},
                                                    "Metrics": [{"Name": "SEND", "Aggregation": "VOLUME"}]}},
            ExportDestination={"DataFormat": "CSV", "S3Url": "s3://bucket/out/m.csv"})["JobId"]
        assert wait_job(v2.get_export_job, job_id)["JobStatus"] == "COMPLETED"
        assert open(os.path.join(files, "bucket", "out", "m.csv")).readline().strip() == "timestamp,metric,aggregation,value"
        with pytest.raises(ClientError) as bad:
            v2.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                 ImportDataSource={"S3Url": "s3://bucket/../../etc/passwd", "DataFormat": "CSV"})
        assert bad.value.response["Error"]["Code"] == "BadRequestException"
    finally:
        assert n.stop() == 0
    # A node with no place for files accepts the job and fails it with a message that says what to do.
    n = Sesame(os.path.join(tmpdir_path, "data2")).start()
    try:
        v2 = n.root_client("sesv2")
        job_id = v2.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                      ImportDataSource={"S3Url": "s3://bucket/lists/s.csv", "DataFormat": "CSV"})["JobId"]
        failed = wait_job(v2.get_import_job, job_id)
        assert failed["JobStatus"] == "FAILED" and "--s3-endpoint" in failed["FailureInfo"]["ErrorMessage"]
    finally:
        assert n.stop() == 0
