# SES's feedback pipeline as teams build it with Terraform: an SNS topic with a policy, an SQS
# queue with a dead-letter queue and a queue policy that lets the topic send, and the
# topic-to-queue subscription with a filter policy and raw delivery off; an HTTP webhook that
# confirms its own subscription; and a FIFO topic feeding a FIFO queue.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" { type = string }
variable "http_endpoint" { type = string }
variable "access_key" { type = string }
variable "secret_key" {
  type      = string
  sensitive = true
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = var.access_key
  secret_key                  = var.secret_key
  skip_metadata_api_check     = true
  skip_credentials_validation = true
  endpoints {
    sts = var.endpoint
    sns = var.endpoint
    sqs = var.endpoint
  }
}

data "aws_caller_identity" "current" {}

resource "aws_sns_topic" "feedback" {
  name         = "tf-ses-feedback"
  display_name = "SES feedback"
}

resource "aws_sns_topic_policy" "feedback" {
  arn = aws_sns_topic.feedback.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ses"
      Effect    = "Allow"
      Principal = { Service = "ses.amazonaws.com" }
      Action    = "SNS:Publish"
      Resource  = aws_sns_topic.feedback.arn
    }]
  })
}

resource "aws_sqs_queue" "dead" {
  name                      = "tf-feedback-dlq"
  message_retention_seconds = 1209600
}

resource "aws_sqs_queue" "feedback" {
  name                       = "tf-feedback"
  visibility_timeout_seconds = 60
  receive_wait_time_seconds  = 10
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead.arn
    maxReceiveCount     = 5
  })
  tags = { team = "mail" }
}

resource "aws_sqs_queue_policy" "feedback" {
  queue_url = aws_sqs_queue.feedback.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.feedback.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.feedback.arn } }
    }]
  })
}

resource "aws_sns_topic_subscription" "queue" {
  topic_arn     = aws_sns_topic.feedback.arn
  protocol      = "sqs"
  endpoint      = aws_sqs_queue.feedback.arn
  filter_policy = jsonencode({ notificationType = ["Bounce", "Complaint"] })
}

# A webhook that confirms its subscription itself (Terraform waits for the confirmation).
resource "aws_sns_topic_subscription" "webhook" {
  topic_arn              = aws_sns_topic.feedback.arn
  protocol               = "http"
  endpoint               = var.http_endpoint
  endpoint_auto_confirms = true
}

# A FIFO topic feeding a FIFO queue, in order per message group.
resource "aws_sns_topic" "orders" {
  name                        = "tf-orders.fifo"
  fifo_topic                  = true
  content_based_deduplication = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "owner"
      Effect    = "Allow"
      Principal = { AWS = data.aws_caller_identity.current.account_id }
      Action    = "SNS:Publish"
      Resource  = "arn:aws:sns:us-east-1:${data.aws_caller_identity.current.account_id}:tf-orders.fifo"
    }]
  })
}

resource "aws_sqs_queue" "orders" {
  name                        = "tf-orders.fifo"
  fifo_queue                  = true
  content_based_deduplication = true
}

resource "aws_sqs_queue_policy" "orders" {
  queue_url = aws_sqs_queue.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.orders.arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_sns_topic.orders.arn } }
    }]
  })
}

resource "aws_sns_topic_subscription" "orders" {
  topic_arn            = aws_sns_topic.orders.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.orders.arn
  raw_message_delivery = true
}

output "topic_arn" { value = aws_sns_topic.feedback.arn }
output "queue_url" { value = aws_sqs_queue.feedback.id }
output "subscription_arn" { value = aws_sns_topic_subscription.queue.arn }
output "webhook_subscription_arn" { value = aws_sns_topic_subscription.webhook.arn }
output "orders_topic_arn" { value = aws_sns_topic.orders.arn }
output "orders_queue_url" { value = aws_sqs_queue.orders.id }
