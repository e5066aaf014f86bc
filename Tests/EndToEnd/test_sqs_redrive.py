"""SQS beyond one consumer: messages surviving a SIGKILL; message move tasks that redrive a dead-letter queue (back to the
source queues, or to a destination, at a rate, cancellable), and two nodes on one PostgreSQL
whose consumers never receive a message another consumer holds."""
import collections
import os
import signal
import threading
import time

from conftest import Sesame, create_database
from sns_helpers import error_of


def queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def counts(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"])


def wait_for_status(sqs, source, status, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        [task] = sqs.list_message_move_tasks(SourceArn=source, MaxResults=1)["Results"]
        if task["Status"] == status:
            return task
        time.sleep(0.2)
    raise AssertionError(f"the task is {task}")


def test_message_move_tasks_redrive_a_dead_letter_queue(sesame):
    sqs = sesame.root_client("sqs")
    dlq_url, dlq_arn = queue(sqs, "work-dlq")
    work_url, work_arn = queue(sqs, "work", RedrivePolicy=f'{{"deadLetterTargetArn": "{dlq_arn}", "maxReceiveCount": "1"}}')
    other_url, other_arn = queue(sqs, "other")
    for i in range(5):
        sqs.send_message(QueueUrl=work_url, MessageBody=f"job {i}")
    # Received once and not deleted, each message moves to the dead-letter queue on its next receive.
    for _ in range(2):
        for _ in range(3):
            sqs.receive_message(QueueUrl=work_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert counts(sqs, dlq_url) == 5 and counts(sqs, work_url) == 0
    # SQS's checks.
    code, message = error_of(sqs.start_message_move_task, SourceArn=work_arn)
    assert code == "InvalidParameterValue" and message == "Source queue must be configured as a Dead Letter Queue."
    assert error_of(sqs.start_message_move_task, SourceArn=dlq_arn.replace("work-dlq", "nope"))[0] == "ResourceNotFoundException"
    assert error_of(sqs.start_message_move_task, SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=501)[0] == "InvalidParameterValue"
    assert error_of(sqs.cancel_message_move_task, TaskHandle="no-such-task")[0] == "ResourceNotFoundException"
    # Back to where they came from, two a second.
    started = time.time()
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, MaxNumberOfMessagesPerSecond=2)["TaskHandle"]
    [running] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert (running["TaskHandle"], running["Status"], running["ApproximateNumberOfMessagesToMove"]) == (handle, "RUNNING", 5)
    code, message = error_of(sqs.start_message_move_task, SourceArn=dlq_arn)
    assert "Only one active task is allowed" in message, code
    done = wait_for_status(sqs, dlq_arn, "COMPLETED")
    assert time.time() - started >= 2  # five messages at two a second take three steps
    assert done["ApproximateNumberOfMessagesMoved"] == 5 and "TaskHandle" not in done
    assert counts(sqs, work_url) == 5 and counts(sqs, dlq_url) == 0
    received = sqs.receive_message(QueueUrl=work_url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in received} == {"1"}  # a fresh start in the source queue
    assert sorted(m["Body"] for m in received) == [f"job {i}" for i in range(5)]
    # To a named destination, cancelled part way.
    for m in received:
        sqs.change_message_visibility(QueueUrl=work_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    for _ in range(3):
        sqs.receive_message(QueueUrl=work_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert counts(sqs, dlq_url) == 5
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=other_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    time.sleep(1.5)
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    cancelled = wait_for_status(sqs, dlq_arn, "CANCELLED")
    assert 1 <= cancelled["ApproximateNumberOfMessagesMoved"] < 5 and moved <= cancelled["ApproximateNumberOfMessagesMoved"]
    assert cancelled["DestinationArn"] == other_arn
    assert counts(sqs, other_url) == cancelled["ApproximateNumberOfMessagesMoved"]
    assert len(sqs.list_message_move_tasks(SourceArn=dlq_arn, MaxResults=10)["Results"]) == 2


def test_two_nodes_on_one_postgres_never_hand_out_a_message_twice(tmpdir_path):
    url = create_database()
    env = {"SESAME_MASTER_KEY": "q2+1NtVXcJt9d2X4n7QfKcH1aA9cR3Ww0e5yZbL6mUo="}
    first = Sesame(os.path.join(tmpdir_path, "one"), database_url=url, env=env).start()
    second = Sesame(os.path.join(tmpdir_path, "two"), database_url=url, env=env).start()
    try:
        creds = first.root_credentials()
        clients = [n.client("sqs", creds["Access key ID"], creds["Secret access key"]) for n in (first, second)]
        queue_url = clients[0].create_queue(QueueName="shared", Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
        total = 300
        for start in range(0, total, 10):
            clients[start // 10 % 2].send_message_batch(
                QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)])
        received = collections.Counter()
        handles = []
        lock = threading.Lock()

        def consume(client):
            idle = 0
            while idle < 2:
                messages = client.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
                idle = 0 if messages else idle + 1
                with lock:
                    for m in messages:
                        received[m["MessageId"]] += 1
                        handles.append((client, m["ReceiptHandle"]))

        # Four consumers, two on each node, race for the same rows; nothing is deleted until the end,
        # so a message handed out twice within its visibility timeout would be counted twice.
        threads = [threading.Thread(target=consume, args=(clients[i % 2],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert len(received) == total and set(received.values()) == {1}, collections.Counter(received.values())
        for client, handle in handles:
            client.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
        attributes = clients[1].get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == "0" and attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    finally:
        assert first.stop() == 0
        assert second.stop() == 0


def test_messages_survive_a_sigkill_and_come_back_after_their_visibility_timeout(sesame):
    """A message acknowledged by SendMessage is never lost, and one received but not deleted
    reappears after its visibility timeout, even when the node is killed in between."""
    sqs = sesame.root_client("sqs")
    url = sqs.create_queue(QueueName="durable")["QueueUrl"]
    sent = [sqs.send_message(QueueUrl=url, MessageBody=f"job {i}")["MessageId"] for i in range(3)]
    [held] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=3)["Messages"]
    sesame.proc.send_signal(signal.SIGKILL)
    sesame.proc.wait()
    sesame.start()
    sqs = sesame.root_client("sqs")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    assert sorted(m["MessageId"] for m in first) == sorted(set(sent) - {held["MessageId"]})  # the held one is still hidden
    [again] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=10)["Messages"]
    assert again["MessageId"] == held["MessageId"] and again["Body"] == held["Body"]
