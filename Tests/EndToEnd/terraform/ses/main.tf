# SES as teams manage it with Terraform: identities (domain, DKIM, MAIL FROM, email), sending
# authorization policies, templates, notification topics, configuration sets with every option
# and their event destinations, in SES v1 and v2 resources.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "endpoint" { type = string }
variable "access_key" { type = string }
variable "secret_key" {
  type      = string
  sensitive = true
}
# Made by the test with boto3: Terraform's aws_sns_topic needs SNS operations of another issue.
variable "topic_arn" { type = string }
variable "byodkim_private_key" {
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
    iam   = var.endpoint
    sts   = var.endpoint
    ses   = var.endpoint
    sesv2 = var.endpoint
    sns   = var.endpoint
  }
}

data "aws_caller_identity" "current" {}

# SES v1 resources
resource "aws_ses_domain_identity" "main" {
  domain = "tf-ses.example.com"
}

resource "aws_ses_domain_dkim" "main" {
  domain = aws_ses_domain_identity.main.domain
}

resource "aws_ses_domain_mail_from" "main" {
  domain                 = aws_ses_domain_identity.main.domain
  mail_from_domain       = "bounce.${aws_ses_domain_identity.main.domain}"
  behavior_on_mx_failure = "RejectMessage"
}

resource "aws_ses_email_identity" "robot" {
  email = "robot@tf-ses.example.com"
}

resource "aws_ses_identity_policy" "delegate" {
  identity = aws_ses_domain_identity.main.arn
  name     = "delegate"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = ["ses:SendEmail", "ses:SendRawEmail"]
      Resource  = aws_ses_domain_identity.main.arn
    }]
  })
}

resource "aws_ses_template" "welcome" {
  name    = "tf-welcome"
  subject = "Welcome, {{name}}"
  html    = "<p>Hello {{name}}</p>"
  text    = "Hello {{name}}"
}

resource "aws_ses_identity_notification_topic" "bounces" {
  topic_arn                = var.topic_arn
  notification_type        = "Bounce"
  identity                 = aws_ses_domain_identity.main.domain
  include_original_headers = true
}

resource "aws_ses_configuration_set" "v1" {
  name                       = "tf-v1-set"
  reputation_metrics_enabled = true
  sending_enabled            = true
  delivery_options {
    tls_policy = "Require"
  }
  tracking_options {
    custom_redirect_domain = "track.tf-ses.example.com"
  }
}

resource "aws_ses_event_destination" "sns" {
  name                   = "to-sns"
  configuration_set_name = aws_ses_configuration_set.v1.name
  enabled                = true
  matching_types         = ["bounce", "complaint", "delivery"]
  sns_destination {
    topic_arn = var.topic_arn
  }
}

# SES v2 resources
resource "aws_sesv2_configuration_set" "v2" {
  configuration_set_name = "tf-v2-set"
  delivery_options {
    tls_policy           = "REQUIRE"
    max_delivery_seconds = 600
  }
  reputation_options {
    reputation_metrics_enabled = true
  }
  sending_options {
    sending_enabled = true
  }
  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }
  tracking_options {
    custom_redirect_domain = "track2.tf-ses.example.com"
    https_policy           = "REQUIRE"
  }
  vdm_options {
    dashboard_options {
      engagement_metrics = "ENABLED"
    }
    guardian_options {
      optimized_shared_delivery = "DISABLED"
    }
  }
  tags = { team = "mail" }
}

resource "aws_sesv2_configuration_set_event_destination" "sns" {
  configuration_set_name = aws_sesv2_configuration_set.v2.configuration_set_name
  event_destination_name = "v2-to-sns"
  event_destination {
    enabled              = true
    matching_event_types = ["SEND", "BOUNCE"]
    sns_destination {
      topic_arn = var.topic_arn
    }
  }
}

# Destinations Sesame cannot deliver to are stored and read back all the same.
resource "aws_ses_event_destination" "cloudwatch" {
  name                   = "to-cloudwatch"
  configuration_set_name = aws_ses_configuration_set.v1.name
  enabled                = true
  matching_types         = ["send", "open"]
  cloudwatch_destination {
    default_value  = "none"
    dimension_name = "campaign"
    value_source   = "messageTag"
  }
}

