# An SES identity managed through a role: the provider signs in with the CI user's key and
# assumes the role (STS AssumeRole), as teams' pipelines do.
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
variable "role_arn" { type = string }

provider "aws" {
  region                     = "us-east-1"
  access_key                 = var.access_key
  secret_key                 = var.secret_key
  skip_requesting_account_id = true
  skip_metadata_api_check    = true
  assume_role {
    role_arn     = var.role_arn
    session_name = "terraform"
  }
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

resource "aws_ses_domain_identity" "mail" {
  domain = "tf-mail.example.com"
}

resource "aws_ses_email_identity" "robot" {
  email = "robot@tf-mail.example.com"
}

output "caller_arn" { value = data.aws_caller_identity.current.arn }
