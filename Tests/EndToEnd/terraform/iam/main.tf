# IAM as a team manages least-privilege SES senders with Terraform: a CI user with a console
# password, an access key (and its SES SMTP password), an inline policy, a group, a customer
# managed policy attached to the user, the group and a role, and a role the user may assume.
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

provider "aws" {
  region                     = "us-east-1"
  access_key                 = var.access_key
  secret_key                 = var.secret_key
  skip_requesting_account_id = true
  skip_metadata_api_check    = true
  endpoints {
    iam   = var.endpoint
    sts   = var.endpoint
    ses   = var.endpoint
    sesv2 = var.endpoint
    sns   = var.endpoint
    sqs   = var.endpoint
  }
}

data "aws_caller_identity" "current" {}

resource "aws_iam_user" "deployer" {
  name = "tf-deployer"
  path = "/ci/"
  tags = { team = "mail" }
}

resource "aws_iam_user_login_profile" "deployer" {
  user                    = aws_iam_user.deployer.name
  password_reset_required = false
}

resource "aws_iam_access_key" "deployer" {
  user = aws_iam_user.deployer.name
}

resource "aws_iam_user_policy" "assume" {
  name = "assume-ses-admin"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.ses_admin.arn }]
  })
}

resource "aws_iam_group" "senders" {
  name = "tf-senders"
  path = "/mail/"
}

resource "aws_iam_group_membership" "senders" {
  name  = "tf-senders-membership"
  group = aws_iam_group.senders.name
  users = [aws_iam_user.deployer.name]
}

resource "aws_iam_policy" "send" {
  name        = "tf-send-raw"
  path        = "/mail/"
  description = "Send mail through SES"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ses:SendRawEmail", "ses:SendEmail"], Resource = "*" }]
  })
  tags = { owner = "platform" }
}

resource "aws_iam_user_policy_attachment" "send" {
  user       = aws_iam_user.deployer.name
  policy_arn = aws_iam_policy.send.arn
}

resource "aws_iam_group_policy_attachment" "send" {
  group      = aws_iam_group.senders.name
  policy_arn = aws_iam_policy.send.arn
}

resource "aws_iam_role" "ses_admin" {
  name                 = "tf-ses-admin"
  description          = "Manages SES identities"
  max_session_duration = 7200
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
    }]
  })
  tags = { team = "mail" }
}

resource "aws_iam_role_policy_attachment" "ses_full" {
  role       = aws_iam_role.ses_admin.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSESFullAccess"
}

resource "aws_iam_role_policy_attachment" "send" {
  role       = aws_iam_role.ses_admin.name
  policy_arn = aws_iam_policy.send.arn
}

output "access_key_id" { value = aws_iam_access_key.deployer.id }
output "secret_access_key" {
  value     = aws_iam_access_key.deployer.secret
  sensitive = true
}
output "smtp_password" {
  value     = aws_iam_access_key.deployer.ses_smtp_password_v4
  sensitive = true
}
output "role_arn" { value = aws_iam_role.ses_admin.arn }
output "policy_arn" { value = aws_iam_policy.send.arn }