resource "aws_sesv2_configuration_set_event_destination" "eventbridge" {
  configuration_set_name = aws_sesv2_configuration_set.v2.configuration_set_name
  event_destination_name = "v2-to-eventbridge"
  event_destination {
    enabled              = true
    matching_event_types = ["DELIVERY", "CLICK"]
    event_bridge_destination {
      event_bus_arn = "arn:aws:events:us-east-1:${data.aws_caller_identity.current.account_id}:event-bus/default"
    }
  }
}

resource "aws_sesv2_email_identity" "easy" {
  email_identity         = "tf-v2.example.com"
  configuration_set_name = aws_sesv2_configuration_set.v2.configuration_set_name
  tags                   = { env = "ci" }
}

resource "aws_sesv2_email_identity" "byodkim" {
  email_identity = "tf-byo.example.com"
  dkim_signing_attributes {
    domain_signing_private_key = var.byodkim_private_key
    domain_signing_selector    = "tf2026"
  }
}

resource "aws_sesv2_email_identity_mail_from_attributes" "easy" {
  email_identity         = aws_sesv2_email_identity.easy.email_identity
  behavior_on_mx_failure = "USE_DEFAULT_VALUE"
  mail_from_domain       = "mail.${aws_sesv2_email_identity.easy.email_identity}"
}

resource "aws_sesv2_dedicated_ip_pool" "pool" {
  pool_name    = "tf-pool"
  scaling_mode = "STANDARD"
  tags         = { purpose = "transactional" }
}

resource "aws_sesv2_contact_list" "customers" {
  contact_list_name = "tf-customers"
  description       = "Customers"
  topic {
    topic_name                  = "news"
    display_name                = "News"
    description                 = "Monthly news"
    default_subscription_status = "OPT_IN"
  }
  tags = { owner = "marketing" }
}

output "domain_arn" { value = aws_ses_domain_identity.main.arn }
output "dkim_tokens" { value = aws_ses_domain_dkim.main.dkim_tokens }
output "easy_dkim_tokens" { value = aws_sesv2_email_identity.easy.dkim_signing_attributes[0].tokens }

# Receiving: a rule set with two rules (SNS with a header and a stop; a bounce for everything
# else), made active, and an IP filter.
resource "aws_ses_receipt_rule_set" "inbound" {
  rule_set_name = "tf-inbound"
}

resource "aws_ses_receipt_rule" "support" {
  name          = "support"
  rule_set_name = aws_ses_receipt_rule_set.inbound.rule_set_name
  recipients    = ["support@tf-ses.example.com"]
  enabled       = true
  scan_enabled  = true
  tls_policy    = "Require"

  add_header_action {
    header_name  = "X-Route"
    header_value = "support"
    position     = 1
  }
  s3_action {
    bucket_name       = "tf-inbound-mail"
    object_key_prefix = "support/"
    topic_arn         = var.topic_arn
    position          = 2
  }
  sns_action {
    topic_arn = var.topic_arn
    encoding  = "Base64"
    position  = 3
  }
  stop_action {
    scope    = "RuleSet"
    position = 4
  }
}

resource "aws_ses_receipt_rule" "catchall" {
  name          = "catchall"
  rule_set_name = aws_ses_receipt_rule_set.inbound.rule_set_name
  after         = aws_ses_receipt_rule.support.name
  recipients    = ["tf-ses.example.com"]
  enabled       = true

  bounce_action {
    message         = "Mailbox does not exist"
    sender          = "postmaster@${aws_ses_domain_identity.main.domain}"
    smtp_reply_code = "550"
    status_code     = "5.1.1"
    position        = 1
  }
}

resource "aws_ses_active_receipt_rule_set" "inbound" {
  rule_set_name = aws_ses_receipt_rule_set.inbound.rule_set_name
  depends_on    = [aws_ses_receipt_rule.support, aws_ses_receipt_rule.catchall]
}

resource "aws_ses_receipt_filter" "block" {
  name   = "tf-block"
  cidr   = "203.0.113.0/24"
  policy = "Block"
}
