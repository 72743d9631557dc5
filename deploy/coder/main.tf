# Mux in a Coder workspace: `mux server` started by the agent, health-checked, exposed as an
# app (path-based by default, or on its own subdomain), with the providers routed through
# Coder AI Bridge using the workspace owner's session token. See README.md.

terraform {
  required_version = ">= 1.3"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.5"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.5"
    }
  }
}

variable "agent_id" {
  type        = string
  description = "The ID of the coder_agent that runs Mux."
}

variable "port" {
  type        = number
  description = "Port mux server listens on (localhost only; Coder proxies to it)."
  default     = 4000
}

variable "project_path" {
  type        = string
  description = "A git repository to register as a project at start-up (empty: none)."
  default     = ""
}

variable "subdomain" {
  type        = bool
  description = "Serve Mux on its own subdomain (needs a wildcard access URL) instead of under /@user/workspace/apps/mux/."
  default     = false
}

variable "mux_command" {
  type        = string
  description = "How to run Mux (e.g. \"mux\" when installed globally, or \"node /opt/mux/dist/mux.js\")."
  default     = "mux"
}

variable "use_ai_bridge" {
  type        = bool
  description = "Route OpenAI and Anthropic requests through Coder AI Bridge with the owner's session token."
  default     = true
}

variable "log_path" {
  type        = string
  description = "Where mux server's output goes."
  default     = "/tmp/mux-server.log"
}

variable "order" {
  type        = number
  description = "Position of the app among the workspace's apps."
  default     = null
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

# The server's token: Coder's proxy already requires a Coder login; this keeps every other
# process in the workspace (including the agents Mux runs) from driving the API on localhost.
resource "random_password" "mux_token" {
  length  = 40
  special = false
}

locals {
  access_url  = trimsuffix(data.coder_workspace.me.access_url, "/")
  add_project = var.project_path == "" ? "" : " --add-project '${replace(var.project_path, "'", "'\\''")}'"
  provider_env = var.use_ai_bridge ? {
    OPENAI_BASE_URL    = "${local.access_url}/api/v2/aibridge/openai/v1"
    OPENAI_API_KEY     = data.coder_workspace_owner.me.session_token
    ANTHROPIC_BASE_URL = "${local.access_url}/api/v2/aibridge/anthropic"
    ANTHROPIC_API_KEY  = data.coder_workspace_owner.me.session_token
  } : {}
}

# Provider settings for every process of the agent (so `mux run` in a terminal uses the bridge
# too). Values in ~/.mux/providers.jsonc still win over these.
resource "coder_env" "provider" {
  for_each = local.provider_env
  agent_id = var.agent_id
  name     = each.key
  value    = each.value
}

resource "coder_script" "mux_server" {
  agent_id           = var.agent_id
  display_name       = "Mux"
  icon               = "/emojis/1f916.png"
  run_on_start       = true
  start_blocks_login = false
  script             = <<-EOT
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v ${split(" ", var.mux_command)[0]} >/dev/null 2>&1; then
      echo "mux: '${var.mux_command}' not found; install Mux in the image (npm ci && npm run build in its repository)" >&2
      exit 1
    fi
    # The token reaches only this process (mux server removes it from what its agents inherit).
    export MUX_SERVER_AUTH_TOKEN='${random_password.mux_token.result}'
    nohup ${var.mux_command} server --host 127.0.0.1 --port ${var.port}${local.add_project} >>'${var.log_path}' 2>&1 &
    echo "mux server starting on port ${var.port}; log: ${var.log_path}"
  EOT
}

resource "coder_app" "mux" {
  agent_id     = var.agent_id
  slug         = "mux"
  display_name = "Mux"
  icon         = "/emojis/1f916.png"
  # The token in the app URL: Coder redirects the app's root to this query; Mux turns it into an
  # HttpOnly cookie scoped to the app's path (the API WebSocket carries only the cookie).
  url       = "http://localhost:${var.port}/?token=${random_password.mux_token.result}"
  subdomain = var.subdomain
  share     = "owner"
  order     = var.order

  healthcheck {
    url       = "http://localhost:${var.port}/health"
    interval  = 5
    threshold = 12
  }
}

output "port" {
  value       = var.port
  description = "The port mux server listens on inside the workspace."
}
